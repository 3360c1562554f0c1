"""Plain objects for closed hours and shift handover (``duty_desk.repo.handover``): notes,
out-of-hours handovers, claims held, meetings with someone away, and the handover itself.

As in ``duty_desk.views``, personal fields are out of ``repr`` and carry a Mask for privacy
mode; the words with names are made at the edge (the handover screen, the CLI).
"""

import datetime as dt
import enum
from typing import Annotated

from .opening import ClosedSpell
from .views import AS_INITIALS, KEPT, StaffView, UnbookedFirst, View

MAX_NOTE = 500  # a handover note is short: what the next duty worker must know


class ClaimFlag(enum.StrEnum):
    """Why a claim ("I'm triaging this") is flagged for the duty worker."""

    held_long = "held long"  # longer than [handover] claim_stale_minutes
    absent = "away today"  # the claimant has an absence covering today
    off_rota = "not on duty"  # a rota is set for today and the claimant is not on it


class HandoverNoteView(View, frozen=True):
    id: int
    referral_id: int | None
    client_id: int | None  # a note about a client (episode), else about a referral
    name: Annotated[str, AS_INITIALS]  # the person it is about
    text: Annotated[str, KEPT]
    created_at: dt.datetime
    created_by: str  # login
    closed_at: dt.datetime | None
    closed_by: str | None
    version: int

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class OohHandoverView(View, frozen=True):
    """A referral handed over to the out-of-hours service: to whom, why, who, when."""

    id: int
    referral_id: int
    service: str
    reason: Annotated[str, KEPT]
    handed_at: dt.datetime
    handed_by: str  # login


class ClaimHeld(View, frozen=True):
    """An open referral someone is triaging, and why it is flagged (empty: it is not)."""

    referral_id: int
    name: Annotated[str, AS_INITIALS]
    login: str
    holder: str  # the staff name (the team's own: not masked)
    since: dt.datetime
    flags: tuple[ClaimFlag, ...]
    version: int  # the referral's, for a version-checked release


class DueReferral(View, frozen=True):
    """An open referral the next duty worker must see: overdue, due soon, or due while
    the team is closed; and whether it was handed over to the out-of-hours service."""

    referral_id: int
    name: Annotated[str, AS_INITIALS]
    respond_by: dt.datetime
    state: str  # rules.ClockState's value: overdue / due soon / due while closed / plenty
    handed_over_to: str | None


class AbsentMeeting(View, frozen=True):
    """A booked meeting today with a staff member who is away."""

    meeting_id: int
    client_id: int
    client_name: Annotated[str, AS_INITIALS]
    starts_at: dt.datetime
    ends_at: dt.datetime
    absent: tuple[str, ...]  # logins of the staff away


class HandoverData(View, frozen=True):
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
