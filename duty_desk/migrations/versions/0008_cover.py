"""Schema 4 (cover): part-day absences (``absence.starts_time`` / ``ends_time``, local
wall-clock times; none means whole days), cover at meetings (``meeting_staff.cover``,
``cover_for_id``, ``arranged_by``) and what the duty worker decided for each meeting an
absence affects (``absence_decision``).

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("starts_time", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("ends_time", sa.Time(), nullable=True))
    with op.batch_alter_table("meeting_staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cover", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("cover_for_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("arranged_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_meeting_staff_cover_for_id_staff"), "staff", ["cover_for_id"], ["id"]
        )
    op.create_table(
        "absence_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("absence_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("decision", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("cover_staff_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["absence_id"], ["absence.id"], name=op.f("fk_absence_decision_absence_id_absence")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_absence_decision_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["cover_staff_id"],
            ["staff.id"],
            name=op.f("fk_absence_decision_cover_staff_id_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absence_decision")),
        sa.UniqueConstraint(
            "absence_id", "meeting_id", name=op.f("uq_absence_decision_absence_id")
        ),
    )
    with op.batch_alter_table("absence_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_absence_decision_absence_id"), ["absence_id"], unique=False
        )
    op.execute("UPDATE duty_desk_meta SET value = '4' WHERE key = 'schema_version'")


def downgrade() -> None:
    op.execute("UPDATE duty_desk_meta SET value = '3' WHERE key = 'schema_version'")
    with op.batch_alter_table("absence_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absence_decision_absence_id"))
    op.drop_table("absence_decision")
    with op.batch_alter_table("meeting_staff", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_meeting_staff_cover_for_id_staff"), type_="foreignkey"
        )
        batch_op.drop_column("arranged_by")
        batch_op.drop_column("cover_for_id")
        batch_op.drop_column("cover")
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.drop_column("ends_time")
        batch_op.drop_column("starts_time")
