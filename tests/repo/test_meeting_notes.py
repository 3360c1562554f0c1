"""The meeting record (issue 12) on a real SQLite file: recording a meeting as happened with
its note in one transaction, cover added on the spot, adding to a note (append-only),
changing a recorded outcome only with a reason, a did-not-attend with its follow-up, and
stale saves refused naming who."""

from __future__ import annotations

import json
from collections.abc import Callable

import pendulum
import pytest
from sqlalchemy import text
from sqlmodel import select

from duty_desk import timeutil
from duty_desk.errors import Conflict, InputErrors
from duty_desk.models import MeetingStaff
from duty_desk.repository import Repository
from tests.repo.test_repo_meetings import Setup, local


@pytest.fixture
def m(repo: Repository, make_referral: Callable[..., int], frozen_now: pendulum.DateTime) -> Setup:
    """A client with a core team (duty1, peer1), another clinician and two network members."""
    duty = repo.acting_staff()
    assert duty is not None
    peer = repo.add_staff("peer1", "Peer Worker (test)", "peer_support")
    third = repo.add_staff("clin2", "Clinician Two (test)", "clinician")
    referral = make_referral()
    mum = repo.add_network_member(referral, "Mum (test)", "mother")
    friend = repo.add_network_member(referral, "Friend (test)", "friend")
    client = repo.accept(referral)
    repo.set_core_team(client, [duty.id, peer.id], duty.id, "Team (test)")
    return Setup(repo, duty.id, peer.id, third.id, client, referral, mum, friend)


def _past(s: Setup) -> int:
    return s.repo.book(
        s.client,
        local(23, 8),
        60,
        [s.duty, s.peer],
        "base",
        network_ids=[s.mum],
        override_reason="Recorded after the fact (test)",
    )


def _count(repo: Repository, table: str) -> int:
    with repo.db.session() as session:
        return int(session.exec(text(f"SELECT count(*) FROM {table}")).one()[0])  # type: ignore[call-overload]


def test_recording_a_meeting_keeps_who_came_the_cover_and_the_note(m: Setup) -> None:
    s = m
    meeting = _past(s)
    version = s.repo.meeting(meeting).version
    note_id = s.repo.record_meeting(
        meeting,
        [s.duty, s.third],
        [s.mum, s.friend],
        "Talked about sleep.\nDecided: meet weekly (test)",
        expected_version=version,
    )
    assert note_id is not None
    view = s.repo.meeting(meeting)
    assert view.status == "happened"
    staff = {a.id: (a.attended, a.cover) for a in view.staff}
    assert staff == {s.duty: (True, False), s.peer: (False, False), s.third: (True, True)}
    assert {a.id: a.attended for a in view.network} == {s.mum: True, s.friend: True}
    with s.repo.db.session() as session:
        added = session.exec(select(MeetingStaff).where(MeetingStaff.staff_id == s.third)).one()
        assert added.arranged_by == "duty1"
    record = s.repo.meeting_to_record(meeting)
    assert [n.text for n in record.detail.notes] == [
        "Talked about sleep.\nDecided: meet weekly (test)"
    ]
    assert record.detail.notes[0].created_by == "duty1"
    assert record.detail.notes[0].created_at == timeutil.now()
    entry = s.repo.history("meeting", meeting)[-1]
    assert entry.action == "record happened" and entry.after["note_id"] == note_id
    assert s.repo.episode(s.client).continuity.meetings == 1  # the same transaction


def test_the_note_is_required_the_first_time_and_nothing_is_written(m: Setup) -> None:
    s = m
    meeting = _past(s)
    audit = _count(s.repo, "audit_log")
    for note in ("", "   \n  "):
        with pytest.raises(InputErrors) as caught:
            s.repo.record_meeting(meeting, [s.duty], [], note)
        assert caught.value.errors == {
            "note": "write what was talked about and decided together (a line will do)"
        }
    assert s.repo.meeting(meeting).status == "booked"
    assert _count(s.repo, "audit_log") == audit and _count(s.repo, "meeting_note") == 0
    s.repo.record_meeting(meeting, [s.duty], [], "First (test)")
    # recorded again to correct who came: the note is there, nothing more is needed
    assert s.repo.record_meeting(meeting, [s.duty, s.peer], [], "") is None
    assert len(s.repo.meeting_to_record(meeting).detail.notes) == 1


