"""The board's repository part: core teams, problems, breaks, caseloads, absences,
discharge, capacity and the precomputed continuity figures, on a real SQLite file.

Meetings are written straight into the tables by :func:`add_meeting` (test setup, so
these tests do not depend on the booking code), which calls ``refresh_continuity``
in the same transaction as the meetings part does when it records attendance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pendulum
import pytest
from sqlalchemy import event
from sqlmodel import select

from duty_desk.config import Config, ContinuitySettings
from duty_desk.db import Database
from duty_desk.errors import Conflict, InputErrors, NotFound, NotPermitted
from duty_desk.models import (
    Client,
    ClientContinuity,
    Meeting,
    MeetingStaff,
    MeetingStatus,
    Referral,
)
from duty_desk.repo.continuity import refresh_all_continuity, refresh_continuity
from duty_desk.repository import Repository
from screens.board_render import break_text

TZ = "Europe/London"  # the team's zone in these tests

NOW = pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London")  # conftest's frozen_now
TODAY = dt.date(2026, 11, 23)


@dataclass
class Team:
    repo: Repository
    db: Database
    duty: int  # duty1, clinician
    peer: int  # peer support worker
    clin: int  # clinician
    other: int  # clinician


@pytest.fixture
def team(repo: Repository, db: Database, frozen_now: pendulum.DateTime) -> Team:
    duty = repo.acting_staff()
    assert duty is not None
    peer = repo.add_staff("peer1", "Peer Worker One (test)", "peer_support")
    clin = repo.add_staff("clin2", "Clinician Two (test)", "clinician")
    other = repo.add_staff("clin3", "Clinician Three (test)", "clinician")
    return Team(repo, db, duty.id, peer.id, clin.id, other.id)


def accept(repo: Repository, name: str = "Alex Example (test)", **overrides: str) -> int:
    """A referral accepted into POD now: the new client (episode) id."""
    from tests.conftest import referral_input

    return repo.accept(repo.add_referral(referral_input(name=name, nhs_number="", **overrides)))


def add_meeting(
    db: Database,
    client_id: int,
    starts_at: dt.datetime,
    staff: dict[int, bool | None],
    status: str = MeetingStatus.happened.value,
    refresh: bool = True,
) -> int:
    """Test setup: one meeting and its staff, written straight into the tables."""
    with db.session(write=True) as session:
        row = Meeting(
            client_id=client_id,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1),
            place_kind="base",
            status=status,
            created_at=starts_at,
            created_by="duty1",
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        session.add_all(
            [MeetingStaff(meeting_id=row.id, staff_id=s, attended=a) for s, a in staff.items()]
        )
        session.flush()
        if refresh:
            refresh_continuity(session, client_id)
        return row.id


def days_ago(days: float) -> dt.datetime:
    return NOW.subtract(hours=24 * days).in_timezone("UTC")


def set_accepted(db: Database, client_id: int, when: dt.datetime) -> None:
    """Test setup: move an episode's acceptance into the past."""
    with db.session(write=True) as session:
        client = session.get(Client, client_id)
        assert client is not None
        client.accepted_at = when
        session.add(client)


# -- core team -------------------------------------------------------------------------------


def test_a_new_episode_has_problems_and_a_break(team: Team) -> None:
    client = accept(team.repo)
    board = team.repo.board()
    [episode] = board.episodes
    assert episode.client_id == client and episode.status == "open"
    assert episode.key_worker is None and episode.core_team == ()
    assert episode.problems == ("No key worker named", "No core team yet")
    assert [b.kind for b in board.breaks] == ["no_key_worker"]
    assert "has no key worker" in break_text(board.breaks[0], TZ)
    assert not episode.continuity.enough and episode.continuity.upc is None
    assert team.repo.client_for_referral(episode.referral_id) == client
    assert team.repo.client_for_referral(9999) is None


def test_set_core_team_audits_logins_and_reason(team: Team) -> None:
    client = accept(team.repo)
    version = team.repo.episode(client).version
    team.repo.set_core_team(
        client, [team.duty, team.peer], team.peer, "First team (test)", expected_version=version
    )
    episode = team.repo.episode(client)
    assert [m.login for m in episode.core_team] == ["duty1", "peer1"]
    assert episode.key_worker is not None and episode.key_worker.login == "peer1"
    assert episode.problems == ()
    assert episode.version == version + 1
    entry = team.repo.history("client", client)[-1]
    assert entry.action == "core team" and entry.actor == "duty1"
    assert entry.before == {"core_team": [], "key_worker": None}
    assert entry.after == {
        "core_team": ["duty1", "peer1"],
        "key_worker": "peer1",
        "reason": "First team (test)",
    }

    # Same key worker, one member swapped: still a new version and an audit entry.
    team.repo.set_core_team(client, [team.clin, team.peer], team.peer, "Swap (test)")
    again = team.repo.episode(client)
    assert again.version == version + 2
    assert [m.login for m in again.core_team] == ["clin2", "peer1"]
    last = team.repo.history("client", client)[-1]
    assert last.before == {"core_team": ["duty1", "peer1"], "key_worker": "peer1"}
    assert last.after is not None and last.after["core_team"] == ["clin2", "peer1"]


