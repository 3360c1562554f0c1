"""Add a member of the person's network: family, friends, others they choose to involve."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.widgets import Static

from .forms import FormScreen
from .literal import assemble, literal
from .widgets import TextInput


class NetworkForm(FormScreen[int]):
    """Dismisses with the new member's id, or None when cancelled."""

    FIELDS = ("name", "relationship", "phone")
    CONFIRM = "Add member"

    def __init__(self, referral_id: int, subject: str) -> None:
        super().__init__("Add a network member")
        self.referral_id = referral_id
        self.subject = subject

    def compose_intro(self) -> ComposeResult:
        yield Static(assemble(("Network of: ", "bold"), literal(self.subject)), id="intro")

    def compose_fields(self) -> ComposeResult:
        yield from self.field("name", "Name", TextInput(compact=True))
        yield from self.field(
            "relationship",
            "Relationship",
            TextInput(placeholder="e.g. sister, friend, neighbour", compact=True),
        )
        yield from self.field("phone", "Phone", TextInput(placeholder="optional", compact=True))

    def save_values(self, values: Mapping[str, str]) -> int:
        return self.app.repo.add_network_member(  # type: ignore[attr-defined]
            self.referral_id, values["name"], values["relationship"], values["phone"]
        )
