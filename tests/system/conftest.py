"""Fixtures for the system tests: real processes, the real CLI, real files.

Every test here runs with no settings or database from the machine (``isolated_env`` from
tests/conftest.py, also set for the child processes the tests start, which inherit the
environment). The multi-process workers live in mp_workers.py and mp_stress.py (importable
by module path, for the "spawn" start method).
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _no_machine_settings(isolated_env: Path) -> Path:
    return isolated_env
