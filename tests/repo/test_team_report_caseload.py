"""The team report's caseload and capacity part (issue 14) on a real SQLite file: episodes
accepted, met and discharged through the repository, every figure checked against the
counting done by hand in the comments. The edges: an episode with no meetings, one
discharged on the day it was accepted (never open), an acceptance reversed (no episode),
meetings cancelled by each side and one never recorded, a meeting after the report is
made, an empty period."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from duty_desk import timeutil
from duty_desk.repository import Repository
from duty_desk.team_report import Period, TeamReport
from tests.repo.report_desk import Desk, at, desk

NOVEMBER = Period.month(dt.date(2026, 11, 1))  # made on Monday 30 November, 10:00
WHITSTABLE = {"area": "whitstable", "gp_practice": "Harbour Street Surgery (example)"}


@pytest.fixture
def d(repo: Repository) -> Desk:
    d = desk(repo)

    def episode(received: pendulum.DateTime, **fields: str) -> int:
        return d.accept(d.receive(received, **fields), received.add(minutes=5))

    def held(client: int, day: int, hour: int = 10) -> int:
        meeting = d.book(client, at(11, day, hour), at(11, day, hour).subtract(days=1))
        d.happened(meeting, at(11, day, hour, 30))
        return meeting

    e0 = episode(at(9, 7, 9))  # discharged 30 October: before the month
    d.discharge(e0, "other", dt.date(2026, 10, 30), at(10, 30, 12))
    e1 = episode(at(10, 5, 9))  # open on 1 November, discharged on 6 November: 32 days
    e1_before = d.book(e1, at(10, 29, 10), at(10, 28, 10))
    d.happened(e1_before, at(10, 29, 10, 30))  # before the month: not counted
    held(e1, 3, 14)
    d.discharge(e1, "primary_care", dt.date(2026, 11, 6), at(11, 6, 12))
    e2 = episode(at(10, 12, 9))  # open throughout
    held(e2, 2)
    d.did_not_attend(d.book(e2, at(11, 9, 10), at(11, 8, 10)), at(11, 9, 11))
    held(e2, 16)
    d.cancel(d.book(e2, at(11, 23, 10), at(11, 20, 10)), "client", at(11, 22, 10))
    d.cancel(d.book(e2, at(11, 25, 10), at(11, 20, 11)), "team", at(11, 24, 10))
    d.book(e2, at(11, 26, 10), at(11, 20, 12))  # never recorded
    d.book(e2, at(12, 2, 10), at(11, 26, 12))  # after the report is made
    e3 = episode(at(11, 2, 9))  # new; discharged on 16 November: 14 days
    d.did_not_attend(d.book(e3, at(11, 4, 11), at(11, 3, 11)), at(11, 4, 12))
    held(e3, 5, 11)
    d.discharge(e3, "other", dt.date(2026, 11, 16), at(11, 16, 12))
    e4 = episode(at(11, 3, 9))  # discharged on the day accepted: 0 days, never open
    d.discharge(e4, "primary_care", dt.date(2026, 11, 3), at(11, 3, 12))
    e5 = episode(at(11, 16, 9))  # E5: new, open, no meetings at all
    e6 = episode(at(11, 4, 9), **WHITSTABLE)  # new, open, Whitstable
    held(e6, 10)
    reversed_referral = d.receive(at(11, 24, 9))  # E7: an acceptance reversed: no episode
    d.accept(reversed_referral, at(11, 24, 9, 5))
    with timeutil.frozen(at(11, 24, 9, 10)):
        repo.reverse_decision(reversed_referral, "Accepted by mistake (test)")
    # Capacity: duty1 and clin2 12 each; peer1 1, in E2's core team; gone1 not active.
    peer = repo.add_staff("peer1", "Peer Worker (test)", "peer_support")
    repo.set_capacity("peer1", 1)
    clin = repo.add_staff("clin2", "Clinician Two (test)", "clinician")
    repo.add_staff("gone1", "Left Already (test)", "clinician")
    repo.deactivate_staff("gone1")
    with timeutil.frozen(at(11, 30, 9)):
        repo.set_core_team(e2, [d.staff, peer.id], d.staff, "Core team (test)")
        repo.set_core_team(e5, [d.staff, clin.id], d.staff, "Core team (test)")
    return d


def figures(report: TeamReport) -> dict[str, object]:
    return {f.key.split(".")[1]: f.value for f in report.part("caseload").figures}


def table(report: TeamReport, key: str) -> dict[object, object]:
    rows = next(t.rows for t in report.part("caseload").tables if t.key == key)
    return {row[0]: row[1] for row in rows}


def test_every_area(d: Desk) -> None:
    report = d.report(NOVEMBER)
    assert figures(report) == {
        "open_at_start": 2,  # E1 E2 (E0 ended 30 October)
        "open_at_end": 3,  # E2 E5 E6 at 10:00 on the 30th (E4 never open)
        "new": 4,  # E3 E4 E5 E6 (E7 reversed)
        "discharged": 3,  # E1 E3 E4
        # 2; E3 in (3); E6 in (4); E1 out (3); E3 out (2); E5 in (3): at most 4.
        "peak": 4,
        "dna_rate": pytest.approx(2 / 7),  # E2 9th, E3 4th of 5 happened + 2 not attended
        "length_median": 14,  # days: E4 0, E3 14, E1 32
        "length_q1": 7,  # rank 0.5: half way from 0 to 14
        "length_q3": 23,  # rank 1.5: half way from 14 to 32
        "capacity": 25,  # duty1 12 + clin2 12 + peer1 1 (gone1 inactive)
        "core_places": 4,  # E2: duty1, peer1; E5: duty1, clin2 (E3's ended)
        "capacity_used": pytest.approx(4 / 25),
        "staff_at_capacity": 1,  # peer1: 1 of 1
    }
    assert table(report, "caseload.meetings") == {
        "happened": 5,  # E1 3rd, E2 2nd and 16th, E3 5th, E6 10th
        "did_not_attend": 2,
        "cancelled_by_person": 1,
        "cancelled_by_team": 1,
        "not_recorded": 1,  # E2 26th (2 December: not started, not counted)
    }
    assert table(report, "caseload.discharges_by_kind") == {"primary_care": 2, "other": 1}


def test_one_area(d: Desk) -> None:
    got = figures(d.report(NOVEMBER, area="canterbury"))
    # Without E6: 2 at start; E2 E5 at the end; E3 E4 E5 new; peak 2, 3 (E3), 2, 1, 2.
    assert (got["open_at_start"], got["open_at_end"], got["new"], got["peak"]) == (2, 2, 3, 3)
    assert got["dna_rate"] == pytest.approx(2 / 6)  # 4 happened + 2 not attended
    assert got["capacity"] == 25  # the whole team's, whatever the area


def test_an_empty_period_has_no_figures_rather_than_zeros(d: Desk) -> None:
    got = figures(d.report(Period.month(dt.date(2026, 8, 1))))
    assert (got["open_at_start"], got["open_at_end"], got["new"], got["peak"]) == (0, 0, 0, 0)
    assert got["dna_rate"] is None
    assert got["length_median"] is None and got["length_q1"] is None


def test_a_long_period_read_by_scanning_counts_the_same(d: Desk) -> None:
    # August to November (122 days: the rows are read by scanning, not through the index).
    report = d.report(Period(dt.date(2026, 8, 1), dt.date(2026, 11, 30)))
    got = figures(report)
    # New: E0 (7 September), E1 E2 (October) and E3-E6; discharged: E0 E1 E3 E4.
    assert (got["open_at_start"], got["new"], got["discharged"]) == (0, 7, 4)
    # E1's meeting of 29 October joins the 5 happened in November; 2 not attended.
    assert table(report, "caseload.meetings")["happened"] == 6
    assert got["dna_rate"] == pytest.approx(2 / 8)
    # Days: E4 0, E3 14, E1 32, E0 53 (7 September to 30 October): (14 + 32) / 2 = 23.
    assert got["length_median"] == 23
