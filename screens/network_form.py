"""Add or edit a member of the person's network: family, friends, others they choose to
involve; whether they take part in meetings, and the person's consent to share information
with them (a clear choice of three: yes, no, not asked yet).

Editing (issue 12, network) opens filled with what is saved and sends only the fields that
changed, with the version that was read: a save on a member someone else changed meanwhile
is refused naming who changed what (the form stays open with what was typed). When and by
whom the consent was recorded is never typed: the repository sets it when the answer
changes, and the intro shows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.content import Content
from textual.geometry import Size
from textual.widgets import RadioButton, RadioSet, Static

from duty_desk.views import NetworkMemberView
from duty_desk.vocabulary import CONSENT_CHOICES, Consent

from .flag_marker import subject as subject_words
from .forms import FormScreen
from .network_words import consent_long
from .widgets import TICKED, UNTICKED, TextInput, TickBox

YES, NO = "yes", "no"


class ChoiceButton(RadioButton):
    """One answer of a :class:`Choice`: "(x) label" when chosen, "( ) label" when not (in
    characters, not only colour, like the tick boxes)."""

    def __init__(self, label: str, value: bool, *, key: str) -> None:
        super().__init__(label, value, compact=True)
        self.key = key

    def render(self) -> Content:
        mark = (TICKED if self.value else UNTICKED).replace("[", "(").replace("]", ")")
        return Content.assemble((mark, "bold" if self.value else ""), " ", self.label)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return len(TICKED) + 1 + self.label.cell_length


class Choice(RadioSet):
    """One answer of a few, all shown on one line; left/right move, space or enter choose."""

    DEFAULT_CSS = """
    Choice { layout: horizontal; height: 1; width: 1fr; overflow: hidden hidden; }
    Choice > ChoiceButton { width: auto; margin-right: 2; }
    """

    def __init__(self, choices: Mapping[str, str], value: str, *, id: str | None = None) -> None:
        super().__init__(
            *(ChoiceButton(label, key == value, key=key) for key, label in choices.items()),
            id=id,
            compact=True,
        )

    def on_mount(self) -> None:
        """The cursor starts on the answer that is chosen (not on the first one): after the
        set's own mount handler, which puts it on the first."""
        self.call_later(self.cursor_to_chosen)

    def cursor_to_chosen(self) -> None:
        for _ in range(max(self.pressed_index, 0)):
            self.action_next_button()

    @property
    def value(self) -> str:
        pressed = self.pressed_button
        return pressed.key if isinstance(pressed, ChoiceButton) else ""


class NetworkForm(FormScreen[int]):
    """Dismisses with the member's id (the new one when adding), or None when cancelled."""

    FIELDS = ("name", "relationship", "phone", "takes_part", "consent")

    def __init__(
        self,
        referral_id: int,
        subject: str,
        member: NetworkMemberView | None = None,
        flags: Sequence[str] = (),
    ) -> None:
        self.flags = tuple(flags)  # open safeguarding flags: the SG marker beside the name
        super().__init__("Edit a network member" if member else "Add a network member")
        self.referral_id = referral_id
        self.subject = subject
        self.member = member
        self.CONFIRM = "Save changes" if member else "Add member"

    # -- layout ---------------------------------------------------------------------------
    def compose_intro(self) -> ComposeResult:
        intro = subject_words(
            "Network of",
            self.subject,
            self.flags,
            self.app.config,  # type: ignore[attr-defined]
        )
        if self.member is not None:
            intro.append("\nConsent now: ", style="bold")
            intro.append_text(consent_long(self.member, self.app.config.team.timezone))  # type: ignore[attr-defined]
        yield Static(intro, id="intro")

    def compose_fields(self) -> ComposeResult:
        saved = self.saved()
        yield from self.field("name", "Name", TextInput(saved["name"], compact=True))
        yield from self.field(
            "relationship",
            "Relationship",
            TextInput(
                saved["relationship"], placeholder="e.g. sister, friend, neighbour", compact=True
            ),
        )
        yield from self.field(
            "phone", "Phone", TextInput(saved["phone"], placeholder="optional", compact=True)
        )
        yield from self.field(
            "takes_part",
            "Meetings",
            TickBox("takes part in network meetings", saved["takes_part"] == YES, compact=True),
        )
        yield from self.field(
            "consent", "Consent to share", Choice(CONSENT_CHOICES, saved["consent"])
        )

    def saved(self) -> dict[str, str]:
        """What the form starts with: the member as saved, or a new member's defaults (takes
        part; consent not asked yet, never assumed)."""
        member = self.member
        if member is None:
            return {
                "name": "",
                "relationship": "",
                "phone": "",
                "takes_part": YES,
                "consent": Consent.not_asked.value,
            }
        return {
            "name": member.name,
            "relationship": member.relationship,
            "phone": member.phone,
            "takes_part": YES if member.takes_part else NO,
            "consent": member.consent.value,
        }

    # -- values and saving ------------------------------------------------------------------
    def text_of(self, name: str) -> str:
        if name == "takes_part":
            return YES if self.query_one("#field-takes_part", TickBox).value else NO
        if name == "consent":
            return self.query_one("#field-consent", Choice).value
        return super().text_of(name)

    def save_values(self, values: Mapping[str, str]) -> int:
        repo = self.app.repo  # type: ignore[attr-defined]
        if self.member is None:
            return int(
                repo.add_network_member(
                    self.referral_id,
                    values["name"],
                    values["relationship"],
                    values["phone"],
                    takes_part=values["takes_part"],
                    consent=values["consent"],
                )
            )
        saved = self.saved()
        changes = {key: value for key, value in values.items() if value != saved[key]}
        if changes:
            repo.edit_network_member(self.member.id, changes, expected_version=self.member.version)
        return self.member.id
