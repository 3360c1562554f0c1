"""Fixtures for the repository tests: real SQLite files (tests/conftest.py) and, when the
server programs are on the machine, a throwaway PostgreSQL server (``pg_url``, one per
pytest-xdist worker: its own folder and Unix socket, no TCP port)."""

from __future__ import annotations

from tests.repo.pg_server import pg, pg_url  # noqa: F401 - fixtures for this layer
