"""Shift-handover notes about referrals and clients (the queue and the board read the open
ones at start).

One group of the tables behind ``duty_desk.models``, imported when one of them is first
named there."""

import datetime as dt

from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from .base import TableModel, versions

_VERSIONS = versions("handover_note")


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