def test_adding_to_a_note_is_a_new_entry_never_an_overwrite(m: Setup) -> None:
    s = m
    meeting = _past(s)
    with pytest.raises(Conflict, match="record it first"):
        s.repo.add_meeting_note(meeting, "Too early (test)")
    s.repo.record_meeting(meeting, [s.duty], [], "First (test)")
    with timeutil.frozen(local(23, 16)):
        peer = Repository(s.repo.db, s.repo.config, actor="peer1")
        peer.add_meeting_note(meeting, "Later: the GP agreed (test)")
    notes = s.repo.meeting_to_record(meeting).detail.notes
    assert [(n.text, n.created_by) for n in notes] == [
        ("First (test)", "duty1"),
        ("Later: the GP agreed (test)", "peer1"),
    ]
    assert notes[1].created_at == local(23, 16)
    assert s.repo.history("meeting", meeting)[-1].action == "add meeting note"
    with pytest.raises(InputErrors):
        s.repo.add_meeting_note(meeting, "")


def test_a_did_not_attend_needs_its_follow_up(m: Setup) -> None:
    s = m
    meeting = _past(s)
    for empty in ("", "  "):
        with pytest.raises(InputErrors) as caught:
            s.repo.record_did_not_attend(meeting, empty)
        assert caught.value.errors == {"follow_up": "follow-up is required"}
    assert s.repo.meeting(meeting).status == "booked"
    s.repo.record_did_not_attend(meeting, "Phoned, no answer; letter sent (test)")
    detail = s.repo.meeting_to_record(meeting).detail
    assert detail.follow_up == "Phoned, no answer; letter sent (test)"
    entry = s.repo.history("meeting", meeting)[-1]
    assert entry.after["follow_up"] == "Phoned, no answer; letter sent (test)"


def test_a_recorded_outcome_changes_only_with_a_reason_and_both_are_kept(m: Setup) -> None:
    s = m
    meeting = _past(s)
    s.repo.record_meeting(meeting, [s.duty], [s.mum], "Met (test)")
    version = s.repo.meeting(meeting).version
    with pytest.raises(Conflict, match="changed only with a reason"):
        s.repo.record_did_not_attend(meeting, "Phoned (test)")
    with pytest.raises(InputErrors) as caught:
        s.repo.change_outcome(meeting, "did_not_attend", "", expected_version=version)
    assert set(caught.value.errors) == {"reason", "follow_up"}
    change = s.repo.change_outcome(
        meeting,
        "did_not_attend",
        "Recorded against the wrong client (test)",
        follow_up="Phoned the sister (test)",
        expected_version=version,
    )
    assert change > 0
    detail = s.repo.meeting_to_record(meeting).detail
    [outcome] = detail.outcomes
    assert (outcome.from_status, outcome.to_status) == ("happened", "did_not_attend")
    assert outcome.reason == "Recorded against the wrong client (test)"
    assert outcome.changed_by == "duty1"
    assert detail.follow_up == "Phoned the sister (test)"
    assert detail.notes[0].text == "Met (test)"  # the note stays
    entry = s.repo.history("meeting", meeting)[-1]
    assert entry.action == "change outcome"
    assert entry.before["status"] == "happened"
    assert entry.after["status"] == "did_not_attend"
    assert entry.after["reason"] == "Recorded against the wrong client (test)"
    with pytest.raises(Conflict, match="changed only with a reason"):  # the old way too
        s.repo.record_happened(meeting, [s.duty])
    with pytest.raises(Conflict, match="already recorded as did not attend"):
        s.repo.change_outcome(meeting, "did_not_attend", "Again (test)", follow_up="x")
    with pytest.raises(InputErrors, match="staff"):
        s.repo.change_outcome(meeting, "happened", "It did happen (test)")
    s.repo.change_outcome(meeting, "happened", "It did happen (test)", staff_attended=[s.peer])
    assert s.repo.meeting(meeting).status == "happened"
    assert len(s.repo.meeting_details(s.client)[0].outcomes) == 2


