"""Fixtures of the system tests: a real PostgreSQL server (``pg_url``, skipped where its
programs are missing) and a fresh duty-desk database on it with ``duty1`` as team lead."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from duty_desk.config import Config
from duty_desk.db import Database, open_database
from duty_desk.repository import Repository
from tests.pg_server import pg_url  # noqa: F401 - the fixture, for this folder's tests


@pytest.fixture
def pg(pg_url: str) -> Iterator[Database]:  # noqa: F811
    engine_db = open_database(Config(), pg_url, check=False)
    with engine_db.engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    engine_db.dispose()
    db = open_database(Config(), pg_url, create=True)
    Repository(db, Config(), actor="duty1").add_staff(
        "duty1", "Duty One (test)", "team_lead", bootstrap=True
    )
    yield db
    db.dispose()
