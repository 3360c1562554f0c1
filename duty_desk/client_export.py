"""One client's record as plain data (issue 12, docs): what ``duty-desk export client``
writes as JSON or as an editable Word document (``duty_desk.documents``), and what the GP
transfer letter is made from.

:func:`client_document` is the one builder: the record is a ``dict`` of plain values
(text, numbers, ISO times in the team's zone, lists), one key per part, each part made by
one function in :data:`PARTS` (``part(repo, ctx) -> value``). A new part of the record (the
crisis plan, safeguarding flags, meeting notes) is one function and one entry there.

:func:`find_client` turns what a person typed (a client number, an NHS number or an exact
name) into one client, refusing an ambiguous name with the candidates by number and date
of birth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import DutyDeskError, NotFound
from .vocabulary import (
    CANCELLED_BY_LONG,
    CONSENT_LONG,
    DISCHARGE_KIND_LONG,
    LEGAL_STATUS_LONG,
    MEETING_STATUS_LONG,
    MHA_SECTION_LONG,
    PLACE_LONG,
    ROLE_LONG,
    words,
)

if TYPE_CHECKING:
    from .repository import Repository
    from .views import (
        AdmissionView,
        Attendee,
        EpisodeView,
        MeetingDetail,
        MeetingView,
        ReferralView,
        StaffView,
    )

FORMAT_VERSION = 1  # of the JSON document: bumped when a key changes meaning


class AmbiguousClient(DutyDeskError):
    """A name that matches more than one client: the candidates, by number and birth date."""


@dataclass(frozen=True)
class RecordContext:
    """What every part of the record may read, read once."""

    client_id: int
    episode: EpisodeView
    referral: ReferralView
    tz: str

    def when(self, value: dt.datetime | None) -> str | None:
        """An instant as ISO 8601 in the team's zone with its offset."""
        from .reports.base import local_time

        return local_time(value, self.tz)

    def day(self, value: dt.datetime | None) -> str | None:
        """The local date of an instant, ISO (a discharge is recorded as a date)."""
        from . import timeutil

        return timeutil.to_local(value, self.tz).date().isoformat() if value else None


# -- finding the client ------------------------------------------------------------------------


def find_client(repo: Repository, text: str) -> int:
    """The client id for ``text``: a client number, a 10-digit NHS number (spaces allowed) or
    a name typed exactly (any case). NotFound when nothing matches; AmbiguousClient naming
    the candidates (number, date of birth, accepted on) when several do."""
    from .views import ClientFilter

    typed = " ".join(text.split())
    if not typed:
        raise NotFound("Give a client: a client number, an NHS number or their name")
    digits = typed.replace(" ", "")
    if digits.isdigit() and len(digits) < 10:
        return repo.episode(int(digits)).client_id
    if digits.isdigit():
        found = [e for e in repo.find_clients(digits, ClientFilter.all) if e.nhs_number == digits]
        what = "NHS number"
    else:
        found = [
            e
            for e in repo.find_clients(typed, ClientFilter.all)
            if " ".join(e.name.split()).casefold() == typed.casefold()
        ]
        what = "name"
    if not found:
        raise NotFound(f"No client with that {what} (open or discharged)")
    if len(found) > 1:
        tz = repo.config.team.timezone
        from . import timeutil

        listed = "; ".join(
            f"number {e.client_id}, born {e.date_of_birth:%d/%m/%Y}, accepted "
            f"{timeutil.to_local(e.accepted_at, tz).date():%d/%m/%Y} ({e.status.value})"
            for e in sorted(found, key=lambda e: e.client_id)
        )
        raise AmbiguousClient(
            f"{len(found)} clients have that {what}: {listed}; give the client number instead"
        )
    return found[0].client_id


# -- the parts ---------------------------------------------------------------------------------


def _staff(member: StaffView | None) -> dict[str, Any] | None:
    if member is None:
        return None
    return {
        "login": member.login,
        "name": member.name,
        "role": words(ROLE_LONG, member.role),
        "active": member.active,
    }


