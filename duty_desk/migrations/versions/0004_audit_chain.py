"""Schema 3: the audit log's hash chain. Each audit row gets ``hash`` (sha256 of the
previous row's hash and its own fields, see ``duty_desk.audit_chain``), written for every
existing row here. The append-only triggers refuse that UPDATE, so they are dropped,
the chain is written and they are made again with the statements the models use, all in
the upgrade's one transaction.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from duty_desk.audit_chain import backfill
from duty_desk.models import audit_trigger_statements

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

DROP_TRIGGERS = {
    "sqlite": (
        "DROP TRIGGER IF EXISTS audit_log_no_update",
        "DROP TRIGGER IF EXISTS audit_log_no_delete",
    ),
    "postgresql": (
        "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
        "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    ),
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in DROP_TRIGGERS.get(dialect, ()):
        op.execute(statement)
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
    backfill(op.get_bind())
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column(
            "hash", existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        )
    for statement in audit_trigger_statements(dialect):
        op.execute(statement)
    op.execute("UPDATE duty_desk_meta SET value = '3' WHERE key = 'schema_version'")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("UPDATE duty_desk_meta SET value = '2' WHERE key = 'schema_version'")
    for statement in DROP_TRIGGERS.get(dialect, ()):
        op.execute(statement)
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("hash")
    for statement in audit_trigger_statements(dialect):
        op.execute(statement)
