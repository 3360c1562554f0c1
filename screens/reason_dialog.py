"""A decision with a reason: redirect (with an onward service), decline, or an eligibility override.

The caller passes ``save(choice, reason)``, a blocking call to the
repository run in a worker; a missing reason or service comes back as
``InputErrors`` and is shown under its field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from textual.app import ComposeResult
from textual.widgets import Select, Static

from .flag_marker import subject
from .forms import FormScreen
from .literal import literal
from .widgets import TextInput


class ReasonDialog(FormScreen[bool]):
    """Dismisses with True once saved, None when cancelled."""

    ALIASES = {"override reason": "reason"}

    def __init__(
        self,
        *,
        title: str,
        subject: str,
        save: Callable[[str | None, str], bool],
        reason_label: str = "Reason",
        confirm: str = "Save",
        explanation: Sequence[str] = (),
        choices: Mapping[str, str] | None = None,
        choice_label: str = "Choose",
        flags: Sequence[str] = (),
    ) -> None:
        super().__init__(title)
        self.subject = subject
        self.flags = tuple(flags)  # the person's open safeguarding flags' kinds (SG marker)
        self._save_call = save
        self.reason_label = reason_label
        self.CONFIRM = confirm
        self.explanation = tuple(explanation)
        self.choices = dict(choices) if choices else None
        self.choice_label = choice_label
        self.FIELDS = ("onward", "reason") if self.choices else ("reason",)  # type: ignore[misc]

    def compose_intro(self) -> ComposeResult:
        config = self.app.config  # type: ignore[attr-defined]
        lines = subject("Referral", self.subject, self.flags, config)
        for line in self.explanation:
            lines.append("\n")
            lines.append_text(literal(line))
        yield Static(lines, id="intro")

    def compose_fields(self) -> ComposeResult:
        if self.choices:
            options = [(literal(name), key) for key, name in self.choices.items()]
            yield from self.field(
                "onward", self.choice_label, Select(options, prompt="(choose)", compact=True)
            )
        yield from self.field(
            "reason",
            self.reason_label,
            TextInput(placeholder="recorded with the decision", compact=True),
        )

    def save_values(self, values: Mapping[str, str]) -> bool:
        choice = values.get("onward") if self.choices else None
        return self._save_call(choice, values["reason"])
