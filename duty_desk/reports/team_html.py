"""The team report as ONE self-contained HTML page, fit to send to the trust's board: inline
CSS, the charts as inline SVG drawn by matplotlib (its SVG backend, through
``matplotlib.figure.Figure`` alone: no pyplot, no global state; imported here only, inside
:func:`svg_chart`), every figure's definition as a glossary at the end. Nothing is fetched
when the page is opened (no scripts, fonts or images from elsewhere).

Aggregates only; the comments are left out unless ``with_comments`` (then shown escaped).
Everything put in the page is escaped (``html.escape``), the team's name included.
"""

from __future__ import annotations

import html
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from duty_desk.config import Config
    from duty_desk.team_report import TeamReport
    from duty_desk.team_report_words import ChartData

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #111;
  max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #005eb8; padding-bottom: 0.2rem;
  margin-top: 2rem; }
h3 { font-size: 1rem; margin-bottom: 0.3rem; }
.meta { color: #444; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #bbb; padding: 0.25rem 0.6rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #eef3f8; }
.nodata { color: #555; font-style: italic; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; }
dl dt { font-weight: bold; margin-top: 0.6rem; }
dl dd { margin-left: 1rem; }
.note { color: #444; font-size: 0.9rem; }
@media print { h2 { page-break-after: avoid; } figure { page-break-inside: avoid; } }
"""

STYLES = ("-", "--", ":", "-.")
MARKERS = ("o", "s", "^", "D")


def svg_chart(chart: ChartData) -> str:
    """One chart as an inline ``<svg>`` element (matplotlib's SVG backend; text kept as
    text, no date or random ids in it, so the same report gives the same page)."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "duty-desk", "font.size": 9}):
        figure = Figure(figsize=(7.5, 2.8))
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        xs = list(range(len(chart.x)))
        for index, line in enumerate(chart.lines):
            points = [(x, v) for x, v in zip(xs, line.values, strict=True) if v is not None]
            axes.plot(
                [x for x, _ in points],
                [v for _, v in points],
                linestyle=STYLES[index % len(STYLES)],
                marker=MARKERS[index % len(MARKERS)],
                markersize=3,
                label=line.name,
            )
        labels = chart.x_labels()
        step = max(1, len(labels) // 12)
        axes.set_xticks(xs[::step], labels[::step])
        axes.set_title(chart.title)
        if chart.y_range is not None:
            axes.set_ylim(*chart.y_range)
        axes.grid(True, alpha=0.3)
        axes.legend(loc="best", frameon=False)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    drawn = buffer.getvalue()
    return drawn[drawn.index("<svg") :]


def _num(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def html_page(report: TeamReport, config: Config, *, with_comments: bool = False) -> str:
    from duty_desk.team_report_words import (
        NO_DATA,
        cell_words,
        charts,
        definitions,
        figure_words,
        key_words,
        label,
        left_out,
        left_out_words,
        part_title,
        shown_tables,
        title_words,
    )

    e = html.escape
    team = e(config.team.name)
    heading = e(title_words(report, config))
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{team}: team report, {heading}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{team}: team report</h1>",
        f'<p class="meta">{heading} ({report.period.start:%d/%m/%Y} to '
        f"{report.period.end:%d/%m/%Y}). Made {report.generated_at:%d/%m/%Y %H:%M} UTC. "
        "Aggregates only: no names or NHS numbers.</p>",
    ]
    drawn = charts(report)
    by_part: dict[str, list[ChartData]] = {}
    for chart in drawn:
        by_part.setdefault(chart.key.split(".", 1)[0], []).append(chart)
    for part in report.parts:
        out.append(f"<h2>{e(part_title(part.key))}</h2>")
        if not part.has_data:
            out.append(f'<p class="nodata">{NO_DATA}</p>')
            continue
        if part.figures:
            out.append("<table><tr><th>Figure</th><th>Value</th><th>n</th></tr>")
            for f in part.figures:
                n = "" if f.n is None else f"{f.n:,}"
                out.append(
                    f"<tr><td>{e(label(f.key))}</td><td class=num>{e(figure_words(f))}</td>"
                    f"<td class=num>{n}</td></tr>"
                )
            out.append("</table>")
        for table in shown_tables(part, with_comments):
            out.append(f"<h3>{e(label(table.key))}</h3>")
            if not table.rows:
                out.append('<p class="nodata">none</p>')
                continue
            out.append(
                "<table><tr>" + "".join(f"<th>{e(key_words(c))}</th>" for c in table.columns)
            )
            for row in table.rows:
                cells = "".join(
                    f"<td{' class=num' if _num(v) else ''}>{e(cell_words(v, c, config))}</td>"
                    for v, c in zip(row, table.columns, strict=True)
                )
                out.append(f"<tr>{cells}</tr>")
            out.append("</table>")
        for chart in by_part.get(part.key, []):
            out.append(f"<figure>{svg_chart(chart)}</figure>")
    hidden = left_out(report, with_comments)
    if hidden:
        out.append(f'<p class="note">{e(left_out_words(hidden))}</p>')
    out.append("<h2>What each figure means</h2>")
    out.append("<dl>")
    for definition in definitions().values():
        out.append(f"<dt>{e(definition.label)}</dt><dd>{e(definition.text)}</dd>")
    out.append("</dl>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
