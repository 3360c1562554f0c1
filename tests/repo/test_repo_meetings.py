"""The meetings part of the repository on a real SQLite file: booking, warnings and
overrides, rescheduling, cancelling, attendance, the day, the next free slot, first meetings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pendulum
import pytest
from sqlmodel import select

from duty_desk import timeutil
from duty_desk.errors import BookingWarnings, Conflict, InputErrors, NotFound, NotPermitted
from duty_desk.models import Absence, Client, CoreTeamMember, Meeting, MeetingStaff
from duty_desk.repository import Repository
from tests.conftest import MONDAY_10

TZ = "Europe/London"


def local(day: int, hour: int, minute: int = 0, month: int = 11) -> pendulum.DateTime:
    return pendulum.datetime(2026, month, day, hour, minute, tz=TZ)


@dataclass
class Setup:
    repo: Repository
    duty: int  # staff ids
    peer: int
    third: int
    client: int
    referral: int
    mum: int  # network member ids
    friend: int


@pytest.fixture
def s(repo: Repository, make_referral: Callable[..., int], frozen_now: pendulum.DateTime) -> Setup:
    duty = repo.acting_staff()
    assert duty is not None
    peer = repo.add_staff("peer1", "Peer Worker (test)", "peer_support")
    third = repo.add_staff("clin2", "Clinician Two (test)", "clinician")
    referral = make_referral()
    mum = repo.add_network_member(referral, "Mum (test)", "mother")
    friend = repo.add_network_member(referral, "Friend (test)", "friend")
    client = repo.accept(referral)
    with repo.db.session(write=True) as session:
        for staff_id in (duty.id, peer.id):
            session.add(CoreTeamMember(client_id=client, staff_id=staff_id, added_at=frozen_now))
    return Setup(repo, duty.id, peer.id, third.id, client, referral, mum, friend)


def second_client(s: Setup, name: str = "Sam Second (test)") -> int:
    from tests.conftest import referral_input

    return s.repo.accept(s.repo.add_referral(referral_input(name=name)))


def test_booking_defaults(s: Setup) -> None:
    defaults = s.repo.booking_defaults(s.client)
    assert [m.id for m in defaults.staff] == sorted(
        [s.duty, s.peer],
        key=lambda i: {s.duty: "Duty Worker One (test)", s.peer: "Peer Worker (test)"}[i],
    )
    assert [m.id for m in defaults.network] == [s.mum, s.friend]
    assert defaults.minutes == 60
    assert (defaults.place_kind, defaults.place_detail) == ("base", "Team base (example)")
    s.repo.book(s.client, local(24, 10), 60, [s.duty], "home", "1 Test Lane (test)")
    assert (
        s.repo.booking_defaults(s.client).place_kind,
        s.repo.booking_defaults(s.client).place_detail,
    ) == ("home", "1 Test Lane (test)")
    with pytest.raises(NotFound):
        s.repo.booking_defaults(999)


def test_book_stores_attendees_and_audits(s: Setup) -> None:
    meeting_id = s.repo.book(
        s.client, local(24, 10), 45, [s.duty, s.peer], "home", "  1 Test Lane (test)  "
    )
    view = s.repo.meeting(meeting_id)
    assert view.starts_at == local(24, 10) and view.ends_at == local(24, 10, 45)
    assert view.starts_at.utcoffset() == dt.timedelta(0)
    assert (view.status, view.place_kind, view.place_detail) == (
        "booked",
        "home",
        "1 Test Lane (test)",
    )
    assert {a.id for a in view.staff} == {s.duty, s.peer}
    assert all(a.attended is None for a in view.staff + view.network)
    assert [a.id for a in view.network] == [s.mum, s.friend]  # default: the whole network
    assert view.client_name == "Alex Example (test)"
    [entry] = s.repo.history("meeting", meeting_id)
    assert (entry.action, entry.actor, entry.before) == ("book meeting", "duty1", None)
    assert entry.after is not None
    assert entry.after["staff"] == ["duty1", "peer1"]
    assert entry.after["starts_at"] == "2026-11-24T10:00:00+00:00"
    assert "warnings" not in entry.after
    # chosen network members only
    other = s.repo.book(s.client, local(25, 10), 60, [s.duty], "base", network_ids=[s.friend])
    assert [a.id for a in s.repo.meeting(other).network] == [s.friend]


def test_book_input_errors(s: Setup) -> None:
    cases = [
        (dict(minutes=0), "minutes"),
        (dict(minutes=13 * 60), "minutes"),
        (dict(staff_ids=[]), "staff"),
        (dict(staff_ids=[1, 1]), "staff"),
        (dict(staff_ids=[999]), "staff"),
        (dict(place_kind="pub"), "place"),
        (dict(place_detail="a\x1b[31mb"), "place_detail"),
        (dict(starts_at=dt.datetime(2026, 11, 24, 10)), "when"),
        (dict(network_ids=[999]), "network"),
    ]
    for override, field in cases:
        args = dict(
            client_id=s.client,
            starts_at=local(24, 10),
            minutes=60,
            staff_ids=[s.duty],
            place_kind="base",
        )
        args.update(override)  # type: ignore[arg-type]
        with pytest.raises(InputErrors) as caught:
            s.repo.book(**args)  # type: ignore[arg-type]
        assert field in caught.value.errors, (override, caught.value.errors)
    with s.repo.db.session() as session:
        assert session.exec(select(Meeting)).all() == []


def test_book_needs_staff_and_an_open_episode(
    s: Setup, repo_as: Callable[[str], Repository]
) -> None:
    with pytest.raises(NotPermitted):
        repo_as("stranger").book(s.client, local(24, 10), 60, [s.duty], "base")
    with pytest.raises(NotFound):
        s.repo.book(999, local(24, 10), 60, [s.duty], "base")
    s.repo.deactivate_staff("clin2")
    with pytest.raises(InputErrors, match="has left"):
        s.repo.book(s.client, local(24, 10), 60, [s.third], "base")
    with s.repo.db.session(write=True) as session:
        client = session.get(Client, s.client)
        assert client is not None
        client.status = "discharged"
        session.add(client)
    with pytest.raises(Conflict, match="episode of care has ended"):
        s.repo.book(s.client, local(24, 10), 60, [s.duty], "base")


def test_blocking_clashes_are_conflicts(s: Setup) -> None:
    s.repo.book(s.client, local(24, 10), 60, [s.duty], "base")
    other = second_client(s)
    with pytest.raises(Conflict) as caught:
        s.repo.book(
            other, local(24, 10, 30), 60, [s.duty, s.third], "base", override_reason="urgent (test)"
        )  # an override never books over a clash
    assert str(caught.value) == (
        "Cannot book this time: Duty Worker One (test) is already in a "
        "meeting Tue 24 Nov 10:00-11:00; nothing was saved"
    )
    with pytest.raises(Conflict, match="The client already has a meeting Tue 24 Nov 10:00-11:00"):
        s.repo.book(s.client, local(24, 10, 30), 60, [s.third], "base")
    # a cancelled meeting no longer blocks; a happened one does
    assert s.repo.book(other, local(24, 11), 60, [s.duty], "base")


def test_cancelled_meeting_frees_the_slot(s: Setup) -> None:
    first = s.repo.book(s.client, local(24, 10), 60, [s.duty], "base")
    s.repo.cancel_meeting(first, "client", "Unwell, asked to move (test)")
    assert s.repo.check_booking(s.client, local(24, 10), 60, [s.duty], "base") == []
    assert s.repo.book(s.client, local(24, 10), 60, [s.duty], "base")


def test_warnings_need_a_reason_which_is_stored(s: Setup) -> None:
    with s.repo.db.session(write=True) as session:
        session.add(
            Absence(
                staff_id=s.peer,
                starts_on=dt.date(2026, 11, 24),
                ends_on=dt.date(2026, 11, 24),
                kind="leave",
                created_at=MONDAY_10,
                created_by="duty1",
            )
        )
    start = local(24, 19, 30)  # runs past closing, and the peer worker is on leave
    found = s.repo.check_booking(s.client, start, 60, [s.duty, s.peer], "base")
    assert [p.kind for p in found] == ["outside_hours", "staff_absent"]
    assert not any(p.blocking for p in found)
    with pytest.raises(BookingWarnings) as caught:
        s.repo.book(s.client, start, 60, [s.duty, s.peer], "base")
    assert [p.kind for p in caught.value.problems] == ["outside_hours", "staff_absent"]
    assert "Peer Worker (test) is away (leave) on Tuesday 24 November" in str(caught.value)
    with pytest.raises(InputErrors, match="reason"):
        s.repo.book(s.client, start, 60, [s.duty, s.peer], "base", override_reason="   ")
    meeting_id = s.repo.book(
        s.client,
        start,
        60,
        [s.duty, s.peer],
        "base",
        override_reason="Only time the family can do (test)",
    )
    view = s.repo.meeting(meeting_id)
    assert view.override_reason == "Only time the family can do (test)"
    after = s.repo.history("meeting", meeting_id)[0].after
    assert after is not None
    assert after["override_reason"] == "Only time the family can do (test)"
    assert len(after["warnings"]) == 2  # type: ignore[arg-type]
    # no warnings: a reason given anyway is not stored
    clean = s.repo.book(s.client, local(25, 10), 60, [s.duty], "base", override_reason="x (test)")
    assert s.repo.meeting(clean).override_reason is None


def test_in_past_is_a_warning(s: Setup) -> None:
    found = s.repo.check_booking(s.client, local(23, 9), 60, [s.duty], "base")
    assert [p.kind for p in found] == ["in_past"]


def test_travel_buffer_between_home_visits(s: Setup) -> None:
    other = second_client(s)
    s.repo.book(s.client, local(24, 10), 60, [s.duty], "home", "1 Test Lane (test)")
    found = s.repo.check_booking(other, local(24, 11, 15), 60, [s.duty], "base")
    assert [p.kind for p in found] == ["travel_buffer"]
    assert s.repo.check_booking(other, local(24, 11, 30), 60, [s.duty], "base") == []


def test_reschedule(s: Setup) -> None:
    meeting_id = s.repo.book(s.client, local(24, 10), 60, [s.duty, s.peer], "base")
    version = s.repo.meeting(meeting_id).version
    # moving within its own old time is fine (it never clashes with itself)
    s.repo.reschedule(meeting_id, local(24, 10, 30), 90, expected_version=version)
    view = s.repo.meeting(meeting_id)
    assert (view.starts_at, view.ends_at) == (local(24, 10, 30), local(24, 12))
    entry = s.repo.history("meeting", meeting_id)[-1]
    assert entry.action == "reschedule meeting"
    assert entry.before is not None and entry.after is not None
    assert entry.before["starts_at"] == "2026-11-24T10:00:00+00:00"
    assert entry.after["starts_at"] == "2026-11-24T10:30:00+00:00"
    with pytest.raises(Conflict, match="changed since you looked"):
        s.repo.reschedule(meeting_id, local(25, 10), 60, expected_version=version)
    other = second_client(s)
    blocker = s.repo.book(other, local(25, 10), 60, [s.peer], "base")
    with pytest.raises(Conflict, match="Peer Worker \\(test\\) is already in a meeting"):
        s.repo.reschedule(meeting_id, local(25, 10, 30), 60)
    with pytest.raises(BookingWarnings):
        s.repo.reschedule(meeting_id, local(28, 10), 60)  # Saturday
    s.repo.reschedule(meeting_id, local(28, 10), 60, override_reason="Family asked (test)")
    assert s.repo.meeting(meeting_id).override_reason == "Family asked (test)"
    s.repo.cancel_meeting(blocker, "team", "Staff illness (test)")
    with pytest.raises(Conflict, match="cancelled, not booked"):
        s.repo.reschedule(blocker, local(26, 10), 60)


def test_cancel(s: Setup) -> None:
    meeting_id = s.repo.book(s.client, local(24, 10), 60, [s.duty], "base")
    with pytest.raises(InputErrors):
        s.repo.cancel_meeting(meeting_id, "someone", "reason (test)")
    with pytest.raises(InputErrors):
        s.repo.cancel_meeting(meeting_id, "client", "  ")
    version = s.repo.meeting(meeting_id).version
    s.repo.cancel_meeting(meeting_id, "team", "Staff illness (test)", expected_version=version)
    view = s.repo.meeting(meeting_id)
    assert (view.status, view.cancelled_by, view.cancel_reason) == (
        "cancelled",
        "team",
        "Staff illness (test)",
    )
    entry = s.repo.history("meeting", meeting_id)[-1]
    assert (entry.action, entry.before, entry.after) == (
        "cancel meeting",
        {"status": "booked", "cancelled_by": None, "cancel_reason": None},
        {"status": "cancelled", "cancelled_by": "team", "cancel_reason": "Staff illness (test)"},
    )
    with pytest.raises(Conflict, match="already cancelled"):
        s.repo.cancel_meeting(meeting_id, "team", "again (test)")


def test_record_happened_and_did_not_attend(s: Setup) -> None:
    meeting_id = s.repo.book(
        s.client,
        local(23, 8),
        60,
        [s.duty, s.peer],
        "base",
        override_reason="Recorded after the fact (test)",
    )
    with pytest.raises(InputErrors):
        s.repo.record_happened(meeting_id, [])
    with pytest.raises(InputErrors, match="network"):
        s.repo.record_happened(meeting_id, [s.duty], [999])
    version = s.repo.meeting(meeting_id).version
    s.repo.record_happened(meeting_id, [s.duty, s.third], [s.mum], expected_version=version)
    view = s.repo.meeting(meeting_id)
    assert view.status == "happened"
    assert {(a.id, a.attended) for a in view.staff} == {
        (s.duty, True),
        (s.peer, False),
        (s.third, True),
    }
    assert {(a.id, a.attended) for a in view.network} == {(s.mum, True), (s.friend, False)}
    entry = s.repo.history("meeting", meeting_id)[-1]
    assert entry.action == "record happened"
    assert entry.before == {
        "status": "booked",
        "staff_attended": [],
        "staff_absent": [],
        "network_attended": [],
    }
    assert entry.after == {
        "status": "happened",
        "staff_attended": ["clin2", "duty1"],
        "staff_absent": ["peer1"],
        "network_attended": [s.mum],
    }
    # a recorded outcome is not flipped by one call: it takes a reason (meeting_notes)
    with pytest.raises(Conflict, match="changed only with a reason"):
        s.repo.record_did_not_attend(meeting_id, "Phoned (test)")
    with pytest.raises(Conflict, match="was changed by duty1"):
        s.repo.change_outcome(
            meeting_id,
            "did_not_attend",
            "Wrong meeting (test)",
            follow_up="Phoned (test)",
            expected_version=version,
        )
    s.repo.change_outcome(
        meeting_id, "did_not_attend", "Wrong meeting (test)", follow_up="Phoned (test)"
    )
    view = s.repo.meeting(meeting_id)
    assert view.status == "did_not_attend"
    assert all(a.attended is None for a in view.staff + view.network)
    assert s.repo.history("meeting", meeting_id)[-1].action == "change outcome"
    # a happened meeting blocks the time like a booked one
    s.repo.change_outcome(meeting_id, "happened", "It did happen (test)", staff_attended=[s.peer])
    with pytest.raises(Conflict):
        s.repo.book(
            second_client(s), local(23, 8, 30), 30, [s.peer], "base", override_reason="past (test)"
        )


def test_cannot_record_a_future_or_cancelled_meeting(s: Setup) -> None:
    future = s.repo.book(s.client, local(24, 10), 60, [s.duty], "base")
    with pytest.raises(InputErrors, match="once it has taken place"):
        s.repo.record_happened(future, [s.duty])
    with pytest.raises(InputErrors):
        s.repo.record_did_not_attend(future, "Phoned (test)")
    s.repo.cancel_meeting(future, "client", "Moved away (test)")
    with timeutil.frozen(local(25, 10)):
        with pytest.raises(Conflict, match="cancelled"):
            s.repo.record_happened(future, [s.duty])


def test_day(s: Setup) -> None:
    other = second_client(s)
    unbooked = s.repo.day(dt.date(2026, 11, 24)).unbooked
    assert [u.client_id for u in unbooked] == [s.client, other]
    assert unbooked[0].respond_by == local(24, 9)  # urgency C: 24 hours from 09:00 Monday
    a = s.repo.book(s.client, local(24, 10), 60, [s.duty, s.peer], "home", "1 Test Lane (test)")
    b = s.repo.book(other, local(24, 14), 60, [s.third], "base")
    c = s.repo.book(other, local(24, 8), 30, [s.third], "base")
    s.repo.cancel_meeting(c, "client", "Not today (test)")
    s.repo.book(other, local(25, 9), 60, [s.duty], "base")  # another day
    day = s.repo.day(dt.date(2026, 11, 24))
    assert [m.id for m in day.meetings] == [c, a, b]  # any status, in time order
    assert day.working_day
    assert (day.opens_at, day.closes_at) == (local(24, 8), local(24, 20))
    assert {v.login for v in day.staff} == {"duty1", "peer1", "clin2"}
    assert day.unbooked == ()  # both have a (non-cancelled) meeting now
    mine = s.repo.day(dt.date(2026, 11, 24), staff_id=s.third)
    assert [m.id for m in mine.meetings] == [c, b]
    assert [v.id for v in mine.staff] == [s.third]
    assert not s.repo.day(dt.date(2026, 11, 28)).working_day


def test_day_shows_absences(s: Setup) -> None:
    with s.repo.db.session(write=True) as session:
        session.add(
            Absence(
                staff_id=s.peer,
                starts_on=dt.date(2026, 11, 23),
                ends_on=dt.date(2026, 11, 25),
                kind="training",
                created_at=MONDAY_10,
                created_by="duty1",
            )
        )
        session.add(
            Absence(
                staff_id=s.duty,
                starts_on=dt.date(2026, 11, 24),
                ends_on=dt.date(2026, 11, 24),
                kind="leave",
                created_at=MONDAY_10,
                created_by="duty1",
                cancelled=True,
            )
        )
    day = s.repo.day(dt.date(2026, 11, 24))
    assert [(a.staff_login, a.kind) for a in day.absences] == [("peer1", "training")]
    assert s.repo.day(dt.date(2026, 11, 26)).absences == ()


def test_day_on_clock_change_days(s: Setup) -> None:
    autumn = s.repo.day(dt.date(2026, 10, 25))
    assert not autumn.working_day  # a Sunday
    assert autumn.opens_at == pendulum.datetime(2026, 10, 25, 8, tz="UTC")  # GMT by 08:00
    spring_monday = s.repo.day(dt.date(2026, 3, 30))
    assert spring_monday.opens_at == pendulum.datetime(2026, 3, 30, 7, tz="UTC")  # 08:00 BST
    # a meeting at 23:30 local on the Sunday of the October change is on that day (25 hours)
    late = pendulum.datetime(2026, 10, 25, 23, 30, tz=TZ)
    early = pendulum.datetime(2026, 10, 25, 0, 30, tz=TZ)  # BST
    with timeutil.frozen(pendulum.datetime(2026, 10, 1, tz=TZ)):
        ids = [
            s.repo.book(s.client, when, 30, [s.duty], "base", override_reason="weekend (test)")
            for when in (early, late)
        ]
        assert [m.id for m in s.repo.day(dt.date(2026, 10, 25)).meetings] == ids
        assert s.repo.day(dt.date(2026, 10, 24)).meetings == ()
        assert s.repo.day(dt.date(2026, 10, 26)).meetings == ()


def test_next_free_slot(s: Setup) -> None:
    staff = [s.duty, s.peer]
    assert s.repo.next_free_slot(s.client, 60, staff) == local(23, 10)  # now, on the grid
    with timeutil.frozen(local(23, 10, 5)):
        assert s.repo.next_free_slot(s.client, 60, staff) == local(23, 10, 15)
    s.repo.book(s.client, local(23, 10), 60, [s.peer], "base")
    s.repo.book(second_client(s), local(23, 11), 60, [s.duty], "home", "2 Test Road (test)")
    # 12:00 is too close to the home visit ending at 12:00 (30 minutes' travel)
    assert s.repo.next_free_slot(s.client, 60, staff) == local(23, 12, 30)
    assert s.repo.next_free_slot(s.client, 60, staff, place_kind="base") == local(23, 12, 30)
    assert s.repo.next_free_slot(s.client, 60, [s.third]) == local(23, 11)  # client busy 10-11
    assert s.repo.next_free_slot(s.client, 60, staff, after=local(27, 19, 5)) == local(30, 8)
    with s.repo.db.session(write=True) as session:
        session.add(
            Absence(
                staff_id=s.peer,
                starts_on=dt.date(2026, 11, 23),
                ends_on=dt.date(2026, 12, 31),
                kind="leave",
                created_at=MONDAY_10,
                created_by="duty1",
            )
        )
    assert s.repo.next_free_slot(s.client, 60, staff) is None
    with pytest.raises(NotFound):
        s.repo.next_free_slot(999, 60, staff)


def test_first_meetings(s: Setup) -> None:
    late = second_client(s, "Late Booking (test)")
    never = second_client(s, "Never Booked (test)")
    s.repo.book(s.client, local(24, 8), 60, [s.duty], "base")  # by 09:00 Tuesday: met
    cancelled = s.repo.book(late, local(23, 14), 60, [s.duty], "base")
    s.repo.cancel_meeting(cancelled, "client", "Asked to move (test)")
    s.repo.book(late, local(24, 10), 60, [s.duty], "base")  # after the deadline
    since = local(23, 0)
    rows = {r.client_id: r for r in s.repo.first_meetings(since)}
    assert rows[s.client].met is True and rows[s.client].first_meeting_at == local(24, 8)
    assert rows[late].met is False and rows[late].first_meeting_at == local(24, 10)
    assert rows[never].met is None and rows[never].first_meeting_at is None
    with timeutil.frozen(local(24, 9, 1)):
        assert {r.client_id: r for r in s.repo.first_meetings(since)}[never].met is False
    assert s.repo.first_meetings(local(24, 0)) == []


def test_meetings_for_export(s: Setup) -> None:
    ids = [
        s.repo.book(s.client, local(24 + n, 10), 60, [s.duty if n % 2 else s.peer], "base")
        for n in range(4)
    ]
    everything = list(s.repo.meetings_for_export(dt.date(2026, 11, 24), dt.date(2026, 11, 27)))
    assert [m.id for m in everything] == ids
    assert [
        m.id for m in s.repo.meetings_for_export(dt.date(2026, 11, 25), dt.date(2026, 11, 26))
    ] == ids[1:3]
    assert [
        m.id
        for m in s.repo.meetings_for_export(dt.date(2026, 11, 1), dt.date(2026, 11, 30), "peer1")
    ] == [ids[0], ids[2]]
    with pytest.raises(NotFound):
        list(s.repo.meetings_for_export(dt.date(2026, 11, 1), dt.date(2026, 11, 30), "nobody"))


def test_export_pages_through_many_meetings(s: Setup) -> None:
    with s.repo.db.session(write=True) as session:
        start = local(24, 8).in_timezone("UTC")
        for n in range(1203):
            at = start.add(minutes=n // 3)  # three per minute: ties across page boundaries
            row = Meeting(
                client_id=s.client,
                starts_at=at,
                ends_at=at.add(minutes=30),
                place_kind="base",
                created_at=MONDAY_10,
                created_by="duty1",
            )
            session.add(row)
            session.flush()
            session.add(MeetingStaff(meeting_id=row.id or 0, staff_id=s.duty))
    got = list(s.repo.meetings_for_export(dt.date(2026, 11, 24), dt.date(2026, 11, 24)))
    assert len(got) == 1203
    assert len({m.id for m in got}) == 1203
    assert [m.starts_at for m in got] == sorted(m.starts_at for m in got)


def test_attendance_refreshes_the_board_continuity_figures(s: Setup) -> None:
    from duty_desk.models import ClientContinuity

    def figures() -> tuple[int, dt.datetime | None] | None:
        with s.repo.db.session() as session:
            row = session.get(ClientContinuity, s.client)
            return (row.meetings, row.last_met_at) if row else None

    first = s.repo.book(
        s.client,
        local(23, 8),
        60,
        [s.duty, s.peer],
        "base",
        override_reason="Recorded after the fact (test)",
    )
    s.repo.record_happened(first, [s.duty])
    assert figures() is not None and figures()[0] == 1  # type: ignore[index]
    with timeutil.frozen(local(25, 12)):
        second = s.repo.book(
            s.client,
            local(24, 10),
            60,
            [s.duty],
            "base",
            override_reason="Recorded after the fact (test)",
        )
        s.repo.record_happened(second, [s.duty, s.peer])
        assert figures()[0] == 2  # type: ignore[index]
        s.repo.change_outcome(  # it stops being a meeting that happened
            second, "did_not_attend", "Recorded on the wrong day (test)", follow_up="Letter"
        )
        assert figures()[0] == 1  # type: ignore[index]


def test_no_network_member_chosen_means_none_invited(s: Setup) -> None:
    meeting = s.repo.book(s.client, local(26, 11), 60, [s.duty], "base", network_ids=[])
    assert s.repo.meeting(meeting).network == ()
    everyone = s.repo.book(s.client, local(26, 14), 60, [s.duty], "base")
    assert [m.id for m in s.repo.meeting(everyone).network] == [s.mum, s.friend]
