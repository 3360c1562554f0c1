"""A short handover note about one referral or client (queue and board: N; handover view: N).

The caller passes ``save(text)``, a blocking repository call run in the form's worker; an
empty, too long or control-character note comes back as ``InputErrors`` under the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from textual.app import ComposeResult
from textual.widgets import Static

from duty_desk.handover_views import MAX_NOTE

from .flag_marker import subject
from .forms import FormScreen
from .literal import assemble
from .widgets import TextInput


class NoteDialog(FormScreen[bool]):
    """Dismisses with True once saved, None when cancelled."""

    FIELDS = ("note",)
    CONFIRM = "Add note"

    def __init__(
        self,
        subject: str,
        save: Callable[[str], object],
        about: str = "About",
        *,
        flags: Sequence[str] = (),
    ) -> None:
        super().__init__("Handover note")
        self.subject = subject
        self.flags = tuple(flags)  # the person's open safeguarding flags' kinds (SG marker)
        self.about = about
        self._save_call = save

    def compose_intro(self) -> ComposeResult:
        yield Static(
            assemble(
                subject(self.about, self.subject, self.flags, self.app.config),  # type: ignore[attr-defined]
                f"\nWhat the next duty worker must know (at most {MAX_NOTE} characters).",
            ),
            id="intro",
        )

    def compose_fields(self) -> ComposeResult:
        yield from self.field(
            "note", "Note", TextInput(placeholder="e.g. call back after 4pm", compact=True)
        )

    def save_values(self, values: Mapping[str, str]) -> bool:
        self._save_call(values["note"])
        return True
