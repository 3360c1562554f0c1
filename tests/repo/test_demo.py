"""The demo database: fictional people, a realistic week, caps respected, reusable."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pendulum
import pytest
from click.testing import CliRunner
from sqlmodel import select

from duty_desk import rules, timeutil
from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.db import Database, DatabaseError, demo_database_path, open_database
from duty_desk.demo import add_duty_worker, build_demo, demo_built_at, prepare_demo
from duty_desk.errors import DutyDeskError
from duty_desk.export import audit_record, referral_record
from duty_desk.identity import os_login
from duty_desk.models import (
    Absence,
    Client,
    CoreTeamMember,
    Meeting,
    MeetingStaff,
    Referral,
    Staff,
)
from duty_desk.nhs import nhs_number_problem
from duty_desk.repository import Repository
from duty_desk.views import ReferralView

# No settings or database from the machine running the tests (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("isolated_env")

ME = os_login()
MONDAY_10 = pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London")
NOWS = [
    MONDAY_10,
    pendulum.datetime(2026, 7, 16, 15, 30, tz="Europe/London"),  # a summer Thursday
    pendulum.datetime(2026, 11, 1, 23, 0, tz="Europe/London"),  # Sunday night, after the change
    pendulum.datetime(
        2026, 3, 30, 7, 45, tz="Europe/London"
    ),  # Monday before opening, after spring
]


def fresh_db(path: Path, config: Config | None = None) -> Database:
    return open_database(config or Config(), str(path), create=True)


def referrals(db: Database, config: Config) -> list[ReferralView]:
    repo = Repository(db, config)
    return [repo.referral(r.id) for r in repo.referrals_for_export()]


@pytest.fixture
def built(tmp_path: Path) -> Iterator[tuple[Database, Config]]:
    config = Config()
    db = fresh_db(tmp_path / "demo.db", config)
    build_demo(db, config, MONDAY_10)
    yield db, config
    db.dispose()


@pytest.mark.parametrize("now", NOWS, ids=lambda n: n.format("ddd-D-MMM-HHmm"))
def test_a_realistic_week(tmp_path: Path, now: pendulum.DateTime) -> None:
    config = Config()
    db = fresh_db(tmp_path / "demo.db", config)
    try:
        summary = build_demo(db, config, now)
        rows = referrals(db, config)
        repo = Repository(db, config)
        staff = repo.list_staff()

        # The current login is an active member of staff: the duty worker.
        assert summary.duty_login == ME
        assert ME in {s.login for s in staff}
        assert repo.acting_staff() is not None
        assert len(staff) >= 12
        assert {s.role for s in staff} == {"clinician", "peer_support", "team_lead"}
        assert any(not s.active for s in repo.list_staff(include_inactive=True))

        # Every status, and the summary agrees with the database.
        statuses = Counter(r.status for r in rows)
        assert set(statuses) == {"new", "triaging", "accepted", "redirected", "declined"}
        assert summary.by_status == dict(statuses) and summary.referrals == len(rows)
        assert 20 <= len(rows) <= 60

        # Open referrals: overdue, due soon, a deadline outside team hours, plenty of time.
        open_rows = [r for r in rows if r.is_open]
        states = Counter(rules.response_clock(r.respond_by, now, config).state for r in open_rows)
        for state in rules.ClockState:
            assert states[state] >= 1, (state, states)
        assert any(r.triage_by == ME for r in open_rows)
        assert len({r.triage_by for r in open_rows if r.triage_by}) >= 2

        # Some from routes or ages outside the client group.
        problems = [repo.eligibility(r) for r in open_rows]
        assert any("source" in p for ps in problems for p in ps)
        assert any("age" in p for ps in problems for p in ps)

        # Decisions carry reasons; the cap is never exceeded (per area, per week of receipt).
        for r in rows:
            if r.status in ("redirected", "declined"):
                assert r.decision_reason and r.decided_by and r.decided_at
            if r.status == "redirected":
                assert r.onward in config.onward
        taken = Counter(
            (r.area, timeutil.week_start_local(r.received_at, config.team.timezone).date())
            for r in rows
            if r.status == "accepted"
        )
        assert taken
        for (area, _week), count in taken.items():
            assert count <= config.areas[area].weekly_cap
        assert any(r.decision_reason and "No POD places left" in r.decision_reason for r in rows)
        assert any(r.eligibility_override for r in rows if r.status == "accepted")

        # Network members on several.
        assert sum(1 for r in rows if r.network) >= 4

        # Nothing in the future.
        for r in rows:
            assert r.received_at <= now
            assert r.decided_at is None or r.decided_at <= now
            assert r.triage_since is None or r.triage_since <= now
        check_meetings(db, config, now)
        entries = list(repo.audit_for_export())
        assert all(e.at <= now for e in entries)
        assert len({e.actor for e in entries}) >= 5
        assert [e.id for e in entries] == sorted(e.id for e in entries)
        assert [e.at for e in entries] == sorted(e.at for e in entries)
    finally:
        db.dispose()


# -- episodes of care: core teams, meetings, absences -------------------------------------------


@dataclass(frozen=True)
class Seen:
    """The demo's care data, read straight from the tables."""

    staff: dict[int, Staff]
    clients: list[Client]
    referrals: dict[int, Referral]
    core: dict[int, list[int]]  # client -> staff ids
    meetings: list[Meeting]
    expected: dict[int, dict[int, bool | None]]  # meeting -> staff id -> attended
    absences: list[Absence]


