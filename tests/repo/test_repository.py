"""The repository on real SQLite files: every write, its audit row, permissions, conflicts,
eligibility, the weekly cap, and all-or-nothing units of work."""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import Database
from duty_desk.errors import (
    Conflict,
    DutyDeskError,
    InputErrors,
    NoPlacesLeft,
    NotEligible,
    NotFound,
    NotPermitted,
)
from duty_desk.models import AuditLog, Client, NetworkMember, Referral
from duty_desk.repository import Repository
from duty_desk.validation import validate_referral
from tests.conftest import MONDAY_10, referral_input

MakeReferral = Callable[..., int]
RepoAs = Callable[[str], Repository]
UTC = dt.UTC


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def count(db: Database, table: type) -> int:
    with db.session() as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def audit_rows(db: Database) -> list[AuditLog]:
    with db.session() as session:
        return list(session.exec(select(AuditLog).order_by(AuditLog.id)).all())  # type: ignore[arg-type]


@pytest.fixture
def duty2(repo: Repository, repo_as: RepoAs) -> Repository:
    repo.add_staff("duty2", "Duty Worker Two (test)", "peer_support")
    return repo_as("duty2")


@pytest.fixture
def stranger(repo_as: RepoAs) -> Repository:
    """A login that is not on the staff list."""
    return repo_as("visitor")


# -- adding and reading ------------------------------------------------------------------------


def test_add_referral_and_read_it_back(repo: Repository, make_referral: MakeReferral) -> None:
    referral_id = make_referral()
    view = repo.referral(referral_id)
    assert view.name == "Alex Example (test)"
    assert view.nhs_number == "9990000018"
    assert view.received_at == utc(2026, 11, 23, 9)
    assert view.respond_by == utc(2026, 11, 24, 9)
    assert view.received_at.utcoffset() == dt.timedelta(0)
    assert view.status == "new" and view.is_open
    assert view.triage_by is None and view.decided_by is None
    assert view.version == 1
    assert view.network == ()


def test_add_referral_writes_an_audit_row_with_actor_and_after(
    repo: Repository, db: Database, make_referral: MakeReferral
) -> None:
    before = len(audit_rows(db))
    referral_id = make_referral(name="Robin Audit (test)")
    rows = audit_rows(db)[before:]
    assert len(rows) == 1
    row = rows[0]
    assert (row.actor, row.action, row.entity, row.entity_id) == (
        "duty1",
        "add referral",
        "referral",
        referral_id,
    )
    assert row.at == timeutil.as_utc(MONDAY_10)
    entry = repo.history("referral", referral_id)[0]
    assert entry.before is None
    assert entry.after is not None
    assert entry.after["name"] == "Robin Audit (test)"
    assert entry.after["status"] == "new"
    assert entry.after["received_at"] == "2026-11-23T09:00:00+00:00"
    assert entry.after["respond_by"] == "2026-11-24T09:00:00+00:00"


def test_bad_referral_saves_nothing(repo: Repository, db: Database, frozen_now: object) -> None:
    before = len(audit_rows(db))
    with pytest.raises(InputErrors) as caught:
        repo.add_referral(referral_input(name="", nhs_number="123"))
    assert set(caught.value.errors) == {"name", "nhs_number"}
    assert count(db, Referral) == 0
    assert len(audit_rows(db)) == before


def test_urgency_b_is_due_in_four_hours(repo: Repository, make_referral: MakeReferral) -> None:
    view = repo.referral(make_referral(urgency="B"))
    assert view.respond_by - view.received_at == dt.timedelta(hours=4)


def test_add_referrals_batch_is_one_unit(
    repo: Repository, stranger: Repository, db: Database, frozen_now: object
) -> None:
    rows = [
        validate_referral(referral_input(name=f"Batch {n} (test)"), repo.config, MONDAY_10)
        for n in range(3)
    ]
    with pytest.raises(NotPermitted):
        stranger.add_referrals(rows)
    assert count(db, Referral) == 0
    ids = repo.add_referrals(rows)
    assert len(ids) == 3
    assert [r.name for r in repo.open_referrals("Batch")] == [
        "Batch 0 (test)",
        "Batch 1 (test)",
        "Batch 2 (test)",
    ]


def test_missing_referral_is_not_found(repo: Repository, frozen_now: object) -> None:
    with pytest.raises(NotFound, match="No referral number 404"):
        repo.referral(404)
    for action in (
        lambda: repo.claim(404),
        lambda: repo.accept(404),
        lambda: repo.decline(404, "x (test)"),
        lambda: repo.add_network_member(404, "N (test)"),
    ):
        with pytest.raises(NotFound):
            action()


# -- claim, release, take over ---------------------------------------------------------------------


