"""Plain, immutable objects the repository hands out: what the screens and CLI see.

They never hold a database session, so they can cross threads and outlive
the unit of work that read them. Personal details (names, dates of birth, NHS
numbers, phone numbers, addresses, free text) are left out of their ``repr``,
so a log line or a traceback that prints one does not carry them.

Every such field carries a :class:`Mask` in its annotation (``Annotated[str,
AS_INITIALS]``), saying how privacy mode (``duty_desk.privacy``) shows it; privacy mode
and ``repr`` read that mark (:func:`marks`), so a new personal field cannot be forgotten
there (tests/core/test_view_privacy.py fails on an unmarked one). Statuses and kinds are
the enums of ``duty_desk.vocabulary`` (``StrEnum``: they compare equal to their stored
text).

Each is a :class:`View`: a frozen ``msgspec.Struct``, not a dataclass (issue 15). Its class
is made in C, in about a tenth of a frozen dataclass's time (a start makes about 40 view
classes), and so are its objects; they have slots (no ``__dict__``), and are not tracked by
the garbage collector (``gc=False``: a view holds values and other views, never anything
that refers back to it, so it cannot be part of a reference cycle), which matters for the
board's 2,000 episodes held at once. A view therefore cannot take a
``functools.cached_property`` nor an attribute that is not a field; a copy with changes is
``msgspec.structs.replace``. The view modules do not use ``from __future__ import
annotations``: the annotations, and so the marks, are objects when the class is made, and
:func:`marks` refuses a view whose annotations are strings.

The client record's sections' views (meeting notes, crisis plan, admissions, FFT answers)
are in ``duty_desk.record_views``; they are named here too and made on first use
(:data:`LATER`), so a start does not make them.
"""

import datetime as dt
import enum
import json
from fractions import Fraction
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

from msgspec import Struct

from .vocabulary import (
    AbsenceKind,
    BreakKind,
    CancelledBy,
    ClientStatus,
    Consent,
    MeetingStatus,
    PlaceKind,
    ReferralStatus,
    Role,
)

if TYPE_CHECKING:  # named here for the type checker; made on first use (LATER, below)
    from .record_views import AdmissionSummary as AdmissionSummary
    from .record_views import AdmissionView as AdmissionView
    from .record_views import CrisisPlanView as CrisisPlanView
    from .record_views import CrisisRecordView as CrisisRecordView
    from .record_views import FftAnswerView as FftAnswerView
    from .record_views import MeetingDetail as MeetingDetail
    from .record_views import MeetingNoteView as MeetingNoteView
    from .record_views import MeetingToRecord as MeetingToRecord
    from .record_views import OutcomeChangeView as OutcomeChangeView
    from .record_views import PlanVersion as PlanVersion
    from .record_views import RiskSummaryView as RiskSummaryView
    from .record_views import nights_in_hospital as nights_in_hospital


class Mask(enum.StrEnum):
    """How privacy mode shows a personal field."""

    initials = "initials"  # a client's or network member's name: "A.E."
    nhs = "nhs"  # an NHS number: the last three digits
    network = "network"  # attendees from the client's network: each name as initials
    audit = "audit"  # an audit entry's before/after: names and NHS numbers inside hidden
    hidden = "hidden"  # an address or a contact: "(hidden)" (empty stays empty)
    postcode = "postcode"  # a postcode: its outward code only, "CT1 ***"
    kept = "kept"  # shown as it is (still left out of repr and logs)


# A personal field is ``name: Annotated[str, AS_...]``: out of ``repr``, and shown in
# privacy mode as its Mask says.
AS_INITIALS = Mask.initials
AS_NHS = Mask.nhs
AS_NETWORK = Mask.network
AS_AUDIT = Mask.audit
AS_HIDDEN = Mask.hidden
AS_POSTCODE = Mask.postcode
KEPT = Mask.kept


class View(Struct, frozen=True, gc=False):
    """The base of every view: frozen, slotted, untracked by the garbage collector. Its
    ``repr``, and the one rich's pretty printer makes (Textual's log, rich tracebacks),
    leave out the personal fields (those with a Mask)."""

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.__rich_repr__())
        return f"{type(self).__name__}({shown})"

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        """What rich shows (msgspec's own would show every field)."""
        cls = type(self)
        hidden = marks(cls)
        return [(name, getattr(self, name)) for name in cls.__struct_fields__ if name not in hidden]


