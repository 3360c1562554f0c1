"""The team report's intake part (issue 14) on a real SQLite file: referrals received,
decided and counted against the weekly places through the repository, every figure
checked against the counting done by hand in the comments. The edges: an 18th birthday
the day after (and the day of) receipt, decided by the desk's own rule; weeks across the
clock changes (a week is Monday 00:00 to Monday 00:00 local, 169 hours in October); a
period starting mid-week (the weekly chart keeps whole weeks); an empty period."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from duty_desk import timeutil
from duty_desk.repository import Repository
from duty_desk.team_report import Period, TeamReport
from tests.repo.report_desk import Desk, at, desk

WEEK = Period.week(dt.date(2026, 11, 9))  # Monday 9 to Sunday 15 November 2026
WHITSTABLE = {"area": "whitstable", "gp_practice": "Harbour Street Surgery (example)"}


@pytest.fixture
def d(repo: Repository) -> Desk:
    d = desk(repo)

    def accepted(when: pendulum.DateTime, **fields: str) -> int:
        referral = d.receive(when, **fields)
        d.accept(referral, when.add(minutes=5))
        return referral

    # Canterbury (5 places a week). Five accepted fill the week of 9 November.
    accepted(at(11, 9, 9))  # C1 SPoA
    accepted(at(11, 9, 11), source="eip-new")  # C2 EIP
    accepted(at(11, 10, 9))  # C3
    accepted(at(11, 11, 9))  # C4
    accepted(at(11, 12, 9))  # C5
    d.redirect(d.receive(at(11, 12, 10), source="eip-new"), at(11, 12, 10, 5))  # C6: full
    d.redirect(d.receive(at(11, 12, 11), source="gp"), at(11, 12, 11, 5))  # C7: GP route
    # C8: 18 on 11 November 2008, received the day before: 17, outside the client group.
    d.decline(d.receive(at(11, 10, 10), date_of_birth="11/11/2008"), at(11, 10, 10, 5))
    # C9: 18 on the day received: eligible, redirected to CRHT with the week full.
    c9 = d.receive(at(11, 10, 11), date_of_birth="10/11/2008")
    d.redirect(c9, at(11, 10, 11, 5), onward="crht")
    d.decline(d.receive(at(11, 13, 9), date_of_birth="01/01/1950"), at(11, 13, 9, 5))  # C10: 76
    # Whitstable.
    d.receive(at(11, 9, 9, 30), **WHITSTABLE)  # W1: eligible, still waiting
    w2 = d.receive(at(11, 9, 10), source="eip-new", **WHITSTABLE)  # accepted before W1:
    d.accept(w2, at(11, 9, 10, 5), enforce_order=True, order_reason="Higher risk (test)")
    w3 = d.receive(at(11, 10, 12), source="gp", **WHITSTABLE)  # accepted over eligibility
    d.accept(w3, at(11, 10, 12, 5), override_reason="Known to the team (test)")
    d.decline(d.receive(at(11, 11, 12), **WHITSTABLE), at(11, 11, 12, 5))  # W4: places left
    # Outside the week: Sunday 8 November 23:30 and Monday 16 November 09:00.
    accepted(at(11, 8, 23, 30))
    accepted(at(11, 16, 9))  # C11
    return d


def figures(report: TeamReport) -> dict[str, object]:
    return {f.key.split(".")[1]: f.value for f in report.part("intake").figures}


def table(report: TeamReport, key: str) -> dict[object, tuple[object, ...]]:
    rows = next(t.rows for t in report.part("intake").tables if t.key == key)
    return {row[0]: row[1:] for row in rows}


def test_every_area(d: Desk) -> None:
    report = d.report(WEEK)
    assert figures(report) == {
        "received": 14,  # C1-C10, W1-W4
        "eligible": 10,  # C1-C6, C9, W1, W2, W4 (C7 and W3: GP; C8: 17; C10: 76)
        "accepted": 7,  # C1-C5, W2, W3
        "accepted_overridden": 1,  # W3
        "out_of_order": 1,  # W2, accepted while W1 waited
        "redirected": 3,  # C6, C7, C9
        "declined": 3,  # C8, C10, W4
        "undecided": 1,  # W1
        "weeks_full": 1,  # Canterbury 5 of 5; Whitstable 2 of 5
    }
    # By source: received, eligible, accepted.
    assert table(report, "intake.received_by_source") == {
        "spoa-urgent": (9, 7, 4),  # C1 C3 C4 C5 C8 C9 C10 W1 W4; not C8 C10; C1 C3 C4 C5
        "eip-new": (3, 3, 2),  # C2 C6 W2; accepted C2 W2
        "gp": (2, 0, 1),  # C7 W3; W3 over eligibility
        "other": (0, 0, 0),
    }
    assert table(report, "intake.redirected_by_service") == {
        "cmht": (2,),  # C6 C7
        "crht": (1,),  # C9
        "other": (0,),
    }
    assert table(report, "intake.reasons") == {  # redirected, declined
        "outside_age": (0, 2),  # C8, C10
        "outside_area": (0, 0),
        "not_pod_route": (1, 0),  # C7
        "places_taken": (2, 0),  # C6, C9: eligible, Canterbury's week full
        "other": (0, 1),  # W4: eligible, Whitstable had places left
    }
    [weekly] = report.part("intake").series
    assert weekly.x == (dt.date(2026, 11, 9),)
    assert weekly.lines == (("eligible", (10,)), ("accepted", (7,)), ("places", (10,)))


def test_one_area_matches_the_desks_own_count(d: Desk, repo: Repository) -> None:
    report = d.report(WEEK, area="canterbury")
    got = figures(report)
    assert (got["received"], got["eligible"], got["accepted"]) == (10, 7, 5)
    assert (got["redirected"], got["declined"], got["undecided"]) == (3, 2, 0)
    assert (got["out_of_order"], got["accepted_overridden"], got["weeks_full"]) == (0, 0, 1)
    [weekly] = report.part("intake").series
    assert weekly.lines == (("eligible", (7,)), ("accepted", (5,)), ("places", (5,)))
    with timeutil.frozen(at(11, 30, 10)):
        [canterbury] = [i for i in repo.intake(at(11, 12, 12)) if i.area == "canterbury"]
    assert canterbury.taken == weekly.lines[1][1][0]  # the accept screen's count


def test_a_mid_week_period_charts_whole_weeks(d: Desk) -> None:
    report = d.report(Period(dt.date(2026, 11, 11), dt.date(2026, 11, 17)), area="canterbury")
    got = figures(report)
    # Received Wednesday 11 to Tuesday 17: C4 C5 C6 C7 C10 C11 = 6; accepted C4 C5 C11.
    assert (got["received"], got["accepted"]) == (6, 3)
    [weekly] = report.part("intake").series
    # Whole weeks: 9 November (C1-C5 accepted; C1-C6 and C9 eligible), 16 November (C11).
    assert weekly.x == (dt.date(2026, 11, 9), dt.date(2026, 11, 16))
    assert weekly.lines == (("eligible", (7, 1)), ("accepted", (5, 1)), ("places", (5, 5)))
    assert got["weeks_full"] == 1


def test_weeks_follow_the_local_clock_across_the_changes(repo: Repository) -> None:
    d = desk(repo)
    for when in (
        at(10, 18, 23, 30),  # Sunday 18 October, BST (22:30 UTC): the week of 12 October
        at(10, 19, 0, 30),  # Monday 19 October 00:30 BST (Sunday 23:30 UTC): 19 October
        at(10, 25, 23, 30),  # Sunday 25 October, GMT: still the week of 19 October (169 h)
        at(10, 26, 0, 15),  # Monday 26 October 00:15 GMT: the week of 26 October
        at(3, 29, 23, 30),  # Sunday 29 March, the clocks gone forward: the week of 23 March
        at(3, 30, 0, 30),  # Monday 30 March 00:30 BST (Sunday 23:30 UTC): the week of 30 March
    ):
        d.accept(d.receive(when), when.add(minutes=5))
    report = d.report(Period(dt.date(2026, 10, 19), dt.date(2026, 11, 1)))
    assert figures(report)["received"] == 2 + 1
    [weekly] = report.part("intake").series
    assert weekly.lines[1] == ("accepted", (2, 1))
    assert figures(d.report(Period.week(dt.date(2026, 10, 12))))["received"] == 1
    spring = d.report(Period(dt.date(2026, 3, 23), dt.date(2026, 4, 5)))
    assert spring.part("intake").series[0].lines[1] == ("accepted", (1, 1))  # 167 h, 168 h
