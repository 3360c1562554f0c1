"""The schema check before the app starts (issue 15, start-up): one plain query on the meta
table, without the models (their class building is for the first screen's worker), and the
same refusals as before (tests/repo/test_models.py, tests/repo/test_migrations.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from duty_desk import models
from duty_desk.config import Config
from duty_desk.db import META_TABLE, open_database


def test_the_check_reads_the_models_table() -> None:
    assert models.Meta.__tablename__ == META_TABLE


def test_opening_a_database_leaves_the_models_unloaded(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    open_database(Config(), str(path), create=True).dispose()
    code = (
        "import sys\nfrom duty_desk.config import Config\nfrom duty_desk.db import open_database\n"
        f"open_database(Config(), {str(path)!r}).dispose()\n"
        "print('duty_desk.models' in sys.modules, 'duty_desk.repository' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]