def test_claim_and_release(repo: Repository, make_referral: MakeReferral) -> None:
    referral_id = make_referral()
    claimed = repo.claim(referral_id)
    assert claimed.status == "triaging"
    assert claimed.triage_by == "duty1"
    assert claimed.triage_by_name == "Duty Worker One (test)"
    assert claimed.triage_since == timeutil.as_utc(MONDAY_10)
    assert claimed.version == 2
    released = repo.claim(referral_id)  # claiming your own claim releases it
    assert released.status == "new"
    assert released.triage_by is None
    history = repo.history("referral", referral_id)
    assert [e.action for e in history] == ["add referral", "claim", "release"]
    claim = history[1]
    assert claim.actor == "duty1"
    assert claim.before == {"status": "new", "triage_by_id": None, "triage_since": None}
    assert claim.after is not None
    assert claim.after["status"] == "triaging"
    assert claim.after["triage_since"] == "2026-11-23T10:00:00+00:00"
    assert history[2].before == {
        "status": "triaging",
        "triage_by_id": claim.after["triage_by_id"],
        "triage_since": "2026-11-23T10:00:00+00:00",
    }


def test_claim_by_someone_else_is_a_conflict_naming_them(
    repo: Repository, duty2: Repository, make_referral: MakeReferral
) -> None:
    referral_id = make_referral()
    repo.claim(referral_id)
    with pytest.raises(Conflict) as caught:
        duty2.claim(referral_id)
    assert "Duty Worker One (test) (duty1) is triaging this since Mon 10:00" in str(caught.value)
    assert repo.referral(referral_id).triage_by == "duty1"


def test_take_over(repo: Repository, duty2: Repository, make_referral: MakeReferral) -> None:
    referral_id = make_referral()
    repo.claim(referral_id)
    view = duty2.claim(referral_id, take_over=True)
    assert view.triage_by == "duty2"
    entry = repo.history("referral", referral_id)[-1]
    assert (entry.action, entry.actor) == ("take over", "duty2")
    assert entry.before is not None and entry.after is not None
    assert entry.before["triage_by_id"] != entry.after["triage_by_id"]


def test_take_over_of_an_unclaimed_referral_is_a_plain_claim(
    duty2: Repository, make_referral: MakeReferral
) -> None:
    referral_id = make_referral()
    duty2.claim(referral_id, take_over=True)
    assert duty2.history("referral", referral_id)[-1].action == "claim"


# -- decisions -----------------------------------------------------------------------------------


def test_accept_opens_an_episode(
    repo: Repository, db: Database, make_referral: MakeReferral
) -> None:
    referral_id = make_referral()
    repo.claim(referral_id)
    client_id = repo.accept(referral_id)
    view = repo.referral(referral_id)
    assert view.status == "accepted" and not view.is_open
    assert view.decided_by == "duty1"
    assert view.decided_at == timeutil.as_utc(MONDAY_10)
    assert view.decision_reason is None and view.eligibility_override is None
    with db.session() as session:
        client = session.get(Client, client_id)
        assert client is not None and client.referral_id == referral_id
        assert client.accepted_at == timeutil.as_utc(MONDAY_10)
    assert [e.action for e in repo.history("referral", referral_id)][-1] == "accept"
    episode = repo.history("client", client_id)
    assert [(e.action, e.actor) for e in episode] == [("open episode", "duty1")]
    assert referral_id not in [r.id for r in repo.open_referrals()]


def test_accept_unclaimed_is_allowed(repo: Repository, make_referral: MakeReferral) -> None:
    referral_id = make_referral()
    repo.accept(referral_id)
    assert repo.referral(referral_id).status == "accepted"


def test_redirect_with_reason(repo: Repository, make_referral: MakeReferral) -> None:
    referral_id = make_referral()
    repo.redirect(referral_id, "cmht", "  Ongoing care better with CMHT (test)  ")
    view = repo.referral(referral_id)
    assert (view.status, view.onward, view.decided_by) == ("redirected", "cmht", "duty1")
    assert view.decision_reason == "Ongoing care better with CMHT (test)"
    entry = repo.history("referral", referral_id)[-1]
    assert entry.action == "redirect"
    assert entry.before is not None and entry.before["status"] == "new"
    assert entry.after is not None and entry.after["onward"] == "cmht"
    assert entry.after["decision_reason"] == "Ongoing care better with CMHT (test)"


def test_redirect_needs_a_known_service_and_a_reason(
    repo: Repository, db: Database, make_referral: MakeReferral
) -> None:
    referral_id = make_referral()
    before = len(audit_rows(db))
    with pytest.raises(InputErrors) as caught:
        repo.redirect(referral_id, "prison", "reason (test)")
    assert caught.value.errors == {
        "onward": "unknown onward service 'prison' (expected one of: cmht, crht, other)"
    }
    with pytest.raises(InputErrors) as caught:
        repo.redirect(referral_id, "crht", "   ")
    assert caught.value.errors == {"reason": "reason is required"}
    assert repo.referral(referral_id).status == "new"
    assert len(audit_rows(db)) == before


