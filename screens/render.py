"""Turning plain objects from ``duty_desk.views`` into ``Text`` for cells and panes.

Pure functions of their arguments: no widgets, no database. The response
clock's state is always in the words ("OVER", "DUE", "closed", "left") and
only emphasised by style, so it reads the same with ``NO_COLOR``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from rich.text import Text

from duty_desk import rules, timeutil
from duty_desk.config import Config
from duty_desk.handover_views import ClaimHeld, HandoverNoteView, OohHandoverView
from duty_desk.handover_words import flag_words, held_for
from duty_desk.nhs import format_nhs_number
from duty_desk.views import (
    AreaIntake,
    AuditEntry,
    NetworkMemberView,
    ReferralView,
    StaffView,
)

from .flag_marker import marker_line, name_cell
from .literal import assemble, cell, literal, visible
from .network_words import consent_short

# Light enough to read on the dark theme, and still light grey when NO_COLOR turns
# colours into greys; 256-colour palette entries, so SSH sessions show them as meant.
CLOCK_STYLES = {
    rules.ClockState.overdue: "bold #ff5f5f",
    rules.ClockState.due_soon: "bold #ffaf00",
    rules.ClockState.out_of_hours: "#d7afff",
    rules.ClockState.plenty: "#87d787",
}

# Column key, header, fixed width (content; one more for the gap), or None for the name.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("clock", "Respond"),
    ("name", "Name"),
    ("age", "Age"),
    ("urgency", "Urg"),
    ("source", "From"),
    ("area", "Area"),
    ("received", "Received"),
    ("status", "Status"),
)
QUEUE_SHED = ("received", "area", "source", "age")
"""What a narrow terminal hides first on the queue (never the clock, name, urgency or status)."""
CLOCK_WIDTH = 12
STATUS_WIDTH = 8
MIN_NAME_WIDTH = 12
MAX_NAME_WIDTH = 40


def _short_names(names: Mapping[str, str]) -> dict[str, str]:
    """First words when they tell the entries apart (``SPoA urgent`` -> ``SPoA``), else names."""
    firsts = {key: name.split()[0] if name.split() else name for key, name in names.items()}
    if len(set(firsts.values())) == len(firsts):
        return firsts
    return dict(names)


class Labels:
    """Settings-derived labels and column widths for the queue table."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.tz = config.team.timezone
        self.source = _short_names({k: s.name for k, s in config.sources.items()})
        self.area = {k: a.name for k, a in config.areas.items()}
        self.widths = {
            "clock": CLOCK_WIDTH,
            "age": 3,
            "urgency": 3,
            "source": min(max([len(v) for v in self.source.values()] + [4]), 12),
            "area": min(max([len(v) for v in self.area.values()] + [4]), 12),
            "received": 9,
            "status": STATUS_WIDTH,
        }
        self.tags: dict[str, str] = {}  # login -> staff tag (staff_tags), set by each read

    def name_width(self, total: int) -> int:
        """What is left for the name in ``total`` columns (one gap per column, a scrollbar)."""
        fixed = sum(w + 1 for w in self.widths.values())
        return min(MAX_NAME_WIDTH, max(MIN_NAME_WIDTH, total - fixed - 1 - 1))


def clock_cell(referral: ReferralView, now: dt.datetime, config: Config) -> Text:
    clock = rules.response_clock(referral.respond_by, now, config)
    return Text(
        " " + clock.cell(),
        style=CLOCK_STYLES[clock.state],
        end="",
        no_wrap=True,
        overflow="ellipsis",
    )


def received_label(value: dt.datetime, now: dt.datetime, tz: str) -> str:
    """``Mon 09:00`` within the last six days, else ``16/11/26``."""
    local = timeutil.to_local(value, tz)
    if now.timestamp() - value.timestamp() < 6 * 86400:
        return local.format("ddd HH:mm")
    return local.format("DD/MM/YY")


# -- staff: one label everywhere ---------------------------------------------------------------


def _initials(name: str) -> str:
    words = [w for w in name.split("(")[0].split() if w[:1].isalnum()] or name.split()
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[-1][0]).upper()


