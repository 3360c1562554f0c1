"""The client record's "Crisis & risk" section (``c``): the crisis and contingency plan and
the risk summary, with their review dates (issue 12, safety).

Rows are keyed by what they show: ``plan`` and ``risk`` here; the safeguarding part (the
guard part of issue 12) adds its own rows to the same section (``flag<N>``), after these,
with the same columns (``what``, ``when``, ``about``). On an open episode the plan and the
summary always have a row, saying "none written" when there is none, so a missing plan is
read in the table (and the header), not guessed from a gap.

A review date is told in words (``REVIEW OVERDUE by 3 days``, ``review due in 5 days``)
and an overdue one in reverse too, never by colour alone. The header marker reads
``crisis plan``, ``PLAN REVIEW OVERDUE`` or ``NO CRISIS PLAN``. Where the plan's
out-of-hours contact no longer holds the settings' one, the pane shows the settings' beside
it (hazard H54). Earlier versions are listed in the pane from the audit log.

Keys (only while this section is shown): ``p`` edits the crisis plan, ``k`` the risk
summary (``screens/crisis_plan_form.py``, ``screens/risk_form.py``), with the client.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding

from duty_desk import crisis, timeutil
from duty_desk.crisis import Review, ReviewState
from duty_desk.views import (
    ClientRecordView,
    CrisisPlanView,
    CrisisRecordView,
    PlanVersion,
    RiskSummaryView,
)

from .literal import cell, literal, visible
from .record_section import RecordContext, RecordSection, SectionRow

if TYPE_CHECKING:
    from duty_desk.repository import Repository

    from .record import RecordScreen

OVERDUE = "reverse bold"  # an overdue review: reverse as well as the words
SOON = "bold"
PLAN_KEY = "plan"
RISK_KEY = "risk"


def review_of(day: Any, ctx: RecordContext) -> Review:
    today = timeutil.to_local(ctx.now, ctx.tz).date()
    return crisis.review(day, today, ctx.config.record.review_due_soon_days)


def _style(found: Review) -> str:
    if found.state is ReviewState.overdue:
        return OVERDUE
    return SOON if found.state is ReviewState.due_soon else ""


def review_cell(found: Review) -> Text:
    return cell(found.words, _style(found))


def review_words(found: Review) -> Text:
    return Text(found.words, style=_style(found), end="")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _who_when(view: CrisisPlanView | RiskSummaryView, ctx: RecordContext) -> str:
    made = timeutil.fmt_local(view.created_at, ctx.tz, "day")
    words = f"Written by {view.created_by} at {made}"
    if view.version > 1:
        changed = timeutil.fmt_local(view.updated_at, ctx.tz, "day")
        words += f"; last changed by {view.updated_by} at {changed} (version {view.version})"
    return words


def _label(name: str, labels: dict[str, str]) -> str:
    return labels.get(name, name.replace("_", " ")).lower()


def versions_text(
    versions: Sequence[PlanVersion], labels: dict[str, str], ctx: RecordContext
) -> Text:
    """Every earlier version: who changed what and when, and what each changed part said
    before (oldest first)."""
    text = Text(end="")
    if len(versions) < 2:
        return text
    text.append("\nEarlier versions", style="bold")
    for before, after in zip(versions, versions[1:], strict=False):
        when = timeutil.fmt_local(after.at, ctx.tz, "day")
        parts = ", ".join(_label(name, labels) for name in after.changed)
        text.append(f"\n  version {after.number}, {when}, {after.by}: changed {parts}")
        for name in after.changed:
            was = before.values.get(name, "")
            if name == "review_on" and was:
                was = timeutil.fmt_date(timeutil.parse_date(was, bounded=False))
            text.append(f"\n    {_label(name, labels)} was: ")
            text.append_text(literal(was or "(empty)", multiline=True))
    return text


class CrisisSection(RecordSection):
    """The crisis plan and the risk summary: one row each (``plan``, ``risk``)."""

    name = "crisis"
    key = "c"
    title = "Crisis & risk"
    COLUMNS = (
        ("what", "What", 13),
        ("when", "Review", 27),
        ("about", "About", 30),
    )
    BINDINGS: ClassVar[list[Binding]] = [
        Binding(
            "p", "plan", "Crisis plan", id="record_crisis_plan", tooltip="Edit the crisis plan"
        ),
        Binding("k", "risk", "Risk", id="record_risk", tooltip="Edit the risk summary"),
    ]
    EMPTY = "No crisis plan or risk summary was written in this episode."

    # -- reading and drawing ------------------------------------------------------------------
    def read(self, repo: Repository, record: ClientRecordView) -> CrisisRecordView:
        return repo.crisis_record(record.client_id)

    def rows(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[SectionRow]:
        if not isinstance(extra, CrisisRecordView):
            return []
        is_open = record.episode.status == "open"
        out: list[SectionRow] = []
        plan, risk = extra.plan, extra.risk
        if plan is not None:
            found = review_of(plan.review_on, ctx)
            about = _first_line(plan.early_signs) or _first_line(plan.what_helps) or "-"
            out.append(
                (
                    PLAN_KEY,
                    (PLAN_KEY, plan),
                    {"what": cell("Crisis plan"), "when": review_cell(found), "about": cell(about)},
                )
            )
        elif is_open:
            out.append(
                (
                    PLAN_KEY,
                    (PLAN_KEY, None),
                    {
                        "what": cell("Crisis plan"),
                        "when": cell("NONE WRITTEN", "bold"),
                        "about": cell("p writes it with the client"),
                    },
                )
            )
        if risk is not None:
            found = review_of(risk.review_on, ctx)
            out.append(
                (
                    RISK_KEY,
                    (RISK_KEY, risk),
                    {
                        "what": cell("Risk summary"),
                        "when": review_cell(found),
                        "about": cell(_first_line(risk.summary)),
                    },
                )
            )
        elif is_open:
            out.append(
                (
                    RISK_KEY,
                    (RISK_KEY, None),
                    {
                        "what": cell("Risk summary"),
                        "when": cell("NONE WRITTEN", "bold"),
                        "about": cell("k writes it"),
                    },
                )
            )
        return out

    def detail(self, item: Any, record: ClientRecordView, extra: Any, ctx: RecordContext) -> Text:
        if not isinstance(extra, CrisisRecordView) or not isinstance(item, tuple):
            return Text(self.EMPTY, end="")
        what, view = item
        if what == PLAN_KEY:
            return self.plan_detail(view, extra, ctx)
        return self.risk_detail(view, extra, ctx)

    def plan_detail(
        self, plan: CrisisPlanView | None, extra: CrisisRecordView, ctx: RecordContext
    ) -> Text:
        text = Text(end="")
        text.append("Crisis and contingency plan", style="bold")
        if plan is None:
            text.append(
                "\nNO CRISIS PLAN has been written. p writes one with the client: early "
                "signs, what helps, what to avoid and who to contact in and out of team "
                "hours.",
                style="bold",
            )
            return text
        found = review_of(plan.review_on, ctx)
        text.append("  ")
        text.append_text(review_words(found))
        if found.state is not ReviewState.in_time:
            text.append(f" (review date {timeutil.fmt_date(plan.review_on)})")
        for name in crisis.PLAN_FIELDS:
            text.append(f"\n{crisis.PLAN_LABELS[name]}: ", style="bold")
            text.append_text(literal(plan.part(name) or "(not written)", multiline=True))
            if name == "contact_out_of_hours" and crisis.contact_differs(
                plan.contact_out_of_hours, ctx.config
            ):
                text.append("\n  settings now say: ", style="bold")
                text.append_text(literal(crisis.default_out_of_hours(ctx.config)))
        text.append(f"\n{_who_when(plan, ctx)}.")
        text.append_text(versions_text(extra.plan_versions, dict(crisis.PLAN_LABELS), ctx))
        text.append("\np edits the plan with the client; the history (h) keeps every change.")
        return text

    def risk_detail(
        self, risk: RiskSummaryView | None, extra: CrisisRecordView, ctx: RecordContext
    ) -> Text:
        text = Text(end="")
        text.append("Risk summary", style="bold")
        if risk is None:
            text.append("\nNo risk summary has been written. k writes one.", style="bold")
            return text
        found = review_of(risk.review_on, ctx)
        text.append("  ")
        text.append_text(review_words(found))
        if found.state is not ReviewState.in_time:
            text.append(f" (review date {timeutil.fmt_date(risk.review_on)})")
        text.append("\n")
        text.append_text(literal(risk.summary, multiline=True))
        text.append(f"\n{_who_when(risk, ctx)}.")
        text.append_text(versions_text(extra.risk_versions, dict(crisis.RISK_LABELS), ctx))
        text.append("\nk edits the summary; the history (h) keeps every change.")
        return text

    def markers(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[Text]:
        if not isinstance(extra, CrisisRecordView):
            return []
        plan = extra.plan
        if plan is None:
            if record.episode.status != "open":
                return []
            return [Text("NO CRISIS PLAN", style="bold")]
        if review_of(plan.review_on, ctx).state is ReviewState.overdue:
            return [Text("PLAN REVIEW OVERDUE", style=OVERDUE)]
        return [Text("crisis plan", style="bold")]

    # -- actions --------------------------------------------------------------------------------
    def _can_edit(self, screen: RecordScreen) -> bool:
        record = screen.record
        if record is None:
            return False
        if screen.duty_app.privacy:
            from .queue import PRIVACY_EDIT

            screen.notify(PRIVACY_EDIT, severity="warning", markup=False)
            return False
        if record.episode.status != "open":
            screen.notify(
                f"{visible(record.name)}'s episode has ended: its crisis plan and risk "
                "summary are kept as they were.",
                severity="warning",
                markup=False,
            )
            return False
        return True

    def action_plan(self, screen: RecordScreen) -> None:
        """Write or edit the crisis plan (the form opens on the plan as last read)."""
        if not self._can_edit(screen) or screen.record is None:
            return
        from .crisis_plan_form import CrisisPlanForm

        extra = screen.extra(self)
        plan = extra.plan if isinstance(extra, CrisisRecordView) else None
        client_id, subject = screen.record.client_id, screen.subject
        flags = screen.record.episode.safeguarding

        def saved(view: CrisisPlanView | None) -> None:
            if view is not None:
                screen.saved("Crisis plan saved")

        screen.when_permitted(
            lambda: screen.app.push_screen(CrisisPlanForm(client_id, subject, plan, flags), saved)
        )

    def action_risk(self, screen: RecordScreen) -> None:
        """Write or edit the risk summary."""
        if not self._can_edit(screen) or screen.record is None:
            return
        from .risk_form import RiskForm

        extra = screen.extra(self)
        risk = extra.risk if isinstance(extra, CrisisRecordView) else None
        client_id, subject = screen.record.client_id, screen.subject
        flags = screen.record.episode.safeguarding

        def saved(view: RiskSummaryView | None) -> None:
            if view is not None:
                screen.saved("Risk summary saved")

        screen.when_permitted(
            lambda: screen.app.push_screen(RiskForm(client_id, subject, risk, flags), saved)
        )
