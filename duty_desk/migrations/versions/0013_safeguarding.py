"""Schema 5 (issue 12, guard): safeguarding flags (``safeguarding_flag``): a kind from the
settings, a note, who raised it and when, and when closed the end date, who, when and why;
on a referral, and so on its client.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "safeguarding_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("raised_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("raised_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("close_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_safeguarding_flag_referral_id_referral"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safeguarding_flag")),
    )
    with op.batch_alter_table("safeguarding_flag", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safeguarding_flag_referral_id"), ["referral_id"], unique=False
        )
        batch_op.create_index("ix_safeguarding_flag_closed_at", ["closed_at"], unique=False)
    op.execute("UPDATE duty_desk_meta SET value = '5' WHERE key = 'schema_version'")


def downgrade() -> None:
    # schema 5 began at 0009: its downgrade sets the version back to 4
    with op.batch_alter_table("safeguarding_flag", schema=None) as batch_op:
        batch_op.drop_index("ix_safeguarding_flag_closed_at")
        batch_op.drop_index(batch_op.f("ix_safeguarding_flag_referral_id"))
    op.drop_table("safeguarding_flag")