@pytest.mark.parametrize(
    ("ids", "key", "reason", "fields"),
    [
        ([1], 1, "r", {"core_team"}),
        ([1, 2, 3, 4], 1, "r", {"core_team"}),
        ([1, 1, 2], 1, "r", {"core_team"}),
        ([1, 2], 3, "r", {"key_worker"}),
        ([1, 2], 1, "  ", {"reason"}),
        ([1], 5, "", {"core_team", "key_worker", "reason"}),
    ],
)
def test_set_core_team_input_errors(
    team: Team, ids: list[int], key: int, reason: str, fields: set[str]
) -> None:
    client = accept(team.repo)
    with pytest.raises(InputErrors) as caught:
        team.repo.set_core_team(client, ids, key, reason)
    assert set(caught.value.errors) == fields
    assert team.repo.episode(client).version == 1


def test_set_core_team_needs_active_staff_and_an_open_episode(
    team: Team, repo_as: Callable[[str], Repository]
) -> None:
    client = accept(team.repo)
    team.repo.deactivate_staff("clin3")
    with pytest.raises(InputErrors, match="has left the team") as caught:
        team.repo.set_core_team(client, [team.duty, team.other], team.duty, "r")
    assert set(caught.value.errors) == {"core_team"}
    with pytest.raises(InputErrors, match="no staff member number 999"):
        team.repo.set_core_team(client, [team.duty, 999], team.duty, "r")
    with pytest.raises(NotFound):
        team.repo.set_core_team(12345, [team.duty, team.peer], team.duty, "r")
    with pytest.raises(NotPermitted):
        repo_as("stranger").set_core_team(client, [team.duty, team.peer], team.duty, "r")
    team.repo.discharge(client, "primary_care", TODAY, "Back to GP (test)")
    with pytest.raises(Conflict, match="has ended"):
        team.repo.set_core_team(client, [team.duty, team.peer], team.duty, "r")


def test_a_stale_core_team_change_names_who_changed_it(
    team: Team, repo_as: Callable[[str], Repository]
) -> None:
    client = accept(team.repo)
    seen = team.repo.episode(client).version
    repo_as("peer1").set_core_team(client, [team.duty, team.peer], team.peer, "Theirs (test)")
    with pytest.raises(Conflict) as caught:
        team.repo.set_core_team(
            client, [team.duty, team.clin], team.duty, "Mine (test)", expected_version=seen
        )
    message = str(caught.value)
    assert "peer1" in message and "core team" in message and "Mon 23 Nov 10:00" in message
    assert [m.login for m in team.repo.episode(client).core_team] == ["duty1", "peer1"]


def test_problems_peer_support_size_and_key_worker_left(team: Team) -> None:
    client = accept(team.repo)
    team.repo.set_core_team(client, [team.duty, team.clin], team.clin, "No peer (test)")
    assert team.repo.episode(client).problems == ("No peer support worker in the core team",)
    team.repo.deactivate_staff("clin2")
    episode = team.repo.episode(client)
    assert episode.problems == (
        "Key worker Clinician Two (test) (clin2) has left the team",
        "No peer support worker in the core team",
    )
    board = team.repo.board()
    assert [b.kind for b in board.breaks] == ["key_worker_left"]
    assert board.breaks[0].staff_id == team.clin and "clin2" in break_text(board.breaks[0], TZ)
    # A core team left with one member (rows written directly: older data, or a failed edit).
    with team.db.session(write=True) as session:
        from duty_desk.models import CoreTeamMember

        row = session.exec(select(CoreTeamMember).where(CoreTeamMember.staff_id == team.duty)).one()
        session.delete(row)
    assert "Core team has 1 member; it should have 2 or 3" in team.repo.episode(client).problems


# -- continuity figures ----------------------------------------------------------------------


