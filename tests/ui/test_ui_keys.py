"""What a keyboard-only, remote user needs, through the real app: tick boxes that read without
colour, multi-pick dialogs that say who is picked, escape and quit that ask before typing is
lost, Home/End, one staff label (a tag, never cut short), and screens and dialogs that fit
at 60x20 with their status column and footer keys."""

from __future__ import annotations

from typing import Any

from textual.widgets import Button, Input, SelectionList, Static

from screens.attendance_dialog import AttendanceDialog
from screens.booking import BookingDialog
from screens.confirm import ConfirmDialog
from screens.core_team_dialog import CoreTeamDialog
from screens.key_line import KeyLine
from screens.keyed_table import KeyedTable
from screens.queue import QueueScreen
from screens.referral_form import ReferralForm
from screens.widgets import TICKED, UNTICKED, PickedLine, PickList, TickBox
from tests.conftest import referral_input
from tests.ui.test_ui_board_support import open_board, select_client
from tests.ui.test_ui_day_support import open_day, select_row
from tests.ui.test_ui_keys_burst import burst, typed
from tests.ui.test_ui_support import cell_text, make_app, screen_text, settle, table_of

NARROW = (60, 20)


def words(widget: Any) -> str:
    return str(widget.render())


# -- tick boxes and who is picked ------------------------------------------------------------
async def test_booking_ticks_read_without_colour_and_say_who_is_picked(open_app, board) -> None:
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await select_client(pilot, board.alex)
        await pilot.press("b")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, BookingDialog)
        boxes = list(dialog.query("#staff-ticks TickBox").results(TickBox))
        assert len(boxes) == 2
        assert all(words(box).startswith(TICKED) for box in boxes)
        picked = dialog.query_one("#staff-picked", PickedLine)
        assert words(picked) == "Picked (2): DO, PW"  # the staff tags, in words
        boxes[1].focus()
        await pilot.press("space")
        await settle(pilot)
        assert words(boxes[1]).startswith(UNTICKED)
        assert words(boxes[0]).startswith(TICKED)
        assert words(picked) == "Picked (1): DO"
        assert "[ ] PW" in screen_text(app)


async def test_attendance_ticks_and_words(open_app, team) -> None:
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        await select_row(pilot, f"m{team.earlier}")
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AttendanceDialog)
        first = dialog.query(TickBox).first()
        assert words(first).startswith(TICKED)
        first.focus()
        await pilot.press("space")
        await settle(pilot)
        assert words(first).startswith(UNTICKED)
        staff = words(dialog.query_one("#staff-picked", PickedLine))
        assert staff.startswith("Picked (1): ")
        assert first.label.plain not in staff


async def test_core_team_pick_list_marks_and_words(open_app, board) -> None:
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await select_client(pilot, board.alex)
        await pilot.press("t")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CoreTeamDialog)
        picker = dialog.query_one("#field-staff", PickList)
        text = screen_text(app)
        assert f"{TICKED} DO" in text and f"{TICKED} PW" in text  # the current team
        assert f"{UNTICKED} CT" in text
        picked = words(dialog.query_one("#picked", Static))
        assert "DO Duty Worker One (test) (key worker)" in picked
        assert "PW Peer Worker (test)" in picked
        picker.focus()
        picker.highlighted = next(
            index
            for index in range(picker.option_count)
            if picker.get_option_at_index(index).value == board.other
        )
        await pilot.press("space")
        await settle(pilot)
        assert f"{TICKED} CT" in screen_text(app)
        assert "CT Clinician Two (test)" in words(dialog.query_one("#picked", Static))
        assert isinstance(picker, SelectionList)
        await pilot.press("enter")  # Enter moves on; it never unticks (found by trying it)
        await settle(pilot)
        assert f"{TICKED} CT" in screen_text(app)
        assert not picker.has_focus


# -- unsaved typing: escape and quit ask -------------------------------------------------------
async def test_escape_on_an_unchanged_form_closes_at_once(open_app, make_referral) -> None:
    make_referral()
    async with open_app() as (app, pilot):
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ReferralForm)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_escape_on_a_changed_form_asks(open_app, make_referral) -> None:
    make_referral()
    async with open_app() as (app, pilot):
        burst(app, "nSam Kept (test)")
        await typed(pilot)
        form = app.screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "not saved" in screen_text(app)
        await pilot.press("n")  # keep editing
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#field-name", Input).value == "Sam Kept (test)"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")  # discard
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)


