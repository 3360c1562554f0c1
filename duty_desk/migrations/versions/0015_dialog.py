"""Schema 6 (DIALOG and DIALOG+): ratings (``dialog_rating``) with one answer per item
(``dialog_answer``: 1-7 or none, help wanted), the items chosen to talk about with their
steps (``dialog_topic``), agreed actions (``dialog_action``) and their reviews
(``dialog_action_review``).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_LOGIN = sqlmodel.sql.sqltypes.AutoString(length=64)
_WHEN = sqlmodel.sql.sqltypes.UTCDateTime()


def _key() -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=40)


def upgrade() -> None:
    op.create_table(
        "dialog_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("created_by", _LOGIN, nullable=False),
        sa.Column("corrected_at", _WHEN, nullable=True),
        sa.Column("corrected_by", _LOGIN, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_dialog_rating_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_dialog_rating_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialog_rating")),
    )
    with op.batch_alter_table("dialog_rating", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dialog_rating_client_rated_on", ["client_id", "rated_on"], unique=False
        )

    op.create_table(
        "dialog_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("item_key", _key(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("help_wanted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rating_id"],
            ["dialog_rating.id"],
            name=op.f("fk_dialog_answer_rating_id_dialog_rating"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialog_answer")),
        sa.UniqueConstraint("rating_id", "item_key", name=op.f("uq_dialog_answer_rating_id")),
    )
    with op.batch_alter_table("dialog_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dialog_answer_rating_id"), ["rating_id"], unique=False)

    op.create_table(
        "dialog_topic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=False),
        sa.Column("item_key", _key(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("understanding", sa.Text(), nullable=False),
        sa.Column("looking_forward", sa.Text(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rating_id"],
            ["dialog_rating.id"],
            name=op.f("fk_dialog_topic_rating_id_dialog_rating"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialog_topic")),
        sa.UniqueConstraint("rating_id", "item_key", name=op.f("uq_dialog_topic_rating_id")),
    )
    with op.batch_alter_table("dialog_topic", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dialog_topic_rating_id"), ["rating_id"], unique=False)

    op.create_table(
        "dialog_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("owner_kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("owner_network_id", sa.Integer(), nullable=True),
        sa.Column("owner_staff_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("created_by", _LOGIN, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_dialog_action_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["dialog_topic.id"], name=op.f("fk_dialog_action_topic_id_dialog_topic")
        ),
        sa.ForeignKeyConstraint(
            ["owner_network_id"],
            ["network_member.id"],
            name=op.f("fk_dialog_action_owner_network_id_network_member"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_staff_id"], ["staff.id"], name=op.f("fk_dialog_action_owner_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialog_action")),
    )
    with op.batch_alter_table("dialog_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dialog_action_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dialog_action_topic_id"), ["topic_id"], unique=False)

    op.create_table(
        "dialog_action_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("rating_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewed_at", _WHEN, nullable=False),
        sa.Column("reviewed_by", _LOGIN, nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["dialog_action.id"],
            name=op.f("fk_dialog_action_review_action_id_dialog_action"),
        ),
        sa.ForeignKeyConstraint(
            ["rating_id"],
            ["dialog_rating.id"],
            name=op.f("fk_dialog_action_review_rating_id_dialog_rating"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialog_action_review")),
    )
    with op.batch_alter_table("dialog_action_review", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dialog_action_review_action_id"), ["action_id"], unique=False
        )
    op.execute("UPDATE duty_desk_meta SET value = '6' WHERE key = 'schema_version'")


def downgrade() -> None:
    op.execute("UPDATE duty_desk_meta SET value = '5' WHERE key = 'schema_version'")
    for table in (
        "dialog_action_review",
        "dialog_action",
        "dialog_topic",
        "dialog_answer",
        "dialog_rating",
    ):
        op.drop_table(table)
