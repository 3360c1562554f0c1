"""What came of meetings and episodes: decisions on meetings an absence touches, meeting notes,
outcome changes, admissions, Friends and Family Test answers.

One group of the tables behind ``duty_desk.models``, imported when one of them is first
named there."""

import datetime as dt

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field

from .base import TableModel, versions

_VERSIONS = versions("admission", "satisfaction_answer")


class AbsenceDecision(TableModel, table=True):
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


class MeetingNote(TableModel, table=True):
    """What was talked about and decided together at a meeting. Append-only: a later
    addition is a new row with its own time and author; a row is never changed."""

    __tablename__ = "meeting_note"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: dt.datetime
    created_by: str = Field(max_length=64)


class MeetingOutcomeChange(TableModel, table=True):
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


class Admission(TableModel, table=True):
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


class SatisfactionAnswer(TableModel, table=True):
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
