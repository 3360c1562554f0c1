"""The add-referral form: every field of a referral, checked by the core, errors inline.

The GP practice list follows the chosen area. Saving calls
``Repository.add_referral`` with the strings as typed; ``InputErrors``
shows each message under its field and keeps everything typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Select

from duty_desk import timeutil
from duty_desk.validation import REFERRAL_FIELDS

from .forms import FormScreen
from .literal import literal
from .widgets import NotesArea, TextInput


def _hours(hours: float | None) -> str:
    if hours is None:
        return "team target"
    if hours == 0:
        return "now"
    return f"{hours:g} h"


class ReferralForm(FormScreen[int]):
    """A new referral. Dismisses with the new referral's id, or None when cancelled."""

    FIELDS = REFERRAL_FIELDS
    CONFIRM = "Add referral"

    def __init__(self) -> None:
        super().__init__("Add a referral")

    def compose_fields(self) -> ComposeResult:
        config: Any = self.app.config  # type: ignore[attr-defined]
        tz = config.team.timezone
        now = timeutil.to_local(timeutil.now(), tz).format("DD/MM/YYYY HH:mm")
        areas = [(literal(area.name), key) for key, area in config.areas.items()]
        sources = [
            (literal(f"{source.name}{'' if source.eligible else ' (not a POD route)'}"), key)
            for key, source in config.sources.items()
        ]
        urgencies = [
            (literal(f"{code} {level.name} ({_hours(level.respond_within_hours)})"), code)
            for code, level in config.urgency.items()
        ]
        yield from self.field(
            "received_at",
            "Received at",
            TextInput(value=now, placeholder="DD/MM/YYYY HH:MM, team time", compact=True),
        )
        yield from self.field(
            "name", "Name", TextInput(placeholder="as the person gives it", compact=True)
        )
        yield from self.field(
            "date_of_birth", "Date of birth", TextInput(placeholder="DD/MM/YYYY", compact=True)
        )
        yield from self.field(
            "nhs_number",
            "NHS number",
            TextInput(placeholder="10 digits; may be left blank in a crisis", compact=True),
        )
        yield from self.field("phone", "Phone", TextInput(placeholder="optional", compact=True))
        yield from self.field(
            "area", "Area", Select(areas, prompt="(choose the area)", compact=True)
        )
        yield from self.field(
            "gp_practice", "GP practice", Select([], prompt="(choose the area first)", compact=True)
        )
        yield from self.field(
            "source", "Source", Select(sources, prompt="(choose the source)", compact=True)
        )
        yield from self.field(
            "urgency", "Urgency", Select(urgencies, prompt="(choose A to G)", compact=True)
        )
        yield from self.field(
            "reason", "Reason", TextInput(placeholder="why they were referred", compact=True)
        )
        yield from self.field("notes", "Notes", NotesArea(compact=True))

    @on(Select.Changed, "#field-area")
    def _area_changed(self, event: Select.Changed) -> None:
        """The GP practice list follows the area."""
        config: Any = self.app.config  # type: ignore[attr-defined]
        practices = self.query_one("#field-gp_practice", Select)
        area = config.areas.get(event.value) if isinstance(event.value, str) else None
        if area is None:
            practices.set_options([])
            practices.prompt = "(choose the area first)"
            return
        practices.set_options([(literal(name), name) for name in area.gp_practices])
        practices.prompt = "(choose the GP practice)"
        if len(area.gp_practices) == 1:
            practices.value = area.gp_practices[0]

    def save_values(self, values: Mapping[str, str]) -> int:
        return self.app.repo.add_referral(dict(values))  # type: ignore[attr-defined]
