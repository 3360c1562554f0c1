"""``w`` in the client record's DIALOG section (issue 13): the care and support plan on
screen at 80x24, read-only and scrollable, user text shown literally, escape closes;
refused in privacy mode; the key only in its section; a palette command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pendulum
import pytest
from textual.containers import VerticalScroll

from duty_desk import timeutil
from duty_desk.repository import Repository
from screens.care_plan_view import CarePlanView, table_lines

from .conftest import OpenApp
from .test_ui_record_dialog import show_dialog, text_of
from .test_ui_support import notifications, settle

NOW = pendulum.datetime(2026, 11, 30, 10, tz="UTC")


@pytest.fixture
def client(repo: Repository, make_referral: Callable[..., int]) -> int:
    with timeutil.frozen(pendulum.datetime(2026, 11, 23, 10, tz="UTC")):
        client = repo.accept(make_referral(name="Alex [bold]Example[/bold] (test)"))
        repo.add_network_member(
            repo.client_record(client).episode.referral_id, "Mum [red]x[/] (test)", "mother"
        )
        before = repo.save_dialog_rating(client, {"job": (3, False), "leisure": (5, False)})
        assert before
        rating = repo.save_dialog_rating(client, {"job": (2, True), "leisure": (5, False)})
        [topic] = repo.choose_dialog_items(rating, ["job"])
        repo.save_dialog_steps(
            topic,
            understanding="Mornings [i]are[/i] better (test)",
            looking_forward="A job by spring (test)",
            options="Ask the job centre (test)",
            expected_version=1,
        )
        repo.add_dialog_action(
            topic, "Ring the job centre (test)", owner="person", due_on=dt.date(2026, 12, 4)
        )
    return client


async def test_w_shows_the_plan_literally_and_escape_closes(open_app: OpenApp, client: int) -> None:
    with timeutil.frozen(NOW):
        async with open_app() as (app, pilot):
            record = await show_dialog(app, pilot, client)
            [command] = [
                c for c in record.palette_commands() if c.name == "The care and support plan"
            ]
            assert command.help == "Plan (w)"
            await pilot.press("w")
            await settle(pilot)
            assert isinstance(app.screen, CarePlanView)
            shown = text_of(app, "#care-plan-text")
            assert "Care and support plan of Alex [bold]Example[/bold] (test)" in " ".join(
                text_of(app, "#form-title").split()
            )
            for expected in (
                "Key worker and how to reach them",
                "Mum [red]x[/] (test) (mother)",
                "Job situation        2 very dissatisfied  yes   3 fairly dissatisfied",
                "Latest (23/11/2026): quality of life not given (too few items rated)",
                "1 Understanding: Mornings [i]are[/i] better (test)",
                "Ring the job centre (test)",
                "No crisis plan written yet.",
            ):
                assert expected in shown, expected
            body = app.screen.query_one("#dialog", VerticalScroll)
            assert body.max_scroll_y > 0  # longer than 24 lines: it scrolls
            await pilot.press("pagedown", "pagedown")
            await settle(pilot)
            assert body.scroll_y > 0
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is record


async def test_w_is_refused_in_privacy_mode_and_only_in_its_section(
    open_app: OpenApp, client: int
) -> None:
    with timeutil.frozen(NOW):
        async with open_app() as (app, pilot):
            record = await show_dialog(app, pilot, client)
            await pilot.press("n", "w")  # the network section: w is not its key
            await settle(pilot)
            assert app.screen is record and record.section == "n"
            await pilot.press("d", "p", "w")  # privacy mode on: refused
            await settle(pilot)
            assert app.screen is record and app.privacy
            assert any("Privacy mode is on" in str(n) for n in notifications(app))


def test_a_table_too_wide_for_the_screen_goes_row_by_row() -> None:
    rows = (("What", "Who"), ("a" * 60, "b" * 20))
    assert table_lines(rows) == [f"- What: {'a' * 60}; Who: {'b' * 20}"]
    assert table_lines((("A", "B"), ("x", "y"))) == ["A  B", "x  y"]
