"""Several real processes on one SQLite file: nothing lost, the cap never exceeded, one claim.

The workers live in ``tests/system/mp_workers.py`` and use the "spawn" start method, so each is a
fresh interpreter with its own engine, exactly like duty workers' sessions on the server.
They are released together by a Barrier; nothing here sleeps to hide a race.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import queue as queue_module
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pendulum
import pytest
from sqlmodel import func, select

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.models import AuditLog, Referral
from duty_desk.repository import Repository
from tests.conftest import MONDAY_10
from tests.system import mp_workers

pytestmark = pytest.mark.slow

CTX = multiprocessing.get_context("spawn")
RESULT_TIMEOUT = 120


def run(
    target: Any, per_worker_args: list[tuple[Any, ...]], barrier: Any, results: Any, expected: int
) -> list[Any]:
    """Start one process per args tuple, collect ``expected`` results, and join them all."""
    processes = [
        CTX.Process(target=target, args=(*args, barrier, results)) for args in per_worker_args
    ]
    for process in processes:
        process.start()
    collected: list[Any] = []
    try:
        for _ in range(expected):
            try:
                collected.append(results.get(timeout=RESULT_TIMEOUT))
            except queue_module.Empty:
                pytest.fail(
                    f"workers stopped reporting after {len(collected)} of {expected} results"
                )
    finally:
        for process in processes:
            process.join(RESULT_TIMEOUT)
            if process.is_alive():
                process.kill()
                process.join()
    assert [p.exitcode for p in processes] == [0] * len(processes)
    return collected


def fresh_database(path: Path, logins: list[str]) -> Repository:
    config = Config()
    db = open_database(config, str(path), create=True)
    repo = Repository(db, config, actor=logins[0])
    repo.add_staff(logins[0], f"Staff {logins[0]} (test)", "team_lead", bootstrap=True)
    for login in logins[1:]:
        repo.add_staff(login, f"Staff {login} (test)", "clinician")
    return repo


# -- (1) many writers, nothing lost -------------------------------------------------------------------


def test_six_processes_adding_at_once_lose_nothing(tmp_path: Path) -> None:
    workers, each = 6, 40
    path = tmp_path / "busy.db"
    logins = [f"writer{n}" for n in range(workers)]
    repo = fresh_database(path, logins)
    barrier, results = CTX.Barrier(workers), CTX.Queue()
    now = timeutil.as_utc(MONDAY_10)
    reports = run(
        mp_workers.add_referrals,
        [(str(path), login, now, each) for login in logins],
        barrier,
        results,
        expected=workers,
    )

    errors = [error for _login, _added, worker_errors in reports for error in worker_errors]
    assert errors == []  # in particular, no "database is locked"
    added_ids = [i for _login, added, _errors in reports for i in added]
    assert len(added_ids) == workers * each
    assert len(set(added_ids)) == workers * each

    with repo.db.session() as session:
        names = session.exec(select(Referral.name)).all()
        adds = session.exec(
            select(AuditLog.actor, func.count())
            .where(AuditLog.action == "add referral")
            .group_by(AuditLog.actor)
        ).all()
    assert len(names) == workers * each
    assert {f"Worker {login} number {n} (test)" for login in logins for n in range(each)} == set(
        names
    )
    assert dict(adds) == {login: each for login in logins}
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    repo.db.dispose()


# -- (2) the last place, raced by six duty workers ----------------------------------------------------

# Round r races for the last place of one intake week; the weeks include the one with
# the autumn clock change (w/c 19 October 2026, 169 hours long).
RACE_WEEKS = ["19/10/2026", "26/10/2026", "02/11/2026", "09/11/2026", "16/11/2026"]


def test_last_place_race_exactly_one_wins(tmp_path: Path) -> None:
    workers = 6
    path = tmp_path / "race.db"
    logins = [f"duty{n}" for n in range(workers)]
    repo = fresh_database(path, logins)
    config = repo.config
    cap = config.areas["canterbury"].weekly_cap
    assert cap == 5
    racers: list[list[int]] = []  # racers[round][worker]
    with timeutil.frozen(MONDAY_10):
        for week in RACE_WEEKS:
            day, month, year = (int(x) for x in week.split("/"))
            wednesday = dt.date(year, month, day) + dt.timedelta(days=2)
            received = f"{wednesday:%d/%m/%Y} 12:00"
            for n in range(cap - 1):  # 4 of 5 places already taken
                repo.accept(
                    repo.add_referral(mp_workers.referral_row(f"Taken {week} {n} (test)", received))
                )
            racers.append(
                [
                    repo.add_referral(mp_workers.referral_row(f"Racer {week} {n} (test)", received))
                    for n in range(workers)
                ]
            )
    per_worker = [[racers[r][w] for r in range(len(RACE_WEEKS))] for w in range(workers)]

    barrier, results = CTX.Barrier(workers), CTX.Queue()
    now = timeutil.as_utc(MONDAY_10)
    outcomes = run(
        mp_workers.accept_rounds,
        [(str(path), logins[w], now, per_worker[w]) for w in range(workers)],
        barrier,
        results,
        expected=workers * len(RACE_WEEKS),
    )

    by_round: dict[int, Counter[str]] = {}
    for round_number, _login, outcome, _message in outcomes:
        by_round.setdefault(round_number, Counter())[outcome] += 1
    for round_number in range(len(RACE_WEEKS)):
        assert by_round[round_number] == Counter({"accepted": 1, "NoPlacesLeft": workers - 1}), (
            round_number,
            [o for o in outcomes if o[0] == round_number],
        )
    messages = {message for _r, _l, outcome, message in outcomes if outcome == "NoPlacesLeft"}
    assert all(m.startswith("No places left: Canterbury has taken 5 of 5") for m in messages)

    for r, week in enumerate(RACE_WEEKS):
        day, month, year = (int(x) for x in week.split("/"))
        monday = pendulum.datetime(year, month, day, 12, tz="Europe/London")
        intake = next(i for i in repo.intake(at=monday) if i.area == "canterbury")
        assert intake.week_start == monday.date()
        assert intake.taken == cap  # exactly 5 accepted that week, never 6
        statuses = Counter(repo.referral(i).status for i in racers[r])
        assert statuses == Counter({"accepted": 1, "new": workers - 1})
        winner = next(i for i in racers[r] if repo.referral(i).status == "accepted")
        assert [e.action for e in repo.history("referral", winner)][-1] == "accept"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    repo.db.dispose()


# -- (3) two duty workers claim the same referral ---------------------------------------------------------


def test_two_processes_claiming_the_same_referral_one_gets_it(tmp_path: Path) -> None:
    rounds = 8
    path = tmp_path / "claim.db"
    logins = ["left", "right"]
    repo = fresh_database(path, logins)
    with timeutil.frozen(MONDAY_10):
        ids = [
            repo.add_referral(mp_workers.referral_row(f"Claimed {n} (test)")) for n in range(rounds)
        ]
    barrier, results = CTX.Barrier(2), CTX.Queue()
    now = timeutil.as_utc(MONDAY_10)
    outcomes = run(
        mp_workers.claim_rounds,
        [(str(path), login, now, ids) for login in logins],
        barrier,
        results,
        expected=2 * rounds,
    )

    for round_number, referral_id in enumerate(ids):
        this_round = sorted((o for o in outcomes if o[0] == round_number), key=lambda o: o[2])
        assert [o[2] for o in this_round] == ["Conflict", "claimed"], this_round
        winner = this_round[1][1]
        loser_message = this_round[0][3]
        assert f"(test) ({winner}) is triaging this" in loser_message
        view = repo.referral(referral_id)
        assert (view.status, view.triage_by) == ("triaging", winner)
        claims = [e for e in repo.history("referral", referral_id) if e.action != "add referral"]
        assert [(e.action, e.actor) for e in claims] == [("claim", winner)]
    repo.db.dispose()