@cache
def marks(cls: type[View]) -> dict[str, Mask]:
    """The personal fields of a view class, each with its Mask."""
    found: dict[str, Mask] = {}
    for klass in reversed(cls.__mro__):
        for name, hint in vars(klass).get("__annotations__", {}).items():
            if isinstance(hint, str):
                raise TypeError(f"{cls.__name__}.{name}: a view's annotations must be objects")
            for extra in getattr(hint, "__metadata__", ()):
                if isinstance(extra, Mask):
                    found[name] = extra
    return found


class ReferralFilter(enum.StrEnum):
    """Which referrals a find on the queue looks through."""

    open = "open"  # new or being triaged (the queue as it is)
    decided = "decided"  # accepted, redirected or declined
    all = "all"

    @property
    def words(self) -> str:
        return f"{self.value} referrals"

    def next(self) -> "ReferralFilter":
        order = list(ReferralFilter)
        return order[(order.index(self) + 1) % len(order)]


class ClientFilter(enum.StrEnum):
    """Which clients a find on the board looks through."""

    open = "open"  # episodes still open (the board as it is)
    discharged = "discharged"
    all = "all"

    @property
    def words(self) -> str:
        return f"{self.value} clients"

    def next(self) -> "ClientFilter":
        order = list(ClientFilter)
        return order[(order.index(self) + 1) % len(order)]


class StaffView(View, frozen=True):
    id: int
    login: str
    name: str
    role: Role
    active: bool
    capacity: int = 12

    @property
    def is_peer_support(self) -> bool:
        return self.role == Role.peer_support


class NetworkMemberView(View, frozen=True):
    id: int
    name: Annotated[str, AS_INITIALS]
    relationship: Annotated[str, KEPT]
    phone: Annotated[str, KEPT]
    # -- issue 12 (network): taking part, consent (when, by whom: a staff login), removal
    takes_part: bool = True
    consent: Consent = Consent.not_asked
    consent_at: dt.datetime | None = None
    consent_by: str | None = None  # staff login (the team's own, not personal)
    removed_at: dt.datetime | None = None
    removed_by: str | None = None  # staff login
    removed_reason: Annotated[str | None, KEPT] = None
    version: int = 1
    referral_id: int = 0

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    @property
    def may_share(self) -> bool:
        """Information may be shared with them: the person said yes, and they are current."""
        return self.consent == Consent.yes and not self.removed


class ReferralView(View, frozen=True):
    id: int
    name: Annotated[str, AS_INITIALS]
    date_of_birth: Annotated[dt.date, KEPT]
    nhs_number: Annotated[str | None, AS_NHS]
    phone: Annotated[str, KEPT]
    area: str
    gp_practice: str
    source: str
    urgency: str
    reason: Annotated[str, KEPT]
    notes: Annotated[str, KEPT]
    received_at: dt.datetime
    respond_by: dt.datetime
    status: ReferralStatus
    triage_by: str | None  # login
    triage_by_name: str | None
    triage_since: dt.datetime | None
    onward: str | None
    decision_reason: Annotated[str | None, KEPT]
    eligibility_override: Annotated[str | None, KEPT]
    decided_by: str | None  # login
    decided_at: dt.datetime | None
    version: int
    network: tuple[NetworkMemberView, ...] = ()
    # Added with the referral details (all optional when the referral came in).
    address: Annotated[str, AS_HIDDEN] = ""
    postcode: Annotated[str, AS_POSTCODE] = ""
    referrer_name: Annotated[str, AS_INITIALS] = ""
    referrer_contact: Annotated[str, AS_HIDDEN] = ""
    language: Annotated[str, KEPT] = ""  # preferred language
    interpreter: bool = False  # an interpreter is needed (for ``language``)
    # For a referral that became a client: the episode's status (open or discharged).
    client_status: ClientStatus | None = None
    # Issue 11 (decisions): why accepted before an earlier eligible referral, and the last
    # reversal of a decision (login, when, why).
    order_reason: Annotated[str | None, KEPT] = None
    reversed_at: dt.datetime | None = None
    reversed_by: str | None = None  # login
    reversal_reason: Annotated[str | None, KEPT] = None
    # Issue 12 (guard): kinds of the person's open safeguarding flags ([safeguarding] kinds
    # keys; empty: none). Not personal: the marker shows in privacy mode (the notes do not).
    safeguarding: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status in (ReferralStatus.new, ReferralStatus.triaging)

    @property
    def full_address(self) -> str:
        """The address and postcode on one line ("" when neither is known)."""
        return ", ".join(part for part in (self.address, self.postcode) if part)