def header(repo: Repository, ctx: RecordContext) -> dict[str, Any]:
    """Who the client is and the episode: name, birth date, NHS number, GP practice, area,
    language, accepted and discharged, key worker and core team."""
    episode, referral = ctx.episode, ctx.referral
    return {
        "client_id": ctx.client_id,
        "referral_id": referral.id,
        "name": referral.name,
        "date_of_birth": referral.date_of_birth.isoformat(),
        "nhs_number": referral.nhs_number,
        "phone": referral.phone,
        "address": referral.full_address,
        "gp_practice": referral.gp_practice,
        "area": repo.config.area_name(referral.area),
        "language": referral.language,
        "interpreter": referral.interpreter,
        "status": episode.status.value,
        "accepted_at": ctx.when(episode.accepted_at),
        "discharged_on": ctx.day(episode.discharged_at),
        "discharge_kind": episode.discharge_kind,
        "discharge_kind_words": words(DISCHARGE_KIND_LONG, episode.discharge_kind) or None,
        "discharge_reason": episode.discharge_reason,
        "key_worker": _staff(episode.key_worker),
        "core_team": [_staff(member) for member in episode.core_team],
    }


def network(repo: Repository, ctx: RecordContext) -> list[dict[str, Any]]:
    """The people the client chose to be in their network, removed ones too (marked), each
    with whether they take part in meetings and the person's consent to share information
    with them (yes, no, not asked; when and by whom it was recorded). ``may_share``: the
    person said yes and the member is current: only those are named in letters."""
    return [
        {
            "id": member.id,
            "name": member.name,
            "relationship": member.relationship,
            "phone": member.phone,
            "takes_part": member.takes_part,
            "consent": member.consent.value,
            "consent_words": words(CONSENT_LONG, member.consent),
            "consent_at": ctx.when(member.consent_at),
            "consent_by": member.consent_by,
            "may_share": member.may_share,
            "removed_at": ctx.when(member.removed_at),
            "removed_by": member.removed_by,
            "removed_reason": member.removed_reason,
        }
        for member in repo.client_network(ctx.client_id, include_removed=True)
    ]


def _attendee(person: Attendee, staff: bool) -> dict[str, Any]:
    shown: dict[str, Any] = {"id": person.id, "name": person.name, "attended": person.attended}
    if staff:
        shown["cover"] = person.cover
    return shown


def _meeting(
    meeting: MeetingView, detail: MeetingDetail | None, ctx: RecordContext
) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "starts_at": ctx.when(meeting.starts_at),
        "ends_at": ctx.when(meeting.ends_at),
        "place": words(PLACE_LONG, meeting.place_kind),
        "place_detail": meeting.place_detail,
        "status": meeting.status.value,
        "status_words": words(MEETING_STATUS_LONG, meeting.status),
        "cancelled_by": words(CANCELLED_BY_LONG, meeting.cancelled_by) or None,
        "cancel_reason": meeting.cancel_reason,
        "staff": [_attendee(person, True) for person in meeting.staff],
        "network": [_attendee(person, False) for person in meeting.network],
        "notes": [
            {"text": note.text, "at": ctx.when(note.created_at), "by": note.created_by}
            for note in (detail.notes if detail else ())
        ],
        "outcome_changes": [
            {
                "from": change.from_status.value,
                "to": change.to_status.value,
                "reason": change.reason,
                "at": ctx.when(change.changed_at),
                "by": change.changed_by,
            }
            for change in (detail.outcomes if detail else ())
        ],
        "follow_up": detail.follow_up if detail else None,
    }


def meetings(repo: Repository, ctx: RecordContext) -> list[dict[str, Any]]:
    """Every meeting of the episode, oldest first, with who was expected and who came, the
    note's entries (time and author), changes of a recorded outcome and the follow-up after
    a did-not-attend."""
    details = {d.meeting_id: d for d in repo.meeting_details(ctx.client_id)}
    return [
        _meeting(meeting, details.get(meeting.id), ctx)
        for meeting in repo.meetings_for_client(ctx.client_id)
    ]


