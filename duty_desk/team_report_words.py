"""Words for people made from the team report (issue 14): one figure's value by its unit
(a share as ``45%``: :func:`percent`, hours as ``13.5 h``, nothing as ``–``), a period's name (``week of
30 Nov 2026``, ``November 2026``, ``Q4 2026 (Oct–Dec)``), an area's name from the
settings, each figure's label from its definition, and the report as compact plain text
(``duty-desk report --format text``). Shared by the CLI's text and HTML and by the report
screen; the core's report (``duty_desk.team_report``) carries keys and numbers only.

Free text: the Friends and Family Test comments are the one free text a report holds. A
table with a column named in :data:`FREE_TEXT_COLUMNS` is "comments": left out of every
output unless asked for (``--with-comments``), hidden on screen in privacy mode. A table
with a column named in :data:`ROW_COLUMNS` lists single referrals (the missed respond-by
times): not an aggregate, so files leave it out unless ``--with-comments`` too (the
screen, inside the team, shows it).

Charts: every series of the report is a chart; :data:`CHARTS` names those drawn first
(the weekly intake against the places, the time to first contact, the DIALOG means), by
series key or part key, so the integrator can reorder them in one place.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from duty_desk import vocabulary
from duty_desk.team_report.model import (
    Figure,
    Number,
    Part,
    Period,
    PeriodKind,
    Series,
    Table,
    TeamReport,
)

if TYPE_CHECKING:
    from duty_desk.config import Config
    from duty_desk.team_report.definitions import Definition

NOTHING = "–"  # a figure with nothing to compute it from: never shown as 0
NO_DATA = "no data yet"
HIDDEN = "(hidden)"
FREE_TEXT_COLUMNS = frozenset({"comment", "comments"})
ROW_COLUMNS = frozenset({"referral"})  # a row per referral: not an aggregate
# The charts drawn first, in this order: a series key, or a part key (all its series).
CHARTS: tuple[str, ...] = ("intake", "response", "dialog")
SCALES: dict[str, tuple[int, int]] = {"dialog": (1, 7)}  # a part's charts drawn on this scale
QUARTER_MONTHS = ("Jan–Mar", "Apr–Jun", "Jul–Sep", "Oct–Dec")


# -- values --------------------------------------------------------------------------------------
def _trim(value: float, places: int) -> str:
    text = f"{value:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(share: float) -> str:
    """A share (0 to 1) as people read it, by one rule everywhere the report is shown: a
    whole percent, rounded half up (``33%``, ``86%``; found by the probe: ``75%`` beside
    ``85.3%``), never rounded to 0% or 100% when it is not (``<1%``, ``>99%``)."""
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 <= share < 1:
        return ">99%"
    whole = int(Decimal(repr(share * 100)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{whole}%"


def value_words(value: Number | str, unit: str = "count") -> str:
    """One figure's value as people read it, by its unit."""
    if value is None:
        return NOTHING
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if unit == "share":
        return percent(value)
    if unit == "hours":
        return f"{value:.1f} h"
    if unit == "days":
        return f"{_trim(value, 1)} day{'' if value == 1 else 's'}"
    if unit in ("score", "ratio"):
        return f"{value:.2f}"
    if isinstance(value, float) and not value.is_integer():
        return _trim(value, 2)
    return f"{int(value):,}"


def figure_words(figure: Figure) -> str:
    return value_words(figure.value, figure.unit)


# The words for the keys the parts put in their tables' cells, by column (the reasons of
# the intake and response parts, meeting outcomes, kinds of break and ending, answers,
# sections); a key with no words here is shown as it is.
CELL_WORDS: dict[str, dict[str, str]] = {
    "reason": {
        # intake: why a referral was not accepted
        "outside_age": "outside the age range",
        "outside_area": "outside the area",
        "not_pod_route": "not a POD route",
        "places_taken": "the week's places taken",
        # response: why a first meeting missed its respond-by time
        "person_cancelled": "cancelled by the person",
        "did_not_attend": "did not attend",
        "team_cancelled": "cancelled by the team",
        "not_recorded": "outcome not recorded",
        "closed_hours": "closed hours",
        "booked_late": "booked late (reason given)",
        "ended_unseen": "episode ended unseen",
        "none_recorded": "no reason recorded",
        "other": "other",
    },
    "outcome": {
        "happened": "happened",
        "did_not_attend": "did not attend",
        "cancelled_by_person": "cancelled by the person",
        "cancelled_by_team": "cancelled by the team",
        "not_recorded": "not recorded",
    },
    "kind": {
        **{str(kind): words for kind, words in vocabulary.BREAK_SHORT.items()},
        **{str(kind): words for kind, words in vocabulary.DISCHARGE_KIND_LONG.items()},
    },
    "answer": {str(kind): words for kind, words in vocabulary.FFT_ANSWER_LONG.items()},
    "section": {str(kind): words for kind, words in vocabulary.MHA_SECTION_LONG.items()},
}


