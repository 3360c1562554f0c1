"""Reversing an accept while others accept in the same area and week, in real processes on
one SQLite file: the place given back is taken at most once, the places used are exactly
the accepted referrals of the week, never more than the cap.

Each round fills a week's five places, then one process reverses one of the five while
four others each accept a different waiting referral, all released together by a Barrier
(nothing sleeps). Whatever the order, at most one accept wins, and only if the reversal
committed before it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from pathlib import Path

import pendulum
import pytest

from duty_desk import timeutil
from duty_desk.models import ReferralStatus
from tests.conftest import MONDAY_10
from tests.system import mp_decisions, mp_workers
from tests.system.test_concurrency import CTX, fresh_database, run

pytestmark = pytest.mark.slow

WEEKS = ["26/10/2026", "02/11/2026", "09/11/2026", "16/11/2026", "23/11/2026"]
ACCEPTORS = 4


def test_a_reversal_and_accepts_for_the_same_last_place(tmp_path: Path) -> None:
    path = tmp_path / "reverse.db"
    logins = ["reverser", *(f"duty{n}" for n in range(ACCEPTORS))]
    repo = fresh_database(path, logins)
    cap = repo.config.areas["canterbury"].weekly_cap
    victims: list[int] = []
    racers: list[list[int]] = []  # racers[round][acceptor]
    mondays: list[pendulum.DateTime] = []
    with timeutil.frozen(MONDAY_10):
        for week in WEEKS:
            day, month, year = (int(x) for x in week.split("/"))
            monday = pendulum.datetime(year, month, day, 12, tz="Europe/London")
            mondays.append(monday)
            received = f"{dt.date(year, month, day):%d/%m/%Y} 09:00"
            taken = [
                repo.add_referral(mp_workers.referral_row(f"Taken {week} {n} (test)", received))
                for n in range(cap)
            ]
            for referral in taken:
                repo.accept(referral)  # all five places used, decided now (in the window)
            victims.append(taken[-1])
            racers.append(
                [
                    repo.add_referral(mp_workers.referral_row(f"Racer {week} {n} (test)", received))
                    for n in range(ACCEPTORS)
                ]
            )
    now = timeutil.as_utc(MONDAY_10)
    jobs = [(str(path), logins[0], now, victims, "reverse")] + [
        (str(path), logins[1 + n], now, [racers[r][n] for r in range(len(WEEKS))], "accept")
        for n in range(ACCEPTORS)
    ]
    barrier, results = CTX.Barrier(len(jobs)), CTX.Queue()
    outcomes = run(
        mp_decisions.decision_rounds, jobs, barrier, results, expected=len(jobs) * len(WEEKS)
    )

    by_round: dict[int, Counter[str]] = {}
    for round_number, _login, outcome, _message in outcomes:
        by_round.setdefault(round_number, Counter())[outcome] += 1
    for r in range(len(WEEKS)):
        counts = by_round[r]
        assert counts["reversed"] == 1, (r, outcomes)
        assert counts["accepted"] <= 1, (r, outcomes)
        assert counts["accepted"] + counts["NoPlacesLeft"] == ACCEPTORS, (r, outcomes)
        intake = next(i for i in repo.intake(at=mondays[r]) if i.area == "canterbury")
        assert intake.taken == cap - 1 + counts["accepted"] <= cap  # never over the cap
        won = [i for i in racers[r] if repo.referral(i).status == ReferralStatus.accepted]
        assert len(won) == counts["accepted"]
        assert repo.referral(victims[r]).status == ReferralStatus.new
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    repo.db.dispose()
