"""The booking rules of ``duty_desk.scheduling``, checked against the database: who is
busy or away, input checks, and the row locks a booking takes on servers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlmodel import Session, col, select

from duty_desk import models, scheduling, timeutil
from duty_desk.errors import InputErrors
from duty_desk.models import Absence, Client, Meeting, PlaceKind, Staff
from duty_desk.validation import clean_text
from duty_desk.views import ScheduleProblem

from .base import Context

BUSY = scheduling.BUSY_STATUSES
MIN_MINUTES = 5
MAX_MINUTES = int(scheduling.MAX_MEETING.total_seconds() // 60)
MAX_PLACE_DETAIL = 300
_BUSY_COLUMNS: tuple[Any, ...] = (
    Meeting.id,
    Meeting.client_id,
    Meeting.starts_at,
    Meeting.ends_at,
    Meeting.place_kind,
)


def when_busy(
    session: Session, staff_ids: Iterable[int], client_id: int, start: dt.datetime, end: dt.datetime
) -> list[scheduling.Busy]:
    """Booked or happened meetings of these staff or this client touching [start, end)."""
    wanted = sorted(set(staff_ids))
    window = (
        Meeting.starts_at < end,
        Meeting.starts_at > start - scheduling.MAX_MEETING,
        Meeting.ends_at > start,
        col(Meeting.status).in_(BUSY),
    )
    found: dict[int, tuple[Any, ...]] = {}
    staff_of: dict[int, set[int]] = {}
    if wanted:
        # The meetings in the time window (the starts_at index: a few hundred rows a day),
        # then each one's staff by meeting (the meeting_id index), kept if wanted. The
        # "+ 0" keeps the staff_id index out of it: SQLite otherwise probes it once for
        # every staff member and every meeting in the window, about 220,000 probes when
        # the core-team step asks about all 200 staff (30 ms, against 1.4 ms this way).
        columns: tuple[Any, ...] = (*_BUSY_COLUMNS, models.MeetingStaff.staff_id)
        for mid, cid, starts, ends, place, staff_id in session.exec(
            select(*columns)
            .join(models.MeetingStaff, col(models.MeetingStaff.meeting_id) == Meeting.id)
            .where((col(models.MeetingStaff.staff_id) + 0).in_(wanted), *window)
        ):
            found[mid or 0] = (cid, starts, ends, place)
            staff_of.setdefault(mid or 0, set()).add(staff_id)
    for mid, cid, starts, ends, place in session.exec(
        select(*_BUSY_COLUMNS).where(Meeting.client_id == client_id, *window)
    ):
        found[mid or 0] = (cid, starts, ends, place)
    # The instants as read (aware UTC, plain datetimes): the rules only compare them and
    # subtract them, thousands of times when the core-team step looks for who is free.
    return [
        scheduling.Busy(mid, cid, starts, ends, place, frozenset(staff_of.get(mid, ())))
        for mid, (cid, starts, ends, place) in found.items()
    ]


def when_away(
    session: Session, staff_ids: Iterable[int], first: dt.date, last: dt.date
) -> list[scheduling.Away]:
    wanted = sorted(set(staff_ids))
    if not wanted:
        return []
    columns: tuple[Any, ...] = (
        Absence.staff_id,
        Absence.starts_on,
        Absence.ends_on,
        Absence.kind,
        Absence.starts_time,
        Absence.ends_time,
    )
    rows = session.exec(
        select(*columns).where(
            col(Absence.staff_id).in_(wanted),
            col(Absence.cancelled) == False,  # noqa: E712
            Absence.starts_on <= last,
            Absence.ends_on >= first,
        )
    ).all()
    return [scheduling.Away(*row) for row in rows]


def staff_names(session: Session, staff_ids: Sequence[int]) -> dict[int, str]:
    """Names of the given staff; InputErrors("staff") when one is unknown or has left."""
    rows = session.exec(
        select(Staff.id, Staff.name, Staff.active).where(col(Staff.id).in_(sorted(set(staff_ids))))
    ).all()
    known = {sid: (name, active) for sid, name, active in rows}
    missing = [sid for sid in staff_ids if sid not in known]
    if missing:
        raise InputErrors({"staff": f"no staff member number {missing[0]}"})
    gone = [known[sid][0] for sid in staff_ids if not known[sid][1]]
    if gone:
        raise InputErrors({"staff": f"{gone[0]} has left the staff list"})
    return {sid or 0: name for sid, (name, _active) in known.items()}


def find_problems(
    ctx: Context,
    session: Session,
    client_id: int,
    start: dt.datetime,
    end: dt.datetime,
    staff_ids: Sequence[int],
    place_kind: str,
    moving: int | None,
) -> list[ScheduleProblem]:
    names = staff_names(session, staff_ids)
    meetings = ctx.config.meetings
    reach = dt.timedelta(minutes=meetings.travel_buffer_minutes)
    busy = when_busy(session, staff_ids, client_id, start - reach, end + reach)
    days = scheduling.local_days(start, end, ctx.tz)
    away = when_away(session, staff_ids, days[0], days[-1])
    candidate = scheduling.Candidate(client_id, start, end, tuple(staff_ids), place_kind, moving)
    return scheduling.problems(
        candidate, busy, away, names, ctx.config.team, meetings, timeutil.now()
    )


def lock(ctx: Context, session: Session, client_id: int, staff_ids: Iterable[int]) -> None:
    """PostgreSQL: lock the client row, then the staff rows in id order (a fixed order,
    so two bookings never wait on each other in a circle). SQLite: BEGIN IMMEDIATE
    already holds the only write lock."""
    if ctx.db.is_sqlite:
        return
    session.exec(select(Client.id).where(Client.id == client_id).with_for_update()).all()
    session.exec(
        select(Staff.id)
        .where(col(Staff.id).in_(sorted(set(staff_ids))))
        .order_by(col(Staff.id))
        .with_for_update()
    ).all()


def check_input(
    starts_at: dt.datetime,
    minutes: int,
    staff_ids: Sequence[int],
    place_kind: str | None = None,
    place_detail: str | None = None,
) -> tuple[dt.datetime, dt.datetime, str]:
    errors: dict[str, str] = {}
    if not isinstance(starts_at, dt.datetime) or starts_at.tzinfo is None:
        errors["when"] = "the start time must carry a time zone"
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not (MIN_MINUTES <= minutes <= MAX_MINUTES)
    ):
        errors["minutes"] = f"a meeting lasts {MIN_MINUTES} to {MAX_MINUTES} minutes"
    if not staff_ids:
        errors["staff"] = "choose at least one staff member"
    elif len(set(staff_ids)) != len(staff_ids):
        errors["staff"] = "a staff member is listed twice"
    if place_kind is not None and place_kind not in {p.value for p in PlaceKind}:
        errors["place"] = (
            f"unknown place {place_kind!r} (expected one of: "
            f"{', '.join(p.value for p in PlaceKind)})"
        )
    detail = ""
    if place_detail is not None:
        try:
            detail = clean_text(
                place_detail, label="place", required=False, max_len=MAX_PLACE_DETAIL
            )
        except ValueError as exc:
            errors["place_detail"] = str(exc)
    if errors:
        raise InputErrors(errors)
    start = timeutil.as_utc(starts_at)
    return start, start.add(minutes=minutes), detail
