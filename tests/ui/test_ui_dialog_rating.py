"""The DIALOG rating screen, driven by keys as in the meeting: 11 presses rate everything
and save; help toggles; unrated kept as none; "last time"; going back corrects (versioned,
audited); escape asks before losing answers; user text literal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pendulum
import pytest

from duty_desk.repository import Repository
from screens.dialog_rating import DialogRatingScreen, RatingSheet
from tests.ui.conftest import OpenApp
from tests.ui.test_ui_support import settle

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def client(repo: Repository, make_referral: Callable[..., int]) -> int:
    return repo.accept(make_referral(name="Alex [b]Example[/b] (test)"))


async def open_rating(app: Any, pilot: Any, repo: Repository, client: int) -> DialogRatingScreen:
    screen = DialogRatingScreen(
        "Alex [b]Example[/b] (test)",
        repo.dialog(client),
        on_day=TODAY,
        min_life_rated=6,
        min_treatment_rated=2,
    )
    results: list[int | None] = []
    app.push_screen(screen, results.append)
    screen.results = results  # type: ignore[attr-defined]
    await settle(pilot)
    return screen


def sheet_text(screen: DialogRatingScreen) -> str:
    return str(screen.query_one(RatingSheet).render())


async def test_eleven_key_presses_rate_every_item_and_save(
    open_app: OpenApp, repo: Repository, client: int, frozen_now: pendulum.DateTime
) -> None:
    async with open_app() as (app, pilot):
        screen = await open_rating(app, pilot, repo, client)
        keys = ["3", "4", "minus", "5", "2", "h", "6", "5", "4", "1", "minus", "7"]
        await pilot.press(*keys)
        await settle(pilot)
        presses_without_help = [k for k in keys if k != "h"]
        assert len(presses_without_help) == 11
        [rating] = repo.dialog(client).ratings
        assert [a.score for a in rating.answers] == [3, 4, None, 5, 2, 6, 5, 4, 1, None, 7]
        assert [a.item_key for a in rating.answers if a.help_wanted] == ["leisure"]
        assert screen.rating_id == rating.id
        status = str(screen.query_one("#status").render())
        assert "Quality of life 4.14 (7 rated)" in status
        assert "Treatment 4.00 (2 rated)" in status
        assert "Saved" in status
        await pilot.press("enter")
        await settle(pilot)
        assert screen.results == [rating.id]  # type: ignore[attr-defined]


async def test_the_previous_rating_shows_as_last_time_and_backspace_corrects(
    open_app: OpenApp, repo: Repository, client: int, frozen_now: pendulum.DateTime
) -> None:
    repo.save_dialog_rating(client, {"mental_health": (2, False), "job": (None, False)})
    async with open_app() as (app, pilot):
        screen = await open_rating(app, pilot, repo, client)
        text = sheet_text(screen)
        assert "last time 2" in text and "last time -" in text
        await pilot.press(*"44444444444")
        await settle(pilot)
        first = screen.rating_id
        assert first is not None
        await pilot.press("backspace", "backspace", "6", "h")  # help on the one just answered
        await pilot.press("down", "h")  # moved: help on the item the cursor is on
        await settle(pilot)
        rating = next(r for r in repo.dialog(client).ratings if r.id == first)
        assert [a.score for a in rating.answers][-2:] == [6, 4]
        helped = [a.item_key for a in rating.answers if a.help_wanted]
        assert helped == ["practical_help", "meetings"]
        history = [e.action for e in repo.history("dialog_rating", first)]
        assert history[0] == "rate DIALOG" and "correct DIALOG rating" in history


async def test_h_marks_the_item_just_rated_and_the_screen_names_it(
    open_app: OpenApp, repo: Repository, client: int, frozen_now: pendulum.DateTime
) -> None:
    """Found by the probe: the number first, then "do you want more help with this?", and
    ``h`` marked the item after the one just rated. The last item too, while it saves, and
    Enter typed straight after still goes on."""
    async with open_app() as (app, pilot):
        screen = await open_rating(app, pilot, repo, client)
        status = str(screen.query_one("#status").render())
        assert "h: more help with Mental health" in status  # nothing rated yet: the current
        await pilot.press("3")
        await settle(pilot)
        status = str(screen.query_one("#status").render())
        assert "h: more help with Mental health" in status, "the one just rated"
        await pilot.press("h")
        await settle(pilot)
        assert screen.help == {"mental_health": True}
        assert "Mental health       3 fairly dissatisfied  HELP" in sheet_text(screen)
        await pilot.press(*"4444444444", "h", "enter")  # the last item, then help, then on
        await settle(pilot)
        assert screen.results == [screen.rating_id]  # type: ignore[attr-defined]
    [rating] = repo.dialog(client).ratings
    assert [a.item_key for a in rating.answers if a.help_wanted] == ["mental_health", "meetings"]


async def test_escape_asks_before_losing_answers_and_nothing_is_saved(
    open_app: OpenApp, repo: Repository, client: int, frozen_now: pendulum.DateTime
) -> None:
    async with open_app() as (app, pilot):
        screen = await open_rating(app, pilot, repo, client)
        await pilot.press("3", "4", "escape")
        await settle(pilot)
        assert "Discard" in str(app.screen.query_one("#form-title").render())
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and screen.scores == {"mental_health": 3, "physical_health": 4}
        await pilot.press("escape", "y")
        await settle(pilot)
        assert screen.results == [None]  # type: ignore[attr-defined]
    assert repo.dialog(client).ratings == ()


async def test_the_title_shows_the_name_literally(
    open_app: OpenApp, repo: Repository, client: int, frozen_now: pendulum.DateTime
) -> None:
    async with open_app() as (app, pilot):
        screen = await open_rating(app, pilot, repo, client)
        title = screen.query_one("#rating-title").render()
        assert "Alex [b]Example[/b] (test)" in str(title)


async def test_someone_not_on_the_staff_list_is_told_and_nothing_is_saved(
    open_app: OpenApp, repo: Repository, client: int, frozen_now: pendulum.DateTime
) -> None:
    async with open_app(actor="visitor") as (app, pilot):
        screen = await open_rating(app, pilot, repo, client)
        await pilot.press(*"44444444444")
        await settle(pilot)
        assert "Not saved" in str(screen.query_one("#status").render())
        assert screen.rating_id is None
    assert repo.dialog(client).ratings == ()
