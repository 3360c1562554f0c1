"""Words for people made from the team report (issue 14): values by unit, period and area
names, the text, CSV rows, JSON data and HTML page of a report made by hand
(tests/team_report_sample.py: real data of the real type); the comments (the one free
text) only when asked for."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from duty_desk import team_report_words as words
from duty_desk.config import Config
from duty_desk.reports.team import as_data, records
from duty_desk.team_report import Period, PeriodKind
from tests.team_report_sample import COMMENT, sample_report

CONFIG = Config()


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (0.5, "share", "50%"),
        (1 / 3, "share", "33%"),  # one rule: a whole percent (found by the probe)
        (0.853, "share", "85%"),
        (0.125, "share", "13%"),  # half up
        (0.855, "share", "86%"),
        (0, "share", "0%"),
        (1, "share", "100%"),
        (0.004, "share", "<1%"),  # never 0% when some
        (0.996, "share", ">99%"),  # never 100% when not all
        (13.5, "hours", "13.5 h"),
        (2, "hours", "2.0 h"),
        (1, "days", "1 day"),
        (4.5, "days", "4.5 days"),
        (4.25, "score", "4.25"),
        (-0.5, "score", "-0.50"),
        (12, "count", "12"),
        (1234, "count", "1,234"),
        (2.5, "ratio", "2.50"),
        (None, "share", "–"),
        (None, "count", "–"),
    ],
)
def test_a_value_reads_by_its_unit(value: float | None, unit: str, shown: str) -> None:
    assert words.value_words(value, unit) == shown


@pytest.mark.parametrize(
    ("period", "name"),
    [
        (Period.week(dt.date(2026, 12, 2)), "week of 30 Nov 2026"),
        (Period.month(dt.date(2026, 11, 15)), "November 2026"),
        (Period.quarter(dt.date(2026, 11, 15)), "Q4 2026 (Oct–Dec)"),
        (Period.quarter(dt.date(2027, 2, 1)), "Q1 2027 (Jan–Mar)"),
        (Period(dt.date(2026, 11, 1), dt.date(2026, 12, 15)), "1 Nov 2026 to 15 Dec 2026"),
        (Period(dt.date(2026, 11, 3), dt.date(2026, 11, 3)), "3 Nov 2026"),
    ],
)
def test_a_period_has_a_name(period: Period, name: str) -> None:
    assert words.period_words(period) == name


def test_dates_that_make_a_whole_month_are_named_as_one() -> None:
    assert words.period_of(dt.date(2026, 11, 1), dt.date(2026, 11, 30)).kind is PeriodKind.month
    assert words.period_of(dt.date(2026, 11, 30), dt.date(2026, 12, 6)).kind is PeriodKind.week
    assert words.period_of(dt.date(2026, 10, 1), dt.date(2026, 12, 31)).kind is PeriodKind.quarter
    assert words.period_of(dt.date(2026, 11, 2), dt.date(2026, 11, 30)).kind is PeriodKind.custom


def test_areas_are_named_from_the_settings() -> None:
    assert words.area_words(None, CONFIG) == "all areas"
    assert words.area_words("whitstable", CONFIG) == "Whitstable"


def test_text_is_aligned_per_part_and_a_part_without_data_says_so() -> None:
    lines = list(words.text_lines(sample_report(), CONFIG))
    text = "\n".join(lines)
    assert lines[0] == "Canterbury POD team (example): team report, November 2026, all areas"
    assert "Immediate response\n" in text
    assert "Peer support\n  no data yet" in text
    assert "13.5 h" in text and "75%" in text and "–" in text
    assert "SPoA urgent" in text or "spoa" not in text  # sources by their names
    assert COMMENT not in text
    assert (
        "1 row of comments and single referrals left out (--with-comments includes them)." in text
    )
    with_comments = "\n".join(words.text_lines(sample_report(), CONFIG, with_comments=True))
    assert COMMENT in with_comments and "left out" not in with_comments


def test_csv_rows_are_one_per_figure_with_tables_and_series_flattened() -> None:
    rows = list(records(sample_report()))
    figure = next(r for r in rows if r["figure"] == "intake.eligible_share")
    assert (figure["value"], figure["unit"], figure["n"]) == (0.75, "share", 12)
    cell = next(r for r in rows if r["figure"] == "intake.by_source" and r["row"] == "gp")
    assert (cell["column"], cell["value"]) == ("received", 3)
    point = next(r for r in rows if r["figure"] == "intake.weekly" and r["column"] == "places")
    assert point["row"] == "2026-11-02" and point["value"] == 5
    assert {r["label"] for r in rows if r["part"] == "peer"} == {"no data yet"}
    assert all(r.get("value") != COMMENT for r in rows)
    assert any(r.get("value") == COMMENT for r in records(sample_report(), with_comments=True))


def test_json_is_the_whole_report_and_leaves_the_comments_out_unless_asked() -> None:
    data = as_data(sample_report(), CONFIG)
    json.dumps(data)  # JSON-ready
    assert data["period"]["name"] == "November 2026"
    satisfaction = next(p for p in data["parts"] if p["key"] == "satisfaction")
    assert satisfaction["tables"] == []
    assert data["comments_left_out"] == 1
    asked = as_data(sample_report(), CONFIG, with_comments=True)
    assert COMMENT in json.dumps(asked, ensure_ascii=False)


def test_charts_put_intake_response_and_dialog_first() -> None:
    drawn = words.charts(sample_report())
    assert [c.key for c in drawn] == [
        "intake.weekly",
        "response.weekly_median",
        "dialog.monthly_means",
    ]
    assert drawn[0].x_labels() == ["02/11", "09/11", "16/11", "23/11"]
    assert drawn[2].x_labels() == ["Sep 2026", "Oct 2026", "Nov 2026"]
    assert drawn[2].y_range == (1, 7) and drawn[0].y_range is None  # DIALOG on its 1-7 scale
    assert drawn[0].lines[0].values[-1] is None  # a gap, never a zero


def test_the_html_page_has_svg_charts_a_glossary_and_no_comments_unless_asked() -> None:
    from duty_desk.reports.team_html import html_page

    page = html_page(sample_report(), CONFIG)
    assert page.count("<svg") == 3
    assert "<script" not in page
    assert 'Peer support</h2>\n<p class="nodata">no data yet</p>' in page
    assert "What each figure means" in page
    assert "Lovely team" not in page
    assert "1 row of comments and single referrals left out" in page
    asked = html_page(sample_report(), CONFIG, with_comments=True)
    assert "Lovely team, thank you [test]" in asked
    assert html_page(sample_report(), CONFIG) == page  # the same report, the same page


def test_a_table_of_single_referrals_is_left_out_of_files_unless_asked() -> None:
    """The missed respond-by times are listed referral by referral: not an aggregate, so a
    file leaves them out unless --with-comments (found by the probe in the board's HTML)."""
    from duty_desk.team_report import Part, Table, TeamReport
    from duty_desk.team_report_words import left_out, shown_tables

    misses = Table("response.misses", ("referral", "hours", "reason"), ((7, 30.5, "booked_late"),))
    by_reason = Table("response.miss_reasons", ("reason", "referrals"), (("booked_late", 1),))
    part = Part("response", tables=(misses, by_reason))
    assert shown_tables(part, with_comments=False) == (by_reason,)
    assert shown_tables(part, with_comments=True) == (misses, by_reason)
    report = TeamReport(Period.week(dt.date(2026, 11, 30)), None, dt.datetime(2026, 12, 2), (part,))
    assert left_out(report, with_comments=False) == 1
