"""Worker functions for the multi-process tests (importable, so the "spawn" start method
can find them). Each worker opens the database itself, gets ready, waits on a Barrier or
Event so that all of them start together, and reports outcomes through a Queue.

Outcomes are plain tuples of strings and numbers (exception *class names*, never objects),
so that they cross the process boundary unchanged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

START_TIMEOUT = 120  # seconds to wait for the others at the barrier (slow spawn on CI)


def _repository(db_path: str, login: str, now: dt.datetime) -> Any:
    from duty_desk import timeutil
    from duty_desk.db import open_database
    from duty_desk.repository import Repository
    from tests.conftest import test_config  # the late-first-meeting rule off (issue 11)

    timeutil.set_now(now)
    db = open_database(test_config(), db_path)
    repo = Repository(db, test_config(), actor=login)
    assert repo.acting_staff() is not None, f"{login} is not staff"  # also warms the pool
    return repo


def referral_row(name: str, received_at: str = "23/11/2026 09:00") -> dict[str, str]:
    """A valid, eligible referral as typed (synthetic: the name says "(test)")."""
    return {
        "received_at": received_at,
        "name": name,
        "date_of_birth": "01/02/1990",
        "nhs_number": "999 000 0018",
        "phone": "01632 960001",
        "area": "canterbury",
        "gp_practice": "Cathedral View Surgery (example)",
        "source": "spoa-urgent",
        "urgency": "C",
        "reason": "Crisis referral via SPoA (test)",
        "notes": "",
    }


def add_referrals(
    db_path: str, login: str, now: dt.datetime, count: int, barrier: Any, results: Any
) -> None:
    """Add ``count`` referrals as fast as possible once every worker is ready."""
    try:
        repo = _repository(db_path, login, now)
        barrier.wait(START_TIMEOUT)
        added: list[int] = []
        errors: list[str] = []
        for number in range(count):
            try:
                added.append(
                    repo.add_referral(referral_row(f"Worker {login} number {number} (test)"))
                )
            except Exception as exc:  # report, keep going: the test counts them
                errors.append(f"{type(exc).__name__}: {exc}")
        results.put((login, added, errors))
    except BaseException as exc:
        results.put((login, None, [f"{type(exc).__name__}: {exc}"]))


def _rounds(
    db_path: str,
    login: str,
    now: dt.datetime,
    referral_ids: list[int],
    barrier: Any,
    results: Any,
    act: Any,
) -> None:
    """Round r: wait for everyone at the barrier, then ``act(repo, referral_ids[r])``.

    Each outcome goes on ``results`` as (round, login, outcome, detail): the
    outcome is what ``act`` returned, or the exception's class name.
    """
    from duty_desk.errors import DutyDeskError

    try:
        repo = _repository(db_path, login, now)
    except BaseException as exc:
        barrier.abort()
        results.put((-1, login, type(exc).__name__, str(exc)))
        return
    for round_number, referral_id in enumerate(referral_ids):
        try:
            barrier.wait(START_TIMEOUT)
        except BaseException as exc:
            results.put((round_number, login, type(exc).__name__, "barrier"))
            return
        try:
            outcome, detail = act(repo, referral_id)
            results.put((round_number, login, outcome, detail))
        except DutyDeskError as exc:
            results.put((round_number, login, type(exc).__name__, str(exc)))
        except BaseException as exc:  # anything else is a failure the test shows
            results.put((round_number, login, type(exc).__name__, repr(exc)))


def _accept(repo: Any, referral_id: int) -> tuple[str, str]:
    repo.accept(referral_id)
    return "accepted", ""


def _claim(repo: Any, referral_id: int) -> tuple[str, str]:
    view = repo.claim(referral_id)
    return "claimed", view.triage_by or ""


def accept_rounds(
    db_path: str, login: str, now: dt.datetime, referral_ids: list[int], barrier: Any, results: Any
) -> None:
    """Round r: wait for everyone, then accept ``referral_ids[r]``; report the outcome."""
    _rounds(db_path, login, now, referral_ids, barrier, results, _accept)


def claim_rounds(
    db_path: str, login: str, now: dt.datetime, referral_ids: list[int], barrier: Any, results: Any
) -> None:
    """Round r: wait for everyone, then claim ``referral_ids[r]``; report the outcome."""
    _rounds(db_path, login, now, referral_ids, barrier, results, _claim)


def add_one_when_told(
    db_path: str, login: str, now: dt.datetime, go: Any, done: Any, results: Any
) -> None:
    """Get ready, wait for ``go``, add one referral, report its id and set ``done``."""
    try:
        repo = _repository(db_path, login, now)
        results.put(("ready", login))
        if not go.wait(START_TIMEOUT):
            results.put(("error", "never told to go"))
            return
        referral_id = repo.add_referral(referral_row(f"From another process {login} (test)"))
        results.put(("added", referral_id))
    except BaseException as exc:
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        done.set()


def _book(repo: Any, job: Any) -> tuple[str, str]:
    """``job`` = (client_id, start as an aware datetime, minutes, staff_ids, place_kind)."""
    client_id, start, minutes, staff_ids, place_kind = job
    meeting_id = repo.book(client_id, start, minutes, staff_ids, place_kind)
    return "booked", str(meeting_id)


def book_rounds(
    db_path: str, login: str, now: dt.datetime, jobs: list[Any], barrier: Any, results: Any
) -> None:
    """Round r: wait for everyone, then book ``jobs[r]``; report the outcome."""
    _rounds(db_path, login, now, jobs, barrier, results, _book)