def test_decline_with_reason(repo: Repository, make_referral: MakeReferral) -> None:
    referral_id = make_referral()
    repo.decline(referral_id, "Duplicate of an earlier referral (test)")
    view = repo.referral(referral_id)
    assert (view.status, view.onward) == ("declined", None)
    assert view.decision_reason == "Duplicate of an earlier referral (test)"
    assert repo.history("referral", referral_id)[-1].action == "decline"
    with pytest.raises(InputErrors):
        repo.decline(make_referral(), "")


@pytest.mark.parametrize("first", ["accept", "redirect", "decline"])
@pytest.mark.parametrize("second", ["accept", "redirect", "decline", "claim"])
def test_deciding_an_already_decided_referral_is_a_conflict_naming_who(
    repo: Repository, duty2: Repository, make_referral: MakeReferral, first: str, second: str
) -> None:
    referral_id = make_referral()
    actions: dict[str, Callable[[Repository], object]] = {
        "accept": lambda r: r.accept(referral_id),
        "redirect": lambda r: r.redirect(referral_id, "crht", "Needs CRHT (test)"),
        "decline": lambda r: r.decline(referral_id, "Not for us (test)"),
        "claim": lambda r: r.claim(referral_id),
    }
    actions[first](repo)
    status = repo.referral(referral_id).status
    with pytest.raises(Conflict) as caught:
        actions[second](duty2)
    assert str(caught.value) == (
        f"This referral was already {status} by duty1 at Mon 23 Nov 10:00; nothing was changed"
    )
    assert repo.referral(referral_id).status == status


@pytest.mark.parametrize("action", ["accept", "redirect", "decline"])
def test_deciding_one_claimed_by_someone_else_is_a_conflict(
    repo: Repository, duty2: Repository, make_referral: MakeReferral, action: str
) -> None:
    referral_id = make_referral()
    repo.claim(referral_id)
    with pytest.raises(Conflict, match=r"Duty Worker One \(test\) \(duty1\) is triaging this"):
        if action == "accept":
            duty2.accept(referral_id)
        elif action == "redirect":
            duty2.redirect(referral_id, "cmht", "Reason (test)")
        else:
            duty2.decline(referral_id, "Reason (test)")
    view = repo.referral(referral_id)
    assert (view.status, view.triage_by) == ("triaging", "duty1")


def test_expected_version_mismatch_is_a_conflict(
    repo: Repository, make_referral: MakeReferral, repo_as: Callable[[str], Repository]
) -> None:
    referral_id = make_referral()
    seen = repo.referral(referral_id)
    repo.add_staff("duty2", "Duty Worker Two (test)", "clinician")
    other = repo_as("duty2")
    other.claim(referral_id)  # someone else changed it meanwhile, and let it go again
    other.claim(referral_id)
    for attempt in (
        lambda: repo.accept(referral_id, expected_version=seen.version),
        lambda: repo.claim(referral_id, expected_version=seen.version),
        lambda: repo.decline(referral_id, "r (test)", expected_version=seen.version),
        lambda: repo.redirect(referral_id, "cmht", "r (test)", expected_version=seen.version),
    ):
        with pytest.raises(Conflict) as caught:
            attempt()
        message = str(caught.value)
        assert "changed by duty2 at Mon 23 Nov 10:00 since you opened it" in message
        assert "status triaging -> new" in message, "what changed, in words"
        assert "Nothing was saved" in message and "what you typed is kept" in message
    current = repo.referral(referral_id)
    assert current.version == seen.version + 2
    repo.accept(referral_id, expected_version=current.version)
    assert repo.referral(referral_id).status == "accepted"


# -- permissions -------------------------------------------------------------------------------------


def test_non_staff_can_read_but_not_write(
    repo: Repository, stranger: Repository, db: Database, make_referral: MakeReferral
) -> None:
    referral_id = make_referral()
    audit_before = len(audit_rows(db))
    writes: list[Callable[[], object]] = [
        lambda: stranger.add_referral(referral_input()),
        lambda: stranger.claim(referral_id),
        lambda: stranger.claim(referral_id, take_over=True),
        lambda: stranger.accept(referral_id),
        lambda: stranger.accept(referral_id, override_reason="Because (test)"),
        lambda: stranger.redirect(referral_id, "cmht", "Reason (test)"),
        lambda: stranger.decline(referral_id, "Reason (test)"),
        lambda: stranger.add_network_member(referral_id, "Pat Parent (test)"),
        lambda: stranger.add_staff("visitor", "Visitor (test)", "clinician"),
        lambda: stranger.add_staff("visitor", "Visitor (test)", "team_lead", bootstrap=True),
        lambda: stranger.deactivate_staff("duty1"),
    ]
    for write in writes:
        with pytest.raises(NotPermitted) as caught:
            write()
        message = str(caught.value)
        assert "'visitor' is not on the staff list" in message
        assert "you can look but not change anything" in message
    assert len(audit_rows(db)) == audit_before
    assert repo.referral(referral_id).status == "new"
    with pytest.raises(NotPermitted, match="'visitor' is not on the staff list"):
        stranger.ensure_can_change()
    assert repo.ensure_can_change().login == "duty1"
    # reads work
    assert stranger.acting_staff() is None
    assert [r.id for r in stranger.open_referrals()] == [referral_id]
    assert stranger.referral(referral_id).name == "Alex Example (test)"
    assert stranger.intake()[0].taken == 0
    assert [e.action for e in stranger.history("referral", referral_id)] == ["add referral"]
    assert [s.login for s in stranger.list_staff()] == ["duty1"]


