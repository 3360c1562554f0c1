"""Run as a process of its own: add one referral to the database given, as ``duty1``
(a real commit from another process, for the change-feed tests).

    python -m tests.commit_elsewhere DATABASE NAME
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import MONDAY_10

ROOT = Path(__file__).resolve().parent.parent


def main(database: str, name: str) -> None:
    from tests.mp_workers import _repository, referral_row

    repo = _repository(database, "duty1", MONDAY_10)
    print(repo.add_referral(referral_row(name)))


def commit_in_another_process(database: str, name: str) -> int:
    """Add a referral called ``name`` from a new Python process; its id."""
    done = subprocess.run([sys.executable, "-m", "tests.commit_elsewhere", database, name],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