def staff_tags(staff: Iterable[StaffView]) -> dict[int, str]:
    """A short, unique tag per staff member: initials, then ``AS2``, ``AS3`` by id.

    The one way staff are shown in tables and lists, on every screen (the name goes in the
    detail pane). Give it everyone (``Repository.list_staff(include_inactive=True)``) so a
    tag means the same person everywhere; a tag is never cut short."""
    tags: dict[int, str] = {}
    seen: dict[str, int] = {}
    for member in sorted({member.id: member for member in staff}.values(), key=lambda s: s.id):
        base = visible(_initials(member.name))
        count = seen.get(base, 0) + 1
        seen[base] = count
        tags[member.id] = base if count == 1 else f"{base}{count}"
    return tags


def tags_by_login(staff: Iterable[StaffView]) -> dict[str, str]:
    """:func:`staff_tags` keyed by login (for claims, which name a login)."""
    everyone = list(staff)
    tags = staff_tags(everyone)
    return {member.login: tags[member.id] for member in everyone}


def status_label(referral: ReferralView, actor: str, tags: Mapping[str, str] | None = None) -> str:
    """``new``, ``by you``, or the tag of whoever else is triaging it (shown reversed;
    their login when they have no tag)."""
    if referral.triage_by is None:
        return referral.status
    if referral.triage_by == actor:
        return "by you"
    return f"by {(tags or {}).get(referral.triage_by, referral.triage_by)}"


def row_cells(
    referral: ReferralView,
    now: dt.datetime,
    labels: Labels,
    actor: str,
    today: dt.date | None = None,
) -> dict[str, Text]:
    """The table cells of one referral; ``today`` (local) may be passed in to save a conversion."""
    tz = labels.tz
    today = today or timeutil.to_local(now, tz).date()
    age = timeutil.age_on(referral.date_of_birth, today)
    mine = referral.triage_by == actor
    return {
        "clock": clock_cell(referral, now, labels.config),
        "name": name_cell(referral.name, referral.safeguarding, "bold" if mine else ""),
        "age": cell(age),
        "urgency": cell(referral.urgency),
        "source": cell(labels.source.get(referral.source, referral.source)),
        "area": cell(labels.area.get(referral.area, referral.area)),
        "received": cell(received_label(referral.received_at, now, tz)),
        "status": cell(
            status_label(referral, actor, labels.tags),
            "reverse" if referral.triage_by and not mine else "",
        ),
    }


def handover_status(
    referral: ReferralView, claim: ClaimHeld | None, handed: OohHandoverView | None
) -> Text | None:
    """The status cell when handover says more than the status: ``FLAGGED`` (someone
    else's claim held long, or by someone away or off duty), ``to CRHT`` (handed over to
    the out-of-hours service); None: the usual cell."""
    if claim is not None and claim.flags:
        return cell("FLAGGED", "bold reverse")
    if handed is not None and referral.triage_by is None:
        return cell(f"to {handed.service}", "bold")
    return None


def handover_detail(
    claim: ClaimHeld | None,
    handed: OohHandoverView | None,
    notes: Sequence[HandoverNoteView],
    now: dt.datetime,
    config: Config,
) -> Text:
    """The referral's handover facts for the detail pane: a flagged claim, the out-of-hours
    handover (to whom, why, who, when), open handover notes; empty when there are none."""
    tz = config.team.timezone
    text = Text(end="")
    if claim is not None and claim.flags:
        text.append("\n")
        detail_line(
            text,
            "Claim",
            assemble(
                (flag_words(claim), "bold"),
                " (",
                literal(claim.login),
                f", {held_for(claim, now)}); c releases it with a reason",
            ),
        )
    if handed is not None:
        text.append("\n")
        detail_line(
            text,
            "Out of hours",
            assemble(
                "handed over to ",
                literal(handed.service),
                f" by {visible(handed.handed_by)} at "
                f"{timeutil.fmt_local(handed.handed_at, tz, 'day')}: ",
                literal(handed.reason, multiline=True),
            ),
        )
    for note in notes:
        text.append("\n")
        detail_line(
            text,
            "Handover note",
            assemble(
                literal(note.text, multiline=True),
                f" ({visible(note.created_by)}, {timeutil.fmt_local(note.created_at, tz, 'short')})",
            ),
        )
    text.rstrip()
    return text


