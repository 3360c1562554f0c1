"""Schema 5 (issue 12, network): editing the person's network after acceptance. Each
network member gains whether they take part in meetings (``takes_part``, existing members:
yes), the person's consent to share information with them (``consent``: yes, no or
not_asked; existing members: not asked, never assumed), when and by whom the consent was
recorded (``consent_at``, ``consent_by``) and removal (``removed_at``, ``removed_by``,
``removed_reason``: a removed member stays, for the history and past attendance).

Revision ID: 0010
Revises: 0009 (written on 0008; chained after the record part's 0009 once merged with it)
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0010"
down_revision = "0009"  # issue 12: was "0008"; the integrator chains the parts
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("network_member", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("takes_part", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column(
                "consent",
                sqlmodel.sql.sqltypes.AutoString(length=12),
                nullable=False,
                server_default="not_asked",
            )
        )
        batch_op.add_column(
            sa.Column("consent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("consent_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(
            sa.Column("removed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("removed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("removed_reason", sa.Text(), nullable=True))
    op.execute("UPDATE duty_desk_meta SET value = '5' WHERE key = 'schema_version'")


def downgrade() -> None:
    # Schema 5 is every issue-12 revision together: the first of them (0009) sets it back to 4.
    with op.batch_alter_table("network_member", schema=None) as batch_op:
        batch_op.drop_column("removed_reason")
        batch_op.drop_column("removed_by")
        batch_op.drop_column("removed_at")
        batch_op.drop_column("consent_by")
        batch_op.drop_column("consent_at")
        batch_op.drop_column("consent")
        batch_op.drop_column("takes_part")
