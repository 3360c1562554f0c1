"""Pilot tests for closed hours and shift handover through the real app: the closed banner,
handing a referral over to the out-of-hours service with a reason, handover notes (queue,
board, handover view), the handover view and its keys (close a note, the duty rota), and
releasing someone else's stale claim."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pendulum
from textual.widgets import Input, SelectionList, Static

from duty_desk import timeutil
from duty_desk.repository import Repository
from screens.closed_banner import ClosedBanner
from screens.handover import HandoverScreen
from screens.note_dialog import NoteDialog
from screens.reason_dialog import ReasonDialog
from screens.rota_dialog import RotaDialog
from tests.conftest import MONDAY_10, referral_input

from .test_ui_support import (
    cell_text,
    detail_text,
    move_cursor_to,
    notifications,
    settle,
)

FRIDAY_EVENING = pendulum.datetime(2026, 11, 27, 20, 30, tz="Europe/London")


def banner_of(app: Any) -> ClosedBanner:
    banners = list(app.screen.query(ClosedBanner))
    assert len(banners) == 1  # one banner per screen, mounted by the live-list base
    return banners[0]


def handover_rows(app: Any) -> dict[str, str]:
    screen = app.screen
    assert isinstance(screen, HandoverScreen)
    table = screen.main_table()
    return {
        row.key: " ".join(cell.plain.strip() for cell in table.get_row(row.key))
        for row in table.ordered_rows
    }


async def test_the_banner_says_when_the_team_is_closed_and_when_it_reopens(
    open_app: Callable[..., Any], repo: Repository
) -> None:
    with timeutil.frozen(FRIDAY_EVENING):
        async with open_app() as (app, pilot):
            banner = banner_of(app)
            assert banner.display
            words = str(banner.render())
            assert "Team closed: reopens Mon 30 Nov 08:00" in words
            assert "out of hours: CRHT" in words
            await pilot.press("2")
            await settle(pilot)
            assert "reopens Mon 30 Nov 08:00" in str(banner_of(app).render())
    with timeutil.frozen(MONDAY_10):
        async with open_app() as (app, pilot):
            assert not banner_of(app).display


async def test_a_referral_due_while_closed_is_handed_over_with_a_reason(
    open_app: Callable[..., Any], repo: Repository
) -> None:
    with timeutil.frozen(FRIDAY_EVENING):
        late = repo.add_referral(referral_input(received_at="27/11/2026 09:00"))
        async with open_app() as (app, pilot):
            assert cell_text(app, late, "clock") == "12h30 closed"
            assert "due while the team is closed" in detail_text(app)
            await pilot.press("o")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, ReasonDialog)
            assert "Hand over to CRHT" in dialog.form_title
            await pilot.press("ctrl+s")  # no reason: refused under the field
            await settle(pilot)
            assert "reason is required" in str(dialog.query_one("#error-reason", Static).render())
            dialog.query_one("#field-reason", Input).value = "CRHT will phone tonight (test)"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, ReasonDialog)
            assert "Handed over to CRHT: Alex Example (test)." in notifications(app)
            assert cell_text(app, late, "status") == "to CRHT"
            assert "handed over to CRHT by duty1" in detail_text(app)
            assert "CRHT will phone tonight (test)" in detail_text(app)
    handed = repo.out_of_hours_handovers()[late]
    assert (handed.reason, handed.handed_by) == ("CRHT will phone tonight (test)", "duty1")


async def test_handover_notes_from_the_queue_show_in_the_details(
    open_app: Callable[..., Any], repo: Repository, make_referral: Callable[..., int]
) -> None:
    referral = make_referral()
    async with open_app() as (app, pilot):
        await pilot.press("N")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, NoteDialog)
        dialog.query_one("#field-note", Input).value = "bad \x1b[31m note"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "control characters" in str(dialog.query_one("#error-note", Static).render())
        dialog.query_one("#field-note", Input).value = "Call back after 4pm [urgent] (test)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteDialog)
        assert "Handover note: Call back after 4pm [urgent] (test)" in detail_text(app)
    assert [n.text for n in repo.notes(referral_id=referral)] == [
        "Call back after 4pm [urgent] (test)"
    ]


async def test_a_note_about_a_client_from_the_board(
    open_app: Callable[..., Any], repo: Repository, make_referral: Callable[..., int]
) -> None:
    client = repo.accept(make_referral())
    async with open_app() as (app, pilot):
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("N")
        await settle(pilot)
        assert isinstance(app.screen, NoteDialog)
        app.screen.query_one("#field-note", Input).value = "Key worker back Thursday (test)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Handover note added: Alex Example (test)." in notifications(app)
        await settle(pilot)
        detail = str(app.screen.query_one("#board-detail-body", Static).render())
        assert "Handover note: Key worker back Thursday (test)" in detail
    assert [n.text for n in repo.notes(client_id=client)] == ["Key worker back Thursday (test)"]


async def test_the_handover_view_lists_closes_notes_and_sets_the_rota(
    open_app: Callable[..., Any], repo: Repository, frozen_now: pendulum.DateTime
) -> None:
    repo.add_staff("duty2", "Duty Two (test)", "peer_support")
    overdue = repo.add_referral(referral_input(received_at="22/11/2026 08:00"))
    note = repo.add_note("Phone the GP (test)", referral_id=overdue)
    async with open_app() as (app, pilot):
        await pilot.press("4")
        await settle(pilot)
        rows = handover_rows(app)
        assert rows["s-none"].startswith("ON DUTY")
        assert rows[f"d{overdue}"].startswith("OVERDUE Mon 08:00 Alex Example (test)")
        assert "Phone the GP (test)" in rows[f"n{note}"]
        screen = app.screen
        screen.main_table().move_cursor_to_key(f"n{note}")
        await pilot.pause()
        await pilot.press("x")
        await settle(pilot)
        assert f"n{note}" not in handover_rows(app)
        assert "Note closed: Alex Example (test)." in notifications(app)
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RotaDialog)
        assert dialog.query_one("#field-date", Input).value == "23/11/2026"
        await pilot.press("space")  # the first person: Duty Two (test), by name
        await settle(pilot)
        assert "On duty (1): Duty Two (test)" in str(dialog.query_one("#picked").render())
        assert dialog.query_one("#field-staff", SelectionList).selected
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, RotaDialog)
        rows = handover_rows(app)
        assert "DT Duty Two (test)" in " ".join(rows.values())  # tag, then the name
    assert [s.login for s in repo.rota(MONDAY_10.date())] == ["duty2"]
    assert repo.notes(referral_id=overdue)[0].closed_by == "duty1"


async def test_privacy_mode_masks_names_in_the_handover_view(
    open_app: Callable[..., Any], repo: Repository, frozen_now: pendulum.DateTime
) -> None:
    overdue = repo.add_referral(referral_input(received_at="22/11/2026 08:00"))
    async with open_app() as (app, pilot):
        await pilot.press("4")
        await settle(pilot)
        assert "Alex Example (test)" in handover_rows(app)[f"d{overdue}"]
        await pilot.press("p")
        await settle(pilot)
        assert "Alex Example" not in " ".join(handover_rows(app).values())
        assert "A.E." in handover_rows(app)[f"d{overdue}"]


async def test_the_duty_worker_releases_a_stale_claim_with_a_reason(
    open_app: Callable[..., Any], repo: Repository, repo_as: Callable[[str], Repository]
) -> None:
    repo.add_staff("duty2", "Duty Two (test)", "peer_support")
    with timeutil.frozen(MONDAY_10):
        referral = repo.add_referral(referral_input())
        repo_as("duty2").claim(referral)
    with timeutil.frozen(MONDAY_10.add(minutes=90)):
        async with open_app() as (app, pilot):
            await move_cursor_to(pilot, referral)
            await settle(pilot)
            assert cell_text(app, referral, "status") == "FLAGGED"
            assert "FLAGGED: held long" in detail_text(app)
            await pilot.press("c")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, ReasonDialog)
            assert dialog.form_title == "Release a flagged claim"
            dialog.query_one("#field-reason", Input).value = "duty2 went home (test)"
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert not isinstance(app.screen, ReasonDialog)
            assert cell_text(app, referral, "status") == "new"
    view = repo.referral(referral)
    assert view.triage_by is None
    entry = repo.history("referral", referral)[-1]
    assert (entry.action, entry.after and entry.after["reason"]) == (
        "release claim",
        "duty2 went home (test)",
    )


async def test_no_out_of_hours_handover_for_a_referral_due_while_open(
    open_app: Callable[..., Any], make_referral: Callable[..., int]
) -> None:
    make_referral()  # due Tuesday 09:00, in team hours; it is Monday 10:00
    async with open_app() as (app, pilot):
        await pilot.press("o")
        await settle(pilot)
        assert not isinstance(app.screen, ReasonDialog)
        assert any("falls due while the team is open" in n for n in notifications(app))
