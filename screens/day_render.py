"""Turning a day's meetings (``duty_desk.views.DayData``) into ``Text`` for the day view.

Pure functions of their arguments: no widgets, no database. Everything a
person typed (client names, addresses, reasons) goes through
``screens.literal``; statuses are always in words, never colour alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.text import Text

from duty_desk import rules, scheduling, timeutil, vocabulary
from duty_desk.config import Config
from duty_desk.views import (
    AbsenceView,
    Attendee,
    DayData,
    FirstMeeting,
    MeetingView,
    StaffView,
    UnbookedFirst,
)

from .flag_marker import marker_line, name_cell
from .literal import assemble, cell, literal, visible
from .render import CLOCK_STYLES

# Column key, header. Widths: fixed for all but the client's name.
DAY_SHED = ("place",)
"""What a narrow terminal hides first on the day view (never the time, staff or status)."""

COLUMNS: tuple[tuple[str, str], ...] = (
    ("time", "Time"),
    ("client", "Client"),
    ("place", "Place"),
    ("staff", "Core team"),
    ("status", "Status"),
)
WIDTHS = {"time": 11, "place": 5, "staff": 16, "status": 11}
MIN_CLIENT = 12
MAX_CLIENT = 40

# The words, once, in duty_desk.vocabulary (kept under these names for the screens).
PLACE_SHORT = vocabulary.PLACE_SHORT
PLACE_LONG = vocabulary.PLACE_LONG
STATUS_SHORT = vocabulary.MEETING_STATUS_SHORT
STATUS_LONG = vocabulary.MEETING_STATUS_LONG
STATUS_STYLES = {
    "booked": "",
    "happened": "#87d787",
    "cancelled": "dim strike",
    "did_not_attend": "bold #ffaf00",
}
CANCELLED_BY = vocabulary.CANCELLED_BY_LONG

BUSY, FREE, PAST, ABSENT = "#", ".", " ", "x"


def client_width(total: int) -> int:
    """What is left for the client's name in ``total`` columns (gaps, a scrollbar)."""
    fixed = sum(w + 1 for w in WIDTHS.values())
    return min(MAX_CLIENT, max(MIN_CLIENT, total - fixed - 1 - 1))


def row_key(item: MeetingView | UnbookedFirst) -> str:
    """Stable table key: ``m<meeting id>`` or ``u<client id>`` (an unbooked first meeting)."""
    if isinstance(item, UnbookedFirst):
        return f"u{item.client_id}"
    return f"m{item.id}"


def hhmm(value: dt.datetime, tz: str) -> str:
    """``14:30`` in the team's zone (the standard library's conversion: a tenth of the
    time of pendulum's formatting, for a few hundred rows)."""
    return f"{value.astimezone(timeutil.zone(tz)):%H:%M}"


def _cell(value: object, style: str = "") -> Text:
    """``literal.cell``, without its character-by-character check when nothing in the
    text needs a stand-in (every character printable)."""
    if isinstance(value, str) and value.isprintable():
        return Text(" " + value, style=style, end="", no_wrap=True, overflow="ellipsis")
    return cell(value, style)


def time_span(meeting: MeetingView, tz: str) -> str:
    return f"{hhmm(meeting.starts_at, tz)}-{hhmm(meeting.ends_at, tz)}"


def staff_short(meeting: MeetingView, logins: dict[int, str], away: Iterable[int] = ()) -> str:
    """Logins, ``!`` before one away during the meeting (listed first), ``+`` before one
    there as cover (next)."""
    gone = set(away)

    def mark(person: Attendee) -> str:
        if person.id in gone:
            return AWAY_MARK
        return COVER_MARK if person.cover else ""

    # whoever is away first, then cover: the marks stay in sight in a narrow column
    ordered = sorted(meeting.staff, key=lambda p: (p.id not in gone, not p.cover))
    return " ".join(mark(p) + logins.get(p.id, p.name) for p in ordered)