def test_figures_follow_meetings_and_core_team(team: Team) -> None:
    client = accept(team.repo)
    team.repo.set_core_team(client, [team.duty, team.peer], team.duty, "Team (test)")
    version = team.repo.episode(client).version
    a, b, c = team.duty, team.peer, team.other
    # A A A A B B B C (one staff member each), oldest first
    for i, who in enumerate([a, a, a, a, b, b, b, c]):
        add_meeting(team.db, client, days_ago(20 - i), {who: True})
    figures = team.repo.episode(client).continuity
    assert figures.meetings == 8
    assert figures.coc == pytest.approx(18 / 56)
    assert figures.upc == pytest.approx(0.5)
    assert figures.secon == pytest.approx(5 / 7)
    assert figures.with_core == pytest.approx(7 / 8)
    assert figures.with_key_worker == pytest.approx(4 / 8)
    assert team.repo.episode(client).version == version, "figures never bump the version"

    # The core team changes: with_core is about the current core team.
    team.repo.set_core_team(client, [team.peer, team.other], team.other, "Change (test)")
    figures = team.repo.episode(client).continuity
    assert figures.with_core == pytest.approx(4 / 8)
    assert figures.with_key_worker == pytest.approx(1 / 8)
    assert figures.coc == pytest.approx(18 / 56)


def test_expected_but_absent_staff_and_other_statuses_do_not_count(team: Team) -> None:
    client = accept(team.repo)
    team.repo.set_core_team(client, [team.duty, team.peer], team.duty, "Team (test)")
    add_meeting(team.db, client, days_ago(5), {team.duty: True, team.peer: False})
    add_meeting(
        team.db, client, days_ago(4), {team.duty: None}, status=MeetingStatus.did_not_attend.value
    )
    add_meeting(
        team.db, client, days_ago(3), {team.duty: None}, status=MeetingStatus.cancelled.value
    )
    figures = team.repo.episode(client).continuity
    assert figures.meetings == 1 and not figures.enough and figures.coc is None
    add_meeting(team.db, client, days_ago(2), {})  # happened, nobody recorded
    figures = team.repo.episode(client).continuity
    assert figures.meetings == 2
    assert figures.with_core == pytest.approx(0.5)
    assert figures.secon == 0
    assert figures.coc is None  # one staff-visit
    assert team.repo.episode(client).last_meeting == days_ago(2)


def test_figures_not_computed_yet_are_read_on_the_fly(team: Team) -> None:
    client = accept(team.repo)
    for i in range(3):
        add_meeting(team.db, client, days_ago(10 - i), {team.duty: True}, refresh=False)
    with team.db.session() as session:
        assert session.get(ClientContinuity, client) is None
    figures = team.repo.board().episodes[0].continuity
    assert figures.meetings == 3 and figures.upc == 1
    with team.db.session() as session:
        assert session.get(ClientContinuity, client) is None, "a read writes nothing"
    with team.db.session(write=True) as session:
        assert refresh_all_continuity(session) == 1
    with team.db.session() as session:
        stored = session.get(ClientContinuity, client)
        assert stored is not None and stored.meetings == 3 and stored.last_met_at == days_ago(8)


def test_recording_attendance_refreshes_the_figures(team: Team) -> None:
    """The meetings part's record_happened calls refresh_continuity in its transaction."""
    client = accept(team.repo)
    team.repo.set_core_team(client, [team.duty, team.peer], team.duty, "Team (test)")
    add_meeting(team.db, client, days_ago(3), {team.duty: True})
    booked = add_meeting(
        team.db,
        client,
        days_ago(1),
        {team.duty: None, team.peer: None},
        status=MeetingStatus.booked.value,
    )
    assert team.repo.episode(client).continuity.meetings == 1
    team.repo.record_happened(booked, [team.peer])
    figures = team.repo.episode(client).continuity
    assert figures.meetings == 2 and figures.with_core == 1
    assert figures.with_key_worker == pytest.approx(0.5) and figures.secon == 0
    team.repo.change_outcome(
        booked, "did_not_attend", "Recorded by mistake (test)", follow_up="Phoned (test)"
    )
    assert team.repo.episode(client).continuity.meetings == 1


# -- breaks ----------------------------------------------------------------------------------


