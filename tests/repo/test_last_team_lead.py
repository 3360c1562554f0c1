"""A team always keeps an active team lead: the last one cannot be deactivated (by
themselves or by a race of two team leads deactivating each other from two processes, on
SQLite and PostgreSQL), and a team whose team leads have all gone recovers with an audited
bootstrap (``add_staff(..., bootstrap=True)``, on the command line
``duty-desk staff add LOGIN NAME --role team_lead --bootstrap``; the owner-or-root rule
for it is shown with a real other login in ``tests/system/test_staff_recovery.py``)."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from duty_desk.config import Config
from duty_desk.db import Database, open_database
from duty_desk.errors import Conflict, NotPermitted
from duty_desk.repository import Repository
from tests.repo import staff_workers

RepoAs = Callable[[str], Repository]
CTX = multiprocessing.get_context("spawn")


def active_leads(repo: Repository) -> list[str]:
    return [s.login for s in repo.list_staff() if s.role == "team_lead"]


def audit_count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def test_the_last_team_lead_cannot_deactivate_themselves(repo: Repository, db_path: Path) -> None:
    repo.add_staff("clin1", "Clinician One (test)", "clinician")
    before = audit_count(db_path)
    with pytest.raises(Conflict) as caught:
        repo.deactivate_staff("duty1")
    message = str(caught.value)
    assert message.startswith("You are the last active team lead")
    assert "--role team_lead" in message and "nothing was changed" in message
    assert active_leads(repo) == ["duty1"]
    assert audit_count(db_path) == before, "no audit row for a refused change"
    repo.deactivate_staff("clin1")  # anyone else still can be
    assert [s.login for s in repo.list_staff()] == ["duty1"]


def test_with_two_team_leads_one_may_go_but_not_both(repo: Repository, repo_as: RepoAs) -> None:
    repo.add_staff("lead2", "Lead Two (test)", "team_lead")
    lead2 = repo_as("lead2")
    lead2.deactivate_staff("duty1")
    assert active_leads(repo) == ["lead2"]
    with pytest.raises(Conflict, match="You are the last active team lead"):
        lead2.deactivate_staff("lead2")
    with pytest.raises(NotPermitted, match="deactivated"):  # and duty1 no longer acts
        repo.deactivate_staff("lead2")
    assert active_leads(repo) == ["lead2"]


def _race(url: str, pairs: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    barrier, results = CTX.Barrier(len(pairs)), CTX.Queue()
    workers = [
        CTX.Process(target=staff_workers.deactivate, args=(url, login, target, barrier, results))
        for login, target in pairs
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=180) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    return sorted(outcomes)


def _check_race(outcomes: list[tuple[str, str, str]], repo: Repository) -> None:
    kinds = sorted((kind for _, kind, _ in outcomes), key=lambda kind: kind != "deactivated")
    # The first to commit deactivates the other; the other is then either no longer
    # permitted (it was deactivated) or refused as the last team lead.
    assert kinds[0] == "deactivated" and kinds[1] in ("Conflict", "NotPermitted"), outcomes
    assert len(active_leads(repo)) == 1


def test_two_team_leads_deactivating_each_other_at_once_leave_one(
    repo: Repository, repo_as: RepoAs, db_path: Path
) -> None:
    current = "duty1"
    for round_ in range(3):
        a, b = f"lead{round_}a", f"lead{round_}b"
        lead = repo_as(current)
        lead.add_staff(a, f"Lead {round_} A (test)", "team_lead")
        lead.add_staff(b, f"Lead {round_} B (test)", "team_lead")
        lead.deactivate_staff(current)  # hands over to the pair
        assert sorted(active_leads(repo)) == [a, b]
        _check_race(_race(str(db_path), [(a, b), (b, a)]), repo)
        [current] = active_leads(repo)


@pytest.mark.slow
def test_two_team_leads_deactivating_each_other_at_once_on_postgresql(pg_url: str) -> None:
    admin = open_database(Config(), pg_url, check=False)
    with admin.engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    admin.dispose()
    db = open_database(Config(), pg_url, create=True)
    try:
        repo = Repository(db, Config(), actor="leada")
        repo.add_staff("leada", "Lead A (test)", "team_lead", bootstrap=True)
        repo.add_staff("leadb", "Lead B (test)", "team_lead")
        _check_race(_race(pg_url, [("leada", "leadb"), ("leadb", "leada")]), repo)
        survivor = active_leads(repo)
        with pytest.raises(Conflict, match="last active team lead"):
            Repository(db, Config(), actor=survivor[0]).deactivate_staff(survivor[0])
    finally:
        db.dispose()


# -- recovery: no active team lead left ----------------------------------------------------------


@pytest.fixture
def orphaned(db: Database, db_path: Path) -> Iterator[Repository]:
    """A team whose only team lead's record was deactivated behind the application's back
    (the state a team is in when every team lead has left): a clinician remains."""
    repo = Repository(db, Config(), actor="lead1")
    repo.add_staff("lead1", "Lead One (test)", "team_lead", bootstrap=True)
    repo.add_staff("clin1", "Clinician One (test)", "clinician")
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute("UPDATE staff SET active = 0 WHERE login = 'lead1'")
    yield Repository(db, Config(), actor="rescuer")


def test_bootstrap_names_a_new_team_lead_when_none_is_left(
    orphaned: Repository, db_path: Path
) -> None:
    with pytest.raises(NotPermitted, match="no active team lead to add staff.*--bootstrap"):
        orphaned.add_staff("new1", "New Lead (test)", "team_lead")  # without --bootstrap
    with pytest.raises(NotPermitted, match="--role team_lead"):
        orphaned.add_staff("new1", "New Lead (test)", "clinician", bootstrap=True)
    added = orphaned.add_staff("new1", "New Lead (test)", "team_lead", bootstrap=True)
    assert added.role == "team_lead" and added.active
    entries = orphaned.history("staff", added.id)
    assert [(e.action, e.actor) for e in entries] == [("bootstrap team lead", "rescuer")]
    assert entries[0].after == {
        "login": "new1",
        "name": "New Lead (test)",
        "role": "team_lead",
        "active": True,
    }
    # The new team lead runs the team; a second bootstrap is now an ordinary add.
    with pytest.raises(NotPermitted, match="not on the staff list"):
        orphaned.add_staff("new2", "Another (test)", "team_lead", bootstrap=True)
    lead = Repository(orphaned.db, orphaned.config, actor="new1")
    lead.add_staff("clin2", "Clinician Two (test)", "clinician")


def test_bootstrap_restores_someone_already_on_the_list(orphaned: Repository) -> None:
    staff = {s.login: s for s in orphaned.list_staff(include_inactive=True)}
    restored = orphaned.add_staff("clin1", "Ignored Name (test)", "team_lead", bootstrap=True)
    assert (restored.role, restored.active, restored.name) == (
        "team_lead",
        True,
        "Clinician One (test)",
    )
    last = orphaned.history("staff", staff["clin1"].id)[-1]
    assert (last.action, last.before, last.after) == (
        "bootstrap team lead",
        {"role": "clinician"},
        {"role": "team_lead"},
    )
