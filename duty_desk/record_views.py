"""The views of the client record's sections: meeting notes and outcome changes, the
crisis plan and risk summary with their versions, hospital admissions, and Friends and
Family Test answers. Views (frozen ``msgspec`` structs) as in ``duty_desk.views`` (its
docstring says how personal fields are marked), which names them too: this module is
imported the first time one of them is asked for there, so a start, whose first screen
reads none of them, does not make their classes (issue 15)."""

import datetime as dt
from typing import Annotated

from .views import AS_HIDDEN, KEPT, MeetingView, NetworkMemberView, View
from .vocabulary import FftAnswer, LegalStatus, MeetingStatus, MhaSection


# -- issue 12 (meeting) --
class MeetingNoteView(View, frozen=True):
    """One entry of a meeting's note (append-only): its text, when and by whom (a login)."""

    id: int
    meeting_id: int
    text: Annotated[str, KEPT]
    created_at: dt.datetime  # aware UTC
    created_by: str


class OutcomeChangeView(View, frozen=True):
    """A recorded outcome changed: from what, to what, why, by whom (a login) and when."""

    id: int
    meeting_id: int
    from_status: MeetingStatus
    to_status: MeetingStatus
    reason: Annotated[str, KEPT]
    changed_at: dt.datetime  # aware UTC
    changed_by: str


class MeetingDetail(View, frozen=True):
    """What the meeting record adds to one meeting: its note entries (oldest first), the
    changes of its recorded outcome, and the follow-up taken after a did-not-attend."""

    meeting_id: int
    notes: Annotated[tuple[MeetingNoteView, ...], KEPT] = ()
    outcomes: tuple[OutcomeChangeView, ...] = ()
    follow_up: Annotated[str | None, KEPT] = None


class MeetingToRecord(View, frozen=True):
    """What the meeting-record flow reads before it opens: the meeting, the client's
    referral (to add a network member on the spot), the client's whole network and what
    is already recorded."""

    meeting: MeetingView
    referral_id: int
    network: tuple[NetworkMemberView, ...]
    detail: MeetingDetail


# -- issue 12 (safety) --


class CrisisPlanView(View, frozen=True):
    """A client's crisis and contingency plan as saved: its parts (``duty_desk.crisis``
    ``PLAN_FIELDS``), the local review date, who wrote it first and who changed it last."""

    id: int
    client_id: int
    early_signs: Annotated[str, KEPT]
    what_helps: Annotated[str, KEPT]
    what_to_avoid: Annotated[str, KEPT]
    contact_in_hours: Annotated[str, KEPT]
    contact_out_of_hours: Annotated[str, KEPT]
    review_on: dt.date
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str
    version: int

    def part(self, name: str) -> str:
        """One part by its field name (``early_signs`` ...)."""
        value = getattr(self, name)
        assert isinstance(value, str)
        return value


class RiskSummaryView(View, frozen=True):
    """A client's risk summary as saved, with its local review date."""

    id: int
    client_id: int
    summary: Annotated[str, KEPT]
    review_on: dt.date
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str
    version: int


class PlanVersion(View, frozen=True):
    """One saved version of a crisis plan or risk summary, rebuilt from the audit log:
    its number (1 = as first written), when and by whom, which fields that save changed,
    and every field's value as it stood after it (``review_on`` as an ISO date)."""

    number: int
    at: dt.datetime
    by: str
    action: str
    changed: tuple[str, ...]
    values: Annotated[dict[str, str], KEPT]


class CrisisRecordView(View, frozen=True):
    """What the record's "Crisis & risk" section reads in one call
    (``Repository.crisis_record``): the plan and the risk summary (None: none written) and
    every saved version of each, oldest first."""

    client_id: int
    plan: CrisisPlanView | None
    risk: RiskSummaryView | None
    plan_versions: tuple[PlanVersion, ...] = ()
    risk_versions: tuple[PlanVersion, ...] = ()


# -- issue 12 (docs) --


def nights_in_hospital(
    admitted: dt.date, discharged: dt.date | None, start: dt.date, end: dt.date, today: dt.date
) -> int:
    """Nights in hospital on local dates ``start`` to ``end`` (inclusive): each date from
    admission up to the day before discharge; still in hospital, up to ``today``. The one
    rule for bed days (``AdmissionView.bed_days``, the team report's admissions part)."""
    last = discharged - dt.timedelta(days=1) if discharged else today
    first, last = max(admitted, start), min(last, end)
    return max((last - first).days + 1, 0)


class AdmissionView(View, frozen=True):
    """A hospital admission during an episode: local dates (``discharged_on`` None while the
    person is still in hospital), informal or detained (then ``mha_section``), the hospital."""

    id: int
    client_id: int
    admitted_on: dt.date
    discharged_on: dt.date | None
    legal_status: LegalStatus
    mha_section: MhaSection | None
    hospital: Annotated[str, KEPT]
    created_by: str  # login
    created_at: dt.datetime
    version: int

    @property
    def in_hospital(self) -> bool:
        return self.discharged_on is None

    def bed_days(self, start: dt.date, end: dt.date, today: dt.date) -> int:
        """Nights in hospital on local dates ``start`` to ``end`` (inclusive): each date from
        admission up to the day before discharge; still in hospital, up to ``today``."""
        return nights_in_hospital(self.admitted_on, self.discharged_on, start, end, today)


class AdmissionSummary(View, frozen=True):
    """Admissions over local dates ``start`` to ``end`` (inclusive), for the team report:
    data only. ``admissions``: those in hospital on any day of the period (``new``: of them,
    those admitted in it); ``people``: how many clients they were; ``informal`` and
    ``detained``: the admissions by legal status; ``sections``: detained admissions by
    section, as (section, count) in the vocabulary's order; ``bed_days``: nights in hospital
    within the period (``AdmissionView.bed_days``); ``client_ids``: who, sorted."""

    start: dt.date
    end: dt.date
    admissions: int
    new: int
    people: int
    informal: int
    detained: int
    sections: tuple[tuple[MhaSection, int], ...]
    bed_days: int
    client_ids: tuple[int, ...]


# -- issue 14 (fft): the Friends and Family Test ------------------------------------------------
class FftAnswerView(View, frozen=True):
    """One Friends and Family Test answer of an episode: the answer, the "why" (masked in
    privacy mode: free text), the local day it was given, whether it was asked at
    discharge; who recorded it and when; ``corrected`` when it was changed since."""

    id: int
    client_id: int
    answered_on: dt.date
    answer: FftAnswer
    comment: Annotated[str | None, AS_HIDDEN]
    at_discharge: bool
    recorded_by: str  # login
    recorded_at: dt.datetime
    version: int

    @property
    def corrected(self) -> bool:
        return self.version > 1
