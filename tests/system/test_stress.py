"""Eight real processes make random triage, booking and assignment changes against one
SQLite file for a bounded time. Afterwards: every change that reported success is in the
database and in the audit log (each worker's audit entries are exactly its successes),
no invariant is broken (no week over its cap, nobody double-booked, every accepted referral
has its episode, every open episode has a key worker or is flagged on the board), and
SQLite's integrity check is ok.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from duty_desk import maintenance, timeutil
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.repository import Repository
from tests.conftest import MONDAY_10
from tests.system import mp_stress
from tests.system.mp_workers import referral_row
from tests.system.test_concurrency import CTX, run

pytestmark = pytest.mark.slow

WORKERS = 8
SECONDS = 6.0
TRACKED = {"accept", "redirect", "core team", "book meeting", "cancel meeting"}


def _setup(path: Path) -> tuple[list[str], list[int], list[int]]:
    config = Config()
    db = open_database(config, str(path), create=True)
    logins = [f"duty{n}" for n in range(WORKERS)]
    lead = Repository(db, config, actor="lead")
    lead.add_staff("lead", "Lee Lead (test)", "team_lead", bootstrap=True)
    for login in logins:
        lead.add_staff(login, f"Worker {login} (test)", "clinician")
    lead.add_staff("peer1", "Peer One (test)", "peer_support")
    staff = [s.id for s in lead.list_staff()]
    with timeutil.frozen(MONDAY_10):
        # Episodes from last week to book and assign from the start...
        for n in range(6):
            area = "canterbury" if n % 2 else "whitstable"
            practice = (
                "Cathedral View Surgery (example)"
                if area == "canterbury"
                else "Harbour Street Surgery (example)"
            )
            row = dict(
                referral_row(f"Earlier {n} (test)", "18/11/2026 09:00"),
                area=area,
                gp_practice=practice,
            )
            lead.accept(lead.add_referral(row))
        # ...and this week's referrals, twice as many as the places, to triage.
        referrals = []
        for n in range(20):
            area = "canterbury" if n % 2 else "whitstable"
            practice = (
                "Cathedral View Surgery (example)"
                if area == "canterbury"
                else "Harbour Street Surgery (example)"
            )
            referrals.append(
                lead.add_referral(
                    dict(
                        referral_row(f"New {n} (test)", "23/11/2026 08:00"),
                        area=area,
                        gp_practice=practice,
                    )
                )
            )
    db.dispose()
    return logins, referrals, staff


def test_eight_processes_of_random_changes_keep_every_rule(tmp_path: Path) -> None:
    path = tmp_path / "stress.db"
    logins, referrals, staff = _setup(path)
    now = timeutil.as_utc(MONDAY_10)
    barrier, results = CTX.Barrier(WORKERS), CTX.Queue()
    reports = run(
        mp_stress.random_changes,
        [
            (str(path), login, now, seed, SECONDS, referrals, staff)
            for seed, login in enumerate(logins)
        ],
        barrier,
        results,
        expected=WORKERS,
    )

    assert [f for _login, _done, _refused, failures in reports for f in failures] == []
    successes = {login: Counter(done) for login, done, _refused, _failures in reports}
    assert sum(len(c) for c in successes.values()) > 50, "the workers did real work"
    kinds = Counter(action for c in successes.values() for action, _ in c)
    assert {"accept", "core team", "book meeting"} <= set(kinds), kinds

    config = Config()
    db = open_database(config, str(path))
    try:
        with closing(sqlite3.connect(path)) as con:
            audit = con.execute("SELECT actor, action, entity_id FROM audit_log").fetchall()
            booked = dict(con.execute("SELECT id, status FROM meeting").fetchall())
            decided = dict(con.execute("SELECT id, status FROM referral").fetchall())
        for login in logins:
            theirs = Counter(
                (action, entity)
                for actor, action, entity in audit
                if actor == login and action in TRACKED
            )
            assert theirs == successes[login], f"{login}: audit log == reported successes"
        for done in successes.values():
            for action, entity in done:
                if action == "book meeting":
                    assert entity in booked
                elif action in ("accept", "redirect"):
                    assert (
                        decided[entity] == {"accept": "accepted", "redirect": "redirected"}[action]
                    )

        report = maintenance.check(db, config)
        assert report.problems == [], report.problems
        assert "SQLite integrity check: ok" in report.passed
        board = Repository(db, config, actor="lead").board()
        for episode in board.episodes:
            if episode.key_worker is None:
                assert any("key worker" in p for p in episode.problems), "flagged on the board"
    finally:
        db.dispose()
