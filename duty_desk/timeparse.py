"""Reading the time a person types when booking a meeting, and saying a slot in words.

A small, predictable grammar, day-first as in the UK, read in the team's zone:

    [DAY] TIME          or an ISO 8601 date and time (with or without offset)

DAY (optional; none means today):
    today | tomorrow
    mon..sun (or the full name)   the next such day: today if today is that day and the
                                  time is still ahead (at or after now), else in 7 days
    next week mon..sun            that day in next week (weeks run Monday to Sunday)
    +Nd | +Nw                     N days / N weeks from today (calendar days: the wall-clock
                                  time is kept across a clock change)
    DD/MM                         the next such date: this year, or next year if it has passed
    DD/MM/YYYY                    exactly that date
TIME (required):
    14 | 14:30 | 9.30 | 2pm | 2:30pm | 2.30 pm | noon | midday

The day must lie inside the meeting window (:func:`duty_desk.timeutil.meeting_window`:
10 years back to 5 years ahead); a day outside it is refused with one sentence.

An optional "at" may stand between DAY and TIME ("tomorrow at 10"). Case and extra
spaces do not matter. Nothing else is guessed: "next tue", "10am tomorrow" and
"1430" are refused with one sentence listing what is understood.

A wall-clock time that the clock change skips (01:30 on the March change day) or
repeats (01:30 on the October change day) is refused by
:func:`duty_desk.timeutil.local_to_utc`; an ISO time with an offset says which one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pendulum import DateTime

from . import timeutil
from .errors import DutyDeskError, InputErrors

FORMS = (
    "14:30, 2pm, tomorrow 10, thu 9:30, +2d 11, next week tue 10, "
    "28/11 15:00, 28/11/2026 15:00 or 2026-11-28T15:00"
)
FIELD = "when"

_WEEKDAYS = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "weds": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
_WEEKDAY = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_DAY = re.compile(
    rf"^(?:(?P<today>today)|(?P<tomorrow>tomorrow)"
    rf"|(?P<nextweek>next\s+week\s+)?(?P<weekday>{_WEEKDAY})"
    r"|\+(?P<plus>\d{1,3})\s*(?P<unit>d|w)"
    r"|(?P<dd>\d{1,2})/(?P<mm>\d{1,2})(?:/(?P<yyyy>\d{4}))?)$"
)
_TIME = re.compile(
    r"^(?:(?P<noon>noon|midday)"
    r"|(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>am|pm)?)$"
)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}")
_SPLIT = re.compile(
    rf"^(?P<day>(?:next\s+week\s+)?(?:{_WEEKDAY})|today|tomorrow|\+\d{{1,3}}\s*[dw]"
    r"|\d{1,2}/\d{1,2}(?:/\d{4})?)(?:\s+at)?\s+(?P<time>.+)$"
)
MAX_SHOWN = 40  # characters of the typed text repeated in a message


class WhenError(InputErrors):
    """Typed time that cannot be used: ``errors["when"]`` and ``str()`` are the same sentence."""

    def __init__(self, message: str) -> None:
        self.errors = {FIELD: message}
        DutyDeskError.__init__(self, message)


class WhenOutOfRange(WhenError):
    """A real day, but outside the dates duty-desk takes or the meeting window."""


@dataclass(frozen=True)
class ParsedWhen:
    """A typed time, read: ``start`` is aware UTC; ``local`` the same instant in the team zone."""

    start: DateTime
    local: DateTime
    text: str  # what was typed, trimmed

    def describe(self, minutes: int, tz: str) -> str:
        return describe_slot(self.start, self.start.add(minutes=minutes), tz)


def _unreadable(text: str) -> WhenError:
    shown = text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."
    return WhenError(f"Cannot read {shown!r} as a time: type it like {FORMS}")


def _time_of_day(text: str) -> dt.time | None:
    match = _TIME.match(text)
    if match is None:
        return None
    if match["noon"]:
        return dt.time(12, 0)
    hour, minute = int(match["h"]), int(match["m"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ampm"] == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _day(text: str, today: dt.date, at: dt.time, now_local: dt.datetime) -> dt.date | None:
    match = _DAY.match(text)
    if match is None:
        return None
    if match["today"]:
        return today
    if match["tomorrow"]:
        return today + dt.timedelta(days=1)
    if match["weekday"]:
        wanted = _WEEKDAYS[match["weekday"]]
        if match["nextweek"]:
            monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)
            return monday + dt.timedelta(days=wanted)
        ahead = (wanted - today.weekday()) % 7
        if ahead == 0 and dt.datetime.combine(today, at) < now_local:
            ahead = 7  # that time today has gone: the same day next week
        return today + dt.timedelta(days=ahead)
    if match["plus"]:
        count = int(match["plus"])
        return today + dt.timedelta(days=count * (7 if match["unit"] == "w" else 1))
    day, month = int(match["dd"]), int(match["mm"])
    if match["yyyy"]:
        return dt.date(int(match["yyyy"]), month, day)  # ValueError when not a real date
    try:
        this_year = dt.date(today.year, month, day)
    except ValueError:
        this_year = None  # 29/02 in a common year: look at the years after
    if this_year is not None and this_year >= today:
        return this_year
    for year in range(today.year + 1, today.year + 9):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise ValueError("no such date")


def parse_when(text: str, *, now: dt.datetime | None = None, tz: str) -> ParsedWhen:
    """Read a typed time (see the module docstring) relative to ``now`` in zone ``tz``.

    Raises :class:`WhenError` (an ``InputErrors`` for the field ``when``) with one sentence.
    """
    raw = (text or "").strip()
    lowered = " ".join(raw.lower().split())
    if not lowered:
        raise WhenError(f"Type a time for the meeting, like {FORMS}")
    instant = timeutil.as_utc(now) if now is not None else timeutil.now()
    now_local = timeutil.to_local(instant, tz).naive()
    try:
        if _ISO.match(lowered):
            start = timeutil.parse_datetime(lowered.upper(), tz)
        else:
            split = _SPLIT.match(lowered)
            day_text, time_text = (split["day"], split["time"]) if split else ("today", lowered)
            at = _time_of_day(time_text)
            if at is None:
                raise _unreadable(raw)
            try:
                day = _day(day_text, now_local.date(), at, now_local)
            except ValueError:
                raise WhenError(f"{day_text} is not a real date") from None
            if day is None:  # pragma: no cover - _SPLIT only lets known day forms through
                raise _unreadable(raw)
            too_far = timeutil.meeting_day_problem(day, now_local.date())
            if too_far:
                raise WhenOutOfRange(too_far)
            start = timeutil.local_to_utc(dt.datetime.combine(day, at), tz)
    except timeutil.DateOutOfRange as exc:
        raise WhenOutOfRange(str(exc)) from None
    except timeutil.TimeInputError as exc:
        message = str(exc)
        if "does not exist" in message or "happens twice" in message:
            raise WhenError(message) from None
        raise _unreadable(raw) from None
    except OverflowError:
        raise _unreadable(raw) from None
    local = timeutil.to_local(start, tz)
    too_far = timeutil.meeting_day_problem(local, now_local.date())
    if too_far:
        raise WhenOutOfRange(too_far)
    return ParsedWhen(start=start, local=local, text=raw)


def describe_slot(start_utc: dt.datetime, end_utc: dt.datetime, tz: str) -> str:
    """``Thursday 26 November, 09:30-10:30`` in the team's zone.

    The year is added when it is not this year; an end on a later local day is
    given in full (``Thursday 26 November, 23:30 to Friday 27 November, 00:30``).
    """
    start = timeutil.to_local(start_utc, tz)
    end = timeutil.to_local(end_utc, tz)
    this_year = timeutil.to_local(timeutil.now(), tz).year

    def day(value: DateTime) -> str:
        text = f"{value.format('dddd')} {value.day} {value.format('MMMM')}"
        return text if value.year == this_year else f"{text} {value.year}"

    if end.date() == start.date():
        return f"{day(start)}, {start.format('HH:mm')}-{end.format('HH:mm')}"
    return f"{day(start)}, {start.format('HH:mm')} to {day(end)}, {end.format('HH:mm')}"