def test_deactivated_staff_cannot_write(
    repo: Repository, duty2: Repository, make_referral: MakeReferral
) -> None:
    referral_id = make_referral()
    assert duty2.acting_staff() is not None
    repo.deactivate_staff("duty2")
    assert duty2.acting_staff() is None
    with pytest.raises(NotPermitted, match="'duty2' is deactivated"):
        duty2.claim(referral_id)
    with pytest.raises(NotPermitted):
        duty2.add_referral(referral_input())
    assert [s.login for s in repo.list_staff()] == ["duty1"]
    assert {s.login for s in repo.list_staff(include_inactive=True)} == {"duty1", "duty2"}
    entry = repo.history("staff", repo.list_staff(include_inactive=True)[1].id)[-1]
    assert (entry.action, entry.before, entry.after) == (
        "deactivate staff",
        {"active": True},
        {"active": False},
    )


def test_staff_bootstrap_only_on_an_empty_list(repo: Repository, repo_as: RepoAs) -> None:
    with pytest.raises(Conflict, match="already on the staff list"):
        repo.add_staff("duty1", "Again (test)", "clinician")
    with pytest.raises(InputErrors):
        repo.add_staff("bad login", "", "boss")
    staff = repo.add_staff("lead", "Lee Lead (test)", "team_lead")
    assert (staff.login, staff.role, staff.active) == ("lead", "team_lead", True)
    with pytest.raises(NotFound):
        repo.deactivate_staff("nobody")


# -- eligibility and overrides ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"date_of_birth": "24/11/2008"}, "age 17 is outside 18 to 65"),
        ({"date_of_birth": "23/11/1960"}, "age 66 is outside 18 to 65"),
        ({"source": "gp"}, "source GP is not a POD referral route"),
        ({"source": "other"}, "source Other is not a POD referral route"),
    ],
)
def test_ineligible_then_overridden_with_a_recorded_reason(
    repo: Repository,
    db: Database,
    make_referral: MakeReferral,
    overrides: dict[str, str],
    problem: str,
) -> None:
    referral_id = make_referral(**overrides)
    audit_before = len(audit_rows(db))
    with pytest.raises(NotEligible) as caught:
        repo.accept(referral_id)
    assert caught.value.problems == [problem]
    assert str(caught.value) == f"Not eligible for POD: {problem}."
    assert repo.referral(referral_id).status == "new"
    assert len(audit_rows(db)) == audit_before
    assert count(db, Client) == 0

    repo.accept(referral_id, override_reason="Family already known to the team (test)")
    view = repo.referral(referral_id)
    assert view.status == "accepted"
    assert view.eligibility_override == "Family already known to the team (test)"
    assert view.decision_reason == "Eligibility overridden: Family already known to the team (test)"
    entry = repo.history("referral", referral_id)[-1]
    assert entry.action == "accept"
    assert entry.after is not None
    assert entry.after["eligibility_override"] == "Family already known to the team (test)"


def test_age_boundaries_are_eligible(repo: Repository, make_referral: MakeReferral) -> None:
    repo.accept(make_referral(date_of_birth="23/11/2008"))  # 18 today
    repo.accept(make_referral(date_of_birth="24/11/1960"))  # 65, 66 tomorrow


def test_blank_override_reason_is_refused(repo: Repository, make_referral: MakeReferral) -> None:
    referral_id = make_referral(source="gp")
    with pytest.raises(InputErrors):
        repo.accept(referral_id, override_reason="   ")
    with pytest.raises(NotEligible):
        repo.accept(referral_id, override_reason="")
    assert repo.referral(referral_id).status == "new"


def test_eligibility_helper(repo: Repository, make_referral: MakeReferral) -> None:
    assert repo.eligibility(repo.referral(make_referral())) == []
    assert repo.eligibility(repo.referral(make_referral(source="gp"))) == [
        "source GP is not a POD referral route"
    ]


# -- the weekly cap ----------------------------------------------------------------------------------


