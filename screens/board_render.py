"""Turning board data (``duty_desk.views.BoardData``) into ``Text`` for the continuity board.

Pure functions of their arguments: no widgets, no database. Staff are shown
by a short tag (initials, made unique over the whole staff list, e.g. ``AS``
and ``AS2``), with the full name in the detail pane. Every state is in words
or letters (``NONE``, ``LEFT``, ``noPS``, ``!2``) and only emphasised by
style, so the board reads the same with ``NO_COLOR`` over SSH.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import zoneinfo
from collections.abc import Mapping, Sequence

from rich.text import Text

from duty_desk import timeutil, vocabulary
from duty_desk.config import Config
from duty_desk.dialog_views import LatestDialog
from duty_desk.nhs import format_nhs_number
from duty_desk.views import (
    AbsenceView,
    BoardData,
    Continuity,
    ContinuityBreak,
    EpisodeView,
    MeetingView,
    ReferralView,
    StaffLoad,
    StaffView,
)
from duty_desk.vocabulary import BreakKind

from .flag_marker import marker_line, name_cell
from .literal import assemble, literal, visible
from .render import (
    contact_lines,
    detail_line,
    interpreter_line,
    network_lines,
    staff_tags,  # noqa: F401 - re-exported: the one staff label (render.py)
)

PROBLEM = "bold reverse"
WARN = "bold #ffaf00"

# The episodes table: column key, header; widths fixed for all but the client's name.
EPISODE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("client", "Client"),
    ("key", "Key"),
    ("team", "Core team"),
    ("weeks", "Wks"),
    ("last", "Last met"),
    ("next", "Next"),
    ("core", "Core"),
    ("upc", "UPC"),
    ("qol", "QoL"),
    ("flag", "!"),
)
EPISODE_WIDTHS = {
    "key": 4,
    "team": 14,
    "weeks": 3,
    "last": 9,
    "next": 9,
    "core": 4,
    "upc": 4,
    "qol": 7,
    "flag": 2,
}

BREAK_COLUMNS: tuple[tuple[str, str], ...] = (
    ("when", "When"),
    ("kind", "Break"),
    ("client", "Client"),
)
BREAK_WIDTHS = {"when": 9, "kind": 13}

STAFF_COLUMNS: tuple[tuple[str, str], ...] = (
    ("tag", "Tag"),
    ("name", "Staff"),
    ("role", "Role"),
    ("core", "Core/cap"),
    ("key", "Key"),
    ("room", "Room"),
    ("away", "Away"),
)
STAFF_WIDTHS = {"tag": 4, "role": 4, "core": 8, "key": 3, "room": 4, "away": 17}

BOARD_SHED = ("upc", "weeks", "qol", "core", "last", "role", "room")
"""What a narrow terminal hides first on the board (never the key worker, core team, next
meeting or the problem column "!")."""

MIN_FLEX = 12
MAX_FLEX = 40

# The words, once, in duty_desk.vocabulary (kept under these names for the screens).
BREAK_SHORT = vocabulary.BREAK_SHORT
ROLE_SHORT = vocabulary.ROLE_SHORT
ROLE_LONG = vocabulary.ROLE_LONG
ABSENCE_KINDS = vocabulary.ABSENCE_KIND_LONG
DISCHARGE_KINDS = vocabulary.DISCHARGE_KIND_LONG
NOT_ENOUGH = "not enough meetings yet"


def flex_width(total: int, widths: Mapping[str, int]) -> int:
    """What is left for the one flexible column in ``total`` columns (gaps, a scrollbar)."""
    fixed = sum(w + 1 for w in widths.values())
    return min(MAX_FLEX, max(MIN_FLEX, total - fixed - 1 - 1))


def shown(value: object) -> str:
    """``visible(value)``, without its character-by-character walk when nothing needs it."""
    text = "" if value is None else str(value)
    return text if text.isprintable() else visible(text)


def cell(value: object, style: str = "") -> Text:
    """``literal.cell`` (a one-line literal cell with a leading space), faster for big tables."""
    return Text(" " + shown(value), style=style, end="", no_wrap=True, overflow="ellipsis")


# -- staff tags ---------------------------------------------------------------------------


def all_staff(data: BoardData) -> list[StaffView]:
    """Everyone the board mentions: active staff and anyone still in a core team."""
    found: dict[int, StaffView] = {load.staff.id: load.staff for load in data.staff}
    for episode in data.episodes:
        for member in episode.core_team:
            found.setdefault(member.id, member)
        if episode.key_worker is not None:
            found.setdefault(episode.key_worker.id, episode.key_worker)
    return list(found.values())


# -- times ---------------------------------------------------------------------------------


WEEK = 7 * 86400
NEAR = 6 * 86400  # "Mon 09:00" this close to now, a date further away
DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@functools.lru_cache(maxsize=8)
def _zone(tz: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(tz)


def local_time(value: dt.datetime, tz: str) -> dt.datetime:
    """``value`` on the wall clock of ``tz`` (the standard library's conversion: the board
    converts thousands of instants per read, and pendulum's is several times slower)."""
    return dt.datetime.fromtimestamp(value.timestamp(), _zone(tz))


def when_label(value: dt.datetime | None, now: dt.datetime, tz: str) -> str:
    """``Mon 09:00`` within six days either side of now, else ``16/11/26``; ``-`` for none."""
    if value is None:
        return "-"
    local = local_time(value, tz)
    if abs(now.timestamp() - value.timestamp()) < NEAR:
        return f"{DAY_ABBR[local.weekday()]} {local.hour:02d}:{local.minute:02d}"
    return f"{local.day:02d}/{local.month:02d}/{local.year % 100:02d}"


def ago_label(value: dt.datetime | None, now: dt.datetime, tz: str) -> str:
    """``today``, ``1d ago``, ``16d ago`` by local calendar days; ``-`` for never."""
    if value is None:
        return "-"
    days = (local_time(now, tz).date() - local_time(value, tz).date()).days
    if days <= 0:
        return "today"
    return f"{days}d ago" if days < 1000 else "long ago"


def weeks_since(accepted_at: dt.datetime, now: dt.datetime) -> int:
    return max(0, int((now.timestamp() - accepted_at.timestamp()) // WEEK))


def when_until(value: dt.datetime | None, stamp: float) -> float:
    """Until when ``when_label(value)`` drawn at the instant ``stamp`` stays right."""
    if value is None:
        return math.inf
    at = value.timestamp()
    if abs(stamp - at) < NEAR:
        return at + NEAR
    return at - NEAR if at > stamp else math.inf


def next_midnight(now: dt.datetime, tz: str) -> float:
    """The next local midnight after ``now``, as a timestamp."""
    day = local_time(now, tz).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(), tzinfo=_zone(tz)).timestamp()


def episode_cells_until(episode: EpisodeView, stamp: float, midnight: float) -> float:
    """The instant (a timestamp) until which ``episode_cells`` drawn at ``stamp`` stay right:
    the next local ``midnight`` (``today``, ``3d ago``), the next whole week since
    acceptance, and the next meeting crossing six days from now (``Mon 09:00`` or a date)."""
    accepted = episode.accepted_at.timestamp()
    weeks = (
        accepted + ((stamp - accepted) // WEEK + 1) * WEEK if stamp >= accepted else accepted + WEEK
    )
    return min(midnight, weeks, when_until(episode.next_meeting, stamp))


def short_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}"


def absence_short(absence: AbsenceView, today: dt.date) -> str:
    """``leave to 28/11`` when it has begun, else ``leave 01/12-05/12``."""
    kind = ABSENCE_KINDS.get(absence.kind, absence.kind)
    if absence.starts_on <= today:
        return f"{kind} to {short_date(absence.ends_on)}"
    return f"{kind} {short_date(absence.starts_on)}-{short_date(absence.ends_on)}"


def absence_long(absence: AbsenceView) -> Text:
    kind = ABSENCE_KINDS.get(absence.kind, absence.kind)
    span = (
        timeutil.fmt_date(absence.starts_on)
        if absence.starts_on == absence.ends_on
        else f"{timeutil.fmt_date(absence.starts_on)} to {timeutil.fmt_date(absence.ends_on)}"
    )
    text = Text(f"{kind} {span}", end="")
    if absence.starts_time is not None:
        text.append(f", from {absence.starts_time:%H:%M}")
        if absence.starts_on != absence.ends_on:
            text.append(f" on {short_date(absence.starts_on)}")
    if absence.ends_time is not None:
        text.append(f", until {absence.ends_time:%H:%M}")
        if absence.starts_on != absence.ends_on:
            text.append(f" on {short_date(absence.ends_on)}")
    if absence.note:
        text.append_text(assemble(" (", literal(absence.note), ")"))
    return text


# -- continuity figures -----------------------------------------------------------------------


def percent(value: float | None) -> str:
    return "--" if value is None else f"{round(value * 100):d}%"


def index(value: float | None) -> str:
    """``.62``, ``1.0`` or ``--``: an index between 0 and 1 in four columns."""
    if value is None:
        return "--"
    if value >= 0.995:
        return "1.0"
    return f"{value:.2f}".removeprefix("0")


def continuity_text(figures: Continuity) -> Text:
    held = "1 meeting" if figures.meetings == 1 else f"{figures.meetings} meetings"
    if not figures.enough:
        return Text(f"{NOT_ENOUGH} ({held} held)", end="")
    return Text(
        f"{held} held; with core team {percent(figures.with_core)}, with key worker "
        f"{percent(figures.with_key_worker)}; UPC {index(figures.upc)}, COC "
        f"{index(figures.coc)}, SECON {index(figures.secon)}",
        end="",
    )


# -- the episodes table ---------------------------------------------------------------------


def team_cell(episode: EpisodeView, tags: Mapping[int, str]) -> Text:
    """``AS* RE BD``: the core team by tag, the key worker starred, ``noPS`` without a peer."""
    text = Text(" ", end="", no_wrap=True, overflow="ellipsis")
    key_id = episode.key_worker.id if episode.key_worker is not None else None
    if not episode.core_team:
        text.append("none", style=PROBLEM)
        return text
    for position, member in enumerate(episode.core_team):
        if position:
            text.append(" ")
        text.append(tags.get(member.id, "?"), style="" if member.active else "strike")
        if member.id == key_id:
            text.append("*")
    if not episode.has_peer_support:
        text.append(" ")
        text.append("noPS", style=WARN)
    return text


def key_cell(episode: EpisodeView, tags: Mapping[int, str]) -> Text:
    worker = episode.key_worker
    if worker is None:
        return Text(" NONE", style=PROBLEM, end="", no_wrap=True)
    if not worker.active:
        return Text(" LEFT", style=PROBLEM, end="", no_wrap=True)
    return cell(tags.get(worker.id, "?"))


def episode_cells(
    episode: EpisodeView,
    now: dt.datetime,
    tz: str,
    tags: Mapping[int, str],
    trouble: int | None = None,
    dialog: LatestDialog | None = None,
) -> dict[str, Text]:
    """One episode's row; ``trouble``: its problems and breaks counted once (the ``!``
    column; default its core-team problems only); ``dialog``: its latest DIALOG."""
    figures = episode.continuity
    problems = len(episode.problems) if trouble is None else trouble
    low = figures.with_core is not None and figures.with_core < 0.5
    return {
        "client": name_cell(episode.name, episode.safeguarding, "bold" if problems else "")
        if episode.safeguarding
        else cell(episode.name, "bold" if problems else ""),
        "key": key_cell(episode, tags),
        "team": team_cell(episode, tags),
        "weeks": cell(weeks_since(episode.accepted_at, now)),
        "last": cell(ago_label(episode.last_meeting, now, tz)),
        "next": cell(
            when_label(episode.next_meeting, now, tz), "" if episode.next_meeting else "dim"
        ),
        "core": cell(percent(figures.with_core) if figures.enough else "--", WARN if low else ""),
        "upc": cell(index(figures.upc) if figures.enough else "--"),
        "qol": qol_cell(dialog),
        "flag": cell(f"!{min(problems, 9)}" if problems else "", PROBLEM if problems else ""),
    }


# -- issue 13 (board): the latest DIALOG quality-of-life score ---------------------------------


def qol_label(dialog: LatestDialog | None) -> str:
    """``4.4+0.6``, ``4.4-0.3``, ``4.4=0`` (the same), ``4.4`` (nothing to compare with) in
    seven columns; ``--`` when too few life-domain items were rated (never a number from
    too few items), ``-`` when never rated."""
    if dialog is None or dialog.ratings == 0:
        return "-"
    if dialog.quality_of_life is None:
        return "--"
    shown = f"{float(dialog.quality_of_life):.1f}"
    moved = dialog.change_since_previous
    if moved is None:
        return shown
    step = f"{abs(float(moved)):.1f}"
    if step == "0.0":
        return f"{shown}=0"
    return f"{shown}{'+' if moved > 0 else '-'}{step}"


def qol_cell(dialog: LatestDialog | None) -> Text:
    label = qol_label(dialog)
    return cell(label, "dim" if label.startswith("-") else "")


def dialog_line(dialog: LatestDialog | None) -> str:
    """The detail pane's DIALOG line, in words, scores to two places."""
    if dialog is None or dialog.ratings == 0:
        return "no rating yet (record section d)"
    assert dialog.last_rated_on is not None
    count = f"{dialog.ratings} rating{'s' if dialog.ratings != 1 else ''}"
    when = f"last rated {timeutil.fmt_date(dialog.last_rated_on)}, {count}"
    if dialog.quality_of_life is None:
        return f"quality of life not shown: too few life-domain items rated ({when})"
    words = f"quality of life {float(dialog.quality_of_life):.2f}"
    moved = dialog.change_since_previous
    if moved is not None:
        direction = "same as" if moved == 0 else ("up" if moved > 0 else "down")
        amount = "" if moved == 0 else f" {abs(float(moved)):.2f} since"
        words += f", {direction}{amount} the previous rating"
    return f"{words} ({when})"


def person(member: StaffView, tags: Mapping[int, str]) -> Text:
    text = assemble(literal(tags.get(member.id, "?"), "bold"), " ", literal(member.name))
    extra = [ROLE_LONG.get(member.role, member.role)]
    if not member.active:
        extra.append("LEFT THE TEAM")
    text.append(f" ({', '.join(extra)})")
    return text


def episode_detail(
    episode: EpisodeView,
    breaks: Sequence[ContinuityBreak],
    now: dt.datetime,
    config: Config,
    tags: Mapping[int, str],
    dialog: LatestDialog | None = None,
) -> Text:
    """Everything about one episode that the table has no room for."""
    tz = config.team.timezone
    text = Text(end="")
    text.append_text(literal(episode.name, "bold"))
    today = timeutil.to_local(now, tz).date()
    text.append(f"  age {timeutil.age_on(episode.date_of_birth, today)}")
    nhs = format_nhs_number(episode.nhs_number) if episode.nhs_number else "not given"
    text.append_text(
        assemble("  NHS ", literal(nhs), "  ", literal(config.area_name(episode.area)))
    )
    text.append("\n")
    marker_line(text, episode.safeguarding, config)
    interpreter_line(text, episode.language, episode.interpreter)
    if episode.status == "discharged":
        ended = assemble(
            ("DISCHARGED ", "bold"),
            timeutil.fmt_date(timeutil.to_local(episode.discharged_at, tz).date())
            if episode.discharged_at
            else "-",
            f" ({(episode.discharge_kind or '-').replace('_', ' ')}): ",
            literal(episode.discharge_reason or "-", multiline=True),
        )
        detail_line(text, "Ended", ended)
    weeks = weeks_since(episode.accepted_at, now)
    detail_line(
        text,
        "Accepted",
        f"{timeutil.fmt_local(episode.accepted_at, tz, 'day')} "
        f"({weeks} week{'s' if weeks != 1 else ''} ago)",
    )
    worker = episode.key_worker
    if worker is None:
        detail_line(
            text,
            "Key worker",
            "NONE: every client needs a named key worker (t assigns one)",
            PROBLEM,
        )
    else:
        value = person(worker, tags)
        if not worker.active:
            value.stylize(PROBLEM)
        detail_line(text, "Key worker", value)
    if episode.core_team:
        team = Text(end="")
        for position, member in enumerate(episode.core_team):
            if position:
                team.append("; ")
            team.append_text(person(member, tags))
        if not episode.has_peer_support:
            team.append("; no peer support worker", style=WARN)
        detail_line(text, "Core team", team)
    else:
        detail_line(text, "Core team", "none chosen yet (t chooses it)", PROBLEM)
    detail_line(
        text,
        "Meetings",
        f"last {timeutil.fmt_local(episode.last_meeting, tz, 'day') or 'none yet'}"
        f", next {timeutil.fmt_local(episode.next_meeting, tz, 'day') or 'none booked (b books one)'}",
    )
    detail_line(text, "Continuity", continuity_text(episode.continuity))
    shown = set()
    for problem in episode.problems:
        shown.add(problem)
        detail_line(text, "Problem", literal(problem, PROBLEM))
    for item in breaks:
        sentence = break_text(item, tz)
        if sentence not in shown:
            detail_line(text, "Break", literal(sentence, "bold"))
    if episode.status == "open":  # issue 13: after what is wrong, the latest DIALOG
        detail_line(text, "DIALOG", dialog_line(dialog))
    text.rstrip()
    return text


# -- the breaks list ------------------------------------------------------------------------------


def _who(member: StaffView) -> str:
    return f"{member.name} ({member.login})"


def break_text(item: ContinuityBreak, tz: str) -> str:
    """One plain sentence for a break, made from its data (names as the view holds them:
    initials in privacy mode). Show it literally."""
    name = item.client_name
    when = timeutil.fmt_local(item.at, tz, "day") if item.at is not None else ""
    member = item.staff[0] if item.staff else None
    if item.kind == BreakKind.no_key_worker:
        return f"{name} has no key worker named"
    if item.kind == BreakKind.key_worker_left:
        who = _who(member) if member else "?"
        return f"{name}'s key worker {who} has left the team"
    if item.kind == BreakKind.not_seen:
        if item.met:
            return f"{name} not seen for {item.days} days (last meeting {when})"
        return (
            f"{name} not seen since accepted {when} ({item.days} days, no meeting has taken place)"
        )
    if item.kind == BreakKind.no_core_at_meeting:
        names = [m.name for m in item.staff]
        who = f"attended by {', '.join(names)}" if names else "no staff recorded as attending"
        return f"{name}'s meeting on {when} had no core-team member ({who})"
    if item.kind == BreakKind.core_member_absent:
        who = _who(member) if member else "?"
        return f"{who} is away ({item.absence_kind}) for {name}'s meeting on {when}"
    if item.kind in _PLAN_WORDS:  # issue 12 (safety)
        return _plan_break_text(item, tz)
    if item.kind == BreakKind.dialog_overdue:  # issue 13 (board)
        day = timeutil.fmt_date(timeutil.to_local(item.at, tz).date()) if item.at else "-"
        weeks = (item.days or 0) // 7
        since = f"last rated {day}" if item.met else f"none since accepted on {day}"
        return f"{name}: no DIALOG for {weeks} weeks ({since})"
    return f"{name}: {item.kind.replace('_', ' ')}"


# -- issue 12 (safety): the crisis plan and risk summary breaks ----------------------------------
_PLAN_WORDS = {
    BreakKind.crisis_plan_overdue: "crisis plan review",
    BreakKind.risk_review_overdue: "risk summary review",
    BreakKind.crisis_plan_missing: "crisis plan",
}


def _days(count: int | None) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _plan_break_text(item: ContinuityBreak, tz: str) -> str:
    name = item.client_name
    day = timeutil.fmt_date(timeutil.to_local(item.at, tz).date()) if item.at else "-"
    if item.kind == BreakKind.crisis_plan_missing:
        return f"{name} has no crisis plan ({_days(item.days)} since accepted on {day})"
    return f"{name}'s {_PLAN_WORDS[item.kind]} is overdue by {_days(item.days)} (due {day})"


def break_key(item: ContinuityBreak, position: int) -> str:
    return f"{item.kind}:{item.client_id}:{item.meeting_id or ''}:{item.staff_id or ''}:{position}"


def break_cells(item: ContinuityBreak, key: str, now: dt.datetime, tz: str) -> dict[str, Text]:
    return {
        "when": cell(when_label(item.at, now, tz) if item.at else ""),
        "kind": cell(BREAK_SHORT.get(item.kind, item.kind), "bold"),
        "client": cell(item.client_name),
    }


def break_detail(item: ContinuityBreak, now: dt.datetime, config: Config) -> Text:
    tz = config.team.timezone
    text = assemble(literal(item.client_name, "bold"), "\n")
    text.append_text(literal(break_text(item, tz), multiline=True))
    if item.at is not None:
        text.append(f"\nWhen: {timeutil.fmt_local(item.at, tz, 'day')}")
    text.append("\nenter: the client on the board; t core team, m meetings, b book")
    return text


# -- the staff list ----------------------------------------------------------------------------


def staff_cells(load: StaffLoad, today: dt.date, tags: Mapping[int, str]) -> dict[str, Text]:
    member = load.staff
    over = load.core_count > member.capacity
    away = load.absences[0] if load.absences else None
    return {
        "tag": cell(tags.get(member.id, "?"), "bold"),
        "name": cell(member.name),
        "role": cell(ROLE_SHORT.get(member.role, member.role)),
        "core": cell(f"{load.core_count}/{member.capacity}", PROBLEM if over else ""),
        "key": cell(load.key_count),
        "room": cell(load.room, WARN if load.room <= 0 else ""),
        "away": cell(
            absence_short(away, today) if away else "",
            "bold" if away and away.starts_on <= today else "",
        ),
    }


def staff_detail(load: StaffLoad, tags: Mapping[int, str]) -> Text:
    member = load.staff
    text = assemble(
        literal(tags.get(member.id, "?"), "bold"),
        " ",
        literal(member.name, "bold"),
        " (",
        literal(member.login),
        f", {ROLE_LONG.get(member.role, member.role)})\n",
    )
    detail_line(
        text,
        "Caseload",
        f"core team of {load.core_count} open episodes (capacity "
        f"{member.capacity}, room for {load.room}); key worker for "
        f"{load.key_count}",
    )
    if load.absences:
        for absence in load.absences:
            detail_line(text, "Away", absence_long(absence))
    else:
        detail_line(text, "Away", "no absences recorded from today (a records one)")
    text.append("enter: only their clients on the board")
    return text


# -- dialogs -------------------------------------------------------------------------------------


def suggestion_prompt(load: StaffLoad, tags: Mapping[int, str], today: dt.date) -> Text:
    """``AS  Ash Sample (demo)  clin  core 4/12  key 2  leave to 28/11``."""
    member = load.staff
    text = assemble(literal(f"{tags.get(member.id, '?'):<4}", "bold"), literal(member.name))
    text.append(
        f"  {ROLE_SHORT.get(member.role, member.role).lower()}"
        f"  core {load.core_count}/{member.capacity}  key {load.key_count}"
    )
    if load.absences:
        text.append("  " + absence_short(load.absences[0], today), style="bold")
    return text


def meeting_cells(meeting: MeetingView, tz: str, tags: Mapping[int, str]) -> dict[str, Text]:
    local = timeutil.to_local(meeting.starts_at, tz)
    staff = " ".join(
        tags.get(a.id, visible(a.name)) + ("(cover)" if a.cover else "") for a in meeting.staff
    )
    status = vocabulary.words(vocabulary.MEETING_STATUS_SHORT, meeting.status)
    return {
        "when": cell(
            local.format("ddd DD/MM/YY HH:mm"), "dim" if meeting.status == "cancelled" else ""
        ),
        "place": cell(vocabulary.words(vocabulary.PLACE_SHORT, meeting.place_kind)),
        "status": cell(status, "dim strike" if meeting.status == "cancelled" else ""),
        "staff": cell(staff),
    }


def impact_text(
    impact: Sequence[tuple[EpisodeView, Sequence[MeetingView], Sequence[StaffLoad]]],
    absence: AbsenceView | None,
    config: Config,
    tags: Mapping[int, str],
) -> Text:
    """Every client and meeting an absence touches, with the suggested cover."""
    tz = config.team.timezone
    text = Text(end="")
    if absence is not None:
        text.append_text(
            assemble(literal(absence.staff_name, "bold"), ": ", absence_long(absence), "\n")
        )
    if not impact:
        text.append("No open episode has them in its core team: nobody is affected.")
        return text
    meetings = sum(len(m) for _, m, _ in impact)
    text.append(
        f"{len(impact)} client{'s' if len(impact) != 1 else ''} affected, "
        f"{meetings} booked meeting{'s' if meetings != 1 else ''} in the absence\n",
        style="bold",
    )
    for episode, booked, cover in impact:
        text.append("\n")
        text.append_text(literal(episode.name, "bold"))
        if absence is not None and episode.key_worker and episode.key_worker.id == absence.staff_id:
            text.append("  (their key worker)", style=WARN)
        text.append("\n")
        if booked:
            for meeting in booked:
                text.append(f"  meeting {timeutil.fmt_local(meeting.starts_at, tz, 'day')}\n")
        else:
            text.append("  no meetings booked in the absence\n")
        if cover:
            names = Text(end="")
            for position, load in enumerate(cover[:3]):
                if position:
                    names.append(", ")
                names.append_text(
                    assemble(
                        literal(tags.get(load.staff.id, "?"), "bold"), " ", literal(load.staff.name)
                    )
                )
            text.append_text(assemble("  suggested cover: ", names, "\n"))
        else:
            text.append("  no cover to suggest: nobody else has room\n", style=WARN)
    text.rstrip()
    return text


def referral_text(referral: ReferralView, config: Config) -> Text:
    """The original referral, as received, and how it was decided."""
    tz = config.team.timezone
    text = Text(end="")
    text.append_text(literal(referral.name, "bold"))
    text.append(f"  born {timeutil.fmt_date(referral.date_of_birth)}")
    nhs = format_nhs_number(referral.nhs_number) if referral.nhs_number else "not given"
    text.append_text(assemble("  NHS ", literal(nhs), "\n"))
    interpreter_line(text, referral.language, referral.interpreter)
    level = config.urgency.get(referral.urgency)
    urgency = f"{referral.urgency} {level.name}" if level else referral.urgency
    detail_line(
        text,
        "Received",
        assemble(
            timeutil.fmt_local(referral.received_at, tz, "day"),
            " from ",
            literal(config.source_name(referral.source)),
            f", urgency {visible(urgency)}",
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
    decided = assemble(
        literal(referral.status),
        " by ",
        literal(referral.decided_by or "-"),
        " ",
        timeutil.fmt_local(referral.decided_at, tz, "day"),
    )
    if referral.eligibility_override:
        decided.append_text(
            assemble(" (eligibility overridden: ", literal(referral.eligibility_override), ")")
        )
    detail_line(text, "Decision", decided)
    contact_lines(text, referral)
    network_lines(text, referral.network, "nobody recorded")
    text.rstrip()
    return text
