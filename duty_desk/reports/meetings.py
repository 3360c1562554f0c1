"""Report ``meetings``: meetings starting between two local dates, any status, for the
whole team or one staff member; also as iCalendar (see ``duty_desk.ics``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any

from .base import DATES, STAFF, Params, Report, local_time

if TYPE_CHECKING:
    from duty_desk.repository import Repository
    from duty_desk.views import MeetingView

COLUMNS: tuple[str, ...] = (
    "id",
    "starts_at",
    "ends_at",
    "status",
    "client_id",
    "client_name",
    "place_kind",
    "place_detail",
    "staff",
    "staff_attended",
    "network",
    "network_attended",
    "cancelled_by",
    "cancel_reason",
    "override_reason",
)


def record(meeting: MeetingView, logins: Mapping[int, str], tz: str) -> dict[str, Any]:
    """One meeting; staff as logins, network members by name (lists: JSON text in CSV)."""
    return {
        "id": meeting.id,
        "starts_at": local_time(meeting.starts_at, tz),
        "ends_at": local_time(meeting.ends_at, tz),
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


def _meetings(repo: Repository, params: Params) -> tuple[dict[int, str], Iterator[MeetingView]]:
    """Staff logins by id, and the meetings (NotFound for an unknown --staff, before any
    output)."""
    from duty_desk.errors import NotFound

    assert params.start is not None and params.end is not None
    logins = {s.id: s.login for s in repo.list_staff(include_inactive=True)}
    if params.staff_login is not None and params.staff_login not in logins.values():
        raise NotFound(f"No staff member with login {params.staff_login!r}")
    return logins, repo.meetings_for_export(params.start, params.end, params.staff_login)


def rows(repo: Repository, params: Params) -> Iterator[dict[str, Any]]:
    tz = repo.config.team.timezone
    logins, meetings = _meetings(repo, params)
    return (record(m, logins, tz) for m in meetings)


def write_ics(repo: Repository, params: Params, out: IO[bytes]) -> int:
    from duty_desk.ics import write_ics as write

    logins, meetings = _meetings(repo, params)
    who = params.staff_login or repo.config.team.name
    return write(meetings, logins, f"POD meetings: {who}", repo.config.meetings.team_base, out)


REPORT = Report(
    name="meetings",
    noun="meeting",
    plural="meetings",
    columns=COLUMNS,
    rows=rows,
    params=frozenset({DATES, STAFF}),
    writers={"ics": write_ics},
    help="""meetings --from DATE --to DATE [--staff LOGIN]: id, starts_at, ends_at,
  status (booked, happened, cancelled, did_not_attend), client_id,
  client_name, place_kind, place_detail, staff, staff_attended (logins),
  network, network_attended (names), cancelled_by, cancel_reason,
  override_reason. With --format ics: one event per meeting, times in
  UTC, the client's initials and the kind of place only (no names,
  addresses or phone numbers: calendars are synced to other services).""",
)