# -- the detail pane -------------------------------------------------------------------


def detail_line(text: Text, label: str, value: Text | str, style: str = "") -> None:
    """One "Label: value" line of a detail pane (a plain value in ``style``)."""
    text.append(f"{label}: ", style="bold")
    text.append_text(value if isinstance(value, Text) else Text(value, style=style))
    text.append("\n")


def interpreter_line(text: Text, language: str, interpreter: bool) -> None:
    """ "INTERPRETER NEEDED: Polish" in reverse bold (it reads the same without colour), or
    the preferred language on a plain line; nothing when neither is recorded."""
    if interpreter:
        text.append_text(
            assemble(
                ("INTERPRETER NEEDED: ", "bold reverse"),
                literal(language or "language not recorded", "bold reverse"),
            )
        )
        text.append("\n")
    elif language:
        detail_line(text, "Language", assemble(literal(language), " (no interpreter)"))


def contact_lines(text: Text, referral: ReferralView) -> None:
    """Where the person lives and who referred them."""
    detail_line(text, "Address", literal(referral.full_address or "not given"))
    if referral.referrer_name or referral.referrer_contact:
        who = literal(referral.referrer_name or "name not given")
        if referral.referrer_contact:
            who.append_text(assemble(", ", literal(referral.referrer_contact)))
        detail_line(text, "Referred by", who)


def network_lines(text: Text, network: Sequence[NetworkMemberView], empty: str) -> None:
    """The person's network in a detail pane: one member a line, or ``empty``."""
    if not network:
        detail_line(text, "Network", empty)
        return
    text.append("Network:\n", style="bold")
    for member in network:
        text.append("  ")
        text.append_text(literal(member.name))
        if member.relationship:
            text.append_text(assemble(" (", literal(member.relationship), ")"))
        if member.phone:
            text.append_text(assemble(" ", literal(member.phone)))
        text.append("  ")  # issue 12 (network): the consent beside every member
        text.append_text(consent_short(member))
        text.append("\n")


def detail_text(
    referral: ReferralView,
    problems: Sequence[str],
    week: AreaIntake | None,
    now: dt.datetime,
    config: Config,
    actor: str,
) -> Text:
    """Everything about one referral that the table has no room for."""
    tz = config.team.timezone
    text = Text(end="")
    age = timeutil.age_on(referral.date_of_birth, timeutil.to_local(now, tz).date())
    text.append_text(literal(referral.name, "bold", multiline=True))
    text.append(f"  born {timeutil.fmt_date(referral.date_of_birth)} (age {age})")
    nhs = format_nhs_number(referral.nhs_number) if referral.nhs_number else "not given"
    text.append_text(assemble("  NHS ", literal(nhs)))
    text.append("\n")
    marker_line(text, referral.safeguarding, config)
    interpreter_line(text, referral.language, referral.interpreter)
    if not referral.is_open:
        decision_line(text, referral, config)
    else:
        clock = rules.response_clock(referral.respond_by, now, config)
        text.append(clock.sentence(tz), style=CLOCK_STYLES[clock.state])
        text.append("\n")
    if referral.is_open and referral.triage_by:
        who = "you" if referral.triage_by == actor else None
        since = timeutil.fmt_local(referral.triage_since, tz, "day")
        detail_line(
            text,
            "Status",
            assemble(
                "being triaged by ",
                literal(who)
                if who
                else assemble(
                    literal(referral.triage_by_name or referral.triage_by),
                    " (",
                    literal(referral.triage_by),
                    ")",
                ),
                f" since {since}" if since else "",
            ),
        )
    elif referral.is_open:
        detail_line(text, "Status", f"{referral.status}, nobody is triaging it yet (c to claim)")
    if problems:
        detail_line(
            text, "Eligibility", Text("NOT ELIGIBLE: " + visible("; ".join(problems)), style="bold")
        )
    else:
        detail_line(text, "Eligibility", "eligible for POD (age, area and source)")
    if week is not None:
        places = "place" if week.cap == 1 else "places"
        detail_line(
            text,
            "Intake",
            assemble(
                "counts against ",
                literal(week.name),
                f", w/c {week.week_start.day} {week.week_start.strftime('%b')}: "
                f"{week.places_left} of {week.cap} {places} left",
            ),
        )
    source = config.source_name(referral.source)
    level = config.urgency.get(referral.urgency)
    urgency = f"{referral.urgency} {level.name}" if level else referral.urgency
    detail_line(
        text,
        "Referral",
        assemble(
            literal(source),
            f", urgency {visible(urgency)}, received ",
            timeutil.fmt_local(referral.received_at, tz, "day"),
        ),
    )
    detail_line(text, "Reason", literal(referral.reason or "-", multiline=True))
    if referral.notes:
        detail_line(text, "Notes", literal(referral.notes, multiline=True))
    detail_line(
        text,
        "GP",
        assemble(
            literal(referral.gp_practice),
            ", ",
            literal(config.area_name(referral.area)),
            "  Phone: ",
            literal(referral.phone or "not given"),
        ),
    )
    contact_lines(text, referral)
    network_lines(text, referral.network, "nobody recorded yet (m to add)")
    text.rstrip()
    return text


