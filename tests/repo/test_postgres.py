"""The same core on a real PostgreSQL server (the way up for many teams): schema, audit
triggers, triage with the cap, core teams, booking with its clash check, the board and the
day, and races between real processes for the last place and for one slot."""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pendulum
import pytest
from sqlalchemy import text

from duty_desk import maintenance, timeutil
from duty_desk.db import Database
from duty_desk.errors import Conflict, NoPlacesLeft
from duty_desk.repository import Repository
from tests.conftest import MONDAY_10, referral_input, test_config

pytestmark = pytest.mark.slow
CTX = multiprocessing.get_context("spawn")


@pytest.fixture
def lead(pg: Database) -> Repository:
    repo = Repository(pg, test_config(), actor="duty1")
    repo.add_staff("duty1", "Duty One (test)", "team_lead", bootstrap=True)
    repo.add_staff("peer1", "Peer One (test)", "peer_support")
    return repo


def test_triage_core_team_booking_board_and_day(lead: Repository) -> None:
    with timeutil.frozen(MONDAY_10):
        staff = [s.id for s in lead.list_staff()]
        client = lead.accept(lead.add_referral(referral_input()))
        lead.set_core_team(client, staff, staff[0], "Team (test)")
        start = pendulum.datetime(2026, 11, 24, 11, tz="Europe/London")
        meeting = lead.book(client, start, 60, staff, "base")
        with pytest.raises(Conflict):
            lead.book(client, start.add(minutes=30), 60, staff, "base")
        assert lead.meeting(meeting).starts_at == start
        episodes = lead.board().episodes
        assert [e.client_id for e in episodes] == [client]
        assert episodes[0].key_worker is not None
        assert [m.id for m in lead.day(start.date()).meetings] == [meeting]
        assert lead.next_free_slot(client, 60, staff) is not None
    report = maintenance.check(lead.db, test_config())
    assert report.problems == [] and "weekly caps: no week over its cap" in report.passed


def test_the_audit_log_is_append_only(lead: Repository, pg: Database) -> None:
    with pg.engine.connect() as connection:
        for statement in (
            "UPDATE audit_log SET actor = 'x'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ):
            with pytest.raises(Exception, match="append-only"):
                with connection.begin():
                    connection.execute(text(statement))
        assert connection.execute(text("SELECT count(*) FROM audit_log")).scalar() == 2


def _accept_worker(url: str, login: str, referral: int, barrier: object, results: object) -> None:
    from duty_desk import timeutil as tu
    from duty_desk.db import open_database as open_db
    from duty_desk.errors import DutyDeskError
    from duty_desk.repository import Repository as Repo
    from tests.conftest import MONDAY_10 as AT
    from tests.conftest import test_config as cfg

    tu.set_now(tu.as_utc(AT))
    repo = Repo(open_db(cfg(), url), cfg(), actor=login)
    repo.claim(referral)
    barrier.wait(120)  # type: ignore[attr-defined]
    try:
        repo.accept(referral)
        results.put("accepted")  # type: ignore[attr-defined]
    except DutyDeskError as exc:
        results.put(type(exc).__name__)  # type: ignore[attr-defined]


def test_six_processes_race_for_the_last_place(lead: Repository, pg_url: str) -> None:
    with timeutil.frozen(MONDAY_10):
        for n in range(4):
            lead.accept(lead.add_referral(referral_input(name=f"Taken {n} (test)")))
        logins = [f"racer{n}" for n in range(6)]
        for login in logins:
            lead.add_staff(login, f"Racer {login} (test)", "clinician")
        racers = [lead.add_referral(referral_input(name=f"Racer {n} (test)")) for n in range(6)]
    barrier, results = CTX.Barrier(6), CTX.Queue()
    procs = [
        CTX.Process(target=_accept_worker, args=(pg_url, login, referral, barrier, results))
        for login, referral in zip(logins, racers, strict=True)
    ]
    for proc in procs:
        proc.start()
    outcomes = Counter(results.get(timeout=120) for _ in procs)
    for proc in procs:
        proc.join(60)
    assert outcomes == Counter({"accepted": 1, NoPlacesLeft.__name__: 5})
    with timeutil.frozen(MONDAY_10):
        canterbury = next(i for i in lead.intake() if i.area == "canterbury")
    assert canterbury.taken == 5


def _book_worker(
    url: str, login: str, client: int, staff: list[int], barrier: object, results: object
) -> None:
    import pendulum as pm

    from duty_desk import timeutil as tu
    from duty_desk.db import open_database as open_db
    from duty_desk.errors import DutyDeskError
    from duty_desk.repository import Repository as Repo
    from tests.conftest import MONDAY_10 as AT
    from tests.conftest import test_config as cfg

    tu.set_now(tu.as_utc(AT))
    repo = Repo(open_db(cfg(), url), cfg(), actor=login)
    repo.acting_staff()
    barrier.wait(120)  # type: ignore[attr-defined]
    try:
        repo.book(client, pm.datetime(2026, 11, 24, 11, tz="Europe/London"), 60, staff, "base")
        results.put("booked")  # type: ignore[attr-defined]
    except DutyDeskError as exc:
        results.put(type(exc).__name__)  # type: ignore[attr-defined]


def test_six_processes_race_for_one_slot(lead: Repository, pg_url: str) -> None:
    with timeutil.frozen(MONDAY_10):
        logins = [f"booker{n}" for n in range(6)]
        for login in logins:
            lead.add_staff(login, f"Booker {login} (test)", "clinician")
        staff = [s.id for s in lead.list_staff() if s.login in ("duty1", "peer1")]
        clients = [
            lead.accept(
                lead.add_referral(
                    referral_input(name=f"Client {n} (test)", received_at="16/11/2026 09:00")
                )
            )
            for n in range(3)
        ]
    barrier, results = CTX.Barrier(6), CTX.Queue()
    # Different clients, the same two staff members, the same hour.
    procs = [
        CTX.Process(
            target=_book_worker, args=(pg_url, login, clients[n % 3], staff, barrier, results)
        )
        for n, login in enumerate(logins)
    ]
    for proc in procs:
        proc.start()
    outcomes = Counter(results.get(timeout=120) for _ in procs)
    for proc in procs:
        proc.join(60)
    assert outcomes == Counter({"booked": 1, Conflict.__name__: 5})
