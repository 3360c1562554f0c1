"""The Friends and Family Test (issue 14, fft) through the real app at 80x24 on a real
SQLite file: ``f`` in any section of the client record, the answer by digit or arrows,
the "Why?" and the day; offered after a discharge and skipped with one key; bad inputs
refused with nothing written; the header's latest answer, the history, privacy mode."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.widgets import Input, Label, Static

from duty_desk import privacy
from duty_desk.vocabulary import FftAnswer
from screens.confirm import ConfirmDialog
from screens.fft_dialog import AnswerPicker, FftDialog
from screens.widgets import NotesArea

from . import test_ui_board_support as support
from .test_ui_board_support import board_screen, open_board, select_client
from .test_ui_record import detail, footer_keys, header, open_alex, record_screen
from .test_ui_support import notifications, settle

board = support.board  # the fixture

TODAY = dt.date(2026, 11, 23)
WHY = "Kind: they came to us [b]at home[/b] (test)"


async def _press(pilot: Any, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def _dialog(app: Any) -> FftDialog:
    screen = app.screen
    assert isinstance(screen, FftDialog), type(screen).__name__
    return screen


def _error(dialog: FftDialog, name: str) -> str:
    box = dialog.query_one(f"#error-{name}", Static)
    return str(box.render()) if box.display else ""


async def test_f_in_any_section_records_an_answer_by_digit(open_app, board):
    repo = board.repo
    async with open_app(settled=False) as (app, pilot):
        screen = await open_alex(pilot, board)
        assert "FFT" not in header(app)
        for section in ("n", "m", "h"):  # the key works whichever section is shown
            await _press(pilot, section)
            assert footer_keys(app)["f"] == "record_fft"
        await _press(pilot, "f")
        dialog = _dialog(app)
        assert dialog.form_title == "Friends and Family Test: Alex Example (test)"
        assert not dialog.at_discharge
        intro = str(dialog.query_one("#intro", Static).render())
        assert "Overall, how was your experience of our service?" in intro
        picker = dialog.query_one(AnswerPicker)
        assert picker.has_focus and picker.value == ""
        shown = str(picker.render())
        assert shown.splitlines() == [
            "1 ( ) Very good",
            "2 ( ) Good",
            "3 ( ) Neither good nor poor",
            "4 ( ) Poor",
            "5 ( ) Very poor",
            "6 ( ) Don't know",
        ]
        await _press(pilot, "2")  # Good; the focus stays on the answers
        assert picker.value == "good" and "2 (*) Good" in str(picker.render())
        assert picker.has_focus
        await _press(pilot, *"Kind")  # a letter starts the Why?: typed into it
        assert app.focused is not None and app.focused.id == "field-comment"
        dialog.query_one("#field-comment", NotesArea).insert(WHY.removeprefix("Kind"))
        await _press(pilot, "ctrl+s")
        assert record_screen(app) is screen
        assert any(
            "Friends and Family Test answer recorded (Alex Example (test))" in n
            for n in notifications(app)
        )
        (answer,) = repo.fft_answers(board.alex)
        assert answer.answer is FftAnswer.good and answer.comment == WHY
        assert answer.answered_on == TODAY and not answer.at_discharge
        assert "FFT Good 23/11/26" in header(app)
        await _press(pilot, "h")
        newest = str(screen.main_table().render_line(1).text)  # under the column headers
        assert "FFT" in newest and "record FFT answer" in newest
        screen.main_table().move_cursor(row=0)  # the cursor stayed on the row it was on
        await settle(pilot)
        assert "at home" in detail(app), "the comment in the history pane, as typed"
        assert "[b]" in detail(app), "user text shown literally, never as markup"


def _focused_label(dialog: FftDialog) -> str:
    """The labels shown in reverse: the field with the focus (seen without colour too)."""
    return " ".join(
        str(label.render())
        for label in dialog.query(".field > Label").results(Label)
        if label.rich_style.reverse
    )


async def test_a_digit_then_tab_puts_the_comment_in_why_where_the_focus_is_shown(open_app, board):
    """Found by the probe: a digit moved the focus to Why? unseen, and the Tab after it put
    the comment in the date field (refused, nothing saved)."""
    repo = board.repo
    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        await _press(pilot, "f")
        dialog = _dialog(app)
        picker = dialog.query_one(AnswerPicker)
        assert _focused_label(dialog) == "Answer (1-6)"
        await _press(pilot, "1", "3")  # a digit chooses; another changes it; focus stays
        assert picker.value == "neither" and picker.has_focus
        assert _focused_label(dialog) == "Answer (1-6)"
        assert footer_keys(app)["enter"] == "fft_answer_next"  # the footer: "enter Why?"
        await _press(pilot, "tab")  # answer -> Why?
        why = dialog.query_one("#field-comment", NotesArea)
        assert why.has_focus and _focused_label(dialog) == "Why?"
        assert why.region.height > 0 and dialog.screen.find_widget(why) is not None
        await _press(pilot, *"Quick")
        await _press(pilot, "tab")  # Why? -> date
        assert dialog.query_one("#field-answered_on", Input).has_focus
        assert _focused_label(dialog) == "Answered on"
        assert dialog.query_one("#field-answered_on", Input).value == "today", "untouched"
        await _press(pilot, "ctrl+s")
        (answer,) = repo.fft_answers(board.alex)
        assert (answer.answer, answer.comment) == (FftAnswer.neither, "Quick")


async def test_the_arrows_choose_and_the_day_can_be_changed(open_app, board):
    repo = board.repo
    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        await _press(pilot, "f")
        dialog = _dialog(app)
        picker = dialog.query_one(AnswerPicker)
        await _press(pilot, "down")
        assert picker.value == "very_good"
        await _press(pilot, "down", "down", "down", "down", "down", "down")  # stops at the end
        assert picker.value == "dont_know"
        await _press(pilot, "up")
        assert picker.value == "very_poor"
        await _press(pilot, "enter", "tab")  # on to Why?, then past it (empty) to the day
        day = dialog.query_one("#field-answered_on", Input)
        assert day.has_focus
        day.value = "20/11/2026"
        await _press(pilot, "enter")  # Enter on the last line saves
        (answer,) = repo.fft_answers(board.alex)
        assert (answer.answer, answer.answered_on, answer.comment) == (
            FftAnswer.very_poor,
            dt.date(2026, 11, 20),
            None,
        )
        assert "FFT Very poor 20/11/26" in header(app)


async def test_bad_inputs_are_refused_with_nothing_written(open_app, board):
    repo = board.repo
    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        await _press(pilot, "f")
        dialog = _dialog(app)
        await _press(pilot, "ctrl+s")  # no answer chosen
        assert app.screen is dialog
        assert "choose an answer: a digit 1-6" in _error(dialog, "answer")
        assert dialog.query_one(AnswerPicker).has_focus
        await _press(pilot, "7")  # not an answer: nothing chosen
        assert dialog.query_one(AnswerPicker).value == ""
        await _press(pilot, "1")
        assert _error(dialog, "answer") == "", "the message goes once an answer is chosen"
        dialog.query_one("#field-answered_on", Input).value = "tomorrow"
        await _press(pilot, "ctrl+s")
        assert app.screen is dialog
        assert _error(dialog, "answered_on")
        dialog.query_one("#field-answered_on", Input).value = "01/11/2026"  # before referral
        await _press(pilot, "ctrl+s")
        assert "before the referral was received (16/11/2026)" in _error(dialog, "answered_on")
        assert dialog.query_one("#field-answered_on", Input).value == "01/11/2026", "kept"
        assert repo.fft_answers(board.alex) == []
        await _press(pilot, "escape")  # something chosen: asked before it is lost
        assert isinstance(app.screen, ConfirmDialog)  # "Discard what you typed?"


async def test_offered_after_a_discharge_and_skipped_with_one_key(open_app, board):
    repo = board.repo
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await select_client(pilot, board.alex)
        await _press(pilot, "d")
        app.screen.query_one("#field-reason", Input).value = "Back to the GP (test)"
        await _press(pilot, "ctrl+s")
        dialog = _dialog(app)
        assert dialog.at_discharge and dialog.client_id == board.alex
        assert "escape skips it" in str(dialog.query_one("#intro", Static).render())
        await _press(pilot, "escape")  # one key
        assert board_screen(app) is app.screen
        assert repo.episode(board.alex).status == "discharged"
        assert repo.fft_answers(board.alex) == []


async def test_answered_at_discharge(open_app, board):
    repo = board.repo
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await select_client(pilot, board.alex)
        await _press(pilot, "d")
        app.screen.query_one("#field-reason", Input).value = "Back to the GP (test)"
        await _press(pilot, "ctrl+s")
        _dialog(app)
        await _press(pilot, "1", "ctrl+s")
        assert board_screen(app) is app.screen
        assert any("Friends and Family Test answer recorded" in n for n in notifications(app))
        (answer,) = repo.fft_answers(board.alex)
        assert answer.answer is FftAnswer.very_good and answer.at_discharge


async def test_privacy_mode_masks_the_comment_and_the_palette_names_the_command(open_app, board):
    repo = board.repo
    repo.record_fft_answer(board.alex, "neither", WHY, TODAY)
    async with open_app(settled=False) as (app, pilot):
        screen = await open_alex(pilot, board)
        names = [c.name for c in screen.palette_commands()]
        assert "Friends and Family Test: record an answer" in names
        await _press(pilot, "p")  # privacy mode
        assert app.privacy
        assert "FFT Neither good nor poor 23/11/26" in header(app), "the answer is kept"
        await _press(pilot, "h")
        text = detail(app)
        assert "at home" not in text and privacy.HIDDEN in text
