"""Discharging an episode: transfer to primary care (the usual ending) or another ending,
on a local date, with a reason. The episode leaves the board and stays in history and
exports."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.widgets import Select, Static

from duty_desk.errors import InputErrors
from duty_desk.views import EpisodeView

from . import board_render as render
from .absence_form import read_date
from .flag_marker import subject
from .forms import FormScreen
from .literal import assemble
from .widgets import TextInput


class DischargeForm(FormScreen[bool]):
    """Dismisses with True once saved, None when cancelled."""

    FIELDS = ("kind", "on", "reason")
    ALIASES = {"date": "on", "discharge_kind": "kind", "discharged_at": "on"}
    CONFIRM = "Discharge"

    def __init__(self, episode: EpisodeView) -> None:
        super().__init__("Discharge: end the episode of care")
        self.episode = episode

    def compose_intro(self) -> ComposeResult:
        yield Static(
            assemble(
                subject(
                    "Client",
                    self.episode.name,
                    self.episode.safeguarding,
                    self.app.config,  # type: ignore[attr-defined]
                ),
                "\nIt leaves the board; the history and reports keep it.",
            ),
            id="intro",
        )

    def compose_fields(self) -> ComposeResult:
        kinds = [(label, key) for key, label in render.DISCHARGE_KINDS.items()]
        yield from self.field(
            "kind", "Ending", Select(kinds, value="primary_care", allow_blank=False, compact=True)
        )
        yield from self.field(
            "on", "Date", TextInput(value="today", placeholder="today, fri, 28/11", compact=True)
        )
        yield from self.field(
            "reason", "Reason", TextInput(placeholder="recorded with the discharge", compact=True)
        )

    def save_values(self, values: Mapping[str, str]) -> bool:
        from duty_desk.validation import validate_reason

        tz = self.app.config.team.timezone  # type: ignore[attr-defined]
        errors: dict[str, str] = {}
        try:
            on = read_date(values["on"], "on", tz)
        except InputErrors as exc:
            errors.update(exc.errors)
        try:
            reason = validate_reason(values["reason"], "reason")
        except InputErrors as exc:
            errors.update(exc.errors)
        if errors:
            raise InputErrors(errors)
        repo = self.app.repo  # type: ignore[attr-defined]
        repo.discharge(
            self.episode.client_id,
            values["kind"] or "primary_care",
            on,
            reason,
            expected_version=self.episode.version,
        )
        return True
