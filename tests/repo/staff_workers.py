"""Worker for the last-team-lead races (importable, so the "spawn" start method finds it):
opens the database itself, waits at a Barrier so that every worker acts at once, then
deactivates one login and reports the outcome (an exception's class name, never the
object) through a Queue."""

from __future__ import annotations

from typing import Any

START_TIMEOUT = 120  # seconds to wait for the others at the barrier (slow spawn on CI)


def deactivate(url: str, login: str, target: str, barrier: Any, results: Any) -> None:
    from duty_desk.config import Config
    from duty_desk.db import open_database
    from duty_desk.repository import Repository

    try:
        db = open_database(Config(), url)
        repo = Repository(db, Config(), actor=login)
        assert repo.acting_staff() is not None  # also opens the pool's connection
        barrier.wait(START_TIMEOUT)
        try:
            repo.deactivate_staff(target)
            results.put((login, "deactivated", ""))
        except Exception as exc:
            results.put((login, type(exc).__name__, str(exc)))
        finally:
            db.dispose()
    except BaseException as exc:
        results.put((login, "failed", f"{type(exc).__name__}: {exc}"))
