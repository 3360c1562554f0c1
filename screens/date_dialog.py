"""Go to a date on the day view: typed like a booking's day (thu, tomorrow, 28/11, +2d)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from textual.app import ComposeResult
from textual.widgets import Static

from duty_desk.errors import InputErrors

from .forms import FormScreen
from .widgets import TextInput

FORMS = "today, tomorrow, thu, next week tue, +2d, 28/11, 28/11/2026 or 2026-11-28"


def read_day(text: str, tz: str) -> dt.date:
    """A typed day with the booking parser (a time may be typed too; it is ignored)."""
    from duty_desk import timeutil
    from duty_desk.timeparse import parse_when

    raw = text.strip()
    if not raw:
        raise InputErrors({"day": f"Type a day, like {FORMS}."})
    try:
        return timeutil.parse_date(raw)
    except timeutil.TimeInputError:
        pass
    try:  # a day alone: read it as the last minute of that day, so "thu" is the coming one
        return parse_when(f"{raw} 23:59", tz=tz).local.date()
    except InputErrors:
        pass
    try:
        return parse_when(raw, tz=tz).local.date()
    except InputErrors:
        raise InputErrors(
            {"day": f"Cannot read {raw[:40]!r} as a day: type it like {FORMS}."}
        ) from None


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
