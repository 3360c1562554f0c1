"""Exporting referrals and the audit log as JSON or CSV, streamed.

Times are ISO 8601 in the team's zone with its offset
(``2026-06-01T09:00:00+01:00``), dates ISO (``1990-02-01``). Output is UTF-8
(no byte-order mark). JSON is one list of objects; CSV has a header line and
RFC 4180 quoting. A file is written under a temporary name beside the target
and renamed into place only when complete, so a failure never leaves a
half-written export (:func:`atomic_output`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from . import timeutil

if TYPE_CHECKING:
    from .repository import Repository
    from .views import AuditEntry, EpisodeView, MeetingView, ReferralView

KINDS = ("referrals", "audit")
FORMATS = ("json", "csv")

REFERRAL_COLUMNS: tuple[str, ...] = (
    "id",
    "received_at",
    "respond_by",
    "name",
    "date_of_birth",
    "nhs_number",
    "phone",
    "area",
    "gp_practice",
    "source",
    "urgency",
    "reason",
    "notes",
    "status",
    "triage_by",
    "triage_since",
    "onward",
    "decision_reason",
    "eligibility_override",
    "decided_by",
    "decided_at",
)
AUDIT_COLUMNS: tuple[str, ...] = (
    "id", "at", "actor", "action", "entity", "entity_id", "before", "after",
)

# Keys inside an audit entry's before/after that hold instants (stored as UTC text).
_INSTANT_KEYS = frozenset({
    "received_at", "respond_by", "triage_since", "decided_at", "accepted_at",
    "discharged_at", "created_at", "starts_at", "ends_at",
})


def _time(value: dt.datetime | None, tz: str) -> str | None:
    return timeutil.fmt_local(value, tz, "iso") if value is not None else None


def referral_record(referral: ReferralView, tz: str) -> dict[str, Any]:
    return {
        "id": referral.id,
        "received_at": _time(referral.received_at, tz),
        "respond_by": _time(referral.respond_by, tz),
        "name": referral.name,
        "date_of_birth": referral.date_of_birth.isoformat(),
        "nhs_number": referral.nhs_number or None,
        "phone": referral.phone,
        "area": referral.area,
        "gp_practice": referral.gp_practice,
        "source": referral.source,
        "urgency": referral.urgency,
        "reason": referral.reason,
        "notes": referral.notes,
        "status": referral.status,
        "triage_by": referral.triage_by,
        "triage_since": _time(referral.triage_since, tz),
        "onward": referral.onward,
        "decision_reason": referral.decision_reason,
        "eligibility_override": referral.eligibility_override,
        "decided_by": referral.decided_by,
        "decided_at": _time(referral.decided_at, tz),
    }


def _local_values(data: Mapping[str, object] | None, tz: str) -> dict[str, object] | None:
    """An audit before/after mapping with its instants shown in the team's zone."""
    if data is None:
        return None
    out: dict[str, object] = {}
    for key, value in data.items():
        if key in _INSTANT_KEYS and isinstance(value, str):
            try:
                instant = dt.datetime.fromisoformat(value)
            except ValueError:
                instant = None
            if instant is not None and instant.tzinfo is not None:
                value = timeutil.fmt_local(instant, tz, "iso")
        out[key] = value
    return out


def audit_record(entry: AuditEntry, tz: str) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": _time(entry.at, tz),
        "actor": entry.actor,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "before": _local_values(entry.before, tz),
        "after": _local_values(entry.after, tz),
    }


def records(kind: str, repo: Repository) -> tuple[tuple[str, ...], Iterator[dict[str, Any]]]:
    """The columns and a stream of records for ``kind`` (referrals or audit)."""
    tz = repo.config.team.timezone
    if kind == "referrals":
        return REFERRAL_COLUMNS, (referral_record(r, tz) for r in repo.referrals_for_export())
    if kind == "audit":
        return AUDIT_COLUMNS, (audit_record(e, tz) for e in repo.audit_for_export())
    raise ValueError(kind)


