"""The GP transfer letter (issue 12, docs): what the letter says, as plain data, made from
the client's record (:func:`duty_desk.client_export.client_document`, the one builder) and
the settings. ``duty_desk.documents`` writes it as an editable Word document.

The key worker checks and edits the letter before sending it; duty-desk never sends
anything. Whatever the record does not hold yet (the date of discharge while it is still
being arranged, what helped, the crisis plan) is a visible :data:`TO_COMPLETE` for them to
fill in, never left out silently. Network members are named only when the client consented
to share information with them (hazard H63): a member whose consent is not recorded as yes
is not named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .config import Config
from .errors import DutyDeskError
from .nhs import format_nhs_number
from .vocabulary import DischargeKind

TO_COMPLETE = "[to complete]"


class NotForGp(DutyDeskError):
    """The episode did not end (and is not ending) with a transfer to primary care."""


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Letter:
    """The letter: addressed to the practice, about the client, section by section."""

    title: str
    to: tuple[str, ...]  # the address lines
    regarding: tuple[str, ...]  # name, date of birth, NHS number
    sections: tuple[Section, ...]
    sign_off: tuple[str, ...]

    def text(self) -> str:
        """The whole letter as plain text (for tests and a quick look)."""
        lines = [self.title, "", *self.to, "", *self.regarding, ""]
        for section in self.sections:
            lines += [section.heading, *section.paragraphs, ""]
        return "\n".join([*lines, *self.sign_off])


def _date(iso: str | None) -> str:
    if not iso:
        return TO_COMPLETE
    return dt.date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")


def consented(member: Mapping[str, Any]) -> bool:
    """Whether information about this network member may be shared: only a recorded yes
    counts (``may_share`` when the record says it: yes and not removed from the network;
    else ``consent`` yes). A member with no consent recorded is not named."""
    if "may_share" in member:
        return member["may_share"] is True
    consent = member.get("consent")
    if isinstance(consent, Mapping):
        consent = consent.get("given")
    return consent is True or consent == "yes"


def _involved_network(record: Mapping[str, Any]) -> list[str]:
    """Network members who took part in a meeting that happened, with consent only."""
    came = {
        person["id"]
        for meeting in record.get("meetings", [])
        if meeting.get("status") == "happened"
        for person in meeting.get("network", [])
        if person.get("attended")
    }
    shown = []
    for member in record.get("network", []):
        if member["id"] in came and consented(member):
            relationship = f" ({member['relationship']})" if member.get("relationship") else ""
            shown.append(f"{member['name']}{relationship}")
    return shown


def _what_helped(record: Mapping[str, Any]) -> list[str]:
    """The crisis plan's "what helps" when there is one. Meeting notes are not copied in:
    they may name people who did not consent to sharing (H63); the key worker writes this
    part from them."""
    plan = record.get("crisis_plan")
    helps = plan.get("what_helps") if isinstance(plan, Mapping) else None
    return [str(helps).strip()] if helps and str(helps).strip() else [TO_COMPLETE]


# The crisis plan's parts as the record holds them (``crisis_plan`` in the record: the safety
# part's CrisisPlanView fields), in the letter's order.
PLAN_PARTS = (
    ("early_signs", "Early signs"),
    ("what_helps", "What helps"),
    ("what_to_avoid", "What to avoid"),
    ("contact_in_hours", "Who to contact in the team's hours"),
    ("contact_out_of_hours", "Who to contact out of hours"),
)


def _crisis_plan(record: Mapping[str, Any]) -> list[str]:
    plan = record.get("crisis_plan")
    if not isinstance(plan, Mapping) or not plan:
        return [f"Crisis and contingency plan: {TO_COMPLETE}"]
    shown = []
    for key, label in PLAN_PARTS:
        value = plan.get(key)
        shown.append(f"{label}: {str(value).strip() if value else TO_COMPLETE}")
    if plan.get("review_on"):
        shown.append(f"To be reviewed by: {_date(plan['review_on'])}")
    return shown


def _names(staff: Sequence[Mapping[str, Any] | None]) -> str:
    return ", ".join(f"{s['name']} ({s['role']})" for s in staff if s) or TO_COMPLETE


def gp_letter(record: Mapping[str, Any], config: Config) -> Letter:
    """The letter for the record made by ``client_document``; NotForGp when the episode
    ended another way (or its acceptance was reversed)."""
    client = record["client"]
    status, kind = client["status"], client.get("discharge_kind")
    if status == "reversed":
        raise NotForGp("This acceptance was reversed: there was no episode to transfer")
    if status == "discharged" and kind != DischargeKind.primary_care:
        raise NotForGp(
            "This episode ended another way (not a transfer to primary care): a GP transfer "
            "letter is for clients discharged to their GP"
        )
    key_worker = client.get("key_worker")
    team = config.team.name
    ending = (
        f"discharged to your care on {_date(client.get('discharged_on'))}"
        if status == "discharged"
        else f"being discharged to your care on {TO_COMPLETE}"
    )
    regarding = [
        f"Re: {client['name']}",
        f"Date of birth: {_date(client['date_of_birth'])}",
        f"NHS number: {format_nhs_number(client['nhs_number']) or TO_COMPLETE}",
    ]
    if client.get("address"):
        regarding.append(f"Address: {client['address']}")
    network = _involved_network(record)
    happened = sum(1 for m in record.get("meetings", []) if m.get("status") == "happened")
    admissions = record.get("admissions", [])
    sections = [
        Section(
            "Episode of care",
            (
                f"{client['name']} was with the {team} from "
                f"{_date(client.get('accepted_at'))} and is {ending}.",
                f"Network meetings held: {happened}.",
            ),
        ),
        Section(
            "Key worker",
            (
                f"{key_worker['name']} ({key_worker['role']})" if key_worker else TO_COMPLETE,
                f"Team: {config.documents.team_contact}",
            ),
        ),
        Section(
            "Who was involved",
            (
                f"Core team: {_names(client.get('core_team', []))}",
                "From their network (shared with their consent): "
                + (", ".join(network) if network else "none named"),
            ),
        ),
        Section("What helped", tuple(_what_helped(record))),
        Section(
            "Hospital admissions during the episode",
            tuple(
                f"{_date(a['admitted_on'])} to "
                f"{_date(a['discharged_on']) if a['discharged_on'] else 'still in hospital'}: "
                f"{a['hospital']}, {a['legal_status_words']}"
                + (f", {a['mha_section_words']}" if a.get("mha_section_words") else "")
                for a in admissions
            )
            or ("None.",),
        ),
        Section("Crisis and contingency plan", tuple(_crisis_plan(record))),
        Section(
            "If things get worse",
            (
                f"In the team's hours: {config.documents.team_contact}.",
                f"Out of hours: {config.handover.out_of_hours_service}, "
                f"{config.handover.out_of_hours_contact}.",
                "In an emergency: 999, or the nearest emergency department.",
            ),
        ),
    ]
    return Letter(
        title="Transfer of care to primary care",
        to=("The GP", client["gp_practice"]),
        regarding=tuple(regarding),
        sections=tuple(sections),
        sign_off=(
            "Yours sincerely,",
            "",
            key_worker["name"] if key_worker else TO_COMPLETE,
            f"Key worker, {team}",
        ),
    )