class AreaIntake(View, frozen=True):
    area: str
    name: Annotated[str, KEPT]  # the area's name
    cap: int
    taken: int
    week_start: dt.date  # local Monday

    @property
    def places_left(self) -> int:
        return max(self.cap - self.taken, 0)

    def label(self) -> str:
        week = f"{self.week_start.day} {self.week_start.strftime('%b')}"
        places = "place" if self.cap == 1 else "places"
        return f"{self.name}: {self.places_left} of {self.cap} {places} left this week (w/c {week})"

    def short_label(self) -> str:
        return f"{self.name} {self.places_left}/{self.cap} left"


class AuditEntry(View, frozen=True):
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: int
    before: Annotated[dict[str, object] | None, AS_AUDIT]
    after: Annotated[dict[str, object] | None, AS_AUDIT]

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field the entry touched."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(key, before.get(key), after.get(key)) for key in keys]

    @staticmethod
    def decode(raw: str | None) -> dict[str, object] | None:
        return json.loads(raw) if raw else None


# -- the continuity board ----------------------------------------------------------------


class Continuity(View, frozen=True):
    """Continuity figures for one episode, from meetings that HAPPENED (attended staff).

    Every share and index is None when fewer than two meetings happened: the
    screen then says "not enough meetings yet", never a number.
    How a meeting with several staff counts is defined in ``duty_desk.continuity``.
    """

    meetings: int
    with_core: float | None  # share of meetings with at least one core-team member
    with_key_worker: float | None  # share of meetings the key worker attended
    upc: float | None  # Usual Provider of Care
    coc: float | None  # Bice-Boxerman Continuity of Care
    secon: float | None  # Sequential Continuity

    @property
    def enough(self) -> bool:
        return self.meetings >= 2


class AbsenceView(View, frozen=True):
    id: int
    staff_id: int
    staff_login: str
    staff_name: str
    starts_on: dt.date  # local dates, inclusive
    ends_on: dt.date
    kind: AbsenceKind
    note: Annotated[str, KEPT]
    version: int
    starts_time: dt.time | None = None  # part day: from this local time on the first day
    ends_time: dt.time | None = None  # part day: until this local time on the last day

    @property
    def part_day(self) -> bool:
        return self.starts_time is not None or self.ends_time is not None


class AbsenceDecisionView(View, frozen=True):
    """What was decided for one meeting an absence affects: ``keep``, ``move`` or
    ``cover`` (then ``cover_staff_id`` goes instead); who decided and when."""

    absence_id: int
    meeting_id: int
    decision: str
    cover_staff_id: int | None
    decided_by: str  # login
    decided_at: dt.datetime


class EpisodeView(View, frozen=True):
    """One open (or, for exports, discharged) episode of care: a row on the board."""

    client_id: int
    referral_id: int
    name: Annotated[str, AS_INITIALS]
    nhs_number: Annotated[str | None, AS_NHS]
    date_of_birth: Annotated[dt.date, KEPT]
    area: str
    accepted_at: dt.datetime
    status: ClientStatus
    core_team: tuple[StaffView, ...]
    key_worker: StaffView | None  # may be inactive: "key worker has left the team"
    last_meeting: dt.datetime | None  # last meeting that happened
    next_meeting: dt.datetime | None  # next booked meeting from now
    continuity: Continuity
    problems: tuple[str, ...]  # plain sentences: no key worker, no peer support worker, ...
    version: int
    discharged_at: dt.datetime | None = None
    discharge_kind: str | None = None
    discharge_reason: Annotated[str | None, KEPT] = None
    language: Annotated[str, KEPT] = ""  # preferred, from the referral
    interpreter: bool = False  # an interpreter is needed at meetings
    # Issue 12 (guard): kinds of the person's open safeguarding flags ([safeguarding] kinds
    # keys; empty: none). Not personal: the marker shows in privacy mode (the notes do not).
    safeguarding: tuple[str, ...] = ()

    @property
    def has_peer_support(self) -> bool:
        return any(member.is_peer_support for member in self.core_team)


