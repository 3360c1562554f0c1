"""Schema 5 (issue 12, docs): hospital admissions during an episode of care
(``admission``: admitted and discharged dates, informal or detained with the section of
the Mental Health Act, the hospital; versioned).

Revision ID: 0014
Revises: 0013

Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("admitted_on", sa.Date(), nullable=False),
        sa.Column("discharged_on", sa.Date(), nullable=True),
        sa.Column("legal_status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("mha_section", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("hospital", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_admission_client_id_client")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admission")),
    )
    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admission_client_id"), ["client_id"], unique=False)
    op.execute("UPDATE duty_desk_meta SET value = '5' WHERE key = 'schema_version'")


def downgrade() -> None:
    # schema 5 began at 0009: its downgrade sets the version back to 4
    with op.batch_alter_table("admission", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admission_client_id"))
    op.drop_table("admission")
