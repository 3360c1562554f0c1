"""Schema 2: core teams, absences, network meetings and attendance, discharge details,
staff capacity; the audit log made append-only by triggers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from duty_desk.models import audit_trigger_statements

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_absence_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absence")),
    )
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.create_index(
            "ix_absence_staff_dates", ["staff_id", "starts_on", "ends_on"], unique=False
        )

    op.create_table(
        "client_continuity",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("meetings", sa.Integer(), nullable=False),
        sa.Column("with_core", sa.Float(), nullable=True),
        sa.Column("with_key_worker", sa.Float(), nullable=True),
        sa.Column("upc", sa.Float(), nullable=True),
        sa.Column("coc", sa.Float(), nullable=True),
        sa.Column("secon", sa.Float(), nullable=True),
        sa.Column("last_met_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("no_core", sa.Text(), nullable=True),
        sa.Column("no_core_last_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_client_continuity_client_id_client")
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_client_continuity")),
    )
    op.create_table(
        "core_team_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_core_team_member_client_id_client")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_core_team_member_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_core_team_member")),
        sa.UniqueConstraint("client_id", "staff_id", name=op.f("uq_core_team_member_client_id")),
    )
    with op.batch_alter_table("core_team_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_core_team_member_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_core_team_member_staff_id"), ["staff_id"], unique=False
        )

    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ends_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("place_kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("place_detail", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("cancelled_by", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_meeting_client_id_client")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meeting_client_starts_at", ["client_id", "starts_at"], unique=False
        )
        batch_op.create_index("ix_meeting_starts_at", ["starts_at"], unique=False)

    op.create_table(
        "meeting_network",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("network_member_id", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_network_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["network_member_id"],
            ["network_member.id"],
            name=op.f("fk_meeting_network_network_member_id_network_member"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_network")),
        sa.UniqueConstraint(
            "meeting_id", "network_member_id", name=op.f("uq_meeting_network_meeting_id")
        ),
    )
    with op.batch_alter_table("meeting_network", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_network_meeting_id"), ["meeting_id"], unique=False
        )

    op.create_table(
        "meeting_staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_staff_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_meeting_staff_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_staff")),
        sa.UniqueConstraint("meeting_id", "staff_id", name=op.f("uq_meeting_staff_meeting_id")),
    )
    with op.batch_alter_table("meeting_staff", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_staff_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(
            "ix_meeting_staff_staff_meeting", ["staff_id", "meeting_id"], unique=False
        )

    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("discharge_kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True)
        )
        batch_op.add_column(sa.Column("discharge_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("discharged_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_client_discharged_by_id_staff"), "staff", ["discharged_by_id"], ["id"]
        )

    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("capacity", sa.Integer(), nullable=False, server_default=sa.text("12"))
        )

    for statement in audit_trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.execute("UPDATE duty_desk_meta SET value = '2' WHERE key = 'schema_version'")


def downgrade() -> None:
    op.execute("UPDATE duty_desk_meta SET value = '1' WHERE key = 'schema_version'")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("capacity")

    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_client_discharged_by_id_staff"), type_="foreignkey")
        batch_op.drop_column("discharged_by_id")
        batch_op.drop_column("discharge_reason")
        batch_op.drop_column("discharge_kind")

    with op.batch_alter_table("meeting_staff", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_staff_staff_meeting")
        batch_op.drop_index(batch_op.f("ix_meeting_staff_meeting_id"))

    op.drop_table("meeting_staff")
    with op.batch_alter_table("meeting_network", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_network_meeting_id"))

    op.drop_table("meeting_network")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_starts_at")
        batch_op.drop_index("ix_meeting_client_starts_at")

    op.drop_table("meeting")
    with op.batch_alter_table("core_team_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_core_team_member_staff_id"))
        batch_op.drop_index(batch_op.f("ix_core_team_member_client_id"))

    op.drop_table("core_team_member")
    op.drop_table("client_continuity")
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.drop_index("ix_absence_staff_dates")

    op.drop_table("absence")
