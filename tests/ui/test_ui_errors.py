"""Failures are one plain sentence in a notification; nothing typed is lost; nothing personal shown."""

from __future__ import annotations

import sqlite3

from textual.widgets import Input

from duty_desk.config import DatabaseSettings
from screens.base import UNEXPECTED
from screens.network_form import NetworkForm
from screens.reason_dialog import ReasonDialog

from .test_ui_support import SIZE, make_app, notifications, row_names, settle


async def test_unexpected_error_is_generic_and_the_dialog_stays(config, db, repo, make_referral):
    make_referral()
    app = make_app(config, db)

    def broken(_choice, _reason):
        raise RuntimeError("Secret Person (test) 999 000 0018")

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = ReasonDialog(title="Decline referral", subject="Someone (test)", save=broken)
        app.push_screen(dialog)
        await settle(pilot)
        dialog.query_one("#field-reason", Input).value = "typed reason"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert notifications(app)[-1] == UNEXPECTED
        assert not any("Secret" in message for message in notifications(app))
        assert app.screen is dialog
        assert dialog.query_one("#field-reason", Input).value == "typed reason"
        assert not dialog.saving  # can try again


async def test_database_trouble_is_one_sentence_and_the_form_keeps_its_text(
    open_app, db_path, repo, make_referral
):
    referral_id = make_referral()
    async with open_app() as (app, pilot):
        await pilot.press("m")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NetworkForm)
        form.query_one("#field-name", Input).value = "Pat Example (test)"
        raw = sqlite3.connect(db_path)
        raw.execute("DROP TABLE network_member")
        raw.close()
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = notifications(app)[-1]
        assert message.startswith("database error on ") and "Pat Example" not in message
        assert app.screen is form
        assert form.query_one("#field-name", Input).value == "Pat Example (test)"
    assert [r.id for r in repo.open_referrals()] == [referral_id]


async def test_someone_else_decided_first_is_told_plainly(
    open_app, config, repo, repo_as, make_referral
):
    referral_id = make_referral()
    repo.add_staff("duty2", "Duty Worker Two (test)", "clinician")
    slow = config.model_copy(update={"database": DatabaseSettings(refresh_seconds=60)})
    async with open_app(config=slow) as (app, pilot):
        repo_as("duty2").decline(referral_id, "Duplicate (test)")  # the queue has not seen it
        await pilot.press("a")
        await settle(pilot)
        assert notifications(app)[-1].startswith(
            "This referral was already declined by duty2 at Mon 23 Nov 10:00; nothing was changed"
        )
        assert repo.referral(referral_id).status == "declined"
        assert row_names(app) == ["Alex Example (test)"]  # until the next check for changes
