"""The database tables (SQLModel). Only the repository layer touches these.

Table models do not validate on construction: input is checked by
``duty_desk.validation`` before it gets here. Every datetime column is
aware UTC (SQLModel's UTCDateTime type refuses naive values).
Editable records carry ``version`` (SQLAlchemy's optimistic locking).
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Column, Index, Integer, MetaData, Text
from sqlmodel import Field, SQLModel

# A naming convention keeps constraint names stable for migrations.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def _version() -> Column:  # type: ignore[type-arg]
    """A fresh ``version`` column for one table (SQLAlchemy's optimistic lock counter)."""
    return Column("version", Integer, nullable=False, default=1)


_VERSIONS = {name: _version() for name in ("staff", "referral", "client", "network_member")}


class Role(enum.StrEnum):
    clinician = "clinician"
    peer_support = "peer_support"
    team_lead = "team_lead"


class ReferralStatus(enum.StrEnum):
    new = "new"
    triaging = "triaging"
    accepted = "accepted"
    redirected = "redirected"
    declined = "declined"

    @property
    def is_open(self) -> bool:
        return self in (ReferralStatus.new, ReferralStatus.triaging)


OPEN_STATUSES = (ReferralStatus.new.value, ReferralStatus.triaging.value)


class Staff(SQLModel, table=True):
    __tablename__ = "staff"
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=120)
    role: str = Field(max_length=20, default=Role.clinician.value)
    active: bool = True
    created_at: dt.datetime
    version: int = Field(default=1, sa_column=_VERSIONS["staff"])

    __mapper_args__ = {"version_id_col": _VERSIONS["staff"]}  # noqa: RUF012


class Referral(SQLModel, table=True):
    __tablename__ = "referral"
    __table_args__ = (
        Index("ix_referral_status_respond_by", "status", "respond_by"),
        Index("ix_referral_area_status_received", "area", "status", "received_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    date_of_birth: dt.date
    nhs_number: str | None = Field(default=None, max_length=10, index=True)
    phone: str = Field(default="", max_length=40)
    area: str = Field(max_length=40)
    gp_practice: str = Field(max_length=120)
    source: str = Field(max_length=40)
    urgency: str = Field(max_length=1)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    received_at: dt.datetime
    respond_by: dt.datetime
    status: str = Field(default=ReferralStatus.new.value, max_length=20)
    triage_by_id: int | None = Field(default=None, foreign_key="staff.id")
    triage_since: dt.datetime | None = None
    onward: str | None = Field(default=None, max_length=40)
    decision_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    eligibility_override: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_by_id: int | None = Field(default=None, foreign_key="staff.id")
    decided_at: dt.datetime | None = None
    created_at: dt.datetime
    created_by: str = Field(max_length=64)
    version: int = Field(default=1, sa_column=_VERSIONS["referral"])

    __mapper_args__ = {"version_id_col": _VERSIONS["referral"]}  # noqa: RUF012


class Client(SQLModel, table=True):
    """An episode of care: one accepted referral."""

    __tablename__ = "client"
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", unique=True)
    accepted_at: dt.datetime
    accepted_by_id: int = Field(foreign_key="staff.id")
    status: str = Field(default="open", max_length=20, index=True)
    key_worker_id: int | None = Field(default=None, foreign_key="staff.id")
    discharged_at: dt.datetime | None = None
    version: int = Field(default=1, sa_column=_VERSIONS["client"])

    __mapper_args__ = {"version_id_col": _VERSIONS["client"]}  # noqa: RUF012


class NetworkMember(SQLModel, table=True):
    __tablename__ = "network_member"
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    name: str = Field(max_length=120)
    relationship: str = Field(default="", max_length=60)
    phone: str = Field(default="", max_length=40)
    created_at: dt.datetime
    version: int = Field(default=1, sa_column=_VERSIONS["network_member"])

    __mapper_args__ = {"version_id_col": _VERSIONS["network_member"]}  # noqa: RUF012


class AuditLog(SQLModel, table=True):
    """Who changed what, when: written in the same transaction as the change."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=30)
    entity_id: int
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class IntakeLock(SQLModel, table=True):
    """One row per area, locked (SELECT ... FOR UPDATE) while a cap check runs on servers
    that have row locks. SQLite serialises writers with BEGIN IMMEDIATE instead."""

    __tablename__ = "intake_lock"
    area: str = Field(primary_key=True, max_length=40)


class Meta(SQLModel, table=True):
    """Facts about the database itself (schema version, what created it)."""

    __tablename__ = "duty_desk_meta"
    key: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)
