"""Schema 5 (issue 12, the client record): a staff member's work phone (``staff.phone``),
shown in a client record's header as how to reach the key worker.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "phone",
                sqlmodel.sql.sqltypes.AutoString(length=40),
                nullable=False,
                server_default="",
            )
        )
    op.execute("UPDATE duty_desk_meta SET value = '5' WHERE key = 'schema_version'")


def downgrade() -> None:
    op.execute("UPDATE duty_desk_meta SET value = '4' WHERE key = 'schema_version'")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("phone")
