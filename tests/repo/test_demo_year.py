"""The demo's year behind the week (issue 14, fft: "demo data spans a year so every chart
has a shape"): what ``duty-desk demo`` builds, read straight from the tables."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest
from sqlmodel import select

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import Database, open_database
from duty_desk.demo import DEMO_HISTORY_WEEKS, build_demo, prepare_demo
from duty_desk.models import (
    Admission,
    Client,
    DialogRating,
    Meeting,
    MeetingNetwork,
    MeetingStaff,
    Referral,
    SatisfactionAnswer,
    Staff,
)
from duty_desk.repository import Repository
from tests.repo.test_demo import check_meetings

pytestmark = pytest.mark.usefixtures("isolated_env")

NOW = pendulum.datetime(2026, 12, 2, 10, 0, tz="Europe/London")  # a Wednesday


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Config]]:
    config = Config()
    path = tmp_path_factory.mktemp("year") / "demo.db"
    db = open_database(config, str(path), create=True)
    build_demo(db, config, NOW, history_weeks=DEMO_HISTORY_WEEKS)
    yield db, config
    db.dispose()


def test_referrals_every_week_of_the_year_with_every_decision(
    year: tuple[Database, Config],
) -> None:
    db, config = year
    tz = config.team.timezone
    with db.session() as session:
        referrals = list(session.exec(select(Referral)))
    weeks = Counter(
        timeutil.week_start_local(timeutil.as_utc(r.received_at), tz).date() for r in referrals
    )
    monday = timeutil.week_start_local(NOW, tz).date()
    expected = {monday - dt.timedelta(weeks=n) for n in range(DEMO_HISTORY_WEEKS + 1)}
    assert expected <= set(weeks), "a referral every week of the 52 and this one"
    assert len(set(weeks.values())) >= 4, "some weeks busier than others"
    assert min(timeutil.as_utc(r.received_at) for r in referrals) >= NOW.subtract(weeks=53)
    statuses = Counter(r.status for r in referrals)
    assert statuses["accepted"] >= 100 and statuses["redirected"] >= 40
    assert statuses["declined"] >= 15
    decided = [r for r in referrals if r.status in ("redirected", "declined")]
    assert all(r.decision_reason and r.decided_by_id and r.decided_at for r in decided)
    assert len({r.onward for r in referrals if r.status == "redirected"}) >= 2
    assert len({r.source for r in referrals}) >= 3 and len({r.area for r in referrals}) >= 2
    assert sum(1 for r in referrals if r.order_reason) >= 3, "some accepted out of order"
    local = [timeutil.to_local(timeutil.as_utc(r.received_at), tz) for r in referrals]
    assert any(t.weekday() == 4 and t.hour >= 18 for t in local), "a Friday evening"
    changes = [t for t in local if t.weekday() == 6 and t.hour < 4 and t.month in (3, 10)]
    assert changes, "in the night the clocks change"
    # the weekly places are kept, per area and week of receipt
    taken = Counter(
        (r.area, timeutil.week_start_local(timeutil.as_utc(r.received_at), tz).date())
        for r in referrals
        if r.status == "accepted"
    )
    assert all(n <= config.areas[area].weekly_cap for (area, _), n in taken.items())


def test_episodes_meetings_and_endings_over_the_year(year: tuple[Database, Config]) -> None:
    db, config = year
    data = check_meetings(db, config, NOW)  # team hours, nobody double-booked, outcomes
    with db.session() as session:
        clients = list(session.exec(select(Client)))
        referrals = {r.id: r for r in session.exec(select(Referral))}
        staff = {s.id: s for s in session.exec(select(Staff))}
        attended = list(session.exec(select(MeetingStaff)))
        network = list(session.exec(select(MeetingNetwork)))
        meetings = list(session.exec(select(Meeting)))
    gone = [c for c in clients if c.status == "discharged"]
    assert len(gone) >= 80
    assert {c.discharge_kind for c in gone} == {"primary_care", "other"}
    assert all(c.discharge_reason and c.discharged_by_id for c in gone)
    assert 20 <= sum(c.status == "open" for c in clients) <= 30, "the board as before"
    # First meetings that happened: most within 24 hours, the misses with a reason.
    first: dict[int, Meeting] = {}
    for m in sorted(meetings, key=lambda m: m.starts_at):
        if m.status == "happened":
            first.setdefault(m.client_id, m)
    within = late = 0
    for client in gone:
        found = first.get(client.id)
        if found is None:
            continue
        received = timeutil.as_utc(referrals[client.referral_id].received_at)
        if timeutil.as_utc(found.starts_at) - received <= dt.timedelta(hours=24):
            within += 1
        else:
            late += 1
    assert within > late > 0
    assert sum(1 for m in meetings if m.late_reason) >= 5
    # Network members and peer support workers at some meetings, not all.
    happened = {m.id for m in meetings if m.status == "happened"}
    with_network = {n.meeting_id for n in network if n.attended}
    with_peer = {
        a.meeting_id for a in attended if a.attended and staff[a.staff_id].role == "peer_support"
    }
    assert 0.2 < len(with_network & happened) / len(happened) < 0.8
    assert 0.3 < len(with_peer & happened) / len(happened) < 0.95
    assert Counter(m.status for m in meetings)["cancelled"] >= 10
    assert len(data.meetings) == len(meetings)


def test_admissions_dialog_and_friends_and_family_over_the_year(
    year: tuple[Database, Config],
) -> None:
    db, config = year
    with db.session() as session:
        admissions = list(session.exec(select(Admission)))
        ratings = list(session.exec(select(DialogRating)))
        answers = list(session.exec(select(SatisfactionAnswer)))
    assert {a.legal_status for a in admissions} == {"informal", "detained"}
    assert all(a.discharged_on is None or a.discharged_on > a.admitted_on for a in admissions)
    rated = Counter(r.client_id for r in ratings)
    assert sum(1 for n in rated.values() if n >= 2) >= 20, "paired DIALOG ratings"
    months = {(r.rated_on.year, r.rated_on.month) for r in ratings}
    assert len(months) >= 10, "DIALOG ratings spread over the year"
    kinds = Counter(a.answer for a in answers)
    assert len(answers) >= 60
    assert (kinds["very_good"] + kinds["good"]) / len(answers) > 0.6, "mostly positive"
    assert kinds["dont_know"] >= 1 and kinds["poor"] + kinds["very_poor"] >= 1
    assert sum(1 for a in answers if a.comment) >= 15
    assert all(a.comment is None or a.comment.endswith("(demo)") for a in answers)
    assert any(a.at_discharge for a in answers) and any(not a.at_discharge for a in answers)
    repo = Repository(db, config)
    one = answers[0]
    assert repo.fft_answers(one.client_id)[0].id == one.id
    history = repo.client_record(one.client_id).history
    assert "record FFT answer" in [e.action for e in history]


def test_the_audit_log_reads_in_time_order(year: tuple[Database, Config]) -> None:
    db, config = year
    entries = list(Repository(db, config).audit_for_export())
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert all(e.at <= NOW for e in entries)
    actions = Counter(e.action for e in entries)
    with db.session() as session:
        meetings = len(list(session.exec(select(Meeting.id))))
    assert actions["book meeting"] == meetings
    assert actions["record FFT answer"] >= 60 and actions["rate DIALOG"] >= 100


def test_deterministic_and_the_week_in_front_unchanged(tmp_path: Path) -> None:
    """The same year for the same now; the week in front is as it is without the year
    (the same people, decisions and meetings), so its own tests hold for it."""
    config = Config()

    def build(name: str, weeks: int) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        db = open_database(config, str(tmp_path / name), create=True)
        try:
            build_demo(db, config, NOW, history_weeks=weeks)
            with db.session() as session:
                refs = [
                    (r.name, r.status, r.received_at, r.decided_at)
                    for r in session.exec(select(Referral).order_by(Referral.received_at))
                ]
                meets = [
                    (m.starts_at, m.status)
                    for m in session.exec(select(Meeting).order_by(Meeting.starts_at))
                ]
            return refs, meets
        finally:
            db.dispose()

    first, again = build("a.db", 20), build("b.db", 20)
    assert first == again
    week, _ = build("c.db", 0)
    assert set(week) <= set(first[0]), "every referral of the week, as it was"


def test_duty_desk_demo_builds_the_year(tmp_path: Path) -> None:
    config = Config()
    outcome = prepare_demo(config, str(tmp_path / "demo.db"), now=NOW)
    try:
        assert outcome.built and outcome.summary is not None
        assert outcome.summary.referrals >= 300
    finally:
        outcome.db.dispose()
