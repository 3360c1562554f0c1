"""Report ``team``: the team's outcomes report (issue 14) for a period and an area, the one
mechanism behind ``duty-desk export team`` and ``duty-desk report``.

- csv: one row per figure (part, figure, label, value, unit, n), then each table cell and
  each series point flattened (``row``: the table row's first cell or the series' date,
  ``column``: the column or line), so a spreadsheet can pivot it; a part without data is
  one row saying so.
- json (``export team``): the same rows as the csv, as every report's json is;
  ``duty-desk report --format json`` writes the whole report as data instead
  (:func:`write_report_json`): the period (and its name), the area, when it was made, every
  part with its figures, tables and series, and every definition.
- text: compact aligned plain text (``duty_desk.team_report_words.text_lines``).
- html: one self-contained page with the charts as inline SVG (``duty_desk.reports.team_html``,
  which alone imports matplotlib).

Aggregates only: no names or NHS numbers in any format. The comments of the Friends and
Family Test are the one free text: left out of every format unless ``with_comments``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from .base import AREA, DATES, Params, Report

if TYPE_CHECKING:
    from duty_desk.config import Config
    from duty_desk.repository import Repository
    from duty_desk.team_report import TeamReport

COLUMNS: tuple[str, ...] = (
    "period_start",
    "period_end",
    "area",
    "part",
    "figure",
    "label",
    "row",
    "column",
    "value",
    "unit",
    "n",
)


def build(repo: Repository, params: Params) -> TeamReport:
    """The report the parameters ask for (checked by the repository: dates, area)."""
    from duty_desk.team_report_words import period_of

    if params.start is None or params.end is None:
        raise ValueError("the team report needs a start and an end")
    return repo.team_report(period_of(params.start, params.end), params.area)


def records(report: TeamReport, with_comments: bool = False) -> Iterator[dict[str, Any]]:
    """The flat rows (see the module docstring)."""
    from duty_desk.team_report_words import NO_DATA, label, shown_tables

    base = dict.fromkeys(COLUMNS) | {
        "period_start": report.period.start.isoformat(),
        "period_end": report.period.end.isoformat(),
        "area": report.area,
    }  # every column in every row, in order (None where it does not apply)
    for part in report.parts:
        if not part.has_data:
            yield base | {"part": part.key, "label": NO_DATA}
            continue
        for figure in part.figures:
            yield base | {
                "part": part.key,
                "figure": figure.key,
                "label": label(figure.key),
                "value": figure.value,
                "unit": figure.unit,
                "n": figure.n,
            }
        for table in shown_tables(part, with_comments):
            for row in table.rows:
                for column, value in zip(table.columns[1:], row[1:], strict=True):
                    yield base | {
                        "part": part.key,
                        "figure": table.key,
                        "label": label(table.key),
                        "row": row[0],
                        "column": column,
                        "value": value,
                    }
        for series in part.series:
            for name, values in series.lines:
                for day, value in zip(series.x, values, strict=True):
                    yield base | {
                        "part": part.key,
                        "figure": series.key,
                        "label": label(series.key),
                        "row": day.isoformat(),
                        "column": name,
                        "value": value,
                    }


def rows(repo: Repository, params: Params) -> Iterator[dict[str, Any]]:
    return records(build(repo, params), params.with_comments)


def as_data(report: TeamReport, config: Config, with_comments: bool = False) -> dict[str, Any]:
    """The whole report as JSON-ready data, with the definitions of what it holds."""
    from duty_desk.team_report_words import (
        area_words,
        definitions,
        label,
        left_out,
        part_title,
        period_words,
        shown_tables,
    )

    every = definitions()
    return {
        "team": config.team.name,
        "period": {
            "start": report.period.start.isoformat(),
            "end": report.period.end.isoformat(),
            "kind": str(report.period.kind),
            "name": period_words(report.period),
        },
        "area": report.area,
        "area_name": area_words(report.area, config),
        "generated_at": report.generated_at.isoformat(),
        "comments_included": with_comments,
        "comments_left_out": left_out(report, with_comments),
        "parts": [
            {
                "key": part.key,
                "title": part_title(part.key),
                "has_data": part.has_data,
                "figures": [
                    {
                        "key": f.key,
                        "label": label(f.key),
                        "value": f.value,
                        "unit": f.unit,
                        "n": f.n,
                    }
                    for f in part.figures
                ],
                "tables": [
                    {
                        "key": t.key,
                        "label": label(t.key),
                        "columns": list(t.columns),
                        "rows": [list(r) for r in t.rows],
                    }
                    for t in shown_tables(part, with_comments)
                ],
                "series": [
                    {
                        "key": s.key,
                        "label": label(s.key),
                        "x": [day.isoformat() for day in s.x],
                        "lines": {name: list(values) for name, values in s.lines},
                    }
                    for s in part.series
                ],
            }
            for part in report.parts
        ],
        "definitions": {key: {"label": d.label, "text": d.text} for key, d in every.items()},
    }


def write_report_json(repo: Repository, params: Params, out: IO[bytes]) -> int:
    """The whole report as one JSON object (:func:`as_data`); returns how many figures."""
    report = build(repo, params)
    data = as_data(report, repo.config, params.with_comments)
    out.write(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    return sum(len(part["figures"]) for part in data["parts"])


def write_text(repo: Repository, params: Params, out: IO[bytes]) -> int:
    from duty_desk.team_report_words import text_lines

    report = build(repo, params)
    for line in text_lines(report, repo.config, with_comments=params.with_comments):
        out.write(line.encode("utf-8") + b"\n")
    return sum(len(part.figures) for part in report.parts)


def write_html(repo: Repository, params: Params, out: IO[bytes]) -> int:
    from .team_html import html_page

    report = build(repo, params)
    out.write(html_page(report, repo.config, with_comments=params.with_comments).encode("utf-8"))
    return sum(len(part.figures) for part in report.parts)


REPORT = Report(
    name="team",
    noun="figure",
    plural="figures",
    columns=COLUMNS,
    rows=rows,
    params=frozenset({DATES, AREA}),
    writers={"text": write_text, "html": write_html},
    help="""team --from DATE --to DATE [--area AREA]: the team's outcomes report
  (issue 14); csv: one row per figure (period_start, period_end, area, part,
  figure, label, value, unit, n), tables and series flattened (row, column,
  value); json the same rows; text and html as `duty-desk report` makes
  them (its --format json: the whole report with its definitions). Aggregates only, no names; the Friends and
  Family Test comments are left out (duty-desk report --with-comments).""",
)
