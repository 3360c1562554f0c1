"""Worker functions for the multi-process decision tests (importable, so the "spawn" start
method can find them): round by round, reverse or accept, with the barrier and the outcome
tuples of ``tests.system.mp_workers``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.system.mp_workers import _accept, _rounds


def _reverse(repo: Any, referral_id: int) -> tuple[str, str]:
    repo.reverse_decision(referral_id, "Accepted by mistake (test)")
    return "reversed", ""


def decision_rounds(
    db_path: str,
    login: str,
    now: dt.datetime,
    referral_ids: list[int],
    kind: str,
    barrier: Any,
    results: Any,
) -> None:
    """Round r: wait for everyone, then reverse (``kind`` "reverse") or accept ("accept")
    ``referral_ids[r]``; report the outcome."""
    act = _reverse if kind == "reverse" else _accept
    _rounds(db_path, login, now, referral_ids, barrier, results, act)
