"""Plain objects for closed hours and shift handover (``duty_desk.repo.handover``): notes,
out-of-hours handovers, claims held, meetings with someone away, and the handover itself.

As in ``duty_desk.views``, personal fields are out of ``repr`` and carry a Mask for privacy
mode; the words with names are made at the edge (the handover screen, the CLI).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from .opening import ClosedSpell
from .views import AS_INITIALS, KEPT, StaffView, UnbookedFirst

MAX_NOTE = 500  # a handover note is short: what the next duty worker must know


class ClaimFlag(enum.StrEnum):
    """Why a claim ("I'm triaging this") is flagged for the duty worker."""

    held_long = "held long"  # longer than [handover] claim_stale_minutes
    absent = "away today"  # the claimant has an absence covering today
    off_rota = "not on duty"  # a rota is set for today and the claimant is not on it


@dataclass(frozen=True)
class HandoverNoteView:
    id: int
    referral_id: int | None
    client_id: int | None  # a note about a client (episode), else about a referral
    name: str = field(repr=False, metadata=AS_INITIALS)  # the person it is about
    text: str = field(repr=False, metadata=KEPT)
    created_at: dt.datetime
    created_by: str  # login
    closed_at: dt.datetime | None
    closed_by: str | None
    version: int

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class OohHandoverView:
    """A referral handed over to the out-of-hours service: to whom, why, who, when."""

    id: int
    referral_id: int
    service: str
    reason: str = field(repr=False, metadata=KEPT)
    handed_at: dt.datetime
    handed_by: str  # login


@dataclass(frozen=True)
class ClaimHeld:
    """An open referral someone is triaging, and why it is flagged (empty: it is not)."""

    referral_id: int
    name: str = field(repr=False, metadata=AS_INITIALS)
    login: str
    holder: str  # the staff name (the team's own: not masked)
    since: dt.datetime
    flags: tuple[ClaimFlag, ...]
    version: int  # the referral's, for a version-checked release


@dataclass(frozen=True)
class DueReferral:
    """An open referral the next duty worker must see: overdue, due soon, or due while
    the team is closed; and whether it was handed over to the out-of-hours service."""

    referral_id: int
    name: str = field(repr=False, metadata=AS_INITIALS)
    respond_by: dt.datetime
    state: str  # rules.ClockState's value: overdue / due soon / due while closed / plenty
    handed_over_to: str | None


@dataclass(frozen=True)
class AbsentMeeting:
    """A booked meeting today with a staff member who is away."""

    meeting_id: int
    client_id: int
    client_name: str = field(repr=False, metadata=AS_INITIALS)
    starts_at: dt.datetime
    ends_at: dt.datetime
    absent: tuple[str, ...]  # logins of the staff away


@dataclass(frozen=True)
class HandoverData:
    """What the next duty worker must know, at ``at`` on local ``day``."""

    at: dt.datetime
    day: dt.date
    closed: ClosedSpell | None  # None: the team is open now
    due: tuple[DueReferral, ...]
    claims: tuple[ClaimHeld, ...]
    unbooked: tuple[UnbookedFirst, ...]
    absent_meetings: tuple[AbsentMeeting, ...]
    open_notes: tuple[HandoverNoteView, ...]  # oldest first
    on_duty: tuple[StaffView, ...]
    rota_set: bool  # False: nobody has set the rota for the day
