"""Care planning: DIALOG ratings, crisis plans and risk summaries (what the board reads at
start). A rating's answers are the ``dialog_answers`` group; DIALOG+ topics, actions and
reviews the ``dialog_plus`` group.

One group of the tables behind ``duty_desk.models``, imported when one of them is first
named there."""

import datetime as dt

from sqlalchemy import Column, Index, Text
from sqlmodel import Field

from .base import TableModel, versions

_VERSIONS = versions("dialog_rating", "crisis_plan", "risk_summary")


class DialogRating(TableModel, table=True):
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


class CrisisPlan(TableModel, table=True):
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


class RiskSummary(TableModel, table=True):
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