def fill(repo: Repository, make_referral: MakeReferral, n: int, **overrides: str) -> list[int]:
    ids = [make_referral(name=f"Filler {i} (test)", **overrides) for i in range(n)]
    for referral_id in ids:
        repo.accept(referral_id)
    return ids


def test_sixth_in_a_week_gets_no_place_even_with_override(
    repo: Repository, db: Database, make_referral: MakeReferral
) -> None:
    fill(repo, make_referral, 5)
    sixth = make_referral(name="Sixth (test)")
    audit_before = len(audit_rows(db))
    with pytest.raises(NoPlacesLeft) as caught:
        repo.accept(sixth)
    assert str(caught.value) == (
        "No places left: Canterbury has taken 5 of 5 for the week of 23 Nov. "
        "Redirect to treatment as usual (r) instead"
    )
    with pytest.raises(NoPlacesLeft):
        repo.accept(sixth, override_reason="Really want to (test)")
    ineligible = make_referral(name="Ineligible sixth (test)", source="gp")
    with pytest.raises(NoPlacesLeft):
        repo.accept(ineligible, override_reason="Really want to (test)")
    assert repo.referral(sixth).status == "new"
    assert count(db, Client) == 5
    assert len(audit_rows(db)) == audit_before + 1  # only adding the ineligible one
    canterbury = next(i for i in repo.intake() if i.area == "canterbury")
    assert (canterbury.taken, canterbury.places_left) == (5, 0)
    assert canterbury.label() == "Canterbury: 0 of 5 places left this week (w/c 23 Nov)"
    # the other area has its own places
    whitstable = make_referral(area="whitstable", gp_practice="Harbour Street Surgery (example)")
    repo.accept(whitstable)
    assert repo.referral(whitstable).status == "accepted"


def test_redirected_and_declined_do_not_use_places(
    repo: Repository, make_referral: MakeReferral
) -> None:
    for n in range(3):
        repo.redirect(make_referral(name=f"Redirected {n} (test)"), "cmht", "TAU (test)")
        repo.decline(make_referral(name=f"Declined {n} (test)"), "No (test)")
    intake = repo.intake()[0]
    assert (intake.taken, intake.places_left) == (0, 5)


def test_intake_label_and_short_label(repo: Repository, make_referral: MakeReferral) -> None:
    fill(repo, make_referral, 3)
    canterbury = repo.intake()[0]
    assert canterbury.label() == "Canterbury: 2 of 5 places left this week (w/c 23 Nov)"
    assert canterbury.short_label() == "Canterbury 2/5 left"
    assert canterbury.week_start == dt.date(2026, 11, 23)


def test_last_weeks_referral_counts_against_last_weeks_cap(
    repo: Repository, make_referral: MakeReferral
) -> None:
    # Last week (w/c 16 Nov) is full ...
    fill(repo, make_referral, 5, received_at="20/11/2026 12:00")
    late = make_referral(name="Received last Friday (test)", received_at="20/11/2026 15:00")
    with pytest.raises(NoPlacesLeft, match="for the week of 16 Nov"):
        repo.accept(late)
    late_view = repo.referral(late)
    last_week = repo.intake_for(late_view)
    assert last_week is not None
    assert (last_week.week_start, last_week.taken, last_week.places_left) == (
        dt.date(2026, 11, 16),
        5,
        0,
    )
    # ... and that does not touch this week's places.
    this_week = repo.intake()[0]
    assert (this_week.week_start, this_week.taken) == (dt.date(2026, 11, 23), 0)
    fill(repo, make_referral, 5)
    with pytest.raises(NoPlacesLeft, match="for the week of 23 Nov"):
        repo.accept(make_referral(name="Sixth this week (test)"))
    assert repo.intake(at=utc(2026, 11, 18))[0].taken == 5


def test_week_boundary_sunday_2359_and_monday_0000(repo: Repository, config: Config) -> None:
    """A referral counts against the local week it was received in."""
    with timeutil.frozen(pendulum.datetime(2026, 11, 30, 10, 0, tz="Europe/London")):
        for i in range(4):
            repo.accept(
                repo.add_referral(
                    referral_input(name=f"Filler {i} (test)", received_at="25/11/2026 12:00")
                )
            )
        sunday = repo.add_referral(
            referral_input(name="Sunday late (test)", received_at="29/11/2026 23:59")
        )
        monday = repo.add_referral(
            referral_input(name="Monday midnight (test)", received_at="30/11/2026 00:00")
        )
        also_sunday = repo.add_referral(
            referral_input(name="Sunday later still (test)", received_at="29/11/2026 23:59")
        )
        repo.accept(sunday)  # the 5th place of w/c 23 Nov
        with pytest.raises(NoPlacesLeft, match="23 Nov"):
            repo.accept(also_sunday)
        repo.accept(monday)  # the 1st place of w/c 30 Nov
        assert [i.taken for i in repo.intake() if i.area == "canterbury"] == [1]
        assert repo.intake(at=utc(2026, 11, 29, 23, 59))[0].taken == 5


