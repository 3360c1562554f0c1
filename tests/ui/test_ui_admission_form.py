"""The admission form and the document dialog on their own (issue 12, docs): pushed over the
app in an ``open_app`` test, filled from the keyboard, saved through the repository.
Their keys on the client record are tested in tests/ui/test_ui_record_admissions.py."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from typing import Any

import pendulum
from textual.widgets import Input, Select, Static

from duty_desk import timeutil
from duty_desk.documents import docx_text
from duty_desk.repository import Repository
from duty_desk.vocabulary import LegalStatus, MhaSection
from screens.admission_form import AdmissionForm
from screens.document_dialog import DocumentDialog, suggested_path
from tests.conftest import referral_input
from tests.ui.test_ui_support import notifications, settle

ACCEPTED = pendulum.datetime(2026, 11, 2, 10, 0, tz="Europe/London")


def _client(repo: Repository) -> int:
    with timeutil.frozen(ACCEPTED):
        return repo.accept(repo.add_referral(referral_input(received_at="02/11/2026 09:00")))


async def _push(pilot: Any, screen: Any) -> list[Any]:
    results: list[Any] = []
    pilot.app.push_screen(screen, results.append)
    await settle(pilot)
    return results


async def test_recording_an_admission_from_the_keyboard(open_app, repo: Repository, frozen_now):
    client = _client(repo)
    async with open_app() as (app, pilot):
        form = AdmissionForm(client, "Alex Example (test)")
        results = await _push(pilot, form)
        assert app.screen is form
        assert "Alex Example (test)" in str(form.query_one("#form-title", Static).render())
        assert app.focused is form.query_one("#field-admitted_on", Input)
        await pilot.press(*"20/11/2026", "tab", "tab")  # discharged: empty, still in hospital
        await pilot.press("enter", "down", "enter")  # status: detained
        await settle(pilot)
        assert form.query_one("#field-legal_status", Select).value == "detained"
        await pilot.press("ctrl+s")  # no section, no hospital: both told, nothing saved
        await settle(pilot)
        assert app.screen is form and results == []
        errors = {
            name: str(form.query_one(f"#error-{name}", Static).render())
            for name in ("mha_section", "hospital")
        }
        assert "give the section of the Mental Health Act" in errors["mha_section"]
        assert "hospital is required" in errors["hospital"]
        assert app.focused is form.query_one("#field-mha_section", Select)
        form.query_one("#field-mha_section", Select).value = "s2"
        form.query_one("#field-hospital", Input).focus()
        await pilot.press(*"Ward [b]9[/b] (test)", "enter")  # enter on the last line saves
        await settle(pilot)
        assert app.screen is not form
    (admission,) = repo.admissions(client)
    assert results == [admission.id]
    assert admission.admitted_on == dt.date(2026, 11, 20) and admission.in_hospital
    assert admission.legal_status is LegalStatus.detained
    assert admission.mha_section is MhaSection.s2
    assert admission.hospital == "Ward [b]9[/b] (test)", "markup kept as typed"


async def test_correcting_an_admission_checks_the_version(
    open_app, repo: Repository, repo_as, frozen_now
):
    client = _client(repo)
    admission_id = repo.add_admission(
        client, dt.date(2026, 11, 20), None, "informal", None, "Ward (test)"
    )
    repo.add_staff("clin1", "Clinician One (test)", "clinician")
    async with open_app() as (app, pilot):
        form = AdmissionForm(client, "Alex Example (test)", repo.admission(admission_id))
        results = await _push(pilot, form)
        assert form.query_one("#field-admitted_on", Input).value == "20/11/2026"
        assert form.query_one("#field-hospital", Input).value == "Ward (test)"
        repo_as("clin1").edit_admission(
            admission_id, dt.date(2026, 11, 20), None, "informal", None, "Ward 2 (test)"
        )
        form.query_one("#field-discharged_on", Input).focus()
        await pilot.press(*"22/11/2026", "ctrl+s")
        await settle(pilot)
        assert app.screen is form and results == []
        assert any("changed by clin1" in n for n in notifications(app))
        assert form.query_one("#field-discharged_on", Input).value == "22/11/2026", "kept"
    assert repo.admission(admission_id).discharged_on is None


async def test_a_bad_date_is_told_under_its_field(open_app, repo: Repository, frozen_now):
    client = _client(repo)
    async with open_app() as (app, pilot):
        form = AdmissionForm(client, "Alex Example (test)")
        await _push(pilot, form)
        await pilot.press(*"31/02/2026", "tab", *"19/11/2026", "ctrl+s")
        await settle(pilot)
        told = str(form.query_one("#error-admitted_on", Static).render())
        assert "Cannot read '31/02/2026' as a day" in told
        form.query_one("#field-admitted_on", Input).value = "20/11/2026"
        form.query_one("#field-hospital", Input).value = "Ward (test)"
        await pilot.press("ctrl+s")
        await settle(pilot)
        told = str(form.query_one("#error-discharged_on", Static).render())
        assert "before the admission (20/11/2026)" in told
    assert repo.admissions(client) == []


async def test_writing_a_gp_letter_from_the_dialog(
    open_app, repo: Repository, frozen_now, tmp_path: Path
):
    client = _client(repo)
    target = tmp_path / "letter.docx"
    async with open_app() as (app, pilot):
        dialog = DocumentDialog(client, "Alex Example (test)", "gp_letter", dt.date(2026, 11, 23))
        results = await _push(pilot, dialog)
        field = dialog.query_one("#field-path", Input)
        assert field.value == suggested_path(client, "gp_letter", dt.date(2026, 11, 23))
        assert field.value == f"~/client-{client}-gp-letter-2026-11-23.docx", "no name in it"
        field.value = str(tmp_path)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "is a folder" in str(dialog.query_one("#error-path", Static).render())
        field.value = str(target)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not dialog and results == [str(target)]
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    text = docx_text(str(target))
    assert "Re: Alex Example (test)" in text and "[to complete]" in text
    assert repo.history("client", client)[-1].action == "gp transfer letter"


async def test_exporting_the_record_from_the_dialog(
    open_app, repo: Repository, frozen_now, tmp_path: Path
):
    client = _client(repo)
    async with open_app() as (app, pilot):
        dialog = DocumentDialog(client, "Alex Example (test)", "export", dt.date(2026, 11, 23))
        results = await _push(pilot, dialog)
        dialog.query_one("#field-path", Input).value = str(tmp_path / "no" / "record.json")
        await pilot.press("ctrl+s")
        await settle(pilot)
        told = str(dialog.query_one("#error-path", Static).render())
        assert "No such file or directory; nothing was written" in told
        dialog.query_one("#field-path", Input).value = str(tmp_path / "record.json")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == [str(tmp_path / "record.json")]
    assert '"name": "Alex Example (test)"' in (tmp_path / "record.json").read_text()
