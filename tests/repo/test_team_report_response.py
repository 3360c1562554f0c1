"""The team report's immediate response part (issue 14) on a real SQLite file: a small desk
of referrals driven through the repository, every figure checked against the arithmetic
done by hand in the comments. The edges: the clocks going back (24 hours is 24 real
hours: a meeting 23.5 wall-clock hours later is 24.5 real ones and late), a Friday
evening referral (due while closed), a meeting cancelled after the deadline, an episode
with no meetings (still waiting; ended unseen), one not yet due, and an empty period."""

from __future__ import annotations

import datetime as dt

import pytest

from duty_desk import opening, timeutil
from duty_desk.repository import Repository
from duty_desk.team_report import Period, TeamReport
from duty_desk.team_report.intake import percentile
from duty_desk.team_report.response import ClosedAt
from tests.repo.report_desk import Desk, at, desk, strict

PERIOD = Period(dt.date(2026, 10, 19), dt.date(2026, 11, 29))  # six whole weeks
# The report is made on Monday 30 November 2026 at 10:00 (Desk.report's default).


@pytest.fixture
def d(repo: Repository) -> Desk:
    return build(repo)


def build(repo: Repository) -> Desk:
    """The referrals A to Q below, on ``repo``'s database."""
    d = desk(repo)
    late_rules = strict(repo)

    def seen_once(received: dt.datetime, meeting: dt.datetime, **fields: str) -> int:
        referral = d.receive(received, **fields)
        client = d.accept(referral, received.add(minutes=5))
        d.seen(client, meeting, received.add(minutes=10))
        return client

    # A: received Saturday 24 October 20:00 BST (19:00 UTC); seen Sunday 25 October 19:30
    # GMT (19:30 UTC), after the clocks went back at 02:00: 23.5 hours on the wall clock,
    # 24.5 real hours: LATE. Its respond-by time, Sunday 19:00, fell while closed.
    seen_once(at(10, 24, 20), at(10, 25, 19, 30))
    # B: received Saturday 24 October 21:00 BST (20:00 UTC), seen Sunday 20:00 GMT (20:00
    # UTC): exactly 24 real hours (23 on the wall clock): in time (24:00:00 counts).
    seen_once(at(10, 24, 21), at(10, 25, 20))
    # C: Friday evening: received Friday 20 November 19:00, due Saturday 19:00 (closed),
    # seen Monday 23 November 09:00: 62 hours, closed hours.
    seen_once(at(11, 20, 19), at(11, 23, 9))
    # D: received Tuesday 10 November 09:00, seen 15:00: 6 hours.
    seen_once(at(11, 10, 9), at(11, 10, 15))
    # E: received Wednesday 11 November 09:00; a meeting at 16:00 that day (in time) was
    # cancelled by the team on Thursday 12:00, AFTER the deadline (Thursday 09:00); seen
    # Thursday 14:00: 29 hours, team_cancelled.
    e = d.accept(d.receive(at(11, 11, 9)), at(11, 11, 9, 5))
    d.cancel(d.book(e, at(11, 11, 16), at(11, 11, 9, 10)), "team", at(11, 12, 12))
    d.seen(e, at(11, 12, 14), at(11, 12, 12, 5))
    # F: received Monday 16 November 09:00; the person cancelled the 14:00 meeting; seen
    # Tuesday 11:00: 26 hours, person_cancelled.
    f = d.accept(d.receive(at(11, 16, 9)), at(11, 16, 9, 5))
    d.cancel(d.book(f, at(11, 16, 14), at(11, 16, 9, 10)), "client", at(11, 16, 13))
    d.seen(f, at(11, 17, 11), at(11, 16, 13, 5))
    # G: received Tuesday 17 November 10:00; did not attend at 15:00; seen Wednesday 12:00:
    # 26 hours, did_not_attend.
    g = d.accept(d.receive(at(11, 17, 10)), at(11, 17, 10, 5))
    missed = d.book(g, at(11, 17, 15), at(11, 17, 10, 10))
    d.did_not_attend(missed, at(11, 17, 16))
    d.seen(g, at(11, 18, 12), at(11, 17, 16, 5))
    # Q: received Thursday 19 November 09:00; the 14:00 meeting was never recorded (still
    # booked); seen Friday 11:00: 26 hours, not_recorded.
    q = d.accept(d.receive(at(11, 19, 9)), at(11, 19, 9, 5))
    d.book(q, at(11, 19, 14), at(11, 19, 9, 10))
    d.seen(q, at(11, 20, 11), at(11, 19, 9, 15))
    # H: an episode with no meetings: received Thursday 26 November 09:00 (due Friday
    # 09:00, open), still waiting on Monday: a miss, none_recorded, not seen.
    d.accept(d.receive(at(11, 26, 9)), at(11, 26, 9, 5))
    # I: received Sunday 29 November 12:00, due Monday 12:00: not yet due at 10:00, still
    # waiting, left out of both shares.
    d.accept(d.receive(at(11, 29, 12)), at(11, 29, 12, 5))
    # J: received Monday 2 November 09:00, discharged on Wednesday 4 November, never
    # seen: ended_unseen.
    j = d.accept(d.receive(at(11, 2, 9)), at(11, 2, 9, 5))
    d.discharge(j, "other", dt.date(2026, 11, 4), at(11, 4, 12))
    # K: received Wednesday 4 November 09:00; its first meeting was booked (under the
    # shipped settings) for Thursday 14:00, after the deadline, with a reason: 29 hours,
    # booked_late.
    k = d.accept(d.receive(at(11, 4, 9)), at(11, 4, 9, 5))
    late = d.book(k, at(11, 5, 14), at(11, 4, 9, 10), repo=late_rules, reason="No staff (test)")
    d.happened(late, at(11, 5, 14, 30))
    # L: urgency B (4 hours): received Thursday 5 November 09:00, seen 15:00: 6 hours, in
    # the 24 hours but past its respond-by time (13:00): none_recorded.
    seen_once(at(11, 5, 9), at(11, 5, 15), urgency="B")
    # O: Whitstable: received Monday 9 November 09:00, seen 11:00: 2 hours.
    seen_once(
        at(11, 9, 9),
        at(11, 9, 11),
        area="whitstable",
        gp_practice="Harbour Street Surgery (example)",
    )
    # Not counted: received before the period (Sunday 18 October), redirected, declined,
    # and an acceptance reversed.
    seen_once(at(10, 18, 12), at(10, 19, 10))
    d.redirect(d.receive(at(11, 12, 9)), at(11, 12, 9, 5))
    d.decline(d.receive(at(11, 13, 9)), at(11, 13, 9, 5))
    reversed_referral = d.receive(at(11, 24, 9))
    d.accept(reversed_referral, at(11, 24, 9, 5))
    with timeutil.frozen(at(11, 24, 9, 10)):
        repo.reverse_decision(reversed_referral, "Accepted by mistake (test)")
    return d