def seen(db: Database) -> Seen:
    with db.session() as s:
        core: dict[int, list[int]] = {}
        for member in s.exec(select(CoreTeamMember)):
            core.setdefault(member.client_id, []).append(member.staff_id)
        expected: dict[int, dict[int, bool | None]] = {}
        for row in s.exec(select(MeetingStaff)):
            expected.setdefault(row.meeting_id, {})[row.staff_id] = row.attended
        return Seen(
            staff={r.id: r for r in s.exec(select(Staff))},  # type: ignore[misc]
            clients=list(s.exec(select(Client))),
            referrals={r.id: r for r in s.exec(select(Referral))},  # type: ignore[misc]
            core=core,
            meetings=list(s.exec(select(Meeting).order_by(Meeting.starts_at))),
            expected=expected,
            absences=list(s.exec(select(Absence))),
        )


def check_meetings(db: Database, config: Config, now: pendulum.DateTime) -> Seen:
    """What holds for the demo's meetings whatever the time it is built."""
    data = seen(db)
    team = config.team
    for m in data.meetings:
        start, end = timeutil.as_utc(m.starts_at), timeutil.as_utc(m.ends_at)
        local_start, local_end = (timeutil.to_local(t, team.timezone) for t in (start, end))
        # Within team hours on a working day, booked before it starts, by then.
        assert timeutil.within_team_hours(start, team), m
        assert local_end.date() == local_start.date() and local_end.time() <= team.closes
        assert timeutil.as_utc(m.created_at) < start and timeutil.as_utc(m.created_at) <= now
        attended = data.expected[m.id]  # type: ignore[index]
        assert attended, "every meeting expects staff"
        if m.status == "happened":
            assert end <= now and None not in attended.values() and any(attended.values())
        else:
            assert set(attended.values()) == {None}
        if m.status == "did_not_attend":
            assert start <= now
        if m.status == "cancelled":
            assert m.cancelled_by in ("client", "team") and m.cancel_reason
        if m.status == "booked":
            assert end > now - dt.timedelta(minutes=1) or start > now, "nothing left unrecorded"
    # Nobody is in two meetings at once (booked or happened).
    busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    for m in data.meetings:
        if m.status in ("booked", "happened"):
            for staff_id in data.expected[m.id]:  # type: ignore[index]
                busy.setdefault(staff_id, []).append((m.starts_at, m.ends_at))
    for times in busy.values():
        times.sort()
        for (_s1, e1), (s2, _e2) in zip(times, times[1:], strict=False):
            assert s2 >= e1
    # Core teams of two or three, the key worker one of them.
    for client in data.clients:
        if client.id in data.core:
            assert 2 <= len(data.core[client.id]) <= 3
            assert client.key_worker_id is None or client.key_worker_id in data.core[client.id]
    return data


