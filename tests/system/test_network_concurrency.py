"""Two people editing the same network member at the same moment (issue 12, network), in
separate processes released together by a Barrier each round (as tests/system/
test_concurrency.py): both opened the member at the same version; exactly one save wins, the
other is refused naming who changed it, and nothing is lost or merged silently.

Without the version check (``expected_version``), both saves pass and the member ends with
both changes merged: these tests fail.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from duty_desk import timeutil
from duty_desk.vocabulary import Consent
from tests.conftest import MONDAY_10
from tests.system import mp_network, mp_workers
from tests.system.test_concurrency import CTX, fresh_database, run

pytestmark = pytest.mark.slow

ROUNDS = 6


def test_two_people_editing_one_network_member_one_save_wins(tmp_path: Path) -> None:
    path = tmp_path / "network.db"
    logins = ["consent1", "phone2"]
    repo = fresh_database(path, logins)
    with timeutil.frozen(MONDAY_10):
        referral = repo.add_referral(mp_workers.referral_row("Networked (test)"))
        repo.accept(referral)
        members = [
            repo.add_network_member(referral, f"Member {n} (test)", "friend", "01632 960002")
            for n in range(ROUNDS)
        ]
    # Both opened member r at version 1: one records the consent as no, the other a new phone.
    edits = {
        "consent1": {"consent": "no"},
        "phone2": {"phone": "01632 960999", "takes_part": "no"},
    }
    jobs = [[(m, 1, edits[login]) for m in members] for login in logins]
    barrier, results = CTX.Barrier(len(logins)), CTX.Queue()
    now = timeutil.as_utc(MONDAY_10)
    outcomes = run(
        mp_network.edit_rounds,
        [(str(path), logins[w], now, jobs[w]) for w in range(len(logins))],
        barrier,
        results,
        expected=len(logins) * ROUNDS,
    )

    by_round: dict[int, dict[str, tuple[str, str]]] = {}
    for round_number, login, outcome, detail in outcomes:
        by_round.setdefault(round_number, {})[login] = (outcome, detail)
    assert sorted(by_round) == list(range(ROUNDS)), outcomes
    winners: Counter[str] = Counter()
    for r in range(ROUNDS):
        told = by_round[r]
        won = [login for login, (outcome, _) in told.items() if outcome == "saved"]
        assert len(won) == 1, (r, told)
        winner = won[0]
        [loser] = [login for login in logins if login != winner]
        outcome, message = told[loser]
        assert outcome == "Conflict", (r, told)
        assert f"changed by {winner}" in message and "Nothing was saved" in message, message
        winners[winner] += 1
        member = repo.network_member(members[r])
        assert member.version == 2, "one save, not two"
        if winner == "consent1":  # the consent change alone; the phone change not merged in
            assert (member.consent, member.consent_by) == (Consent.no, "consent1")
            assert (member.phone, member.takes_part) == ("01632 960002", True)
        else:
            assert (member.phone, member.takes_part) == ("01632 960999", False)
            assert (member.consent, member.consent_by) == (Consent.not_asked, None)
        history = repo.history("network_member", members[r])
        assert [(e.actor, e.action) for e in history] == [(winner, "edit network member")]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    repo.db.dispose()
