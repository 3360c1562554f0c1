"""Snapshots of the admission form and the document dialog at 80x24 (issue 12, docs),
pushed over the app as the record screen's keys will push them. Deterministic as
tests/ui/test_ui_dialog_snapshots.py is; regenerate with
``pytest tests/ui/test_ui_admission_snapshots.py --snapshot-update -n0`` and look at the SVGs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
from textual.pilot import Pilot
from textual.screen import Screen

from duty_desk import timeutil
from duty_desk.repository import Repository
from screens.admission_form import AdmissionForm
from screens.document_dialog import DocumentDialog
from tests.conftest import referral_input
from tests.ui.test_ui_support import SIZE, make_app, settle


def _client(repo: Repository) -> int:
    with timeutil.frozen(pendulum.datetime(2026, 11, 2, 10, 0, tz="Europe/London")):
        return repo.accept(repo.add_referral(referral_input(received_at="02/11/2026 09:00")))


def _shot(snap_compare: Any, config: Any, db: Any, screen: Screen[Any]) -> bool:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        pilot.app.push_screen(screen)
        await settle(pilot)

    return snap_compare(make_app(config, db, "duty1"), terminal_size=SIZE, run_before=run_before)


def test_admission_form_snapshot(snap_compare, config, db, repo: Repository, frozen_now):
    """Correcting a detained admission: its values filled in, the section chosen."""
    client = _client(repo)
    admission = repo.add_admission(
        client, dt.date(2026, 11, 10), dt.date(2026, 11, 20), "detained", "s2", "Ward 9 (test)"
    )
    form = AdmissionForm(client, "Alex Example (test)", repo.admission(admission))
    assert _shot(snap_compare, config, db, form)


def test_gp_letter_dialog_snapshot(snap_compare, config, db, repo: Repository, frozen_now):
    client = _client(repo)
    dialog = DocumentDialog(client, "Alex Example (test)", "gp_letter", dt.date(2026, 11, 23))
    assert _shot(snap_compare, config, db, dialog)


def test_record_admissions_section_snapshot(snap_compare, config, db, board):
    """The record's admissions section (i): one admission still in hospital (IN HOSPITAL in
    the header too), its detail below, the section's keys and L/X in the footer."""
    from tests.ui.test_ui_board_support import open_board, select_client

    board.repo.add_admission(
        board.alex, dt.date(2026, 11, 23), None, "detained", "s136", "Place of Safety (test)"
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_board(pilot)
        await select_client(pilot, board.alex)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)

    app = make_app(config, db, "duty1")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