def test_week_with_the_autumn_clock_change_is_one_week(repo: Repository) -> None:
    """Sunday 25 October 2026 has 25 hours; 23:30 that night is still in w/c 19 Oct."""
    with timeutil.frozen(pendulum.datetime(2026, 11, 2, 10, 0, tz="Europe/London")):
        ids = [
            repo.add_referral(referral_input(name=f"Oct {i} (test)", received_at=when))
            for i, when in enumerate(
                [
                    "19/10/2026 00:00",
                    "2026-10-25T01:30+01:00",
                    "2026-10-25T01:30+00:00",
                    "25/10/2026 23:30",
                    "25/10/2026 23:59",
                ]
            )
        ]
        for referral_id in ids:
            repo.accept(referral_id)
        following = repo.add_referral(
            referral_input(name="Following Monday (test)", received_at="26/10/2026 00:00")
        )
        repo.accept(following)
        assert repo.intake(at=utc(2026, 10, 22))[0].taken == 5
        assert repo.intake(at=utc(2026, 10, 27))[0].taken == 1


# -- network members, history, search -------------------------------------------------------------


def test_network_members(repo: Repository, db: Database, make_referral: MakeReferral) -> None:
    referral_id = make_referral()
    first = repo.add_network_member(referral_id, "Pat Parent (test)", "mother", "01632 960002")
    second = repo.add_network_member(referral_id, "Sam Friend (test)")
    view = repo.referral(referral_id)
    assert [(m.id, m.name, m.relationship, m.phone) for m in view.network] == [
        (first, "Pat Parent (test)", "mother", "01632 960002"),
        (second, "Sam Friend (test)", "", ""),
    ]
    entry = repo.history("referral", referral_id)[-2]
    assert (entry.action, entry.actor, entry.before) == ("add network member", "duty1", None)
    assert entry.after == {
        "network_member_id": first,
        "name": "Pat Parent (test)",
        "relationship": "mother",
        "phone": "01632 960002",
    }
    with pytest.raises(InputErrors) as caught:
        repo.add_network_member(referral_id, "", "", "not a phone")
    assert set(caught.value.errors) == {"name"}
    assert count(db, NetworkMember) == 2


def test_history_is_in_order_with_changes(repo: Repository, make_referral: MakeReferral) -> None:
    referral_id = make_referral()
    repo.claim(referral_id)
    repo.add_network_member(referral_id, "Pat Parent (test)")
    repo.decline(referral_id, "Duplicate (test)")
    history = repo.history("referral", referral_id)
    assert [e.action for e in history] == ["add referral", "claim", "add network member", "decline"]
    assert all(e.actor == "duty1" and e.entity_id == referral_id for e in history)
    assert all(e.at.utcoffset() == dt.timedelta(0) for e in history)
    changes = dict((k, (b, a)) for k, b, a in history[-1].changes())
    assert changes["status"] == ("triaging", "declined")
    assert changes["decision_reason"] == (None, "Duplicate (test)")
    assert repo.history("referral", 9999) == []
    assert [e.action for e in repo.audit_for_export()][:2] == ["add staff", "add referral"]


@pytest.fixture
def queue(repo: Repository, duty2: Repository, make_referral: MakeReferral) -> dict[str, int]:
    ids = {
        "alex": make_referral(name="Alex Example (test)", urgency="C"),
        "bea": make_referral(
            name="Bea Sample (test)", nhs_number="943 476 5919", urgency="B", source="eip-new"
        ),
        "cal": make_referral(
            name="Cal Dummy (test)",
            nhs_number="",
            area="whitstable",
            gp_practice="Harbour Street Surgery (example)",
            source="gp",
        ),
        "dee": make_referral(
            name="Dee Fictional (test)", nhs_number="", urgency="D", received_at="23/11/2026 08:00"
        ),
        "gone": make_referral(name="Alex Decided (test)"),
    }
    duty2.claim(ids["cal"])
    repo.decline(ids["gone"], "Duplicate (test)")
    return ids


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("", ["bea", "dee", "alex", "cal"]),  # soonest deadline first; decided ones left out
        ("alex", ["alex"]),
        ("ALEX EXAMPLE", ["alex"]),
        ("sample", ["bea"]),
        ("9434765919", ["bea"]),
        ("943 476 5919", ["bea"]),
        ("476591", ["bea"]),
        ("Whitstable", ["cal"]),
        ("whitstable", ["cal"]),
        ("canterbury", ["bea", "dee", "alex"]),
        ("GP", ["cal"]),
        ("eip-new", ["bea"]),
        ("EIP new", ["bea"]),
        ("triaging", ["cal"]),
        ("new", ["bea", "dee", "alex"]),
        ("b", ["bea", "cal"]),  # Bea's urgency B; the "b" of Cal's Harbour Street practice
        ("duty2", ["cal"]),  # claimer
        ("Harbour", ["cal"]),  # practice
        ("nobody at all", []),
        ("%", []),  # typed literally, not a wildcard
        ("_", []),
    ],
)
def test_open_referrals_search(
    repo: Repository, queue: dict[str, int], term: str, expected: list[str]
) -> None:
    by_id = {v: k for k, v in queue.items()}
    assert [by_id[r.id] for r in repo.open_referrals(term)] == expected