def place_long(
    meeting: MeetingView | None, config: Config, kind: str = "", detail: str = ""
) -> Text:
    """``Home visit: 1 Example Road`` / ``Team base (Team base (example))`` / ``Phone``."""
    if meeting is not None:
        kind, detail = meeting.place_kind, meeting.place_detail
    label = PLACE_LONG.get(kind, kind)
    if kind == "home":
        return assemble(label, ": ", literal(detail or "address not given"))
    if kind == "base":
        return assemble(label, " (", literal(config.meetings.team_base), ")")
    if detail:
        return assemble(label, ": ", literal(detail))
    return Text(label, end="")


# -- staff away during a meeting --------------------------------------------------------------

AWAY_MARK = "!"  # before the login of a staff member away during the meeting
COVER_MARK = "+"  # before the login of a staff member there as cover
AWAY_STATUS = "STAFF AWAY"  # a booked meeting with someone away and no cover arranged
COVERED_STATUS = "covered"  # a booked meeting with cover arranged for everyone away


@dataclass(frozen=True)
class AwayAtMeeting:
    """One expected staff member away during a meeting, and who covers for them (if anyone)."""

    staff: Attendee
    absence: AbsenceView
    cover: tuple[Attendee, ...]


def _span(absence: AbsenceView, tz: str) -> tuple[dt.datetime, dt.datetime]:
    return scheduling.absence_span(
        absence.starts_on, absence.ends_on, absence.starts_time, absence.ends_time, tz
    )


def away_at(meeting: MeetingView, absences: Sequence[AbsenceView], tz: str) -> list[AwayAtMeeting]:
    """The staff away during a not-cancelled meeting, in the order listed, each with
    whoever is there as cover for them; someone booked as cover who is away is listed too
    (with nobody covering them), so a cover who fell ill does not read as "covered"."""
    if meeting.status == "cancelled" or not absences:
        return []
    away: dict[int, AbsenceView] = {}
    for person in meeting.staff:
        for absence in absences:
            if absence.staff_id != person.id:
                continue
            start, end = _span(absence, tz)
            if start < meeting.ends_at and meeting.starts_at < end:
                away[person.id] = absence
                break
    return [
        AwayAtMeeting(
            person,
            away[person.id],
            tuple(
                p
                for p in meeting.staff
                if p.cover and p.cover_for == person.id and p.id not in away
            ),
        )
        for person in meeting.staff
        if person.id in away
    ]


def absence_hours(absence: AbsenceView) -> str:
    """`` from 13:00``, `` until 12:00`` or nothing (whole days)."""
    parts = []
    if absence.starts_time is not None:
        parts.append(f"from {absence.starts_time:%H:%M} on {absence.starts_on:%d/%m}")
    if absence.ends_time is not None:
        parts.append(f"until {absence.ends_time:%H:%M} on {absence.ends_on:%d/%m}")
    return (" " + " ".join(parts)) if parts else ""


def meeting_cells(
    meeting: MeetingView,
    tz: str,
    logins: dict[int, str],
    absences: Sequence[AbsenceView] = (),
) -> dict[str, Text]:
    """A meeting's row. Staff away during it are marked ``!`` and the status says
    ``STAFF AWAY`` (or ``covered`` once cover is arranged for each): no colour needed."""
    status_style = STATUS_STYLES.get(meeting.status, "")
    away = away_at(meeting, absences, tz)
    status = STATUS_SHORT.get(meeting.status, meeting.status)
    if away and meeting.status == "booked":
        if all(a.cover for a in away):
            status, status_style = COVERED_STATUS, "bold"
        else:
            status, status_style = AWAY_STATUS, "bold reverse"
    client_style = "dim" if meeting.status == "cancelled" else ""
    time = Text(
        " " + time_span(meeting, tz),
        end="",
        no_wrap=True,
        style="dim" if meeting.status == "cancelled" else "",
    )
    return {
        "time": time,
        "client": name_cell(meeting.client_name, meeting.safeguarding, client_style)
        if meeting.safeguarding
        else _cell(meeting.client_name, client_style),
        "place": _cell(PLACE_SHORT.get(meeting.place_kind, meeting.place_kind)),
        "staff": _cell(staff_short(meeting, logins, {a.staff.id for a in away})),
        "status": _cell(status, status_style),
    }


