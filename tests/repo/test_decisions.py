"""Triage decisions (issue 11): the order rule, reversing a decision (the window, places
given back, meetings cancelled or refusing), what an accept still needs, the staff free
before the deadline and the late first meeting's reason; on real SQLite files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.errors import BookingWarnings, Conflict, InputErrors, NoPlacesLeft, OutOfOrder
from duty_desk.models import Client, Meeting
from duty_desk.reports.referrals import COLUMNS, record
from duty_desk.repository import Repository
from duty_desk.views import SetupNeed
from tests.conftest import DUTY, MONDAY_10


def at(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, day, hour, minute, tz="Europe/London")


def two_waiting(make_referral: Callable[..., int]) -> tuple[int, int]:
    first = make_referral(name="First Arrival (test)", received_at="23/11/2026 08:00")
    later = make_referral(name="Later Arrival (test)", received_at="23/11/2026 09:00")
    return first, later


def team(repo: Repository) -> tuple[int, int]:
    duty = repo.acting_staff()
    assert duty is not None
    peer = repo.add_staff("peer1", "Peer Worker (test)", "peer_support")
    return duty.id, peer.id


# -- the order rule ----------------------------------------------------------------------


def test_the_preview_shows_places_used_and_who_waits_earlier(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    first, later = two_waiting(make_referral)
    make_referral(name="Too Old (test)", date_of_birth="01/01/1940", received_at="23/11/2026 07:00")
    make_referral(
        name="Other Area (test)",
        area="whitstable",
        gp_practice="Harbour Street Surgery (example)",
        received_at="23/11/2026 07:30",
    )
    preview = repo.accept_preview(later)
    assert [w.id for w in preview.earlier] == [first]  # not the ineligible, not another area
    assert preview.intake is not None and (preview.intake.taken, preview.intake.cap) == (0, 5)
    assert preview.problems == ()
    repo.accept(first)
    after = repo.accept_preview(later)
    assert after.earlier == () and after.intake is not None and after.intake.taken == 1


def test_accepting_out_of_order_needs_a_reason_that_is_stored_audited_and_exported(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    first, later = two_waiting(make_referral)
    with pytest.raises(OutOfOrder) as caught:
        repo.accept(later, enforce_order=True)
    assert caught.value.earlier[0][0] == first and "First Arrival" not in str(caught.value)
    assert repo.referral(later).status == "new"  # nothing changed
    repo.accept(later, enforce_order=True, order_reason="Higher risk, due sooner (test)")
    view = repo.referral(later)
    assert view.status == "accepted" and view.order_reason == "Higher risk, due sooner (test)"
    accept = [e for e in repo.history("referral", later) if e.action == "accept"][0]
    assert accept.after["order_reason"] == "Higher risk, due sooner (test)"
    row = record(view, "Europe/London")
    assert "order_reason" in COLUMNS and row["order_reason"] == "Higher risk, due sooner (test)"


def test_in_order_needs_no_reason_and_a_reason_given_is_not_kept(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    first, later = two_waiting(make_referral)
    repo.accept(first, enforce_order=True)
    repo.accept(later, enforce_order=True, order_reason="Nothing waits now (test)")
    assert repo.referral(later).order_reason is None  # not counted: nobody waited


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001, "bad\x00reason"])
def test_an_order_reason_must_be_real_text(
    repo: Repository, make_referral: Callable[..., int], reason: str
) -> None:
    _first, later = two_waiting(make_referral)
    with pytest.raises((InputErrors, OutOfOrder)):
        repo.accept(later, enforce_order=True, order_reason=reason)
    assert repo.referral(later).status == "new"


# -- reversing ---------------------------------------------------------------------------


def test_reversing_an_accept_gives_the_place_back_and_reopens_the_referral(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    referral = make_referral()
    client = repo.accept(referral)
    assert repo.intake_for(repo.referral(referral)).taken == 1  # type: ignore[union-attr]
    view = repo.referral(referral)
    assert (
        repo.reverse_decision(referral, "Wrong person (test)", expected_version=view.version) == 0
    )
    back = repo.referral(referral)
    assert back.status == "new" and back.decided_by is None and back.decided_at is None
    assert (back.reversed_by, back.reversal_reason) == (DUTY, "Wrong person (test)")
    assert repo.intake_for(back).taken == 0  # type: ignore[union-attr]
    assert referral in [r.id for r in repo.open_referrals()]
    with repo.db.session() as session:
        row = session.get(Client, client)
        assert row is not None and row.status == "reversed"
    entry = [e for e in repo.history("referral", referral) if e.action == "reverse decision"][0]
    assert entry.actor == DUTY
    assert entry.before["status"] == "accepted" and entry.after["status"] == "new"
    assert entry.after["reversal_reason"] == "Wrong person (test)"
    assert repo.first_meetings(MONDAY_10.subtract(days=7)) == []  # no longer counted
    # accepted again: the same episode opens again, and the place is taken again
    assert repo.accept(referral) == client
    assert repo.intake_for(repo.referral(referral)).taken == 1  # type: ignore[union-attr]


def test_reversing_an_accept_cancels_booked_meetings_and_clears_the_core_team(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    duty, peer = team(repo)
    referral = make_referral()
    client = repo.accept(referral)
    repo.set_core_team(client, [duty, peer], duty, "Chosen on acceptance (test)")
    meeting = repo.book(client, at(23, 14), 60, [duty, peer], "base")
    assert repo.reverse_decision(referral, "Accepted by mistake (test)") == 1
    cancelled = repo.meeting(meeting)
    assert cancelled.status == "cancelled"
    assert cancelled.cancel_reason == "Acceptance reversed: Accepted by mistake (test)"
    assert repo.awaiting_setup() == []  # a reversed episode needs nothing
    actions = [e.action for e in repo.history("client", client)]
    assert "core team" in actions and "reverse acceptance" in actions


def test_an_accept_cannot_be_reversed_once_a_meeting_happened(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    duty, peer = team(repo)
    referral = make_referral()
    client = repo.accept(referral)
    meeting = repo.book(client, at(23, 10, 15), 30, [duty], "base")
    with timeutil.frozen(at(23, 11)):
        repo.record_happened(meeting, [duty])
        with pytest.raises(Conflict, match="already took place"):
            repo.reverse_decision(referral, "Too late (test)")
    assert repo.referral(referral).status == "accepted"
    assert repo.meeting(meeting).status == "happened"


def test_redirect_and_decline_can_be_reversed(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    redirected = make_referral(name="Redirected (test)")
    declined = make_referral(name="Declined (test)")
    repo.redirect(redirected, "cmht", "Needs CMHT (test)")
    repo.decline(declined, "Not for us (test)")
    repo.reverse_decision(redirected, "Wrong service (test)")
    repo.reverse_decision(declined, "Misread (test)")
    for referral_id in (redirected, declined):
        view = repo.referral(referral_id)
        assert view.status == "new" and view.onward is None and view.decision_reason is None


def test_reversing_is_refused_after_the_window(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    referral = make_referral()
    repo.decline(referral, "Not for us (test)")
    hours = repo.config.triage.reverse_within_hours
    with timeutil.frozen(MONDAY_10.add(hours=hours, minutes=1)):
        with pytest.raises(Conflict, match="can no longer be reversed"):
            repo.reverse_decision(referral, "Too late (test)")
    assert repo.referral(referral).status == "declined"
    with timeutil.frozen(MONDAY_10.add(hours=hours)):
        repo.reverse_decision(referral, "Just in time (test)")  # the window's last minute
    assert repo.referral(referral).status == "new"


def test_the_window_is_a_setting(db_path: Path, make_referral: Callable[..., int]) -> None:
    config = Config.model_validate({"triage": {"reverse_within_hours": 1}})
    db = open_database(config, str(db_path))
    short = Repository(db, config, actor=DUTY)
    referral = make_referral()
    short.decline(referral, "Not for us (test)")
    with timeutil.frozen(MONDAY_10.add(hours=2)), pytest.raises(Conflict, match="1 hours"):
        short.reverse_decision(referral, "Too late (test)")
    db.dispose()


def test_reversing_an_open_referral_or_a_stale_one_is_refused(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    referral = make_referral()
    with pytest.raises(Conflict, match="still open"):
        repo.reverse_decision(referral, "Nothing to reverse (test)")
    version = repo.referral(referral).version
    repo.decline(referral, "Not for us (test)")
    with pytest.raises(Conflict, match="changed by"):
        repo.reverse_decision(referral, "Stale (test)", expected_version=version)
    with pytest.raises(InputErrors):
        repo.reverse_decision(referral, "   ")
    assert repo.referral(referral).status == "declined"


def test_a_reversal_needs_a_staff_member(
    repo: Repository, repo_as: Callable[[str], Repository], make_referral: Callable[..., int]
) -> None:
    referral = make_referral()
    repo.decline(referral, "Not for us (test)")
    with pytest.raises(Exception, match="not on the staff list"):
        repo_as("stranger").reverse_decision(referral, "Who am I (test)")
    assert repo.referral(referral).status == "declined"


def test_the_last_place_given_back_can_be_taken_again(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    cap = repo.config.areas["canterbury"].weekly_cap
    ids = [make_referral(name=f"Person {i} (test)") for i in range(cap + 1)]
    for referral in ids[:cap]:
        repo.accept(referral)
    with pytest.raises(NoPlacesLeft):
        repo.accept(ids[cap])
    repo.reverse_decision(ids[0], "Wrong area (test)")
    repo.accept(ids[cap])
    assert repo.intake_for(repo.referral(ids[cap])).taken == cap  # type: ignore[union-attr]


# -- what an accept still needs, and who is free before the deadline ----------------------


def test_awaiting_setup_lists_a_team_first_then_a_first_meeting(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    duty, peer = team(repo)
    referral = make_referral()
    client = repo.accept(referral)
    [item] = repo.awaiting_setup()
    assert (item.client_id, item.referral.id, item.need) == (client, referral, SetupNeed.core_team)
    repo.set_core_team(client, [duty, peer], duty, "Chosen on acceptance (test)")
    [item] = repo.awaiting_setup()
    assert item.need is SetupNeed.first_meeting
    repo.book(client, at(23, 14), 60, [duty, peer], "base")
    assert repo.awaiting_setup() == []


def test_staff_free_before_the_deadline_come_first(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    duty, peer = team(repo)
    away = repo.add_staff("away1", "Away Worker (test)", "clinician")
    repo.record_absence(away.id, dt.date(2026, 11, 23), dt.date(2026, 11, 24), "leave")
    referral = make_referral()
    client = repo.accept(referral)
    deadline = repo.referral(referral).respond_by
    choice = repo.core_team_choice(client, deadline)
    assert set(choice.free) == {duty, peer}
    ids = [load.staff.id for load in choice.suggestions]
    assert ids.index(away.id) > max(ids.index(duty), ids.index(peer))
    assert repo.core_team_choice(client, None).free == ()


def test_staff_in_meetings_until_the_deadline_are_not_free(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    """Each person is judged on their own meetings: one booked from now until the deadline
    is not free, while the others (in none of those meetings) still are."""
    duty, peer = team(repo)
    busy = repo.add_staff("busy1", "Busy Worker (test)", "clinician").id
    other = repo.accept(make_referral(name="Other Client (test)"))
    repo.book(other, at(23, 10), 600, [busy], "base", override_reason="Long day (test)")
    repo.book(other, at(24, 8), 120, [busy], "base", override_reason="Early start (test)")
    client = repo.accept(make_referral())
    deadline = at(24, 10)
    choice = repo.core_team_choice(client, deadline)
    assert busy not in choice.free
    assert {duty, peer} <= set(choice.free)


# -- the late first meeting ----------------------------------------------------------------


@pytest.fixture
def strict(db_path: Path, repo: Repository) -> Repository:
    """The shipped default: a late first meeting needs a reason."""
    config = Config()
    assert config.triage.late_first_meeting_needs_reason
    return Repository(open_database(config, str(db_path)), config, actor=DUTY)


def test_a_late_first_meeting_needs_a_reason_that_is_stored(
    strict: Repository, make_referral: Callable[..., int]
) -> None:
    duty, peer = team(strict)
    referral = make_referral()  # received 23/11 09:00: respond by 24/11 09:00
    client = strict.accept(referral)
    kinds = [p.kind for p in strict.check_booking(client, at(24, 11), 60, [duty], "base")]
    assert kinds == ["late_first_meeting"]
    with pytest.raises(BookingWarnings):
        strict.book(client, at(24, 11), 60, [duty], "base")
    meeting = strict.book(
        client, at(24, 11), 60, [duty], "base", override_reason="Family asked (test)"
    )
    with strict.db.session() as session:
        row = session.get(Meeting, meeting)
        assert row is not None and row.late_reason == "Family asked (test)"
    entry = [e for e in strict.history("meeting", meeting) if e.action == "book meeting"][0]
    assert entry.after["late_reason"] == "Family asked (test)"
    # a second meeting is not the first: no warning
    assert strict.check_booking(client, at(25, 11), 60, [duty], "base") == []


def test_a_first_meeting_by_the_deadline_needs_no_reason(
    strict: Repository, make_referral: Callable[..., int]
) -> None:
    duty, _peer = team(strict)
    client = strict.accept(make_referral())
    assert strict.check_booking(client, at(23, 15), 60, [duty], "base") == []
    strict.book(client, at(23, 15), 60, [duty], "base")


def test_moving_the_first_meeting_past_the_deadline_needs_a_reason(
    strict: Repository, make_referral: Callable[..., int]
) -> None:
    duty, _peer = team(strict)
    client = strict.accept(make_referral())
    meeting = strict.book(client, at(23, 15), 60, [duty], "base")
    with pytest.raises(BookingWarnings):
        strict.reschedule(meeting, at(24, 12), 60)
    strict.reschedule(meeting, at(24, 12), 60, override_reason="Client unwell (test)")
    with strict.db.session() as session:
        row = session.get(Meeting, meeting)
        assert row is not None and row.late_reason == "Client unwell (test)"
