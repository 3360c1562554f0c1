"""The rules for when a network meeting can be booked: pure functions, no database.

Blocking (never bookable):
  staff_busy   an expected staff member is already in a booked or happened meeting
               that overlaps the time;
  client_busy  the client already has an overlapping booked or happened meeting.
Warnings (bookable with a recorded reason):
  travel_buffer  less than the travel buffer between two of a staff member's
                 meetings when either of them is a home visit;
  outside_hours  not wholly within team hours on a working day (local time);
  staff_absent   an expected staff member has an absence overlapping the time (a
                 whole-day absence covers its local days; a part-day one only its hours);
  in_past        the start is before now.

Intervals are half-open, [start, end): a meeting ending at 10:00 and one starting
at 10:00 do not overlap. Every problem's text names who and when, in local time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache

import pendulum
from msgspec import Struct

from . import timeutil
from .config import DAY_NAMES, MeetingSettings, TeamSettings
from .views import ScheduleProblem

BUSY_STATUSES = ("booked", "happened")
MAX_MEETING = dt.timedelta(hours=12)  # longest meeting accepted (bounds the overlap queries)
SEARCH_DAYS = 14


class Busy(Struct, frozen=True):
    """An existing (booked or happened) meeting, as far as the rules need it."""

    meeting_id: int
    client_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    place_kind: str
    staff_ids: frozenset[int]


class Away(Struct, frozen=True):
    """An absence (not cancelled): local dates, inclusive; part day when ``starts_time``
    (first day) or ``ends_time`` (last day, exclusive) is given."""

    staff_id: int
    starts_on: dt.date
    ends_on: dt.date
    kind: str
    starts_time: dt.time | None = None
    ends_time: dt.time | None = None


def _wall(day: dt.date, at: dt.time, tz: str) -> dt.datetime:
    """A local wall-clock time as UTC; a time the spring clock change skips is read as the
    moment the clocks go forward, a repeated autumn time as its first occurrence."""
    local = pendulum.datetime(
        day.year, day.month, day.day, at.hour, at.minute, tz=timeutil.zone(tz)
    )
    return timeutil.as_utc(local)


def absence_span(
    starts_on: dt.date,
    ends_on: dt.date,
    starts_time: dt.time | None,
    ends_time: dt.time | None,
    tz: str,
) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants [start, end) an absence covers: from ``starts_time`` (or local
    midnight) on the first day to ``ends_time`` (or the next local midnight) on the last.
    A local day is 23 or 25 hours on a clock-change day: the span follows the wall clock."""
    start = _wall(starts_on, starts_time or dt.time(0, 0), tz)
    if ends_time is None:
        end = _wall(ends_on + dt.timedelta(days=1), dt.time(0, 0), tz)
    else:
        end = _wall(ends_on, ends_time, tz)
    return start, end


def away_during(away: Away, start: dt.datetime, end: dt.datetime, tz: str) -> bool:
    """Does the absence overlap [start, end)? Half-open: a meeting ending exactly when a
    part-day absence starts is not affected."""
    a_start, a_end = absence_span(
        away.starts_on, away.ends_on, away.starts_time, away.ends_time, tz
    )
    return overlaps(start, end, a_start, a_end)


def away_all_day(away: Away, day: dt.date) -> bool:
    """Away for the whole of the local ``day``."""
    if not away.starts_on <= day <= away.ends_on:
        return False
    if day == away.starts_on and away.starts_time not in (None, dt.time(0, 0)):
        return False
    return not (day == away.ends_on and away.ends_time is not None)


def span_words(away: Away) -> str:
    """When a part-day absence is, in words (``from 13:00`` / ``until 12:00``)."""
    parts = []
    if away.starts_time is not None:
        parts.append(f"from {away.starts_time:%H:%M}")
    if away.ends_time is not None:
        parts.append(f"until {away.ends_time:%H:%M}")
    return " ".join(parts)


class Candidate(Struct, frozen=True):
    client_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    staff_ids: tuple[int, ...]
    place_kind: str
    moving: int | None = None  # the meeting being rescheduled: never clashes with itself


def _clock(value: dt.datetime, tz: str) -> str:
    return timeutil.to_local(value, tz).format("HH:mm")


def _when(start: dt.datetime, end: dt.datetime, tz: str) -> str:
    local = timeutil.to_local(start, tz)
    return f"{local.format('ddd D MMM')} {_clock(start, tz)}-{_clock(end, tz)}"