def unbooked_cells(first: UnbookedFirst, now: dt.datetime, config: Config) -> dict[str, Text]:
    clock = rules.response_clock(first.respond_by, now, config)
    time = Text(" NOT BOOKED", style="bold reverse", end="", no_wrap=True)
    return {
        "time": time,
        "client": name_cell(first.name, first.safeguarding, "bold"),
        "place": cell("-"),
        "staff": cell("first meeting"),
        "status": Text(
            " " + clock.cell(),
            style=CLOCK_STYLES[clock.state],
            end="",
            no_wrap=True,
            overflow="ellipsis",
        ),
    }


def in_order(cells: dict[str, Text]) -> tuple[Text, ...]:
    """A row's cells in column order, as the table takes them."""
    return tuple(cells[name] for name, _ in COLUMNS)


def visible_meetings(data: DayData, staff_id: int | None) -> list[MeetingView]:
    """The day's meetings in time order (the repository filters by staff; this keeps it so)."""
    meetings = [
        m for m in data.meetings if staff_id is None or any(s.id == staff_id for s in m.staff)
    ]
    return sorted(meetings, key=lambda m: (m.starts_at, m.ends_at, m.id))


def rows_of(
    data: DayData, staff_id: int | None, now: dt.datetime, config: Config, logins: dict[int, str]
) -> list[tuple[str, MeetingView | UnbookedFirst, tuple[Text, ...]]]:
    """Unbooked first meetings (most urgent first), then the day's meetings in time order:
    (row key, item, cells in column order)."""
    tz = config.team.timezone
    rows: list[tuple[str, MeetingView | UnbookedFirst, tuple[Text, ...]]] = []
    for first in sorted(data.unbooked, key=lambda u: (u.respond_by, u.client_id)):
        rows.append((row_key(first), first, in_order(unbooked_cells(first, now, config))))
    for meeting in visible_meetings(data, staff_id):
        rows.append(
            (
                row_key(meeting),
                meeting,
                in_order(meeting_cells(meeting, tz, logins, data.absences)),
            )
        )
    return rows


# -- the day's heading --------------------------------------------------------------------


def day_heading(
    data: DayData, today: dt.date, config: Config, staff: StaffView | None, shown: int
) -> Text:
    """``Monday 23 November 2026 (today)  08:00-20:00  5 meetings  staff: all``."""
    tz = config.team.timezone
    day = data.day
    text = Text(end="", no_wrap=True, overflow="ellipsis")
    text.append(f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}", style="bold")
    offset = (day - today).days
    when = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(offset)
    if when:
        text.append(f" ({when})", style="bold")
    if data.working_day:
        text.append(f"  {hhmm(data.opens_at, tz)}-{hhmm(data.closes_at, tz)}")
    else:
        text.append("  not a team day", style="bold")
    text.append(f"  {shown} meeting{'s' if shown != 1 else ''}")
    text.append("  staff: ")
    if staff is None:
        text.append("all")
    else:
        text.append_text(literal(staff.login, "bold reverse"))
    return text


# -- one staff member's day: a timeline and the free gaps ---------------------------------------


@dataclass(frozen=True)
class Gap:
    start: dt.datetime  # UTC
    end: dt.datetime


def busy_spans(
    meetings: Iterable[MeetingView], staff_id: int
) -> list[tuple[dt.datetime, dt.datetime]]:
    """When ``staff_id`` is in a meeting that is not cancelled, merged and in order."""
    spans = sorted(
        (m.starts_at, m.ends_at)
        for m in meetings
        if m.status != "cancelled" and any(s.id == staff_id for s in m.staff)
    )
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def free_gaps(data: DayData, staff_id: int, now: dt.datetime | None = None) -> list[Gap]:
    """Free time within team hours (from ``now`` when that is later), between meetings."""
    opens = data.opens_at
    if now is not None and now > opens:
        opens = now
    gaps: list[Gap] = []
    cursor = opens
    for start, end in busy_spans(data.meetings, staff_id):
        if end <= cursor:
            continue
        if start > cursor:
            gaps.append(Gap(cursor, min(start, data.closes_at)))
        cursor = max(cursor, end)
        if cursor >= data.closes_at:
            break
    if cursor < data.closes_at:
        gaps.append(Gap(cursor, data.closes_at))
    return [gap for gap in gaps if gap.end > gap.start]


