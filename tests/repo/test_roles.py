"""Roles: a team lead changes staff records (add, deactivate, capacity); every active staff
member triages, books and assigns; a login that is not on the staff list can only read.
The acting login comes from the operating system, never from an environment variable."""

from __future__ import annotations

from collections.abc import Callable

import pendulum
import pytest

from duty_desk.errors import NotPermitted
from duty_desk.identity import os_login
from duty_desk.repository import Repository
from tests.conftest import referral_input

RepoAs = Callable[[str], Repository]


@pytest.fixture
def clinician(repo: Repository, repo_as: RepoAs) -> Repository:
    repo.add_staff("clin1", "Clinician One (test)", "clinician")
    return repo_as("clin1")


@pytest.fixture
def peer(repo: Repository, repo_as: RepoAs) -> Repository:
    repo.add_staff("peer1", "Peer Worker One (test)", "peer_support")
    return repo_as("peer1")


@pytest.mark.parametrize("who", ["clinician", "peer"])
def test_only_a_team_lead_changes_staff_records(
    repo: Repository, who: str, request: pytest.FixtureRequest
) -> None:
    worker: Repository = request.getfixturevalue(who)
    before = repo.list_staff(include_inactive=True)
    for change in (
        lambda: worker.add_staff("new1", "New Person (test)", "clinician"),
        lambda: worker.deactivate_staff("duty1"),
        lambda: worker.set_capacity("duty1", 3),
    ):
        with pytest.raises(NotPermitted, match="Only a team lead can"):
            change()
    assert repo.list_staff(include_inactive=True) == before, "nothing changed"


def test_a_team_lead_changes_staff_records(repo: Repository, clinician: Repository) -> None:
    repo.add_staff("new1", "New Person (test)", "peer_support")
    repo.set_capacity("clin1", 7)
    repo.deactivate_staff("new1")
    staff = {s.login: s for s in repo.list_staff(include_inactive=True)}
    assert staff["clin1"].capacity == 7 and not staff["new1"].active
    actions = [e.action for s in ("clin1", "new1") for e in repo.history("staff", staff[s].id)]
    assert {"add staff", "set capacity", "deactivate staff"} <= set(actions)


def test_every_staff_member_triages_books_and_assigns(
    repo: Repository, clinician: Repository, peer: Repository, frozen_now: pendulum.DateTime
) -> None:
    referral = peer.add_referral(referral_input())
    client = peer.accept(referral)
    me, other = clinician.acting_staff(), peer.acting_staff()
    assert me is not None and other is not None
    clinician.set_core_team(client, [me.id, other.id], me.id, "Set by a clinician (test)")
    start = pendulum.datetime(2026, 11, 24, 11, tz="Europe/London")
    meeting = peer.book(client, start, 60, [me.id, other.id], "base")
    assert repo.meeting(meeting).status == "booked"


def test_a_login_not_on_the_staff_list_can_only_read(
    repo: Repository, repo_as: RepoAs, frozen_now: pendulum.DateTime
) -> None:
    referral = repo.add_referral(referral_input())
    visitor = repo_as("visitor")
    assert visitor.acting_staff() is None
    assert [r.id for r in visitor.open_referrals()] == [referral], "can look"
    for change in (
        lambda: visitor.add_referral(referral_input()),
        lambda: visitor.claim(referral),
        lambda: visitor.accept(referral),
        lambda: visitor.add_staff("visitor", "Visitor (test)", "team_lead"),
    ):
        with pytest.raises(NotPermitted, match="not on the staff list"):
            change()


def test_the_acting_login_is_the_operating_systems(monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import pwd

    real = pwd.getpwuid(os.getuid()).pw_name
    monkeypatch.setenv("USER", "someone-else")
    monkeypatch.setenv("LOGNAME", "someone-else")
    assert os_login() == real
