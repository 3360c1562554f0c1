"""The crisis plan and risk summary (issue 12, safety) on a real SQLite file: writing,
changing, versions and stale saves (who changed what), every change audited with before and
after, earlier versions from the history, bad input refused with nothing written, and the
board's breaks (overdue review, no plan) read in one query."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest
from sqlalchemy import event
from sqlmodel import select

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import CRISIS_PLANS_SINCE, Database
from duty_desk.errors import Conflict, InputErrors, NotFound, NotPermitted
from duty_desk.models import AuditLog, CrisisPlan, Meta, RiskSummary
from duty_desk.repository import Repository
from duty_desk.vocabulary import BreakKind
from screens.board_render import break_text
from tests.repo.test_repo_board import accept, days_ago, set_accepted

TODAY = dt.date(2026, 11, 23)  # conftest's frozen_now, a Monday
PLAN = {
    "early_signs": "Sleeping less; stops answering the phone (test)",
    "what_helps": "A walk with [bold]her sister[/bold] (test)",
    "what_to_avoid": "Raised voices (test)",
    "contact_in_hours": "Key worker via the team base (test)",
    "contact_out_of_hours": "CRHT duty line (example): 01632 960999",
}
PLAN_KINDS = (
    BreakKind.crisis_plan_missing,
    BreakKind.crisis_plan_overdue,
    BreakKind.risk_review_overdue,
)


def audit(db: Database, entity: str) -> list[AuditLog]:
    with db.session() as session:
        return list(
            session.exec(
                select(AuditLog).where(AuditLog.entity == entity).order_by(AuditLog.id)  # type: ignore[arg-type]
            ).all()
        )


def count(db: Database, table: type[CrisisPlan] | type[RiskSummary]) -> int:
    with db.session() as session:
        return len(session.exec(select(table)).all())


@pytest.fixture
def client(repo: Repository, frozen_now: pendulum.DateTime) -> int:
    return accept(repo, "Plan Person (test)")


def plans_kept_since(db: Database, when: dt.datetime) -> None:
    """Test setup: the database began to hold crisis plans at ``when``
    (``duty_desk.db.CRISIS_PLANS_SINCE``; a test database was created at the real time)."""
    with db.session(write=True) as session:
        row = session.get(Meta, CRISIS_PLANS_SINCE)
        assert row is not None
        row.value = when.isoformat()
        session.add(row)


def review_breaks(repo: Repository) -> list[tuple[str, str, int | None]]:
    return [(b.kind, b.client_name, b.days) for b in repo.board().breaks if b.kind in PLAN_KINDS]


# -- writing and changing ----------------------------------------------------------------------


def test_write_a_plan_then_change_it(repo: Repository, db: Database, client: int) -> None:
    assert repo.crisis_plan(client) is None
    review = TODAY + dt.timedelta(weeks=6)
    plan = repo.save_crisis_plan(client, PLAN, review, expected_version=None)
    assert plan.version == 1 and plan.review_on == review
    assert plan.what_helps == PLAN["what_helps"]  # markup kept as typed, shown literally
    assert (plan.created_by, plan.updated_by) == ("duty1", "duty1")
    [written] = audit(db, "crisis_plan")
    assert written.action == "write crisis plan" and written.before is None
    assert json.loads(written.after or "")["early_signs"] == PLAN["early_signs"]

    changed = repo.save_crisis_plan(
        client, {**PLAN, "what_to_avoid": "Crowds (test)"}, review, expected_version=1
    )
    assert changed.version == 2 and changed.what_to_avoid == "Crowds (test)"
    last = audit(db, "crisis_plan")[-1]
    assert last.action == "change crisis plan"
    assert json.loads(last.before or "") == {"what_to_avoid": "Raised voices (test)"}
    assert json.loads(last.after or "") == {"what_to_avoid": "Crowds (test)"}
    assert repo.crisis_plan(client) == changed


def test_saving_nothing_new_writes_nothing(repo: Repository, db: Database, client: int) -> None:
    review = TODAY + dt.timedelta(days=10)
    repo.save_crisis_plan(client, PLAN, review, expected_version=None)
    same = repo.save_crisis_plan(client, {**PLAN}, review, expected_version=1)
    assert same.version == 1 and len(audit(db, "crisis_plan")) == 1


def test_earlier_versions_are_read_from_the_history(repo: Repository, client: int) -> None:
    first = TODAY + dt.timedelta(days=10)
    repo.save_crisis_plan(client, PLAN, first, expected_version=None)
    repo.save_crisis_plan(client, {**PLAN, "what_helps": "Music (test)"}, first, expected_version=1)
    later = TODAY + dt.timedelta(days=40)
    repo.save_crisis_plan(client, {**PLAN, "what_helps": "Music (test)"}, later, expected_version=2)
    versions = repo.crisis_plan_history(client)
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[0].values["what_helps"] == PLAN["what_helps"]
    assert (
        versions[1].changed == ("what_helps",)
        and versions[1].values["what_helps"] == "Music (test)"
    )
    assert versions[1].values["review_on"] == first.isoformat()
    assert (
        versions[2].changed == ("review_on",)
        and versions[2].values["review_on"] == later.isoformat()
    )
    assert all(v.by == "duty1" for v in versions)


def test_a_stale_save_is_refused_naming_who_changed_what(
    repo: Repository, repo_as: Callable[[str], Repository], db: Database, client: int
) -> None:
    review = TODAY + dt.timedelta(days=10)
    repo.save_crisis_plan(client, PLAN, review, expected_version=None)
    other = repo_as("peer1")
    repo.add_staff("peer1", "Peer Worker One (test)", "peer_support")
    other.save_crisis_plan(
        client, {**PLAN, "early_signs": "Pacing at night (test)"}, review, expected_version=1
    )
    with pytest.raises(Conflict) as refused:
        repo.save_crisis_plan(
            client, {**PLAN, "what_helps": "Tea (test)"}, review, expected_version=1
        )
    message = str(refused.value)
    assert "peer1" in message and "early signs" in message and "Nothing was saved" in message
    assert "Pacing" not in message  # free text is named, not repeated
    plan = repo.crisis_plan(client)
    assert plan is not None and plan.what_helps == PLAN["what_helps"] and plan.version == 2


def test_two_people_writing_the_first_plan_at_once(
    repo: Repository, repo_as: Callable[[str], Repository], client: int
) -> None:
    """Both opened the record with no plan; the second save is refused, not merged."""
    review = TODAY + dt.timedelta(days=10)
    repo.add_staff("peer1", "Peer Worker One (test)", "peer_support")
    repo_as("peer1").save_crisis_plan(client, PLAN, review, expected_version=None)
    with pytest.raises(Conflict, match="peer1"):
        repo.save_crisis_plan(client, {"early_signs": "Mine (test)"}, review, expected_version=None)


def test_bad_plans_are_refused_with_nothing_written(
    repo: Repository, db: Database, client: int
) -> None:
    review = TODAY + dt.timedelta(days=10)
    cases: list[tuple[dict[str, str], dt.date | None, str]] = [
        ({name: "  " for name in PLAN}, review, "early_signs"),
        ({**PLAN, "what_helps": "x" * 2001}, review, "what_helps"),
        ({**PLAN, "what_to_avoid": "bad \x1b[31m escape"}, review, "what_to_avoid"),
        (PLAN, TODAY - dt.timedelta(days=1), "review_on"),
        (PLAN, None, "review_on"),
        (PLAN, TODAY + dt.timedelta(days=400), "review_on"),
        (PLAN, dt.date(2300, 1, 1), "review_on"),
    ]
    for fields, when, field in cases:
        with pytest.raises(InputErrors) as refused:
            repo.save_crisis_plan(client, fields, when, expected_version=None)
        assert field in refused.value.errors, (field, refused.value.errors)
    assert count(db, CrisisPlan) == 0 and audit(db, "crisis_plan") == []


def test_review_today_is_taken(repo: Repository, client: int) -> None:
    assert repo.save_crisis_plan(client, PLAN, TODAY, expected_version=None).review_on == TODAY


def test_only_staff_write_and_only_on_an_open_episode(
    repo: Repository, repo_as: Callable[[str], Repository], client: int
) -> None:
    review = TODAY + dt.timedelta(days=10)
    with pytest.raises(NotPermitted):
        repo_as("stranger").save_crisis_plan(client, PLAN, review, expected_version=None)
    with pytest.raises(NotFound):
        repo.save_crisis_plan(9999, PLAN, review, expected_version=None)
    repo.discharge(client, "primary_care", TODAY, "Back to the GP (test)")
    with pytest.raises(Conflict, match="closed"):
        repo.save_risk_summary(client, "Low (test)", review, expected_version=None)


# -- the risk summary ---------------------------------------------------------------------------


def test_risk_summary_versions_audit_and_stale(
    repo: Repository, repo_as: Callable[[str], Repository], db: Database, client: int
) -> None:
    review = TODAY + dt.timedelta(weeks=6)
    with pytest.raises(InputErrors) as empty:
        repo.save_risk_summary(client, "   ", review, expected_version=None)
    assert set(empty.value.errors) == {"summary"}
    first = repo.save_risk_summary(
        client, "Low risk to others (test)", review, expected_version=None
    )
    assert first.version == 1 and repo.risk_summary(client) == first
    repo.add_staff("clin2", "Clinician Two (test)", "clinician")
    repo_as("clin2").save_risk_summary(
        client, "Raised after A&E (test)", review, expected_version=1
    )
    with pytest.raises(Conflict, match="clin2"):
        repo.save_risk_summary(client, "Mine (test)", review, expected_version=1)
    versions = repo.risk_summary_history(client)
    assert [(v.number, v.by, v.values["summary"]) for v in versions] == [
        (1, "duty1", "Low risk to others (test)"),
        (2, "clin2", "Raised after A&E (test)"),
    ]
    assert [a.action for a in audit(db, "risk_summary")] == [
        "write risk summary",
        "change risk summary",
    ]


# -- the board's breaks ---------------------------------------------------------------------------


def test_overdue_reviews_are_breaks_on_the_board(
    repo: Repository, db: Database, client: int, frozen_now: pendulum.DateTime
) -> None:
    repo.save_crisis_plan(client, PLAN, TODAY + dt.timedelta(days=2), expected_version=None)
    repo.save_risk_summary(client, "Low (test)", TODAY, expected_version=None)
    assert review_breaks(repo) == []  # due today is not overdue
    with timeutil.frozen(frozen_now.add(days=5)):
        found = review_breaks(repo)
        assert found == [
            (BreakKind.crisis_plan_overdue, "Plan Person (test)", 3),
            (BreakKind.risk_review_overdue, "Plan Person (test)", 5),
        ]
        words = [
            break_text(b, "Europe/London") for b in repo.board().breaks if b.kind in PLAN_KINDS
        ]
        assert (
            words[0]
            == "Plan Person (test)'s crisis plan review is overdue by 3 days (due 25/11/2026)"
        )
        assert "risk summary review is overdue by 5 days" in words[1]
        # a review moved on clears the break at once
        plan = repo.crisis_plan(client)
        assert plan is not None
        repo.save_crisis_plan(
            client, PLAN, TODAY + dt.timedelta(days=30), expected_version=plan.version
        )
        assert [k for k, _, _ in review_breaks(repo)] == [BreakKind.risk_review_overdue]


def test_no_crisis_plan_after_a_week_is_a_break(
    repo: Repository, db: Database, client: int
) -> None:
    assert review_breaks(repo) == []  # accepted today
    plans_kept_since(db, days_ago(60))
    set_accepted(db, client, days_ago(8))
    assert review_breaks(repo) == [(BreakKind.crisis_plan_missing, "Plan Person (test)", 8)]
    [item] = [b for b in repo.board().breaks if b.kind in PLAN_KINDS]
    assert "has no crisis plan" in break_text(item, "Europe/London")
    repo.save_crisis_plan(client, PLAN, TODAY + dt.timedelta(days=30), expected_version=None)
    assert review_breaks(repo) == []


def test_episodes_accepted_before_plans_were_kept_are_not_listed(
    repo: Repository, db: Database, client: int
) -> None:
    """An upgraded database: the episodes already open are not all listed at once."""
    set_accepted(db, client, days_ago(30))
    plans_kept_since(db, days_ago(10))
    assert review_breaks(repo) == []
    later = accept(repo, "Later Person (test)")
    set_accepted(db, later, days_ago(9))
    assert review_breaks(repo) == [(BreakKind.crisis_plan_missing, "Later Person (test)", 9)]


def test_the_missing_plan_break_can_be_turned_off(
    db: Database, repo: Repository, client: int
) -> None:
    plans_kept_since(db, days_ago(60))
    set_accepted(db, client, days_ago(30))
    assert [k for k, _, _ in review_breaks(repo)] == [BreakKind.crisis_plan_missing]
    quiet = Config.model_validate(
        {**repo.config.model_dump(), "record": {"no_crisis_plan_days": 0}}
    )
    assert review_breaks(Repository(db, quiet, actor="duty1")) == []


def test_discharged_and_other_staffs_clients_have_no_plan_breaks(
    repo: Repository, db: Database, client: int
) -> None:
    plans_kept_since(db, days_ago(60))
    set_accepted(db, client, days_ago(30))
    me = repo.acting_staff()
    assert me is not None
    assert [b.client_id for b in repo.board(staff_id=me.id).breaks if b.kind in PLAN_KINDS] == []
    repo.discharge(client, "primary_care", TODAY, "Back to the GP (test)")
    assert review_breaks(repo) == []


def test_the_plan_breaks_cost_one_query(
    repo: Repository, db: Database, frozen_now: pendulum.DateTime
) -> None:
    """However many plans and summaries, the board reads them in one statement."""
    for number in range(4):
        client = accept(repo, f"Client {number} (test)")
        repo.save_crisis_plan(client, PLAN, TODAY + dt.timedelta(days=9), expected_version=None)
        repo.save_risk_summary(
            client, "Low (test)", TODAY + dt.timedelta(days=9), expected_version=None
        )
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        repo.board()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    touching = [s for s in statements if "crisis_plan" in s or "risk_summary" in s]
    assert len(touching) == 1


# -- the demo --------------------------------------------------------------------------------------


def test_the_demo_has_plans_an_overdue_review_and_risk_summaries(tmp_path: Path) -> None:
    from duty_desk.demo import build_demo
    from tests.repo.test_demo import MONDAY_10, fresh_db

    config = Config()
    db = fresh_db(tmp_path / "demo.db", config)
    try:
        build_demo(db, config, MONDAY_10)
        with timeutil.frozen(MONDAY_10):
            repo = Repository(db, config, actor="demo-lead")
            board = repo.board()
            kinds = [b.kind for b in board.breaks]
            assert kinds.count(BreakKind.crisis_plan_overdue) == 1
            assert BreakKind.crisis_plan_missing in kinds
            plans = [repo.crisis_plan(e.client_id) for e in board.episodes]
            risks = [repo.risk_summary(e.client_id) for e in board.episodes]
        written = [p for p in plans if p is not None]
        assert len(written) >= 5 and any(p.version > 1 for p in written)
        assert all("(demo)" in p.early_signs for p in written)
        assert sum(r is not None for r in risks) == len(written)
        reviewed = next(p for p in written if p.version > 1)
        assert len(repo.crisis_plan_history(reviewed.client_id)) == reviewed.version
    finally:
        db.dispose()


# -- PostgreSQL ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_plans_versions_and_breaks_on_postgresql(pg: Database) -> None:
    """The same on PostgreSQL: the board's one union read (dates cast to text beside the
    marker), a stale save refused, the versions from the audit log."""
    from tests.conftest import MONDAY_10, test_config

    with timeutil.frozen(MONDAY_10):
        repo = Repository(pg, test_config(), actor="duty1")
        repo.add_staff("duty1", "Duty One (test)", "team_lead", bootstrap=True)
        client = accept(repo, "Pg Person (test)")
        plan = repo.save_crisis_plan(client, PLAN, TODAY, expected_version=None)
        repo.save_crisis_plan(
            client, {**PLAN, "what_helps": "Tea (test)"}, TODAY, expected_version=1
        )
        with pytest.raises(Conflict, match="duty1"):
            repo.save_crisis_plan(client, PLAN, TODAY, expected_version=plan.version)
        assert [v.number for v in repo.crisis_plan_history(client)] == [1, 2]
        repo.save_risk_summary(client, "Low (test)", TODAY, expected_version=None)
        assert review_breaks(repo) == []
    with timeutil.frozen(MONDAY_10.add(days=2)):
        assert [k for k, _, _ in review_breaks(repo)] == [
            BreakKind.crisis_plan_overdue,
            BreakKind.risk_review_overdue,
        ]