def absence_of(absences: Sequence[AbsenceView], staff_id: int) -> AbsenceView | None:
    for absence in absences:
        if absence.staff_id == staff_id:
            return absence
    return None


def timeline(
    data: DayData,
    staff: StaffView,
    now: dt.datetime,
    config: Config,
    width: int,
    tag: str | None = None,
) -> Text:
    """Two lines for one staff member: a bar over team hours, then the free gaps in words.

    Bar: ``#`` in a meeting, ``.`` free, blank already past, ``x`` absent (all day, or
    the hours of a part-day absence);
    the cell holding "now" is shown reversed. Hours are marked under nothing: the
    bar starts at opening time and ends at closing time, both printed.
    """
    tz = config.team.timezone
    text = Text(end="", no_wrap=True, overflow="ellipsis")
    label = visible(tag or staff.login)  # whole: a tag or login is never cut short
    text.append(f"{label:<10} ", style="bold")
    if not data.working_day:
        text.append("not a team day")
        return text
    opens, closes = hhmm(data.opens_at, tz), hhmm(data.closes_at, tz)
    step = config.meetings.slot_step_minutes
    total = max(1, int((data.closes_at - data.opens_at).total_seconds() // 60))
    cells = max(1, total // step)
    room = max(8, width - max(len(label), 10) - 1 - len(opens) - len(closes) - 2)
    while cells > room and step < 240:  # wider steps on narrow screens
        step *= 2
        cells = max(1, total // step)
    absence = absence_of(data.absences, staff.id)
    away_span = _span(absence, tz) if absence is not None else (data.opens_at, data.opens_at)
    spans = busy_spans(data.meetings, staff.id)
    text.append(opens + " ")
    for index in range(cells):
        start = data.opens_at + dt.timedelta(minutes=index * step)
        end = start + dt.timedelta(minutes=step)
        if absence is not None and away_span[0] < end and start < away_span[1]:
            char, style = ABSENT, "dim"
        elif any(s < end and e > start for s, e in spans):
            char, style = BUSY, "bold #5fafff"
        elif end <= now:
            char, style = PAST, ""
        else:
            char, style = FREE, "#87d787"
        if start <= now < end:
            style = f"{style} reverse".strip()
            if char == PAST:
                char = "|"
        text.append(char, style=style)
    text.append(" " + closes)
    text.append("\n")
    if absence is not None:
        if absence.part_day:
            text.append(f"{' ' * 11}Away{absence_hours(absence)} ({absence.kind})", style="bold")
        else:
            text.append(f"{' ' * 11}Away all day ({absence.kind})", style="bold")
        return text
    upcoming = now if data.opens_at <= now < data.closes_at else None
    if now >= data.closes_at:
        text.append(f"{' ' * 11}The day is over.")
        return text
    gaps = free_gaps(data, staff.id, upcoming)
    text.append(f"{' ' * 11}Free: ", style="bold")
    if not gaps:
        text.append("no free time left")
    else:
        text.append(", ".join(f"{hhmm(g.start, tz)}-{hhmm(g.end, tz)}" for g in gaps))
    return text


# -- the detail pane ---------------------------------------------------------------------------


def _line(text: Text, label: str, value: Text | str) -> None:
    text.append(f"{label}: ", style="bold")
    text.append_text(value if isinstance(value, Text) else Text(value))
    text.append("\n")


def _people(people: Sequence, logins: dict[int, str] | None, empty: str, recorded: bool) -> Text:
    if not people:
        return Text(empty, end="")
    out = Text(end="")
    for index, person in enumerate(people):
        if index:
            out.append(", ")
        out.append_text(literal(person.name))
        if logins is not None and person.id in logins:
            out.append_text(assemble(" (", literal(logins[person.id]), ")"))
        if getattr(person, "cover", False):
            out.append(" as cover", style="bold")
        if recorded and person.attended is not None:
            out.append(
                " came" if person.attended else " did not come",
                style="" if person.attended else "bold",
            )
    return out


def away_words(meeting: MeetingView, absences: Sequence[AbsenceView], tz: str) -> Text:
    """Who is away during the meeting and whether cover is arranged, in words (empty: nobody)."""
    out = Text(end="")
    for index, item in enumerate(away_at(meeting, absences, tz)):
        if index:
            out.append("; ")
        kind = vocabulary.words(vocabulary.ABSENCE_KIND_LONG, item.absence.kind).lower()
        out.append_text(
            assemble(literal(item.staff.name), f" is away ({kind}){absence_hours(item.absence)}")
        )
        if item.cover:
            names = ", ".join(visible(c.name) for c in item.cover)
            out.append_text(assemble(": cover arranged (", literal(names), ")"))
        else:
            out.append(": NO COVER ARRANGED", style="bold")
    return out


def meeting_detail(
    meeting: MeetingView,
    config: Config,
    logins: dict[int, str],
    absences: Sequence[AbsenceView] = (),
) -> Text:
    """Everything about one meeting that the row has no room for."""
    from duty_desk.timeparse import describe_slot

    tz = config.team.timezone
    text = Text(end="")
    text.append_text(literal(meeting.client_name, "bold"))
    text.append("  " + describe_slot(meeting.starts_at, meeting.ends_at, tz))
    text.append("\n")
    marker_line(text, meeting.safeguarding, config)
    recorded = meeting.status in ("happened", "did_not_attend")
    status = Text(
        STATUS_LONG.get(meeting.status, meeting.status),
        style=STATUS_STYLES.get(meeting.status, "") + " bold",
        end="",
    )
    if meeting.status == "cancelled":
        status.append_text(
            assemble(
                " ",
                CANCELLED_BY.get(meeting.cancelled_by or "", ""),
                ": ",
                literal(meeting.cancel_reason or "-"),
            )
        )
    elif meeting.status == "booked":
        status.append(" (a: happened, d: did not attend, x: cancel, r: move)")
    _line(text, "Status", status)
    away = away_words(meeting, absences, tz)
    if away.plain:
        _line(text, "Away", away)
    _line(text, "Place", place_long(meeting, config))
    _line(text, "Core team", _people(meeting.staff, logins, "nobody", recorded))
    _line(text, "Network", _people(meeting.network, None, "nobody expected", recorded))
    if meeting.override_reason:
        _line(text, "Booked over warnings", literal(meeting.override_reason, multiline=True))
    text.rstrip()
    return text


def unbooked_detail(first: UnbookedFirst, now: dt.datetime, config: Config) -> Text:
    clock = rules.response_clock(first.respond_by, now, config)
    text = Text(end="")
    text.append_text(literal(first.name, "bold"))
    text.append("  first meeting NOT BOOKED", style="bold")
    text.append("\n")
    marker_line(text, first.safeguarding, config)
    text.append(clock.sentence(config.team.timezone), style=CLOCK_STYLES[clock.state])
    text.append("\nThe person and their network are seen within 24 hours of the referral.\n")
    text.append("b books the first meeting (ctrl+n in the booking: the next free slot).")
    return text


# -- the queue's first-meeting line ------------------------------------------------------------

FIRST_MEETING_DAYS = 7  # how far back "recently accepted" reaches


def first_meeting_line(items: Sequence[FirstMeeting], now: dt.datetime) -> Text:
    """One line for the queue: were recent first meetings set within the response time?

    ``First meetings, last 7 days: 3 on time, 1 LATE, 2 to book, next due in 5h10``
    (on time: the first meeting starts by the referral's respond-by time);
    the words carry the state, the style only emphasises it.
    """
    on_time = sum(1 for item in items if item.met is True)
    late = [item for item in items if item.met is False]
    waiting = sorted((item for item in items if item.met is None), key=lambda i: i.respond_by)
    text = Text(end="", no_wrap=True, overflow="ellipsis")
    text.append(f"First meetings, last {FIRST_MEETING_DAYS} days: ", style="bold")
    if not items:
        text.append("none")
        return text
    text.append(f"{on_time} on time")
    if late:
        text.append(", ")
        text.append(f"{len(late)} LATE", style="bold reverse")
    if waiting:
        left = timeutil.fmt_duration(waiting[0].respond_by - now)
        text.append(", ")
        text.append(f"{len(waiting)} to book, next due in {left}", style="bold")
    return text
