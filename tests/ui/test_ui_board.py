"""The continuity board through the real app at 80x24 (``run_test``) on a real SQLite file:
every action from the keyboard, and what the board shows."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import textwrap
import time

from textual.binding import Binding
from textual.widgets import DataTable, Input, Select, SelectionList, Static

from screens.absence_form import AbsenceForm
from screens.absence_impact import AbsenceImpact
from screens.client_meetings import ClientMeetings
from screens.core_team_dialog import CoreTeamDialog
from screens.discharge_form import DischargeForm
from screens.history import HistoryScreen
from screens.referral_view import ReferralScreen

from . import test_ui_board_support as support
from .test_ui_board_support import (
    board_screen,
    cell,
    clients,
    detail,
    open_board,
    select_client,
    status,
    table,
)
from .test_ui_support import notifications, screen_text, settle

board = support.board  # the fixture


async def test_board_shows_teams_continuity_and_problems(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        screen = await open_board(pilot)
        # Problems first: Blake has no core team and no key worker.
        assert clients(app) == ["Blake Sample (test)", "Alex Example (test)"]
        assert cell(app, board.blake, "key") == "NONE"
        assert cell(app, board.blake, "team") == "none"
        assert cell(app, board.blake, "flag").startswith("!")
        assert cell(app, board.alex, "team") == "DO* PW"  # duty1 key worker, a peer: no flag
        assert cell(app, board.alex, "key") == "DO"
        assert cell(app, board.alex, "core") == "100%"
        assert cell(app, board.alex, "upc") != "--"
        assert cell(app, board.alex, "next") == "Wed 11:00"
        assert cell(app, board.alex, "last") == "3d ago"
        assert cell(app, board.blake, "core") == "--"  # fewer than two meetings
        assert "2 open episodes" in status(app)
        assert screen.current_key() == str(board.blake)
        assert "NONE: every client needs a named key worker" in detail(app)
        assert "not enough meetings yet (0 meetings held)" in detail(app)
        await select_client(pilot, board.alex)
        text = detail(app)
        assert "2 meetings held; with core team 100%, with key worker 100%" in text
        assert "UPC" in text and "COC" in text and "SECON" in text
        assert "Peer Worker (test) (peer support worker)" in text


async def test_assign_core_team_needs_a_reason_and_is_in_the_history(open_app, board):
    repo = board.repo
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await select_client(pilot, board.blake)
        await pilot.press("t")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CoreTeamDialog)
        picker = dialog.query_one("#field-staff", SelectionList)
        # Most room first: everyone has room 12 but duty1 and peer1 have one client each.
        assert picker.get_option_at_index(0).value == board.other
        picker.select(board.other)
        picker.select(board.peer)
        await settle(pilot)
        picked = str(dialog.query_one("#picked", Static).render())  # in words, not colour only
        assert picked == "Picked (2): CT Clinician Two (test), PW Peer Worker (test)"
        dialog.query_one("#field-key_worker", Select).value = board.other
        await pilot.press("ctrl+s")  # no reason
        await settle(pilot)
        assert app.screen is dialog
        assert "required" in str(dialog.query_one("#error-reason", Static).render())
        assert repo.episode(board.blake).core_team == ()
        dialog.query_one("#field-reason", Input).value = "Has room; peer [b]asked[/b] (test)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, CoreTeamDialog)
        episode = repo.episode(board.blake)
        assert {m.login for m in episode.core_team} == {"clin2", "peer1"}
        assert episode.key_worker is not None and episode.key_worker.login == "clin2"
        entry = [e for e in repo.history("client", board.blake) if e.action == "core team"][-1]
        assert entry.after["reason"] == "Has room; peer [b]asked[/b] (test)"
        assert cell(app, board.blake, "key") == "CT"
        assert cell(app, board.blake, "team") == "CT* PW"
        # ... and the client's history (h) shows it, the reason literally.
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        shown = str(app.screen.query_one("#history-body", Static).render())
        assert "core team" in shown and "Has room; peer [b]asked[/b] (test)" in shown


async def test_core_team_dialog_refuses_one_person_and_no_key_worker(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await select_client(pilot, board.blake)
        await pilot.press("t")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#field-staff", SelectionList).select(board.other)
        await settle(pilot)
        dialog.query_one("#field-key_worker", Select).clear()
        dialog.query_one("#field-reason", Input).value = "Trying one (test)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "two or three" in str(dialog.query_one("#error-staff", Static).render())
        assert "key worker" in str(dialog.query_one("#error-key_worker", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert board.repo.episode(board.blake).core_team == ()


def worklist_text(impact: AbsenceImpact) -> str:
    """The worklist as read: the summary, every row, the highlighted row's detail."""
    from textual.widgets import OptionList

    listing = impact.query_one("#impact-list", OptionList)
    rows = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
    parts = [str(impact.query_one(f"#impact-{name}", Static).render()) for name in ("body",)]
    detail = str(impact.query_one("#impact-detail", Static).render())
    return "\n".join([*parts, *rows, detail])


