"""Who is expected at a network meeting: the staff and the network members invited, and
whether they came (the day view reads them at start; the queue and the board do not).

One group of the tables behind ``duty_desk.models``, imported when one of them is first
named there."""

from sqlalchemy import Index, UniqueConstraint, false
from sqlmodel import Field

from .base import TableModel


class MeetingStaff(TableModel, table=True):
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


class MeetingNetwork(TableModel, table=True):
    """A network member expected at a meeting, and whether they came."""

    __tablename__ = "meeting_network"
    __table_args__ = (UniqueConstraint("meeting_id", "network_member_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    network_member_id: int = Field(foreign_key="network_member.id")
    attended: bool | None = None
