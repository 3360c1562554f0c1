"""Triage decisions through the real app (issue 11): the guarded accept flow (confirm, core
team, first meeting), leaving it at each step and going on from the "needs" row, the
out-of-order and late reasons, and reversing a decision on the queue and on the board."""

from __future__ import annotations

from typing import Any

from sqlmodel import select
from textual.widgets import Input, Select, SelectionList, Static

from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.models import Meeting
from duty_desk.repository import Repository
from duty_desk.views import SetupNeed
from screens.accept_dialog import AcceptDialog
from screens.booking import BookingDialog
from screens.core_team_dialog import CoreTeamDialog
from screens.reason_dialog import ReasonDialog
from tests.conftest import DUTY

from .test_ui_board_support import Board, open_board
from .test_ui_support import (
    cursor_id,
    move_cursor_to,
    notifications,
    row_names,
    settle,
)


def intro(app: Any) -> str:
    return str(app.screen.query_one("#intro", Static).render())


async def confirm_accept(pilot: Any) -> None:
    """``a`` and the confirmation's enter (no reason needed)."""
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AcceptDialog)
    await pilot.press("enter")
    await settle(pilot)


async def accept_then_leave_the_core_team(pilot: Any) -> None:
    """The accept confirmed, then its core-team step left with escape (back on the queue)."""
    await confirm_accept(pilot)
    assert isinstance(pilot.app.screen, CoreTeamDialog)
    await pilot.press("escape")
    await settle(pilot)


async def choose_team(pilot: Any, staff: list[int]) -> None:
    dialog = pilot.app.screen
    assert isinstance(dialog, CoreTeamDialog)
    picker = dialog.query_one("#field-staff", SelectionList)
    for staff_id in staff:
        picker.select(staff_id)
    await settle(pilot)
    dialog.query_one("#field-key_worker", Select).value = staff[0]
    await pilot.press("ctrl+s")
    await settle(pilot)


def staff_pair(repo: Repository) -> list[int]:
    duty = repo.acting_staff()
    assert duty is not None
    return [duty.id, repo.add_staff("peer1", "Peer Worker (test)", "peer_support").id]


async def test_the_whole_accept_flow(open_app, repo: Repository, make_referral) -> None:
    staff = staff_pair(repo)
    referral = make_referral()
    async with open_app() as (app, pilot):
        await pilot.press("a")
        await settle(pilot)
        text = intro(app)
        assert "Places this week in Canterbury: 0 of 5 used" in text
        assert "Respond by Tue 24 Nov 09:00" in text
        assert repo.referral(referral).status == "new"  # nothing saved before confirming
        await pilot.press("enter")
        await settle(pilot)
        assert repo.referral(referral).status == "accepted"
        assert isinstance(app.screen, CoreTeamDialog)
        assert "First meeting by Tue 24 Nov 09:00" in intro(app)
        await choose_team(pilot, staff)
        assert isinstance(app.screen, BookingDialog)
        assert "First meeting by Tue 24 Nov 09:00" in intro(app)
        app.screen.query_one("#field-when", Input).value = "23/11 15:00"
        await pilot.press("enter")  # check
        await settle(pilot)
        await pilot.press("enter")  # book
        await settle(pilot)
        assert not isinstance(app.screen, BookingDialog)
        assert any("First meeting booked" in n for n in notifications(app))
        assert repo.awaiting_setup() == []
        assert row_names(app) == []


async def test_keys_typed_before_the_core_team_opens_wait_for_it(
    open_app, repo: Repository, make_referral
) -> None:
    """The accept is painted first and the core team opens a frame later; keys typed in
    between wait for it (``hold_keys``) and never reach the queue behind it: here ``a``,
    which on the queue would open another accept."""
    staff_pair(repo)
    make_referral()
    make_referral(name="Bea Example (test)")
    async with open_app() as (app, pilot):
        await accept_then_leave_the_core_team(pilot)
        queue = app.screen
        app.hold_keys()  # as the accept does when its confirmation closes
        await pilot.press("a")
        await settle(pilot)
        assert app.screen is queue and app.keys_waiting() == 1  # not gone to the queue
        client = repo.awaiting_setup()[0]
        app.push_screen(CoreTeamDialog(client.client_id, client.referral.name))
        await settle(pilot)
        assert isinstance(app.screen, CoreTeamDialog) and app.keys_waiting() == 0
        assert not any(isinstance(screen, AcceptDialog) for screen in app.screen_stack)
        app.hold_keys()
        await pilot.press("escape")
        app.release_keys()  # not opened after all: the key goes on where the focus is
        await settle(pilot)
        assert app.screen is queue


