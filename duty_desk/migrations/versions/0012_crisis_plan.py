"""Schema 5 (issue 12, safety): each episode's crisis and contingency plan
(``crisis_plan``) and risk summary (``risk_summary``), with their review dates (the
board lists an overdue review as a break, read through the ``review_on`` indexes), and
``duty_desk_meta.crisis_plans_since``: the upgrade's time.

Revision ID: 0012
Revises: 0011

Create Date: 2026-12-02
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_WHO = sqlmodel.sql.sqltypes.AutoString(length=64)


def _stamps() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", _WHO, nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", _WHO, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _keys(table: str) -> list[sa.Constraint]:
    return [
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f(f"fk_{table}_client_id_client")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("client_id", name=op.f(f"uq_{table}_client_id")),
    ]


def upgrade() -> None:
    op.create_table(
        "crisis_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("early_signs", sa.Text(), nullable=False),
        sa.Column("what_helps", sa.Text(), nullable=False),
        sa.Column("what_to_avoid", sa.Text(), nullable=False),
        sa.Column("contact_in_hours", sa.Text(), nullable=False),
        sa.Column("contact_out_of_hours", sa.Text(), nullable=False),
        *_stamps(),
        *_keys("crisis_plan"),
    )
    op.create_index(
        "ix_crisis_plan_review_on_client", "crisis_plan", ["review_on", "client_id"], unique=False
    )
    op.create_table(
        "risk_summary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        *_stamps(),
        *_keys("risk_summary"),
    )
    op.create_index(
        "ix_risk_summary_review_on_client",
        "risk_summary",
        ["review_on", "client_id"],
        unique=False,
    )
    # Episodes accepted before today are not listed as "plan missing" (duty_desk.db
    # CRISIS_PLANS_SINCE): their plans may be on paper; the record still says there is none.
    since = dt.datetime.now(dt.UTC).isoformat()
    op.execute(
        sa.text(
            "INSERT INTO duty_desk_meta (key, value) VALUES ('crisis_plans_since', :since)"
        ).bindparams(since=since)
    )
    op.execute("UPDATE duty_desk_meta SET value = '5' WHERE key = 'schema_version'")


def downgrade() -> None:
    # schema 5 began at 0009: its downgrade sets the version back to 4
    op.execute("DELETE FROM duty_desk_meta WHERE key = 'crisis_plans_since'")
    op.drop_index("ix_risk_summary_review_on_client", table_name="risk_summary")
    op.drop_table("risk_summary")
    op.drop_index("ix_crisis_plan_review_on_client", table_name="crisis_plan")
    op.drop_table("crisis_plan")