def crisis_plan(repo: Repository, ctx: RecordContext) -> dict[str, Any] | None:
    """The crisis and contingency plan written with the client (None: none written)."""
    plan = repo.crisis_record(ctx.client_id).plan
    if plan is None:
        return None
    return {
        "early_signs": plan.early_signs,
        "what_helps": plan.what_helps,
        "what_to_avoid": plan.what_to_avoid,
        "contact_in_hours": plan.contact_in_hours,
        "contact_out_of_hours": plan.contact_out_of_hours,
        "review_on": plan.review_on.isoformat(),
        "written_by": plan.created_by,
        "updated_at": ctx.when(plan.updated_at),
        "updated_by": plan.updated_by,
    }


def risk_summary(repo: Repository, ctx: RecordContext) -> dict[str, Any] | None:
    """The risk summary and its review date (None: none written)."""
    risk = repo.crisis_record(ctx.client_id).risk
    if risk is None:
        return None
    return {
        "summary": risk.summary,
        "review_on": risk.review_on.isoformat(),
        "updated_at": ctx.when(risk.updated_at),
        "updated_by": risk.updated_by,
    }


def safeguarding_flags(repo: Repository, ctx: RecordContext) -> list[dict[str, Any]]:
    """Safeguarding flags, open and closed, on this referral and the person's others (the
    same NHS number: ``own`` false)."""
    kinds = repo.config.safeguarding
    return [
        {
            "id": flag.id,
            "kind": flag.kind,
            "kind_words": kinds.label(flag.kind),
            "own": flag.own,
            "note": flag.note,
            "raised_at": ctx.when(flag.raised_at),
            "raised_by": flag.raised_by,
            "ends_on": flag.ends_on.isoformat() if flag.ends_on else None,
            "closed_by": flag.closed_by,
            "close_reason": flag.close_reason,
        }
        for flag in repo.flags(client_id=ctx.client_id)
    ]


def _admission(admission: AdmissionView) -> dict[str, Any]:
    return {
        "id": admission.id,
        "admitted_on": admission.admitted_on.isoformat(),
        "discharged_on": admission.discharged_on.isoformat() if admission.discharged_on else None,
        "legal_status": admission.legal_status.value,
        "legal_status_words": words(LEGAL_STATUS_LONG, admission.legal_status),
        "mha_section": admission.mha_section.value if admission.mha_section else None,
        "mha_section_words": words(MHA_SECTION_LONG, admission.mha_section) or None,
        "hospital": admission.hospital,
    }


def admissions(repo: Repository, ctx: RecordContext) -> list[dict[str, Any]]:
    """Hospital admissions during the episode, oldest first."""
    return [_admission(a) for a in reversed(repo.admissions(ctx.client_id))]


Part = Callable[["Repository", RecordContext], Any]

# The record's parts, in the order they are written.
PARTS: tuple[tuple[str, Part], ...] = (
    ("client", header),
    ("safeguarding_flags", safeguarding_flags),
    ("crisis_plan", crisis_plan),
    ("risk_summary", risk_summary),
    ("network", network),
    ("meetings", meetings),
    ("admissions", admissions),
)


def record_context(repo: Repository, client_id: int) -> RecordContext:
    episode = repo.episode(client_id)
    referral = repo.referral(episode.referral_id)
    return RecordContext(client_id, episode, referral, repo.config.team.timezone)


def client_document(repo: Repository, client_id: int) -> dict[str, Any]:
    """The client's record as plain data: ``exported_at``, ``exported_by``, ``team``, then
    one key per part of :data:`PARTS`."""
    from . import timeutil

    ctx = record_context(repo, client_id)
    document: dict[str, Any] = {
        "format": "duty-desk client record",
        "format_version": FORMAT_VERSION,
        "exported_at": ctx.when(timeutil.now()),
        "exported_by": repo.actor,
        "team": repo.config.team.name,
    }
    for key, part in PARTS:
        document[key] = part(repo, ctx)
    return document


__all__ = [
    "PARTS",
    "AmbiguousClient",
    "RecordContext",
    "admissions",
    "client_document",
    "crisis_plan",
    "risk_summary",
    "safeguarding_flags",
    "find_client",
    "header",
    "meetings",
    "network",
    "record_context",
]
