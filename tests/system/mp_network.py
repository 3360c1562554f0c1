"""Worker functions for the multi-process network test (issue 12, network; importable, so
the "spawn" start method can find them): round by round, edit one network member with the
version read when the form was opened, with the barrier and the outcome tuples of
``tests.system.mp_workers``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.system.mp_workers import _rounds


def _edit(repo: Any, job: Any) -> tuple[str, str]:
    """``job`` = (member id, the version read, the changed fields)."""
    member_id, version, changes = job
    saved = repo.edit_network_member(member_id, changes, expected_version=version)
    return "saved", str(saved.version)


def edit_rounds(
    db_path: str, login: str, now: dt.datetime, jobs: list[Any], barrier: Any, results: Any
) -> None:
    """Round r: wait for everyone, then save the edit ``jobs[r]``; report the outcome."""
    _rounds(db_path, login, now, jobs, barrier, results, _edit)
