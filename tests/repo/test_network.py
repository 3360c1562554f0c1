"""The person's network after acceptance (issue 12, network) on a real SQLite file: adding
with consent, versioned edits (consent's when and by whom set here), removal with a reason
(kept in the history and past attendance, not invited again), and every change audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pendulum
import pytest

from duty_desk import timeutil
from duty_desk.errors import Conflict, InputErrors, NotFound, NotPermitted
from duty_desk.models import CoreTeamMember
from duty_desk.repository import Repository
from duty_desk.vocabulary import Consent

TZ = "Europe/London"


@dataclass
class Net:
    repo: Repository
    referral: int
    client: int
    duty: int  # staff id
    mum: int  # network member ids
    friend: int


@pytest.fixture
def net(repo: Repository, make_referral: Callable[..., int], frozen_now: pendulum.DateTime) -> Net:
    duty = repo.acting_staff()
    assert duty is not None
    referral = make_referral()
    mum = repo.add_network_member(referral, "Mum (test)", "mother", "01632 960002")
    friend = repo.add_network_member(referral, "Friend (test)", "friend")
    client = repo.accept(referral)
    with repo.db.session(write=True) as session:
        session.add(CoreTeamMember(client_id=client, staff_id=duty.id, added_at=frozen_now))
    return Net(repo, referral, client, duty.id, mum, friend)


def test_a_member_added_at_triage_is_not_asked_and_takes_part(net: Net) -> None:
    member = net.repo.network_member(net.mum)
    assert (member.consent, member.consent_at, member.consent_by) == (
        Consent.not_asked,
        None,
        None,
    )
    assert member.takes_part and not member.removed and not member.may_share
    assert (member.version, member.referral_id) == (1, net.referral)


def test_adding_after_acceptance_with_consent_records_when_and_by_whom(
    net: Net, frozen_now: pendulum.DateTime
) -> None:
    later = frozen_now.add(days=3)
    with timeutil.frozen(later):
        new = net.repo.add_network_member(
            net.referral, "Gran (test)", "grandmother", takes_part="no", consent="yes"
        )
    member = net.repo.network_member(new)
    assert (member.consent, member.consent_at, member.consent_by) == (Consent.yes, later, "duty1")
    assert not member.takes_part and member.may_share
    added = net.repo.network_history(net.referral)[-1]
    assert (added.entity, added.entity_id, added.action) == (
        "referral",
        net.referral,
        "add network member",
    )
    assert added.after == {
        "network_member_id": new,
        "name": "Gran (test)",
        "relationship": "grandmother",
        "phone": "",
        "takes_part": False,
        "consent": "yes",
        "consent_at": later.in_tz("UTC").isoformat(),
        "consent_by": "duty1",
    }
    assert [m.id for m in net.repo.client_network(net.client)] == [net.mum, net.friend, new]


def test_an_edit_changes_only_what_is_given_and_audits_those_fields(
    net: Net, frozen_now: pendulum.DateTime
) -> None:
    later = frozen_now.add(hours=2)
    with timeutil.frozen(later):
        member = net.repo.edit_network_member(
            net.mum, {"phone": "01632 960099", "consent": "yes"}, expected_version=1
        )
    assert (member.phone, member.consent, member.consent_at, member.consent_by) == (
        "01632 960099",
        Consent.yes,
        later,
        "duty1",
    )
    assert (member.name, member.relationship, member.version) == ("Mum (test)", "mother", 2)
    entry = net.repo.history("network_member", net.mum)[-1]
    assert (entry.action, entry.actor) == ("edit network member", "duty1")
    assert entry.before == {
        "phone": "01632 960002",
        "consent": "not_asked",
        "consent_at": None,
        "consent_by": None,
    }
    assert entry.after == {
        "phone": "01632 960099",
        "consent": "yes",
        "consent_at": later.in_tz("UTC").isoformat(),
        "consent_by": "duty1",
    }


def test_consent_time_and_recorder_change_only_when_the_answer_changes(
    net: Net, frozen_now: pendulum.DateTime, repo_as: Callable[[str], Repository]
) -> None:
    net.repo.edit_network_member(net.mum, {"consent": "no"}, expected_version=1)
    net.repo.add_staff("peer1", "Peer Worker (test)", "peer_support")
    with timeutil.frozen(frozen_now.add(days=1)):
        member = repo_as("peer1").edit_network_member(
            net.mum, {"consent": "no", "relationship": "step-mother"}, expected_version=2
        )
    assert (member.consent_at, member.consent_by) == (frozen_now, "duty1"), "the answer kept"
    assert member.relationship == "step-mother"
    entry = net.repo.history("network_member", net.mum)[-1]
    assert entry.before == {"relationship": "mother"} and entry.actor == "peer1"


def test_an_edit_that_changes_nothing_writes_nothing(net: Net) -> None:
    before = net.repo.history("network_member", net.mum)
    member = net.repo.edit_network_member(net.mum, {"name": " Mum (test) "}, expected_version=1)
    assert member.version == 1
    assert net.repo.history("network_member", net.mum) == before


def test_a_stale_save_is_refused_naming_who_changed_what(
    net: Net, repo_as: Callable[[str], Repository]
) -> None:
    net.repo.add_staff("peer1", "Peer Worker (test)", "peer_support")
    repo_as("peer1").edit_network_member(net.mum, {"consent": "no"}, expected_version=1)
    with pytest.raises(Conflict) as caught:
        net.repo.edit_network_member(
            net.mum, {"consent": "yes", "phone": "01632 960777"}, expected_version=1
        )
    message = str(caught.value)
    assert "changed by peer1" in message and "edit network member" in message
    assert "consent" in message and "Nothing was saved" in message
    assert "Mum" not in message, "the member's name stays out of the message"
    member = net.repo.network_member(net.mum)
    assert (member.consent, member.phone, member.version) == (Consent.no, "01632 960002", 2)


def test_removal_keeps_the_member_flagged_and_out_of_new_meetings(
    net: Net, frozen_now: pendulum.DateTime
) -> None:
    past = net.repo.book(net.client, frozen_now.add(hours=1), 60, [net.duty], "base")
    with timeutil.frozen(frozen_now.add(hours=3)):
        net.repo.record_happened(past, [net.duty], [net.mum])
    later = frozen_now.add(hours=4)
    with timeutil.frozen(later):
        gone = net.repo.remove_network_member(net.mum, "Moved abroad (test)", expected_version=1)
    assert (gone.removed_at, gone.removed_by, gone.removed_reason) == (
        later,
        "duty1",
        "Moved abroad (test)",
    )
    assert gone.removed and not gone.may_share
    listed = net.repo.client_network(net.client)
    assert [(m.id, m.removed) for m in listed] == [(net.mum, True), (net.friend, False)]
    assert [m.id for m in net.repo.client_network(net.client, include_removed=False)] == [
        net.friend
    ]
    assert [m.id for m in net.repo.referral(net.referral).network] == [net.friend]
    assert [m.id for m in net.repo.booking_defaults(net.client).network] == [net.friend]
    # past attendance still names them
    assert [(a.id, a.attended) for a in net.repo.meeting(past).network] == [
        (net.mum, True),
        (net.friend, False),
    ]
    # nobody chosen: the current members who take part
    with timeutil.frozen(later):
        booked = net.repo.book(net.client, frozen_now.add(days=1), 60, [net.duty], "base")
    assert [a.id for a in net.repo.meeting(booked).network] == [net.friend]
    # chosen by id all the same: refused, nothing booked
    before = len(net.repo.meetings_for_client(net.client))
    with timeutil.frozen(later), pytest.raises(InputErrors) as caught:
        net.repo.book(
            net.client, frozen_now.add(days=2), 60, [net.duty], "base", network_ids=[net.mum]
        )
    assert "removed from this client's network" in caught.value.errors["network"]
    assert len(net.repo.meetings_for_client(net.client)) == before
    entry = net.repo.history("network_member", net.mum)[-1]
    assert entry.action == "remove network member"
    assert entry.before == {"removed_at": None, "removed_by": None, "removed_reason": None}


def test_a_member_not_taking_part_is_not_invited_by_default(
    net: Net, frozen_now: pendulum.DateTime
) -> None:
    net.repo.edit_network_member(net.friend, {"takes_part": "no"}, expected_version=1)
    defaults = net.repo.booking_defaults(net.client)
    assert [(m.id, m.takes_part) for m in defaults.network] == [
        (net.mum, True),
        (net.friend, False),
    ]
    booked = net.repo.book(net.client, frozen_now.add(days=1), 60, [net.duty], "base")
    assert [a.id for a in net.repo.meeting(booked).network] == [net.mum]


def test_a_removed_member_cannot_be_edited_or_removed_again(net: Net) -> None:
    net.repo.remove_network_member(net.friend, "Asked to be left out (test)")
    for call in (
        lambda: net.repo.edit_network_member(net.friend, {"consent": "yes"}, expected_version=2),
        lambda: net.repo.remove_network_member(net.friend, "again (test)", expected_version=2),
    ):
        with pytest.raises(Conflict, match="was removed from the network by duty1"):
            call()
    assert net.repo.network_member(net.friend).consent == Consent.not_asked


def test_a_removal_needs_a_reason_and_a_staff_login(
    net: Net, repo_as: Callable[[str], Repository]
) -> None:
    with pytest.raises(InputErrors) as caught:
        net.repo.remove_network_member(net.friend, "  ")
    assert caught.value.errors == {"reason": "reason is required"}
    with pytest.raises(NotPermitted):
        repo_as("visitor").remove_network_member(net.friend, "Not staff (test)")
    with pytest.raises(NotPermitted):
        repo_as("visitor").edit_network_member(net.friend, {"consent": "yes"})
    with pytest.raises(NotFound):
        net.repo.edit_network_member(9999, {"consent": "yes"})
    assert not net.repo.network_member(net.friend).removed


def test_network_history_holds_adds_edits_and_removals(net: Net) -> None:
    net.repo.edit_network_member(net.mum, {"takes_part": False}, expected_version=1)
    net.repo.remove_network_member(net.friend, "Moved away (test)", expected_version=1)
    actions = [(e.entity, e.action) for e in net.repo.network_history(net.referral)]
    assert actions == [
        ("referral", "add network member"),
        ("referral", "add network member"),
        ("network_member", "edit network member"),
        ("network_member", "remove network member"),
    ]
