"""The team report (key 6, issue 14): is the service keeping its promises? The figures of a
period (week, month, quarter or from-to) and an area, chosen by keyboard, in a compact
table grouped by part (a part whose data does not exist yet says "no data yet"); the
selected figure's definition below it; and the charts (weekly intake against the places,
time to first contact, the DIALOG means over time) as text, switched with ``c``.

A :class:`~screens.live_list.LiveList`: one repository call (``repo.team_report``) in the
load worker, rows drawn there. The report is a computed view: another person's change
reloads it at most once a minute (``REFRESH_AT_MOST``), never on every commit. Privacy
mode hides the Friends and Family Test comments (the one free text a report holds);
everything else is counts and figures. Words for people come from
``duty_desk.team_report_words`` (shared with ``duty-desk report``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from duty_desk import team_report_words as words
from duty_desk import timeutil
from duty_desk.team_report import Figure, Part, Period, PeriodKind, Series, Table, TeamReport

from .base import sheet
from .commands import PaletteCommand
from .key_line import KeyLine
from .keyed_table import KeyedTable, RowCells
from .literal import literal
from .live_list import LiveList
from .widgets import TitleBar

COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("label", "Figure", None),
    ("value", "Value", 12),
    ("n", "n", 8),
)
FIXED = sum(width + 1 for _, _, width in COLUMNS if width)
REFRESH_AT_MOST = 60.0  # seconds between reloads caused by other people's changes
CHART_HEIGHT = 12

Item = Part | Figure | Table | Series


@dataclass(frozen=True)
class ReportRead:
    report: TeamReport
    rows: tuple[tuple[str, Item, RowCells], ...]


def label_width(total: int) -> int:
    return max(16, total - FIXED - 2)


def today(tz: str) -> Any:
    return timeutil.to_local(timeutil.now(), tz).date()


class TeamReportScreen(LiveList):
    """The team's outcomes report for a period and an area."""

    DEFAULT_CSS = sheet("team_report.tcss")
    NOUN = "team report"
    LOAD_GROUP = "report-load"
    BINDINGS = [
        Binding("w", "period('week')", "Week", id="report_week", tooltip="This week's report"),
        Binding("m", "period('month')", "Month", id="report_month", tooltip="The month's report"),
        Binding("q", "period('quarter')", "Quarter", id="report_quarter", tooltip="The quarter's"),
        Binding(
            "left_square_bracket,left",
            "shift(-1)",
            "Prev",
            id="report_previous",
            tooltip="The period before",
            priority=True,
        ),
        Binding(
            "right_square_bracket,right",
            "shift(1)",
            "Next",
            id="report_next",
            tooltip="The period after",
            priority=True,
        ),
        Binding("f", "from_to", "From-to", id="report_from_to", tooltip="Any dates, from-to"),
        Binding("a", "area", "Area", id="report_area", tooltip="All areas, then each area"),
        Binding("t", "today", "Today", id="report_today", tooltip="The period holding today"),
        Binding("c", "charts", "Charts", id="report_charts", tooltip="Charts or figures"),
        Binding("escape", "back", "Back", id="report_back", tooltip="Back to the figures"),
    ]
    """
    | key       | id              | action                                            |
    |-----------|-----------------|---------------------------------------------------|
    | w         | report_week     | the week (Monday to Sunday) holding the day shown |
    | m         | report_month    | the month holding it                              |
    | q         | report_quarter  | the quarter holding it                            |
    | [ / left  | report_previous | the period before                                 |
    | ] / right | report_next     | the period after                                  |
    | f         | report_from_to  | any dates: from and to (a dialog)                 |
    | a         | report_area     | all areas, then each area in turn                 |
    | t         | report_today    | the period of the same kind holding today         |
    | c         | report_charts   | the charts instead of the figures, and back       |
    | escape    | report_back     | back to the figures (from the pane or the charts) |
    | enter     | (table)         | into the pane below, to scroll a long breakdown   |
    Any of these ids can be given another key in config.toml under [keys].
    """

    period: reactive[Period | None] = reactive(None, init=False)
    area: reactive[str | None] = reactive(None, init=False)
    charts_shown: reactive[bool] = reactive(False, init=False)

    def __init__(self) -> None:
        super().__init__()
        self.report: TeamReport | None = None
        self.items: dict[str, Item]
        self._last_read = 0.0
        self._refresh_pending = False

    # -- layout ------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        config = self.duty_app.config
        self.set_reactive(TeamReportScreen.period, Period.month(today(config.team.timezone)))
        yield TitleBar(config.team.name, current="show_report")
        yield Static(id="view-only")
        yield Static(Text("Loading the team report...", end=""), id="report-heading")
        yield KeyedTable(id="report")
        with VerticalScroll(id="charts"):
            yield Static(Text("", end=""), id="charts-body")
        with VerticalScroll(id="detail"):
            yield Static(Text("", end=""), id="detail-body")
        yield KeyLine()

    def on_mount(self) -> None:
        table = self.main_table()
        for key, header, width in COLUMNS:
            size = width if width is not None else label_width(self.app.size.width)
            shown = " " + header if key == "label" else header.rjust(size)
            table.add_column(Text(shown, style="bold"), key=key, width=size + 1, flex=width is None)
        table.focus()
        pane = self.query_one("#detail", VerticalScroll)
        pane.border_title = "Definition"
        self.watch(pane, "virtual_size", self._say_if_more, init=False)  # its text laid out
        self.query_one("#charts", VerticalScroll).display = False
        self._show_heading()

    def flex_width(self, table: KeyedTable, total: int) -> int:
        return label_width(total)

    def main_table(self) -> KeyedTable:
        return self.query_one("#report", KeyedTable)

    # -- loading -------------------------------------------------------------------------------------
    def load_query(self) -> tuple[Period | None, str | None, bool]:
        return self.period, self.area, self.duty_app.privacy

    def read(self, query: tuple[Period, str | None, bool]) -> ReportRead:
        period, area, private = query
        report = self.duty_app.repo.team_report(period, area)
        if private:
            report = hide_comments(report)
        return ReportRead(report, tuple(rows_of(report)))

    def show(self, result: ReportRead) -> None:
        self._last_read = time.monotonic()
        self.report = result.report
        self._show_heading()
        self.apply_rows(self.main_table(), result.rows, select=True)
        self.refresh_detail(force=True)
        if self.charts_shown:
            self.draw_charts()

    def changed_elsewhere(self) -> None:
        """Someone else committed: read again, at most once a minute (the report is
        computed over a whole period; a busy team must not keep it computing)."""
        wait = REFRESH_AT_MOST - (time.monotonic() - self._last_read)
        if wait <= 0:
            self.reload()
        elif not self._refresh_pending:
            self._refresh_pending = True
            self.set_timer(wait, self._refresh_later)

    def _refresh_later(self) -> None:
        self._refresh_pending = False
        self.reload()

    def _show_heading(self) -> None:
        period = self.period
        if period is None:
            return
        config = self.duty_app.config
        heading = Text(" ", end="", no_wrap=True, overflow="ellipsis")
        name = words.period_words(period)
        heading.append(name[:1].upper() + name[1:], style="bold")
        # the area before the dates: at 60 columns a long period cuts the dates, never the
        # area (found by the probe); a from-to period's name already gives its dates
        heading.append(", ")
        heading.append(words.area_words(self.area, config))
        if period.kind is not PeriodKind.custom:
            heading.append(f" ({period.start:%d/%m/%Y}-{period.end:%d/%m/%Y})")
        if self.report is not None and (self.report.period, self.report.area) != (
            period,
            self.area,
        ):
            heading.append("  loading...", style="italic")
        self.query_one("#report-heading", Static).update(heading)

    # -- the period and the area ---------------------------------------------------------------------
    def watch_period(self) -> None:
        self._show_heading()
        self.reload()

    def watch_area(self) -> None:
        self._show_heading()
        self.reload()

    def action_period(self, kind: str) -> None:
        assert self.period is not None
        self.period = Period.of(PeriodKind(kind), self.period.start)

    def action_shift(self, steps: int) -> None:
        assert self.period is not None
        self.period = self.period.shifted(steps)

    def action_today(self) -> None:
        assert self.period is not None
        day = today(self.duty_app.config.team.timezone)
        kind = self.period.kind
        if kind is PeriodKind.custom:
            self.period = Period(day - (self.period.end - self.period.start), day)
        else:
            self.period = Period.of(kind, day)

    def action_area(self) -> None:
        order: list[str | None] = [None, *self.duty_app.config.areas]
        at = order.index(self.area) if self.area in order else 0
        self.area = order[(at + 1) % len(order)]

    def action_from_to(self) -> None:
        from .report_period_dialog import PeriodDialog

        assert self.period is not None

        def chosen(period: Period | None) -> None:
            if period is not None:
                self.period = words.period_of(period.start, period.end)

        self.app.push_screen(PeriodDialog(self.period), chosen)

    # -- charts --------------------------------------------------------------------------------------
    def action_charts(self) -> None:
        self.charts_shown = not self.charts_shown

    def watch_charts_shown(self, shown: bool) -> None:
        self.refresh_bindings()
        self.query_one("#charts", VerticalScroll).display = shown
        self.main_table().display = not shown
        self.query_one("#detail", VerticalScroll).display = not shown
        if shown:
            self.draw_charts()
            self.query_one("#charts", VerticalScroll).focus()
        else:
            self.main_table().focus()

    def focus_main(self) -> None:
        if self.charts_shown:
            self.query_one("#charts", VerticalScroll).focus()
        else:
            self.main_table().focus()

    def on_resize(self) -> None:
        super().on_resize()
        if self.charts_shown:
            self.call_after_refresh(self.draw_charts)

    def draw_charts(self) -> None:
        body = self.query_one("#charts-body", Static)
        if self.report is None:
            return
        width = max(30, self.size.width - 4)
        color = not self.app.no_color
        body.update(charts_text(self.report, width, color))

    # -- back, and the detail pane ---------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``escape`` shows (and works) only when there is somewhere to go back from."""
        if action == "back":
            return self.charts_shown or self.query_one("#detail", VerticalScroll).has_focus
        return True

    def action_back(self) -> None:
        """From the pane (entered with enter) or the charts: back to the figures (found by
        the probe: escape did nothing there)."""
        if self.charts_shown:
            self.charts_shown = False
        else:
            self.main_table().focus()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()
        self._say_if_more()

    def show_detail(self) -> None:
        self.query_one("#detail-body", Static).update(detail_of(self.current_item()))

    def _say_if_more(self) -> None:
        """The pane grows with a long breakdown (``team_report.tcss``) up to half the
        screen; beyond that it says how to read the rest."""
        pane = self.query_one("#detail", VerticalScroll)
        more = pane.max_scroll_y > 0
        if pane.has_focus:
            pane.border_title = f"Definition ({'up/down scroll, ' if more else ''}esc back)"
        else:
            pane.border_title = "Definition (more below: enter)" if more else "Definition"

    # -- command palette -----------------------------------------------------------------------------
    def palette_commands(self) -> list[PaletteCommand]:
        return [
            PaletteCommand(
                "Report: this week", "w: the week shown", lambda: self.action_period("week")
            ),
            PaletteCommand("Report: month", "m: the month", lambda: self.action_period("month")),
            PaletteCommand(
                "Report: quarter", "q: the quarter", lambda: self.action_period("quarter")
            ),
            PaletteCommand("Report: period before", "[ or left", lambda: self.action_shift(-1)),
            PaletteCommand("Report: period after", "] or right", lambda: self.action_shift(1)),
            PaletteCommand("Report: from-to", "f: any dates", self.action_from_to),
            PaletteCommand("Report: area", "a: all areas, then each", self.action_area),
            PaletteCommand("Report: today", "t: the period holding today", self.action_today),
            PaletteCommand("Report: charts", "c: charts or figures", self.action_charts),
            PaletteCommand(
                "Report: back to the figures",
                "escape: from the pane or the charts",
                self.action_back,
            ),
        ]