class ContinuityBreak(View, frozen=True):
    """One break in continuity, for the duty worker's attention: data only. The words
    (with names) are made where it is shown (``screens.board_render.break_text``).

    ``at``: the meeting it is about, or for ``not_seen`` when the client was last seen
    (their last meeting, or when accepted if ``met`` is False). ``staff``: whom it names
    (the key worker who left, the absent core member, or who came to a meeting without
    the core team, by name). ``days``: for ``not_seen``, whole days since ``at``.
    ``absence_kind``: for ``core_member_absent``, why they are away.
    """

    kind: BreakKind
    client_id: int
    client_name: Annotated[str, AS_INITIALS]
    at: dt.datetime | None = None
    meeting_id: int | None = None
    staff_id: int | None = None
    staff: tuple[StaffView, ...] = ()
    days: int | None = None
    met: bool = False
    absence_kind: AbsenceKind | None = None


class StaffLoad(View, frozen=True):
    """One staff member's caseload against their capacity, and their absences."""

    staff: StaffView
    core_count: int  # open episodes where they are in the core team
    key_count: int  # open episodes where they are key worker
    absences: tuple[AbsenceView, ...]  # current and future

    @property
    def room(self) -> int:
        return self.staff.capacity - self.core_count


# -- issue 13 (board): the latest DIALOG rating of an open episode (duty_desk.repo.dialog) --
# Here, not in duty_desk.dialog_views (which re-exports it), so that BoardData's hints
# resolve for privacy mode (duty_desk.privacy reads them).


class LatestDialog(View, frozen=True):
    """For the board: one open episode's latest rating (or none), its quality-of-life
    score and the change since the rating before it; ``since`` is the day the overdue
    clock counts from (the latest rating; when never rated, the acceptance or the day
    this database began to hold DIALOG ratings, whichever is later). ``in_use`` is False
    while the database holds no rating at all (DIALOG not started: nothing is overdue).

    ``quality_of_life`` is ``None`` when too few life-domain items were rated (never a
    number from too few items); ``change_since_previous`` is ``None`` with one rating or
    when either score is not shown."""

    client_id: int
    ratings: int
    last_rated_on: dt.date | None
    quality_of_life: Fraction | None
    change_since_previous: Fraction | None
    since: dt.date
    in_use: bool = True

    def overdue_days(self, today: dt.date, weeks: int) -> int | None:
        """Whole days since ``since`` when that is ``weeks`` weeks or more, else ``None``."""
        if not self.in_use:
            return None
        days = (today - self.since).days
        return days if days >= weeks * 7 else None


class BoardData(View, frozen=True):
    episodes: tuple[EpisodeView, ...]
    breaks: tuple[ContinuityBreak, ...]
    staff: tuple[StaffLoad, ...]
    # issue 13 (board): each open episode's latest DIALOG rating (dialog_of: by client id)
    dialog: tuple[LatestDialog, ...] = ()
    # everyone on the staff list, active or not, as read with the board (for the tags)
    everyone: tuple[StaffView, ...] = ()

    def dialog_of(self) -> dict[int, LatestDialog]:
        return {found.client_id: found for found in self.dialog}


# -- meetings --------------------------------------------------------------------------------


class Attendee(View, frozen=True):
    """A staff member (id = staff id) or network member (id = network member id) at a meeting."""

    id: int
    # a staff member's name, or a network member's: MeetingView.network masks those
    name: Annotated[str, KEPT]
    attended: bool | None  # None until the meeting is recorded
    cover: bool = False  # staff only: there as cover for an absent colleague
    cover_for: int | None = None  # staff only: whom they cover for (staff id)


