"""The app's last line of defence through the pilot: an action that raises stops the app with
return code 1, one sentence, and the traceback only in the private log (0600, no locals)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from duty_desk.crash_log import crash_log_path
from screens.app import DutyDeskApp
from screens.textual_private import InternalError


async def test_an_action_that_raises_is_logged_privately_and_fails(
    open_app, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: DutyDeskApp) -> None:
        nhs_number = "943 476 5919"  # personal data in a local variable
        raise RuntimeError(f"failed on purpose (test) {len(nhs_number)}")

    monkeypatch.setattr(DutyDeskApp, "action_toggle_privacy", broken)
    with pytest.raises(InternalError) as caught:
        async with open_app() as (app, pilot):
            await pilot.press("p")
            await pilot.pause()
    assert app.return_code == 1
    log = crash_log_path()
    told = str(caught.value)
    assert told == (
        f"duty-desk stopped after an internal error; details are in {log}; "
        "nothing unsaved was written."
    )
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    details = log.read_text(encoding="utf-8")
    assert "RuntimeError: failed on purpose (test) 12" in details
    assert "943 476 5919" not in details  # the line of source is there, never the values