def cell_words(value: str | int | float | None, column: str, config: Config | None = None) -> str:
    """A table cell: areas, sources, onward services and DIALOG items by their names in the
    settings, the parts' keys by :data:`CELL_WORDS`, numbers trimmed."""
    if value is None:
        return NOTHING
    if isinstance(value, str):
        if config is not None and column == "area":
            return config.area_name(value)
        if config is not None and column == "source":
            return config.source_name(value)
        if config is not None and column == "onward":
            return config.onward_name(value)
        if config is not None and column == "item":
            for item in config.dialog.items:
                if item.key == value:
                    return item.label or item.subject
        return CELL_WORDS.get(column, {}).get(value, value)
    if column.startswith("share") or column.endswith("_share"):
        return value_words(value, "share")
    return value_words(value)


def key_words(key: str) -> str:
    """A column or line key as a heading: ``first_contact`` -> ``First contact``."""
    words = key.rsplit(".", 1)[-1].replace("_", " ")
    return words[:1].upper() + words[1:]


# -- periods and areas ---------------------------------------------------------------------------
def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def period_words(period: Period) -> str:
    """``week of 30 Nov 2026``, ``November 2026``, ``Q4 2026 (Oct–Dec)``, ``1 Nov 2026 to
    15 Dec 2026``."""
    if period.kind is PeriodKind.week:
        return f"week of {_day(period.start)}"
    if period.kind is PeriodKind.month:
        return f"{period.start:%B %Y}"
    if period.kind is PeriodKind.quarter:
        quarter = (period.start.month - 1) // 3
        return f"Q{quarter + 1} {period.start.year} ({QUARTER_MONTHS[quarter]})"
    if period.start == period.end:
        return _day(period.start)
    return f"{_day(period.start)} to {_day(period.end)}"


def period_of(start: dt.date, end: dt.date) -> Period:
    """The period ``start`` to ``end``, named as a week, month or quarter when it is one."""
    for kind in (PeriodKind.week, PeriodKind.month, PeriodKind.quarter):
        whole = Period.of(kind, start)
        if (whole.start, whole.end) == (start, end):
            return whole
    return Period(start, end)


def area_words(area: str | None, config: Config) -> str:
    return "all areas" if area is None else config.area_name(area)


def title_words(report: TeamReport, config: Config) -> str:
    return f"{period_words(report.period)}, {area_words(report.area, config)}"


# -- parts, labels, definitions ------------------------------------------------------------------
def part_title(key: str) -> str:
    """A part's heading (its module's ``TITLE``)."""
    try:
        module = importlib.import_module(f"duty_desk.team_report.{key}")
    except ImportError:
        return key_words(key)
    return str(getattr(module, "TITLE", key_words(key)))


_DEFINITIONS: dict[str, Definition] = {}


def definitions() -> dict[str, Definition]:
    """Every figure's definition, by key (read once)."""
    if not _DEFINITIONS:
        from duty_desk.team_report.definitions import definitions as read

        _DEFINITIONS.update(read())
    return _DEFINITIONS


def label(key: str) -> str:
    """A figure's, table's or series' label from its definition (else its key in words)."""
    found = definitions().get(key)
    return found.label if found is not None else key_words(key)


def definition_text(key: str) -> str:
    found = definitions().get(key)
    return found.text if found is not None else "No definition written yet."


def is_free_text(table: Table) -> bool:
    """A table of comments (people's own words): see the module docstring."""
    return any(column in FREE_TEXT_COLUMNS for column in table.columns)


def is_personal(table: Table) -> bool:
    """Comments, or a row per referral: left out of files unless asked for."""
    return is_free_text(table) or any(column in ROW_COLUMNS for column in table.columns)


def shown_tables(part: Part, with_comments: bool) -> tuple[Table, ...]:
    return tuple(t for t in part.tables if with_comments or not is_personal(t))