def test_breaks_meeting_without_core_and_not_seen(team: Team) -> None:
    seen = accept(team.repo, "Bea Seen (test)")
    unseen = accept(team.repo, "Cal Unseen (test)")
    fresh = accept(team.repo, "Dee Fresh (test)")
    for client in (seen, unseen, fresh):
        team.repo.set_core_team(client, [team.duty, team.peer], team.duty, "Team (test)")
    set_accepted(team.db, seen, days_ago(40))
    set_accepted(team.db, unseen, days_ago(20))
    add_meeting(team.db, seen, days_ago(30), {team.other: True})  # outside the 14 days
    add_meeting(team.db, seen, days_ago(3), {team.other: True, team.clin: True})
    add_meeting(team.db, seen, days_ago(2), {team.duty: True, team.other: True})
    board = team.repo.board()
    # (without the crisis-plan breaks of issue 12: tests/repo/test_crisis.py)
    kinds = [
        (b.kind, b.client_name) for b in board.breaks if not b.kind.startswith(("crisis", "risk"))
    ]
    assert kinds == [("no_core_at_meeting", "Bea Seen (test)"), ("not_seen", "Cal Unseen (test)")]
    no_core, not_seen = board.breaks
    assert no_core.at == days_ago(3) and no_core.meeting_id is not None
    assert break_text(no_core, TZ) == (
        "Bea Seen (test)'s meeting on Fri 20 Nov 10:00 had no core-team "
        "member (attended by Clinician Three (test), Clinician Two (test))"
    )
    assert break_text(not_seen, TZ) == (
        "Cal Unseen (test) not seen since accepted Tue 3 Nov 10:00 "
        "(20 days, no meeting has taken place)"
    )
    # Last seen 15 days ago: a break naming the last meeting.
    add_meeting(team.db, unseen, days_ago(15), {team.duty: True})
    text = next(break_text(b, TZ) for b in team.repo.board().breaks if b.kind == "not_seen")
    assert text == "Cal Unseen (test) not seen for 15 days (last meeting Sun 8 Nov 10:00)"


def test_the_not_seen_days_are_a_setting(team: Team, db: Database) -> None:
    client = accept(team.repo)
    team.repo.set_core_team(client, [team.duty, team.peer], team.duty, "Team (test)")
    set_accepted(team.db, client, days_ago(5))
    assert team.repo.board().breaks == ()
    strict = Config(continuity=ContinuitySettings(not_seen_days=3))
    breaks = Repository(db, strict, actor="duty1").board().breaks
    assert [b.kind for b in breaks] == ["not_seen"]


def test_break_core_member_absent_for_a_booked_meeting(team: Team) -> None:
    client = accept(team.repo)
    team.repo.set_core_team(client, [team.duty, team.peer], team.duty, "Team (test)")
    wednesday = pendulum.datetime(2026, 11, 25, 14, 0, tz="Europe/London")
    friday = pendulum.datetime(2026, 11, 27, 9, 0, tz="Europe/London")
    on_wed = add_meeting(
        team.db,
        client,
        wednesday,
        {team.duty: None, team.peer: None},
        status=MeetingStatus.booked.value,
    )
    add_meeting(team.db, client, friday, {team.duty: None}, status=MeetingStatus.booked.value)
    absence = team.repo.record_absence(
        team.peer, dt.date(2026, 11, 24), dt.date(2026, 11, 26), "training", "Course (test)"
    )
    board = team.repo.board()
    [item] = board.breaks
    assert item.kind == "core_member_absent" and item.meeting_id == on_wed
    assert item.staff_id == team.peer
    assert break_text(item, TZ) == (
        "Peer Worker One (test) (peer1) is away (training) for Alex Example "
        "(test)'s meeting on Wed 25 Nov 14:00"
    )
    assert board.episodes[0].next_meeting == wednesday
    # A non-core staff member's absence is not a continuity break.
    team.repo.cancel_absence(absence)
    team.repo.record_absence(team.other, dt.date(2026, 11, 27), dt.date(2026, 11, 27), "leave")
    assert team.repo.board().breaks == ()


def test_board_filtered_by_staff(team: Team) -> None:
    mine = accept(team.repo, "Mine Example (test)")
    theirs = accept(team.repo, "Theirs Example (test)")
    team.repo.set_core_team(mine, [team.duty, team.peer], team.duty, "Team (test)")
    team.repo.set_core_team(theirs, [team.clin, team.peer], team.clin, "Team (test)")
    assert [e.client_id for e in team.repo.board(team.duty).episodes] == [mine]
    assert [e.client_id for e in team.repo.board(team.peer).episodes] == [mine, theirs]
    assert team.repo.board(team.other).episodes == ()
    assert len(team.repo.board(team.other).staff) == 4, "every active staff member's load"


# -- caseload and suggestions ----------------------------------------------------------------


