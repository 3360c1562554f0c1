"""Network meetings (every start screen reads them). Who is expected at a meeting is the
``meeting_people`` group: only the day view's first read needs it.

One group of the tables behind ``duty_desk.models``, imported when one of them is first
named there."""

import datetime as dt

from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from duty_desk.vocabulary import MeetingStatus

from .base import TableModel, versions

_VERSIONS = versions("meeting")


class Meeting(TableModel, table=True):
    """A network meeting with one client, from ``starts_at`` to ``ends_at`` (UTC)."""

    __tablename__ = "meeting"
    __table_args__ = (
        Index("ix_meeting_starts_at", "starts_at"),
        Index("ix_meeting_client_starts_at", "client_id", "starts_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    starts_at: dt.datetime
    ends_at: dt.datetime
    place_kind: str = Field(max_length=10)
    place_detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default=MeetingStatus.booked.value, max_length=20)
    cancelled_by: str | None = Field(default=None, max_length=10)
    cancel_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Warnings (absence, hours, travel buffer...) the duty worker booked over, and why.
    override_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Why a client's first meeting was booked to start after the referral's respond-by time.
    late_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: dt.datetime
    created_by: str = Field(max_length=64)
    version: int = Field(default=1, sa_column=_VERSIONS["meeting"])
    # issue 12 (meeting): the follow-up taken after a did-not-attend (who and when: audit)
    follow_up: str | None = Field(default=None, sa_column=Column(Text, nullable=True))

    __mapper_args__ = {"version_id_col": _VERSIONS["meeting"]}