def test_a_stale_change_is_refused_naming_who(m: Setup) -> None:
    s = m
    meeting = _past(s)
    version = s.repo.meeting(meeting).version
    peer = Repository(s.repo.db, s.repo.config, actor="peer1")
    peer.record_meeting(meeting, [s.peer], [], "Peer's record (test)")
    with pytest.raises(Conflict, match="was changed by peer1") as caught:
        s.repo.record_meeting(meeting, [s.duty], [], "Mine (test)", expected_version=version)
    assert "record happened" in str(caught.value)
    with pytest.raises(Conflict, match="was changed by peer1"):
        s.repo.change_outcome(
            meeting, "did_not_attend", "x (test)", follow_up="y", expected_version=version
        )
    assert [n.text for n in s.repo.meeting_to_record(meeting).detail.notes] == [
        "Peer's record (test)"
    ]


def test_nothing_recorded_for_a_future_or_cancelled_meeting(m: Setup) -> None:
    s = m
    future = s.repo.book(s.client, local(24, 10), 60, [s.duty], "base")
    with pytest.raises(InputErrors, match="once it has taken place"):
        s.repo.record_meeting(future, [s.duty], [], "Note (test)")
    s.repo.cancel_meeting(future, "client", "Moved away (test)")
    with timeutil.frozen(local(25, 10)):
        with pytest.raises(Conflict, match="cancelled"):
            s.repo.record_meeting(future, [s.duty], [], "Note (test)")
        with pytest.raises(Conflict, match="no recorded outcome"):
            s.repo.change_outcome(future, "happened", "x (test)", staff_attended=[s.duty])
    assert _count(s.repo, "meeting_note") == 0


def test_the_audit_entry_of_a_note_names_no_text(m: Setup) -> None:
    s = m
    """The note's text lives in meeting_note; the audit row points to it by id."""
    meeting = _past(s)
    s.repo.record_meeting(meeting, [s.duty], [], "Private words (test)")
    with s.repo.db.session() as session:
        found = session.exec(text("SELECT after FROM audit_log")).all()  # type: ignore[call-overload]
    rows = [json.loads(r[0] or "{}") for r in found]
    assert all("Private words" not in json.dumps(r) for r in rows)


def test_a_stale_did_not_attend_is_refused_naming_who(m: Setup) -> None:
    s = m
    meeting = _past(s)
    version = s.repo.meeting(meeting).version
    peer = Repository(s.repo.db, s.repo.config, actor="peer1")
    peer.record_meeting(meeting, [s.peer], [], "Peer's record (test)")
    with pytest.raises(Conflict, match="was changed by peer1"):
        s.repo.record_did_not_attend(meeting, "Phoned (test)", expected_version=version)
    assert s.repo.meeting(meeting).status == "happened"


def test_a_removed_member_is_not_offered_unless_the_meeting_expected_them(m: Setup) -> None:
    """Found by trying it: a member removed from the network was still offered in the
    meeting-happened form. Only one this meeting expected (mum) stays offered, with consent."""
    meeting = _past(m)
    m.repo.remove_network_member(m.friend, "Moved away (test)", expected_version=1)
    m.repo.remove_network_member(m.mum, "Asked to be left out (test)", expected_version=1)
    offered = m.repo.meeting_to_record(meeting).network
    assert [member.id for member in offered] == [m.mum]
    assert offered[0].removed and offered[0].consent is not None