def test_episodes_of_care_around_now(built: tuple[Database, Config]) -> None:
    db, config = built
    now = MONDAY_10
    data = check_meetings(db, config, now)
    tz = config.team.timezone
    today = now.date()
    opened = [c for c in data.clients if c.status == "open"]
    assert 20 <= len(opened) <= 30
    assert all(c.id in data.core for c in opened)

    def role(staff_id: int) -> str:
        return data.staff[staff_id].role

    # One without a key worker, one whose key worker has left, one with no peer support.
    assert sum(c.key_worker_id is None for c in opened) == 1
    assert sum(1 for c in opened if c.key_worker_id and not data.staff[c.key_worker_id].active) == 1
    assert any(all(role(s) != "peer_support" for s in data.core[c.id]) for c in opened)
    roles = Counter(s.role for s in data.staff.values())
    assert roles["peer_support"] >= 3 and roles["team_lead"] >= 1
    # Capacities vary, and one person holds more episodes than their capacity.
    load = Counter(s for c in opened for s in data.core[c.id])
    assert len({s.capacity for s in data.staff.values()}) >= 3
    assert any(load[s.id] > s.capacity for s in data.staff.values() if s.active)

    # Continuity varies: key worker at every meeting for some, breaks for others.
    by_client: dict[int, list[Meeting]] = {}
    for m in data.meetings:
        by_client.setdefault(m.client_id, []).append(m)
    happened = {
        c.id: [m for m in by_client.get(c.id, []) if m.status == "happened"] for c in opened
    }
    shares = []
    for c in opened:
        held = happened[c.id]
        if len(held) >= 2 and c.key_worker_id:
            shares.append(
                sum(bool(data.expected[m.id].get(c.key_worker_id)) for m in held) / len(held)
            )
    assert max(shares) == 1.0 and min(shares) < 0.7
    assert any(len(held) == 1 for held in happened.values()), "one with <2 meetings"
    no_core = [
        m
        for m in data.meetings
        if m.status == "happened"
        and not any(att and s in data.core[m.client_id] for s, att in data.expected[m.id].items())
    ]
    assert no_core, "a meeting held with no core-team member"
    not_seen = dt.timedelta(days=config.continuity.not_seen_days)
    assert any(
        held and now - max(m.starts_at for m in held) > not_seen for held in happened.values()
    )

    # Today: one happened, one did not attend, one cancelled with a reason, some booked,
    # spread over team hours with free gaps; more booked in the days ahead.
    todays = [m for m in data.meetings if timeutil.to_local(m.starts_at, tz).date() == today]
    statuses = Counter(m.status for m in todays)
    assert statuses["happened"] >= 1 and statuses["did_not_attend"] >= 1
    assert statuses["cancelled"] >= 1 and statuses["booked"] >= 3
    hours = {timeutil.to_local(m.starts_at, tz).hour for m in todays}
    assert max(hours) - min(hours) >= 6
    assert len(set(range(config.team.opens.hour, config.team.closes.hour)) - hours) >= 4
    assert (
        sum(
            m.status == "booked" and m.starts_at > now + dt.timedelta(days=1) for m in data.meetings
        )
        >= 10
    )

    # An absence today, with a booked meeting still expecting that person.
    current = [a for a in data.absences if a.starts_on <= today <= a.ends_on]
    assert current
    absent = {a.staff_id for a in current}
    assert any(m.status == "booked" and absent & set(data.expected[m.id]) for m in data.meetings)
    assert {a.kind for a in data.absences} >= {"sickness", "leave"}

    # A discharged episode: ended last week, nothing booked after.
    gone = [c for c in data.clients if c.status == "discharged"]
    assert len(gone) == 1
    assert gone[0].discharged_at <= now and gone[0].discharge_kind == "primary_care"
    assert gone[0].discharge_reason and gone[0].discharged_by_id
    assert all(m.status != "booked" for m in by_client.get(gone[0].id, []))

    # Accepted, no first meeting yet: one within its 24-hour deadline, one past it.
    unbooked = [data.referrals[c.referral_id] for c in opened if not by_client.get(c.id)]
    assert any(r.respond_by > now for r in unbooked)
    assert any(r.respond_by <= now for r in unbooked)

    # Every change is in the audit log, in time order.
    repo = Repository(db, config)
    actions = Counter(e.action for e in repo.audit_for_export())
    assert actions["book meeting"] == len(data.meetings)
    # (one meeting recorded as happened was changed to did not attend, with its reason)
    assert actions["change outcome"] == 1
    assert actions["record happened"] == 1 + sum(m.status == "happened" for m in data.meetings)
    assert actions["core team"] == len(data.core)
    assert actions["discharge"] == 1 and actions["record absence"] == len(data.absences)
    history = repo.history("client", gone[0].id)
    assert [e.action for e in history] == ["open episode", "core team", "discharge"]


