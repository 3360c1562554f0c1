"""The record's "Crisis & risk" section (c, issue 12 safety) in the real app at 80x24: the
plan and risk summary rows with their review dates in words, the header marker, p and k
from the keyboard (and the palette), an overdue review in words and reverse, the settings'
out-of-hours contact beside an old one, earlier versions, privacy mode and a discharged
episode."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
import pytest

from duty_desk import timeutil
from screens.crisis_plan_form import CrisisPlanForm
from screens.record import open_record
from screens.record_crisis import CrisisSection
from screens.risk_form import RiskForm
from tests.ui.test_ui_board_support import Board
from tests.ui.test_ui_record import detail, footer_keys, header, open_alex
from tests.ui.test_ui_support import notifications, settle

TODAY = dt.date(2026, 11, 23)
PLAN = {
    "early_signs": "Stops answering [red]the phone[/red] (test)",
    "what_helps": "A walk with her sister (test)",
    "contact_out_of_hours": "CRHT duty line (example): 01632 960999",
}


def rows(screen: Any) -> dict[str, tuple[str, str, str]]:
    grid = screen.main_table()
    return {
        key: tuple(grid.get_cell(key, column).plain.strip() for column in ("what", "when", "about"))
        for key in grid.keys
    }


def when_style(screen: Any, key: str) -> str:
    return str(screen.main_table().get_cell(key, "when").style)


async def crisis_section(pilot: Any, board: Board) -> Any:
    screen = await open_alex(pilot, board)
    await pilot.press("c")
    await settle(pilot)
    return screen


async def test_no_plan_yet_then_p_writes_one(open_app, board: Board) -> None:
    async with open_app(settled=False) as (app, pilot):
        screen = await crisis_section(pilot, board)
        assert "NO CRISIS PLAN" in header(app)
        assert rows(screen) == {
            "crisis:plan": ("Crisis plan", "NONE WRITTEN", "p writes it with the client"),
            "crisis:risk": ("Risk summary", "NONE WRITTEN", "k writes it"),
        }
        assert "NO CRISIS PLAN has been written" in detail(app)
        keys = footer_keys(app)
        assert (keys["p"], keys["k"]) == ("record_crisis_plan", "record_risk")
        await pilot.press("p")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CrisisPlanForm) and form.client_id == board.alex
        await pilot.press(*"Pacing at night (test)")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "Crisis plan saved (Alex Example (test))" in notifications(app)
        assert rows(screen)["crisis:plan"] == (
            "Crisis plan",
            "review by 04/01/2027",
            "Pacing at night (test)",
        )
        assert "crisis plan" in header(app) and "NO CRISIS PLAN" not in header(app)


async def test_k_writes_the_risk_summary(open_app, board: Board) -> None:
    async with open_app(settled=False) as (app, pilot):
        screen = await crisis_section(pilot, board)
        await pilot.press("down")  # the risk row: k works from any row
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, RiskForm)
        await pilot.press(*"Low risk to others (test)")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Risk summary saved (Alex Example (test))" in notifications(app)
        assert rows(screen)["crisis:risk"][2] == "Low risk to others (test)"


async def test_an_overdue_review_in_words_reverse_and_the_header(
    open_app, board: Board, frozen_now: pendulum.DateTime
) -> None:
    board.repo.save_crisis_plan(board.alex, PLAN, TODAY, expected_version=None)
    board.repo.save_risk_summary(
        board.alex, "Low (test)", TODAY + dt.timedelta(days=6), expected_version=None
    )
    with timeutil.frozen(frozen_now.add(days=3)):
        async with open_app(settled=False) as (app, pilot):
            screen = await crisis_section(pilot, board)
            found = rows(screen)
            assert found["crisis:plan"][1] == "REVIEW OVERDUE by 3 days"
            assert "reverse" in when_style(screen, "crisis:plan")
            assert found["crisis:risk"][1] == "review due in 3 days"
            assert "reverse" not in when_style(screen, "crisis:risk")
            assert "PLAN REVIEW OVERDUE" in header(app)
            pane = detail(app)
            assert "REVIEW OVERDUE by 3 days (review date 23/11/2026)" in pane
            assert "Stops answering [red]the phone[/red] (test)" in pane  # shown literally
            assert "What to avoid: (not written)" in pane


async def test_an_old_out_of_hours_contact_shows_the_settings_one(open_app, board: Board) -> None:
    old = {**PLAN, "contact_out_of_hours": "Crisis line (old number): 01632 960000"}
    board.repo.save_crisis_plan(
        board.alex, old, TODAY + dt.timedelta(days=20), expected_version=None
    )
    async with open_app(settled=False) as (app, pilot):
        await crisis_section(pilot, board)
        pane = detail(app)
        assert "Crisis line (old number): 01632 960000" in pane
        assert "settings now say: CRHT duty line (example): 01632 960999" in pane


async def test_earlier_versions_are_in_the_pane(open_app, board: Board) -> None:
    first = TODAY + dt.timedelta(days=20)
    board.repo.save_crisis_plan(board.alex, PLAN, first, expected_version=None)
    board.repo.save_crisis_plan(
        board.alex, {**PLAN, "what_helps": "Music (test)"}, first, expected_version=1
    )
    async with open_app(settled=False) as (app, pilot):
        await crisis_section(pilot, board)
        pane = detail(app)
        assert "last changed by duty1" in pane and "(version 2)" in pane
        assert "version 2, Mon 23 Nov 10:00, duty1: changed what helps" in pane
        assert "what helps was: A walk with her sister (test)" in pane


async def test_p_and_k_are_palette_commands_only_in_this_section(open_app, board: Board) -> None:
    async with open_app(settled=False) as (app, pilot):
        screen = await crisis_section(pilot, board)
        names = [c.name for c in screen.palette_commands()]
        assert "Edit the crisis plan" in names and "Edit the risk summary" in names
        await pilot.press("n")
        await settle(pilot)
        assert "p" not in footer_keys(app)
        names = [c.name for c in screen.palette_commands()]
        assert "Edit the crisis plan" not in names


@pytest.mark.parametrize("key", ["p", "k"])
async def test_privacy_mode_and_a_discharged_episode_refuse_edits(
    open_app, board: Board, key: str
) -> None:
    async with open_app(settled=False) as (app, pilot):
        screen = await crisis_section(pilot, board)
        app.privacy = True
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert app.screen is screen
        assert any("privacy" in n.lower() for n in notifications(app))
    board.repo.discharge(board.alex, "primary_care", TODAY, "Back to the GP (test)")
    async with open_app() as (app, pilot):
        await open_record(app, board.alex)  # discharged: not on the board
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert rows(screen) == {}  # nothing was written in the episode
        assert "NO CRISIS PLAN" not in header(app)
        await pilot.press(key)
        await settle(pilot)
        assert app.screen is screen
        assert any("episode has ended" in n for n in notifications(app))


def test_the_section_is_registered_with_its_keys() -> None:
    from screens.record import RecordScreen

    assert CrisisSection in RecordScreen.PART_CLASSES
    ids = {b.id for b in CrisisSection.BINDINGS}
    assert ids == {"record_crisis_plan", "record_risk"}


async def test_the_history_section_lists_the_plans_changes(open_app, board: Board) -> None:
    review = TODAY + dt.timedelta(days=20)
    board.repo.save_crisis_plan(board.alex, PLAN, review, expected_version=None)
    board.repo.save_risk_summary(board.alex, "Low (test)", review, expected_version=None)
    async with open_app(settled=False) as (app, pilot):
        screen = await open_alex(pilot, board)
        await pilot.press("h")
        await settle(pilot)
        grid = screen.main_table()
        actions = [grid.get_cell(key, "what").plain.strip() for key in grid.keys]
        assert "write crisis plan" in actions and "write risk summary" in actions
