"""What the team report is made of, as data: the period and area asked for (``Period``,
``Scope``), and what each part returns (``Figure``, ``Table``, ``Series``, ``Part``,
``TeamReport``). No words for people here: keys and numbers; the report screen and
``duty-desk report`` turn them into labels, tables and charts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from duty_desk.config import Config


class PeriodKind(StrEnum):
    week = "week"  # Monday to Sunday
    month = "month"
    quarter = "quarter"  # calendar quarters: Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec
    custom = "custom"  # from-to, as given


@dataclass(frozen=True)
class Period:
    """Local days ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date
    kind: PeriodKind = PeriodKind.custom

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @classmethod
    def week(cls, day: dt.date) -> Period:
        start = day - dt.timedelta(days=day.weekday())
        return cls(start, start + dt.timedelta(days=6), PeriodKind.week)

    @classmethod
    def month(cls, day: dt.date) -> Period:
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return cls(start, following - dt.timedelta(days=1), PeriodKind.month)

    @classmethod
    def quarter(cls, day: dt.date) -> Period:
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = dt.date(day.year, first_month, 1)
        end = cls.month(dt.date(day.year, first_month + 2, 1)).end
        return cls(start, end, PeriodKind.quarter)

    @classmethod
    def of(cls, kind: PeriodKind, day: dt.date) -> Period:
        """The week, month or quarter holding ``day`` (custom: that day alone)."""
        if kind is PeriodKind.week:
            return cls.week(day)
        if kind is PeriodKind.month:
            return cls.month(day)
        if kind is PeriodKind.quarter:
            return cls.quarter(day)
        return cls(day, day)

    def shifted(self, steps: int) -> Period:
        """The period ``steps`` periods of the same kind later (earlier when negative); a
        custom period moves by its own length."""
        if self.kind is PeriodKind.custom:
            length = (self.end - self.start).days + 1
            delta = dt.timedelta(days=length * steps)
            return Period(self.start + delta, self.end + delta)
        moved = self
        for _ in range(abs(steps)):
            day = (
                moved.end + dt.timedelta(days=1)
                if steps > 0
                else moved.start - dt.timedelta(days=1)
            )
            moved = Period.of(self.kind, day)
        return moved

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Scope:
    """What one report is computed for: the period, the area (None: every area), the
    team's settings (its zone, places, urgencies...) and the instant it is computed at
    (``now``, UTC): a period not over yet counts only up to it."""

    period: Period
    area: str | None
    config: Config
    now: dt.datetime

    @property
    def tz(self) -> str:
        return self.config.team.timezone

    @property
    def start_utc(self) -> dt.datetime:
        """The first instant of the period (midnight local time, as UTC)."""
        from duty_desk import timeutil

        return timeutil.local_to_utc(dt.datetime.combine(self.period.start, dt.time()), self.tz)

    @property
    def end_utc(self) -> dt.datetime:
        """The first instant after the period (midnight after its last day, as UTC)."""
        from duty_desk import timeutil

        after = self.period.end + dt.timedelta(days=1)
        return timeutil.local_to_utc(dt.datetime.combine(after, dt.time()), self.tz)


Number = int | float | None


@dataclass(frozen=True)
class Figure:
    """One figure. ``key`` is ``part.name`` and has a definition (``definitions``);
    ``unit`` says how to read ``value``: "count", "share" (0 to 1), "hours", "days",
    "score" (DIALOG 1-7) or "ratio". ``value`` None: nothing to compute it from in the
    period (shown as a dash, never as 0). ``n``: how many records it was computed from,
    where that is not the value itself."""

    key: str
    value: Number
    unit: str
    n: int | None = None


@dataclass(frozen=True)
class Table:
    """A breakdown (by source, by reason, by week...): ``columns`` are keys, each row a
    tuple of values in that order. Its ``key`` has a definition like a figure's."""

    key: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int | float | None, ...], ...]


@dataclass(frozen=True)
class Series:
    """Values over time for a chart: ``x`` the first day of each step (a week or month),
    ``lines`` named lists of values, one per step (None: no value that step). Its ``key``
    has a definition like a figure's."""

    key: str
    x: tuple[dt.date, ...]
    lines: tuple[tuple[str, tuple[Number, ...]], ...]


@dataclass(frozen=True)
class Part:
    """One part of the report (intake, immediate response, ...). ``has_data`` False: the
    data the part needs does not exist yet (shown as "no data yet")."""

    key: str
    figures: tuple[Figure, ...] = ()
    tables: tuple[Table, ...] = ()
    series: tuple[Series, ...] = ()
    has_data: bool = True

    @classmethod
    def no_data(cls, key: str) -> Part:
        return cls(key, has_data=False)

    def figure(self, key: str) -> Figure:
        """The figure ``key`` (its whole ``part.name`` key, or the name alone)."""
        for found in self.figures:
            if found.key in (key, f"{self.key}.{key}"):
                return found
        raise KeyError(key)


@dataclass(frozen=True)
class TeamReport:
    period: Period
    area: str | None
    generated_at: dt.datetime  # UTC
    parts: tuple[Part, ...] = field(default_factory=tuple)

    def part(self, key: str) -> Part:
        for found in self.parts:
            if found.key == key:
                return found
        raise KeyError(key)

    def figure(self, key: str) -> Figure:
        """A figure by its whole key, ``part.name``."""
        return self.part(key.split(".", 1)[0]).figure(key)
