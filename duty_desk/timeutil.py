"""Time handling: the one clock, UTC storage, the team's local zone, weeks and team hours.

Everything is stored in UTC and shown in the team's zone. "Now" comes from
:func:`now` only; tests fix it with :func:`frozen` (no global patching of
the ``time`` module, so Textual's timers keep running).

Local times typed by people (CSV import, forms) are converted with
:func:`local_to_utc`, which refuses a wall-clock time that does not exist
(spring forward) or happens twice (fall back) instead of guessing.

The dates the team works with are bounded here, once (see "the dates we take"):
any date at all (a date of birth, a referral, a discharge, an export's range) lies in
the years :data:`EARLIEST_YEAR` to :data:`LATEST_YEAR`; a meeting, a day on the day
view and an absence lie within :data:`MEETING_YEARS_BACK` years before today and
:data:`MEETING_YEARS_AHEAD` years after it. The parsers, the validation module, the
CLI's date options and the repository's entry points all ask these functions, so year
1 or 9999 is refused with one sentence everywhere instead of overflowing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pendulum
from pendulum import DateTime

from .config import DAY_NAMES, TeamSettings


class TimeInputError(ValueError):
    """A typed date or time that cannot be used; the message says why in plain words."""


class DateOutOfRange(TimeInputError):
    """A real date, but outside the dates duty-desk takes (see "the dates we take")."""


# -- the dates we take ------------------------------------------------------------
EARLIEST_YEAR = 1900  # no living person was born before; no referral predates the team
LATEST_YEAR = 2200  # far past any real date, far inside what Python and pendulum can add to
MEETING_YEARS_BACK = 10  # a meeting, a day shown or an absence: at most this far back
MEETING_YEARS_AHEAD = 5  # ... and at most this far ahead of today
EARLIEST = dt.date(EARLIEST_YEAR, 1, 1)
LATEST = dt.date(LATEST_YEAR, 12, 31)

_fixed_now: DateTime | None = None
_zones: dict[str, pendulum.Timezone] = {}


def zone(name: str) -> pendulum.Timezone:
    """The named zone, held for the life of the process.

    pendulum caches zones weakly: without a reference kept somewhere, every
    conversion by name reloads the zone from disk (about 10x slower).
    """
    found = _zones.get(name)
    if found is None:
        found = _zones[name] = pendulum.timezone(name)  # type: ignore[assignment]
    return found


def now() -> DateTime:
    """The current instant in UTC: the one clock the core reads."""
    if _fixed_now is not None:
        return _fixed_now
    return pendulum.now(zone("UTC"))


@contextmanager
def frozen(at: dt.datetime) -> Iterator[DateTime]:
    """Fix :func:`now` at ``at`` (aware) for the duration: for tests and benchmarks."""
    global _fixed_now
    previous = _fixed_now
    _fixed_now = as_utc(at)
    try:
        yield _fixed_now
    finally:
        _fixed_now = previous


def set_now(at: dt.datetime | None) -> None:
    """Fix (or with None, release) :func:`now` for a whole test process."""
    global _fixed_now
    _fixed_now = as_utc(at) if at is not None else None


def as_utc(value: dt.datetime) -> DateTime:
    if value.tzinfo is None:
        raise ValueError("naive datetime reached the core; times must carry a zone")
    return pendulum.instance(value).in_timezone(zone("UTC"))


def to_local(value: dt.datetime, tz: str) -> DateTime:
    return pendulum.instance(value).in_timezone(zone(tz))


def local_wall(value: dt.datetime, tz: str) -> dt.datetime:
    """The same instant as :func:`to_local`, as a plain datetime in the zone: about 20x
    quicker, for code that only reads its local date, time and weekday many times over
    (the free-slot search). pendulum's zones are ``zoneinfo`` zones: the same offsets."""
    return value.astimezone(zone(tz))


