"""The team's vocabulary, once: every status and kind as a ``StrEnum`` (stored as its
value, so ``status == "new"`` keeps working), and the words shown for each, long and
short. The models, the views, the screens, the CLI and the exports all read them here.

No database and no UI in this module: screens import it freely.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping


class Role(enum.StrEnum):
    clinician = "clinician"
    peer_support = "peer_support"
    team_lead = "team_lead"


class ReferralStatus(enum.StrEnum):
    new = "new"
    triaging = "triaging"
    accepted = "accepted"
    redirected = "redirected"
    declined = "declined"

    @property
    def is_open(self) -> bool:
        return self in (ReferralStatus.new, ReferralStatus.triaging)


OPEN_STATUSES = (ReferralStatus.new.value, ReferralStatus.triaging.value)


class ClientStatus(enum.StrEnum):
    open = "open"
    discharged = "discharged"
    reversed = "reversed"  # the acceptance was reversed (a decision put right): no episode


class DischargeKind(enum.StrEnum):
    primary_care = "primary_care"  # transfer to the GP: the usual ending
    other = "other"  # moved away, transferred elsewhere, died, declined further contact...


class AbsenceKind(enum.StrEnum):
    leave = "leave"
    sickness = "sickness"
    training = "training"
    other = "other"


class MeetingStatus(enum.StrEnum):
    booked = "booked"
    happened = "happened"
    cancelled = "cancelled"
    did_not_attend = "did_not_attend"


class PlaceKind(enum.StrEnum):
    home = "home"  # home visit: place_detail holds the address
    base = "base"  # the team base
    phone = "phone"
    video = "video"


class CancelledBy(enum.StrEnum):
    client = "client"  # by the client or their network
    team = "team"


class BreakKind(enum.StrEnum):
    """A break in continuity; the order here is the board's order, most pressing first."""

    no_key_worker = "no_key_worker"
    key_worker_left = "key_worker_left"
    core_member_absent = "core_member_absent"
    no_core_at_meeting = "no_core_at_meeting"
    not_seen = "not_seen"
    # -- issue 12 (safety): the crisis plan and risk summary (duty_desk.crisis) --
    crisis_plan_missing = "crisis_plan_missing"  # open [record] no_crisis_plan_days, no plan
    crisis_plan_overdue = "crisis_plan_overdue"  # its review date has passed
    risk_review_overdue = "risk_review_overdue"  # the risk summary's review date has passed
    # -- issue 13 (board): no DIALOG rating for [dialog] overdue_weeks (duty_desk.repo.dialog) --
    dialog_overdue = "dialog_overdue"


# -- words ---------------------------------------------------------------------------------

ROLE_LONG: Mapping[str, str] = {
    Role.clinician: "clinician",
    Role.peer_support: "peer support worker",
    Role.team_lead: "team lead",
}
ROLE_SHORT: Mapping[str, str] = {
    Role.clinician: "Clin",
    Role.peer_support: "Peer",
    Role.team_lead: "Lead",
}

PLACE_LONG: Mapping[str, str] = {
    PlaceKind.home: "Home visit",
    PlaceKind.base: "Team base",
    PlaceKind.phone: "Phone",
    PlaceKind.video: "Video",
}
PLACE_SHORT: Mapping[str, str] = {
    PlaceKind.home: "Home",
    PlaceKind.base: "Base",
    PlaceKind.phone: "Phone",
    PlaceKind.video: "Video",
}
PLACE_WORDS: Mapping[str, str] = {key: value.lower() for key, value in PLACE_LONG.items()}

MEETING_STATUS_LONG: Mapping[str, str] = {
    MeetingStatus.booked: "booked",
    MeetingStatus.happened: "happened",
    MeetingStatus.cancelled: "cancelled",
    MeetingStatus.did_not_attend: "did not attend",
}
MEETING_STATUS_SHORT: Mapping[str, str] = {
    **MEETING_STATUS_LONG,
    MeetingStatus.did_not_attend: "DNA",
}
CANCELLED_BY_LONG: Mapping[str, str] = {
    CancelledBy.client: "by the client or their network",
    CancelledBy.team: "by the team",
}

ABSENCE_KIND_LONG: Mapping[str, str] = {kind: kind.value for kind in AbsenceKind}
DISCHARGE_KIND_LONG: Mapping[str, str] = {
    DischargeKind.primary_care: "transfer to primary care (GP)",
    DischargeKind.other: "other ending",
}

BREAK_SHORT: Mapping[str, str] = {
    BreakKind.no_core_at_meeting: "no core team",
    BreakKind.core_member_absent: "core away",
    BreakKind.not_seen: "not seen",
    BreakKind.key_worker_left: "key wkr left",
    BreakKind.no_key_worker: "no key worker",
    # -- issue 12 (safety) --
    BreakKind.crisis_plan_missing: "plan missing",
    BreakKind.crisis_plan_overdue: "plan overdue",
    BreakKind.risk_review_overdue: "risk overdue",
    # -- issue 13 (board) --
    BreakKind.dialog_overdue: "no DIALOG",
}


