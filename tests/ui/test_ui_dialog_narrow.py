"""DIALOG at 60x20 (issue 13): the rating screen keeps every item on one line with
"last N" beside it and shows all eleven with the scores, no line wrapped; the choose
dialog shows the HELP and suggested (``*``) marks before the words, so narrowing cuts the
words, never the marks."""

from __future__ import annotations

from collections.abc import Callable

import pendulum
import pytest
from textual.widgets import SelectionList

from duty_desk.repository import Repository
from screens.dialog_choose import ChooseItems
from screens.dialog_rating import RatingSheet
from tests.ui.conftest import OpenApp
from tests.ui.test_ui_dialog_rating import open_rating
from tests.ui.test_ui_support import settle

KEYS = ("mental_health", "physical_health", "job", "accommodation", "leisure",
        "partner_family", "friendships", "personal_safety", "medication",
        "practical_help", "meetings")  # fmt: skip


@pytest.fixture
def client(repo: Repository, make_referral: Callable[..., int]) -> int:
    client = repo.accept(make_referral())
    repo.save_dialog_rating(client, {key: (4, False) for key in KEYS})
    return client


async def test_the_rating_screen_fits_60x20(
    open_app: OpenApp, repo: Repository, client: int, frozen_now: pendulum.DateTime
) -> None:
    async with open_app(size=(60, 20)) as (app, pilot):
        screen = await open_rating(app, pilot, repo, client)
        await pilot.press(*"3456712345", "h", "6")
        await settle(pilot)
        sheet = screen.query_one(RatingSheet)
        lines = str(sheet.render()).splitlines()
        assert len(lines) == 13  # two headings and eleven items, one line each
        assert all(len(line) <= sheet.size.width for line in lines)
        assert all(line.rstrip().endswith("last 4") for line in lines if line[3:4] == " ")
        status = screen.query_one("#status")
        assert "Quality of life 3.88 (8)  Treatment 5.00 (3)" in str(status.render())
        body = screen.query_one("#rating")
        assert body.max_scroll_y == 0  # nothing below the fold
        assert status.region.bottom <= body.region.bottom


async def test_the_choose_dialog_keeps_its_marks_at_60x20(
    open_app: OpenApp, repo: Repository, client: int, frozen_now: pendulum.DateTime
) -> None:
    rating = repo.save_dialog_rating(client, {"job": (2, True), "leisure": (1, False)})
    [view] = [r for r in repo.dialog(client).ratings if r.id == rating]
    async with open_app(size=(60, 20)) as (app, pilot):
        app.push_screen(ChooseItems("Alex Example (test)", repo.dialog(client).items, view))
        await settle(pilot)
        picks = app.screen.query_one(SelectionList)
        prompts = [str(picks.get_option_at_index(i).prompt) for i in range(picks.option_count)]
        assert prompts[0].startswith("* HELP Job situation: 2")
        assert prompts[1].startswith("*      Leisure activities: 1")
        assert prompts[2].startswith("       Mental health: not rated")
