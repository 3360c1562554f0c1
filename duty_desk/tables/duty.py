"""The duty desk's shift records: the duty rota and the referrals handed over to the
out-of-hours service (the queue reads both at start, for the handover; the board neither).

One group of the tables behind ``duty_desk.models``, imported when one of them is first
named there."""

import datetime as dt

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field

from .base import TableModel


class DutyRota(TableModel, table=True):
    """Who is on duty on a local date (set from the desk; one row per person and date)."""

    __tablename__ = "duty_rota"
    __table_args__ = (UniqueConstraint("on_date", "staff_id"),)
    id: int | None = Field(default=None, primary_key=True)
    on_date: dt.date = Field(index=True)
    staff_id: int = Field(foreign_key="staff.id")
    created_at: dt.datetime
    created_by: str = Field(max_length=64)


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