async def test_the_details_under_the_core_team_step_are_read_when_the_queue_is_back(
    open_app, repo: Repository, make_referral
) -> None:
    """While the accept's core-team step is open the queue behind it reads nothing for its
    details pane (the step's own reads go first); back on the queue, the pane shows the
    row under the cursor: the client just accepted, waiting for a core team."""
    staff_pair(repo)
    referral = make_referral()
    make_referral(name="Bea Example (test)")
    async with open_app() as (app, pilot):
        await accept_then_leave_the_core_team(pilot)
        assert cursor_id(app) == referral
        detail = str(app.screen.query_one("#detail-body", Static).render())
        assert detail.startswith("NEEDS CORE TEAM: accepted")
        assert "Alex Example (test)" in detail


async def test_escape_at_the_confirmation_changes_nothing(
    open_app, repo: Repository, make_referral
) -> None:
    referral = make_referral()
    async with open_app() as (app, pilot):
        version = repo.referral(referral).version
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, AcceptDialog)
        view = repo.referral(referral)
        assert (view.status, view.version) == ("new", version)
        assert row_names(app) == ["Alex Example (test)"]


async def test_escape_at_the_core_team_leaves_a_row_that_goes_on(
    open_app, repo: Repository, make_referral
) -> None:
    staff = staff_pair(repo)
    referral = make_referral()
    async with open_app() as (app, pilot):
        await confirm_accept(pilot)
        await pilot.press("escape")  # step 2 left
        await settle(pilot)
        assert repo.referral(referral).status == "accepted"  # the decision is kept
        assert row_names(app) == ["NEEDS TEAM Alex Example (test)"]
        assert cursor_id(app) == referral
        await pilot.press("enter")  # Enter on the row goes on at the core team
        await settle(pilot)
        assert isinstance(app.screen, CoreTeamDialog)
        await choose_team(pilot, staff)
        assert isinstance(app.screen, BookingDialog)
        await pilot.press("escape")  # step 3 left
        await settle(pilot)
        assert row_names(app) == ["NEEDS MTG Alex Example (test)"]
        [item] = repo.awaiting_setup()
        assert item.need is SetupNeed.first_meeting
        await pilot.press("a")  # a on the row goes on at the first meeting
        await settle(pilot)
        assert isinstance(app.screen, BookingDialog)


async def test_accepting_before_an_earlier_referral_needs_a_reason(
    open_app, repo: Repository, make_referral
) -> None:
    make_referral(name="First Arrival (test)", received_at="23/11/2026 08:00")
    later = make_referral(name="Later Arrival (test)", received_at="23/11/2026 09:00")
    async with open_app() as (app, pilot):
        await move_cursor_to(pilot, later)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AcceptDialog)
        assert "WAITING EARLIER" in intro(app) and "First Arrival (test)" in intro(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        error = str(dialog.query_one("#error-order", Static).render())
        assert error == "order reason is required"
        assert repo.referral(later).status == "new"
        dialog.query_one("#field-order", Input).value = "Higher risk (test)"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CoreTeamDialog)
        saved = repo.referral(later)
        assert (saved.status, saved.order_reason) == ("accepted", "Higher risk (test)")


