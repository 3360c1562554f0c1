"""Schema 4 (handover): shift-handover notes per referral or client, the duty rota (who is
on duty on a date), and referrals handed over to the out-of-hours service.

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handover_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_handover_note_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_handover_note_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_note")),
    )
    with op.batch_alter_table("handover_note", schema=None) as batch_op:
        batch_op.create_index("ix_handover_note_closed_at", ["closed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_handover_note_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_handover_note_referral_id"), ["referral_id"], unique=False
        )

    op.create_table(
        "duty_rota",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_duty_rota_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_rota")),
        sa.UniqueConstraint("on_date", "staff_id", name=op.f("uq_duty_rota_on_date")),
    )
    with op.batch_alter_table("duty_rota", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_duty_rota_on_date"), ["on_date"], unique=False)

    op.create_table(
        "ooh_handover",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=False),
        sa.Column("service", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("handed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("handed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"], ["referral.id"], name=op.f("fk_ooh_handover_referral_id_referral")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ooh_handover")),
    )
    with op.batch_alter_table("ooh_handover", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ooh_handover_referral_id"), ["referral_id"], unique=False
        )
    op.execute("UPDATE duty_desk_meta SET value = '4' WHERE key = 'schema_version'")


def downgrade() -> None:
    op.execute("UPDATE duty_desk_meta SET value = '3' WHERE key = 'schema_version'")
    with op.batch_alter_table("ooh_handover", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ooh_handover_referral_id"))
    op.drop_table("ooh_handover")
    with op.batch_alter_table("duty_rota", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_duty_rota_on_date"))
    op.drop_table("duty_rota")
    with op.batch_alter_table("handover_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_note_referral_id"))
        batch_op.drop_index(batch_op.f("ix_handover_note_client_id"))
        batch_op.drop_index("ix_handover_note_closed_at")
    op.drop_table("handover_note")
