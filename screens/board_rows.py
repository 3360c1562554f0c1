"""The continuity board's rows: drawn only when shown, and kept between reads.

With 2,000 open episodes almost every row is off screen, so a row's cells
are drawn the first time the table paints (or reads) them: the table is given
each row's ``RowDrawing``, which draws the row's ``Text`` cells when first called.

``DrawnRows`` keeps each row's drawing from one read to the next. An item
equal to the one drawn last time (the repository hands out the very same
episode when nothing about it changed) keeps its drawing until the instant
its time labels move on (``Mon 09:00`` becoming a date, ``today`` becoming
``1d ago``, another week since acceptance). The screen then updates only the
rows whose drawing is new: the same drawing object means nothing to do.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from rich.text import Text

from duty_desk import timeutil
from duty_desk.dialog_views import LatestDialog
from duty_desk.views import BoardData, ContinuityBreak, EpisodeView, StaffLoad, StaffView
from duty_desk.vocabulary import BreakKind

from . import board_render as render

Cells = dict[str, Text]


@dataclass(frozen=True)
class TableSpec:
    columns: tuple[tuple[str, str], ...]
    widths: Mapping[str, int]
    flex: str  # the column that takes what is left


SPECS = {
    "episodes": TableSpec(render.EPISODE_COLUMNS, render.EPISODE_WIDTHS, "client"),
    "breaks": TableSpec(render.BREAK_COLUMNS, render.BREAK_WIDTHS, "client"),
    "staff": TableSpec(render.STAFF_COLUMNS, render.STAFF_WIDTHS, "name"),
}
VIEWS = tuple(SPECS)


_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)
# How urgent each thing wrong with an episode is, most urgent first: the break kinds in
# their order (duty_desk.vocabulary.BreakKind) with the core-team problems (no core team,
# no peer support worker, the wrong size, a member who left) after a core member away.
URGENCY = {
    BreakKind.no_key_worker: 0,
    BreakKind.key_worker_left: 1,
    BreakKind.core_member_absent: 2,
    "core_team_problem": 3,
    BreakKind.no_core_at_meeting: 4,
    BreakKind.not_seen: 5,
    # -- issue 12 (safety) --
    BreakKind.crisis_plan_missing: 6,
    BreakKind.crisis_plan_overdue: 7,
    BreakKind.risk_review_overdue: 8,
    # -- issue 13 (board) --
    BreakKind.dialog_overdue: 9,
}
CLEAR = len(URGENCY)  # nothing wrong
_SAME_AS_PROBLEM = (BreakKind.no_key_worker, BreakKind.key_worker_left)


def breaks_by_client(
    breaks: Iterable[ContinuityBreak],
) -> dict[int, tuple[ContinuityBreak, ...]]:
    out: dict[int, list[ContinuityBreak]] = {}
    for item in breaks:
        out.setdefault(item.client_id, []).append(item)
    return {client_id: tuple(found) for client_id, found in out.items()}


def trouble_count(episode: EpisodeView, breaks: Sequence[ContinuityBreak]) -> int:
    """The episode's problems and breaks, each counted once (a missing or departed key
    worker is both a problem and a break)."""
    return len(episode.problems) + sum(1 for b in breaks if b.kind not in _SAME_AS_PROBLEM)


def urgency(
    episode: EpisodeView, breaks: Sequence[ContinuityBreak]
) -> tuple[int, int, dt.datetime]:
    """(most urgent kind, minus how many things are wrong, the earliest time concerned)."""
    ranks = [URGENCY[b.kind] for b in breaks]
    key_problem = episode.key_worker is None or not episode.key_worker.active
    other_problems = len(episode.problems) - (1 if key_problem else 0)
    if key_problem:
        ranks.append(
            URGENCY[
                BreakKind.no_key_worker if episode.key_worker is None else BreakKind.key_worker_left
            ]
        )
    if other_problems > 0:
        ranks.append(URGENCY["core_team_problem"])
    rank = min(ranks, default=CLEAR)
    at = min((b.at for b in breaks if URGENCY[b.kind] == rank and b.at is not None), default=_FAR)
    return rank, -trouble_count(episode, breaks), at


def episode_order(
    episode: EpisodeView, breaks: Sequence[ContinuityBreak] = ()
) -> tuple[int, int, dt.datetime, str, int]:
    """The most urgent first: by the most urgent break or problem (``URGENCY``), then the
    most things wrong, then the soonest meeting or the longest unseen; the rest by name."""
    rank, count, at = urgency(episode, breaks)
    return (rank, count, at, render.shown(episode.name).casefold(), episode.client_id)


class RowDrawing:
    """One row's cells in column order, drawn on first use (on the UI thread, when the
    row is painted or read): the table calls it.

    It holds what the row is drawn from (a function and its arguments, let go once drawn)
    rather than a closure: 2,000 board rows, almost none ever drawn, are held between reads
    (issue 15: a closure with its cells costs three times the arguments)."""

    __slots__ = ("_args", "_cells", "_draw", "_order")

    def __init__(self, order: tuple[str, ...], draw: Callable[..., Cells], *args: Any) -> None:
        self._order = order  # the table's column keys (one tuple for every row)
        self._draw: Callable[..., Cells] | None = draw
        self._args = args
        self._cells: tuple[Text, ...] | None = None

    def __call__(self) -> tuple[Text, ...]:
        cells = self._cells
        if cells is None:
            assert self._draw is not None
            drawn = self._draw(*self._args)
            cells = self._cells = tuple(drawn[column] for column in self._order)
            self._draw, self._args = None, ()  # drawn: what it was drawn from can go
        return cells


Row = tuple[str, Any, RowDrawing]
ORDER = {name: tuple(column for column, _ in spec.columns) for name, spec in SPECS.items()}


@dataclass(frozen=True)
class DrawContext:
    """What every row of one read is drawn against."""

    now: Any
    stamp: float
    midnight: float
    tz: str
    today: Any
    tags: dict[int, str]


class DrawnRows:
    """Each list's row drawings from earlier reads: (item, valid until, drawing, and
    anything else the drawing depends on) by row key.

    A new staff tag list, zone or day draws everything again. Used by one load worker at
    a time.
    """

    def __init__(self) -> None:
        self.context: tuple[Any, ...] | None = None
        self.held: dict[str, dict[str, tuple[Any, ...]]] = {name: {} for name in VIEWS}
        # client -> (episode, its breaks, its place in the order): an unchanged episode
        # (the very same object) with equal breaks keeps its sort key between reads.
        self.orders: dict[
            int, tuple[EpisodeView, tuple[ContinuityBreak, ...], tuple[Any, ...]]
        ] = {}

    def start(
        self, data: BoardData, config: Any, everyone: Sequence[StaffView] = ()
    ) -> DrawContext:
        now = timeutil.now()
        tz = config.team.timezone
        today = render.local_time(now, tz).date()
        # Tags over everyone on the staff list, as every screen makes them (screens/render.py);
        # without the list, over everyone the board names.
        tags = render.staff_tags(everyone or render.all_staff(data))
        if (tz, today, tags) != self.context:
            self.context = (tz, today, tags)
            for held in self.held.values():
                held.clear()
            self.orders.clear()
        return DrawContext(now, now.timestamp(), render.next_midnight(now, tz), tz, today, tags)

    def row(
        self,
        view: str,
        key: str,
        item: Any,
        stamp: float,
        until: Callable[[], float],
        extra: tuple[Any, ...],
        draw: Callable[..., Cells],
        *args: Any,
    ) -> Row:
        """The row ``key`` drawn by ``draw(*args)`` when first shown, or the drawing held
        from an earlier read if ``item`` and ``extra`` (anything else the drawing depends
        on: an episode's trouble count and DIALOG) are the same and it is still valid at
        ``stamp`` (``until()``: the instant its time labels move on)."""
        held = self.held[view]
        found = held.get(key)
        if (
            found is not None
            and stamp < found[1]
            and (found[0] is item or found[0] == item)
            and found[3:] == extra
        ):
            return key, item, found[2]
        drawing = RowDrawing(ORDER[view], draw, *args)
        held[key] = (item, until(), drawing, *extra)  # one tuple a row
        return key, item, drawing

    def ordered(
        self,
        episodes: Sequence[EpisodeView],
        breaks: Mapping[int, tuple[ContinuityBreak, ...]],
    ) -> list[EpisodeView]:
        """``episodes`` most urgent first (``episode_order``), the sort key of an episode
        handed out again (the same object, with equal breaks) taken from the last read."""
        held = self.orders
        fresh: dict[int, tuple[EpisodeView, tuple[ContinuityBreak, ...], tuple[Any, ...]]] = {}
        keyed = []
        for e in episodes:
            mine = breaks.get(e.client_id, ())
            found = held.get(e.client_id)
            if found is not None and found[0] is e and found[1] == mine:
                key = found[2]
            else:
                key = episode_order(e, mine)
            fresh[e.client_id] = (e, mine, key)
            keyed.append((key, e))
        if len(fresh) * 2 >= len(held):  # not after a filtered read (as ``forget``)
            self.orders = fresh
        else:
            held.update(fresh)
        keyed.sort(key=_first)
        return [e for _, e in keyed]

    def forget(self, view: str, keys: Iterable[str]) -> None:
        """Drop rows the last read no longer holds (not after a filtered read: the rest
        are wanted again when the filter goes)."""
        held = self.held[view]
        keep = set(keys)
        if len(keep) * 2 < len(held):
            return
        for key in [k for k in held if k not in keep]:
            del held[key]


def draw_episodes(
    ordered: Sequence[EpisodeView],
    context: DrawContext,
    drawn: DrawnRows,
    breaks: Mapping[int, tuple[ContinuityBreak, ...]] | None = None,
    dialog: Mapping[int, LatestDialog] | None = None,
) -> tuple[Row, ...]:
    now, stamp, tz, tags, midnight = (
        context.now,
        context.stamp,
        context.tz,
        context.tags,
        context.midnight,
    )
    found = breaks or {}
    latest = dialog or {}
    cells = render.episode_cells
    held = drawn.held["episodes"]
    rows = []
    for e in ordered:
        trouble = trouble_count(e, found.get(e.client_id, ()))
        rated = latest.get(e.client_id)
        key = str(e.client_id)
        kept = held.get(key)  # the common case, without building the drawing's arguments
        if kept is not None and stamp < kept[1] and kept[0] is e and kept[3:] == (trouble, rated):
            rows.append((key, e, kept[2]))
            continue
        rows.append(
            drawn.row(
                "episodes",
                key,
                e,
                stamp,
                partial(render.episode_cells_until, e, stamp, midnight),
                (trouble, rated),
                cells,
                e,
                now,
                tz,
                tags,
                trouble,
                rated,
            )
        )
    return tuple(rows)


def draw_breaks(
    breaks: Sequence[ContinuityBreak], context: DrawContext, drawn: DrawnRows
) -> tuple[Row, ...]:
    now, stamp, tz = context.now, context.stamp, context.tz
    rows = []
    for position, item in enumerate(breaks):
        key = render.break_key(item, position)
        rows.append(
            drawn.row(
                "breaks",
                key,
                item,
                stamp,
                partial(render.when_until, item.at, stamp),
                (),
                render.break_cells,
                item,
                key,
                now,
                tz,
            )
        )
    return tuple(rows)


def draw_staff(
    loads: Sequence[StaffLoad], context: DrawContext, drawn: DrawnRows
) -> tuple[Row, ...]:
    today, stamp, tags = context.today, context.stamp, context.tags
    ordered = sorted(loads, key=lambda s: render.shown(s.staff.name).casefold())
    return tuple(
        drawn.row(
            "staff",
            str(load.staff.id),
            load,
            stamp,
            _never,
            (),
            render.staff_cells,
            load,
            today,
            tags,
        )
        for load in ordered
    )


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


def _never() -> float:
    return math.inf


def draw(
    data: BoardData,
    config: Any,
    drawn: DrawnRows | None = None,
    everyone: Sequence[StaffView] = (),
) -> tuple[dict[int, str], dict[str, tuple[Row, ...]]]:
    """Every row of every list (off the UI thread; cells drawn later, when shown)."""
    drawn = drawn if drawn is not None else DrawnRows()
    context = drawn.start(data, config, everyone)
    breaks = breaks_by_client(data.breaks)
    ordered = drawn.ordered(data.episodes, breaks)
    rows = {
        "episodes": draw_episodes(ordered, context, drawn, breaks, data.dialog_of()),
        "breaks": draw_breaks(data.breaks, context, drawn),
        "staff": draw_staff(data.staff, context, drawn),
    }
    for view, drawn_rows in rows.items():
        drawn.forget(view, (row[0] for row in drawn_rows))
    return context.tags, rows
