"""DIALOG+ for one chosen item: the first three of the four steps, as short texts.

1. Understanding: what works, what doesn't. 2. Looking forward: the best case, the smallest
improvement that would help. 3. Exploring options: what the person, the team and others
could do. The fourth step, agreeing on actions, is the action form that follows
(``screens/dialog_action.py``). Saved with the version read: a stale save is refused
naming who changed what, and what was typed stays.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.widgets import Static

from duty_desk.dialog_scale import Item
from duty_desk.dialog_views import TopicView

from . import dialog_words
from .forms import FormScreen
from .literal import assemble, literal
from .widgets import NotesArea

STEPS = (
    ("understanding", "1 Understand", "what works, what doesn't"),
    ("looking_forward", "2 Look ahead", "the best case; the smallest improvement that would help"),
    ("options", "3 Options", "what the person, the team and others could do"),
)


class StepsForm(FormScreen[bool]):
    """Dismisses with True once saved, None when closed."""

    FIELDS = tuple(name for name, _, _ in STEPS)
    CONFIRM = "Save, then actions"
    DEFAULT_CSS = """
    StepsForm NotesArea { height: 4; }
    """

    def __init__(self, subject: str, item: Item, topic: TopicView) -> None:
        super().__init__(f"DIALOG+: {dialog_words.short_name(item)}")
        self.subject = subject
        self.item = item
        self.topic = topic

    def compose_intro(self) -> ComposeResult:
        yield Static(
            assemble(("Client: ", "bold"), literal(self.subject), "\n", self.item.question),
            id="intro",
        )

    def compose_fields(self) -> ComposeResult:
        for name, label, hint in STEPS:
            area = NotesArea(getattr(self.topic, name), compact=True)
            area.border_subtitle = hint
            yield from self.field(name, label, area)

    def save_values(self, values: Mapping[str, str]) -> bool:
        self.app.repo.save_dialog_steps(  # type: ignore[attr-defined]
            self.topic.id,
            understanding=values["understanding"],
            looking_forward=values["looking_forward"],
            options=values["options"],
            expected_version=self.topic.version,
        )
        return True
