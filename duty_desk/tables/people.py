"""The people every start screen reads: staff (and their absences), referrals, clients
(episodes of care) and safeguarding flags. An episode's continuity figures, its network
and its core team are groups of their own (``continuity``, ``network``, ``core_team``):
a start screen's first read does not need all three (issue 15).

One group of the tables behind ``duty_desk.models``, imported when one of them is first
named there."""

import datetime as dt

from sqlalchemy import Column, Index, Text
from sqlalchemy import false as sa_false
from sqlmodel import Field

from duty_desk.vocabulary import ClientStatus, ReferralStatus, Role

from .base import TableModel, versions

_VERSIONS = versions("staff", "referral", "client", "absence", "safeguarding_flag")


class Staff(TableModel, table=True):
    __tablename__ = "staff"
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=120)
    role: str = Field(max_length=20, default=Role.clinician.value)
    active: bool = True
    # How many episodes this person can hold as core-team member (the board
    # compares caseload against it). Set per person by a team lead.
    capacity: int = Field(default=12)
    created_at: dt.datetime
    version: int = Field(default=1, sa_column=_VERSIONS["staff"])
    # -- issue 12 (record) --: a work phone, how to reach them as a client's key worker.
    phone: str = Field(default="", max_length=40, sa_column_kwargs={"server_default": ""})

    __mapper_args__ = {"version_id_col": _VERSIONS["staff"]}


class Referral(TableModel, table=True):
    __tablename__ = "referral"
    __table_args__ = (
        Index("ix_referral_status_respond_by", "status", "respond_by"),
        Index("ix_referral_area_status_received", "area", "status", "received_at"),
        # Finding decided referrals (and all of them) newest first, a page at a time.
        Index("ix_referral_received_at", "received_at"),
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
    # Where they live (a home visit goes there), who referred them and how to reach the
    # referrer, and the language they prefer (with whether an interpreter is needed).
    address: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    postcode: str = Field(default="", max_length=10, sa_column_kwargs={"server_default": ""})
    referrer_name: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})
    referrer_contact: str = Field(
        default="", max_length=120, sa_column_kwargs={"server_default": ""}
    )
    language: str = Field(default="", max_length=60, sa_column_kwargs={"server_default": ""})
    interpreter: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
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
    # Issue 11 (decisions): why a later referral was accepted while an earlier eligible one
    # in the same area and week still waited (the weekly rule takes them in order), and the
    # last reversal of a decision (who, when, why): the referral is open again after it.
    order_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    reversed_at: dt.datetime | None = None
    reversed_by: str | None = Field(default=None, max_length=64)
    reversal_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    version: int = Field(default=1, sa_column=_VERSIONS["referral"])

    __mapper_args__ = {"version_id_col": _VERSIONS["referral"]}


class Client(TableModel, table=True):
    """An episode of care: one accepted referral. Name, birth date and NHS
    number stay on the referral; the core team is in ``core_team_member``."""

    __tablename__ = "client"
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", unique=True)
    accepted_at: dt.datetime
    accepted_by_id: int = Field(foreign_key="staff.id")
    status: str = Field(default=ClientStatus.open.value, max_length=20, index=True)
    key_worker_id: int | None = Field(default=None, foreign_key="staff.id")
    discharged_at: dt.datetime | None = None  # the date the episode ended (UTC instant)
    discharge_kind: str | None = Field(default=None, max_length=20)
    discharge_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    discharged_by_id: int | None = Field(default=None, foreign_key="staff.id")
    version: int = Field(default=1, sa_column=_VERSIONS["client"])

    __mapper_args__ = {"version_id_col": _VERSIONS["client"]}


class Absence(TableModel, table=True):
    """A staff member away from ``starts_on`` to ``ends_on`` (local dates, inclusive): whole
    days, or part of a day when ``starts_time`` (on the first day) or ``ends_time`` (on the
    last day, exclusive) is set, local wall-clock times."""

    __tablename__ = "absence"
    __table_args__ = (Index("ix_absence_staff_dates", "staff_id", "starts_on", "ends_on"),)
    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id")
    starts_on: dt.date
    ends_on: dt.date
    starts_time: dt.time | None = None  # part day: from this local time on the first day
    ends_time: dt.time | None = None  # part day: until this local time on the last day
    kind: str = Field(max_length=20)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: dt.datetime
    created_by: str = Field(max_length=64)
    cancelled: bool = False
    version: int = Field(default=1, sa_column=_VERSIONS["absence"])

    __mapper_args__ = {"version_id_col": _VERSIONS["absence"]}


class SafeguardingFlag(TableModel, table=True):
    """A safeguarding flag on a referral (and so on its client, whose episode is that
    referral's): a kind from ``[safeguarding] kinds``, a note, who raised it and when; when
    closed, the end date (local), who closed it, when and why. Never deleted: a flag closed
    by mistake is raised again, and both stay in the history."""

    __tablename__ = "safeguarding_flag"
    __table_args__ = (Index("ix_safeguarding_flag_closed_at", "closed_at"),)
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    kind: str = Field(max_length=40)
    note: str = Field(sa_column=Column(Text, nullable=False))
    raised_at: dt.datetime
    raised_by: str = Field(max_length=64)
    ends_on: dt.date | None = None  # the local date it ended (None: open)
    closed_at: dt.datetime | None = None  # when the closing was recorded
    closed_by: str | None = Field(default=None, max_length=64)
    close_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    version: int = Field(default=1, sa_column=_VERSIONS["safeguarding_flag"])

    __mapper_args__ = {"version_id_col": _VERSIONS["safeguarding_flag"]}