async def test_a_late_first_meeting_needs_a_reason(
    open_app, db_path, repo: Repository, make_referral
) -> None:
    config = Config()  # the shipped default: the late-first-meeting rule on
    db = open_database(config, str(db_path))
    try:
        staff = staff_pair(repo)
        referral = make_referral()
        client = repo.accept(referral)
        repo.set_core_team(client, staff, staff[0], "Chosen on acceptance (test)")
        async with open_app(config=config, db=db) as (app, pilot):
            assert row_names(app) == ["NEEDS MTG Alex Example (test)"]
            await pilot.press("enter")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, BookingDialog)
            dialog.query_one("#field-when", Input).value = "24/11 11:00"
            await pilot.press("enter")  # check: after the respond-by time
            await settle(pilot)
            problems = str(dialog.query_one("#problems", Static).render())
            assert "after the respond-by time" in problems
            await pilot.press("enter")  # no reason yet
            await settle(pilot)
            assert app.screen is dialog
            assert str(dialog.query_one("#error-reason", Static).render())
            dialog.query_one("#field-reason", Input).value = "Family asked for Tuesday (test)"
            await pilot.press("enter")
            await settle(pilot)
            assert not isinstance(app.screen, BookingDialog)
        with db.session() as session:
            [meeting] = session.exec(select(Meeting)).all()
            assert meeting.late_reason == "Family asked for Tuesday (test)"
    finally:
        db.dispose()


async def test_reversing_on_the_queue(open_app, repo: Repository, make_referral) -> None:
    referral = make_referral()
    other = make_referral(name="Still Open (test)", received_at="23/11/2026 09:30")
    repo.accept(referral)
    async with open_app() as (app, pilot):
        await move_cursor_to(pilot, other)
        await pilot.press("u")  # an open referral: nothing to reverse
        await settle(pilot)
        assert not isinstance(app.screen, ReasonDialog)
        assert any("still open" in n for n in notifications(app))
        await pilot.press("up")  # the "needs core team" row on top
        await settle(pilot)
        assert cursor_id(app) == referral
        await pilot.press("u")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        assert "place" in str(dialog.query_one("#intro", Static).render())
        dialog.query_one("#field-reason", Input).value = "Accepted by mistake (test)"
        await pilot.press("enter")
        await settle(pilot)
        view = repo.referral(referral)
        assert (view.status, view.reversed_by) == ("new", DUTY)
        assert row_names(app) == ["Alex Example (test)", "Still Open (test)"]
        assert "Canterbury 5/5 left" in str(app.screen.query_one("IntakeBar").render())


async def test_reversing_on_the_board(open_app, board: Board) -> None:
    repo = board.repo
    async with open_app(settled=False) as (app, pilot):
        screen = await open_board(pilot)
        assert screen.selected_episode().client_id == board.blake  # no core team: on top
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ReasonDialog)
        app.screen.query_one("#field-reason", Input).value = "Accepted by mistake (test)"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ReasonDialog)
        assert board.blake not in [e.client_id for e in repo.board().episodes]
        await settle(pilot)  # the board's note and reload follow the dialog
        assert any("Acceptance reversed" in n for n in notifications(app))
        assert screen.selected_episode().client_id == board.alex
        await pilot.press("u")  # Alex has had meetings: refused, with the sentence
        await settle(pilot)
        app.screen.query_one("#field-reason", Input).value = "Wrong person (test)"
        await pilot.press("enter")
        await settle(pilot)
        assert any("already took place" in n for n in notifications(app))
        assert repo.referral(board.alex_referral).status == "accepted"


async def test_the_cursor_stays_with_the_client_left_part_way_and_d_is_refused_at_once(
    open_app, repo: Repository, make_referral
) -> None:
    """Found by trying it: after escape at the core team the cursor went to the next
    referral (the next a, d or u would act on someone else), and d on a NEEDS row opened
    the decline dialog only to refuse once the reason was typed."""
    staff_pair(repo)
    first = make_referral(name="First Arrival (test)", received_at="23/11/2026 08:00")
    make_referral(name="Second Arrival (test)", received_at="23/11/2026 09:00")
    async with open_app() as (app, pilot):
        assert cursor_id(app) == first
        await confirm_accept(pilot)
        await pilot.press("escape")  # the core team later
        await settle(pilot)
        assert row_names(app)[0] == "NEEDS TEAM First Arrival (test)"
        assert cursor_id(app) == first, "the cursor stays with the client just accepted"
        await pilot.press("d")
        await settle(pilot)
        assert not isinstance(app.screen, ReasonDialog), "refused before anything is typed"
        assert "already accepted" in " ".join(notifications(app))
        assert repo.referral(first).status == "accepted"