async def test_record_absence_then_every_affected_client_and_meeting(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AbsenceForm)
        form.query_one("#field-staff", Select).value = str(board.peer)
        form.query_one("#field-starts_on", Input).value = "tue"
        form.query_one("#field-ends_on", Input).value = "27/11"
        form.query_one("#field-kind", Select).value = "sickness"
        await pilot.press("ctrl+s")
        await settle(pilot)
        impact = app.screen
        assert isinstance(impact, AbsenceImpact)
        text = worklist_text(impact)
        assert "Peer Worker (test): sickness 24/11/2026 to 27/11/2026" in text
        assert "1 client affected, 1 booked meeting in the absence" in text
        assert "TO DO Wed 25 Nov 11:00  Alex Example (test)" in text
        assert "Suggested cover: CT Clinician Two (test)" in text
        await pilot.press("escape")
        await settle(pilot)
        assert board_screen(app) is app.screen
        # The break appears on the board: a core-team member away with a meeting booked.
        assert "BREAK" in status(app)
        await pilot.press("w")
        await settle(pilot)
        assert cell(app, board.peer, "away", "staff") == "sickness 24/11-27/11"


async def test_absence_form_keeps_what_was_typed_on_a_bad_date(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        form.query_one("#field-staff", Select).value = str(board.peer)
        form.query_one("#field-starts_on", Input).value = "fri"
        form.query_one("#field-ends_on", Input).value = "the 31st of Smarch"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Cannot read" in str(form.query_one("#error-ends_on", Static).render())
        assert form.query_one("#field-ends_on", Input).value == "the 31st of Smarch"
        assert board.repo.absences() == []


async def test_discharge_leaves_the_board_and_stays_in_history(open_app, board):
    repo = board.repo
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await select_client(pilot, board.alex)
        await pilot.press("d")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, DischargeForm)
        await pilot.press("ctrl+s")  # no reason
        await settle(pilot)
        assert app.screen is form
        form.query_one("#field-reason", Input).value = "Wants to carry on with the GP (test)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        # issue 14 (fft): the Friends and Family Test is offered next; escape skips it
        assert type(app.screen).__name__ == "FftDialog"
        await pilot.press("escape")
        await settle(pilot)
        assert board_screen(app) is app.screen
        assert clients(app) == ["Blake Sample (test)"]
        episode = repo.episode(board.alex)
        assert episode.status == "discharged"
        assert episode.discharge_kind == "primary_care"
        assert any(e.action == "discharge" for e in repo.history("client", board.alex))
        assert any("Discharged: Alex Example (test)" in n for n in notifications(app))


async def test_the_discharge_form_opens_on_its_first_field(open_app, board):
    """Found by the probe: it opened on the reason (its third field), the ending unseen."""
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await select_client(pilot, board.alex)
        await pilot.press("d")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, DischargeForm)
        assert app.focused is not None and app.focused.id == "field-kind"
        await pilot.press("tab")
        assert app.focused.id == "field-on"
        await pilot.press("tab", *"Back to the GP")
        await settle(pilot)
        assert form.query_one("#field-reason", Input).value == "Back to the GP"