class MeetingView(View, frozen=True):
    id: int
    client_id: int
    client_name: Annotated[str, AS_INITIALS]
    starts_at: dt.datetime  # aware UTC
    ends_at: dt.datetime
    place_kind: PlaceKind
    place_detail: Annotated[str, KEPT]  # the address for a home visit
    status: MeetingStatus
    cancelled_by: CancelledBy | None
    cancel_reason: Annotated[str | None, KEPT]
    override_reason: Annotated[str | None, KEPT]
    staff: tuple[Attendee, ...]
    network: Annotated[tuple[Attendee, ...], AS_NETWORK]
    version: int
    # Issue 12 (guard): kinds of the person's open safeguarding flags ([safeguarding] kinds
    # keys; empty: none). Not personal: the marker shows in privacy mode (the notes do not).
    safeguarding: tuple[str, ...] = ()


class UnbookedFirst(View, frozen=True):
    """An accepted client with no first meeting booked yet, and the 24-hour deadline."""

    client_id: int
    referral_id: int
    name: Annotated[str, AS_INITIALS]
    respond_by: dt.datetime
    # Issue 12 (guard): kinds of the person's open safeguarding flags ([safeguarding] kinds
    # keys; empty: none). Not personal: the marker shows in privacy mode (the notes do not).
    safeguarding: tuple[str, ...] = ()


class ScheduleProblem(View, frozen=True):
    """Something found before a booking is confirmed. ``blocking`` problems (a
    staff member or the client already in a meeting at that time) can never be
    booked over; the others can, with a recorded reason."""

    kind: str  # staff_busy | client_busy | travel_buffer | outside_hours | staff_absent | in_past
    text: Annotated[str, KEPT]  # one plain sentence naming staff and when
    blocking: bool


class BookingDefaults(View, frozen=True):
    client_id: int
    client_name: Annotated[str, AS_INITIALS]
    staff: tuple[StaffView, ...]  # the core team
    network: tuple[NetworkMemberView, ...]
    minutes: int
    place_kind: PlaceKind
    place_detail: Annotated[str, KEPT]
    # The client's address and postcode, for a home visit. Kept in privacy mode like
    # place_detail: the dialog saves what it shows as the meeting's place.
    home_address: Annotated[str, KEPT] = ""
    # Issue 12 (guard): kinds of the person's open safeguarding flags ([safeguarding] kinds
    # keys; empty: none). Not personal: the marker shows in privacy mode (the notes do not).
    safeguarding: tuple[str, ...] = ()


class DayData(View, frozen=True):
    day: dt.date  # local date
    opens_at: dt.datetime  # UTC instants of the team's hours that day
    closes_at: dt.datetime
    working_day: bool
    staff: tuple[StaffView, ...]  # active staff, each a column/lane in the day view
    meetings: tuple[MeetingView, ...]  # every meeting that day, any status
    absences: tuple[AbsenceView, ...]  # absences covering the day
    unbooked: tuple[UnbookedFirst, ...]  # as of now, not of the day shown


class FirstMeeting(View, frozen=True):
    """Whether an accepted referral's first meeting was set by its respond-by deadline.

    ``met`` is True when the first non-cancelled meeting starts by ``respond_by``, False
    when it starts later (or none is booked and the deadline has passed), and None while
    none is booked and the deadline is still ahead.
    """

    client_id: int
    referral_id: int
    name: Annotated[str, AS_INITIALS]
    respond_by: dt.datetime
    first_meeting_at: dt.datetime | None
    met: bool | None


# -- issue 11: triage decisions (the guarded accept, reversing, what an accept still needs) --


class WaitingReferral(View, frozen=True):
    """An eligible referral received earlier in the same area and intake week, still open."""

    id: int
    name: Annotated[str, AS_INITIALS]
    urgency: str
    received_at: dt.datetime
    respond_by: dt.datetime


class AcceptPreview(View, frozen=True):
    """What the accept dialog shows before the duty worker confirms: the referral, the
    places used in its area's intake week, eligibility problems (an override needs a
    reason) and earlier eligible referrals still waiting (accepting first needs a reason)."""

    referral: ReferralView
    intake: AreaIntake | None
    problems: tuple[str, ...]
    earlier: tuple[WaitingReferral, ...]


