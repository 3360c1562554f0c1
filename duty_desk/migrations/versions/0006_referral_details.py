"""Schema 4 (details): the referral's address and postcode, the referrer's name and
contact, the preferred language and whether an interpreter is needed (all optional:
existing referrals get empty text and "no interpreter"), and an index on the received
time for finding decided referrals newest first.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TEXT_COLUMNS = (
    ("address", 200),
    ("postcode", 10),
    ("referrer_name", 120),
    ("referrer_contact", 120),
    ("language", 60),
)


def upgrade() -> None:
    with op.batch_alter_table("referral", schema=None) as batch_op:
        for name, length in TEXT_COLUMNS:
            batch_op.add_column(
                sa.Column(
                    name,
                    sqlmodel.sql.sqltypes.AutoString(length=length),
                    nullable=False,
                    server_default="",
                )
            )
        batch_op.add_column(
            sa.Column("interpreter", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index("ix_referral_received_at", ["received_at"], unique=False)
    op.execute("UPDATE duty_desk_meta SET value = '4' WHERE key = 'schema_version'")


def downgrade() -> None:
    op.execute("UPDATE duty_desk_meta SET value = '3' WHERE key = 'schema_version'")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_received_at")
        batch_op.drop_column("interpreter")
        for name, _length in reversed(TEXT_COLUMNS):
            batch_op.drop_column(name)
