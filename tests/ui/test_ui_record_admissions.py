"""The client record's admissions section (``i``) and its documents (``L``, ``X``), issue 12
(docs), through the real app at 80x24 on a real SQLite file, every action from the keyboard."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from typing import Any

from textual.widgets import Input

from duty_desk.documents import docx_text
from screens.admission_form import AdmissionForm
from screens.document_dialog import PRIVACY_REFUSAL, DocumentDialog

from . import test_ui_board_support as support
from .test_ui_record import detail, footer_keys, header, open_alex, record_screen
from .test_ui_support import notifications, settle

board = support.board  # the fixture

TODAY = dt.date(2026, 11, 23)


async def _press(pilot: Any, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def test_recording_and_correcting_an_admission(open_app, board):
    repo = board.repo
    async with open_app(settled=False) as (app, pilot):
        screen = await open_alex(pilot, board)
        assert "record_admission_add" not in footer_keys(app).values()
        await _press(pilot, "i")
        assert screen.section == "i"
        assert "No hospital admissions recorded. a records one." in detail(app)
        assert footer_keys(app)["a"] == "record_admission_add"
        assert footer_keys(app)["e"] == "record_admission_edit"
        await _press(pilot, "e")  # nothing to correct yet
        assert any("Choose an admission" in n for n in notifications(app))
        await _press(pilot, "a")
        form = app.screen
        assert isinstance(form, AdmissionForm) and form.client_id == board.alex
        assert form.form_title == "Record a hospital admission: Alex Example (test)"
        await _press(pilot, *"today", "tab", "tab", "tab", "tab")
        await _press(pilot, *"Ward 9 (test)", "enter")
        assert record_screen(app) is screen
        assert any("Admission recorded (Alex Example (test))" in n for n in notifications(app))
        (admission,) = repo.admissions(board.alex)
        assert admission.admitted_on == TODAY and admission.in_hospital
        assert screen.main_table().row_count == 1
        assert "IN HOSPITAL" in header(app)
        assert "Hospital: Ward 9 (test)" in detail(app) and "not yet: in hospital" in detail(app)
        await _press(pilot, "e")
        form = app.screen
        assert isinstance(form, AdmissionForm) and form.admission == admission
        form.query_one("#field-discharged_on", Input).focus()
        await _press(pilot, *"today", "ctrl+s")
        assert record_screen(app) is screen
        assert any("Admission corrected (Alex Example (test))" in n for n in notifications(app))
        assert repo.admission(admission.id).discharged_on == TODAY
        assert "IN HOSPITAL" not in header(app)
        assert "Discharged: 23/11/2026" in detail(app)
        await _press(pilot, "h")
        history = screen.main_table()
        assert history.row_count >= 2
        actions = [e.action for e in repo.history("admission", admission.id)]
        assert actions == ["add admission", "edit admission"]


async def test_the_admission_keys_are_in_the_palette_while_shown(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        screen = await open_alex(pilot, board)
        names = [c.name for c in screen.palette_commands()]
        assert "Record a hospital admission" not in names
        assert "Write the GP transfer letter (.docx)" in names
        assert "Export the whole record (.json or .docx)" in names
        assert "Record: Admissions" in names
        await _press(pilot, "i")
        names = [c.name for c in screen.palette_commands()]
        assert "Record a hospital admission" in names
        assert "Correct the admission, or record the discharge from hospital" in names


async def test_the_gp_letter_from_any_section(open_app, board, tmp_path: Path):
    target = tmp_path / "alex-letter.docx"
    async with open_app(settled=False) as (app, pilot):
        screen = await open_alex(pilot, board)
        for section in ("m", "i"):
            await _press(pilot, section)
            assert footer_keys(app)["L"] == "record_letter"
            assert footer_keys(app)["X"] == "record_export"
        await _press(pilot, "L")
        dialog = app.screen
        assert isinstance(dialog, DocumentDialog) and dialog.kind == "gp_letter"
        assert dialog.form_title == "GP transfer letter: Alex Example (test)"
        dialog.query_one("#field-path", Input).value = str(target)
        await _press(pilot, "ctrl+s")
        assert record_screen(app) is screen
        assert any(
            f"GP transfer letter of Alex Example (test) written to {target}" in n
            for n in notifications(app)
        )
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    text = docx_text(str(target))
    assert "Re: Alex Example (test)" in text
    assert "is being discharged to your care on [to complete]" in text
    assert board.repo.history("client", board.alex)[-1].action == "gp transfer letter"


async def test_export_the_record_as_a_word_document(open_app, board, tmp_path: Path):
    target = tmp_path / "alex.docx"
    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        await _press(pilot, "X")
        dialog = app.screen
        assert isinstance(dialog, DocumentDialog) and dialog.kind == "export"
        dialog.query_one("#field-path", Input).value = str(target)
        await _press(pilot, "ctrl+s")
    assert "Client record: Alex Example (test)" in docx_text(str(target))


async def test_documents_are_refused_in_privacy_mode(open_app, board, tmp_path: Path):
    async with open_app(settled=False) as (app, pilot):
        screen = await open_alex(pilot, board)
        await _press(pilot, "p")
        assert app.privacy
        for key in ("L", "X"):
            await _press(pilot, key)
            assert app.screen is screen
        assert notifications(app).count(PRIVACY_REFUSAL) == 2


async def test_a_view_only_login_cannot_record_an_admission(open_app, board):
    async with open_app(settled=False, actor="visitor") as (app, pilot):
        screen = await open_alex(pilot, board)
        await _press(pilot, "i", "a")
        assert app.screen is screen
        assert any("view only" in n for n in notifications(app))
        await _press(pilot, "L")
        assert app.screen is screen
    assert board.repo.admissions(board.alex) == []
