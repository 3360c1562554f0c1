"""Schema 4 (issue 11, decisions): why a later referral was accepted before an earlier
eligible one (``referral.order_reason``), the last reversal of a triage decision
(``referral.reversed_at``, ``reversed_by``, ``reversal_reason``), and why a first meeting
was booked after the respond-by time (``meeting.late_reason``). Only new nullable columns.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("order_reason", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("reversed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("reversed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("reversal_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("late_reason", sa.Text(), nullable=True))
    op.execute("UPDATE duty_desk_meta SET value = '4' WHERE key = 'schema_version'")


def downgrade() -> None:
    op.execute("UPDATE duty_desk_meta SET value = '3' WHERE key = 'schema_version'")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("late_reason")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_column("reversal_reason")
        batch_op.drop_column("reversed_by")
        batch_op.drop_column("reversed_at")
        batch_op.drop_column("order_reason")
