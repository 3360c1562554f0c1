"""The duty desk's own records: intake locks, the duty rota, handover notes, out-of-hours
handovers.

One group of the tables behind ``duty_desk.models``, imported when one of them is first
named there."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field

from .base import TableModel, versions

_VERSIONS = versions("handover_note")


class IntakeLock(TableModel, table=True):
    """One row per area, locked (SELECT ... FOR UPDATE) while a cap check runs on servers
    that have row locks. SQLite serialises writers with BEGIN IMMEDIATE instead."""

    __tablename__ = "intake_lock"
    area: str = Field(primary_key=True, max_length=40)


class DutyRota(TableModel, table=True):
    """Who is on duty on a local date (set from the desk; one row per person and date)."""

    __tablename__ = "duty_rota"
    __table_args__ = (UniqueConstraint("on_date", "staff_id"),)
    id: int | None = Field(default=None, primary_key=True)
    on_date: dt.date = Field(index=True)
    staff_id: int = Field(foreign_key="staff.id")
    created_at: dt.datetime
    created_by: str = Field(max_length=64)


class HandoverNote(TableModel, table=True):
    """A short shift-handover note about one referral or one client (episode): who wrote
    it and when; open until someone closes it as dealt with (who, when)."""

    __tablename__ = "handover_note"
    __table_args__ = (Index("ix_handover_note_closed_at", "closed_at"),)
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int | None = Field(default=None, foreign_key="referral.id", index=True)
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime
    created_by: str = Field(max_length=64)
    closed_at: dt.datetime | None = None
    closed_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1, sa_column=_VERSIONS["handover_note"])

    __mapper_args__ = {"version_id_col": _VERSIONS["handover_note"]}


class OohHandover(TableModel, table=True):
    """A referral due while the team is closed, handed over to the out-of-hours service:
    to whom, why, by whom and when."""

    __tablename__ = "ooh_handover"
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    service: str = Field(max_length=80)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    handed_at: dt.datetime
    handed_by: str = Field(max_length=64)
