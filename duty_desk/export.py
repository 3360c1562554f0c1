"""Exporting as JSON, CSV or iCalendar, streamed: the names older callers use, each
now a thin wrapper over the report registry (``duty_desk.reports``).

Times are ISO 8601 in the team's zone with its offset
(``2026-06-01T09:00:00+01:00``), dates ISO (``1990-02-01``). Output is UTF-8
(no byte-order mark). JSON is one list of objects; CSV has a header line and
RFC 4180 quoting, text cells that would run as a spreadsheet formula
neutralised. A regular file is written under a temporary name beside the
target and renamed into place only when complete, so a failure never leaves a
half-written export; a pipe or device is written in place (:func:`atomic_output`,
:func:`output_target`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any

from . import reports
from .reports import audit, clients, meetings, referrals
from .reports.writers import atomic_output, output_target, write_csv, write_json

if TYPE_CHECKING:
    from .repository import Repository

KINDS = ("referrals", "audit")
FORMATS = ("json", "csv")
MEETING_FORMATS = ("json", "csv", "ics")

REFERRAL_COLUMNS = referrals.COLUMNS
AUDIT_COLUMNS = audit.COLUMNS
MEETING_COLUMNS = meetings.COLUMNS
CLIENT_COLUMNS = clients.COLUMNS
referral_record = referrals.record
audit_record = audit.record
meeting_record = meetings.record
client_record = clients.record


def records(kind: str, repo: Repository) -> tuple[tuple[str, ...], Iterator[Mapping[str, Any]]]:
    """The columns and a stream of records for ``kind`` (any report without parameters)."""
    found = reports.REPORTS.get(kind)
    if found is None or found.params:
        raise ValueError(kind)
    return found.columns_for(repo.config), iter(found.rows(repo, reports.Params()))


def export(kind: str, fmt: str, repo: Repository, out: IO[bytes]) -> int:
    return reports.run(reports.report(kind), fmt, repo, out)


def export_meetings(
    repo: Repository,
    start: dt.date,
    end: dt.date,
    fmt: str,
    out: IO[bytes],
    staff_login: str | None = None,
) -> int:
    """Meetings starting on local dates ``start`` to ``end`` (inclusive), any status, for the
    whole team or one staff member, as json, csv or ics (see ``duty_desk.ics``)."""
    params = reports.Params(start=start, end=end, staff_login=staff_login)
    return reports.run(meetings.REPORT, fmt, repo, out, params)


def export_clients(
    repo: Repository, fmt: str, out: IO[bytes], include_discharged: bool = True
) -> int:
    """Every episode (or only the open ones) in order of acceptance, as json or csv."""
    params = reports.Params(include_discharged=include_discharged)
    return reports.run(clients.REPORT, fmt, repo, out, params)


__all__ = [
    "AUDIT_COLUMNS",
    "CLIENT_COLUMNS",
    "FORMATS",
    "KINDS",
    "MEETING_COLUMNS",
    "MEETING_FORMATS",
    "REFERRAL_COLUMNS",
    "atomic_output",
    "audit_record",
    "client_record",
    "export",
    "export_clients",
    "export_meetings",
    "meeting_record",
    "output_target",
    "records",
    "referral_record",
    "write_csv",
    "write_json",
]