def test_open_referrals_views_carry_the_claimer(repo: Repository, queue: dict[str, int]) -> None:
    cal = next(r for r in repo.open_referrals() if r.id == queue["cal"])
    assert (cal.status, cal.triage_by, cal.triage_by_name) == (
        "triaging",
        "duty2",
        "Duty Worker Two (test)",
    )


def test_export_lists_every_referral(repo: Repository, queue: dict[str, int]) -> None:
    exported = list(repo.referrals_for_export())
    assert sorted(r.id for r in exported) == sorted(queue.values())
    gone = next(r for r in exported if r.id == queue["gone"])
    assert (gone.status, gone.decided_by) == ("declined", "duty1")


# -- all or nothing ---------------------------------------------------------------------------------


def test_accept_failing_part_way_leaves_no_partial_rows(
    repo: Repository, db: Database, db_path: Path, make_referral: MakeReferral
) -> None:
    """The referral update and its audit row are written before the client row; when the
    client insert fails, all of it is rolled back."""
    referral_id = make_referral()
    repo.claim(referral_id)
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "CREATE TRIGGER refuse_clients BEFORE INSERT ON client "
            "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
        )
    audit_before = len(audit_rows(db))
    with pytest.raises(DutyDeskError) as caught:
        repo.accept(referral_id)
    assert "nothing was saved" in str(caught.value)
    assert "trigger" not in str(caught.value)  # the driver's text stays out of the message
    view = repo.referral(referral_id)
    assert (view.status, view.decided_by, view.version) == ("triaging", None, 2)
    assert count(db, Client) == 0
    assert len(audit_rows(db)) == audit_before
    with sqlite3.connect(db_path) as conn:
        conn.execute("DROP TRIGGER refuse_clients")
    repo.accept(referral_id)
    assert count(db, Client) == 1


def test_batch_add_failing_part_way_adds_none(
    repo: Repository, db: Database, db_path: Path, frozen_now: object
) -> None:
    rows = [
        validate_referral(referral_input(name=f"Batch {n} (test)"), repo.config, MONDAY_10)
        for n in range(3)
    ]
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "CREATE TRIGGER refuse_third AFTER INSERT ON referral WHEN NEW.name = 'Batch 2 (test)' "
            "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
        )
    audit_before = len(audit_rows(db))
    with pytest.raises(DutyDeskError):
        repo.add_referrals(rows)
    assert count(db, Referral) == 0
    assert len(audit_rows(db)) == audit_before


