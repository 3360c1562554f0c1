"""Caseload and capacity: the episodes of care open over the period, the meetings kept and
missed, how episodes ended and how long they lasted, and the team's caseload capacity.

An episode is a ``client`` row (one per accepted referral); it reaches an area through
its referral. An acceptance reversed is no episode and is never counted. An episode is
open at an instant from its acceptance (``accepted_at``) until the start of the local day
it was discharged on (``discharged_at`` is that midnight): one discharged on the day it
was accepted is never open. Counted in SQL (conditional
sums, GROUP BY); the acceptances and discharges inside the period are read one small row
each (a few thousand a year at the busiest) for the peak and the lengths.

Definitions:

- open_at_start (Open at start): episodes open at the first instant of the period
  (midnight starting its first local day).
- open_at_end (Open at end): episodes open at the end of the period (midnight after its
  last day), or when the report is made if that is sooner.
- new (New episodes): episodes accepted in the period (by the local day accepted).
- discharged (Discharged): episodes discharged on a local day inside the period.
- peak (Most open at once): the most episodes open at any one instant in the period (the
  open ones at its start, plus each acceptance, less each discharge, in time order; a
  discharge and an acceptance at the same instant: the discharge first; an episode
  discharged on the day it was accepted is never open).
- meetings (Meetings by outcome): the meetings of these episodes starting in the period
  (up to when the report is made), by outcome: happened, did_not_attend,
  cancelled_by_person (by the person or their network), cancelled_by_team, not_recorded
  (started, still booked: no outcome recorded).
- dna_rate (Did-not-attend rate): meetings not attended, of the meetings with an outcome
  recorded (happened plus not attended), starting in the period. Cancelled meetings are
  left out (they were not due); so are meetings with no outcome recorded (not known:
  see meetings, not_recorded).
- discharges_by_kind (Discharges by kind): the episodes discharged in the period per kind
  of ending (transfer to primary care, other).
- length_median (Length of episode, median days): for the episodes discharged in the
  period, the local days from the day accepted to the day discharged (accepted and
  discharged the same day: 0), their median.
- length_q1 (Length of episode, lower quartile): the 25th percentile of the same days
  (linear interpolation between the closest ranks).
- length_q3 (Length of episode, upper quartile): the 75th percentile of the same days.
- capacity (Caseload capacity): the whole team's capacity as the report is made: each
  active staff member's capacity (episodes they can hold as a core-team member) added
  up. The same whatever the area (staff are not per area) and whatever the period (the
  settings per person keep no history).
- core_places (Core-team places held): core-team memberships of the episodes open when the
  report is made, every area (core teams keep no history); against capacity.
- capacity_used (Capacity used): core_places as a share of capacity (above 1: over).
- staff_at_capacity (Staff at or over capacity): active staff holding as many open
  episodes as core-team member as their capacity, or more (at least one), when the
  report is made.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, and_, case, func, or_, select, type_coerce

from duty_desk import timeutil
from duty_desk.models import (
    CancelledBy,
    Client,
    ClientStatus,
    CoreTeamMember,
    DischargeKind,
    Meeting,
    MeetingStatus,
    Referral,
    Staff,
    table_of,
)
from duty_desk.repo.sql import must_instant, run

from .intake import percentile, ranged, ratio
from .model import Figure, Part, Table

if TYPE_CHECKING:
    from sqlmodel import Session

    from .model import Scope

TITLE = "Caseload and capacity"
KEY = "caseload"
OUTCOMES = (
    "happened",
    "did_not_attend",
    "cancelled_by_person",
    "cancelled_by_team",
    "not_recorded",
)


def _episodes(scope: Scope) -> tuple[Any, Any]:
    """The client and referral columns, and the episodes of the area chosen (reversed
    acceptances left out), as a FROM with its WHERE."""
    c, r = table_of(Client).c, table_of(Referral).c
    where = [c.status != ClientStatus.reversed.value]
    if scope.area is not None:
        where.append(r.area == scope.area)
    return c, and_(*where)


def outcome(status: str, cancelled_by: str | None) -> str:
    """A meeting's line in the meetings table."""
    if status == MeetingStatus.cancelled.value:
        by_person = cancelled_by == CancelledBy.client.value
        return "cancelled_by_person" if by_person else "cancelled_by_team"
    if status == MeetingStatus.booked.value:
        return "not_recorded"
    return status


def _open_at(c: Any, at: dt.datetime) -> Any:
    return and_(c.accepted_at <= at, or_(c.discharged_at.is_(None), c.discharged_at > at))