def test_caseload_and_suggestions(team: Team) -> None:
    team.repo.set_capacity("clin3", 2)
    first = accept(team.repo, "First Example (test)")
    second = accept(team.repo, "Second Example (test)")
    team.repo.set_core_team(first, [team.duty, team.peer], team.duty, "Team (test)")
    team.repo.set_core_team(second, [team.duty, team.clin], team.clin, "Team (test)")
    loads = {load.staff.login: load for load in team.repo.board().staff}
    assert (loads["duty1"].core_count, loads["duty1"].key_count, loads["duty1"].room) == (2, 1, 10)
    assert (loads["clin2"].core_count, loads["clin2"].key_count) == (1, 1)
    assert loads["clin3"].room == 2
    order = [load.staff.login for load in team.repo.suggest_staff()]
    assert order == ["clin2", "peer1", "duty1", "clin3"]  # room 11, 11, 10, 2; ties by name
    assert order != sorted(order)
    # Away today: last, whatever their room.
    team.repo.record_absence(team.clin, TODAY, TODAY, "sickness")
    assert [load.staff.login for load in team.repo.suggest_staff()][-1] == "clin2"
    # For an episode, its own core team's room does not count that episode.
    for_second = {load.staff.login: load.room for load in team.repo.suggest_staff(second)}
    assert for_second["duty1"] == 11 and for_second["peer1"] == 11
    with pytest.raises(NotFound):
        team.repo.suggest_staff(999)
    # Inactive staff are never suggested.
    team.repo.deactivate_staff("clin3")
    assert "clin3" not in [load.staff.login for load in team.repo.suggest_staff()]


def test_discharged_episodes_leave_the_caseload(team: Team) -> None:
    client = accept(team.repo)
    team.repo.set_core_team(client, [team.duty, team.peer], team.duty, "Team (test)")
    team.repo.discharge(client, "primary_care", TODAY, "Back to GP (test)")
    board = team.repo.board()
    assert board.episodes == () and board.breaks == ()
    assert all(load.core_count == 0 and load.key_count == 0 for load in board.staff)


def test_set_capacity(team: Team, repo_as: Callable[[str], Repository]) -> None:
    team.repo.set_capacity("peer1", 7)
    assert {s.login: s.capacity for s in team.repo.list_staff()}["peer1"] == 7
    entry = team.repo.history("staff", team.peer)[-1]
    assert (entry.action, entry.before, entry.after) == (
        "set capacity",
        {"capacity": 12},
        {"capacity": 7},
    )
    for bad in (-1, 201, "ten"):
        with pytest.raises(InputErrors) as caught:
            team.repo.set_capacity("peer1", bad)  # type: ignore[arg-type]
        assert set(caught.value.errors) == {"capacity"}
    with pytest.raises(NotFound):
        team.repo.set_capacity("nobody", 3)
    with pytest.raises(NotPermitted):
        repo_as("stranger").set_capacity("peer1", 3)


def test_new_staff_take_the_configured_capacity(db: Database, repo: Repository) -> None:
    roomy = Config(continuity=ContinuitySettings(default_capacity=20))
    added = Repository(db, roomy, actor="duty1").add_staff(
        "roomy", "Roomy Person (test)", "clinician"
    )
    assert added.capacity == 20


# -- absences --------------------------------------------------------------------------------


def test_absences_recorded_listed_and_cancelled(team: Team) -> None:
    past = team.repo.record_absence(team.peer, dt.date(2026, 11, 2), dt.date(2026, 11, 6), "leave")
    current = team.repo.record_absence(
        team.peer, dt.date(2026, 11, 20), dt.date(2026, 11, 24), "sickness"
    )
    future = team.repo.record_absence(
        team.clin, dt.date(2026, 12, 1), dt.date(2026, 12, 3), "training", "Course (test)"
    )
    assert [a.id for a in team.repo.absences()] == [current, future]
    assert [a.id for a in team.repo.absences(team.clin)] == [future]
    assert past not in [a.id for a in team.repo.absences()]
    loads = {load.staff.login: load for load in team.repo.board().staff}
    assert [a.id for a in loads["peer1"].absences] == [current]
    entry = team.repo.history("staff", team.clin)[-1]
    assert entry.action == "record absence"
    assert entry.after == {
        "absence_id": future,
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-03",
        "kind": "training",
        "note": "Course (test)",
    }

    with pytest.raises(InputErrors, match="already recorded away") as caught:
        team.repo.record_absence(team.peer, dt.date(2026, 11, 24), dt.date(2026, 11, 25), "leave")
    assert set(caught.value.errors) == {"starts_on"}

    version = team.repo.absences(team.clin)[0].version
    team.repo.cancel_absence(future, expected_version=version)
    assert team.repo.absences(team.clin) == []
    entry = team.repo.history("staff", team.clin)[-1]
    assert entry.action == "cancel absence" and entry.after == {
        "absence_id": future,
        "cancelled": True,
    }
    with pytest.raises(Conflict, match="already cancelled"):
        team.repo.cancel_absence(future)
    with pytest.raises(NotFound):
        team.repo.cancel_absence(999)
    # Cancelled: the days are free again.
    team.repo.record_absence(team.clin, dt.date(2026, 12, 2), dt.date(2026, 12, 2), "leave")