# -- drawing (in the load worker) ------------------------------------------------------------------


def hide_comments(report: TeamReport) -> TeamReport:
    """``report`` with the comments' words hidden (privacy mode)."""
    from dataclasses import replace

    parts = tuple(
        replace(
            part,
            tables=tuple(
                words.masked_table(t) if words.is_free_text(t) else t for t in part.tables
            ),
        )
        for part in report.parts
    )
    return replace(report, parts=parts)


def _cells(label: Text, value: str = "", n: str = "") -> RowCells:
    first = Text(" ", end="", no_wrap=True, overflow="ellipsis")
    first.append_text(label)
    return (first, Text(f"{value:>12}", end=""), Text(f"{n:>8}", end=""))


def rows_of(report: TeamReport) -> list[tuple[str, Item, RowCells]]:
    """One heading row per part, then its figures, tables (one row each: the pane shows
    them) and charts; "no data yet" for a part without data."""
    rows: list[tuple[str, Item, RowCells]] = []
    for part in report.parts:
        title = Text(words.part_title(part.key), "bold")
        if not part.has_data:
            rows.append((f"p:{part.key}", part, _cells(title, words.NO_DATA)))
            continue
        rows.append((f"p:{part.key}", part, _cells(title)))
        for figure in part.figures:
            n = "" if figure.n is None else f"{figure.n:,}"
            rows.append(
                (
                    f"f:{figure.key}",
                    figure,
                    _cells(Text("  " + words.label(figure.key)), words.figure_words(figure), n),
                )
            )
        for table in part.tables:
            count = len(table.rows)
            rows.append(
                (
                    f"t:{table.key}",
                    table,
                    _cells(
                        Text("  " + words.label(table.key)),
                        f"{count} row{'' if count == 1 else 's'}",
                    ),
                )
            )
        for series in part.series:
            rows.append(
                (
                    f"s:{series.key}",
                    series,
                    _cells(Text("  " + words.label(series.key)), "chart (c)"),
                )
            )
    return rows


