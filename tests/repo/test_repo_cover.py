"""Cover when someone is away (issue 11), on real SQLite files: part-day absences and which
meetings they touch (the booking checks follow), the worklist decisions (keep, move,
cover) audited and version-checked, cover in the continuity figures and the breaks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pendulum
import pytest

from duty_desk.errors import Conflict, InputErrors
from duty_desk.repository import Repository
from duty_desk.vocabulary import BreakKind
from tests.conftest import referral_input

TZ = "Europe/London"
WED = dt.date(2026, 11, 25)


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> pendulum.DateTime:
    return pendulum.datetime(2026, month, day, hour, minute, tz=TZ)


@dataclass
class Team:
    repo: Repository
    duty: int
    peer: int
    other: int
    third: int
    alex: int
    morning: int  # Wed 25 Nov 11:00-12:00, duty1 and peer1
    afternoon: int  # Wed 25 Nov 14:00-15:00, duty1 and peer1


@pytest.fixture
def team(repo: Repository, frozen_now: pendulum.DateTime) -> Team:
    duty = repo.acting_staff()
    assert duty is not None
    peer = repo.add_staff("peer1", "Peer Worker (test)", "peer_support")
    other = repo.add_staff("clin2", "Clinician Two (test)", "clinician")
    third = repo.add_staff("clin3", "Clinician Three (test)", "clinician")
    alex = repo.accept(
        repo.add_referral(referral_input(received_at="16/11/2026 09:00")),
        override_reason="set up for the test (test)",
    )
    repo.set_core_team(alex, [duty.id, peer.id], duty.id, "First team (test)")
    morning = repo.book(alex, local(25, 11), 60, [duty.id, peer.id], "base")
    afternoon = repo.book(alex, local(25, 14), 60, [duty.id, peer.id], "base")
    return Team(repo, duty.id, peer.id, other.id, third.id, alex, morning, afternoon)


def affected(repo: Repository, absence_id: int) -> list[int]:
    return [m.id for _, meetings, _ in repo.absence_impact(absence_id) for m in meetings]


# -- part-day absences ---------------------------------------------------------------------------


def test_a_part_day_absence_affects_only_the_meetings_in_its_hours(team: Team) -> None:
    repo = team.repo
    # From 12:00: the morning meeting ends exactly as they go, so only the afternoon one.
    after_noon = repo.record_absence(team.peer, WED, WED, "leave", starts_time=dt.time(12, 0))
    assert affected(repo, after_noon) == [team.afternoon]
    view = repo.absence(after_noon)
    assert view.part_day and view.starts_time == dt.time(12, 0) and view.ends_time is None
    entry = repo.history("staff", team.peer)[-1]
    assert entry.action == "record absence" and entry.after is not None
    assert entry.after["starts_time"] == "12:00"
    # Until 11:00 on the same day is a separate part of the day: it touches nothing booked.
    before_eleven = repo.record_absence(team.duty, WED, WED, "training", ends_time=dt.time(11))
    assert affected(repo, before_eleven) == []
    # An overlapping part of the same day is refused, naming the hours already recorded.
    with pytest.raises(InputErrors) as caught:
        repo.record_absence(team.peer, WED, WED, "sickness", starts_time=dt.time(14))
    assert "from 12:00" in caught.value.errors["starts_on"]
    repo.record_absence(team.peer, WED, WED, "sickness", ends_time=dt.time(12))  # fits before


def test_booking_checks_follow_the_absent_hours(team: Team) -> None:
    repo = team.repo
    repo.record_absence(team.other, WED, WED, "leave", starts_time=dt.time(13, 0))

    def kinds(hour: int) -> list[str]:
        found = repo.check_booking(team.alex, local(25, hour), 60, [team.other], "base")
        return [p.kind for p in found]

    assert "staff_absent" not in kinds(12)  # 12:00-13:00 ends as the absence starts
    assert "staff_absent" in kinds(15)
    texts = [p.text for p in repo.check_booking(team.alex, local(25, 15), 60, [team.other], "base")]
    assert any("from 13:00" in t for t in texts)
    # The next free slot for them on Wednesday is in the morning, not Thursday.
    slot = repo.next_free_slot(team.alex, 60, [team.other], local(25, 9), place_kind="base")
    assert slot is not None and pendulum.instance(slot).in_timezone(TZ).date() == WED


def test_across_midnight_the_next_morning_is_affected_until_the_end_time(team: Team) -> None:
    repo = team.repo
    repo.set_core_team(team.alex, [team.duty, team.peer, team.other], team.duty, "More (test)")
    late = {"override_reason": "out of hours (test)"}
    evening = repo.book(team.alex, local(25, 21), 60, [team.other], "base", **late)
    early = repo.book(team.alex, local(26, 5), 60, [team.other], "base", **late)
    later = repo.book(team.alex, local(26, 6), 60, [team.other], "base", **late)
    night = repo.record_absence(
        team.other,
        WED,
        dt.date(2026, 11, 26),
        "leave",
        starts_time=dt.time(22),
        ends_time=dt.time(6),
    )
    found = affected(repo, night)
    assert found == [early]  # 21:00-22:00 ends as they go; 06:00 is when they are back
    assert evening not in found and later not in found


# -- the worklist: keep, move, cover ------------------------------------------------------------


def test_cover_is_recorded_audited_and_version_checked(team: Team) -> None:
    repo = team.repo
    absence = repo.record_absence(team.peer, WED, WED, "sickness")
    before = repo.meeting(team.morning)
    repo.assign_cover(absence, team.morning, team.other, expected_version=before.version)
    after = repo.meeting(team.morning)
    assert after.version > before.version
    cover = next(a for a in after.staff if a.id == team.other)
    assert cover.cover and cover.cover_for == team.peer
    assert not next(a for a in after.staff if a.id == team.peer).cover
    decisions = repo.absence_decisions(absence)
    assert decisions[team.morning].decision == "cover"
    assert decisions[team.morning].cover_staff_id == team.other
    assert decisions[team.morning].decided_by == "duty1"
    entry = repo.history("meeting", team.morning)[-1]
    assert entry.action == "assign cover" and entry.actor == "duty1"
    assert entry.after == {"absence_id": absence, "cover": "clin2", "cover_for": "peer1"}
    # A second cover on the stale version is refused, naming who changed it.
    with pytest.raises(Conflict, match="duty1"):
        repo.assign_cover(absence, team.morning, team.third, expected_version=before.version)
    # Cover arranged: no longer a break; the afternoon, uncovered, still is.
    absent = [b for b in repo.board().breaks if b.kind == BreakKind.core_member_absent]
    assert [b.meeting_id for b in absent] == [team.afternoon]


def test_keep_and_move_are_recorded_and_the_moved_meeting_stays_listed(team: Team) -> None:
    repo = team.repo
    absence = repo.record_absence(team.peer, WED, WED, "leave")
    kept = repo.meeting(team.morning)
    repo.decide_absence_meeting(absence, team.morning, "keep", expected_version=kept.version)
    assert repo.meeting(team.morning).version == kept.version  # keeping changes nothing
    assert repo.history("meeting", team.morning)[-1].action == "absence: keep meeting"
    moving = repo.meeting(team.afternoon)
    repo.reschedule(team.afternoon, local(26, 14), 60, expected_version=moving.version)
    repo.decide_absence_meeting(absence, team.afternoon, "move")
    assert affected(repo, absence) == [team.morning, team.afternoon]
    decisions = repo.absence_decisions(absence)
    assert {m: d.decision for m, d in decisions.items()} == {
        team.morning: "keep",
        team.afternoon: "move",
    }
    with pytest.raises(InputErrors) as caught:
        repo.decide_absence_meeting(absence, team.morning, "ignore")
    assert "decision" in caught.value.errors
    with pytest.raises(Conflict):
        repo.decide_absence_meeting(absence, team.morning, "keep", expected_version=0)


def test_cover_refused_for_the_wrong_people(team: Team) -> None:
    repo = team.repo
    absence = repo.record_absence(team.peer, WED, WED, "leave")
    version = repo.meeting(team.morning).version
    cases = {
        9999: "no staff member number 9999",
        team.peer: "is the one away",
        team.duty: "already expected at this meeting",
    }
    for staff_id, told in cases.items():
        with pytest.raises(InputErrors) as caught:
            repo.assign_cover(absence, team.morning, staff_id)
        assert told in caught.value.errors["staff"]
    repo.record_absence(team.other, WED, WED, "training", ends_time=dt.time(11, 30))
    with pytest.raises(InputErrors) as caught:
        repo.assign_cover(absence, team.morning, team.other)
    assert "Clinician Two (test) is away (training) then" in caught.value.errors["staff"]
    repo.assign_cover(absence, team.afternoon, team.other)  # back by 14:00: fine
    assert repo.meeting(team.morning).version == version  # nothing changed by a refusal
    assert team.other not in {a.id for a in repo.meeting(team.morning).staff}


# -- continuity --------------------------------------------------------------------------------


def test_cover_counts_as_not_core_in_the_figures(team: Team, frozen_now: pendulum.DateTime) -> None:
    """Core team {duty1, peer1}; four meetings that happened: duty1 | clin2 as cover for
    duty1 | duty1 and peer1 | duty1: with core 3/4, UPC 3/4, COC 3/10, SECON 1/3 (the worked
    example of duty_desk.continuity). Had clin2 come as an ordinary visitor, the same four
    would give the same core share but count clin2 as a provider."""
    repo = team.repo
    for day, staff in (
        (9, [team.duty]),
        (10, [team.duty]),
        (11, [team.duty, team.peer]),
        (12, [team.duty]),
    ):
        held = repo.book(
            team.alex, local(day, 10), 60, staff, "base", override_reason="in the past (test)"
        )
        if day == 10:
            absence = repo.record_absence(
                team.duty, local(10, 0).date(), local(10, 0).date(), "sickness"
            )
            repo.assign_cover(absence, held, team.other)
            repo.record_happened(held, [team.other])
        else:
            repo.record_happened(held, staff)
    figures = repo.episode(team.alex).continuity
    assert figures.meetings == 4
    assert figures.with_core == pytest.approx(0.75)
    assert figures.with_key_worker == pytest.approx(0.75)
    assert figures.upc == pytest.approx(0.75)
    assert figures.coc == pytest.approx(0.3)
    assert figures.secon == pytest.approx(1 / 3)
    # The covered meeting had no core-team member there: a break the board lists.
    no_core = [b for b in repo.board().breaks if b.kind == BreakKind.no_core_at_meeting]
    assert [b.at for b in no_core] == [local(10, 10)]


def test_an_absence_of_someone_booked_as_cover_lists_that_meeting(team: Team) -> None:
    """Found by trying it: clin2 covers peer1 on Wednesday morning, then is off sick that
    day too. clin2 is in nobody's core team, but the meeting they were to cover needs
    deciding again, so their worklist lists it."""
    repo = team.repo
    peer_away = repo.record_absence(team.peer, WED, WED, "sickness")
    before = repo.meeting(team.morning)
    repo.assign_cover(peer_away, team.morning, team.other, expected_version=before.version)
    cover_away = repo.record_absence(team.other, WED, WED, "sickness")
    assert affected(repo, cover_away) == [team.morning]
    [(episode, _meetings, _suggested)] = repo.absence_impact(cover_away)
    assert episode.client_id == team.alex