def local_to_utc(naive: dt.datetime, tz: str) -> DateTime:
    """A wall-clock time in ``tz`` as UTC; refuses times the clock change skips or repeats."""
    local_zone = zone(tz)
    early = naive.replace(tzinfo=local_zone, fold=0)
    late = naive.replace(tzinfo=local_zone, fold=1)
    if early.utcoffset() != late.utcoffset():
        # Either a gap (spring forward) or an overlap (fall back).
        round_trip = early.astimezone(dt.UTC).astimezone(local_zone).replace(tzinfo=None)
        when = naive.strftime("%d/%m/%Y %H:%M")
        if round_trip != naive:
            raise TimeInputError(f"{when} does not exist in {tz}: the clocks go forward that night")
        raise TimeInputError(
            f"{when} happens twice in {tz} (the clocks go back that night); "
            "give the offset, e.g. 2026-10-25T01:30+01:00"
        )
    return pendulum.instance(early.astimezone(dt.UTC)).in_timezone(zone("UTC"))


_DMY_TIME = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})\s*$")
_DMY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_ISO_TIME = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*"
    r"(Z|[+-]\d{2}:?\d{2})?\s*$"
)


def parse_date(text: str, *, bounded: bool = True) -> dt.date:
    """A calendar date: ISO ``2026-11-23`` or day-first ``23/11/2026``, in the years
    duty-desk takes (:func:`date_problem`) unless ``bounded`` is False: for a caller that
    gives a more telling message itself (a date of birth: "makes them 136")."""
    match = _ISO_DATE.match(text) or None
    found: dt.date | None = None
    try:
        if match:
            year, month, day = (int(g) for g in match.groups())
            found = dt.date(year, month, day)
        else:
            match = _DMY.match(text)
            if match:
                day, month, year = (int(g) for g in match.groups())
                found = dt.date(year, month, day)
    except ValueError:
        raise TimeInputError(f"{text.strip()!r} is not a real date") from None
    if found is not None:
        problem = date_problem(found) if bounded else None
        if problem:
            raise DateOutOfRange(problem)
        return found
    raise TimeInputError(f"{text.strip()!r} is not a date (use DD/MM/YYYY or YYYY-MM-DD)")


def parse_datetime(text: str, tz: str) -> DateTime:
    """A date and time: ISO 8601 (with or without offset) or ``DD/MM/YYYY HH:MM``.

    Without an offset the time is read in the team's zone ``tz``. Returns UTC. A date
    outside the years duty-desk takes (:func:`date_problem`) is refused.
    """
    match = _ISO_TIME.match(text)
    dmy = None if match else _DMY_TIME.match(text)
    try:
        if match:
            year, month, day, hour, minute, second, offset = match.groups()
            naive = dt.datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second or 0)
            )
            if offset:
                sign = 1 if offset[0] == "+" else -1
                digits = offset[1:].replace(":", "")
                delta = (
                    dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
                    if offset != "Z"
                    else dt.timedelta(0)
                )
                aware = naive.replace(tzinfo=dt.timezone(sign * delta))
                found = pendulum.instance(aware).in_timezone(zone("UTC"))
            else:
                found = local_to_utc(naive, tz)
        elif dmy:
            day, month, year, hour, minute = (int(g) for g in dmy.groups())
            naive = dt.datetime(year, month, day, hour, minute)
            found = local_to_utc(naive, tz)
        else:
            raise TimeInputError(
                f"{text.strip()!r} is not a date and time (use DD/MM/YYYY HH:MM or ISO 8601)"
            )
    except TimeInputError:
        raise
    except (ValueError, OverflowError):  # OverflowError: an offset pushes it past year 1 or 9999
        raise TimeInputError(f"{text.strip()!r} is not a real date and time") from None
    problem = date_problem(naive)  # the year as typed
    if problem:
        raise DateOutOfRange(problem)
    return found


