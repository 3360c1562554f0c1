"""Go to a date on the day view: typed like a booking's day (thu, tomorrow, 28/11, +2d)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from textual.app import ComposeResult
from textual.widgets import Static

from duty_desk.errors import InputErrors

from .forms import FormScreen
from .widgets import TextInput

FORMS = "today, tomorrow, thu, next week tue, +2d, 28/11, 28/11/2026 or 2026-11-28"


WEEKDAY_WORDS = frozenset(
    name
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    for name in (day, day[:3])
)


def read_day(text: str, tz: str, field: str = "day", *, past: bool = False) -> dt.date:
    """A typed day with the booking parser (a time may be typed too; it is ignored).

    The day must lie in the meeting window (``duty_desk.timeutil.meeting_window``); a day
    outside it, or outside the dates duty-desk takes at all, is refused under ``field``.
    ``past``: a day that has happened (an admission): a weekday or a day and month without
    a year means the last such day, not the next."""
    from duty_desk import timeutil
    from duty_desk.timeparse import WhenOutOfRange, parse_when

    raw = text.strip()
    if not raw:
        raise InputErrors({field: f"Type a day, like {FORMS}."})
    day: dt.date | None = None
    try:
        day = timeutil.parse_date(raw)
    except timeutil.DateOutOfRange as exc:
        raise InputErrors({field: str(exc)}) from None
    except timeutil.TimeInputError:
        pass
    for typed in (f"{raw} 23:59", raw):  # a day alone: its last minute, so "thu" is the coming one
        if day is not None:
            break
        try:
            day = parse_when(typed, tz=tz).local.date()
        except WhenOutOfRange as exc:
            raise InputErrors({field: str(exc)}) from None
        except InputErrors:
            pass
    if day is None:
        raise InputErrors({field: f"Cannot read {raw[:40]!r} as a day: type it like {FORMS}."})
    today = timeutil.to_local(timeutil.now(), tz).date()
    if past and day > today:
        if re.fullmatch(r"\d{1,2}\s*/\s*\d{1,2}", raw):
            try:
                day = day.replace(year=day.year - 1)
            except ValueError:  # 29/02 of a leap year: a year back there is none
                pass
        elif raw.lower() in WEEKDAY_WORDS:
            day -= dt.timedelta(days=7)
    too_far = timeutil.meeting_day_problem(day, today)
    if too_far:
        raise InputErrors({field: too_far})
    return day


class DateDialog(FormScreen[dt.date]):
    """Dismisses with the local date, or None when cancelled."""

    FIELDS = ("day",)
    CONFIRM = "Go"

    def __init__(self) -> None:
        super().__init__("Go to a date")

    def compose_intro(self) -> ComposeResult:
        yield Static(f"Like {FORMS}.", id="intro")

    def compose_fields(self) -> ComposeResult:
        yield from self.field(
            "day", "Day", TextInput(placeholder="e.g. thu or 28/11", compact=True)
        )

    def save_values(self, values: Mapping[str, str]) -> dt.date:
        return read_day(values["day"], self.app.config.team.timezone)  # type: ignore[attr-defined]
