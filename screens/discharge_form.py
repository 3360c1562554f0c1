"""Discharging an episode: transfer to primary care (the usual ending) or another ending,
on a local date, with a reason. The episode leaves the board and stays in history and
exports.

Once the discharge is saved, the Friends and Family Test is offered next (issue 14, fft:
screens/fft_dialog.py, recorded as asked at discharge); escape skips it in one key and
nothing more is recorded."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual import on
from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import Select, Static

from duty_desk.errors import InputErrors
from duty_desk.views import EpisodeView

from . import board_render as render
from .absence_form import read_date
from .flag_marker import subject
from .forms import FormScreen
from .literal import assemble, visible
from .widgets import TextInput


class DischargeForm(FormScreen[bool]):
    """Dismisses with True once saved, None when cancelled."""

    FIELDS = ("kind", "on", "reason")
    ALIASES = {"date": "on", "discharge_kind": "kind", "discharged_at": "on"}
    CONFIRM = "Discharge"

    def __init__(self, episode: EpisodeView, *, offer_fft: bool = True) -> None:
        super().__init__("Discharge: end the episode of care")
        self.episode = episode
        self.offer_fft = offer_fft  # the Friends and Family Test next (issue 14, fft)

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
                *self.consequences(),
            ),
            id="intro",
        )

    def consequences(self) -> list[tuple[str, str]]:
        """What else a discharge does, said before it is done: the meetings still booked
        are cancelled (someone must tell the person and their network), and an open
        safeguarding flag stays open (found by the probe: neither was said)."""
        lines: list[tuple[str, str]] = []
        if self.episode.next_meeting is not None:
            from duty_desk import timeutil

            tz = self.app.config.team.timezone  # type: ignore[attr-defined]
            when = timeutil.fmt_local(self.episode.next_meeting, tz, "day")
            lines.append(
                (
                    f"\nBooked meetings from now are cancelled (the next: {when}): "
                    "tell the person and their network.",
                    "bold",
                )
            )
        if self.episode.safeguarding:
            lines.append(
                ("\nThe open safeguarding flag stays open: close it or hand it on.", "bold")
            )
        return lines

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

    def first_field(self) -> Widget | None:
        """The ending first, as it reads (found by the probe: the form opened on its third
        field, the reason, the only empty one, so the ending was passed over unseen)."""
        return self.query_one("#field-kind", Select)

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

    # -- issue 14 (fft): the Friends and Family Test, offered next ----------------------------
    @on(FormScreen.Saved)
    def _offer_fft(self, message: FormScreen.Saved) -> None:
        """Runs before the base class closes this form (Textual calls a subclass's handler
        first), so the question is opened once this form has gone: over the screen the
        discharge was made from, not under it."""
        if message.result and self.offer_fft:
            self.app.call_later(offer_fft, self.app, self.episode)


def offer_fft(app: App[Any], episode: EpisodeView) -> None:
    """Ask the Friends and Family Test of a client just discharged (escape skips it)."""
    from .fft_dialog import FftDialog

    def recorded(answer_id: int | None) -> None:
        if answer_id is not None:
            app.notify(
                f"Friends and Family Test answer recorded ({visible(episode.name)})",
                markup=False,
            )

    app.push_screen(
        FftDialog(episode.client_id, episode.name, episode.safeguarding, at_discharge=True),
        recorded,
    )
