"""Handover on real databases (SQLite, and PostgreSQL where its server is here): notes
(added, closed once, audited), the duty rota, handing over to the out-of-hours service,
claims flagged stale (held long, claimant away, not on the rota) and their release, and
the handover itself."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import Database
from duty_desk.errors import Conflict, InputErrors, NotFound
from duty_desk.handover_views import ClaimFlag
from duty_desk.repository import Repository
from tests.conftest import MONDAY_10, referral_input

FRIDAY_EVENING = pendulum.datetime(2026, 11, 27, 20, 30, tz="Europe/London")


@pytest.fixture(params=["sqlite", "postgresql"])
def lead(request: pytest.FixtureRequest, config: Config) -> Repository:
    """duty1 (team lead) and duty2 (peer support) on SQLite, or on PostgreSQL."""
    db: Database = request.getfixturevalue("db" if request.param == "sqlite" else "pg")
    repo = Repository(db, config, actor="duty1")
    repo.add_staff("duty1", "Duty One (test)", "team_lead", bootstrap=True)
    repo.add_staff("duty2", "Duty Two (test)", "peer_support")
    return repo


def other(lead: Repository, login: str = "duty2") -> Repository:
    return Repository(lead.db, lead.config, actor=login)


def staff_id(repo: Repository, login: str) -> int:
    return next(s.id for s in repo.list_staff() if s.login == login)


def test_notes_on_a_referral_and_a_client_are_audited_and_closed_once(lead: Repository) -> None:
    with timeutil.frozen(MONDAY_10):
        referral = lead.add_referral(referral_input())
        accepted = lead.add_referral(referral_input(name="Sam Sample (test)"))
        client = lead.accept(accepted)
        first = lead.add_note("Phone the GP back (test)", referral_id=referral)
        second = other(lead).add_note("Key worker away Tue (test)", client_id=client)
        notes = lead.notes(open_only=True)
        assert [(n.id, n.name, n.created_by) for n in notes] == [
            (first, "Alex Example (test)", "duty1"),
            (second, "Sam Sample (test)", "duty2"),
        ]
        assert [n.id for n in lead.notes(referral_id=referral)] == [first]
        assert [n.id for n in lead.notes(client_id=client)] == [second]
        # a client's notes are found from its referral too
        assert [n.id for n in lead.notes(referral_id=accepted)] == [second]
        version = lead.notes(referral_id=referral)[0].version
        lead.close_note(first, expected_version=version)
        closed = lead.notes(referral_id=referral)[0]
        assert closed.closed_by == "duty1" and closed.closed_at == MONDAY_10
        with pytest.raises(Conflict, match="already closed by duty1"):
            other(lead).close_note(first)
        with pytest.raises(Conflict, match="changed by duty2"):
            other(lead).close_note(second, expected_version=version - 1)
        assert [n.id for n in lead.notes(open_only=True)] == [second]
    actions = [(e.actor, e.action) for e in lead.history("handover_note", first)]
    assert actions == [("duty1", "add handover note"), ("duty1", "close handover note")]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "note is required"),
        ("x" * 501, "too long"),
        ("bad \x1b[31m note", "control characters"),
    ],
)
def test_bad_notes_are_refused(lead: Repository, text: str, problem: str) -> None:
    with timeutil.frozen(MONDAY_10):
        referral = lead.add_referral(referral_input())
        with pytest.raises(InputErrors, match=problem):
            lead.add_note(text, referral_id=referral)
        with pytest.raises(InputErrors, match="one referral or one client"):
            lead.add_note("ok", referral_id=referral, client_id=1)
        with pytest.raises(NotFound):
            lead.add_note("ok", referral_id=referral + 99)
    assert lead.notes() == []


def test_the_duty_rota_is_set_replaced_and_audited(lead: Repository) -> None:
    monday = MONDAY_10.date()
    with timeutil.frozen(MONDAY_10):
        one, two = staff_id(lead, "duty1"), staff_id(lead, "duty2")
        assert lead.rota(monday) == []
        lead.set_rota(monday, [two, one, two])
        assert [s.login for s in lead.rota(monday)] == ["duty1", "duty2"]
        lead.set_rota(monday, [two])
        assert [s.login for s in lead.rota(monday)] == ["duty2"]
        with pytest.raises(InputErrors, match="no active staff member number 999"):
            lead.set_rota(monday, [one, 999])
        assert [s.login for s in lead.rota(monday)] == ["duty2"]
        assert lead.rota(monday + dt.timedelta(days=1)) == []
    history = lead.history("duty_rota", 20261123)
    assert [e.after["staff"] for e in history if e.after] == [["duty1", "duty2"], ["duty2"]]


def test_a_referral_due_while_closed_is_handed_over_with_a_reason(lead: Repository) -> None:
    with timeutil.frozen(FRIDAY_EVENING):
        # received 09:00 Friday: due 09:00 Saturday, while the team is closed
        late = lead.add_referral(referral_input(received_at="27/11/2026 09:00"))
        in_hours = lead.add_referral(
            referral_input(name="In Hours (test)", received_at="27/11/2026 09:00", urgency="B")
        )
        with timeutil.frozen(pendulum.datetime(2026, 11, 27, 10, tz="Europe/London")):
            with pytest.raises(Conflict, match="falls due while the team is open"):
                lead.hand_over_out_of_hours(in_hours, "Crisis line (test)")
        with pytest.raises(InputErrors, match="reason is required"):
            lead.hand_over_out_of_hours(late, "  ")
        version = lead.referral(late).version
        lead.hand_over_out_of_hours(late, "CRHT agreed to visit (test)", expected_version=version)
        handed = lead.out_of_hours_handovers()[late]
        assert (handed.service, handed.reason, handed.handed_by) == (
            "CRHT",
            "CRHT agreed to visit (test)",
            "duty1",
        )
        assert handed.handed_at == FRIDAY_EVENING
        with pytest.raises(Conflict, match="Already handed over to CRHT by duty1"):
            other(lead).hand_over_out_of_hours(late, "again (test)")
        data = lead.handover()
        assert data.closed is not None
        due = {d.referral_id: d for d in data.due}
        assert due[late].handed_over_to == "CRHT"
        assert due[late].state == "due while closed"
    entry = lead.history("referral", late)[-1]
    assert entry.action == "hand over out of hours"
    assert entry.after == {"service": "CRHT", "reason": "CRHT agreed to visit (test)"}


def test_claims_are_flagged_when_held_long_by_someone_away_or_off_the_rota(
    lead: Repository,
) -> None:
    with timeutil.frozen(MONDAY_10):
        first = lead.add_referral(referral_input())
        second = lead.add_referral(referral_input(name="Second (test)"))
        two = staff_id(lead, "duty2")
        other(lead).claim(first)
        lead.claim(second)
        assert [c.flags for c in lead.claims()] == [(), ()]
    with timeutil.frozen(MONDAY_10.add(minutes=61)):
        flags = {c.referral_id: c.flags for c in lead.claims()}
        assert flags == {first: (ClaimFlag.held_long,), second: (ClaimFlag.held_long,)}
    with timeutil.frozen(MONDAY_10.add(minutes=5)):
        lead.set_rota(MONDAY_10.date(), [staff_id(lead, "duty1")])
        lead.record_absence(two, MONDAY_10.date(), MONDAY_10.date(), "sickness")
        held = {c.referral_id: c for c in lead.claims()}
        assert held[first].flags == (ClaimFlag.absent, ClaimFlag.off_rota)
        assert held[first].login == "duty2" and held[first].holder == "Duty Two (test)"
        assert held[second].flags == ()


def test_a_flagged_claim_is_released_with_a_reason_and_a_version_check(
    lead: Repository,
) -> None:
    with timeutil.frozen(MONDAY_10):
        referral = lead.add_referral(referral_input())
        other(lead).claim(referral)
        with pytest.raises(Conflict, match="not flagged"):
            lead.release_claim(referral, "Gone home (test)")
        with pytest.raises(Conflict, match="your own claim"):
            other(lead).release_claim(referral, "mine (test)")
    with timeutil.frozen(MONDAY_10.add(hours=2)):
        stale_version = lead.referral(referral).version
        other(lead).claim(referral)  # released by its holder...
        other(lead).claim(referral)  # ...and claimed again: the version moved on
        with pytest.raises(Conflict, match="changed by duty2"):
            lead.release_claim(referral, "Gone home (test)", expected_version=stale_version)
    with timeutil.frozen(MONDAY_10.add(hours=4)):
        version = lead.referral(referral).version
        with pytest.raises(InputErrors, match="reason is required"):
            lead.release_claim(referral, "", expected_version=version)
        lead.release_claim(referral, "Gone home (test)", expected_version=version)
        view = lead.referral(referral)
        assert view.triage_by is None and view.status == "new"
        with pytest.raises(Conflict, match="Nobody is triaging"):
            lead.release_claim(referral, "again (test)")
    entry = lead.history("referral", referral)[-1]
    assert (entry.actor, entry.action) == ("duty1", "release claim")
    assert entry.before == {"triage_by": "duty2"}
    assert entry.after is not None and entry.after["reason"] == "Gone home (test)"
    assert entry.after["flags"] == "held long"


def test_the_handover_lists_what_the_next_duty_worker_must_know(lead: Repository) -> None:
    with timeutil.frozen(MONDAY_10):
        two = staff_id(lead, "duty2")
        overdue = lead.add_referral(referral_input(received_at="22/11/2026 08:00"))
        lead.add_referral(referral_input(name="Plenty (test)", received_at="23/11/2026 09:30"))
        accepted = lead.add_referral(referral_input(name="Accepted (test)"))
        client = lead.accept(accepted)
        booked = lead.add_referral(referral_input(name="Booked (test)"))
        booked_client = lead.accept(booked)
        start = pendulum.datetime(2026, 11, 23, 14, tz="Europe/London")
        lead.book(booked_client, start, 60, [two], "base")
        lead.record_absence(two, MONDAY_10.date(), MONDAY_10.date(), "leave")
        other(lead).claim(overdue)
        note = lead.add_note("Call back after 4 (test)", referral_id=overdue)
        lead.set_rota(MONDAY_10.date(), [staff_id(lead, "duty1")])
        data = lead.handover()
    assert data.closed is None and data.day == MONDAY_10.date()
    assert [(d.referral_id, d.state) for d in data.due] == [(overdue, "overdue")]
    assert [(c.referral_id, c.login) for c in data.claims] == [(overdue, "duty2")]
    assert set(data.claims[0].flags) == {ClaimFlag.absent, ClaimFlag.off_rota}
    assert [u.client_id for u in data.unbooked] == [client]
    assert [(m.client_id, m.absent) for m in data.absent_meetings] == [(booked_client, ("duty2",))]
    assert [n.id for n in data.open_notes] == [note]
    assert [s.login for s in data.on_duty] == ["duty1"] and data.rota_set


def test_the_handover_while_closed_lists_what_falls_due_before_reopening(
    lead: Repository,
) -> None:
    with timeutil.frozen(pendulum.datetime(2026, 11, 29, 10, tz="Europe/London")):  # Sunday
        early = lead.add_referral(referral_input(received_at="29/11/2026 07:00"))  # Mon 07:00
        later = lead.add_referral(
            referral_input(name="Later (test)", received_at="29/11/2026 09:00")
        )
        data = lead.handover()
    assert data.closed is not None
    assert data.closed.reopens == pendulum.datetime(2026, 11, 30, 8, tz="Europe/London")
    assert [(d.referral_id, d.state) for d in data.due] == [(early, "due while closed")]
    assert later not in [d.referral_id for d in data.due]
    assert not data.rota_set


def test_every_personal_field_of_the_handover_views_is_masked(lead: Repository) -> None:
    from duty_desk import handover_views, privacy
    from tests.core.test_view_privacy import unmarked, view_classes

    for cls in view_classes(handover_views):
        assert unmarked(cls) == [], cls.__name__
    with timeutil.frozen(MONDAY_10):
        referral = lead.add_referral(referral_input(received_at="22/11/2026 08:00"))
        other(lead).claim(referral)
        lead.add_note("Call back (test)", referral_id=referral)
        masked = privacy.MaskedRepository(lead).handover()
    assert [d.name for d in masked.due] == ["A.E."]
    assert [c.name for c in masked.claims] == ["A.E."]
    assert [n.name for n in masked.open_notes] == ["A.E."]
    assert masked.claims[0].holder == "Duty Two (test)"  # the team's own: shown
