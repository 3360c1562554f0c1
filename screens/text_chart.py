"""Line charts drawn as text for the terminal (plotext, imported when first drawn): the one
mechanism behind the DIALOG chart of a client's record (``screens.dialog_chart``) and the
team report's charts (``screens.team_report``).

Readable without colour: each line has its own marker character, named in the legend, so
nothing depends on colour; with ``color`` the lines are coloured too (plotext's ANSI
colours, which Rich brings down to 256 colours or fewer). A missing value leaves a gap,
never a zero. plotext keeps one figure for the whole process: every drawing holds a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

_LOCK = threading.Lock()
MARKERS = ("*", "x", "o", "+", "#", "@")
# With colour: the terminal's own 16 colours (plotext's names), which every 256-colour
# terminal shows; the markers still tell the lines apart without them.
COLORS = ("cyan+", "orange+", "green+", "magenta+", "blue+", "red+")


@dataclass(frozen=True)
class Line:
    label: str
    values: Sequence[float | None]
    marker: str = ""  # "" : the next of MARKERS


def plot(
    x_labels: Sequence[str],
    lines: Sequence[Line],
    width: int,
    height: int = 12,
    *,
    ylim: tuple[float, float] | None = None,
    yticks: Sequence[float] | None = None,
    max_xticks: int | None = None,
    color: bool = False,
) -> str:
    """The chart as text: plain, or with ANSI colour codes when ``color``."""
    import plotext as plt

    xs = list(range(1, len(x_labels) + 1))
    step = 1
    if max_xticks is not None and len(xs) > max_xticks:
        step = -(-len(xs) // max_xticks)
    with _LOCK:
        plt.clear_figure()
        plt.plotsize(max(width, 30), height)
        plt.theme("clear")
        for index, line in enumerate(lines):
            points = [(x, v) for x, v in zip(xs, line.values, strict=True) if v is not None]
            if points:
                plt.plot(
                    [x for x, _ in points],
                    [y for _, y in points],
                    marker=line.marker or MARKERS[index % len(MARKERS)],
                    label=line.label,
                    color=COLORS[index % len(COLORS)] if color else None,
                )
        plt.xticks(xs[::step], list(x_labels)[::step])
        if ylim is not None:
            plt.ylim(*ylim)
        if yticks is not None:
            plt.yticks(list(yticks))
        built: str = plt.build()
        plt.clear_figure()
    return built if color else str(plt.uncolorize(built))
