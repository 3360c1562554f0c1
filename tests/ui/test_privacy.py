"""Privacy mode (p): client and network names as initials, NHS numbers as their last three
digits, on every screen; staff names stay. The core's masking is tested on each kind of
view; the app is driven through all three screens and its painted screen is read back."""

from __future__ import annotations

import html
import re
from typing import Any

import pendulum
import pytest

from duty_desk.privacy import MaskedRepository, initials, mask, mask_nhs
from duty_desk.repository import Repository
from screens.board_render import break_text
from tests.conftest import referral_input
from tests.ui.test_ui_board_support import Board, board, local  # noqa: F401 - fixture
from tests.ui.test_ui_support import settle

NAME, NHS = "Alex Example (test)", "9990000018"
QUEUED = "Quinn Zephyr [b]Bold[/b] (test)"


@pytest.mark.parametrize(
    "name, shown",
    [
        ("Alex Example (test)", "A.E."),
        ("mary-jane o'neil", "M.O."),
        ("Ôla Ünal", "Ô.Ü."),
        ("[b]Bold[/b] Name", "B.N."),
        ("(test)", "T."),
        ("1234", "?"),
    ],
)
def test_initials(name: str, shown: str) -> None:
    assert initials(name) == shown


def test_nhs_number_keeps_only_the_last_three_digits() -> None:
    assert mask_nhs("9434765919") == "*******919"
    assert mask_nhs(None) is None and mask_nhs("") == ""


def test_every_view_with_a_client_is_masked(board: Board) -> None:  # noqa: F811
    repo = board.repo
    repo.add_network_member(board.alex_referral, "Nell Network (test)", "sister")
    masked = MaskedRepository(repo)
    referral = masked.referral(board.alex_referral)
    assert (referral.name, referral.nhs_number) == ("A.E.", "*******018")
    assert [m.name for m in referral.network] == ["N.N."]
    episodes = masked.board().episodes
    assert {e.name for e in episodes} == {"A.E.", "B.S."}
    assert all(e.nhs_number in (None, "*******018") for e in episodes)
    assert all(NAME not in break_text(b, repo.config.team.timezone) for b in masked.board().breaks)
    day = masked.day(local(25, 9).date())
    assert [m.client_name for m in day.meetings] == ["A.E."]
    assert [s.name for s in day.meetings[0].staff] == [
        "Duty Worker One (test)",
        "Peer Worker (test)",
    ]
    assert masked.booking_defaults(board.alex).client_name == "A.E."
    assert {u.name for u in masked.day(local(23, 9).date()).unbooked} == {"B.S."}
    history = masked.history("referral", board.alex_referral)
    assert all(NAME not in str(entry.after) and NHS not in str(entry.after) for entry in history)
    assert mask(repo.list_staff()) == repo.list_staff(), "staff names are the team's own"


def _painted(app: Any) -> str:
    """The screen as painted (from Textual's own screenshot), as plain text."""
    svg = app.export_screenshot()
    text = re.sub(r"<[^>]+>", "", svg)
    return html.unescape(text).replace("\xa0", " ")


async def test_privacy_mode_on_every_screen(
    open_app,
    board: Board,  # noqa: F811 frozen_now: pendulum.DateTime
) -> None:
    board.repo.add_referral(referral_input(name=QUEUED, received_at="23/11/2026 09:30"))
    async with open_app() as (app, pilot):
        await pilot.press("down")  # past the "needs core team" row on top (issue 11)
        await settle(pilot)
        assert "Quinn Zephyr" in _painted(app)
        await pilot.press("p")
        await settle(pilot)
        queue = _painted(app)
        assert "PRIVATE" in queue and "Quinn" not in queue and "Q.Z." in queue
        assert "999 000 0018" not in queue and "*** *** *018" in queue
        await pilot.press("2")
        await settle(pilot)
        shown = _painted(app)
        assert "PRIVATE" in shown and "Alex" not in shown and "Blake" not in shown
        assert "A.E." in shown and "Duty Worker One" in shown
        await pilot.press("3", "right_square_bracket", "right_square_bracket")
        await settle(pilot)
        shown = _painted(app)
        assert "A.E." in shown and "Alex" not in shown
        await pilot.press("p")
        await settle(pilot)
        assert "Alex Example" in _painted(app) and "PRIVATE" not in _painted(app)
        await pilot.press("1")
        await settle(pilot)
        assert "Quinn Zephyr" in _painted(app), "the queue follows the change too"


async def test_privacy_waits_until_a_window_is_closed(
    open_app,
    board: Board,  # noqa: F811 frozen_now: pendulum.DateTime
) -> None:
    async with open_app() as (app, pilot):
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("h")  # the client's history: a modal window
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert app.privacy is False, "not under an open window whose data it cannot redraw"
        await pilot.press("escape", "p")
        await settle(pilot)
        assert app.privacy is True and "Alex" not in _painted(app)


def test_masked_repository_passes_writes_through(
    repo: Repository, frozen_now: pendulum.DateTime
) -> None:
    referral = MaskedRepository(repo).add_referral(referral_input())
    assert repo.referral(referral).name == NAME, "stored as typed"
