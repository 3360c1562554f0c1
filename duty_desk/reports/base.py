"""What a report is: a name, the parameters it takes, its columns, and its rows (plain
mappings, one per record) read through the repository. Writers (JSON, CSV) and the
CLI's ``duty-desk export`` work from this alone; a report screen can too.

Report modules stay light to import (the CLI builds its help from them): anything
heavy (times, the repository) is imported inside the functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from duty_desk.config import Config
    from duty_desk.repository import Repository

# The parameters a report may take (the CLI's options for them).
DATES = "dates"  # --from DATE --to DATE: local dates, inclusive
STAFF = "staff"  # --staff LOGIN
DISCHARGED = "discharged"  # --include-discharged/--open-only
SPAN = "span"  # --from DATE --to DATE, each optional (none: from the first / to the last)
AREA = "area"  # --area AREA: one area of the settings (none: every area); issue 14

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Params:
    """The values of a report's parameters (those it does not take stay None)."""

    start: dt.date | None = None
    end: dt.date | None = None
    staff_login: str | None = None
    include_discharged: bool = True
    area: str | None = None  # issue 14 (the team report): one area, None for all
    with_comments: bool = False  # issue 14: the team report's free-text comments too


Rows = Callable[["Repository", Params], Iterable[Row]]
Writer = Callable[["Repository", Params, IO[bytes]], int]


@dataclass(frozen=True)
class Report:
    """One report. ``rows`` checks its parameters before returning (so nothing is written
    when they are wrong) and then streams. ``writers``: formats other than json and csv,
    each writing the whole output itself (meetings as ics)."""

    name: str
    noun: str  # one record, for "Wrote 1 referral"
    plural: str
    columns: tuple[str, ...]
    rows: Rows
    help: str  # lines for the CLI's help, naming the columns
    params: frozenset[str] = frozenset()
    writers: Mapping[str, Writer] = field(default_factory=dict)
    # Columns that follow the settings (DIALOG's items): given, they replace ``columns``.
    columns_of: Callable[[Config], tuple[str, ...]] | None = None

    def columns_for(self, config: Config) -> tuple[str, ...]:
        return self.columns_of(config) if self.columns_of is not None else self.columns

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(("json", "csv", *self.writers)))

    def count_words(self, count: int) -> str:
        return f"{count} {self.noun if count == 1 else self.plural}"


def local_time(value: dt.datetime | None, tz: str) -> str | None:
    """An instant as ISO 8601 in the team's zone with its offset."""
    from duty_desk import timeutil

    return timeutil.fmt_local(value, tz, "iso") if value is not None else None