def compute(session: Session, scope: Scope) -> Part:
    c, where = _episodes(scope)
    r, m = table_of(Referral).c, table_of(Meeting).c
    start, end = scope.start_utc, scope.end_utc
    now = timeutil.as_utc(scope.now)
    until = min(end, now)
    discharged = c.status == ClientStatus.discharged.value

    def count(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    base = (
        select()
        .select_from(table_of(Client))
        .join(table_of(Referral), r.id == c.referral_id)
        .where(where)
    )
    at_start, at_end, new, gone = run(
        session,
        base.add_columns(
            count(_open_at(c, start)),
            count(_open_at(c, until)),
            count(and_(c.accepted_at >= start, c.accepted_at < end)),
            count(and_(discharged, c.discharged_at >= start, c.discharged_at < end)),
        ),
    ).one()
    # The events inside the period, for the peak; the discharges, for kinds and lengths.
    events = run(
        session,
        base.add_columns(
            type_coerce(c.accepted_at, String),
            type_coerce(c.discharged_at, String),
            c.discharge_kind,
        ).where(
            or_(
                and_(c.accepted_at >= start, c.accepted_at < end),
                and_(discharged, c.discharged_at >= start, c.discharged_at < end),
            )
        ),
    ).all()
    changes: list[tuple[dt.datetime, int]] = []
    lengths: list[float] = []
    kinds: Counter[str] = Counter()
    for accepted_raw, discharged_raw, kind in events:
        accepted_at = must_instant(accepted_raw)
        ended = must_instant(discharged_raw) if kind is not None and discharged_raw else None
        never_open = ended is not None and ended <= accepted_at  # discharged the day accepted
        if start <= accepted_at < end and not never_open:
            changes.append((accepted_at, 1))
        if ended is not None and start <= ended < end:
            if not never_open:
                changes.append((ended, -1))
            kinds[kind] += 1
            days = timeutil.to_local(ended, scope.tz).date()
            lengths.append((days - timeutil.to_local(accepted_at, scope.tz).date()).days)
    peak = running = int(at_start)
    for _, step in sorted(changes):  # -1 sorts before +1 at the same instant
        running += step
        peak = max(peak, running)
    # Meetings of these episodes starting in the period, by status and who cancelled.
    episodes = (
        select(c.id)
        .select_from(table_of(Client))
        .join(table_of(Referral), r.id == c.referral_id)
        .where(where)
    )
    starts = ranged(m.starts_at, scope)
    by_status = run(
        session,
        select(m.status, m.cancelled_by, func.count())
        .where(starts >= start, starts < until, m.client_id.in_(episodes))
        .group_by(m.status, m.cancelled_by),
    ).all()
    meetings: Counter[str] = Counter()
    for status, cancelled_by, n in by_status:
        meetings[outcome(status, cancelled_by)] += int(n)
    recorded = meetings["happened"] + meetings["did_not_attend"]
    # Capacity, the whole team, now.
    s, ctm = table_of(Staff).c, table_of(CoreTeamMember).c
    capacity = run(
        session, select(func.coalesce(func.sum(s.capacity), 0)).where(s.active.is_(True))
    ).scalar_one()
    held = (
        select(ctm.staff_id, func.count().label("held"))
        .join(table_of(Client), c.id == ctm.client_id)
        .where(c.status == ClientStatus.open.value)
        .group_by(ctm.staff_id)
        .subquery()
    )
    core_places, at_capacity = run(
        session,
        select(
            func.coalesce(func.sum(held.c.held), 0),
            count(and_(held.c.held > 0, held.c.held >= s.capacity)),
        )
        .select_from(table_of(Staff))
        .outerjoin(held, held.c.staff_id == s.id)
        .where(s.active.is_(True)),
    ).one()
    figures = (
        Figure(f"{KEY}.open_at_start", int(at_start), "count"),
        Figure(f"{KEY}.open_at_end", int(at_end), "count"),
        Figure(f"{KEY}.new", int(new), "count"),
        Figure(f"{KEY}.discharged", int(gone), "count"),
        Figure(f"{KEY}.peak", peak, "count"),
        Figure(f"{KEY}.dna_rate", ratio(meetings["did_not_attend"], recorded), "share", recorded),
        Figure(f"{KEY}.length_median", percentile(lengths, 0.5), "days", len(lengths)),
        Figure(f"{KEY}.length_q1", percentile(lengths, 0.25), "days", len(lengths)),
        Figure(f"{KEY}.length_q3", percentile(lengths, 0.75), "days", len(lengths)),
        Figure(f"{KEY}.capacity", int(capacity), "count"),
        Figure(f"{KEY}.core_places", int(core_places or 0), "count"),
        Figure(f"{KEY}.capacity_used", ratio(int(core_places or 0), int(capacity)), "ratio"),
        Figure(f"{KEY}.staff_at_capacity", int(at_capacity or 0), "count"),
    )
    known = [k.value for k in DischargeKind]
    tables = (
        Table(
            f"{KEY}.meetings",
            ("outcome", "meetings"),
            tuple((name, meetings[name]) for name in OUTCOMES),
        ),
        Table(
            f"{KEY}.discharges_by_kind",
            ("kind", "episodes"),
            tuple((kind, kinds[kind]) for kind in [*known, *sorted(set(kinds) - set(known))]),
        ),
    )
    return Part(KEY, figures, tables)
