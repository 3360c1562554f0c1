"""Remove a member from the person's network, with a reason (issue 12, network).

The confirmation says what removal means: the member stays in the history and in past
meetings' attendance, and is no longer offered for new meetings. The reason is required;
the save carries the version that was read, so a member changed meanwhile is refused
naming who changed what.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.widgets import Static

from duty_desk.views import NetworkMemberView

from .forms import FormScreen
from .literal import assemble, literal
from .network_words import consent_long
from .widgets import TextInput


class RemoveNetworkMember(FormScreen[bool]):
    """Dismisses with True once removed, None when cancelled."""

    FIELDS = ("reason",)
    CONFIRM = "Remove"

    def __init__(self, subject: str, member: NetworkMemberView) -> None:
        super().__init__("Remove from the network")
        self.subject = subject
        self.member = member

    def compose_intro(self) -> ComposeResult:
        member = self.member
        intro = assemble(("Network of: ", "bold"), literal(self.subject))
        intro.append("\nRemove: ", style="bold")
        intro.append_text(literal(member.name))
        if member.relationship:
            intro.append_text(assemble(" (", literal(member.relationship), ")"))
        intro.append("\nConsent: ", style="bold")
        intro.append_text(consent_long(member, self.app.config.team.timezone))  # type: ignore[attr-defined]
        intro.append(
            "\nThey stay in the history and in past meetings' attendance; they are not "
            "offered for new meetings."
        )
        yield Static(intro, id="intro")

    def compose_fields(self) -> ComposeResult:
        yield from self.field(
            "reason",
            "Reason",
            TextInput(placeholder="why, in a few words (kept in the history)", compact=True),
        )

    def save_values(self, values: Mapping[str, str]) -> bool:
        self.app.repo.remove_network_member(  # type: ignore[attr-defined]
            self.member.id, values["reason"], expected_version=self.member.version
        )
        return True