def test_everyone_is_obviously_fictional(built: tuple[Database, Config]) -> None:
    db, config = built
    rows = referrals(db, config)
    for r in rows:
        assert r.name.endswith("(demo)")
        assert r.reason.endswith("(demo)")
        if r.nhs_number is not None:
            assert r.nhs_number.startswith("999") and nhs_number_problem(r.nhs_number) is None
        assert r.phone.startswith(("01632 960", "07700 900"))
        for member in r.network:
            assert member.name.endswith("(demo)")
            assert member.phone.startswith("07700 900")
    assert len({r.name for r in rows}) == len(rows)
    numbers = [r.nhs_number for r in rows if r.nhs_number]
    assert len(numbers) == len(set(numbers))
    assert any(r.nhs_number is None for r in rows)
    for person in Repository(db, config).list_staff(include_inactive=True):
        assert "demo" in person.name or person.login == ME
    data = seen(db)
    for m in data.meetings:
        if m.place_kind == "home":
            assert m.place_detail.endswith("(demo)")
        assert m.cancel_reason is None or m.cancel_reason.endswith("(demo)")


def test_deterministic_for_a_given_now(tmp_path: Path) -> None:
    config = Config()
    dumps = []
    for name in ("a.db", "b.db"):
        db = fresh_db(tmp_path / name, config)
        try:
            build_demo(db, config, MONDAY_10)
            repo = Repository(db, config)
            tz = config.team.timezone
            dumps.append(
                json.dumps(
                    [
                        [referral_record(r, tz) for r in repo.referrals_for_export()],
                        [audit_record(e, tz) for e in repo.audit_for_export()],
                    ]
                )
            )
        finally:
            db.dispose()
    assert dumps[0] == dumps[1]


def test_a_smaller_cap_is_still_respected(tmp_path: Path) -> None:
    base = Config()
    areas = {k: a.model_copy(update={"weekly_cap": 2}) for k, a in base.areas.items()}
    config = base.model_copy(update={"areas": areas})
    db = fresh_db(tmp_path / "demo.db", config)
    try:
        build_demo(db, config, MONDAY_10)
        rows = referrals(db, config)
    finally:
        db.dispose()
    taken = Counter(
        (r.area, timeutil.week_start_local(r.received_at, config.team.timezone).date())
        for r in rows
        if r.status == "accepted"
    )
    assert max(taken.values()) <= 2