def test_a_stale_absence_cancel_is_refused(team: Team) -> None:
    absence = team.repo.record_absence(team.peer, TODAY, TODAY, "leave")
    version = team.repo.absences()[0].version
    team.repo.cancel_absence(absence, expected_version=version)
    other = team.repo.record_absence(team.peer, TODAY, TODAY, "leave")
    with pytest.raises(Conflict):
        team.repo.cancel_absence(other, expected_version=version + 5)


@pytest.mark.parametrize(
    ("starts", "ends", "kind", "note", "fields"),
    [
        (dt.date(2026, 11, 25), dt.date(2026, 11, 24), "leave", "", {"ends_on"}),
        (dt.date(2026, 1, 1), dt.date(2027, 6, 1), "leave", "", {"ends_on"}),
        (TODAY, TODAY, "holiday", "", {"kind"}),
        (TODAY, TODAY, "leave", "bad \x1b[31m", {"note"}),
        (None, None, None, "", {"starts_on", "ends_on", "kind"}),
    ],
)
def test_absence_input_errors(
    team: Team,
    starts: dt.date | None,
    ends: dt.date | None,
    kind: str | None,
    note: str,
    fields: set[str],
) -> None:
    with pytest.raises(InputErrors) as caught:
        team.repo.record_absence(team.peer, starts, ends, kind, note)  # type: ignore[arg-type]
    assert set(caught.value.errors) == fields
    with pytest.raises(InputErrors, match="no staff member number 999"):
        team.repo.record_absence(999, TODAY, TODAY, "leave")


def test_absence_impact_lists_clients_meetings_and_cover(team: Team) -> None:
    hit = accept(team.repo, "Hit Example (test)")
    quiet = accept(team.repo, "Quiet Example (test)")
    elsewhere = accept(team.repo, "Elsewhere Example (test)")
    team.repo.set_core_team(hit, [team.peer, team.duty, team.clin], team.peer, "Team (test)")
    team.repo.set_core_team(quiet, [team.peer, team.duty], team.duty, "Team (test)")
    team.repo.set_core_team(elsewhere, [team.duty, team.clin], team.duty, "Team (test)")
    in_absence = add_meeting(
        team.db,
        hit,
        pendulum.datetime(2026, 11, 26, 11, 0, tz="Europe/London"),
        {team.peer: None, team.duty: None},
        status=MeetingStatus.booked.value,
    )
    add_meeting(
        team.db,
        hit,
        pendulum.datetime(2026, 12, 8, 11, 0, tz="Europe/London"),
        {team.peer: None},
        status=MeetingStatus.booked.value,
    )  # after it
    team.repo.record_absence(team.duty, dt.date(2026, 11, 26), dt.date(2026, 11, 26), "leave")
    absence = team.repo.record_absence(
        team.peer, dt.date(2026, 11, 24), dt.date(2026, 12, 4), "sickness"
    )
    impact = team.repo.absence_impact(absence)
    assert [e.name for e, _, _ in impact] == ["Hit Example (test)", "Quiet Example (test)"]
    episode, meetings, cover = impact[0]
    assert [m.id for m in meetings] == [in_absence]
    assert meetings[0].client_name == "Hit Example (test)"
    # duty1 is away on the 26th: the rest of the core team is clin2; then others with room.
    assert [c.staff.login for c in cover] == ["clin2", "clin3"]
    _, quiet_meetings, quiet_cover = impact[1]
    # No meetings to cover: duty1 (away one day only) is still the rest of the core team.
    assert quiet_meetings == ()
    assert [c.staff.login for c in quiet_cover] == ["duty1", "clin3", "clin2"]
    with pytest.raises(NotFound):
        team.repo.absence_impact(999)


# -- discharge -------------------------------------------------------------------------------


def test_discharge_cancels_booked_meetings_and_stays_in_history(team: Team) -> None:
    client = accept(team.repo)
    team.repo.set_core_team(client, [team.duty, team.peer], team.duty, "Team (test)")
    add_meeting(team.db, client, days_ago(1), {team.duty: True})
    ahead = add_meeting(
        team.db, client, NOW.add(days=2), {team.duty: None}, status=MeetingStatus.booked.value
    )
    version = team.repo.episode(client).version
    team.repo.discharge(
        client, "primary_care", TODAY, "Back to GP (test)", expected_version=version
    )
    episode = team.repo.episode(client)
    assert episode.status == "discharged" and episode.discharge_kind == "primary_care"
    assert episode.discharge_reason == "Back to GP (test)"
    assert episode.discharged_at == pendulum.datetime(2026, 11, 23, tz="Europe/London")
    assert episode.continuity.meetings == 1
    meeting = team.repo.meeting(ahead)
    assert (meeting.status, meeting.cancelled_by, meeting.cancel_reason) == (
        "cancelled",
        "team",
        "episode discharged",
    )
    assert team.repo.history("meeting", ahead)[-1].action == "cancel meeting"
    actions = [(e.action, e.after) for e in team.repo.history("client", client)[-2:]]
    assert actions[0] == (
        "discharge",
        {
            "status": "discharged",
            "discharged_on": "2026-11-23",
            "discharge_kind": "primary_care",
            "discharge_reason": "Back to GP (test)",
            "discharged_by": "duty1",
        },
    )
    assert actions[1] == (
        "cancel meetings",
        {"meetings_cancelled": [ahead], "reason": "episode discharged"},
    )
    with pytest.raises(Conflict):
        team.repo.discharge(client, "other", TODAY, "Again (test)")


