"""When the team is open: working days and hours ([team] days/opens/closes) less the bank
holidays of the region in [team] holidays. Pure functions of an instant and the settings.

- :func:`is_open`: is the team open at an instant (opens <= local time < closes, on a
  working day that is not a bank holiday);
- :func:`next_opening`: the first instant at or after one when the team is open;
- :func:`closed_spell`: when closed, since when it is closed and when it reopens (what
  the banner says);
- :func:`due_while_closed`: a deadline the team is not there for (a deadline exactly at
  closing time is still the team's: it is there until then);
- :func:`last_open_before`: the last team time at or before a deadline;
- :func:`due_before`: of some items, those whose deadline falls before the team reopens.

Bank holidays come from the ``holidays`` package (well kept, yearly releases). Loading it
costs about 200 ms and 11 MiB (asking for one country imports all 250 of its country
modules), so each (region, year) it gives is kept in the user's cache folder
(``bank-holidays.json``), stamped with the installed package (where it is, when it was
written): a later start reads the days from there and never imports the package; another
copy of the package (a new version), or an unreadable file, means computing them again
(issue 15, start-up and memory).
Local days are walked with calendar arithmetic, so opening at 08:00 is 08:00 on the wall
clock on either side of a clock change.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Callable, Iterable
from contextlib import suppress
from functools import cache, lru_cache
from pathlib import Path
from typing import TypeVar

import pendulum
from msgspec import Struct
from pendulum import DateTime

from .config import DAY_NAMES, HOLIDAY_REGIONS, TeamSettings
from .timeutil import as_utc, to_local, zone

SEARCH_DAYS = 60  # no team is closed longer than this (a week of bank holidays at most)
T = TypeVar("T")


CALENDAR_FILE = "bank-holidays.json"


@cache
def _holidays_of(subdivision: str, year: int) -> dict[dt.date, str]:
    key = f"{subdivision} {year}"
    version = _calendar_stamp()
    kept = _kept_days(version).get(key)
    if kept is not None:
        return kept
    import holidays  # lazily: the package loads every country's calendar module

    found = holidays.country_holidays("GB", subdiv=subdivision, years=year)
    days = {day: str(name) for day, name in found.items()}
    if version is not None:
        _keep_days(version, key, days)
    return days


def calendar_file() -> Path:
    """Where the bank holidays worked out so far are kept (one file per login)."""
    import platformdirs

    return platformdirs.user_cache_path("duty-desk") / CALENDAR_FILE


def _calendar_stamp() -> str | None:
    """What tells one installed ``holidays`` package from another, without importing it:
    the version in the name of its ``holidays-X.Y.dist-info`` folder beside it, where its
    ``__init__.py`` is, and when it and ``version.py`` were written and their sizes (a new
    version, a reinstall or a pull of a source copy changes them). None: not found, keep nothing. Cheaper at start than asking
    ``importlib.metadata`` for the version, which parses package metadata (issue 15)."""
    from importlib.util import find_spec

    try:
        spec = find_spec("holidays")
        origin = spec.origin if spec is not None else None
        if origin is None:
            return None
        found = os.stat(origin)
        # holidays/version.py holds the version of a copy without a dist-info folder beside
        # it (a source checkout on the path): its time and size change with a pull
        version = os.stat(os.path.join(os.path.dirname(origin), "version.py"))
        folder = os.path.dirname(os.path.dirname(origin))
        dist = sorted(
            name
            for name in os.listdir(folder)
            if name.startswith("holidays-") and name.endswith(".dist-info")
        )
    except (ImportError, ValueError, OSError):
        return None
    written = (found.st_mtime_ns, found.st_size, version.st_mtime_ns, version.st_size)
    return " ".join([*dist, origin, *map(str, written)])


def _kept_days(version: str | None) -> dict[str, dict[dt.date, str]]:
    """The kept days by "REGION YEAR", when the file was written for this copy of the
    package; nothing when it is missing, unreadable or of another."""
    if version is None:
        return {}
    try:
        with open(calendar_file(), encoding="utf-8") as kept:
            data = json.load(kept)
        if data["holidays"] != version:
            return {}
        return {
            str(key): {dt.date.fromisoformat(day): str(name) for day, name in days.items()}
            for key, days in data["days"].items()
        }
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _keep_days(version: str, key: str, days: dict[dt.date, str]) -> None:
    """Add one region's year to the file (written whole, then renamed over the old one);
    a folder that cannot be written only means working them out again next time."""
    from .folders import OWNER_DIR_MODE, private_dir

    kept = {k: {d.isoformat(): n for d, n in v.items()} for k, v in _kept_days(version).items()}
    kept[key] = {day.isoformat(): name for day, name in sorted(days.items())}
    target = calendar_file()
    temporary = target.with_name(f".{CALENDAR_FILE}.{os.getpid()}.{threading.get_ident()}")
    try:
        private_dir(target.parent, OWNER_DIR_MODE)
        temporary.write_text(
            json.dumps({"holidays": version, "days": kept}, indent=1), encoding="utf-8"
        )
        os.replace(temporary, target)
    except OSError:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)


def bank_holiday(day: dt.date, team: TeamSettings) -> str | None:
    """The bank holiday's name on local ``day`` in the team's region, or None."""
    subdivision = HOLIDAY_REGIONS.get(team.holidays)
    if subdivision is None:
        return None
    return _holidays_of(subdivision, day.year).get(day)


def is_working_day(day: dt.date, team: TeamSettings) -> bool:
    """One of the team's days, and not a bank holiday."""
    return DAY_NAMES[day.weekday()] in team.days and bank_holiday(day, team) is None