def test_build_demo_refuses_a_database_with_data(built: tuple[Database, Config]) -> None:
    db, config = built
    with pytest.raises(DutyDeskError, match="already holds"):
        build_demo(db, config, MONDAY_10)


def test_the_duty_worker_is_added_by_the_team_lead(tmp_path: Path) -> None:
    config = Config()
    db = fresh_db(tmp_path / "x.db", config)
    try:
        Repository(db, config, actor="demo-lead").add_staff(
            "demo-lead", "Morgan Placeholder (demo)", "team_lead", bootstrap=True
        )
        assert add_duty_worker(db, config) is True
        assert add_duty_worker(db, config) is False
        entry = list(Repository(db, config).audit_for_export())[-1]
        assert (entry.actor, entry.action, entry.after["login"]) == ("demo-lead", "add staff", ME)
    finally:
        db.dispose()


# -- duty-desk demo: build once, then reuse -----------------------------------------------------


def _count(path: Path) -> tuple[int, int, int]:
    with closing(sqlite3.connect(path)) as conn, conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
            for t in ("referral", "staff", "audit_log")
        )


def test_prepare_demo_builds_then_reuses_the_default_file(tmp_path: Path) -> None:
    config = Config()
    path = demo_database_path()
    assert str(path).startswith(str(tmp_path))
    first = prepare_demo(config, None, now=MONDAY_10)
    first.db.dispose()
    assert first.built and path.exists()
    counts = _count(path)
    assert counts[0] > 0

    second = prepare_demo(config, None, now=MONDAY_10.add(days=2))
    try:
        assert not second.built
        assert second.built_at == MONDAY_10
    finally:
        second.db.dispose()
    assert _count(path) == counts

    third = prepare_demo(config, None, fresh=True, now=MONDAY_10.add(days=2))
    try:
        assert third.built and demo_built_at(third.db) == MONDAY_10.add(days=2)
    finally:
        third.db.dispose()
    assert _count(path)[0] == counts[0]
    assert sorted(p.name for p in path.parent.iterdir()) == ["demo.db"]


def test_prepare_demo_never_fills_or_removes_a_real_database(tmp_path: Path) -> None:
    config = Config()
    real = tmp_path / "team.db"
    db = fresh_db(real, config)
    Repository(db, config, actor="duty1").add_staff(
        "duty1", "Duty One (test)", "clinician", bootstrap=True
    )
    db.dispose()
    before = real.read_bytes()
    for fresh in (False, True):
        with pytest.raises(DatabaseError, match="not a demo one"):
            prepare_demo(config, str(real), fresh=fresh, now=MONDAY_10)
    assert real.read_bytes() == before


def test_prepare_demo_with_an_explicit_new_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "my-demo.db"
    outcome = prepare_demo(Config(), str(target), now=MONDAY_10)
    outcome.db.dispose()
    assert outcome.built and target.exists()
    assert not demo_database_path().exists()


def test_demo_command_builds_then_reuses(tmp_path: Path) -> None:
    runner = CliRunner()
    with timeutil.frozen(MONDAY_10):
        first = runner.invoke(cli, ["demo", "--no-open"])
        assert first.exit_code == 0, first.stderr
        assert first.output.startswith(f"Built a demo database at {demo_database_path()}:")
        counts = _count(demo_database_path())
        second = runner.invoke(cli, ["demo", "--no-open"])
        assert second.exit_code == 0, second.stderr
        assert second.output.startswith(f"Using the demo database at {demo_database_path()}")
        assert _count(demo_database_path()) == counts
        staff = runner.invoke(cli, ["--db", str(demo_database_path()), "staff", "list"])
        assert f"{ME}\tYou ({ME}), duty worker\tclinician" in staff.output.splitlines()


