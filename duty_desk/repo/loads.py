"""Caseloads: each active staff member's open episodes (core team and key worker)
against their capacity, their current and future absences, and who has most room."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session

from duty_desk import models, scheduling
from duty_desk.models import Absence, AbsenceKind, Client, ClientStatus, Staff, table_of
from duty_desk.views import AbsenceView, EpisodeView, StaffLoad, StaffView

from .sql import cols, run


def absence_rows(
    session: Session, from_day: dt.date, staff_id: int | None = None
) -> list[AbsenceView]:
    """Absences not cancelled that end on or after ``from_day``, soonest first."""
    absence, staff = cols(Absence), cols(Staff)
    query = absences_query().where(absence.ends_on >= from_day)
    if staff_id is not None:
        query = query.where(absence.staff_id == staff_id)
    return absence_views(session, query.order_by(absence.starts_on, staff.name, absence.id))


def absences_query() -> Any:
    """Absences not cancelled, each with its staff member's login and name (Core: see
    repo/sql.py); the caller adds its conditions and order (:func:`absence_views`)."""
    absence, staff = cols(Absence), cols(Staff)
    return (
        sa_select(
            *table_of(Absence).columns,
            staff.login.label("staff_login"),
            staff.name.label("staff_name"),
        )
        .join(table_of(Staff), absence.staff_id == staff.id)
        .where(absence.cancelled == False)  # noqa: E712 - SQL, not Python truth
    )


def absence_views(session: Session, query: Any) -> list[AbsenceView]:
    """The views of an :func:`absences_query`'s rows."""
    return [absence_view(row, row.staff_login, row.staff_name) for row in run(session, query)]


def absence_view(row: Any, login: str, name: str) -> AbsenceView:
    """An AbsenceView from an Absence (or a row of its columns)."""
    return AbsenceView(
        id=row.id or 0,
        staff_id=row.staff_id,
        staff_login=login,
        staff_name=name,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        kind=AbsenceKind(row.kind),
        note=row.note,
        version=row.version,
        starts_time=row.starts_time,
        ends_time=row.ends_time,
    )


def _counts(session: Session) -> tuple[dict[int, int], dict[int, int]]:
    """Open episodes per staff member: in the core team, and as key worker."""
    team, client = cols(models.CoreTeamMember), cols(Client)
    core_counts = dict(
        run(
            session,
            sa_select(team.staff_id, func.count())
            .join(table_of(Client), team.client_id == client.id)
            .where(client.status == ClientStatus.open.value)
            .group_by(team.staff_id),
        ).all()
    )
    key_counts = dict(
        run(
            session,
            sa_select(client.key_worker_id, func.count())
            .where(client.status == ClientStatus.open.value, client.key_worker_id.is_not(None))
            .group_by(client.key_worker_id),
        ).all()
    )
    return core_counts, key_counts


def loads(
    session: Session,
    staff: dict[int, StaffView],
    today: dt.date,
    absences: Sequence[AbsenceView] | None = None,
    open_episodes: Sequence[EpisodeView] | None = None,
) -> dict[int, StaffLoad]:
    """Every active staff member's open caseload and current and future absences
    (counted from ``open_episodes`` when the caller has read every open one)."""
    if open_episodes is not None:
        core_counts: dict[int, int] = defaultdict(int)
        key_counts: dict[int, int] = defaultdict(int)
        for e in open_episodes:
            for member in e.core_team:
                core_counts[member.id] += 1
            if e.key_worker is not None:
                key_counts[e.key_worker.id] += 1
    else:
        core_counts, key_counts = _counts(session)
    away: dict[int, list[AbsenceView]] = defaultdict(list)
    for absence in absences if absences is not None else absence_rows(session, today):
        away[absence.staff_id].append(absence)
    return {
        sid: StaffLoad(
            staff=member,
            core_count=int(core_counts.get(sid, 0)),
            key_count=int(key_counts.get(sid, 0)),
            absences=tuple(away[sid]),
        )
        for sid, member in staff.items()
        if member.active
    }


def away_on(load: StaffLoad, day: dt.date) -> bool:
    """Away for any part of the local ``day``."""
    return any(a.starts_on <= day <= a.ends_on for a in load.absences)


def as_away(absence: AbsenceView) -> scheduling.Away:
    """The booking rules' view of an absence."""
    return scheduling.Away(
        absence.staff_id,
        absence.starts_on,
        absence.ends_on,
        absence.kind.value,
        absence.starts_time,
        absence.ends_time,
    )


def away_between(load: StaffLoad, start: dt.datetime, end: dt.datetime, tz: str) -> bool:
    """Away for any of [start, end) (part-day absences by their hours)."""
    return any(scheduling.away_during(as_away(a), start, end, tz) for a in load.absences)


def by_room(found: Iterable[StaffLoad], today: dt.date) -> list[StaffLoad]:
    """Most room first; those away today last."""
    return sorted(
        found,
        key=lambda load: (
            away_on(load, today),
            -load.room,
            load.staff.name.casefold(),
            load.staff.id,
        ),
    )
