"""The team report's from-to dialog (``f`` on the report screen): two dates typed as
DD/MM/YYYY or YYYY-MM-DD (``today`` works too); a bad date, or an end before the start,
is told under its field and what was typed stays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from textual.app import ComposeResult
from textual.widgets import Static

from duty_desk.errors import InputErrors
from duty_desk.team_report import Period

from .forms import FormScreen
from .widgets import TextInput

FORMS = "DD/MM/YYYY or YYYY-MM-DD (or today)"


def read_date(text: str, field: str, today: dt.date) -> dt.date:
    from duty_desk import timeutil

    raw = text.strip()
    if not raw:
        raise InputErrors({field: f"Type a date: {FORMS}."})
    if raw.lower() == "today":
        return today
    try:
        return timeutil.parse_date(raw)
    except timeutil.TimeInputError as exc:
        raise InputErrors({field: str(exc)}) from None


class PeriodDialog(FormScreen[Period]):
    """Dismisses with the period from-to, or None when cancelled."""

    FIELDS = ("start", "end")
    CONFIRM = "Show"

    def __init__(self, current: Period) -> None:
        super().__init__("Team report: from - to")
        self.current = current

    def compose_intro(self) -> ComposeResult:
        yield Static(f"The first and the last day, both included: {FORMS}.", id="intro")

    def compose_fields(self) -> ComposeResult:
        yield from self.field(
            "start",
            "From",
            TextInput(
                self.current.start.strftime("%d/%m/%Y"), placeholder="DD/MM/YYYY", compact=True
            ),
        )
        yield from self.field(
            "end",
            "To",
            TextInput(
                self.current.end.strftime("%d/%m/%Y"), placeholder="DD/MM/YYYY", compact=True
            ),
        )

    def save_values(self, values: Mapping[str, str]) -> Period:
        from duty_desk import timeutil

        tz = self.app.config.team.timezone  # type: ignore[attr-defined]
        today = timeutil.to_local(timeutil.now(), tz).date()
        errors: dict[str, str] = {}
        found: dict[str, dt.date] = {}
        for name in self.FIELDS:
            try:
                found[name] = read_date(values[name], name, today)
            except InputErrors as exc:
                errors.update(exc.errors)
        if not errors and found["end"] < found["start"]:
            errors["end"] = "The last day is before the first: swap them, or change one."
        if errors:
            raise InputErrors(errors)
        return Period(found["start"], found["end"])
