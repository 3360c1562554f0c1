"""DIALOG's two scores over time as a small terminal chart (``screens.text_chart``:
plotext, imported when first drawn), readable without colour: the lines are drawn in
characters, each score with its own marker named in the legend. Nothing is hand-drawn here; a score too few items rated
leaves a gap, never a zero."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from duty_desk.dialog_views import DialogRatingView

MARKERS = (("Quality of life", "*"), ("Treatment", "x"))


def chart(ratings: Sequence[DialogRatingView], width: int, height: int = 12) -> str:
    """The chart as plain text (no colour codes); empty with fewer than two ratings."""
    if len(ratings) < 2:
        return ""
    from .text_chart import Line, plot

    series: tuple[list[Fraction | None], list[Fraction | None]] = (
        [r.quality_of_life for r in ratings],
        [r.treatment for r in ratings],
    )
    lines = [
        Line(label, [None if v is None else float(v) for v in values], marker)
        for (label, marker), values in zip(MARKERS, series, strict=True)
    ]
    return plot(
        [r.rated_on.strftime("%d/%m/%y") for r in ratings],
        lines,
        width,
        height,
        ylim=(1, 7),
        yticks=range(1, 8),
    )
