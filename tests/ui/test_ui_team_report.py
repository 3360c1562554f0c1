"""The team report screen (key 6, issue 14) through the real app at 80x24: the period and the
area chosen by keyboard, the figures shown being the repository's report for them; the
from-to dialog keeping what was typed on bad input; the charts pane; privacy mode hiding
the Friends and Family Test comments (a report made by hand, tests/team_report_sample.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pendulum
from textual.widgets import Input, Static

from duty_desk.repository import Repository
from duty_desk.team_report import Period, PeriodKind
from screens.report_period_dialog import PeriodDialog
from screens.team_report import TeamReportScreen, detail_of, hide_comments, rows_of
from tests.team_report_sample import COMMENT, sample_report

from .test_ui_support import settle

MONDAY = dt.date(2026, 11, 23)


def report_screen(app: Any) -> TeamReportScreen:
    screen = app.screen
    assert isinstance(screen, TeamReportScreen)
    return screen


def heading(app: Any) -> str:
    return str(report_screen(app).query_one("#report-heading", Static).render()).strip()


def footer_ids(app: Any) -> set[str]:
    return {
        active.binding.id or active.binding.action
        for active in app.screen.active_bindings.values()
        if active.binding.show
    }


def shown_rows(app: Any) -> list[tuple[str, str]]:
    table = report_screen(app).main_table()
    return [
        (key, " ".join(cell.plain.strip() for cell in cells if cell.plain.strip()))
        for key, cells in table.rows_held()
    ]


def expected_rows(repo: Repository, period: Period, area: str | None) -> list[tuple[str, str]]:
    return [
        (key, " ".join(cell.plain.strip() for cell in cells if cell.plain.strip()))
        for key, _, cells in rows_of(repo.team_report(period, area))
    ]


async def open_report(pilot: Any) -> None:
    await pilot.press("6")
    await settle(pilot)


async def test_keys_choose_the_period_and_the_area_and_the_figures_follow(
    open_app: Callable[..., Any], repo: Repository, frozen_now: pendulum.DateTime
) -> None:
    async with open_app() as (app, pilot):
        await open_report(pilot)
        screen = report_screen(app)
        assert screen.period == Period.month(MONDAY)
        assert heading(app).startswith("November 2026, all areas (01/11/2026-30/11/2026)")
        assert shown_rows(app) == expected_rows(repo, Period.month(MONDAY), None)
        steps: list[tuple[str, Period, str | None, str]] = [
            ("w", Period.week(dt.date(2026, 11, 1)), None, "Week of 26 Oct 2026"),
            ("t", Period.week(MONDAY), None, "Week of 23 Nov 2026"),
            ("left_square_bracket", Period.week(dt.date(2026, 11, 16)), None, "Week of 16 Nov"),
            ("right", Period.week(MONDAY), None, "Week of 23 Nov 2026"),
            ("q", Period.quarter(MONDAY), None, "Q4 2026 (Oct–Dec)"),
            ("left", Period.quarter(dt.date(2026, 7, 1)), None, "Q3 2026 (Jul–Sep)"),
            ("a", Period.quarter(dt.date(2026, 7, 1)), "canterbury", "Q3 2026"),
            ("a", Period.quarter(dt.date(2026, 7, 1)), "whitstable", "Q3 2026"),
            ("a", Period.quarter(dt.date(2026, 7, 1)), None, "Q3 2026"),
            ("m", Period.month(dt.date(2026, 7, 1)), None, "July 2026"),
        ]
        for key, period, area, words in steps:
            await pilot.press(key)
            await settle(pilot)
            assert (screen.period, screen.area) == (period, area), key
            assert heading(app).startswith(words), (key, heading(app))
            assert ("Whitstable" in heading(app)) == (area == "whitstable")
            assert shown_rows(app) == expected_rows(repo, period, area), key
            assert screen.report is not None
            assert (screen.report.period, screen.report.area) == (period, area)


async def test_the_from_to_dialog_keeps_what_was_typed_on_bad_input(
    open_app: Callable[..., Any], frozen_now: pendulum.DateTime
) -> None:
    async with open_app() as (app, pilot):
        await open_report(pilot)
        await pilot.press("f")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PeriodDialog)
        start = dialog.query_one("#field-start", Input)
        end = dialog.query_one("#field-end", Input)
        start.value, end.value = "31/02/2026", "15/11/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert start.value == "31/02/2026"  # kept as typed
        errors = " ".join(str(s.render()) for s in dialog.query(".error"))
        assert "not a real date" in errors
        start.value, end.value = "16/11/2026", "01/11/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert "before the first" in " ".join(str(s.render()) for s in dialog.query(".error"))
        end.value = "29/11/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = report_screen(app)
        assert screen.period == Period(dt.date(2026, 11, 16), dt.date(2026, 11, 29))
        assert heading(app).startswith("16 Nov 2026 to 29 Nov 2026")
        await pilot.press("right")  # a from-to period moves by its length
        await settle(pilot)
        assert screen.period == Period(dt.date(2026, 11, 30), dt.date(2026, 12, 13))
        await pilot.press("f")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PeriodDialog)
        dialog.query_one("#field-start", Input).value = "2026-11-01"
        dialog.query_one("#field-end", Input).value = "30/11/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.period.kind is PeriodKind.month  # dates making a whole month: named so


async def test_a_long_breakdown_grows_the_pane_and_escape_comes_back_to_the_figures(
    open_app: Callable[..., Any],
    make_referral: Callable[..., int],
    frozen_now: pendulum.DateTime,
) -> None:
    """Found by the probe: the definition pane was 4-5 lines (a breakdown showed only its
    heading), and escape did not come back from it to the figures."""
    make_referral()
    async with open_app() as (app, pilot):
        await open_report(pilot)
        screen = report_screen(app)
        table = screen.main_table()
        pane = screen.query_one("#detail")
        short = pane.size.height
        assert table.move_cursor_to_key("t:intake.reasons")
        await settle(pilot)
        body = str(screen.query_one("#detail-body", Static).render())
        assert body.startswith("Why not accepted")
        assert pane.size.height > short and pane.size.height <= 12, "grown, up to half"
        assert "Why not accepted" in str(table.render_line(table.size.height - 1).text), (
            "the row stays in sight above the grown pane"
        )
        assert "enter" in str(pane.border_title), "says there is more, and how to read it"
        assert "report_back" not in footer_ids(app), "nothing to go back from yet"
        await pilot.press("enter")  # into the pane, to scroll it
        await settle(pilot)
        assert pane.has_focus and "report_back" in footer_ids(app)
        await pilot.press("escape")
        await settle(pilot)
        assert table.has_focus and table.current_key == "t:intake.reasons"
        await pilot.press("c", "escape")  # the charts: escape comes back too
        await settle(pilot)
        assert not screen.charts_shown and table.has_focus


async def test_at_60x20_the_heading_keeps_the_area(
    open_app: Callable[..., Any], frozen_now: pendulum.DateTime
) -> None:
    """Found by the probe: at 60 columns a long period line lost the area."""
    async with open_app(size=(60, 20)) as (app, pilot):
        await open_report(pilot)
        screen = report_screen(app)
        screen.area = "whitstable"
        screen.period = Period(dt.date(2026, 10, 12), dt.date(2026, 12, 13))
        await settle(pilot)
        line = str(screen.query_one("#report-heading", Static).render_line(0).text)
        assert line.strip() == "12 Oct 2026 to 13 Dec 2026, Whitstable"
        screen.period = Period.quarter(MONDAY)
        await settle(pilot)
        line = str(screen.query_one("#report-heading", Static).render_line(0).text)
        assert "Q4 2026 (Oct–Dec), Whitstable" in line


async def test_c_switches_between_the_figures_and_the_charts(
    open_app: Callable[..., Any], frozen_now: pendulum.DateTime
) -> None:
    async with open_app() as (app, pilot):
        await open_report(pilot)
        screen = report_screen(app)
        await pilot.press("c")
        await settle(pilot)
        assert screen.query_one("#charts").display and not screen.main_table().display
        assert str(screen.query_one("#charts-body", Static).render()).strip()
        await pilot.press("c")
        await settle(pilot)
        assert screen.main_table().display and screen.main_table().has_focus


async def test_privacy_mode_reads_the_report_with_the_comments_hidden(
    open_app: Callable[..., Any], frozen_now: pendulum.DateTime
) -> None:
    async with open_app() as (app, pilot):
        await open_report(pilot)
        screen = report_screen(app)
        assert screen.load_query()[2] is False
        await pilot.press("p")
        await settle(pilot)
        assert screen.load_query()[2] is True


def test_privacy_hides_the_comments_and_nothing_else() -> None:
    report = sample_report()
    hidden = hide_comments(report)
    [comments] = hidden.part("satisfaction").tables
    assert COMMENT not in str(comments.rows) and "(hidden)" in str(comments.rows)
    assert hidden.part("intake") == report.part("intake")
    shown = detail_of(report.part("satisfaction").tables[0]).plain
    assert COMMENT in shown  # literally: [test] is not markup
    assert COMMENT not in detail_of(comments).plain


def test_each_part_has_a_heading_row_and_a_part_without_data_says_so() -> None:
    rows = {key: cells for key, _, cells in rows_of(sample_report())}
    assert "no data yet" in " ".join(c.plain for c in rows["p:peer"])
    assert "13.5 h" in " ".join(c.plain for c in rows["f:response.median_hours"])
    assert "chart (c)" in " ".join(c.plain for c in rows["s:intake.weekly"])
    figure = sample_report().figure("intake.eligible_share")
    assert "75% (n = 12)" in detail_of(figure).plain


def coloured_spans(text: Any) -> list[Any]:
    from rich.style import Style

    found = []
    for span in text.spans:
        style = Style.parse(span.style) if isinstance(span.style, str) else span.style
        # rich's Style has .color, Textual's (a rendered Static's Content) .foreground
        if getattr(style, "color", None) or getattr(style, "foreground", None):
            found.append(span)
    return found


def test_charts_are_readable_without_colour_and_coloured_with_it() -> None:
    from screens.team_report import charts_text

    plain = charts_text(sample_report(), 76, color=False)
    assert not coloured_spans(plain)  # NO_COLOR: characters only, each line its own marker
    for words in ("Weekly", "Accepted", "Places", "Median hours", "Quality of life"):
        assert words in plain.plain
    from duty_desk.team_report_words import label

    # CHARTS order: intake's chart before the response part's (titles are the labels)
    weekly, median = label("intake.weekly"), label("response.weekly_median")
    assert plain.plain.index(weekly) < plain.plain.index(median)
    coloured = charts_text(sample_report(), 76, color=True)
    assert coloured_spans(coloured) and coloured.plain == plain.plain


async def test_the_charts_follow_no_color(
    open_app: Callable[..., Any], frozen_now: pendulum.DateTime
) -> None:
    async with open_app() as (app, pilot):
        await open_report(pilot)
        assert app.no_color is False
        screen = report_screen(app)
        screen.report = sample_report()
        app.no_color = True
        screen.draw_charts()
        assert not coloured_spans(screen.query_one("#charts-body", Static).render())
