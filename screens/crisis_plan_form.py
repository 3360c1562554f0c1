"""The crisis and contingency plan of one client, written with them (record, section c: p).

Five multi-line parts (early signs, what helps, what to avoid, who to contact in team hours
and out of hours) and a review date; the fields scroll inside the form at 80x24. A new plan
is offered the settings' out-of-hours service and contact (``[handover]``) and a review
date ``[record] crisis_plan_review_weeks`` ahead. Saving goes through the repository in the
form's worker with the version that was opened: a plan changed by someone else meanwhile is
refused naming who changed what, and what was typed stays in the form. Bad input (an empty
plan, a part too long, control characters, a review date that has passed or is impossible)
comes back under its field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from duty_desk import crisis, timeutil
from duty_desk.config import Config
from duty_desk.views import CrisisPlanView, RiskSummaryView

from .absence_form import read_date
from .flag_marker import subject
from .forms import FormScreen
from .literal import assemble
from .widgets import NotesArea, TextInput

_HINTS = {
    "early_signs": "what the person and their network notice first",
    "what_helps": "what they have found helps, in their words",
    "what_to_avoid": "what makes things worse",
    "contact_in_hours": "who to call while the team is open",
    "contact_out_of_hours": "who to call when the team is closed",
}


def last_changed(saved: CrisisPlanView | RiskSummaryView | None, tz: str, what: str) -> Text:
    """The line under a form's title: who wrote it first and who changed it last (when)."""
    if saved is None:
        return Text(f"No {what} yet: this writes the first one.")
    made = timeutil.fmt_local(saved.created_at, tz, "day")
    text = Text(f"Written by {saved.created_by} at {made}")
    if saved.version > 1:
        changed = timeutil.fmt_local(saved.updated_at, tz, "day")
        text.append(f"; last changed by {saved.updated_by} at {changed} (version {saved.version})")
    text.append(".")
    return text


def review_text(day: dt.date | None) -> str:
    return timeutil.fmt_date(day) if day is not None else ""


def review_field(
    form: FormScreen[Any], saved: dt.date | None, config: Config, weeks: int
) -> Iterator[Widget]:
    """The "Review by" field of the crisis plan and the risk summary: the date saved, or
    ``weeks`` from today for a first one."""
    today = timeutil.to_local(timeutil.now(), config.team.timezone).date()
    review = saved if saved is not None else crisis.default_review(today, weeks)
    return form.field(
        "review_on",
        "Review by",
        TextInput(review_text(review), placeholder="e.g. 19/01/2027", compact=True),
    )


def read_review(text: str, tz: str) -> dt.date | None:
    """The typed review date (19/01/2027, fri, +10d...; None when blank, which the
    repository refuses by name), its error under ``review_on``."""
    return read_date(text, "review_on", tz) if text.strip() else None


class CrisisPlanForm(FormScreen[CrisisPlanView]):
    """Dismisses with the saved plan, None when cancelled."""

    FIELDS = (*crisis.PLAN_FIELDS, "review_on")
    CONFIRM = "Save plan"

    def __init__(
        self,
        client_id: int,
        client_name: str,
        plan: CrisisPlanView | None,
        flags: Sequence[str] = (),
    ) -> None:
        super().__init__("Crisis and contingency plan")
        self.flags = tuple(flags)  # open safeguarding flags: the SG marker beside the name
        self.client_id = client_id
        self.client_name = client_name
        self.plan = plan

    @property
    def _config(self) -> Config:
        config = self.app.config  # type: ignore[attr-defined]
        assert isinstance(config, Config)
        return config

    def compose_intro(self) -> ComposeResult:
        tz = self._config.team.timezone
        yield Static(
            assemble(
                subject(
                    "Client",
                    self.client_name,
                    self.flags,
                    self.app.config,  # type: ignore[attr-defined]
                ),
                "  written with them, in their words.\n",
                last_changed(self.plan, tz, "crisis plan"),
            ),
            id="intro",
        )

    def compose_fields(self) -> ComposeResult:
        config = self._config
        plan = self.plan
        for name in crisis.PLAN_FIELDS:
            if plan is not None:
                value = plan.part(name)
            elif name == "contact_out_of_hours":
                value = crisis.default_out_of_hours(config)
            else:
                value = ""
            area = NotesArea(value, compact=True, soft_wrap=True, tooltip=_HINTS[name])
            yield from self.field(name, crisis.PLAN_LABELS[name], area)
        yield from review_field(
            self, plan.review_on if plan else None, config, config.record.crisis_plan_review_weeks
        )

    def save_values(self, values: Mapping[str, str]) -> CrisisPlanView:
        tz = self._config.team.timezone
        review = read_review(values["review_on"], tz)
        repo = self.app.repo  # type: ignore[attr-defined]
        saved = repo.save_crisis_plan(
            self.client_id,
            {name: values[name] for name in crisis.PLAN_FIELDS},
            review,
            expected_version=self.plan.version if self.plan is not None else None,
        )
        assert isinstance(saved, CrisisPlanView)
        return saved