def _day_of(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def date_problem(value: dt.date | dt.datetime) -> str | None:
    """None when ``value`` lies in the years duty-desk takes, else a sentence saying so."""
    if EARLIEST <= _day_of(value) <= LATEST:
        return None
    return (
        f"the year {value.year} is outside the dates duty-desk takes "
        f"({EARLIEST_YEAR} to {LATEST_YEAR})"
    )


def check_date(value: dt.date, label: str = "date") -> dt.date:
    """``value`` itself, or DateOutOfRange when it is outside :data:`EARLIEST`..:data:`LATEST`."""
    problem = date_problem(value)
    if problem:
        raise DateOutOfRange(f"{label}: {problem}")
    return value


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def meeting_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day a meeting, a day shown or an absence may fall on."""
    return _years_from(today, -MEETING_YEARS_BACK), _years_from(today, MEETING_YEARS_AHEAD)


def meeting_day_problem(day: dt.date | dt.datetime, today: dt.date) -> str | None:
    """None when ``day`` is inside :func:`meeting_window` of ``today``, else a sentence."""
    first, last = meeting_window(today)
    if first <= _day_of(day) <= last:
        return None
    return (
        f"{fmt_date(_day_of(day))} is too far from today: meetings, days and absences go "
        f"back at most {MEETING_YEARS_BACK} years and ahead at most {MEETING_YEARS_AHEAD}"
    )


# -- weeks and team hours ------------------------------------------------------


def week_start_local(instant: dt.datetime, tz: str) -> DateTime:
    """Monday 00:00 (local) of the week holding ``instant``."""
    local = to_local(instant, tz)
    return local.start_of("week")  # pendulum's weeks start on Monday


def week_bounds_utc(instant: dt.datetime, tz: str) -> tuple[DateTime, DateTime]:
    """[Monday 00:00, next Monday 00:00) local, as UTC instants (168 h, or 167/169 across a change)."""
    start = week_start_local(instant, tz)
    end = start.add(weeks=1)  # calendar arithmetic: next Monday 00:00 local
    return start.in_timezone(zone("UTC")), end.in_timezone(zone("UTC"))


def within_team_hours(instant: dt.datetime, team: TeamSettings) -> bool:
    local = to_local(instant, team.timezone)
    day = DAY_NAMES[local.weekday()]
    return day in team.days and team.opens <= local.time() < team.closes


def last_team_time_before(instant: dt.datetime, team: TeamSettings) -> DateTime | None:
    """The latest moment at or before ``instant`` that is within team hours (within 14 days)."""
    local = to_local(instant, team.timezone)
    if within_team_hours(local, team):
        return local
    day = local.start_of("day")
    for _ in range(15):
        if DAY_NAMES[day.weekday()] in team.days:
            closing = day.at(team.closes.hour, team.closes.minute)
            opening = day.at(team.opens.hour, team.opens.minute)
            if closing <= local:
                return closing
            if opening <= local:  # pragma: no cover - covered by within_team_hours
                return local
        day = day.subtract(days=1)
    return None


# -- formatting -----------------------------------------------------------------


def fmt_duration(delta: dt.timedelta) -> str:
    """``3h05`` / ``45m`` / ``2d 4h``: compact, for a table cell."""
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rem = divmod(minutes, 24 * 60)
    hours, mins = divmod(rem, 60)
    if days >= 2:
        return f"{days}d {hours}h"
    hours += days * 24
    if hours:
        return f"{hours}h{mins:02d}"
    return f"{mins}m"


def fmt_local(value: dt.datetime | None, tz: str, style: str = "short") -> str:
    """Show an instant in the team's zone: short ``Mon 14:05``, day ``Mon 23 Nov 14:05``, iso."""
    if value is None:
        return ""
    local = to_local(value, tz)
    if style == "short":
        return local.format("ddd HH:mm")
    if style == "day":
        return local.format("ddd D MMM HH:mm")
    if style == "long":
        return local.format("dddd D MMMM YYYY, HH:mm")
    if style == "iso":
        return local.isoformat()
    raise ValueError(style)


def fmt_date(value: dt.date | None) -> str:
    """``DD/MM/YYYY``, the year always in four digits (``01/01/0001``)."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""


def age_on(dob: dt.date, on: dt.date) -> int:
    years = on.year - dob.year
    if (on.month, on.day) < (dob.month, dob.day):
        years -= 1
    return years