def write_json(rows: Iterable[Mapping[str, Any]], out: IO[bytes]) -> int:
    """A JSON list, one object per line, written as the rows arrive. Returns how many."""
    count = 0
    for row in rows:
        out.write(b"[\n  " if count == 0 else b",\n  ")
        out.write(json.dumps(row, ensure_ascii=False).encode("utf-8"))
        count += 1
    out.write(b"\n]\n" if count else b"[]\n")
    return count


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(columns: tuple[str, ...], rows: Iterable[Mapping[str, Any]], out: IO[bytes]) -> int:
    """CSV with a header line; nested values (audit before/after) as JSON text."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow(columns)
        count = 0
        for row in rows:
            writer.writerow([_csv_value(row.get(column)) for column in columns])
            count += 1
        text.flush()
        return count
    finally:
        text.detach()  # leave the underlying stream open (it may be stdout)


def export(kind: str, fmt: str, repo: Repository, out: IO[bytes]) -> int:
    columns, rows = records(kind, repo)
    if fmt == "json":
        return write_json(rows, out)
    if fmt == "csv":
        return write_csv(columns, rows, out)
    raise ValueError(fmt)


# -- meetings (``duty-desk export meetings``) ----------------------------------------------

MEETING_FORMATS = ("json", "csv", "ics")
MEETING_COLUMNS: tuple[str, ...] = (
    "id", "starts_at", "ends_at", "status", "client_id", "client_name", "place_kind",
    "place_detail", "staff", "staff_attended", "network", "network_attended",
    "cancelled_by", "cancel_reason", "override_reason",
)


def meeting_record(meeting: MeetingView, logins: Mapping[int, str], tz: str) -> dict[str, Any]:
    """One meeting; staff as logins, network members by name (lists: JSON text in CSV)."""
    return {
        "id": meeting.id,
        "starts_at": _time(meeting.starts_at, tz),
        "ends_at": _time(meeting.ends_at, tz),
        "status": meeting.status,
        "client_id": meeting.client_id,
        "client_name": meeting.client_name,
        "place_kind": meeting.place_kind,
        "place_detail": meeting.place_detail,
        "staff": [logins.get(a.id, str(a.id)) for a in meeting.staff],
        "staff_attended": [logins.get(a.id, str(a.id)) for a in meeting.staff if a.attended],
        "network": [a.name for a in meeting.network],
        "network_attended": [a.name for a in meeting.network if a.attended],
        "cancelled_by": meeting.cancelled_by,
        "cancel_reason": meeting.cancel_reason,
        "override_reason": meeting.override_reason,
    }


def export_meetings(repo: Repository, start: dt.date, end: dt.date, fmt: str, out: IO[bytes],
                    staff_login: str | None = None) -> int:
    """Meetings starting on local dates ``start`` to ``end`` (inclusive), any status, for the
    whole team or one staff member, as json, csv or ics (see ``duty_desk.ics``)."""
    tz = repo.config.team.timezone
    logins = {s.id: s.login for s in repo.list_staff(include_inactive=True)}
    if staff_login is not None and staff_login not in logins.values():
        from .errors import NotFound

        raise NotFound(f"No staff member with login {staff_login!r}")
    meetings = repo.meetings_for_export(start, end, staff_login)
    if fmt == "ics":
        from .ics import write_ics

        who = staff_login or repo.config.team.name
        return write_ics(meetings, logins, f"POD meetings: {who}",
                         repo.config.meetings.team_base, out)
    rows = (meeting_record(m, logins, tz) for m in meetings)
    if fmt == "json":
        return write_json(rows, out)
    if fmt == "csv":
        return write_csv(MEETING_COLUMNS, rows, out)
    raise ValueError(fmt)


# -- clients (``duty-desk export clients``) ------------------------------------------------

CLIENT_COLUMNS: tuple[str, ...] = (
    "client_id", "referral_id", "name", "nhs_number", "area", "accepted_at", "status",
    "core_team", "key_worker", "meetings", "with_core", "with_key_worker", "upc", "coc", "secon",
    "last_meeting", "discharged_on", "discharge_kind", "discharge_reason",
)


def _figure(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def client_record(episode: EpisodeView, tz: str) -> dict[str, Any]:
    """One episode of care with its continuity figures (see ``duty_desk.continuity``):
    shares and indices are empty (null) with fewer than two meetings that happened."""
    figures = episode.continuity
    discharged = (timeutil.to_local(episode.discharged_at, tz).date().isoformat()
                  if episode.discharged_at is not None else None)
    return {
        "client_id": episode.client_id,
        "referral_id": episode.referral_id,
        "name": episode.name,
        "nhs_number": episode.nhs_number or None,
        "area": episode.area,
        "accepted_at": _time(episode.accepted_at, tz),
        "status": episode.status,
        "core_team": [member.login for member in episode.core_team],
        "key_worker": episode.key_worker.login if episode.key_worker else None,
        "meetings": figures.meetings,
        "with_core": _figure(figures.with_core),
        "with_key_worker": _figure(figures.with_key_worker),
        "upc": _figure(figures.upc),
        "coc": _figure(figures.coc),
        "secon": _figure(figures.secon),
        "last_meeting": _time(episode.last_meeting, tz),
        "discharged_on": discharged,
        "discharge_kind": episode.discharge_kind,
        "discharge_reason": episode.discharge_reason,
    }


def export_clients(repo: Repository, fmt: str, out: IO[bytes],
                   include_discharged: bool = True) -> int:
    """Every episode (or only the open ones) in order of acceptance, as json or csv."""
    tz = repo.config.team.timezone
    rows = (client_record(e, tz) for e in repo.clients_for_export(include_discharged))
    if fmt == "json":
        return write_json(rows, out)
    if fmt == "csv":
        return write_csv(CLIENT_COLUMNS, rows, out)
    raise ValueError(fmt)


@contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A file that appears at ``path`` only when everything was written.

    Written under a temporary name in the same folder (readable by the owner
    only, it holds personal data), flushed to disk, then renamed over ``path``.
    On any failure the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(target))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                               dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