def _day_words(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def overlaps(
    a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime
) -> bool:
    return a_start < b_end and b_start < a_end


def _between(later: dt.datetime, earlier: dt.datetime) -> dt.timedelta:
    """``later - earlier`` as a plain timedelta, by datetime's own subtraction: when either
    is pendulum's (a time a person asked to book), pendulum's subtraction would build an
    Interval, several times slower, and the free-slot search takes thousands of these."""
    return dt.datetime.__sub__(later, earlier)


def local_days(start: dt.datetime, end: dt.datetime, tz: str) -> list[dt.date]:
    """The local dates that [start, end) touches."""
    first = timeutil.local_wall(start, tz).date()
    last = timeutil.local_wall(max(start, end - dt.timedelta(microseconds=1)), tz).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def within_hours(start: dt.datetime, end: dt.datetime, team: TeamSettings) -> bool:
    """Wholly inside team hours of one working day (local wall clock)."""
    local_start = timeutil.local_wall(start, team.timezone)
    local_end = timeutil.local_wall(end, team.timezone)
    if DAY_NAMES[local_start.weekday()] not in team.days:
        return False
    if local_end.date() != local_start.date():
        return False
    return team.opens <= local_start.time() and local_end.time() <= team.closes


def hours_words(team: TeamSettings) -> str:
    days = team.days
    ordered = [d for d in DAY_NAMES if d in days]
    indexes = [DAY_NAMES.index(d) for d in ordered]
    if indexes == list(range(indexes[0], indexes[0] + len(indexes))) and len(indexes) > 2:
        span = f"{ordered[0].title()}-{ordered[-1].title()}"
    else:
        span = ", ".join(d.title() for d in ordered)
    return f"{team.opens:%H:%M}-{team.closes:%H:%M}, {span}"


def problems(
    candidate: Candidate,
    busy: Iterable[Busy],
    away: Iterable[Away],
    staff_names: Mapping[int, str],
    team: TeamSettings,
    meetings: MeetingSettings,
    now: dt.datetime,
) -> list[ScheduleProblem]:
    """Every problem with ``candidate``; blocking ones first, then warnings in a fixed order."""
    found = list(each_problem(candidate, busy, away, staff_names, team, meetings, now))
    return [p for p in found if p.blocking] + [p for p in found if not p.blocking]


def each_problem(
    candidate: Candidate,
    busy: Iterable[Busy],
    away: Iterable[Away],
    staff_names: Mapping[int, str],
    team: TeamSettings,
    meetings: MeetingSettings,
    now: dt.datetime,
    *,
    words: bool = True,
) -> Iterator[ScheduleProblem]:
    """The problems with ``candidate`` one by one, as they are found (the next free slot
    stops at the first): the clashes and travel gaps meeting by meeting, then outside
    hours, absences and the past. :func:`problems` puts the blocking ones first.

    ``words=False`` when only whether there is a problem matters (:func:`free_slot`, for
    every grid time it tries): each problem's ``text`` is then left empty, not made."""
    tz = team.timezone
    start, end = candidate.starts_at, candidate.ends_at
    wanted = set(candidate.staff_ids)
    buffer = dt.timedelta(minutes=meetings.travel_buffer_minutes)

    def name(staff_id: int) -> str:
        return staff_names.get(staff_id, f"Staff member {staff_id}")

    for other in sorted(busy, key=lambda b: (b.starts_at, b.meeting_id)):
        if other.meeting_id == candidate.moving:
            continue
        clash = overlaps(start, end, other.starts_at, other.ends_at)
        shared = sorted(wanted & other.staff_ids, key=name)
        if clash:
            # words only for a problem found, and only when asked for
            when = _when(other.starts_at, other.ends_at, tz) if words else ""
            if other.client_id == candidate.client_id:
                yield ScheduleProblem(
                    "client_busy", f"The client already has a meeting {when}", True
                )
            for staff_id in shared:
                yield ScheduleProblem(
                    "staff_busy", f"{name(staff_id)} is already in a meeting {when}", True
                )
            continue
        if not shared or not buffer or "home" not in (candidate.place_kind, other.place_kind):
            continue
        gap = (
            _between(start, other.ends_at)
            if other.ends_at <= start
            else _between(other.starts_at, end)
        )
        if gap < buffer:
            when = _when(other.starts_at, other.ends_at, tz) if words else ""
            for staff_id in shared:
                yield ScheduleProblem(
                    "travel_buffer",
                    f"{name(staff_id)} has only {int(gap.total_seconds() // 60)} minutes between "
                    f"this and a meeting {when} (a home visit needs "
                    f"{meetings.travel_buffer_minutes} for travel)",
                    False,
                )

    if not within_hours(start, end, team):
        yield ScheduleProblem(
            "outside_hours",
            f"{_when(start, end, tz)} is outside the team's hours ({hours_words(team)})"
            if words
            else "",
            False,
        )
    days = local_days(start, end, tz)
    for absence in sorted(away, key=lambda a: (name(a.staff_id), a.starts_on)):
        if absence.staff_id not in wanted or not away_during(absence, start, end, tz):
            continue
        if not words:
            yield ScheduleProblem("staff_absent", "", False)
            continue
        hit = [d for d in days if absence.starts_on <= d <= absence.ends_on]
        part = span_words(absence)
        yield ScheduleProblem(
            "staff_absent",
            f"{name(absence.staff_id)} is away ({absence.kind}) on "
            f"{_day_words(hit[0] if hit else days[0])}{' ' + part if part else ''}",
            False,
        )
    if start < now:
        yield ScheduleProblem(
            "in_past", f"{_when(start, end, tz)} is in the past" if words else "", False
        )


def blocking_sentence(found: Sequence[ScheduleProblem]) -> str:
    texts = [p.text for p in found if p.blocking]
    return "Cannot book this time: " + "; ".join(texts) + "; nothing was saved"


# -- the next free slot --------------------------------------------------------------------------


@lru_cache(maxsize=64)
def ceil_to_grid(instant: dt.datetime, step_minutes: int, tz: str) -> dt.datetime:
    """The first local grid time (whole multiples of the step from local midnight) at or
    after ``instant``. On a clock-change day the grid follows the wall clock. Kept: the
    core-team step asks it for the same instant once for every staff member."""
    local = timeutil.to_local(instant, tz)
    seconds = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    step = step_minutes * 60
    total = -(-seconds // step) * step
    naive = dt.datetime.combine(local.date(), dt.time()) + dt.timedelta(seconds=total)
    try:
        return max(timeutil.local_to_utc(naive, tz), timeutil.as_utc(instant))
    except timeutil.TimeInputError:  # a grid time the clock change skips or repeats
        return timeutil.as_utc(instant)


@lru_cache(maxsize=4096)
def _grid_utc(wall: dt.datetime, tz: str) -> dt.datetime | None:
    """A grid time as UTC, or None where the clock change skips or repeats it. Kept: the
    same walls are tried for every staff member when the core-team step looks for who is
    free (about 19,000 conversions at bench scale otherwise). A plain datetime, not
    pendulum's: the search adds to and subtracts from it thousands of times, several times
    quicker so."""
    try:
        found = timeutil.local_to_utc(wall, tz)
    except timeutil.TimeInputError:
        return None
    return dt.datetime.fromtimestamp(found.timestamp(), dt.UTC)


def free_slot(
    client_id: int,
    minutes: int,
    staff_ids: Sequence[int],
    place_kind: str,
    after: dt.datetime,
    busy: Sequence[Busy],
    away: Sequence[Away],
    team: TeamSettings,
    meetings: MeetingSettings,
    days: int = SEARCH_DAYS,
) -> dt.datetime | None:
    """The earliest grid start at or after ``after`` within team hours on working days, up to
    ``days`` local days ahead, with no problem at all for a meeting at ``place_kind``: no
    clash, nobody absent, no short travel gap. Wall-clock grid times a clock change skips
    or repeats are passed over."""
    tz = team.timezone
    step = dt.timedelta(minutes=meetings.slot_step_minutes)
    length = dt.timedelta(minutes=minutes)
    wanted = set(staff_ids)
    relevant = sorted(
        (b for b in busy if b.client_id == client_id or wanted & b.staff_ids),
        key=lambda b: b.starts_at,
    )
    mine = [a for a in away if a.staff_id in wanted]
    first = timeutil.to_local(after, tz).date()
    earliest = ceil_to_grid(after, meetings.slot_step_minutes, tz)
    reach = MAX_MEETING + dt.timedelta(minutes=meetings.travel_buffer_minutes)
    for offset in range(days + 1):
        day = first + dt.timedelta(days=offset)
        if DAY_NAMES[day.weekday()] not in team.days:
            continue
        if any(away_all_day(a, day) for a in mine):
            continue
        wall = dt.datetime.combine(day, team.opens)
        closes = dt.datetime.combine(day, team.closes)
        day_start = timeutil.as_utc(earliest) if offset == 0 else None
        near_day: list[Busy] | None = None
        while wall + length <= closes:
            start, end = _grid_utc(wall, tz), _grid_utc(wall + length, tz)
            wall += step
            if start is None or end is None:
                continue
            if day_start is not None and start < day_start:
                continue
            if near_day is None:
                # the rest of this local day at most, and the travel either side
                before, after_day = start + dt.timedelta(hours=25) + reach, start - reach
                near_day = [b for b in relevant if b.starts_at < before and b.ends_at > after_day]
            candidate = Candidate(client_id, start, end, tuple(staff_ids), place_kind)
            if (
                next(
                    each_problem(candidate, near_day, mine, {}, team, meetings, start, words=False),
                    None,
                )
                is None
            ):
                return timeutil.as_utc(start)  # pendulum's, as every instant the core hands out
    return None