def left_out(report: TeamReport, with_comments: bool) -> int:
    """How many rows of comments and single referrals are left out (0 with
    ``with_comments``)."""
    if with_comments:
        return 0
    return sum(len(t.rows) for p in report.parts for t in p.tables if is_personal(t))


def left_out_words(hidden: int) -> str:
    """The note under a file that left rows out."""
    rows = "row" if hidden == 1 else "rows"
    return (
        f"{hidden} {rows} of comments and single referrals left out "
        "(--with-comments includes them)."
    )


def masked_table(table: Table) -> Table:
    """``table`` with its free-text cells hidden (privacy mode)."""
    hide = [column in FREE_TEXT_COLUMNS for column in table.columns]
    rows = tuple(
        tuple(HIDDEN if h and value else value for h, value in zip(hide, row, strict=True))
        for row in table.rows
    )
    return Table(table.key, table.columns, rows)


# -- charts --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChartLine:
    name: str  # in words
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class ChartData:
    """One series made ready to draw (terminal or SVG): title, x labels, lines."""

    key: str
    title: str
    x: tuple[dt.date, ...]
    lines: tuple[ChartLine, ...]
    # The values' whole scale when it has one (DIALOG scores: 1 to 7), so that a small
    # change does not fill the chart's height; None: fitted to the values.
    y_range: tuple[int, int] | None = None

    def x_labels(self) -> list[str]:
        monthly = len(self.x) > 1 and all(day.day == 1 for day in self.x)
        return [f"{d:%b %Y}" if monthly else f"{d.day:02d}/{d.month:02d}" for d in self.x]


def _chart_order(series: Series) -> tuple[int, str]:
    part = series.key.split(".", 1)[0]
    for index, name in enumerate(CHARTS):
        if name in (series.key, part):
            return index, series.key
    return len(CHARTS), series.key


def charts(report: TeamReport) -> list[ChartData]:
    """Every series with at least one value, those named in :data:`CHARTS` first."""
    found: list[Series] = [
        s
        for part in report.parts
        for s in part.series
        if any(v is not None for _, values in s.lines for v in values)
    ]
    found.sort(key=_chart_order)
    return [
        ChartData(
            s.key,
            label(s.key),
            s.x,
            tuple(
                ChartLine(key_words(name), tuple(None if v is None else float(v) for v in values))
                for name, values in s.lines
            ),
            SCALES.get(s.key.split(".", 1)[0]),
        )
        for s in found
    ]


# -- the report as text (duty-desk report --format text) -----------------------------------------
def _columns(rows: Sequence[Sequence[str]], right: Sequence[bool]) -> Iterator[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [
            cell.rjust(width) if r else cell.ljust(width)
            for cell, width, r in zip(row, widths, right, strict=True)
        ]
        yield "  " + "  ".join(cells).rstrip()


def table_lines(table: Table, config: Config | None = None) -> list[str]:
    """A table as aligned lines: its column headings, then one line per row ("none")."""
    if not table.rows:
        return ["none"]
    head = [key_words(c) for c in table.columns]
    body = [
        [cell_words(v, c, config) for v, c in zip(r, table.columns, strict=True)]
        for r in table.rows
    ]
    numeric = [all(not isinstance(r[i], str) for r in table.rows) for i in range(len(head))]
    return [line[2:] for line in _columns([head, *body], numeric)]


def text_lines(report: TeamReport, config: Config, *, with_comments: bool = False) -> Iterator[str]:
    """The report as compact aligned plain text: a heading per part, one line per figure
    (label, value, n), its tables below; for a terminal or an email."""
    yield f"{config.team.name}: team report, {title_words(report, config)}"
    yield (
        f"{report.period.start:%d/%m/%Y} to {report.period.end:%d/%m/%Y}; aggregates only, "
        "no names or NHS numbers"
    )
    for part in report.parts:
        yield ""
        yield part_title(part.key)
        if not part.has_data:
            yield f"  {NO_DATA}"
            continue
        if part.figures:
            rows = [["", "", "n"]] + [
                [label(f.key), figure_words(f), "" if f.n is None else str(f.n)]
                for f in part.figures
            ]
            yield from _columns(
                rows[1:] if all(not r[2] for r in rows[1:]) else rows, (False, True, True)
            )
        for table in shown_tables(part, with_comments):
            yield ""
            yield f"  {label(table.key)}"
            yield from ("    " + line for line in table_lines(table, config))
    hidden = left_out(report, with_comments)
    if hidden:
        yield ""
        yield left_out_words(hidden)