async def test_filter_by_staff_member_and_escape_clears(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press(*"peer1", "enter")
        await settle(pilot)
        assert clients(app) == ["Alex Example (test)"]
        assert "Filter: PW Peer Worker (test)" in status(app)
        await pilot.press("escape")
        await settle(pilot)
        assert clients(app) == ["Blake Sample (test)", "Alex Example (test)"]
        assert "Filter" not in status(app)
        # From the staff list, enter filters to that person.
        await pilot.press("w")
        await settle(pilot)
        grid = table(app, "staff")
        grid.move_cursor(row=grid.get_row_index(str(board.other)))
        await pilot.press("enter")
        await settle(pilot)
        assert board_screen(app).view == "episodes"
        assert clients(app) == []
        assert "Nobody's core team includes them" in detail(app)


async def test_breaks_view_lists_them_and_enter_goes_to_the_client(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        screen = await open_board(pilot)
        assert "BREAK" in status(app) and "(k lists them)" in status(app)
        await pilot.press("k")
        await settle(pilot)
        assert screen.view == "breaks"
        grid = table(app, "breaks")
        assert grid.display and not table(app).display
        kinds = [grid.get_cell(row.key, "kind").plain.strip() for row in grid.ordered_rows]
        assert "no key worker" in kinds
        row = kinds.index("no key worker")
        grid.move_cursor(row=row)
        await settle(pilot)
        assert "Blake Sample (test)" in detail(app)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.view == "episodes"
        assert screen.current_key() == str(board.blake)
        await pilot.press("k", "k")  # k again goes back
        await settle(pilot)
        assert screen.view == "episodes"


async def test_meetings_referral_and_the_day_view(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await select_client(pilot, board.alex)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        shown = str(app.screen.query_one("#referral-body", Static).render())
        assert "Crisis referral via SPoA (test)" in shown
        assert "accepted by duty1" in shown
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        meetings = app.screen
        assert isinstance(meetings, ClientMeetings)
        grid = meetings.query_one("#meetings", DataTable)
        assert grid.row_count == 3
        # The cursor starts on the next booked meeting; enter opens its day.
        assert grid.coordinate_to_cell_key(grid.cursor_coordinate).row_key.value == str(
            board.booked
        )
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "day"
        day = app.screen
        assert str(day.day) == "2026-11-25"
        assert day.current_key() == f"m{board.booked}"


async def test_b_opens_booking_for_the_client(open_app, board):
    from screens.booking import BookingDialog

    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await select_client(pilot, board.blake)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BookingDialog)
        assert app.screen.client_id == board.blake


async def test_accept_in_the_queue_goes_straight_to_the_core_team(open_app, repo, make_referral):
    peer = repo.add_staff("peer1", "Peer Worker (test)", "peer_support")
    other = repo.add_staff("clin2", "Clinician Two (test)", "clinician")
    referral_id = make_referral()
    async with open_app() as (app, pilot):
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")  # the confirmation
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CoreTeamDialog)
        assert dialog.query_one("#field-reason", Input).value == "Chosen on acceptance"
        picker = dialog.query_one("#field-staff", SelectionList)
        picker.select(peer.id)
        picker.select(other.id)
        await settle(pilot)
        dialog.query_one("#field-key_worker", Select).value = peer.id
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, CoreTeamDialog)
        client = repo.client_for_referral(referral_id)
        assert client is not None
        episode = repo.episode(client)
        assert {m.login for m in episode.core_team} == {"peer1", "clin2"}
        assert episode.key_worker is not None and episode.key_worker.login == "peer1"
        assert any("Core team saved" in n for n in notifications(app))