def words(table: Mapping[str, str], value: str | None) -> str:
    """The words for ``value`` in ``table``, or the value itself when it has none."""
    if value is None:
        return ""
    return table.get(value, value)


# -- issue 12 (network) -----------------------------------------------------------------------
class Consent(enum.StrEnum):
    """The person's consent to share information with one member of their network. Never
    assumed: a member is "not asked yet" until someone records the person's answer."""

    yes = "yes"
    no = "no"
    not_asked = "not_asked"


CONSENT_LONG: Mapping[str, str] = {
    Consent.yes: "consents to sharing information",
    Consent.no: "NO consent to share information",
    Consent.not_asked: "consent not asked yet: do not share",
}
CONSENT_SHORT: Mapping[str, str] = {
    Consent.yes: "share: yes",
    Consent.no: "share: NO",
    Consent.not_asked: "share: not asked",
}
CONSENT_CHOICES: Mapping[str, str] = {  # the choice in the network form, in this order
    Consent.yes: "Yes",
    Consent.no: "No",
    Consent.not_asked: "Not asked yet",
}


# -- issue 12 (docs): hospital admissions --------------------------------------------------


class LegalStatus(enum.StrEnum):
    """How a person was in hospital: informally (by agreement) or detained under the
    Mental Health Act 1983 (then with its section)."""

    informal = "informal"
    detained = "detained"


class MhaSection(enum.StrEnum):
    """The section of the Mental Health Act 1983 a person was detained under (a fixed list;
    ``other`` for anything else, such as a Part III section not listed here)."""

    s2 = "s2"
    s3 = "s3"
    s4 = "s4"
    s5_2 = "s5(2)"
    s5_4 = "s5(4)"
    s135 = "s135"
    s136 = "s136"
    s37 = "s37"
    s37_41 = "s37/41"
    other = "other"


LEGAL_STATUS_LONG: Mapping[str, str] = {
    LegalStatus.informal: "informal",
    LegalStatus.detained: "detained (Mental Health Act)",
}
MHA_SECTION_LONG: Mapping[str, str] = {
    MhaSection.s2: "section 2 (assessment)",
    MhaSection.s3: "section 3 (treatment)",
    MhaSection.s4: "section 4 (emergency assessment)",
    MhaSection.s5_2: "section 5(2) (doctor's holding power)",
    MhaSection.s5_4: "section 5(4) (nurse's holding power)",
    MhaSection.s135: "section 135 (warrant)",
    MhaSection.s136: "section 136 (place of safety)",
    MhaSection.s37: "section 37 (hospital order)",
    MhaSection.s37_41: "section 37/41 (restricted hospital order)",
    MhaSection.other: "another section",
}


# -- issue 13 (DIALOG+) ------------------------------------------------------------------------
class ActionOwner(enum.StrEnum):
    """Who does an agreed DIALOG+ action."""

    person = "person"  # the person themself
    network = "network"  # a member of their network (named by id)
    staff = "staff"  # a named staff member


class ActionStatus(enum.StrEnum):
    """An agreed action's state: open until a review says otherwise. Partly and not done
    stay open (carried forward to the next DIALOG+ meeting); done and dropped close it."""

    open = "open"
    done = "done"
    partly = "partly"
    not_done = "not_done"
    dropped = "dropped"

    @property
    def is_open(self) -> bool:
        return self in (ActionStatus.open, ActionStatus.partly, ActionStatus.not_done)


ACTION_STATUS_LONG: Mapping[str, str] = {
    ActionStatus.open: "open",
    ActionStatus.done: "done",
    ActionStatus.partly: "partly done",
    ActionStatus.not_done: "not done",
    ActionStatus.dropped: "dropped",
}


# -- issue 14 (fft): the NHS Friends and Family Test -------------------------------------------
class FftAnswer(enum.StrEnum):
    """An answer to the Friends and Family Test question "Overall, how was your experience
    of our service?", in the NHS order: very good to very poor, then don't know."""

    very_good = "very_good"
    good = "good"
    neither = "neither"
    poor = "poor"
    very_poor = "very_poor"
    dont_know = "dont_know"

    @property
    def is_positive(self) -> bool:
        """Very good or good: what the share positive counts."""
        return self in (FftAnswer.very_good, FftAnswer.good)


FFT_QUESTION = "Overall, how was your experience of our service?"
FFT_ANSWER_LONG: Mapping[str, str] = {  # the NHS wording, in this order
    FftAnswer.very_good: "Very good",
    FftAnswer.good: "Good",
    FftAnswer.neither: "Neither good nor poor",
    FftAnswer.poor: "Poor",
    FftAnswer.very_poor: "Very poor",
    FftAnswer.dont_know: "Don't know",
}
