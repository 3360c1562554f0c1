"""DIALOG+, the fourth step: an agreed action on a chosen item: what, who does it (the
person, a member of their network or a staff member: exactly one), and by when (today or
later). Nobody-owns-it and a date in the past are refused in words; what was typed stays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.widgets import Select, Static

from duty_desk.dialog_scale import Item
from duty_desk.errors import InputErrors
from duty_desk.views import NetworkMemberView, StaffView

from . import dialog_words
from .absence_form import read_date
from .forms import FormScreen
from .literal import assemble, literal
from .widgets import TextInput

PERSON = "person"


def owner_choices(
    network: Sequence[NetworkMemberView], staff: Sequence[StaffView]
) -> list[tuple[str, str]]:
    """(label, value) for the owner picker: the person first, then their network, then staff."""
    choices = [("The person themself", PERSON)]
    choices += [(f"{m.name} ({m.relationship or 'network'})", f"network:{m.id}") for m in network]
    choices += [(f"{s.name} (staff)", f"staff:{s.id}") for s in staff if s.active]
    return choices


class ActionForm(FormScreen[int]):
    """Dismisses with the new action's id, None when closed."""

    FIELDS = ("what", "owner", "due_on")
    ALIASES = {"due": "due_on"}
    CONFIRM = "Agree action"

    def __init__(
        self,
        subject: str,
        item: Item,
        topic_id: int,
        network: Sequence[NetworkMemberView],
        staff: Sequence[StaffView],
    ) -> None:
        super().__init__(f"DIALOG+ action: {dialog_words.short_name(item)}")
        self.subject = subject
        self.topic_id = topic_id
        self.choices = owner_choices(network, staff)

    def compose_intro(self) -> ComposeResult:
        yield Static(
            assemble(("Client: ", "bold"), literal(self.subject), "\nWho does what, by when?"),
            id="intro",
        )

    def compose_fields(self) -> ComposeResult:
        yield from self.field("what", "What", TextInput(placeholder="the action", compact=True))
        yield from self.field(
            "owner", "Who", Select(self.choices, prompt="choose who does it", compact=True)
        )
        yield from self.field(
            "due_on", "By when", TextInput(placeholder="fri, 2 weeks, 18/12/2026...", compact=True)
        )

    def save_values(self, values: Mapping[str, str]) -> int:
        tz = self.app.config.team.timezone  # type: ignore[attr-defined]
        errors: dict[str, str] = {}
        due = None
        if values["due_on"].strip():
            try:
                due = read_date(values["due_on"], "due_on", tz)
            except InputErrors as exc:
                errors.update(exc.errors)
        kind, _, ident = values["owner"].partition(":")
        if errors:
            raise InputErrors(errors)
        action_id: int = self.app.repo.add_dialog_action(  # type: ignore[attr-defined]
            self.topic_id,
            values["what"],
            owner=kind or None,
            owner_id=int(ident) if ident else None,
            due_on=due,
        )
        return action_id
