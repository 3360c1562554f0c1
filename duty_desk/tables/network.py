"""A referral's network: family, friends and others around the person, invited to meetings
(the queue's referral and the day view's meetings read them at start; the board does not).

One group of the tables behind ``duty_desk.models``, imported when one of them is first
named there."""

import datetime as dt

from sqlalchemy import Column, Text, true
from sqlmodel import Field

from duty_desk.vocabulary import Consent

from .base import TableModel, versions

_VERSIONS = versions("network_member")


class NetworkMember(TableModel, table=True):
    __tablename__ = "network_member"
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    name: str = Field(max_length=120)
    relationship: str = Field(default="", max_length=60)
    phone: str = Field(default="", max_length=40)
    created_at: dt.datetime
    # -- issue 12 (network): whether they take part in meetings; the person's consent to
    # share information with them (``Consent``), when and by whom it was recorded (set by
    # the repository when the answer changes); removal (kept: history, past attendance).
    takes_part: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    consent: str = Field(
        default=Consent.not_asked.value,
        max_length=12,
        sa_column_kwargs={"server_default": Consent.not_asked.value},
    )
    consent_at: dt.datetime | None = None
    consent_by: str | None = Field(default=None, max_length=64)
    removed_at: dt.datetime | None = None
    removed_by: str | None = Field(default=None, max_length=64)
    removed_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    version: int = Field(default=1, sa_column=_VERSIONS["network_member"])

    __mapper_args__ = {"version_id_col": _VERSIONS["network_member"]}
