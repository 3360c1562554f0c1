"""Referral details through the real app at 80x24: correcting a referral from the queue and
from the board (`e`), bad input kept as typed, a stale save refused naming who changed it,
finding a declined referral (queue, ctrl+t) and a discharged client (board, / and ctrl+t),
the interpreter line, and a home visit prefilled with the client's address."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Select, Static

from duty_desk import timeutil
from screens.booking import BookingDialog
from screens.referral_form import ReferralEditForm

from .test_ui_board_support import board_screen, open_board, select_client
from .test_ui_board_support import clients as board_clients
from .test_ui_board_support import detail as board_detail
from .test_ui_board_support import status as board_status
from .test_ui_support import (
    cell_text,
    detail_text,
    move_cursor_to,
    notifications,
    queue_screen,
    row_names,
    settle,
)

DETAILS = {
    "address": "1 Example Street (test)",
    "postcode": "CT1 1AA",
    "language": "Polish",
    "interpreter": "yes",
    "referrer_name": "Dr Rowan Sample (test)",
    "referrer_contact": "rowan@example.org",
}


def field(app, name: str) -> Input:
    return app.screen.query_one(f"#field-{name}", Input)


def error(app, name: str) -> str:
    shown = app.screen.query_one(f"#error-{name}", Static)
    return str(shown.render()) if shown.display else ""


async def retype(pilot, app, name: str, text: str) -> None:
    """Focus a field, clear it and type into it (as a person would, key by key)."""
    widget = field(app, name)
    widget.focus()
    widget.value = ""
    await pilot.pause()
    await pilot.press(*("space" if c == " " else c for c in text))
    await settle(pilot)


async def test_correcting_a_referral_from_the_queue(open_app, repo, make_referral):
    referral_id = make_referral()
    async with open_app() as (app, pilot):
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReferralEditForm)
        assert field(app, "name").value == "Alex Example (test)"
        assert field(app, "nhs_number").value == "999 000 0018"
        assert field(app, "date_of_birth").value == "01/02/1990"
        await retype(pilot, app, "postcode", "ct1 1aa")
        await retype(pilot, app, "language", "Polish")
        app.screen.query_one("#field-interpreter", Select).value = "yes"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ReferralEditForm)
        assert "Details corrected: Alex Example (test)." in notifications(app)
        assert "INTERPRETER NEEDED: Polish" in detail_text(app)
        assert "Address: CT1 1AA" in detail_text(app)
    saved = repo.referral(referral_id)
    assert (saved.postcode, saved.language, saved.interpreter) == ("CT1 1AA", "Polish", True)
    entry = repo.history("referral", referral_id)[-1]
    assert entry.action == "correct details"
    assert entry.before == {"postcode": "", "language": "", "interpreter": False}


async def test_bad_input_keeps_what_was_typed_and_saves_nothing(open_app, repo, make_referral):
    referral_id = make_referral()
    before = repo.referral(referral_id)
    async with open_app() as (app, pilot):
        await pilot.press("e")
        await settle(pilot)
        await retype(pilot, app, "name", "Alex [b]Renamed[/b] (test)")
        await retype(pilot, app, "postcode", "CT1")
        await retype(pilot, app, "nhs_number", "999 000 0019")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralEditForm), "the form stays open"
        assert "not a UK postcode (like CT1 1AA)" in error(app, "postcode")
        assert "check digit" in error(app, "nhs_number")
        assert error(app, "name") == ""
        assert field(app, "postcode").value == "CT1"
        assert field(app, "name").value == "Alex [b]Renamed[/b] (test)"
    assert repo.referral(referral_id) == before


async def test_a_stale_edit_is_refused_naming_who_changed_it(
    open_app, repo, repo_as, make_referral
):
    referral_id = make_referral()
    repo.add_staff("duty2", "Duty Worker Two (test)", "clinician")
    async with open_app() as (app, pilot):
        await pilot.press("e")
        await settle(pilot)
        version = repo.referral(referral_id).version
        repo_as("duty2").update_referral(
            referral_id, {"phone": "01632 960999"}, expected_version=version
        )
        await retype(pilot, app, "address", "2 Sample Road (test)")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralEditForm), "the form stays with what was typed"
        assert field(app, "address").value == "2 Sample Road (test)"
        told = " ".join(notifications(app))
        assert "changed by duty2" in told and "Nothing was saved" in told
    saved = repo.referral(referral_id)
    assert (saved.address, saved.phone) == ("", "01632 960999")


async def test_a_decided_referrals_area_and_urgency_cannot_be_changed(
    open_app, repo, make_referral
):
    declined = make_referral(name="Declined Example (test)")
    repo.decline(declined, "Not for POD (test)")
    async with open_app() as (app, pilot):
        await pilot.press("ctrl+t")
        await settle(pilot)
        await move_cursor_to(pilot, declined)
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.query_one("#field-area", Select).disabled
        assert app.screen.query_one("#field-urgency", Select).disabled
        assert "area and urgency stay" in str(app.screen.query_one("#intro", Static).render())
        await retype(pilot, app, "referrer_name", "Dr Sample (test)")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert repo.referral(declined).referrer_name == "Dr Sample (test)"


async def test_finding_a_declined_referral(open_app, repo, make_referral):
    open_id = make_referral(name="Open Example (test)", received_at="23/11/2026 08:00")
    declined = make_referral(name="Declined Example (test)", nhs_number="")
    repo.decline(declined, "Not for POD (test)")
    async with open_app() as (app, pilot):
        assert row_names(app) == ["Open Example (test)"]
        await pilot.press("slash", *"declined", "enter")
        await settle(pilot)
        assert row_names(app) == [], "the open referrals only, at first"
        assert "No open referrals match 'declined'" in detail_text(app)
        assert "ctrl+t looks in decided referrals" in detail_text(app)
        await pilot.press("ctrl+t")
        await settle(pilot)
        screen = queue_screen(app)
        assert "in decided referrals" in str(screen.query_one("#find-status", Static).render())
        assert row_names(app) == ["Declined Example (test)"]
        assert cell_text(app, declined, "clock") == "DECLINED"
        assert cell_text(app, declined, "status") == "duty1"
        assert "Decision: DECLINED by duty1" in detail_text(app)
        assert "Why: Not for POD (test)" in detail_text(app)
        assert screen.current().status == "declined", "the row's status is on its view"
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "in all referrals" in str(screen.query_one("#find-status", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert row_names(app) == ["Open Example (test)"]
        assert screen.find_status == "open"
    assert open_id


async def test_finding_a_discharged_client_on_the_board(open_app, board):
    repo = board.repo
    with timeutil.frozen(timeutil.now() + dt.timedelta(minutes=1)):
        repo.discharge(board.blake, "primary_care", dt.date(2026, 11, 23), "Back to GP (test)")
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        assert board_clients(app) == ["Alex Example (test)"]
        await pilot.press("slash", *"blake", "enter")
        await settle(pilot)
        assert board_clients(app) == []
        assert "No open clients found" in board_detail(app)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert board_clients(app) == ["Blake Sample (test)"]
        assert "FIND 'blake' 1 of discharged clients" in board_status(app)
        assert "DISCHARGED 23/11/2026 (primary care): Back to GP (test)" in board_detail(app)
        await pilot.press("escape")
        await settle(pilot)
        assert board_clients(app) == ["Alex Example (test)"]
        assert not board_screen(app).finding


async def test_correcting_a_clients_referral_from_the_board(open_app, board):
    repo = board.repo
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await select_client(pilot, board.alex)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ReferralEditForm)
        assert app.screen.query_one("#field-area", Select).disabled, "accepted: area fixed"
        await retype(pilot, app, "language", "Nepali")
        app.screen.query_one("#field-interpreter", Select).value = "yes"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ReferralEditForm)
        assert "INTERPRETER NEEDED: Nepali" in board_detail(app)
    referral = repo.referral(board.alex_referral)
    assert (referral.language, referral.interpreter) == ("Nepali", True)


async def test_editing_is_refused_in_privacy_mode(open_app, make_referral):
    make_referral()
    async with open_app() as (app, pilot):
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert not isinstance(app.screen, ReferralEditForm)
        assert any("Privacy mode hides the details" in n for n in notifications(app))


async def test_a_home_visit_is_prefilled_with_the_clients_address(open_app, repo, frozen_now):
    from tests.conftest import referral_input

    client = repo.accept(repo.add_referral(referral_input(**DETAILS)))
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await select_client(pilot, client)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BookingDialog)
        place = app.screen.query_one("#field-place", Select)
        assert place.value == "base", "a first meeting still defaults to the team base"
        place.value = "home"
        await settle(pilot)
        address = app.screen.query_one("#field-address", Input)
        assert address.value == "1 Example Street (test), CT1 1AA"
        assert address.parent is not None and address.parent.display


async def test_privacy_mode_hides_the_address_and_the_referrers_contact(open_app, make_referral):
    make_referral(**DETAILS)
    async with open_app() as (app, pilot):
        shown = detail_text(app)
        assert "1 Example Street (test), CT1 1AA" in shown and "rowan@example.org" in shown
        await pilot.press("p")
        await settle(pilot)
        hidden = detail_text(app)
        assert "Address: (hidden), CT1 ***" in hidden
        assert "Referred by: D.R.S., (hidden)" in hidden
        assert "Example Street" not in hidden and "rowan@" not in hidden
        assert "INTERPRETER NEEDED: Polish" in hidden, "the need stays visible"