class SetupNeed(enum.StrEnum):
    """What an accepted referral still needs before it leaves the queue."""

    core_team = "core_team"
    first_meeting = "first_meeting"


class AwaitingSetup(View, frozen=True):
    """An accepted client whose acceptance flow was left part-way: the referral (decided),
    its episode, and what it needs next (a core team first, then a first meeting)."""

    referral: ReferralView
    client_id: int
    need: SetupNeed


class CoreTeamChoice(View, frozen=True):
    """Staff for a new client's core team: by load, those free for a first meeting before
    ``deadline`` first (``free`` holds their ids)."""

    suggestions: tuple[StaffLoad, ...]
    free: tuple[int, ...]
    deadline: dt.datetime | None


# -- issue 12 (record) --


class ClientRecordView(View, frozen=True):
    """One client's record, read at once (``Repository.client_record``): the episode (the
    header's name, NHS number, date of birth, key worker, core team, accepted on, discharge),
    the network, every meeting with its attendance (oldest first), the history from the
    audit log (oldest first: the client, its referral, its meetings, its network members and
    its handover notes) and every staff member (tags, and logins in the history).

    Ages and weeks are worked out where they are shown, from the dates here."""

    episode: EpisodeView
    network: tuple[NetworkMemberView, ...]
    meetings: tuple[MeetingView, ...]
    history: tuple[AuditEntry, ...]
    staff: tuple[StaffView, ...]
    # How to reach the key worker (their work phone, ``staff.phone``): the team's own.
    key_worker_phone: Annotated[str, KEPT] = ""

    @property
    def client_id(self) -> int:
        return self.episode.client_id

    @property
    def name(self) -> str:
        return self.episode.name


class ClientHit(View, frozen=True):
    """A client found by name or NHS number (the palette's "Client record: NAME"): enough
    to tell two people with alike names apart (date of birth, NHS number, open or not)."""

    client_id: int
    name: Annotated[str, AS_INITIALS]
    date_of_birth: Annotated[dt.date, KEPT]
    nhs_number: Annotated[str | None, AS_NHS]
    status: ClientStatus
    discharged_at: dt.datetime | None = None
    safeguarding: tuple[str, ...] = ()  # open flags' kinds (the marker on the hit)


# -- issue 12 (guard) --


class SafeguardingFlagView(View, frozen=True):
    """One safeguarding flag: its kind (a key of ``[safeguarding] kinds``), the note, who
    raised it and when; once closed, the end date (local), who closed it, when and why.

    ``referral_id`` is the referral it was raised on; ``client_id`` that referral's episode
    (None before acceptance). ``own`` is False for a flag raised on another referral of
    the same person (the same NHS number): shown so that a re-referral carries it.
    The kind is not personal (the ``SG`` marker shows it in privacy mode); the note and
    the reason for closing are.
    """

    id: int
    referral_id: int
    client_id: int | None
    name: Annotated[str, AS_INITIALS]  # the person flagged
    kind: str
    note: Annotated[str, AS_HIDDEN]
    raised_at: dt.datetime
    raised_by: str  # login
    ends_on: dt.date | None  # the local date it ended (None: open)
    closed_at: dt.datetime | None
    closed_by: str | None  # login
    close_reason: Annotated[str | None, AS_HIDDEN]
    version: int
    own: bool = True

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


# The views of the client record's sections (meeting notes, crisis plan and risk summary,
# admissions, Friends and Family Test answers) live in duty_desk.record_views and are
# named here too: that module is imported the first time one of them is asked for, so a
# start, which reads none of them, does not make their classes (issue 15).
LATER = frozenset(
    {
        "AdmissionSummary",
        "AdmissionView",
        "CrisisPlanView",
        "CrisisRecordView",
        "FftAnswerView",
        "MeetingDetail",
        "MeetingNoteView",
        "MeetingToRecord",
        "OutcomeChangeView",
        "PlanVersion",
        "RiskSummaryView",
        "nights_in_hospital",
    }
)


def __getattr__(name: str) -> Any:
    if name not in LATER:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import record_views

    value = getattr(record_views, name)
    globals()[name] = value  # from now on a plain attribute of this module
    return value
