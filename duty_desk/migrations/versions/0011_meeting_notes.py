"""Schema 5 (issue 12, the meeting record): meeting notes (``meeting_note``, append-only),
changes of a recorded outcome with their reason (``meeting_outcome_change``) and the
follow-up taken after a did-not-attend (``meeting.follow_up``).

Revision ID: 0011
Revises: 0010

Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follow_up", sa.Text(), nullable=True))
    op.create_table(
        "meeting_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_note_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_note")),
    )
    with op.batch_alter_table("meeting_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_note_meeting_id"), ["meeting_id"])
    op.create_table(
        "meeting_outcome_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("to_status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_meeting_outcome_change_meeting_id_meeting"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_outcome_change")),
    )
    with op.batch_alter_table("meeting_outcome_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_outcome_change_meeting_id"), ["meeting_id"])
    op.execute("UPDATE duty_desk_meta SET value = '5' WHERE key = 'schema_version'")


def downgrade() -> None:
    # schema 5 began at 0009: its downgrade sets the version back to 4
    with op.batch_alter_table("meeting_outcome_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_outcome_change_meeting_id"))
    op.drop_table("meeting_outcome_change")
    with op.batch_alter_table("meeting_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_note_meeting_id"))
    op.drop_table("meeting_note")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("follow_up")
