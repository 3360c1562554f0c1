"""Snapshots of the handover part at 80x24 (pytest-textual-snapshot): the handover view on
a Monday morning with something in every section, the closed banner on the queue on a
Friday evening, and the note and rota dialogs. Deterministic: the clock is fixed, the
data synthetic, animations off. Regenerate with
``pytest tests/ui/test_ui_handover_snapshots.py --snapshot-update -n0`` and look at them."""

from __future__ import annotations

import pendulum
import pytest

from duty_desk import timeutil
from duty_desk.repository import Repository
from tests.conftest import MONDAY_10, referral_input

from .test_ui_support import make_app, settle

FRIDAY_EVENING = pendulum.datetime(2026, 11, 27, 20, 30, tz="Europe/London")


@pytest.fixture
def handover_data(repo: Repository, repo_as) -> None:  # type: ignore[no-untyped-def]
    """Monday 10:00: an overdue referral claimed by someone away, a due-soon one, an
    accepted client with no first meeting, a meeting with someone away, a note, a rota."""
    with timeutil.frozen(MONDAY_10):
        repo.add_staff("duty2", "Duty Two (test)", "peer_support")
        two = next(s.id for s in repo.list_staff() if s.login == "duty2")
        overdue = repo.add_referral(referral_input(received_at="22/11/2026 08:00"))
        repo.add_referral(
            referral_input(name="Due Soon (test)", received_at="23/11/2026 07:30", urgency="B")
        )
        repo.accept(repo.add_referral(referral_input(name="No Meeting Yet (test)")))
        booked = repo.accept(repo.add_referral(referral_input(name="Met Today (test)")))
        start = pendulum.datetime(2026, 11, 23, 14, tz="Europe/London")
        repo.book(booked, start, 60, [two], "base")
        repo.record_absence(two, MONDAY_10.date(), MONDAY_10.date(), "sickness")
        repo_as("duty2").claim(overdue)
        repo.add_note("Call back after 4pm [urgent] (test)", referral_id=overdue)
        repo.set_rota(
            MONDAY_10.date(), [next(s.id for s in repo.list_staff() if s.login == "duty1")]
        )


def test_handover_view_snapshot(snap_compare, config, db, handover_data) -> None:  # type: ignore[no-untyped-def]
    async def shown(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)

    with timeutil.frozen(MONDAY_10):
        assert snap_compare(make_app(config, db), terminal_size=(80, 24), run_before=shown)


def test_closed_banner_snapshot(snap_compare, config, db, repo) -> None:  # type: ignore[no-untyped-def]
    with timeutil.frozen(FRIDAY_EVENING):
        repo.add_referral(referral_input(received_at="27/11/2026 09:00"))

        async def loaded(pilot) -> None:  # type: ignore[no-untyped-def]
            await settle(pilot)

        assert snap_compare(make_app(config, db), terminal_size=(80, 24), run_before=loaded)


def test_rota_dialog_snapshot(snap_compare, config, db, handover_data) -> None:  # type: ignore[no-untyped-def]
    async def opened(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)

    with timeutil.frozen(MONDAY_10):
        assert snap_compare(make_app(config, db), terminal_size=(80, 24), run_before=opened)


def test_note_dialog_snapshot(snap_compare, config, db, handover_data) -> None:  # type: ignore[no-untyped-def]
    async def opened(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("N")
        await settle(pilot)

    with timeutil.frozen(MONDAY_10):
        assert snap_compare(make_app(config, db), terminal_size=(80, 24), run_before=opened)
