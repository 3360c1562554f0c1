"""Pilot tests of the referral queue: what it shows and how it follows the cursor."""

from __future__ import annotations

from duty_desk.repository import Repository

from .conftest import referral_input
from .test_ui_support import (
    SIZE,
    cell_text,
    cursor_id,
    detail_text,
    make_app,
    move_cursor_to,
    queue_screen,
    row_names,
    settle,
)


async def test_queue_lists_open_referrals_by_deadline(config, db, repo: Repository, frozen_now):
    late = repo.add_referral(referral_input(name="Later Deadline (test)", urgency="C",
                                            received_at="23/11/2026 09:30"))
    soon = repo.add_referral(referral_input(name="Very High Risk (test)", urgency="B",
                                            received_at="23/11/2026 08:00"))
    app = make_app(config, db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert row_names(app) == ["Very High Risk (test)", "Later Deadline (test)"]
        assert cell_text(app, soon, "clock") == "DUE 2h00"
        assert cell_text(app, late, "clock") == "23h30 left"
        assert cell_text(app, soon, "received") == "Mon 08:00"
        assert cell_text(app, soon, "source") == "SPoA"
        assert cursor_id(app) == soon
        detail = detail_text(app)
        assert "NHS 999 000 0018" in detail
        assert "Due soon: respond by Mon 23 Nov 12:00 (2h00 left)" in detail
        assert "counts against Canterbury, w/c 23 Nov: 5 of 5 places left" in detail
        intake = str(queue_screen(app).query_one("IntakeBar").render())
        assert "Canterbury 5/5 left" in intake and "w/c 23 Nov" in intake
        await move_cursor_to(pilot, late)
        assert "Later Deadline (test)" in detail_text(app)
