"""DIALOG in the client record (``d``): a whole DIALOG+ meeting from the keyboard (last
time's action reviewed, the rating, the items chosen, the steps, an action), then the
section's rows and detail; correcting a rating; a view-only login refused; keys only in
their section."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pendulum
import pytest

from duty_desk import timeutil
from duty_desk.repository import Repository
from duty_desk.vocabulary import ActionStatus
from screens.dialog_rating import DialogRatingScreen
from screens.record import RecordScreen, open_record

from .conftest import OpenApp
from .test_ui_support import notifications, settle

NOW = pendulum.datetime(2026, 11, 30, 10, tz="UTC")


@pytest.fixture
def client(repo: Repository, make_referral: Callable[..., int]) -> int:
    with timeutil.frozen(pendulum.datetime(2026, 11, 23, 10, tz="UTC")):
        client = repo.accept(make_referral())
        repo.add_network_member(
            repo.client_record(client).episode.referral_id, "Mum (test)", "mother"
        )
        rating = repo.save_dialog_rating(client, {"job": (2, True), "leisure": (5, False)})
        [topic] = repo.choose_dialog_items(rating, ["job"])
        repo.add_dialog_action(
            topic, "Ring the job centre (test)", owner="person", due_on=dt.date(2026, 11, 27)
        )
    return client


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def show_dialog(app: Any, pilot: Any, client: int) -> RecordScreen:
    await open_record(app, client)
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, RecordScreen) and screen.section == "d"
    return screen


async def test_a_dialog_plus_meeting_from_the_keyboard(
    open_app: OpenApp, repo: Repository, client: int
) -> None:
    with timeutil.frozen(NOW):
        async with open_app() as (app, pilot):
            await show_dialog(app, pilot, client)
            await pilot.press("r")  # last time's action comes first
            await settle(pilot)
            assert "Ring the job centre (test)" in text_of(app, "#intro")
            await pilot.press("enter", "down", "enter")  # the outcome: done
            await pilot.press("tab", *"went well", "ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, DialogRatingScreen)
            await pilot.press(*"34452645713")  # 11 presses: rated and saved
            await settle(pilot)
            await pilot.press("enter")  # on to DIALOG+
            await settle(pilot)
            assert "which items" in text_of(app, "#form-title")
            await pilot.press(
                "space", "ctrl+s"
            )  # the first suggested: the lowest rated, practical help (1)
            await settle(pilot)
            assert "Practical help" in text_of(app, "#form-title")
            await pilot.press(*"Mornings are better", "ctrl+s")
            await settle(pilot)
            assert "action" in text_of(app, "#form-title")
            await pilot.press(*"Visit the library (test)", "tab", "enter", "down", "down", "enter")
            await pilot.press("tab", *"7/12/2026", "ctrl+s")
            await settle(pilot)
            await pilot.press("n")  # no other action: next item (none): done
            await settle(pilot)
            assert isinstance(app.screen, RecordScreen)
    data = repo.dialog(client)
    assert len(data.ratings) == 2
    latest = data.ratings[-1]
    assert [a.score for a in latest.answers] == [3, 4, 4, 5, 2, 6, 4, 5, 7, 1, 3]
    [topic] = data.topics_of(latest.id)
    assert topic.item_key == "practical_help" and topic.understanding == "Mornings are better"
    old = next(a for a in data.actions if a.what == "Ring the job centre (test)")
    assert old.status is ActionStatus.done and old.reviews[0].note == "went well"
    new = next(a for a in data.actions if a.what == "Visit the library (test)")
    assert new.owner_name == "Mum (test)" and new.due_on == dt.date(2026, 12, 7)


async def test_the_section_lists_ratings_and_open_actions(
    open_app: OpenApp, repo: Repository, client: int
) -> None:
    with timeutil.frozen(NOW):
        repo.save_dialog_rating(client, {k: (4, False) for k in ("job", "leisure")})
        async with open_app() as (app, pilot):
            screen = await show_dialog(app, pilot, client)
            keys = screen.main_table().keys
            assert keys[0].endswith(":trend") and len(keys) == 4  # trend, 2 ratings, 1 action
            detail = text_of(app, "#record-detail-body")
            assert "Job situation" in detail and "since first" in detail
            footer = {a.binding.id for a in app.screen.active_bindings.values() if a.binding.show}
            assert {"record_dialog_meeting", "record_dialog_correct"} <= footer
            await pilot.press("n")
            await settle(pilot)
            footer = {a.binding.id for a in app.screen.active_bindings.values() if a.binding.show}
            assert "record_dialog_meeting" not in footer


async def test_a_view_only_login_cannot_start_dialog(
    open_app: OpenApp, repo: Repository, client: int
) -> None:
    with timeutil.frozen(NOW):
        async with open_app(actor="visitor") as (app, pilot):
            await show_dialog(app, pilot, client)
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, RecordScreen)
    assert len(repo.dialog(client).ratings) == 1


async def test_escape_on_one_review_skips_only_it_and_an_item_escaped_is_not_talked_about(
    open_app: OpenApp, repo: Repository, client: int
) -> None:
    """Found by the probe: escape on one of last time's actions skipped every review after
    it, and an item whose steps were escaped was still counted as talked about."""
    with timeutil.frozen(pendulum.datetime(2026, 11, 23, 10, tz="UTC")):
        [topic] = repo.dialog(client).topics
        repo.add_dialog_action(
            topic.id, "Visit the library (test)", owner="person", due_on=dt.date(2026, 11, 28)
        )
    with timeutil.frozen(NOW):
        async with open_app() as (app, pilot):
            await show_dialog(app, pilot, client)
            await pilot.press("r")
            await settle(pilot)
            assert "(1 of 2)" in text_of(app, "#form-title")
            assert "stays open for next time" in text_of(app, "#intro")
            await pilot.press("escape")  # not now: this one only
            await settle(pilot)
            assert "(2 of 2)" in text_of(app, "#form-title"), "the next review is asked"
            await pilot.press("enter", "down", "enter", "ctrl+s")  # done
            await settle(pilot)
            assert isinstance(app.screen, DialogRatingScreen)
            await pilot.press(*"34452645713", "enter")
            await settle(pilot)
            await pilot.press("space", "ctrl+s")  # one item chosen
            await settle(pilot)
            assert "Practical help" in text_of(app, "#form-title")
            await pilot.press("escape")  # its steps escaped: not talked about
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, RecordScreen)
            said = notifications(app)[-1]
            assert "1 action reviewed" in said and "1 left open for next time" in said
            assert "rating saved" in said and "talked about" not in said
            screen.main_table().move_cursor(row=1)  # the newest rating
            await settle(pilot)
            detail = text_of(app, "#record-detail-body")
            assert "Chosen, not talked about (no steps written): Practical help" in detail
            assert "Talked about: Practical help" not in detail
    data = repo.dialog(client)
    first = next(a for a in data.actions if a.what == "Ring the job centre (test)")
    second = next(a for a in data.actions if a.what == "Visit the library (test)")
    assert first.is_open and not first.reviews, "escaped: still open, not reviewed"
    assert second.status is ActionStatus.done


async def test_an_action_past_its_date_reads_overdue_in_words(
    open_app: OpenApp, repo: Repository, client: int
) -> None:
    """Found by the probe: an action past its date looked like any other open action."""
    with timeutil.frozen(NOW):  # the action was due on Friday 27 November: 3 days ago
        async with open_app() as (app, pilot):
            screen = await show_dialog(app, pilot, client)
            table = screen.main_table()
            rows = [str(table.render_line(n).text) for n in range(1, len(table.keys) + 1)]
            [action_row] = [row for row in rows if "Ring the job centre" in row]
            assert "OVERDUE by 3 days" in action_row
            table.move_cursor(row=len(table.keys) - 1)
            await settle(pilot)
            detail = text_of(app, "#record-detail-body")
            assert "By: Friday 27 November 2026  OVERDUE by 3 days" in detail
    with timeutil.frozen(pendulum.datetime(2026, 11, 27, 10, tz="UTC")):  # due today: not yet
        async with open_app() as (app, pilot):
            screen = await show_dialog(app, pilot, client)
            table = screen.main_table()
            rows = [str(table.render_line(n).text) for n in range(1, len(table.keys) + 1)]
            assert not any("OVERDUE" in row for row in rows)
