"""DIALOG+: the topics chosen after a rating, the actions agreed on them and their
reviews (the ratings are in the ``care`` group, their answers in ``dialog_answers``).

One group of the tables behind ``duty_desk.models``, imported when one of them is first
named there; apart from ``care`` so that the board, which reads only the ratings, does
not build these (issue 15)."""

import datetime as dt

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field

from .base import TableModel, versions

_VERSIONS = versions("dialog_topic", "dialog_action")


class DialogTopic(TableModel, table=True):
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


class DialogAction(TableModel, table=True):
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


class DialogActionReview(TableModel, table=True):
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