def _at(day: dt.date, time: dt.time, tz: str) -> DateTime:
    local = pendulum.datetime(day.year, day.month, day.day, time.hour, time.minute, tz=zone(tz))
    return as_utc(local)


def hours_of(day: dt.date, team: TeamSettings) -> tuple[DateTime, DateTime] | None:
    """Opening and closing (UTC instants) on local ``day``, or None when closed all day."""
    return _hours(day, tuple(team.days), team.opens, team.closes, team.timezone, team.holidays)


@lru_cache(maxsize=1024)
def _hours(
    day: dt.date, days: tuple[str, ...], opens: dt.time, closes: dt.time, tz: str, region: str
) -> tuple[DateTime, DateTime] | None:
    """``hours_of`` kept per day and settings: a queue of 150 rows asks about the same few
    days several times a row (is the deadline in hours, the last team time before it)."""
    subdivision = HOLIDAY_REGIONS.get(region)
    if DAY_NAMES[day.weekday()] not in days or (
        subdivision is not None and day in _holidays_of(subdivision, day.year)
    ):
        return None
    return _at(day, opens, tz), _at(day, closes, tz)


def is_open(at: dt.datetime, team: TeamSettings) -> bool:
    hours = hours_of(to_local(at, team.timezone).date(), team)
    return hours is not None and hours[0] <= at < hours[1]


def next_opening(at: dt.datetime, team: TeamSettings) -> DateTime | None:
    """``at`` itself when open, else the next opening (None: none in :data:`SEARCH_DAYS`)."""
    at = as_utc(at)
    day = to_local(at, team.timezone).date()
    for offset in range(SEARCH_DAYS + 1):
        hours = hours_of(day + dt.timedelta(days=offset), team)
        if hours is None:
            continue
        opens, closes = hours
        if at < closes:
            return max(opens, at)
    return None


def last_open_before(at: dt.datetime, team: TeamSettings) -> DateTime | None:
    """The latest team time at or before ``at`` (a closing time when ``at`` is closed)."""
    at = as_utc(at)
    day = to_local(at, team.timezone).date()
    for offset in range(SEARCH_DAYS + 1):
        hours = hours_of(day - dt.timedelta(days=offset), team)
        if hours is None:
            continue
        opens, closes = hours
        if opens <= at:
            return min(at, closes)
    return None


def due_while_closed(deadline: dt.datetime, team: TeamSettings) -> bool:
    """The team is not there at ``deadline`` (one exactly at closing time is still in hours)."""
    deadline = as_utc(deadline)
    if is_open(deadline, team):
        return False
    hours = hours_of(to_local(deadline, team.timezone).date(), team)
    return hours is None or deadline != hours[1]


class ClosedSpell(Struct, frozen=True):
    """The team is closed at ``at``: since when (None: not within the search), until when
    (None: no opening found), and the bank holiday's name when today is one."""

    at: DateTime
    since: DateTime | None
    reopens: DateTime | None
    holiday: str | None


def closed_spell(at: dt.datetime, team: TeamSettings) -> ClosedSpell | None:
    """None while the team is open; else when it closed and when it reopens."""
    at = as_utc(at)
    if is_open(at, team):
        return None
    today = to_local(at, team.timezone).date()
    return ClosedSpell(
        at=at,
        since=last_open_before(at, team),
        reopens=next_opening(at, team),
        holiday=bank_holiday(today, team),
    )


def due_before(
    items: Iterable[T], deadline: Callable[[T], dt.datetime], until: dt.datetime
) -> list[T]:
    """The items whose deadline falls before ``until`` (overdue ones too), soonest first."""
    until = as_utc(until)
    return sorted((i for i in items if as_utc(deadline(i)) < until), key=deadline)
