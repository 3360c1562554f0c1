"""Schema 7 (issue 14, fft): the NHS Friends and Family Test answers
(``satisfaction_answer``: one answer of six, an optional comment, the local day given,
whether asked at discharge, who recorded it and when; versioned).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "satisfaction_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("comment", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("at_discharge", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_satisfaction_answer_client_id_client")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfaction_answer")),
    )
    with op.batch_alter_table("satisfaction_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_satisfaction_answer_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_satisfaction_answer_answered_on"), ["answered_on"], unique=False
        )
    op.execute("UPDATE duty_desk_meta SET value = '7' WHERE key = 'schema_version'")


def downgrade() -> None:
    op.execute("UPDATE duty_desk_meta SET value = '6' WHERE key = 'schema_version'")
    with op.batch_alter_table("satisfaction_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_satisfaction_answer_answered_on"))
        batch_op.drop_index(batch_op.f("ix_satisfaction_answer_client_id"))
    op.drop_table("satisfaction_answer")
