"""Fixtures for the system tests: real processes, the real CLI, real files.

Every test here runs with no settings or database from the machine (``isolated_env`` from
tests/conftest.py, also set for the child processes the tests start, which inherit the
environment). The multi-process workers live in mp_workers.py and mp_stress.py (importable
by module path, for the "spawn" start method). ``pg`` is a fresh duty-desk database on a
real PostgreSQL server (``pg_url``, skipped where its programs are missing) with ``duty1``
as team lead.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from duty_desk.config import Config
from duty_desk.db import Database
from duty_desk.repository import Repository
from tests.repo.pg_server import fresh_database, pg_url  # noqa: F401 - the fixture, for this folder's tests


@pytest.fixture(autouse=True)
def _no_machine_settings(isolated_env: Path) -> Path:
    return isolated_env


@pytest.fixture
def pg(pg_url: str) -> Iterator[Database]:  # noqa: F811 - the fixture imported above
    db = fresh_database(pg_url)
    Repository(db, Config(), actor="duty1").add_staff(
        "duty1", "Duty One (test)", "team_lead", bootstrap=True
    )
    yield db
    db.dispose()