def test_discharge_date_in_summer_time_is_local_midnight(team: Team) -> None:
    client = accept(team.repo)
    set_accepted(team.db, client, pendulum.datetime(2026, 6, 1, 9, tz="Europe/London"))
    team.repo.discharge(client, "other", dt.date(2026, 7, 1), "Moved away (test)")
    assert team.repo.episode(client).discharged_at == pendulum.datetime(2026, 6, 30, 23, tz="UTC")


@pytest.mark.parametrize(
    ("kind", "on", "reason", "fields"),
    [
        ("primary_care", dt.date(2026, 11, 24), "r", {"on"}),
        ("primary_care", dt.date(2026, 11, 22), "r", {"on"}),  # before acceptance (today)
        ("transfer", TODAY, "r", {"kind"}),
        ("primary_care", TODAY, "", {"reason"}),
        (None, None, None, {"kind", "on", "reason"}),
    ],
)
def test_discharge_input_errors(
    team: Team, kind: str | None, on: dt.date | None, reason: str | None, fields: set[str]
) -> None:
    client = accept(team.repo)
    with pytest.raises(InputErrors) as caught:
        team.repo.discharge(client, kind, on, reason)  # type: ignore[arg-type]
    assert set(caught.value.errors) == fields
    assert team.repo.episode(client).status == "open"


def test_a_stale_discharge_is_refused(team: Team, repo_as: Callable[[str], Repository]) -> None:
    client = accept(team.repo)
    seen = team.repo.episode(client).version
    repo_as("clin2").set_core_team(client, [team.duty, team.peer], team.duty, "Team (test)")
    with pytest.raises(Conflict, match="changed by clin2"):
        team.repo.discharge(client, "primary_care", TODAY, "r", expected_version=seen)
    with pytest.raises(NotFound):
        team.repo.discharge(999, "primary_care", TODAY, "r")


def test_clients_for_export(team: Team) -> None:
    first = accept(team.repo, "First Example (test)")
    second = accept(team.repo, "Second Example (test)")
    team.repo.discharge(first, "primary_care", TODAY, "Back to GP (test)")
    assert [e.client_id for e in team.repo.clients_for_export()] == [first, second]
    assert [e.client_id for e in team.repo.clients_for_export(include_discharged=False)] == [second]


# -- performance -----------------------------------------------------------------------------


def insert_episodes(db: Database, count: int, staff: list[int]) -> None:
    """Test setup: ``count`` open episodes with core teams and two meetings each."""
    from duty_desk.models import CoreTeamMember

    with db.session(write=True) as session:
        for i in range(count):
            referral = Referral(
                name=f"Bulk Example {i} (test)",
                date_of_birth=dt.date(1990, 1, 1),
                area="canterbury",
                gp_practice="Cathedral View Surgery (example)",
                source="spoa-urgent",
                urgency="C",
                received_at=days_ago(30),
                respond_by=days_ago(29),
                status="accepted",
                created_at=days_ago(30),
                created_by="duty1",
            )
            session.add(referral)
            session.flush()
            client = Client(
                referral_id=referral.id,
                accepted_at=days_ago(30),
                accepted_by_id=staff[0],
                key_worker_id=staff[i % 2],
            )
            session.add(client)
            session.flush()
            session.add_all(
                [
                    CoreTeamMember(client_id=client.id, staff_id=s, added_at=days_ago(30))
                    for s in staff[:2]
                ]
            )
            for day in (20, 3):
                meeting = Meeting(
                    client_id=client.id,
                    starts_at=days_ago(day),
                    ends_at=days_ago(day) + dt.timedelta(hours=1),
                    place_kind="base",
                    status="happened",
                    created_at=days_ago(day),
                    created_by="duty1",
                )
                session.add(meeting)
                session.flush()
                session.add(MeetingStaff(meeting_id=meeting.id, staff_id=staff[2], attended=True))
        session.flush()
        refresh_all_continuity(session)