async def test_accept_then_cancel_leaves_a_problem_on_the_board(open_app, repo, make_referral):
    referral_id = make_referral()
    async with open_app() as (app, pilot):
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("enter")  # the confirmation
        await settle(pilot)
        assert isinstance(app.screen, CoreTeamDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert any("needs a core team" in n for n in notifications(app))
        await pilot.press("2")
        await settle(pilot)
        client = repo.client_for_referral(referral_id)
        assert cell(app, client, "key") == "NONE"


async def test_markup_and_escapes_in_names_show_literally(open_app, db_path, board):
    raw = sqlite3.connect(db_path)
    with raw:
        raw.execute(
            "UPDATE referral SET name = ? WHERE id = ?",
            ("[bold]Robin[/bold] \x1b[31m (test)", board.alex_referral),
        )
    raw.close()
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await select_client(pilot, board.alex)
        text = screen_text(app)
        assert "[bold]Robin[/bold] ^[[31m (test)" in text
        assert "\x1b" not in detail(app)
        assert "[bold]Robin[/bold] ^[[31m (test)" in detail(app)


async def test_palette_has_the_board_actions(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        screen = await open_board(pilot)
        names = {command.name for command in screen.palette_commands()}
        assert {
            "Core team and key worker",
            "Record absence",
            "Filter by staff member",
            "Client's meetings",
            "Original referral",
            "Discharge",
            "Client history",
            "Book next meeting",
            "Breaks in continuity",
            "Staff caseloads",
        } <= names


async def test_view_only_login_cannot_change_the_team(open_app, board):
    async with open_app(actor="visitor", settled=False) as (app, pilot):
        await open_board(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert not isinstance(app.screen, CoreTeamDialog)
        assert any("staff" in n.lower() for n in notifications(app))


OTHER_PROCESS = textwrap.dedent("""
    import sys

    import pendulum

    from duty_desk import timeutil
    from duty_desk.config import Config
    from duty_desk.db import open_database
    from duty_desk.repository import Repository

    timeutil.set_now(pendulum.datetime(2026, 11, 23, 10, 5, tz="Europe/London"))
    config = Config()
    db = open_database(config, sys.argv[1])
    repo = Repository(db, config, actor="peer1")
    client, staff = (int(part) for part in sys.argv[2:4])
    key = int(sys.argv[4])
    repo.set_core_team(client, [staff, key], key, "Changed elsewhere (test)")
    db.dispose()
""")


async def test_a_change_in_another_process_appears_in_place(open_app, db_path, board):
    async with open_app(settled=False) as (app, pilot):
        screen = await open_board(pilot)
        await select_client(pilot, board.alex)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            OTHER_PROCESS,
            str(db_path),
            str(board.blake),
            str(board.other),
            str(board.peer),
        )
        assert await asyncio.wait_for(process.wait(), 60) == 0
        started = time.monotonic()
        while time.monotonic() - started < 15:
            await pilot.pause(0.05)
            if cell(app, board.blake, "key") == "PW":
                break
        assert cell(app, board.blake, "key") == "PW", "the change never appeared"
        assert screen.current_key() == str(board.alex), "the cursor moved"


async def test_h_in_the_staff_list_shows_the_staff_members_history(open_app, board):
    board.repo.set_capacity("clin2", 4)
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await pilot.press("w")
        await settle(pilot)
        grid = table(app, "staff")
        grid.move_cursor(row=grid.get_row_index(str(board.other)))
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        shown = screen_text(app)
        assert "Clinician Two (test)" in shown
        assert "add staff" in shown and "set capacity" in shown


async def test_every_key_in_the_boards_footer_is_also_in_the_palette(open_app, board):
    """Keyboard first: each action shown in the footer has a palette command (the board's
    N, the handover note, had none)."""
    async with open_app(settled=False) as (app, pilot):
        screen = await open_board(pilot)
        await select_client(pilot, board.alex)
        runs = {getattr(command.run, "__func__", None) for command in screen.palette_commands()}
        missing = [
            binding.key
            for binding in type(screen).BINDINGS
            if isinstance(binding, Binding)
            and binding.show
            and not binding.action.startswith("app.")
            and getattr(type(screen), f"action_{binding.action}") not in runs
        ]
        assert missing == []


async def test_discharge_says_first_that_booked_meetings_go_and_an_open_flag_stays(open_app, board):
    """Found by the probe: a discharge cancelled the booked meetings and left an open
    safeguarding flag without a word. The dialog now says both before anything is done."""
    board.repo.raise_flag("adult", "Adult concern (test)", client_id=board.alex)
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        for client, expected in ((board.alex, True), (board.blake, False)):
            await select_client(pilot, client)
            await pilot.press("d")
            await settle(pilot)
            assert isinstance(app.screen, DischargeForm)
            intro = str(app.screen.query_one("#intro", Static).render())
            said = "Booked meetings from now are cancelled (the next: Wed 25 Nov 11:00)"
            assert (said in intro) is expected
            assert ("The open safeguarding flag stays open" in intro) is expected
            await pilot.press("escape")  # nothing typed: the dialog closes, nothing done
            await settle(pilot)
            assert not isinstance(app.screen, DischargeForm)
