"""The client record's read (``Repository.client_record``) on a real SQLite file: what it
holds, that it takes the same few queries for 300 meetings as for one, the palette's
client hits, and a staff member's work phone (schema 5)."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from sqlmodel import select

from duty_desk.errors import InputErrors, NotFound, NotPermitted
from duty_desk.models import Meeting, MeetingNetwork, MeetingStaff, NetworkMember
from duty_desk.privacy import MaskedRepository
from duty_desk.repository import Repository
from tests.conftest import referral_input
from tests.repo.test_repo_board import count_queries

TZ = "Europe/London"


def local(day: int, hour: int) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, day, hour, tz=TZ)


@pytest.fixture
def client(repo: Repository, frozen_now: pendulum.DateTime) -> tuple[int, int, int, int]:
    """(client id, referral id, the duty worker's staff id, the peer's staff id): a core
    team, one network member, two meetings held (the member came to one), one booked."""
    duty = repo.acting_staff()
    assert duty is not None
    peer = repo.add_staff("peer1", "Peer Worker (test)", "peer_support", phone="01632 960111")
    referral = repo.add_referral(referral_input(received_at="16/11/2026 09:00"))
    repo.add_network_member(referral, "Mum (test)", "mother", "01632 960002")
    client = repo.accept(referral, override_reason="set up for the test (test)")
    repo.set_core_team(client, [duty.id, peer.id], peer.id, "First team (test)")
    member = repo.booking_defaults(client).network[0].id
    for day, came in ((17, [member]), (20, [])):
        held = repo.book(
            client,
            local(day, 11),
            60,
            [duty.id, peer.id],
            "base",
            network_ids=[member],
            override_reason="set up in the past (test)",
        )
        repo.record_happened(held, [duty.id, peer.id], came)
    repo.book(client, local(25, 11), 60, [duty.id, peer.id], "base")
    return client, referral, duty.id, peer.id


def test_the_record_holds_the_episode_network_meetings_and_history(repo, client) -> None:
    client_id, referral_id, duty, peer = client
    record = repo.client_record(client_id)
    assert record.client_id == client_id and record.name == "Alex Example (test)"
    assert record.episode.key_worker is not None and record.episode.key_worker.id == peer
    assert record.key_worker_phone == "01632 960111"
    assert [(m.name, m.relationship, m.phone) for m in record.network] == [
        ("Mum (test)", "mother", "01632 960002")
    ]
    assert [m.status for m in record.meetings] == ["happened", "happened", "booked"]
    first = record.meetings[0]
    assert [(a.name, a.attended) for a in first.network] == [("Mum (test)", True)]
    assert {a.attended for a in first.staff} == {True}
    kinds = {(e.entity, e.action) for e in record.history}
    assert ("referral", "accept") in kinds or any(e.entity == "referral" for e in record.history)
    assert ("client", "core team") in kinds
    assert ("meeting", "book meeting") in kinds
    assert [e.id for e in record.history] == sorted(e.id for e in record.history)
    assert all((e.entity, e.entity_id) != ("referral", referral_id + 1) for e in record.history), (
        "another client's entries"
    )


def test_no_such_client(repo, client) -> None:
    with pytest.raises(NotFound):
        repo.client_record(client[0] + 99)


def test_another_clients_history_stays_out(repo, client) -> None:
    other_referral = repo.add_referral(referral_input(name="Other Person (test)"))
    other = repo.accept(other_referral)
    repo.add_note("About the other one (test)", client_id=other)
    record = repo.client_record(client[0])
    assert not any(e.entity == "handover_note" for e in record.history)
    assert any(e.entity == "handover_note" for e in repo.client_record(other).history)


def test_300_meetings_and_20_members_take_the_same_queries_as_a_few(repo, db, client) -> None:
    client_id, referral_id, duty, peer = client
    few = count_queries(db, lambda: repo.client_record(client_id))
    with db.session() as session:
        members = [
            NetworkMember(
                referral_id=referral_id,
                name=f"Member {i} (test)",
                relationship="friend",
                created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            )
            for i in range(20)
        ]
        session.add_all(members)
        session.flush()
        start = dt.datetime(2020, 1, 6, 10, tzinfo=dt.UTC)
        for week in range(300):
            at = start + dt.timedelta(days=7 * week)
            meeting = Meeting(
                client_id=client_id,
                starts_at=at,
                ends_at=at + dt.timedelta(hours=1),
                place_kind="base",
                status="happened",
                created_at=at,
                created_by="duty1",
            )
            session.add(meeting)
            session.flush()
            session.add(MeetingStaff(meeting_id=meeting.id, staff_id=duty, attended=True))
            session.add(
                MeetingNetwork(meeting_id=meeting.id, network_member_id=members[week % 20].id)
            )
        session.commit()
    many = count_queries(db, lambda: repo.client_record(client_id))
    # the history reads one query per part of the record (crisis plan, flags, admissions,
    # Friends and Family Test answers, DIALOG...): a bound that grows by one per part, never
    # with the number of meetings or members
    assert many == few <= 21
    record = repo.client_record(client_id)
    assert len(record.meetings) == 303 and len(record.network) == 21


def test_privacy_masks_the_record(repo, client) -> None:
    masked = MaskedRepository(repo).client_record(client[0])
    assert masked.name == "A.E."
    assert masked.episode.nhs_number is not None and masked.episode.nhs_number.endswith("018")
    assert "0000" not in masked.episode.nhs_number
    assert masked.network[0].name != "Mum (test)"
    assert all("Alex Example" not in str(e.after) for e in masked.history)


def test_client_hits_by_name_and_nhs_number_open_first(repo, client, frozen_now) -> None:
    client_id = client[0]
    twin_referral = repo.add_referral(
        referral_input(name="Alex Examples (test)", nhs_number="", date_of_birth="03/04/1985")
    )
    twin = repo.accept(twin_referral)
    repo.discharge(client_id, "primary_care", frozen_now.date(), "Well (test)")
    hits = repo.client_hits("alex ex")
    assert [h.client_id for h in hits] == [twin, client_id]  # open first, then discharged
    assert hits[1].discharged_at is not None
    assert hits[0].date_of_birth == dt.date(1985, 4, 3)
    assert [h.client_id for h in repo.client_hits("999 000 0018")] == [client_id]
    assert repo.client_hits("a") == []
    assert repo.client_hits("%") == [] or all("%" in h.name for h in repo.client_hits("%"))


def test_a_reversed_acceptance_is_no_hit(repo, frozen_now) -> None:
    referral = repo.add_referral(referral_input(name="Undone Person (test)"))
    repo.accept(referral)
    repo.reverse_decision(referral, "A mistake (test)")
    assert repo.client_hits("undone") == []


def test_staff_phone_own_or_a_team_leads(repo, db, config, client) -> None:
    from duty_desk.models import Staff

    repo.add_staff("lead1", "Team Lead (test)", "team_lead")
    peer = Repository(db, config, actor="peer1")
    peer.set_staff_phone("peer1", "01632 960999")  # their own
    with pytest.raises(NotPermitted):
        peer.set_staff_phone("duty1", "01632 960998")
    lead = Repository(db, config, actor="lead1")
    lead.set_staff_phone("duty1", "01632 960997")
    with pytest.raises(InputErrors) as caught:
        lead.set_staff_phone("duty1", "call [b]me[/b]")
    assert "phone" in caught.value.errors
    with pytest.raises(NotFound):
        lead.set_staff_phone("nobody", "01632 960997")
    with db.session() as session:
        phones = dict(session.exec(select(Staff.login, Staff.phone)).all())
    assert phones["peer1"] == "01632 960999" and phones["duty1"] == "01632 960997"
    assert [e.action for e in repo.history("staff", client[3])][-1] == "set phone"
