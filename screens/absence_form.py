"""Recording a staff absence: who, from, to (local dates, inclusive), optionally the
hours of a part day (from a time on the first day, until a time on the last), kind, and
a note.

Dates are typed like the day view's (``today``, ``mon``, ``28/11``,
``2026-11-28``); times as ``13:00``, ``1330`` or ``9``, blank for whole days. Saving
returns the new absence's id; the board then opens the worklist of every meeting it
affects (``screens.absence_impact``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.widgets import Select, Static

from duty_desk.errors import InputErrors
from duty_desk.validation import parse_clock, validate_absence_times
from duty_desk.views import StaffView

from . import board_render as render
from .date_dialog import read_day
from .forms import FormScreen
from .literal import assemble, literal
from .widgets import TextInput

DATE_FORMS = "today, mon, 28/11 or 2026-11-28"


def read_date(text: str, field: str, tz: str, *, past: bool = False) -> dt.date:
    """A typed local date, its error under ``field`` (``past``: see ``read_day``)."""
    try:
        return read_day(text, tz, past=past)
    except InputErrors as exc:
        raise InputErrors({field: exc.errors.get("day", str(exc))}) from None


class AbsenceForm(FormScreen[int]):
    """Dismisses with the new absence's id, None when cancelled."""

    FIELDS = ("staff", "starts_on", "starts_time", "ends_on", "ends_time", "kind", "note")
    ALIASES = {
        "staff_id": "staff",
        "from": "starts_on",
        "to": "ends_on",
        "start": "starts_on",
        "end": "ends_on",
    }
    CONFIRM = "Record absence"

    def __init__(
        self, staff: Sequence[StaffView], tags: Mapping[int, str], chosen: int | None = None
    ) -> None:
        super().__init__("Record a staff absence")
        self.staff = sorted(staff, key=lambda s: s.name.casefold())
        self.tags = dict(tags)
        self.chosen = chosen

    def compose_intro(self) -> ComposeResult:
        yield Static(
            f"Days inclusive: {DATE_FORMS}. Times (13:00) make a part day; blank: whole days.",
            id="intro",
        )

    def compose_fields(self) -> ComposeResult:
        options = [
            (assemble(literal(self.tags.get(s.id, "?"), "bold"), " ", literal(s.name)), str(s.id))
            for s in self.staff
        ]
        picker = Select(options, prompt="(choose; type to search)", compact=True)
        if self.chosen is not None and any(s.id == self.chosen for s in self.staff):
            picker.value = str(self.chosen)
        yield from self.field("staff", "Staff member", picker)
        yield from self.field(
            "starts_on", "From", TextInput(placeholder="e.g. today or 30/11", compact=True)
        )
        yield from self.field(
            "starts_time",
            "From time",
            TextInput(placeholder="blank: the whole first day; e.g. 13:00", compact=True),
        )
        yield from self.field(
            "ends_on", "To (inclusive)", TextInput(placeholder="e.g. fri or 04/12", compact=True)
        )
        yield from self.field(
            "ends_time",
            "Until time",
            TextInput(placeholder="blank: the whole last day; e.g. 12:30", compact=True),
        )
        kinds = [(label, key) for key, label in render.ABSENCE_KINDS.items()]
        yield from self.field(
            "kind", "Kind", Select(kinds, value="leave", allow_blank=False, compact=True)
        )
        yield from self.field("note", "Note", TextInput(placeholder="optional", compact=True))

    def on_mount(self) -> None:
        first = "starts_on" if self.chosen is not None else "staff"
        self.query_one(f"#field-{first}").focus()

    def save_values(self, values: Mapping[str, str]) -> int:
        tz = self.app.config.team.timezone  # type: ignore[attr-defined]
        errors: dict[str, str] = {}
        if not values["staff"]:
            errors["staff"] = "Choose who is away."
        dates: dict[str, dt.date] = {}
        for name in ("starts_on", "ends_on"):
            try:
                dates[name] = read_date(values[name], name, tz)
            except InputErrors as exc:
                errors.update(exc.errors)
        if len(dates) == 2 and dates["ends_on"] < dates["starts_on"]:
            errors["ends_on"] = "The last day cannot be before the first."
        times: dict[str, dt.time | None] = {}
        for name in ("starts_time", "ends_time"):
            try:
                times[name] = parse_clock(values[name], name, end=name == "ends_time")
            except InputErrors as exc:
                errors.update(exc.errors)
        if not errors:
            try:
                validate_absence_times(
                    dates["starts_on"], dates["ends_on"], times["starts_time"], times["ends_time"]
                )
            except InputErrors as exc:
                errors.update(exc.errors)
        if errors:
            raise InputErrors(errors)
        repo = self.app.repo  # type: ignore[attr-defined]
        return repo.record_absence(
            int(values["staff"]),
            dates["starts_on"],
            dates["ends_on"],
            values["kind"] or "leave",
            values["note"].strip(),
            starts_time=times["starts_time"],
            ends_time=times["ends_time"],
        )