async def test_quit_with_an_unsaved_form_asks(open_app, make_referral) -> None:
    make_referral()
    async with open_app() as (app, pilot):
        burst(app, "nSam Unsaved (test)")
        await typed(pilot)
        form = app.screen
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#field-name", Input).value == "Sam Unsaved (test)"
        assert app.return_code is None
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert app.return_code == 0  # it exited


async def test_quit_without_a_form_does_not_ask(open_app, make_referral) -> None:
    make_referral()
    async with open_app() as (app, pilot):
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0


# -- Home and End ------------------------------------------------------------------------------
async def test_home_and_end_go_to_the_first_and_last_row(open_app, repo, frozen_now) -> None:
    for day in range(18, 23):
        repo.add_referral(
            referral_input(received_at=f"{day}/11/2026 09:00", name=f"Row {day} (test)")
        )
    async with open_app() as (app, pilot):
        table = table_of(app)
        assert table.cursor_row == 0
        await pilot.press("end")
        assert table.cursor_row == table.row_count - 1 == 4
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("ctrl+end")
        assert table.cursor_row == 4


# -- staff: one label, never cut; 60x20 ----------------------------------------------------------
async def test_staff_tag_not_cut_on_the_queue(open_app, repo, repo_as, make_referral) -> None:
    repo.add_staff("test-cfictional", "Callum Fictional (test)", "clinician")
    referral = make_referral()
    repo_as("test-cfictional").claim(referral)
    for size in ((80, 24), NARROW):
        async with open_app(size=size) as (app, pilot):
            assert cell_text(app, referral, "status") == "by CF"
            assert "test-cfict" not in screen_text(app).replace("test-cfictional", "")


async def test_staff_tags_on_the_day_view_at_both_sizes(open_app, team) -> None:
    for size in ((80, 24), NARROW):
        async with open_app(settled=False, size=size) as (app, pilot):
            day = await open_day(pilot)
            row = day.query_one("#day", KeyedTable).get_cell(f"m{team.meeting}", "staff").plain
            assert row.split() == ["DO", "PW"]
            assert "…" not in row


async def test_every_screen_keeps_status_and_footer_at_60x20(open_app, board) -> None:
    async with open_app(settled=False, size=NARROW) as (app, pilot):
        await settle(pilot)
        for key, status in (("1", "status"), ("2", "flag"), ("3", "status")):
            await pilot.press(key)
            await settle(pilot)
            screen = app.screen
            table = screen.main_table()
            assert status not in table.hidden_columns
            assert table.table_width <= NARROW[0] - 1
            footer = screen.query_one(KeyLine)
            shown = {span.key.key for span in footer.placed()}
            assert shown == {key.key for item in footer.items for key in item.keys}
            assert footer.region.bottom <= NARROW[1]
            for span in footer.placed():  # on screen, and not cut to nothing
                assert span.row < footer.size.height and span.end <= NARROW[0], span
                assert span.end - span.start >= len(span.key.display), span


async def test_dialogs_fit_at_60x20(open_app, make_referral, board) -> None:
    async with open_app(size=NARROW) as (app, pilot):
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen.query_one("#dialog")
        assert dialog.region.bottom <= NARROW[1] and dialog.region.right <= NARROW[0]
        save = app.screen.query_one("#save", Button)
        assert dialog.region.contains_region(save.region)  # the buttons are on screen
        await pilot.press("escape")
        await settle(pilot)
        await open_board(pilot)
        await pilot.press("b")
        await settle(pilot)
        dialog = app.screen.query_one("#dialog")
        assert dialog.region.bottom <= NARROW[1] and dialog.region.right <= NARROW[0]
        assert dialog.max_scroll_y > 0  # what does not fit scrolls inside the dialog


async def test_notices_do_not_cover_the_detail_pane(config, db, make_referral) -> None:
    make_referral()
    for size in ((80, 24), NARROW):
        app = make_app(config, db)
        async with app.run_test(size=size, notifications=True) as pilot:  # toasts drawn
            await settle(pilot)
            app.notify("A notice that is long enough to take two lines of a toast (test)")
            for _ in range(200):  # the toast is mounted after a refresh or two
                await pilot.pause()
                if app.screen.query("Toast"):
                    break
            toast = app.screen.query_one("Toast")
            detail = app.screen.query_one("#detail")
            assert toast.region.height and detail.region.height
            assert not toast.region.overlaps(detail.region)
