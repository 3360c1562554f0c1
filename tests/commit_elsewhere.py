"""Run as a process of its own: one change to the database given, as ``duty1`` (a real
commit from another process, for the change-feed tests).

    python -m tests.commit_elsewhere DATABASE add NAME      (prints the referral's id)
    python -m tests.commit_elsewhere DATABASE accept ID     (prints the client's id)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import MONDAY_10

ROOT = Path(__file__).resolve().parent.parent


def main(database: str, action: str, what: str) -> None:
    from tests.system.mp_workers import _repository, referral_row

    repo = _repository(database, "duty1", MONDAY_10)
    if action == "add":
        print(repo.add_referral(referral_row(what)))
    elif action == "accept":
        print(repo.accept(int(what)))
    else:
        raise SystemExit(f"unknown action {action!r}")


def _run(database: str, action: str, what: str) -> int:
    done = subprocess.run(
        [sys.executable, "-m", "tests.commit_elsewhere", database, action, what],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.strip().splitlines()[-1])


def commit_in_another_process(database: str, name: str) -> int:
    """Add a referral called ``name`` from a new Python process; its id."""
    return _run(database, "add", name)


def accept_in_another_process(database: str, referral_id: int) -> int:
    """Accept a referral from a new Python process; the new client's id."""
    return _run(database, "accept", str(referral_id))


if __name__ == "__main__":
    main(*sys.argv[1:4])
