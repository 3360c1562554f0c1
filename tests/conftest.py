"""Shared fixtures: a real SQLite file per test, the shipped config, a fixed clock.

Everything is synthetic: names end in "(test)" and NHS numbers are in the
999 range that NHS Digital keeps for testing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pendulum
import pytest

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import Database, open_database
from duty_desk.repository import Repository

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

# Monday 23 November 2026, 10:00 in London (UTC+0 in winter).
MONDAY_10 = pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London")
DUTY = "duty1"  # the acting login in tests; a staff member


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (pyproject's addopts): two workers per core, at most 8. Most tests wait
    more than they compute (on the app's workers, child processes, SQLite locks), so two per
    core finish sooner than one. PYTEST_XDIST_AUTO_NUM_WORKERS still decides when set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own rule reads it
    return min(8, 2 * (os.cpu_count() or 1))


@pytest.fixture
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No settings or database from the machine running the tests: an empty settings file
    (returned, for tests that write one), no database or debug variables, XDG folders in
    tmp_path. Autouse in tests/system; other tests ask for it."""
    settings = tmp_path / "empty.toml"
    settings.write_text("", encoding="utf-8")
    monkeypatch.setenv("DUTY_DESK_CONFIG", str(settings))
    monkeypatch.delenv("DUTY_DESK_DB", raising=False)
    monkeypatch.delenv("DUTY_DESK_DEBUG", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))  # the crash log
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))  # the bank holidays
    return settings


def test_config() -> Config:
    """The settings most tests use: the defaults, except that tests of other things book
    first meetings days after the referral, so the late-first-meeting reason (issue 11,
    on by default) is off; its own tests (tests/repo/test_decisions.py,
    tests/ui/test_ui_decisions.py) turn it on."""
    return Config.model_validate({"triage": {"late_first_meeting_needs_reason": False}})


test_config.__test__ = False  # type: ignore[attr-defined]  # not a test for pytest


@pytest.fixture
def config() -> Config:
    return test_config()


@pytest.fixture
def frozen_now() -> Iterator[pendulum.DateTime]:
    with timeutil.frozen(MONDAY_10) as at:
        yield at


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "duty.db"


@pytest.fixture
def db(config: Config, db_path: Path) -> Iterator[Database]:
    database = open_database(config, str(db_path), create=True)
    yield database
    database.dispose()


@pytest.fixture
def repo(db: Database, config: Config) -> Repository:
    """A repository acting as ``duty1``, who is on the staff list as its team lead
    (so tests can add staff; tests/repo/test_roles.py covers the other roles)."""
    repository = Repository(db, config, actor=DUTY)
    repository.add_staff(DUTY, "Duty Worker One (test)", "team_lead", bootstrap=True)
    return repository


@pytest.fixture
def repo_as(db: Database, config: Config, repo: Repository) -> Callable[[str], Repository]:
    """Another login on the same database (not necessarily staff)."""
    return lambda login: Repository(db, config, actor=login)


def referral_input(**overrides: str) -> dict[str, str]:
    """A valid referral as typed (eligible: SPoA urgent, age 36, Canterbury)."""
    data = {
        "received_at": "23/11/2026 09:00",
        "name": "Alex Example (test)",
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
    data.update(overrides)
    return data


@pytest.fixture
def make_referral(repo: Repository, frozen_now: pendulum.DateTime) -> Callable[..., int]:
    return lambda **overrides: repo.add_referral(referral_input(**overrides))
