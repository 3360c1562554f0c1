"""The database tables (SQLModel). Only the repository layer touches these.

Table models do not validate on construction: input is checked by
``duty_desk.validation`` before it gets here. Every datetime column is
aware UTC (SQLModel's UTCDateTime type refuses naive values).
Editable records carry ``version`` (SQLAlchemy's optimistic locking).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    event,
    false,
    true,
)
from sqlalchemy import false as sa_false
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Field, SQLModel

from .changes import CHANGES_CHANNEL
from .vocabulary import (  # the statuses and kinds live in the vocabulary; re-exported here
    OPEN_STATUSES,
    AbsenceKind,
    CancelledBy,
    ClientStatus,
    Consent,
    DischargeKind,
    MeetingStatus,
    PlaceKind,
    ReferralStatus,
    Role,
)

# A naming convention keeps constraint names stable for migrations.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


class _Table(SQLModel):
    """The base of every table below: pydantic's validator and serializer are built on first
    use, not when the class is made (``defer_build``). Table models never validate on
    construction, so a start-up that only reads rows never builds them (issue 15)."""

    model_config = SQLModel.model_config | {"defer_build": True}


def _version() -> Column:  # type: ignore[type-arg]
    """A fresh ``version`` column for one table (SQLAlchemy's optimistic lock counter)."""
    return Column("version", Integer, nullable=False, default=1)


_VERSIONS = {
    name: _version()
    for name in (
        "staff",
        "referral",
        "client",
        "network_member",
        "absence",
        "meeting",
        "handover_note",
        # -- issue 12 (safety) --
        "crisis_plan",
        "risk_summary",
        "safeguarding_flag",  # issue 12 (guard)
        "admission",
        "dialog_rating",
        "dialog_topic",
        "dialog_action",
        "satisfaction_answer",  # issue 14 (fft)
    )
}


class Staff(_Table, table=True):
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


class Referral(_Table, table=True):
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


class Client(_Table, table=True):
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


class ClientContinuity(_Table, table=True):
    """Continuity figures for one episode (``duty_desk.continuity``), precomputed from the
    meetings that happened so the board never reads every past meeting.

    Written by ``repo.continuity.refresh_continuity`` in the same transaction as any change to
    attendance or the core team. No row = not computed yet (the board computes it on the
    fly). A separate table so that figures changing never bump the client's ``version``.
    """

    __tablename__ = "client_continuity"
    client_id: int = Field(foreign_key="client.id", primary_key=True)
    meetings: int = 0
    with_core: float | None = None
    with_key_worker: float | None = None
    upc: float | None = None
    coc: float | None = None
    secon: float | None = None
    last_met_at: dt.datetime | None = None  # start of the last meeting that happened
    # The latest meetings that happened with no current core-team member there, newest
    # first (at most 50): JSON [[meeting id, ISO start (UTC), [attending staff ids]], ...].
    no_core: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    no_core_last_at: dt.datetime | None = None  # the newest of them (None: there are none)


class NetworkMember(_Table, table=True):
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


class CoreTeamMember(_Table, table=True):
    """One staff member in one client's core team (current membership only:
    every change is in the audit log against the client)."""

    __tablename__ = "core_team_member"
    __table_args__ = (UniqueConstraint("client_id", "staff_id"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    added_at: dt.datetime


class Absence(_Table, table=True):
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


class Meeting(_Table, table=True):
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


class MeetingStaff(_Table, table=True):
    """A staff member expected at a meeting; ``attended`` is set when the
    meeting is recorded as happened (None until then). ``cover``: there as cover for an
    absent colleague (``cover_for_id``), arranged by ``arranged_by`` (a login); the
    continuity figures count a cover visit as not core (``duty_desk.continuity``)."""

    __tablename__ = "meeting_staff"
    __table_args__ = (
        UniqueConstraint("meeting_id", "staff_id"),
        Index("ix_meeting_staff_staff_meeting", "staff_id", "meeting_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    staff_id: int = Field(foreign_key="staff.id")
    attended: bool | None = None
    # raw inserts (bench data, maintenance) that name no cover get false, as the migration
    cover: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    cover_for_id: int | None = Field(default=None, foreign_key="staff.id")
    arranged_by: str | None = Field(default=None, max_length=64)


class AbsenceDecision(_Table, table=True):
    """What the duty worker decided for one meeting an absence affects: ``keep`` it as
    booked, ``move`` it, or ``cover`` (``cover_staff_id`` goes instead). One per absence and
    meeting (a new decision replaces it; every change is in the audit log)."""

    __tablename__ = "absence_decision"
    __table_args__ = (UniqueConstraint("absence_id", "meeting_id"),)
    id: int | None = Field(default=None, primary_key=True)
    absence_id: int = Field(foreign_key="absence.id", index=True)
    meeting_id: int = Field(foreign_key="meeting.id")
    decision: str = Field(max_length=10)
    cover_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    decided_by: str = Field(max_length=64)
    decided_at: dt.datetime


class MeetingNetwork(_Table, table=True):
    """A network member expected at a meeting, and whether they came."""

    __tablename__ = "meeting_network"
    __table_args__ = (UniqueConstraint("meeting_id", "network_member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    network_member_id: int = Field(foreign_key="network_member.id")
    attended: bool | None = None


class AuditLog(_Table, table=True):
    """Who changed what, when: written in the same transaction as the change, each row
    chained to the one before by its hash (written by ``duty_desk.audit_chain.append``)."""

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
    # sha256 of the previous row's hash and this row's fields (duty_desk.audit_chain)
    hash: str = Field(max_length=64)


class HandoverNote(_Table, table=True):
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


class DutyRota(_Table, table=True):
    """Who is on duty on a local date (set from the desk; one row per person and date)."""

    __tablename__ = "duty_rota"
    __table_args__ = (UniqueConstraint("on_date", "staff_id"),)
    id: int | None = Field(default=None, primary_key=True)
    on_date: dt.date = Field(index=True)
    staff_id: int = Field(foreign_key="staff.id")
    created_at: dt.datetime
    created_by: str = Field(max_length=64)


class OohHandover(_Table, table=True):
    """A referral due while the team is closed, handed over to the out-of-hours service:
    to whom, why, by whom and when."""

    __tablename__ = "ooh_handover"
    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    service: str = Field(max_length=80)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    handed_at: dt.datetime
    handed_by: str = Field(max_length=64)


# -- issue 13 (DIALOG and DIALOG+) ----------------------------------------------------------
class DialogRating(_Table, table=True):
    """One DIALOG rating of one episode on one local date, at a meeting or standing alone.
    Its answers are in ``dialog_answer`` (one row per item asked); the scores are worked out
    when read (``duty_desk.dialog_scale``), never stored."""

    __tablename__ = "dialog_rating"
    __table_args__ = (Index("ix_dialog_rating_client_rated_on", "client_id", "rated_on"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id")
    rated_on: dt.date
    created_at: dt.datetime
    created_by: str = Field(max_length=64)
    corrected_at: dt.datetime | None = None  # the last correction of its answers
    corrected_by: str | None = Field(default=None, max_length=64)
    version: int = Field(default=1, sa_column=_VERSIONS["dialog_rating"])

    __mapper_args__ = {"version_id_col": _VERSIONS["dialog_rating"]}


class DialogAnswer(_Table, table=True):
    """One item of one rating: 1-7, or none when the person left it unrated; and whether
    they want more help with it. ``item_key`` is the settings' item key."""

    __tablename__ = "dialog_answer"
    __table_args__ = (UniqueConstraint("rating_id", "item_key"),)
    id: int | None = Field(default=None, primary_key=True)
    rating_id: int = Field(foreign_key="dialog_rating.id", index=True)
    item_key: str = Field(max_length=40)
    score: int | None = None
    help_wanted: bool = False


class DialogTopic(_Table, table=True):
    """DIALOG+: one item the person chose to talk about after a rating (at most three),
    with the first three of the four steps as short texts (the fourth, agreeing on actions,
    is ``dialog_action``)."""

    __tablename__ = "dialog_topic"
    __table_args__ = (UniqueConstraint("rating_id", "item_key"),)
    id: int | None = Field(default=None, primary_key=True)
    rating_id: int = Field(foreign_key="dialog_rating.id", index=True)
    item_key: str = Field(max_length=40)
    position: int  # 1-3, the order chosen
    understanding: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    looking_forward: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    options: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version: int = Field(default=1, sa_column=_VERSIONS["dialog_topic"])

    __mapper_args__ = {"version_id_col": _VERSIONS["dialog_topic"]}


class DialogAction(_Table, table=True):
    """DIALOG+: an action agreed on a topic: what, who (the person, a network member or a
    staff member: exactly one owner), by when. Open until a review says done or dropped;
    each review is a ``dialog_action_review`` row."""

    __tablename__ = "dialog_action"
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    topic_id: int = Field(foreign_key="dialog_topic.id", index=True)
    what: str = Field(sa_column=Column(Text, nullable=False))
    owner_kind: str = Field(max_length=10)  # person | network | staff
    owner_network_id: int | None = Field(default=None, foreign_key="network_member.id")
    owner_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    due_on: dt.date
    status: str = Field(default="open", max_length=10)  # the latest review's outcome
    created_at: dt.datetime
    created_by: str = Field(max_length=64)
    version: int = Field(default=1, sa_column=_VERSIONS["dialog_action"])

    __mapper_args__ = {"version_id_col": _VERSIONS["dialog_action"]}


class DialogActionReview(_Table, table=True):
    """One review of an action at a later DIALOG+ meeting: done, partly, not done or
    dropped, with a note; who and when. Partly and not done stay open (carried forward)."""

    __tablename__ = "dialog_action_review"
    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="dialog_action.id", index=True)
    rating_id: int | None = Field(default=None, foreign_key="dialog_rating.id")
    outcome: str = Field(max_length=10)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    reviewed_at: dt.datetime
    reviewed_by: str = Field(max_length=64)


class IntakeLock(_Table, table=True):
    """One row per area, locked (SELECT ... FOR UPDATE) while a cap check runs on servers
    that have row locks. SQLite serialises writers with BEGIN IMMEDIATE instead."""

    __tablename__ = "intake_lock"
    area: str = Field(primary_key=True, max_length=40)


class Meta(_Table, table=True):
    """Facts about the database itself (schema version, what created it)."""

    __tablename__ = "duty_desk_meta"
    key: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)


# -- issue 12 (meeting) --
class MeetingNote(_Table, table=True):
    """What was talked about and decided together at a meeting. Append-only: a later
    addition is a new row with its own time and author; a row is never changed."""

    __tablename__ = "meeting_note"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime
    created_by: str = Field(max_length=64)


class MeetingOutcomeChange(_Table, table=True):
    """A recorded outcome changed (happened <-> did not attend): from what, to what, why,
    by whom and when. Append-only, beside the audit entry of the same change."""

    __tablename__ = "meeting_outcome_change"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    from_status: str = Field(max_length=20)
    to_status: str = Field(max_length=20)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    changed_at: dt.datetime
    changed_by: str = Field(max_length=64)


# -- issue 12 (safety) --
class CrisisPlan(_Table, table=True):
    """A client's (episode's) crisis and contingency plan, written with them: one row per
    episode, edited in place (``version``); every save is audited with the fields it
    changed, so earlier versions are read back from the audit log
    (``duty_desk.repo.crisis``). ``review_on``: the local date it is to be reviewed by
    (the board lists an overdue one as a break; the index keeps that one cheap read)."""

    __tablename__ = "crisis_plan"
    __table_args__ = (Index("ix_crisis_plan_review_on_client", "review_on", "client_id"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", unique=True)
    early_signs: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    what_helps: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    what_to_avoid: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    contact_in_hours: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    contact_out_of_hours: str = Field(
        default="", sa_column=Column(Text, nullable=False, default="")
    )
    review_on: dt.date
    created_at: dt.datetime
    created_by: str = Field(max_length=64)
    updated_at: dt.datetime
    updated_by: str = Field(max_length=64)
    version: int = Field(default=1, sa_column=_VERSIONS["crisis_plan"])

    __mapper_args__ = {"version_id_col": _VERSIONS["crisis_plan"]}


class RiskSummary(_Table, table=True):
    """A client's (episode's) risk summary and its review date: one row per episode,
    edited in place and audited as :class:`CrisisPlan` is."""

    __tablename__ = "risk_summary"
    __table_args__ = (Index("ix_risk_summary_review_on_client", "review_on", "client_id"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", unique=True)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    review_on: dt.date
    created_at: dt.datetime
    created_by: str = Field(max_length=64)
    updated_at: dt.datetime
    updated_by: str = Field(max_length=64)
    version: int = Field(default=1, sa_column=_VERSIONS["risk_summary"])

    __mapper_args__ = {"version_id_col": _VERSIONS["risk_summary"]}


# -- issue 12 (guard) --


class SafeguardingFlag(_Table, table=True):
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


# -- issue 12 (docs) --
class Admission(_Table, table=True):
    """A hospital admission during an episode of care: admitted and discharged on local
    dates (no discharge while still in hospital), informal or detained under the Mental
    Health Act (then ``mha_section``, a ``vocabulary.MhaSection``), and the hospital.
    Checked by ``validation.validate_admission``; written by ``repo.admissions``."""

    __tablename__ = "admission"
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    admitted_on: dt.date
    discharged_on: dt.date | None = None
    legal_status: str = Field(max_length=20)
    mha_section: str | None = Field(default=None, max_length=20)
    hospital: str = Field(max_length=120)
    created_at: dt.datetime
    created_by: str = Field(max_length=64)
    version: int = Field(default=1, sa_column=_VERSIONS["admission"])

    __mapper_args__ = {"version_id_col": _VERSIONS["admission"]}


# -- issue 14 (fft) --
class SatisfactionAnswer(_Table, table=True):
    """One answer to the NHS Friends and Family Test ("Overall, how was your experience of
    our service?") for one episode (``client``): a ``vocabulary.FftAnswer`` value, an
    optional comment (the "why"), the local day it was given, and whether it was asked at
    discharge. Checked by ``validation.validate_fft_answer``; written by
    ``repo.satisfaction`` (a correction is a new version of the same row, audited)."""

    __tablename__ = "satisfaction_answer"
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    answered_on: dt.date = Field(index=True)  # the local day it was given
    answer: str = Field(max_length=20)  # vocabulary.FftAnswer
    comment: str | None = Field(default=None, max_length=2000)
    at_discharge: bool = False
    recorded_by: str = Field(max_length=64)  # login (64, as every login column)
    recorded_at: dt.datetime  # UTC
    version: int = Field(default=1, sa_column=_VERSIONS["satisfaction_answer"])

    __mapper_args__ = {"version_id_col": _VERSIONS["satisfaction_answer"]}


# -- the audit log is append-only, in the database itself -----------------------------------
# Triggers refuse UPDATE and DELETE on audit_log, whoever connects (a script, the sqlite3
# shell, a bug). Installed with the table; migrations use the same statements.
APPEND_ONLY_MESSAGE = "the audit log is append-only"
AUDIT_TRIGGERS_SQLITE = tuple(
    f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    for verb in ("UPDATE", "DELETE")
)
AUDIT_TRIGGERS_POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)


# -- every audit row announces itself (PostgreSQL) ------------------------------------------
# The app's change feed (duty_desk.changes) LISTENs on this channel: the payload is the new
# audit row's id (never the row: a payload must stay under 8000 bytes and names stay out).
CHANGE_NOTIFY_POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION audit_log_notify() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN PERFORM pg_notify('{CHANGES_CHANNEL}', NEW.id::text); RETURN NULL; END $$",
    "CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_notify()",
)


def change_notify_statements(dialect: str) -> tuple[str, ...]:
    """The statements that make each new audit row NOTIFY its id (PostgreSQL only)."""
    return CHANGE_NOTIFY_POSTGRESQL if dialect == "postgresql" else ()


def table_of(model: type[SQLModel]) -> Table:
    """The SQLAlchemy ``Table`` of a table model, typed (SQLModel does not declare
    ``__table__`` for type checkers)."""
    table = sa_inspect(model).local_table
    assert isinstance(table, Table)
    return table


def audit_trigger_statements(dialect: str) -> tuple[str, ...]:
    """The statements that make audit_log append-only on ``dialect`` (none where unknown)."""
    if dialect == "sqlite":
        return AUDIT_TRIGGERS_SQLITE
    if dialect == "postgresql":
        return AUDIT_TRIGGERS_POSTGRESQL
    return ()


@event.listens_for(table_of(AuditLog), "after_create")
def _install_audit_triggers(target: object, connection: Connection, **_kw: object) -> None:
    dialect = connection.dialect.name
    for statement in audit_trigger_statements(dialect) + change_notify_statements(dialect):
        connection.exec_driver_sql(statement)


__all__ = [
    "APPEND_ONLY_MESSAGE",
    "AUDIT_TRIGGERS_POSTGRESQL",
    "AUDIT_TRIGGERS_SQLITE",
    "Absence",
    "AbsenceDecision",
    "AbsenceKind",
    "AuditLog",
    "CancelledBy",
    "Client",
    "ClientContinuity",
    "ClientStatus",
    "CoreTeamMember",
    "CrisisPlan",
    "DischargeKind",
    "DialogAction",
    "DialogActionReview",
    "DialogAnswer",
    "DialogRating",
    "DialogTopic",
    "DutyRota",
    "HandoverNote",
    "IntakeLock",
    "Meeting",
    "MeetingNetwork",
    "MeetingNote",
    "MeetingOutcomeChange",
    "MeetingStaff",
    "MeetingStatus",
    "Meta",
    "NetworkMember",
    "OPEN_STATUSES",
    "OohHandover",
    "PlaceKind",
    "Referral",
    "ReferralStatus",
    "RiskSummary",
    "Role",
    "SafeguardingFlag",
    "SatisfactionAnswer",
    "Staff",
    "audit_trigger_statements",
    "change_notify_statements",
    "table_of",
]