def figures(report: TeamReport) -> dict[str, object]:
    return {f.key.split(".")[1]: f.value for f in report.part("response").figures}


def table(report: TeamReport, key: str) -> tuple[tuple[object, ...], ...]:
    return next(t.rows for t in report.part("response").tables if t.key == key)


def test_every_area(d: Desk) -> None:
    report = d.report(PERIOD)
    got = figures(report)
    # Counted: A B C D E F G Q H I J K L O = 14; seen: all but H, I, J = 11.
    assert got["referrals"] == 14
    assert got["seen"] == 11
    assert got["still_waiting"] == 2  # H and I (J's episode ended)
    # Hours seen, in order: O 2, D 6, L 6, B 24, A 24.5, F 26, G 26, Q 26, E 29, K 29, C 62.
    # Median: the 6th of 11 = 26. 90th percentile: rank 0.9 x 10 = 9 (from 0): 29.
    assert got["median_hours"] == 26
    assert got["p90_hours"] == 29
    # Within 24 h: O, D, L, B = 4; decided: the 11 seen + H (past) + J (ended) = 13 (I:
    # 22 hours so far, not yet decided).
    assert got["within_24h"] == pytest.approx(4 / 13)
    # By the respond-by time: O, D, B = 3 (L: 6 hours against 4), of the same 13.
    assert got["within_target"] == pytest.approx(3 / 13)
    assert report.figure("response.within_24h").n == 13
    misses = table(report, "response.misses")
    # (received day, urgency, target hours, hours, reason), in the order received.
    assert [row[1:] for row in misses] == [
        ("2026-10-24", "C", 24.0, 24.5, "closed_hours"),  # A
        ("2026-11-02", "C", 24.0, None, "ended_unseen"),  # J
        ("2026-11-04", "C", 24.0, 29.0, "booked_late"),  # K
        ("2026-11-05", "B", 4.0, 6.0, "none_recorded"),  # L
        ("2026-11-11", "C", 24.0, 29.0, "team_cancelled"),  # E
        ("2026-11-16", "C", 24.0, 26.0, "person_cancelled"),  # F
        ("2026-11-17", "C", 24.0, 26.0, "did_not_attend"),  # G
        ("2026-11-19", "C", 24.0, 26.0, "not_recorded"),  # Q
        ("2026-11-20", "C", 24.0, 62.0, "closed_hours"),  # C, Friday evening
        ("2026-11-26", "C", 24.0, None, "none_recorded"),  # H, no meetings
    ]
    assert dict(table(report, "response.miss_reasons")) == {  # type: ignore[arg-type]
        "person_cancelled": 1,
        "did_not_attend": 1,
        "team_cancelled": 1,
        "not_recorded": 1,
        "closed_hours": 2,
        "booked_late": 1,
        "ended_unseen": 1,
        "none_recorded": 2,
    }
    [weekly] = report.part("response").series
    assert weekly.x == tuple(dt.date(2026, 10, 19) + dt.timedelta(weeks=i) for i in range(6))
    # 19 Oct: A 24.5, B 24 -> 24.25; 26 Oct: nobody; 2 Nov: K 29, L 6 -> 17.5 (J unseen);
    # 9 Nov: O 2, D 6, E 29 -> 6; 16 Nov: F 26, G 26, Q 26, C 62 -> 26; 23 Nov: H, I unseen.
    assert weekly.lines == (("median_hours", (24.25, None, 17.5, 6, 26, None)),)


