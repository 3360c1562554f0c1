"""DIALOG's two scores over time as a small terminal chart (plotext, imported when first
drawn), readable without colour: the lines are drawn in characters, each score with its
own marker named in the legend. Nothing is hand-drawn here; a score too few items rated
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
    import plotext as plt

    plt.clear_figure()
    plt.plotsize(max(width, 30), height)
    plt.theme("clear")
    xs = list(range(1, len(ratings) + 1))
    series: tuple[list[Fraction | None], list[Fraction | None]] = (
        [r.quality_of_life for r in ratings],
        [r.treatment for r in ratings],
    )
    for (label, marker), values in zip(MARKERS, series, strict=True):
        points = [(x, float(v)) for x, v in zip(xs, values, strict=True) if v is not None]
        if points:
            plt.plot([x for x, _ in points], [y for _, y in points], marker=marker, label=label)
    plt.xticks(xs, [r.rated_on.strftime("%d/%m/%y") for r in ratings])
    plt.ylim(1, 7)
    plt.yticks(list(range(1, 8)))
    built: str = plt.uncolorize(plt.build())
    plt.clear_figure()
    return built