def count_queries(db: Database, fn: Callable[[], object]) -> int:
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    return len(statements)


def test_board_reads_take_a_fixed_number_of_queries(team: Team) -> None:
    insert_episodes(team.db, 5, [team.duty, team.peer, team.other])
    few = count_queries(team.db, team.repo.board)
    insert_episodes(team.db, 60, [team.duty, team.peer, team.other])
    many = count_queries(team.db, team.repo.board)
    assert many == few <= 12
    board = team.repo.board()
    assert len(board.episodes) == 65
    # Every one met in the last 14 days with only clin3 (not core): one break per meeting.
    assert sum(b.kind == "no_core_at_meeting" for b in board.breaks) == 65
    assert board.episodes[0].continuity.meetings == 2
    assert board.episodes[0].continuity.with_core == 0


def test_a_board_read_again_shows_every_kind_of_change(
    team: Team, repo_as: Callable[[str], Repository]
) -> None:
    """The board reuses unchanged episodes between reads (one repository per process): each
    change made elsewhere must still show on the next read (with bystanders, so that only
    the changed episode's core team is read again)."""
    client = accept(team.repo, "Alex Example (test)")
    for i in range(4):
        accept(team.repo, f"Zed Bystander {i} (test)")
    other = repo_as("clin2")
    assert team.repo.board().episodes[0].key_worker is None
    other.set_core_team(client, [team.duty, team.peer], team.duty, "Team (test)")
    episode = team.repo.board().episodes[0]
    assert [m.login for m in episode.core_team] == ["duty1", "peer1"]
    other.set_core_team(client, [team.clin, team.peer], team.peer, "Change (test)")
    episode = team.repo.board().episodes[0]
    assert [m.login for m in episode.core_team] == ["clin2", "peer1"]
    assert episode.key_worker is not None and episode.key_worker.login == "peer1"

    add_meeting(team.db, client, days_ago(2), {team.peer: True})
    add_meeting(team.db, client, days_ago(1), {team.peer: True})
    episode = team.repo.board().episodes[0]
    assert episode.continuity.meetings == 2 and episode.last_meeting == days_ago(1)
    ahead = NOW.add(days=3)
    add_meeting(team.db, client, ahead, {team.peer: None}, status=MeetingStatus.booked.value)
    assert team.repo.board().episodes[0].next_meeting == ahead

    repo_as("duty1").deactivate_staff("peer1")  # a lead, in another repository
    board = team.repo.board()
    assert board.episodes[0].key_worker is not None and not board.episodes[0].key_worker.active
    assert "key_worker_left" in [b.kind for b in board.breaks]
    repo_as("duty1").set_capacity("clin2", 3)
    assert {load.staff.login: load.room for load in team.repo.board().staff}["clin2"] == 2

    other.discharge(client, "primary_care", TODAY, "Back to GP (test)")
    assert "Alex Example (test)" not in [e.name for e in team.repo.board().episodes]


def test_a_board_read_again_hands_out_unchanged_episodes_and_rebuilds_changed_ones(
    team: Team, repo_as: Callable[[str], Repository]
) -> None:
    """Issue 15: the board keeps a compact stamp of what each episode was built from, not
    its row. A change to only the referral's words (the name, the language: no version of
    the episode moves) still shows on the next read; the episodes nothing changed for are
    the very objects of the read before (so the screen redraws only the changed row)."""
    client = accept(team.repo, "Alex Example (test)")
    bystanders = [accept(team.repo, f"Zed Bystander {i} (test)") for i in range(4)]
    with team.db.session(write=True) as session:
        refresh_all_continuity(session)  # stored figures, as every episode has (else computed)
    first = {e.client_id: e for e in team.repo.board().episodes}
    referral = first[client].referral_id
    other = repo_as("clin2")
    version = other.referral(referral).version
    other.update_referral(referral, {"name": "Alex Examplar (test)"}, expected_version=version)
    again = {e.client_id: e for e in team.repo.board().episodes}
    assert again[client].name == "Alex Examplar (test)"
    assert all(again[b] is first[b] for b in bystanders)
    other.update_referral(
        referral, {"language": "Polish"}, expected_version=other.referral(referral).version
    )
    third = {e.client_id: e for e in team.repo.board().episodes}
    assert third[client].language == "Polish" and third[client].name == "Alex Examplar (test)"
    assert third[client] is not again[client] and all(third[b] is first[b] for b in bystanders)
    # Nothing changed: the same objects again.
    assert all(e is third[e.client_id] for e in team.repo.board().episodes)
