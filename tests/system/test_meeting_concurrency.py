"""Duty workers in separate processes booking the same staff member into the same slot at the
same moment: one booking, the others a clear Conflict, never two overlapping meetings.

Real processes ("spawn"), released together by a Barrier each round, exactly as in
tests/system/test_concurrency.py. The check that finds the clash runs again inside the booking's
write transaction (BEGIN IMMEDIATE); with the check made only before it, these tests fail
(two bookings in the same round).
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

import pendulum
import pytest
from sqlmodel import select

from duty_desk import timeutil
from duty_desk.models import CoreTeamMember, Meeting, MeetingStaff
from tests.conftest import MONDAY_10
from tests.system import mp_workers
from tests.system.test_concurrency import CTX, fresh_database, run

pytestmark = pytest.mark.slow

TZ = "Europe/London"


def race(tmp_path: Path, workers: int, rounds: int, same_client: bool) -> None:
    path = tmp_path / "book.db"
    logins = [f"duty{n}" for n in range(workers)]
    repo = fresh_database(path, [*logins, "target"])
    target = next(s.id for s in repo.list_staff() if s.login == "target")
    with timeutil.frozen(MONDAY_10):
        clients = []
        for n in range(1 if same_client else workers):
            received = MONDAY_10.subtract(weeks=n // 5)  # the weekly cap is 5 per area
            referral = repo.add_referral(
                mp_workers.referral_row(f"Booked {n} (test)", f"{received:%d/%m/%Y} 09:00")
            )
            clients.append(repo.accept(referral))
        with repo.db.session(write=True) as session:
            session.add_all(
                [CoreTeamMember(client_id=c, staff_id=target, added_at=MONDAY_10) for c in clients]
            )
    # Round r: every worker books "target" into the r-th working day from Tuesday 24 November
    # at 10:00-ish; starts differ by 10 minutes per worker, so every pair of 60-minute
    # meetings overlaps.
    days = [
        d
        for d in (pendulum.date(2026, 11, 24).add(days=n) for n in range(3 * rounds))
        if d.weekday() < 5
    ][:rounds]
    jobs = [
        [
            (
                clients[0 if same_client else w],
                pendulum.datetime(days[r].year, days[r].month, days[r].day, 10, 0, tz=TZ).add(
                    minutes=10 * (w % 5)
                ),
                60,
                [target],
                "base",
            )
            for r in range(rounds)
        ]
        for w in range(workers)
    ]
    barrier, results = CTX.Barrier(workers), CTX.Queue()
    now = timeutil.as_utc(MONDAY_10)
    outcomes = run(
        mp_workers.book_rounds,
        [(str(path), logins[w], now, jobs[w]) for w in range(workers)],
        barrier,
        results,
        expected=workers * rounds,
    )

    for round_number in range(rounds):
        this_round = [o for o in outcomes if o[0] == round_number]
        assert Counter(o[2] for o in this_round) == Counter(
            {"booked": 1, "Conflict": workers - 1}
        ), this_round
        for _r, _login, outcome, message in this_round:
            if outcome == "Conflict":
                assert message.startswith("Cannot book this time: ")
                assert "Staff target (test) is already in a meeting" in message or (
                    "The client already has a meeting" in message
                )

    with repo.db.session() as session:
        rows = session.exec(
            select(Meeting.starts_at, Meeting.ends_at)
            .join(MeetingStaff, MeetingStaff.meeting_id == Meeting.id)  # type: ignore[arg-type]
            .where(MeetingStaff.staff_id == target)
        ).all()
    assert len(rows) == rounds
    for (a_start, a_end), (b_start, b_end) in itertools.combinations(rows, 2):
        assert not (a_start < b_end and b_start < a_end), "two overlapping meetings for one person"
    booked = [int(o[3]) for o in outcomes if o[2] == "booked"]
    for meeting_id in booked:
        [entry] = repo.history("meeting", meeting_id)
        assert entry.action == "book meeting"
    repo.db.dispose()


def test_two_processes_booking_one_person_into_one_slot(tmp_path: Path) -> None:
    race(tmp_path, workers=2, rounds=6, same_client=False)


def test_six_processes_booking_one_person_into_one_slot(tmp_path: Path) -> None:
    race(tmp_path, workers=6, rounds=4, same_client=False)


def test_six_processes_booking_one_client_into_one_slot(tmp_path: Path) -> None:
    race(tmp_path, workers=6, rounds=2, same_client=True)
