"""The board's partial re-read (issue 15, duty_desk/repo/board_changes.py): after another
person's change, a board read that re-reads only the episodes the audit log says changed
must equal a full read by a fresh repository, whatever the kind of change; and whatever
the log cannot account for is read whole. Real SQLite files; the other person works
through a database connection of their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
from sqlmodel import select

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import Database, open_database
from duty_desk.models import Client
from duty_desk.repo.board_changes import AuditMark, newest_mark, touched_since
from duty_desk.repository import Repository
from duty_desk.views import BoardData
from tests.conftest import MONDAY_10, referral_input
from tests.dialog_answers import LIFE, TREATMENT

TZ = "Europe/London"  # UTC+0 in November: local times are UTC


def at(hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, 23, hour, minute, tz=TZ)


@pytest.fixture
def other(config: Config, db_path: Path, repo: Repository) -> Iterator[Repository]:
    """Another duty worker (clin2) on a database connection of their own."""
    repo.add_staff("clin2", "Clinician Two (test)", "clinician")
    database = open_database(config, str(db_path))
    yield Repository(database, config, actor="clin2")
    database.dispose()


def accept(repo: Repository, name: str, **more: str) -> int:
    return repo.accept(repo.add_referral(referral_input(name=name, nhs_number="", **more)))


WHITSTABLE = {"area": "whitstable", "gp_practice": "Harbour Street Surgery (example)"}


def held_read_at(repo: Repository) -> float:
    held = repo._board.held
    assert held is not None
    return held.read_at


def partial_equals_full(repo: Repository, db: Database, config: Config) -> BoardData:
    """The board read again by ``repo`` (only what changed) equals a fresh full read."""
    read_at = held_read_at(repo)
    partial = repo.board()
    assert held_read_at(repo) == read_at, "every episode was read again, not only the changed"
    full = Repository(db, config, actor="duty1").board()
    assert partial == full
    return partial


def test_every_kind_of_outside_change_shows_as_a_full_read_would(
    repo: Repository, other: Repository, db: Database, config: Config
) -> None:
    duty = repo.acting_staff()
    assert duty is not None
    peer = repo.add_staff("peer1", "Peer Worker (test)", "peer_support").id
    with timeutil.frozen(at(9)):
        bystanders = [accept(repo, f"Zed Bystander {i} (test)") for i in range(3)]
        bystanders += [accept(repo, f"Zed Bystander {i} (test)", **WHITSTABLE) for i in (3, 4)]
        reversed_client = accept(repo, "Yan Reversed (test)", **WHITSTABLE)
    with timeutil.frozen(at(10)):
        board = repo.board()  # the first read: every episode
        assert len(board.episodes) == 6

        client = accept(other, "Alex Example (test)")  # accepted elsewhere: a new row
        found = partial_equals_full(repo, db, config)
        assert client in {e.client_id for e in found.episodes}

        other.set_core_team(client, [duty.id, peer], duty.id, "Team (test)")
        found = partial_equals_full(repo, db, config)
        assert [e for e in found.episodes if e.client_id == client][0].key_worker == duty

        meeting = other.book(client, at(11), 60, [duty.id, peer], "base")
        found = partial_equals_full(repo, db, config)
        assert [e for e in found.episodes if e.client_id == client][0].next_meeting == at(11)
        later = other.book(client, at(15), 60, [duty.id, peer], "base")

        referral = next(e.referral_id for e in found.episodes if e.client_id == client)
        version = other.referral(referral).version
        other.update_referral(referral, {"name": "Aaron Renamed (test)"}, expected_version=version)
        found = partial_equals_full(repo, db, config)
        assert found.episodes[0].name == "Aaron Renamed (test)"

        rating = other.save_dialog_rating(client, {k: (4, False) for k in LIFE + TREATMENT})
        assert rating
        partial_equals_full(repo, db, config)

        other.add_note("Call back after 2pm (test)", client_id=bystanders[0])  # not on a row
        other.record_absence(peer, dt.date(2026, 11, 23), dt.date(2026, 11, 24), "sickness")
        found = partial_equals_full(repo, db, config)
        assert any(b.kind == "core_member_absent" for b in found.breaks)

    with timeutil.frozen(at(12, 30)):  # the 11:00 meeting has begun: the next is at 15:00
        other.add_note("Bystander rang (test)", client_id=bystanders[1])  # only this changed
        found = partial_equals_full(repo, db, config)
        assert [e for e in found.episodes if e.client_id == client][0].next_meeting == at(15)
        other.record_happened(meeting, [duty.id])
        found = partial_equals_full(repo, db, config)
        mine = [e for e in found.episodes if e.client_id == client][0]
        assert mine.last_meeting == at(11) and mine.continuity.meetings == 1

        other.cancel_meeting(later, "client", "Unwell (test)")
        found = partial_equals_full(repo, db, config)
        assert [e for e in found.episodes if e.client_id == client][0].next_meeting is None

        reversed_referral = next(
            e.referral_id for e in found.episodes if e.client_id == reversed_client
        )
        other.reverse_decision(reversed_referral, "Accepted by mistake (test)")
        found = partial_equals_full(repo, db, config)
        assert reversed_client not in {e.client_id for e in found.episodes}

        other.discharge(client, "primary_care", dt.date(2026, 11, 23), "Back to GP (test)")
        found = partial_equals_full(repo, db, config)
        assert client not in {e.client_id for e in found.episodes}
        assert {e.client_id for e in found.episodes} == set(bystanders)


def test_what_the_audit_log_cannot_account_for_is_read_whole(
    repo: Repository, other: Repository, db: Database, config: Config
) -> None:
    with timeutil.frozen(MONDAY_10):
        client = accept(repo, "Alex Example (test)")
        repo.board()
        first = held_read_at(repo)
        # A write that bypassed the audit (no audit row since): every episode read again.
        with db.session(write=True) as session:
            row = session.exec(select(Client).where(Client.id == client)).one()
            row.key_worker_id = None
            row.version += 1
            session.add(row)
        repo.board()
        assert held_read_at(repo) > first
        # A change of the staff list: every episode again (their teams show staff).
        second = held_read_at(repo)
        repo.set_capacity("clin2", 3)
        assert repo.board() == Repository(db, config, actor="duty1").board()
        assert held_read_at(repo) > second


def test_touched_since_maps_entities_to_clients_and_says_when_it_cannot_tell(
    repo: Repository, other: Repository, db: Database
) -> None:
    with timeutil.frozen(MONDAY_10):
        client = accept(repo, "Alex Example (test)")
        with db.session() as session:
            mark = newest_mark(session)
        assert mark is not None
        duty = repo.acting_staff()
        assert duty is not None
        other.book(client, at(11), 60, [duty.id], "base")
        other.add_referral(referral_input(name="Not Accepted (test)", nhs_number=""))
        with db.session() as session:
            found = touched_since(session, mark)
            assert found.clients == {client}  # the meeting's client; a queue referral: none
            assert found.mark is not None and found.mark.id > mark.id
            # Another history with the same id (a restore): cannot tell.
            assert touched_since(session, AuditMark(mark.id, "0" * 64)).clients is None
            # Nothing since the newest row: cannot tell (only a write around the audit).
            assert touched_since(session, found.mark).clients is None
