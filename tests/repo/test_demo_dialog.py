"""The demo's DIALOG (issue 13): several clients rated two to six times over weeks, scores
that move both ways, chosen items with their steps, and actions in every review state."""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest

from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.demo import build_demo
from duty_desk.repository import Repository
from duty_desk.vocabulary import ActionStatus

pytestmark = pytest.mark.usefixtures("isolated_env")

MONDAY_10 = pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London")


def test_the_demo_has_dialog_over_time_and_actions_in_every_state(tmp_path: Path) -> None:
    config = Config()
    db = open_database(config, str(tmp_path / "demo.db"), create=True)
    try:
        build_demo(db, config, MONDAY_10)
        repo = Repository(db, config)
        episodes = repo.clients_for_export(True)
        data = [repo.dialog(e.client_id) for e in episodes]
    finally:
        db.dispose()
    rated = [d for d in data if d.ratings]
    assert len(rated) >= 5
    assert all(2 <= len(d.ratings) <= 6 for d in rated)
    assert max(len(d.ratings) for d in rated) >= 4
    changes = [
        d.latest.quality_of_life - d.first.quality_of_life
        for d in rated
        if d.first and d.latest and d.first.quality_of_life and d.latest.quality_of_life
    ]
    assert any(c > 0 for c in changes) and any(c < 0 for c in changes)
    states = {a.status for d in data for a in d.actions}
    assert states == set(ActionStatus)
    assert all(d.topics for d in rated)
    for d in rated:
        days = [r.rated_on for r in d.ratings]
        assert days == sorted(days) and len(set(days)) == len(days)
