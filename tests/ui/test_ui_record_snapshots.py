"""Snapshots of the client record (key 5) at 80x24 and 60x20, deterministic as in
tests/ui/test_ui_snapshots.py (fixed clock and data, no animations). Regenerate with
``pytest tests/ui/test_ui_record_snapshots.py --snapshot-update`` and look at the SVGs
before committing them."""

from __future__ import annotations

from typing import Any

from screens.record import open_record

from .test_ui_support import make_app, settle

NARROW = (60, 20)


def opened(client_id: int, *keys: str) -> Any:
    async def run(pilot: Any) -> None:
        await settle(pilot)
        await open_record(pilot.app, client_id)
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


def test_record_network_snapshot(snap_compare, config, db, team):
    """The header, the tabs, the network section and its member in full."""
    assert snap_compare(make_app(config, db), run_before=opened(team.client))


def test_record_meetings_snapshot(snap_compare, config, db, team):
    """m: booked meetings to come first, then past ones, with who came."""
    assert snap_compare(make_app(config, db), run_before=opened(team.client, "m"))


def test_record_history_snapshot(snap_compare, config, db, team):
    """h: the audit entries of the client, its referral and meetings, newest first."""
    assert snap_compare(make_app(config, db), run_before=opened(team.client, "h"))


def test_record_meetings_snapshot_60x20(snap_compare, config, db, team):
    """At 60x20 the header keeps its three lines, the pane gives the table room."""
    assert snap_compare(
        make_app(config, db), terminal_size=NARROW, run_before=opened(team.client, "m")
    )
