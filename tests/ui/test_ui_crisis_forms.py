"""The crisis plan and risk summary forms (issue 12, safety) on their own, pushed in the real
app at 80x24: defaults from the settings, saving from the keyboard, bad input under its
field with what was typed kept, a stale save refused naming who changed what, and escape."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pendulum
import pytest
from textual.widgets import Input, TextArea

from duty_desk.repository import Repository
from screens.confirm import ConfirmDialog
from screens.crisis_plan_form import CrisisPlanForm
from screens.risk_form import RiskForm
from tests.repo.test_repo_board import accept
from tests.ui.test_ui_support import notifications, settle

TODAY = dt.date(2026, 11, 23)
PLAN = {
    "early_signs": "Sleeping less (test)",
    "what_helps": "A walk [b]outside[/b] (test)",
    "what_to_avoid": "",
    "contact_in_hours": "Key worker (test)",
    "contact_out_of_hours": "CRHT (test)",
}


@pytest.fixture
def client(repo: Repository, frozen_now: pendulum.DateTime) -> int:
    return accept(repo, "Form Person (test)")


async def push(app: Any, pilot: Any, form: Any) -> list[Any]:
    """Push ``form``; returns a list that receives what it dismisses with."""
    got: list[Any] = []
    app.push_screen(form, got.append)
    await settle(pilot)
    return got


def area(app: Any, name: str) -> TextArea:
    return app.screen.query_one(f"#field-{name}", TextArea)


def review(app: Any) -> Input:
    return app.screen.query_one("#field-review_on", Input)


def error(app: Any, name: str) -> str:
    widget = app.screen.query_one(f"#error-{name}")
    return str(widget.render()) if widget.display else ""


async def test_a_new_plan_offers_the_settings_contact_and_review(
    open_app: Callable[..., Any], repo: Repository, client: int
) -> None:
    async with open_app() as (app, pilot):
        got = await push(app, pilot, CrisisPlanForm(client, "Form Person (test)", None))
        assert area(app, "contact_out_of_hours").text == "CRHT duty line (example): 01632 960999"
        assert review(app).value == "04/01/2027"  # 6 weeks ([record] crisis_plan_review_weeks)
        assert app.screen.focused is area(app, "early_signs")
        await pilot.press(*"Stops eating (test)")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [saved] = got
        assert saved.early_signs == "Stops eating (test)" and saved.version == 1
    plan = repo.crisis_plan(client)
    assert plan is not None and plan.review_on == dt.date(2027, 1, 4)


async def test_bad_input_stays_in_the_form_under_its_field(
    open_app: Callable[..., Any], repo: Repository, client: int
) -> None:
    async with open_app() as (app, pilot):
        got = await push(app, pilot, CrisisPlanForm(client, "Form Person (test)", None))
        area(app, "contact_out_of_hours").text = ""
        review(app).value = "22/11/2026"  # yesterday
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert got == []
        assert "the plan is empty" in error(app, "early_signs")
        assert "has passed" in error(app, "review_on")
        assert review(app).value == "22/11/2026"  # kept as typed
        review(app).value = "31/02/2027"
        area(app, "early_signs").text = "Pacing (test)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert got == [] and error(app, "review_on")
        assert area(app, "early_signs").text == "Pacing (test)"
    assert repo.crisis_plan(client) is None


async def test_editing_a_plan_and_a_stale_save(
    open_app: Callable[..., Any],
    repo: Repository,
    repo_as: Callable[[str], Repository],
    client: int,
) -> None:
    plan = repo.save_crisis_plan(client, PLAN, TODAY + dt.timedelta(days=9), expected_version=None)
    async with open_app() as (app, pilot):
        got = await push(app, pilot, CrisisPlanForm(client, "Form Person (test)", plan))
        assert area(app, "what_helps").text == PLAN["what_helps"]
        assert review(app).value == "02/12/2026"
        repo.add_staff("peer1", "Peer Worker One (test)", "peer_support")
        repo_as("peer1").save_crisis_plan(
            client, {**PLAN, "what_to_avoid": "Shouting (test)"}, plan.review_on, expected_version=1
        )
        area(app, "what_to_avoid").text = "Crowds (test)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert got == []  # still open, what was typed kept
        assert area(app, "what_to_avoid").text == "Crowds (test)"
        said = " ".join(notifications(app))
        assert "peer1" in said and "what to avoid" in said
    latest = repo.crisis_plan(client)
    assert latest is not None and latest.what_to_avoid == "Shouting (test)"


async def test_escape_with_changes_asks_first(
    open_app: Callable[..., Any], repo: Repository, client: int
) -> None:
    async with open_app() as (app, pilot):
        got = await push(app, pilot, CrisisPlanForm(client, "Form Person (test)", None))
        await pilot.press(*"x")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # keep editing
        await settle(pilot)
        assert isinstance(app.screen, CrisisPlanForm) and got == []


async def test_risk_summary_form(
    open_app: Callable[..., Any], repo: Repository, client: int
) -> None:
    async with open_app() as (app, pilot):
        got = await push(app, pilot, RiskForm(client, "Form Person (test)", None))
        assert review(app).value == "04/01/2027"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert got == [] and "risk summary is required" in error(app, "summary")
        await pilot.press(*"Low risk (test)")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [saved] = got
        assert saved.summary == "Low risk (test)" and saved.version == 1
    risk = repo.risk_summary(client)
    assert risk is not None and risk.review_on == dt.date(2027, 1, 4)


@pytest.mark.parametrize("which", ["plan", "risk"])
async def test_the_forms_fit_at_80x24_and_60x20(
    open_app: Callable[..., Any], repo: Repository, client: int, which: str
) -> None:
    from textual.widgets import Button

    for size in ((80, 24), (60, 20)):
        async with open_app(size=size) as (app, pilot):
            form: Any = (
                CrisisPlanForm(client, "Form Person (test)", None)
                if which == "plan"
                else RiskForm(client, "Form Person (test)", None)
            )
            await push(app, pilot, form)
            dialog = app.screen.query_one("#dialog")
            assert dialog.region.bottom <= size[1] and dialog.region.right <= size[0]
            save = app.screen.query_one("#save", Button)
            assert dialog.region.contains_region(save.region)
            if which == "plan":  # five parts and a date: they scroll inside the form
                assert app.screen.query_one("#fields").max_scroll_y > 0
                review(app).focus()
                await settle(pilot)
                assert app.screen.query_one("#fields").region.contains_region(review(app).region)
