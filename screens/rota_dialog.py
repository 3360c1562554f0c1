"""Who is on duty on a date (the handover view: r): a date (today unless changed) and a
multi-pick of the active staff, those already on that day's rota picked. The picks are
named in words under the list, so they read without colour."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from duty_desk import timeutil
from duty_desk.errors import InputErrors
from duty_desk.views import StaffView

from .forms import FormScreen
from .literal import assemble, literal
from .widgets import TextInput


class RotaDialog(FormScreen[bool]):
    """Dismisses with True once saved, None when cancelled."""

    FIELDS = ("staff", "date")  # the list first: it gets the focus
    CONFIRM = "Save rota"
    DEFAULT_CSS = """
    RotaDialog #staff-label { text-style: bold; }
    RotaDialog #field-staff { height: 8; }
    RotaDialog #picked { height: auto; max-height: 3; }
    RotaDialog #error-staff { padding-left: 0; }
    """

    @dataclass
    class Loaded(Message):
        day: dt.date
        staff: tuple[StaffView, ...]
        on_duty: frozenset[int]

    def __init__(self, day: dt.date) -> None:
        super().__init__("Duty rota")
        self.day = day
        self.staff: dict[int, StaffView] = {}

    def compose_intro(self) -> ComposeResult:
        yield Static(
            Text("Who is on duty that day: space picks or drops the highlighted person."),
            id="intro",
        )

    def compose_fields(self) -> ComposeResult:
        yield from self.field(
            "date", "Date", TextInput(value=timeutil.fmt_date(self.day), compact=True)
        )
        yield Label("On duty (space picks):", id="staff-label")
        yield SelectionList[int](id="field-staff", compact=True)
        yield Static(Text("On duty: nobody picked", end=""), id="picked")
        yield Static(id="error-staff", classes="error")

    def on_mount(self) -> None:
        self.query_one("#field-staff", SelectionList).focus()
        self.load(self.day)

    @work(thread=True, exit_on_error=False, group="rota-load", exclusive=True)
    def load(self, day: dt.date) -> None:
        repo = self.app.repo  # type: ignore[attr-defined]
        staff = tuple(repo.list_staff())
        on_duty = frozenset(s.id for s in repo.rota(day))
        self.post_message(self.Loaded(day, staff, on_duty))

    def on_rota_dialog_loaded(self, message: Loaded) -> None:
        self.day = message.day
        self.staff = {s.id: s for s in message.staff}
        picker = self.query_one("#field-staff", SelectionList)
        picker.clear_options()
        picker.add_options(
            [
                Selection(
                    assemble(literal(s.name), " (", literal(s.login), ")"),
                    s.id,
                    s.id in message.on_duty,
                )
                for s in message.staff
            ]
        )
        if message.staff:
            picker.highlighted = 0
        self._show_picked()

    @on(Input.Changed, "#field-date")
    def _date_changed(self, event: Input.Changed) -> None:
        """A different (valid) date: its rota is picked instead."""
        try:
            day = timeutil.parse_date(event.value)
        except timeutil.TimeInputError:
            return
        if day != self.day:
            self.load(day)

    @on(SelectionList.SelectedChanged, "#field-staff")
    def _show_picked(self) -> None:
        chosen = self.query_one("#field-staff", SelectionList).selected
        names = [self.staff[i].name for i in chosen if i in self.staff]
        text = Text(f"On duty ({len(names)}): " if names else "On duty: nobody picked", end="")
        text.append_text(literal(", ".join(names)))
        self.query_one("#picked", Static).update(text)

    def text_of(self, name: str) -> str:
        if name == "staff":
            chosen = self.query_one("#field-staff", SelectionList).selected
            return ",".join(str(staff_id) for staff_id in chosen)
        return super().text_of(name)

    def save_values(self, values: Mapping[str, str]) -> bool:
        try:
            day = timeutil.parse_date(values["date"])
        except timeutil.TimeInputError as exc:
            raise InputErrors({"date": str(exc)}) from None
        staff_ids = [int(part) for part in values["staff"].split(",") if part]
        self.app.repo.set_rota(day, staff_ids)  # type: ignore[attr-defined]
        return True
