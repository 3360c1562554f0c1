"""Live refresh across real processes: another process changes the file, the open queue follows.

The app runs here (``run_test``); a separate Python process, with its own
Repository on the same SQLite file, adds a referral and claims another. The
test waits with a deadline (no fixed sleep) until the table shows both, and
checks that the cursor stayed on its referral and a half-typed form kept
its text.
"""

from __future__ import annotations

import asyncio
import sys
import textwrap
import time

from textual.widgets import Input

from screens.referral_form import ReferralForm

from .test_ui_support import cell_text, cursor_id, move_cursor_to, row_names, settle

OTHER_PROCESS = textwrap.dedent("""
    import sys

    import pendulum

    from duty_desk import timeutil
    from duty_desk.config import Config
    from duty_desk.db import open_database
    from duty_desk.repository import Repository

    timeutil.set_now(pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London"))
    config = Config()
    db = open_database(config, sys.argv[1])
    repo = Repository(db, config, actor="duty2")
    repo.add_referral({
        "received_at": "23/11/2026 09:45", "name": "Arrived Elsewhere (test)",
        "date_of_birth": "02/03/1991", "nhs_number": "", "phone": "",
        "area": "whitstable", "gp_practice": "Harbour Street Surgery (example)",
        "source": "spoa-urgent", "urgency": "B", "reason": "", "notes": "",
    })
    repo.claim(int(sys.argv[2]))
    db.dispose()
""")


async def test_changes_from_another_process_appear_in_place(open_app, db_path, repo, make_referral):
    repo.add_staff("duty2", "Duty Worker Two (test)", "clinician")
    first = make_referral(name="First In Queue (test)")
    second = make_referral(name="Second In Queue (test)", received_at="23/11/2026 09:30")
    async with open_app() as (app, pilot):
        await move_cursor_to(pilot, second)
        assert cursor_id(app) == second
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReferralForm)
        name = form.query_one("#field-name", Input)
        name.focus()
        await pilot.press(*"Half", "space", *"typed")

        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", OTHER_PROCESS, str(db_path), str(first)
        )
        assert await asyncio.wait_for(process.wait(), 60) == 0

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            await pilot.pause(0.05)
            if (
                "Arrived Elsewhere (test)" in row_names(app)
                and cell_text(app, first, "status") == "by DT"
            ):
                break
        assert "Arrived Elsewhere (test)" in row_names(app), "the new referral never appeared"
        assert cell_text(app, first, "status") == "by DT", "the claim never appeared"
        # Deadline order: the new urgency-B referral (due 13:45) goes first.
        assert row_names(app) == [
            "Arrived Elsewhere (test)",
            "First In Queue (test)",
            "Second In Queue (test)",
        ]
        assert cursor_id(app) == second
        assert app.screen is form
        assert name.value == "Half typed"
        assert form.focused is name