def test_one_area(d: Desk) -> None:
    got = figures(d.report(PERIOD, area="canterbury"))
    # Without O (Whitstable): 13 counted, 10 seen; hours 6 6 24 24.5 26 26 26 29 29 62.
    assert (got["referrals"], got["seen"]) == (13, 10)
    assert got["median_hours"] == 26  # the 5th and 6th of 10: 26 and 26
    # 90th percentile: rank 0.9 x 9 = 8.1 -> 29 + 0.1 x (62 - 29) = 32.3
    assert got["p90_hours"] == pytest.approx(32.3)
    assert got["within_24h"] == pytest.approx(3 / 12)  # D, L, B of 10 + H + J
    assert got["within_target"] == pytest.approx(2 / 12)  # D, B


def test_the_clock_change_counts_real_hours(d: Desk) -> None:
    # The week of the clocks going back alone: A (24.5 real hours) late, B (24.0) in time.
    got = figures(d.report(Period(dt.date(2026, 10, 24), dt.date(2026, 10, 25))))
    assert (got["referrals"], got["median_hours"]) == (2, pytest.approx(24.25))
    assert got["within_24h"] == 0.5 and got["within_target"] == 0.5


def test_still_waiting_turns_into_a_miss_once_due(d: Desk) -> None:
    # I (received Sunday 29 November 12:00): at 10:00 on Monday not yet due; at 13:00 a miss.
    week = Period(dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    before = d.report(week)
    after = d.report(week, now=at(11, 30, 13))
    # The week: H (waiting, past its time) and I (waiting); the reversed one not counted.
    assert figures(before)["within_24h"] == 0  # H decided (0 of 1), I not yet
    assert len(table(before, "response.misses")) == 1
    assert figures(after)["within_24h"] == 0  # 0 of 2
    assert len(table(after, "response.misses")) == 2
    assert table(after, "response.misses")[-1][4:] == (None, "none_recorded")


def test_an_empty_period_has_no_figures_rather_than_zeros(d: Desk) -> None:
    got = figures(d.report(Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30))))
    assert (got["referrals"], got["seen"], got["still_waiting"]) == (0, 0, 0)
    assert got["median_hours"] is None and got["p90_hours"] is None
    assert got["within_24h"] is None and got["within_target"] is None


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5  # the mean of the middle two
    assert percentile([10.0, 0.0, 20.0], 0.25) == 5.0  # rank 0.5: half way from 0 to 10


def test_no_names_or_typed_reasons_in_these_parts(d: Desk) -> None:
    # Every name and every typed reason in the data ends in "(test)".
    report = d.report(PERIOD)
    for key in ("intake", "response", "caseload"):
        assert "(test)" not in repr(report.part(key))
    assert any(row[5] == "booked_late" for row in table(report, "response.misses"))


def test_closed_hours_give_the_same_answers_as_the_opening_rule(repo: Repository) -> None:
    team = repo.config.team
    closed = ClosedAt(team)
    # Every quarter hour over three weeks holding the clocks going back, the 25 December
    # and 28 December bank holidays (Boxing Day falls on a Saturday in 2026), exact
    # opening and closing times among them.
    for start in (at(10, 19, 0), at(12, 21, 0)):
        for step in range(3 * 7 * 24 * 4):
            instant = timeutil.as_utc(start.add(minutes=15 * step))
            assert closed(instant) == opening.due_while_closed(instant, team), instant


def test_a_referral_due_under_a_longer_setting_is_still_counted(repo: Repository) -> None:
    from duty_desk.config import Config

    longer = Config.model_validate(
        {"team": {"response_hours": 24 * 14}, "triage": {"late_first_meeting_needs_reason": False}}
    )
    then = desk(Repository(repo.db, longer, actor=repo.actor))
    # Urgency E (672 hours): respond-by 14 days after receipt, under the longer setting.
    then.accept(then.receive(at(11, 27, 9), urgency="E"), at(11, 27, 9, 5))
    got = figures(desk(repo).report(Period(dt.date(2026, 11, 27), dt.date(2026, 11, 27))))
    assert (got["referrals"], got["still_waiting"]) == (1, 1)
    assert got["within_target"] is None  # due 11 December: not yet decided
