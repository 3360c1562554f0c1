"""An episode's continuity figures, precomputed from the meetings that happened (the board
reads them at start; the queue and the day view do not).

One group of the tables behind ``duty_desk.models``, imported when one of them is first
named there."""

import datetime as dt

from sqlalchemy import Column, Text
from sqlmodel import Field

from .base import TableModel


class ClientContinuity(TableModel, table=True):
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
