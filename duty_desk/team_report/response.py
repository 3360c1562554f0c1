"""Immediate response: how soon a first meeting HAPPENED after an accepted referral was
received (a meeting booked, cancelled or not attended is not a response), against the
24 hours and against each referral's own respond-by time; the misses with their reason.

The referrals counted are those received in the period (by the local day received) and
accepted into POD (the standing decision; an acceptance reversed is not counted), in the
area chosen. Times are real elapsed hours between the stored UTC instants, so 24 hours
across a clock change is 24 hours, though the wall clock then shows 23 or 25 hours on
(the rule ``rules.respond_by`` uses). A referral whose first meeting has not happened
yet by the time the report is made is "still waiting": it counts as a miss once the
mark (24 hours, or its respond-by time) has passed, and is left out of that share until
then. Read as one aggregated row per accepted referral received in the period (its
times and conditional counts of its meetings, GROUP BY in SQL): a few thousand a year
at the busiest, the percentiles then worked out in Python.

Definitions:

- referrals (Accepted referrals): referrals received in the period and accepted into POD,
  each an episode of care; the population of every figure below.
- seen (Seen): of them, those with a meeting that happened (recorded as happened), by the
  time the report is made.
- still_waiting (Still waiting): of them, those with no meeting that happened yet and the
  episode still open.
- median_hours (Median hours to first meeting): the median of the hours from received to
  the start of the first meeting that happened, over the referrals seen (real elapsed
  hours; the median of an even count is the mean of the middle two).
- p90_hours (90th percentile, hours): the 90th percentile of the same hours (linear
  interpolation between the closest ranks, as a spreadsheet's PERCENTILE.INC).
- within_24h (Seen within 24 hours): the share of the referrals whose first meeting
  happened within 24 real hours of receipt (at 24:00:00 exactly still counts), of those
  seen plus those not seen whose 24 hours have passed (or whose episode ended unseen).
- within_target (Seen by the respond-by time): the same share against each referral's
  respond-by time (received plus the shorter of [team] response_hours and its urgency's
  respond_within_hours, as worked out on receipt or on a change of urgency): first meeting
  at or before it, of those seen plus those not seen whose respond-by time has passed.
- misses (Missed respond-by times): every referral of them whose first meeting did not
  happen by its respond-by time, that time being past: referral number, local day
  received, urgency, the target in hours, the hours to the first meeting (none: not seen
  yet, or the episode ended unseen), and the reason (as miss_reasons). No names.
- miss_reasons (Misses by reason): the misses per reason, worked out from what is
  recorded, the first that applies: person_cancelled (a meeting starting by the
  respond-by time was cancelled by the person or their network, the person declining),
  did_not_attend (a meeting starting by then was not attended), team_cancelled (a meeting
  starting by then was cancelled by the team: no staff, sickness...), not_recorded (a
  meeting starting by then has no outcome recorded), closed_hours (the respond-by time
  fell while the team was closed (``opening.due_while_closed``: a weekend, a bank
  holiday, the evening), or the referral was handed over to the out-of-hours service),
  booked_late (a meeting starting by the first that happened (or by now) was booked as
  the first meeting to start after the respond-by time, with a reason typed at booking: the reason, often "no staff", is on the meeting, not here),
  ended_unseen (the episode ended with no meeting that happened), none_recorded
  (nothing recorded explains it: still waiting with no meeting booked by the deadline).
- weekly_median (Median hours, week by week): the median hours to the first meeting of
  the referrals seen, per local week received (Monday to Sunday; the first and last
  weeks hold only the days inside the period); none for a week with nobody seen.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, func, literal, select, type_coerce

from duty_desk import opening, timeutil
from duty_desk.models import (
    CancelledBy,
    Client,
    ClientStatus,
    Meeting,
    MeetingStatus,
    OohHandover,
    Referral,
    ReferralStatus,
    table_of,
)
from duty_desk.repo.sql import instant, must_instant, run

from .intake import percentile, ratio, weeks_of
from .model import Figure, Part, Series, Table

if TYPE_CHECKING:
    from sqlmodel import Session

    from duty_desk.config import TeamSettings

    from .model import Scope

TITLE = "Immediate response"
KEY = "response"
DAY = dt.timedelta(hours=24)
REASONS = (
    "person_cancelled",
    "did_not_attend",
    "team_cancelled",
    "not_recorded",
    "closed_hours",
    "booked_late",
    "ended_unseen",
    "none_recorded",
)


@dataclass(frozen=True)
class Row:
    """One accepted referral received in the period, with what its meetings say."""

    referral: int
    received: dt.datetime
    respond_by: dt.datetime
    urgency: str
    ended: bool  # the episode ended (discharged)
    first: dt.datetime | None  # start of the first meeting that happened
    counts: dict[str, int]  # meetings starting by the respond-by time, per reason
    late_booked: bool
    handed_over: bool

    @property
    def hours(self) -> float | None:
        if self.first is None:
            return None
        return (self.first - self.received).total_seconds() / 3600


def _rows(session: Session, scope: Scope) -> list[Row]:
    referrals, clients, meetings = table_of(Referral), table_of(Client), table_of(Meeting)
    r, c, m = referrals.c, clients.c, meetings.c

    def first_happened() -> Any:
        met = meetings.alias("met")
        return (
            select(met.c.starts_at)
            .where(met.c.client_id == c.id, met.c.status == MeetingStatus.happened.value)
            .order_by(met.c.starts_at)
            .limit(1)
            .correlate(clients)
            .scalar_subquery()
        )

    def count(*conditions: Any, until: Any = r.respond_by) -> Any:
        """Of the episode's meetings starting by ``until`` (the index on client and
        start finds them), how many meet ``conditions``."""
        return (
            select(func.count())
            .select_from(meetings)
            .where(m.client_id == c.id, m.starts_at <= until, *conditions)
            .correlate(referrals, clients)
            .scalar_subquery()
        )

    cancelled = m.status == MeetingStatus.cancelled.value
    # A respond-by time is at most [team] response_hours after receipt (rules.respond_by),
    # and that setting at most 14 days: the largest it can be, not today's value, so that
    # referrals stored under an earlier, longer setting are still found.
    slack = dt.timedelta(days=14, minutes=1)
    query = (
        select(
            r.id,
            type_coerce(r.received_at, String),
            type_coerce(r.respond_by, String),
            r.urgency,
            c.status,
            type_coerce(first_happened(), String),
            count(cancelled, m.cancelled_by == CancelledBy.client.value),
            count(m.status == MeetingStatus.did_not_attend.value),
            count(cancelled, m.cancelled_by == CancelledBy.team.value),
            count(m.status == MeetingStatus.booked.value, m.starts_at < scope.now),
            count(
                m.late_reason.is_not(None),
                until=func.coalesce(first_happened(), literal(scope.now, m.starts_at.type)),
            ),
        )
        .select_from(referrals)
        .join(clients, c.referral_id == r.id)
        .where(
            r.status == ReferralStatus.accepted.value,
            c.status != ClientStatus.reversed.value,
            r.received_at >= scope.start_utc,
            r.received_at < scope.end_utc,
            # Implied by the two above (see slack), stated so that the index on status and
            # respond-by finds the accepted referrals without reading every one received.
            r.respond_by >= scope.start_utc,
            r.respond_by <= scope.end_utc + slack,
        )
    )
    ooh = table_of(OohHandover)
    handed = (
        select(ooh.c.referral_id)
        .join(referrals, r.id == ooh.c.referral_id)
        .where(r.received_at >= scope.start_utc, r.received_at < scope.end_utc)
    )
    if scope.area is not None:
        query = query.where(r.area == scope.area)
        handed = handed.where(r.area == scope.area)
    handed_over = {row[0] for row in run(session, handed)}
    found = []
    for rid, received, due, urgency, status_, first, person, dna, team, unrec, late in run(
        session, query
    ):
        found.append(
            Row(
                referral=int(rid),
                received=must_instant(received),
                respond_by=must_instant(due),
                urgency=urgency,
                ended=status_ == ClientStatus.discharged.value,
                first=instant(first),
                counts={
                    "person_cancelled": int(person),
                    "did_not_attend": int(dna),
                    "team_cancelled": int(team),
                    "not_recorded": int(unrec),
                },
                late_booked=bool(late),
                handed_over=int(rid) in handed_over,
            )
        )
    return sorted(found, key=lambda row: (row.received, row.referral))


class ClosedAt:
    """``opening.due_while_closed`` for many instants: the same rule (closed, and not
    exactly at closing time), each local day's opening hours worked out once by
    ``opening.hours_of`` (a year's misses would otherwise cost a pendulum conversion and
    a bank-holiday look-up each). A test holds the two to the same answers."""

    def __init__(self, team: TeamSettings) -> None:
        self.team = team
        self.zone = ZoneInfo(team.timezone)
        self.days: dict[dt.date, tuple[dt.datetime, dt.datetime] | None] = {}

    def __call__(self, deadline: dt.datetime) -> bool:
        day = deadline.astimezone(self.zone).date()
        if day not in self.days:
            self.days[day] = opening.hours_of(day, self.team)
        hours = self.days[day]
        if hours is None:
            return True
        opens, closes = hours
        return not opens <= deadline < closes and deadline != closes


def reason(row: Row, closed: Callable[[dt.datetime], bool]) -> str:
    """Why ``row`` missed its respond-by time (see miss_reasons)."""
    for name in REASONS[:4]:
        if row.counts[name]:
            return name
    if row.handed_over or closed(row.respond_by):
        return "closed_hours"
    if row.late_booked:
        return "booked_late"
    if row.first is None and row.ended:
        return "ended_unseen"
    return "none_recorded"


def _share(rows: list[Row], mark: Any, now: dt.datetime) -> Figure:
    """Of the rows decided against ``mark(row)`` (seen, mark passed, or ended unseen), the
    share seen by it (``key`` filled in by the caller), with how many were decided."""
    met = decided = 0
    for row in rows:
        deadline = mark(row)
        if row.first is not None:
            decided += 1
            met += row.first <= deadline
        elif row.ended or now > deadline:
            decided += 1
    return Figure("", ratio(met, decided), "share", n=decided)


def compute(session: Session, scope: Scope) -> Part:
    rows = _rows(session, scope)
    now = timeutil.as_utc(scope.now)
    hours = [h for row in rows if (h := row.hours) is not None]
    misses = [
        row
        for row in rows
        if (row.first is None and (row.ended or now > row.respond_by))
        or (row.first is not None and row.first > row.respond_by)
    ]
    closed = ClosedAt(scope.config.team)
    why = {row.referral: reason(row, closed) for row in misses}
    weeks = weeks_of(scope)
    weekly: dict[int, list[float]] = defaultdict(list)
    for row in rows:
        if row.hours is not None:
            weekly[weeks.index(row.received)].append(row.hours)
    by_reason = Counter(why.values())
    zone = ZoneInfo(scope.tz)
    figures = (
        Figure(f"{KEY}.referrals", len(rows), "count"),
        Figure(f"{KEY}.seen", len(hours), "count"),
        Figure(
            f"{KEY}.still_waiting",
            sum(1 for row in rows if row.first is None and not row.ended),
            "count",
        ),
        Figure(f"{KEY}.median_hours", percentile(hours, 0.5), "hours", n=len(hours)),
        Figure(f"{KEY}.p90_hours", percentile(hours, 0.9), "hours", n=len(hours)),
        replace(_share(rows, lambda row: row.received + DAY, now), key=f"{KEY}.within_24h"),
        replace(_share(rows, lambda row: row.respond_by, now), key=f"{KEY}.within_target"),
    )
    tables = (
        Table(
            f"{KEY}.misses",
            ("referral", "received", "urgency", "target_hours", "hours", "reason"),
            tuple(
                (
                    row.referral,
                    row.received.astimezone(zone).date().isoformat(),
                    row.urgency,
                    round((row.respond_by - row.received).total_seconds() / 3600, 2),
                    None if row.hours is None else round(row.hours, 2),
                    why[row.referral],
                )
                for row in misses
            ),
        ),
        Table(
            f"{KEY}.miss_reasons",
            ("reason", "referrals"),
            tuple((name, by_reason[name]) for name in REASONS),
        ),
    )
    series = (
        Series(
            f"{KEY}.weekly_median",
            weeks.mondays,
            (
                (
                    "median_hours",
                    tuple(percentile(weekly[i], 0.5) for i in range(len(weeks.mondays))),
                ),
            ),
        ),
    )
    return Part(KEY, figures, tables, series)