def test_demo_command_refuses_a_real_database(tmp_path: Path) -> None:
    real = tmp_path / "team.db"
    CliRunner().invoke(cli, ["--db", str(real), "init"])
    result = CliRunner().invoke(cli, ["--db", str(real), "demo", "--fresh", "--no-open"])
    assert result.exit_code == 1
    assert "not a demo one" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_board_and_day_view_have_something_to_show(built: tuple[Database, Config]) -> None:
    db, config = built
    repo = Repository(db, config)
    with timeutil.frozen(MONDAY_10):
        board = repo.board()
        day = repo.day(MONDAY_10.date())
    problems = " ".join(p for e in board.episodes for p in e.problems)
    for text in ("No key worker", "has left the team", "No peer support worker"):
        assert text in problems
    figures = [e.continuity for e in board.episodes]
    assert any(not f.enough for f in figures) and any(f.meetings == 1 for f in figures)
    enough = [f for f in figures if f.enough]
    assert len(enough) >= 12
    assert max(f.with_key_worker or 0 for f in enough) == 1.0
    assert min(f.with_key_worker or 0 for f in enough) < 0.7
    kinds = {b.kind for b in board.breaks}
    assert kinds >= {
        "no_core_at_meeting",
        "core_member_absent",
        "not_seen",
        "key_worker_left",
        "no_key_worker",
    }
    assert any(load.core_count > load.staff.capacity for load in board.staff)
    assert any(load.absences for load in board.staff)

    statuses = Counter(m.status for m in day.meetings)
    assert statuses["happened"] and statuses["did_not_attend"] and statuses["cancelled"]
    assert statuses["booked"] >= 3 and day.absences
    assert any(u.respond_by > MONDAY_10 for u in day.unbooked)


# -- issue 12 (network): consent, taking part and removal -------------------------------------------
def test_the_demo_network_has_consent_yes_no_and_not_asked_one_removed_one_not_taking_part(
    built: tuple[Database, Config],
) -> None:
    from duty_desk.repository import Repository
    from duty_desk.vocabulary import Consent

    db, config = built
    repo = Repository(db, config, actor="demo-lead")
    members = [
        member
        for referral in repo.referrals_for_export()
        for member in repo.network_members(referral.id)
    ]
    consents = Counter(m.consent for m in members if not m.removed)
    assert consents[Consent.yes] >= 2 and consents[Consent.no] >= 1
    assert consents[Consent.not_asked] >= 4, "most stay as triage left them"
    assert all(m.consent_at and m.consent_by for m in members if m.consent != Consent.not_asked)
    [removed] = [m for m in members if m.removed]
    assert removed.removed_reason and removed.removed_by and removed.name.endswith("(demo)")
    assert any(not m.takes_part and not m.removed for m in members)
    history = repo.history("network_member", removed.id)
    assert [e.action for e in history] == ["remove network member"]


def test_the_demo_has_a_meeting_record(built: tuple[Database, Config]) -> None:
    """Issue 12 (meeting): notes on past meetings, one added to later by someone else, a
    recorded outcome changed with its reason, and every did-not-attend with a follow-up."""
    db, config = built
    repo = Repository(db, config)
    details = [
        d
        for client in {m.client_id for m in _all_meetings(repo)}
        for d in repo.meeting_details(client)
    ]
    notes = [n for d in details for n in d.notes]
    assert len(notes) >= 5 and all(n.text.endswith("(demo)") for n in notes)
    added = [d for d in details if len({n.created_by for n in d.notes}) > 1]
    assert added, "a note added to later by someone else"
    [changed] = [d for d in details if d.outcomes]
    assert changed.outcomes[0].to_status == "did_not_attend" and changed.outcomes[0].reason
    missed = [m for m in _all_meetings(repo) if m.status == "did_not_attend"]
    follow = {d.meeting_id: d.follow_up for d in details}
    assert missed and all(follow.get(m.id) for m in missed)


def _all_meetings(repo: Repository) -> list[Any]:
    return [m for c in repo.clients_for_export() for m in repo.meetings_for_client(c.client_id)]
