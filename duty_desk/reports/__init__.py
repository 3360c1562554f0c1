"""The report registry: each report is one module here (name, parameters, columns,
rows), listed once in :data:`REPORTS`. ``duty-desk export`` reads it (its choices,
options, help and output), and so can a report screen.

A new report: a module with a ``REPORT = Report(...)`` (see ``base``), added to the
tuple below. The core returns data; words for people are made at the edge.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from . import audit, clients, dialog, meetings, referrals, team
from .base import AREA, DATES, DISCHARGED, SPAN, STAFF, Params, Report
from .writers import write_csv, write_json

if TYPE_CHECKING:
    from duty_desk.repository import Repository

REPORTS: dict[str, Report] = {
    report.name: report
    for report in (
        referrals.REPORT,
        audit.REPORT,
        meetings.REPORT,
        clients.REPORT,
        dialog.REPORT,
        team.REPORT,  # issue 14: the team's outcomes report
    )
}


def report(name: str) -> Report:
    """The report called ``name`` (KeyError names it when there is none)."""
    return REPORTS[name]


def taking(param: str) -> list[str]:
    """The names of the reports that take ``param``."""
    return [r.name for r in REPORTS.values() if param in r.params]


def run(
    found: Report, fmt: str, repo: Repository, out: IO[bytes], params: Params | None = None
) -> int:
    """Write report ``found`` as ``fmt`` to ``out``; returns how many records."""
    given = params or Params()
    writer = found.writers.get(fmt)
    if writer is not None:
        return writer(repo, given, out)
    if fmt == "json":
        return write_json(found.rows(repo, given), out)
    if fmt == "csv":
        return write_csv(found.columns_for(repo.config), found.rows(repo, given), out)
    raise ValueError(fmt)


__all__ = [
    "AREA",
    "DATES",
    "DISCHARGED",
    "REPORTS",
    "SPAN",
    "STAFF",
    "Params",
    "Report",
    "report",
    "run",
    "taking",
]
