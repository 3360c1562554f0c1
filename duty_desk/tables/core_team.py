"""Each client's core team: the staff members who hold the episode (the queue and the board
read them at start; the day view does not).

One group of the tables behind ``duty_desk.models``, imported when one of them is first
named there."""

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from .base import TableModel


class CoreTeamMember(TableModel, table=True):
    """One staff member in one client's core team (current membership only:
    every change is in the audit log against the client)."""

    __tablename__ = "core_team_member"
    __table_args__ = (UniqueConstraint("client_id", "staff_id"),)
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    added_at: dt.datetime