def test_busy_database_is_one_sentence(
    repo: Repository, db_path: Path, tmp_path: Path, frozen_now: object
) -> None:
    """Another process holding the write lock past the busy timeout: a plain sentence."""
    from duty_desk.config import DatabaseSettings
    from duty_desk.db import open_database

    impatient = Config(database=DatabaseSettings(busy_timeout_seconds=1))
    db2 = open_database(impatient, str(db_path))
    try:
        other = Repository(db2, impatient, actor="duty1")
        holder = sqlite3.connect(db_path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(DutyDeskError) as caught:
                other.add_referral(referral_input())
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert str(caught.value) == (
            "the database stayed busy for more than 1 s (another process is holding it); "
            "nothing was saved, try again"
        )
        other.add_referral(referral_input())
    finally:
        db2.dispose()


def test_search_for_wildcard_characters_finds_them_literally(
    repo: Repository, make_referral: MakeReferral
) -> None:
    percent = make_referral(name="Percy 100% Example (test)")
    underscore = make_referral(name="Una_Score (test)")
    make_referral(name="Plain Name (test)")
    assert [r.id for r in repo.open_referrals("100%")] == [percent]
    assert [r.id for r in repo.open_referrals("a_s")] == [underscore]


def test_every_write_adds_its_audit_rows_with_the_actor(
    repo: Repository, duty2: Repository, db: Database, make_referral: MakeReferral
) -> None:
    first, second, third = make_referral(), make_referral(), make_referral()
    steps: list[tuple[Callable[[], object], Repository, list[str]]] = [
        (lambda: duty2.claim(first), duty2, ["claim"]),
        (lambda: repo.claim(first, take_over=True), repo, ["take over"]),
        (lambda: repo.claim(first), repo, ["release"]),
        (
            lambda: duty2.add_network_member(first, "Pat Parent (test)"),
            duty2,
            ["add network member"],
        ),
        (lambda: duty2.accept(first), duty2, ["accept", "open episode"]),
        (lambda: repo.redirect(second, "crht", "CRHT tonight (test)"), repo, ["redirect"]),
        (lambda: duty2.decline(third, "Duplicate (test)"), duty2, ["decline"]),
        (lambda: repo.add_staff("duty3", "Duty Three (test)", "clinician"), repo, ["add staff"]),
        (lambda: repo.deactivate_staff("duty3"), repo, ["deactivate staff"]),
    ]
    for action, actor, expected in steps:
        before = len(audit_rows(db))
        action()
        new_rows = audit_rows(db)[before:]
        assert [r.action for r in new_rows] == expected
        assert {r.actor for r in new_rows} == {actor.actor}
        assert all(r.at == timeutil.as_utc(MONDAY_10) for r in new_rows)
        assert all(r.after for r in new_rows)


def test_respond_by_through_the_spring_clock_change(repo: Repository) -> None:
    with timeutil.frozen(pendulum.datetime(2026, 3, 30, 9, 0, tz="Europe/London")):
        referral_id = repo.add_referral(referral_input(received_at="28/03/2026 12:00"))
    view = repo.referral(referral_id)
    assert view.respond_by - view.received_at == dt.timedelta(hours=24)
    local = timeutil.to_local(view.respond_by, "Europe/London")
    assert (local.day, local.hour, local.minute, local.utcoffset()) == (
        29,
        13,
        0,
        dt.timedelta(hours=1),
    )
    assert timeutil.fmt_local(view.respond_by, "Europe/London", "day") == "Sun 29 Mar 13:00"


# -- the cap as a property: any order of accepts, never more than the cap in a local week ----------

# Monday 19 October 2026 00:00 in London (BST); the week holds the autumn clock change.
RANGE_START = dt.datetime(2026, 10, 18, 23, 0, tzinfo=UTC)
RANGE_MINUTES = 4 * 7 * 24 * 60 + 120
# Instants either side of each local week boundary, in minutes from RANGE_START.
BOUNDARIES = [
    0,
    1,
    7 * 24 * 60 + 60 - 1,
    7 * 24 * 60 + 60,
    14 * 24 * 60 + 60 - 1,
    14 * 24 * 60 + 60,
    21 * 24 * 60 + 60,
    28 * 24 * 60 + 60 - 1,
]


def local_monday(instant: dt.datetime) -> dt.date:
    """The intake week, worked out with the standard library only (not the code under test)."""
    from zoneinfo import ZoneInfo

    day = instant.astimezone(ZoneInfo("Europe/London")).date()
    return day - dt.timedelta(days=day.weekday())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(BOUNDARIES) | st.integers(0, RANGE_MINUTES),
            st.sampled_from(["canterbury", "whitstable"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=14,
    )
)
def test_cap_is_never_exceeded_in_any_local_week(
    referrals: list[tuple[int, str, bool]],
) -> None:
    from duty_desk.config import AreaSettings
    from duty_desk.db import open_database

    base = Config()
    areas = {
        key: AreaSettings(name=a.name, weekly_cap=2, gp_practices=a.gp_practices)
        for key, a in base.areas.items()
    }
    config = base.model_copy(update={"areas": areas})
    practice = {key: a.gp_practices[0] for key, a in areas.items()}
    taken: Counter[tuple[str, dt.date]] = Counter()
    with tempfile.TemporaryDirectory() as folder, timeutil.frozen(utc(2026, 11, 20, 12)):
        db = open_database(config, str(Path(folder) / "cap.db"), create=True)
        try:
            repo = Repository(db, config, actor="duty1")
            repo.add_staff("duty1", "Duty Worker One (test)", "team_lead", bootstrap=True)
            for minutes, area, override in referrals:
                instant = RANGE_START + dt.timedelta(minutes=minutes)
                referral_id = repo.add_referral(
                    referral_input(
                        received_at=instant.strftime("%Y-%m-%dT%H:%MZ"),
                        area=area,
                        gp_practice=practice[area],
                        source="gp" if override else "spoa-urgent",
                    )
                )
                week = (area, local_monday(instant))
                try:
                    repo.accept(
                        referral_id, override_reason="Override (test)" if override else None
                    )
                except NoPlacesLeft:
                    assert taken[week] == 2
                else:
                    assert taken[week] < 2
                    taken[week] += 1
            for (area, monday), n in taken.items():
                at = dt.datetime.combine(monday, dt.time(12), tzinfo=UTC)
                assert next(i for i in repo.intake(at=at) if i.area == area).taken == n
        finally:
            db.dispose()