def decision_line(text: Text, referral: ReferralView, config: Config) -> None:
    """How a decided referral was decided, in words: what, where to, by whom, when, why."""
    tz = config.team.timezone
    what = Text(referral.status.upper(), style="bold")
    if referral.onward:
        what.append_text(assemble(" to ", literal(config.onward_name(referral.onward))))
    if referral.client_status is not None:
        what.append(f" (client {referral.client_status})")
    what.append_text(
        assemble(
            " by ",
            literal(referral.decided_by or "-"),
            " ",
            timeutil.fmt_local(referral.decided_at, tz, "day"),
        )
    )
    detail_line(text, "Decision", what)
    if referral.decision_reason:
        detail_line(text, "Why", literal(referral.decision_reason, multiline=True))


# -- history -------------------------------------------------------------------------------


def _history_value(value: object, key: str, config: Config, staff: Mapping[int, str]) -> str:
    tz = config.team.timezone
    if value is None or value == "":
        return "-"
    if key.endswith("_by_id") and isinstance(value, int):
        return staff.get(value, f"staff #{value}")
    if isinstance(value, str):
        if key == "nhs_number":
            return visible(format_nhs_number(value))
        if key == "area":
            return visible(config.area_name(value))
        if key == "source":
            return visible(config.source_name(value))
        if key == "onward":
            return visible(config.onward_name(value))
        if len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
            try:
                return timeutil.fmt_date(dt.date.fromisoformat(value))
            except ValueError:
                pass
        if len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
            try:
                return timeutil.fmt_local(dt.datetime.fromisoformat(value), tz, "day")
            except ValueError:
                pass
    return visible(value)


def history_text(entries: Sequence[AuditEntry], config: Config, staff: Mapping[int, str]) -> Text:
    """The audit log of one record: when (team zone), who, what, and each field's change."""
    tz = config.team.timezone
    text = Text(end="")
    if not entries:
        return Text("No history recorded.")
    for entry in entries:
        text.append(timeutil.fmt_local(entry.at, tz, "day"), style="bold")
        text.append("  ")
        text.append_text(literal(entry.actor))
        text.append("  ")
        text.append_text(literal(entry.action, "bold"))
        text.append("\n")
        for key, before, after in entry.changes():
            name = key.removesuffix("_id").replace("_", " ")
            text.append(f"    {visible(name)}: ")
            new = _history_value(after, key, config, staff)
            if entry.before is None:
                text.append(new)
            else:
                text.append(_history_value(before, key, config, staff))
                text.append(" -> ")
                text.append(new)
            text.append("\n")
    text.rstrip()
    return text


def find_filter_words(words: str, key: str, next_value: str) -> Text:
    """Beside a find box: which records it looks through, and the key for the next set
    (`` in open referrals (ctrl+t: decided)``); the queue's and the board's finds."""
    return Text(f" in {words} ({key}: {next_value})", end="", no_wrap=True, overflow="ellipsis")
