"""The risk summary of one client and its review date (record, section c: k).

One multi-line summary and a review date (a new one is offered ``[record]
risk_review_weeks`` ahead). Saved with the version that was opened, as the crisis plan is
(``screens/crisis_plan_form.py``): a stale save is refused naming who changed what, and
what was typed stays in the form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.widgets import Static

from duty_desk import crisis
from duty_desk.config import Config
from duty_desk.views import RiskSummaryView

from .crisis_plan_form import last_changed, read_review, review_field
from .flag_marker import subject
from .forms import FormScreen
from .literal import assemble
from .widgets import NotesArea


class RiskForm(FormScreen[RiskSummaryView]):
    """Dismisses with the saved summary, None when cancelled."""

    FIELDS = ("summary", "review_on")
    CONFIRM = "Save summary"

    def __init__(
        self,
        client_id: int,
        client_name: str,
        risk: RiskSummaryView | None,
        flags: Sequence[str] = (),
    ) -> None:
        self.flags = tuple(flags)  # open safeguarding flags: the SG marker beside the name
        super().__init__("Risk summary")
        self.client_id = client_id
        self.client_name = client_name
        self.risk = risk

    @property
    def _config(self) -> Config:
        config = self.app.config  # type: ignore[attr-defined]
        assert isinstance(config, Config)
        return config

    def compose_intro(self) -> ComposeResult:
        yield Static(
            assemble(
                subject(
                    "Client",
                    self.client_name,
                    self.flags,
                    self.app.config,  # type: ignore[attr-defined]
                ),
                f"  (at most {crisis.MAX_RISK} characters)\n",
                last_changed(self.risk, self._config.team.timezone, "risk summary"),
            ),
            id="intro",
        )

    def compose_fields(self) -> ComposeResult:
        config = self._config
        risk = self.risk
        area = NotesArea(risk.summary if risk else "", compact=True, soft_wrap=True)
        area.add_class("-tall")
        yield from self.field("summary", "Risk summary", area)
        yield from review_field(
            self, risk.review_on if risk else None, config, config.record.risk_review_weeks
        )

    def save_values(self, values: Mapping[str, str]) -> RiskSummaryView:
        review = read_review(values["review_on"], self._config.team.timezone)
        repo = self.app.repo  # type: ignore[attr-defined]
        saved = repo.save_risk_summary(
            self.client_id,
            values["summary"],
            review,
            expected_version=self.risk.version if self.risk is not None else None,
        )
        assert isinstance(saved, RiskSummaryView)
        return saved