def detail_of(item: Item | None) -> Text:
    """The selected row: its value and definition; a table in full."""
    if item is None:
        return Text("Nothing to show yet.")
    if isinstance(item, Part):
        title = words.part_title(item.key)
        if not item.has_data:
            return Text(
                f"{title}: no data yet. The records this part is computed from are not "
                "kept yet, or its figures are still being built."
            )
        return Text(f"{title}: {len(item.figures)} figures; move down for each definition.")
    text = Text(end="")
    text.append(words.label(item.key), style="bold")
    if isinstance(item, Figure):
        text.append(f": {words.figure_words(item)}")
        if item.n is not None:
            text.append(f" (n = {item.n:,})")
    text.append("\n")
    text.append(words.definition_text(item.key))
    if isinstance(item, Table):
        text.append("\n")
        if not item.rows:
            text.append("none")
        else:
            lines = words.table_lines(item)
            for line in lines:
                text.append("\n")
                text.append_text(literal(line))
    if isinstance(item, Series):
        text.append("\nc shows it as a chart.")
    return text


def charts_text(report: TeamReport, width: int, color: bool) -> Text:
    """Every chart of the report as text (``screens.text_chart``), one under another."""
    from .text_chart import Line, plot

    drawn = words.charts(report)
    if not drawn:
        return Text(
            "No charts for this period: the parts with charts (intake, immediate response, "
            "DIALOG) have no data yet. c goes back to the figures."
        )
    out = Text(end="")
    for chart in drawn:
        out.append(chart.title + "\n", style="bold")
        built = plot(
            chart.x_labels(),
            [Line(line.name, line.values) for line in chart.lines],
            width,
            CHART_HEIGHT,
            max_xticks=max(2, width // 10),
            color=color,
            ylim=chart.y_range,
            yticks=range(chart.y_range[0], chart.y_range[1] + 1) if chart.y_range else None,
        )
        out.append_text(Text.from_ansi(built) if color else Text(built))
        out.append("\n\n")
    return out
