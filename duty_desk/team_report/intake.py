"""Intake: the referrals the team received in the period, which were eligible, what was
decided about them, and the accepted ones against the weekly places, week by week.

A referral counts in the period of the local day it was RECEIVED (``received_at``), and in
the area it names (an area chosen: that area's referrals only). Its decision is the one
standing when the report is made (a reversed decision leaves the referral open again).
Eligibility is the rule the desk applies on accepting (``rules.eligibility_problems``:
age on the day received, one of the team's areas, a POD referral route), decided in SQL
for every referral whose age cannot change the answer inside the weeks read, and by the
rule itself for the few whose 18th or 66th birthday is near them. The weekly places are
the settings' ``[areas] weekly_cap`` as they are now (their history is not kept). Counted
in SQL (one GROUP BY over the referrals of the weeks read, bucketed by local week with
the week boundaries worked out as UTC instants, so a week with a clock change is still
Monday 00:00 to Monday 00:00 on the wall clock), never by reading every referral.

Definitions:

- received (Referrals received): referrals received in the period (by the local day
  received), whatever was decided about them.
- received_by_source (Received by source): the referrals received, per referral source
  (the settings' sources, in their order; a source no longer in the settings by its key):
  received, of them eligible, of them accepted.
- eligible (Eligible): referrals received in the period inside the client group by the
  desk's own rule: age on the local day received within [team] min_age to max_age, an
  area of the team's, and a source that is a POD referral route. An eligibility override
  does not make a referral eligible here.
- accepted (Accepted): referrals received in the period whose standing decision is
  "accept into POD" (an acceptance later reversed does not count).
- accepted_overridden (Accepted over eligibility): accepted referrals that were outside
  the client group, accepted with a recorded eligibility override.
- out_of_order (Accepted out of order): accepted referrals received in the period with a
  recorded order reason: when accepted, an earlier eligible referral in the same area and
  intake week was still waiting (the desk's accept asks for the reason then; the reason
  is cleared when the acceptance is reversed). Accepts made outside the desk's accept
  flow (imports, the demo) are not checked and so not counted.
- redirected (Redirected): referrals received in the period sent on to treatment as usual.
- redirected_by_service (Redirected, by onward service): the redirected referrals per
  onward service (the settings' onward services, in their order).
- declined (Declined): referrals received in the period declined.
- undecided (Not yet decided): referrals received in the period still open (new or being
  triaged) when the report is made, a reversed decision included.
- reasons (Why not accepted): the redirected and declined referrals received in the
  period, per reason group worked out from what is recorded (the free-text reason typed
  at the decision is never in the report: it may name people), the first that applies:
  outside_age (age outside the client group), outside_area (not one of the team's areas),
  not_pod_route (the source is not a POD referral route), places_taken (eligible, and
  the area's weekly places for the week it was received are all taken), other (eligible
  with places left: the reason is on the referral).
- weekly (Weekly intake against places): for every intake week (Monday to Sunday, local)
  that overlaps the period, whole, so the places compare like with like (the first and
  last weeks may reach outside the period): eligible referrals received that week,
  referrals accepted (by the week received, as the desk counts places), and the places
  (the weekly_cap of the area chosen, or of every area added up).
- weeks_full (Weeks with every place taken): the intake weeks of the weekly chart in
  which the accepted referrals reached the places (per area: an area chosen, its weeks;
  every area, each area's weeks counted).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, and_, case, func, literal_column, or_, select, type_coerce

from duty_desk import rules, timeutil
from duty_desk.models import OPEN_STATUSES, Referral, ReferralStatus, table_of
from duty_desk.repo.sql import day, must_instant, run

from .model import Figure, Part, Series, Table

if TYPE_CHECKING:
    from sqlmodel import Session

    from .model import Scope

TITLE = "Intake"
KEY = "intake"
LONG_DAYS = 62  # a period longer than this reads its rows by scanning (see ranged)
MARGIN = dt.timedelta(days=2)  # ages this near a boundary are decided by the rule itself
REASONS = ("outside_age", "outside_area", "not_pod_route", "places_taken", "other")


# -- weeks: shared with the other parts of this issue that chart by week -----------------------
@dataclass(frozen=True)
class Weeks:
    """The local intake weeks (Monday to Sunday) overlapping a period: their Mondays and
    their boundaries as UTC instants (``bounds[i]`` to ``bounds[i + 1]``; 167 or 169
    hours across a clock change)."""

    mondays: tuple[dt.date, ...]
    bounds: tuple[dt.datetime, ...]

    def index(self, instant: dt.datetime) -> int:
        """The week holding ``instant`` (-1: outside every week)."""
        if instant < self.bounds[0] or instant >= self.bounds[-1]:
            return -1
        return bisect.bisect_right(self.bounds, instant) - 1


def weeks_of(scope: Scope) -> Weeks:
    """The whole local weeks that overlap ``scope``'s period."""
    monday = scope.period.start - dt.timedelta(days=scope.period.start.weekday())
    mondays: list[dt.date] = []
    while monday <= scope.period.end:
        mondays.append(monday)
        monday += dt.timedelta(days=7)
    bounds = tuple(
        timeutil.local_to_utc(dt.datetime.combine(first, dt.time()), scope.tz)
        for first in (*mondays, monday)
    )
    return Weeks(tuple(mondays), bounds)


def bucket(column: Any, bounds: Sequence[dt.datetime]) -> Any:
    """SQL: the index ``i`` with ``bounds[i] <= column < bounds[i + 1]``, -1 outside; a
    balanced tree of CASEs (a few comparisons a row, portable, no date functions)."""

    def node(lo: int, hi: int) -> Any:
        if hi - lo == 1:
            return literal_column(str(lo))
        mid = (lo + hi) // 2
        return case((column < bounds[mid], node(lo, mid)), else_=node(mid, hi))

    outside = or_(column < bounds[0], column >= bounds[-1])
    return case((outside, literal_column("-1")), else_=node(0, len(bounds) - 1))


def percentile(values: Sequence[float], share: float) -> float | None:
    """The ``share`` percentile (0 to 1) by linear interpolation between the closest
    ranks (the "inclusive" method: the median of an even count is the mean of the middle
    two); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    at = share * (len(ordered) - 1)
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def ranged(column: Any, scope: Scope) -> Any:
    """``column`` as the period's range is to be compared on: itself for a short period
    (an index finds the few rows), wrapped in a COALESCE for a long one (more than
    :data:`LONG_DAYS`) so that the database reads the table through in order rather than
    look up most of its rows one by one through the index (several times quicker for a
    year; portable: both SQLite and PostgreSQL then scan)."""
    return func.coalesce(column, column) if scope.period.days > LONG_DAYS else column


def ratio(part: int, whole: int) -> float | None:
    """``part / whole``, None when there is nothing to divide by (never 0 for no data)."""
    return part / whole if whole else None


# -- eligibility, the age part decided in SQL where it cannot be near a boundary ------------
def years_before(day: dt.date, years: int) -> dt.date:
    """The same date ``years`` earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _age_class(dob: Any, first: dt.date, last: dt.date, scope: Scope) -> Any:
    """SQL: "in" when the age is inside the client group on every day from ``first`` to
    ``last``, "out" when outside it on every one of them, "edge" otherwise (then
    :func:`rules.age_at` decides, row by row). Conservative by :data:`MARGIN`."""
    team = scope.config.team
    old_enough = dob <= years_before(first, team.min_age) - MARGIN
    young_enough = dob > years_before(last, team.max_age + 1) + MARGIN
    too_young = dob > years_before(last, team.min_age) + MARGIN
    too_old = dob <= years_before(first, team.max_age + 1) - MARGIN
    return case(
        (and_(old_enough, young_enough), literal_column("'in'")),
        (or_(too_young, too_old), literal_column("'out'")),
        else_=literal_column("'edge'"),
    )


@dataclass(frozen=True)
class Group:
    """Referrals alike in everything the part counts, and how many."""

    week: int
    in_period: bool
    area: str
    source: str
    status: str
    onward: str | None
    age_ok: bool
    ordered: bool  # an order reason recorded
    overridden: bool  # an eligibility override recorded
    n: int


def problem(group: Group, scope: Scope) -> str | None:
    """The first reason (in the rule's order: age, area, route) it is not eligible."""
    if not group.age_ok:
        return "outside_age"
    if group.area not in scope.config.areas:
        return "outside_area"
    if group.source not in scope.config.source_keys_eligible:
        return "not_pod_route"
    return None


def groups(session: Session, scope: Scope, weeks: Weeks) -> list[Group]:
    r = table_of(Referral).c
    first, last = weeks.mondays[0], weeks.mondays[-1] + dt.timedelta(days=6)
    inner = select(
        bucket(r.received_at, weeks.bounds).label("week"),
        case(
            (and_(r.received_at >= scope.start_utc, r.received_at < scope.end_utc), 1), else_=0
        ).label("in_period"),
        r.area,
        r.source,
        r.status,
        r.onward,
        _age_class(r.date_of_birth, first, last, scope).label("age"),
        case((r.order_reason.is_not(None), 1), else_=0).label("ordered"),
        case((r.eligibility_override.is_not(None), 1), else_=0).label("overridden"),
        r.date_of_birth,
        r.received_at,
    )
    received = ranged(r.received_at, scope)
    inner = inner.where(received >= weeks.bounds[0], received < weeks.bounds[-1])
    if scope.area is not None:
        inner = inner.where(r.area == scope.area)
    sub = inner.subquery()
    edge = sub.c.age == "edge"
    keys = (
        sub.c.source,  # first: no index orders by it, so the table is read through
        sub.c.week,
        sub.c.in_period,
        sub.c.area,
        sub.c.status,
        sub.c.onward,
        sub.c.age,
        sub.c.ordered,
        sub.c.overridden,
        # the few near a birthday that matters come out one by one, for the rule
        case((edge, type_coerce(sub.c.date_of_birth, String))).label("dob"),
        case((edge, type_coerce(sub.c.received_at, String))).label("at"),
    )
    found: list[Group] = []
    team = scope.config.team
    summed = select(*keys, func.count()).group_by(*keys)
    for row in run(session, summed):
        source, week, in_period, area, status, onward, age, ordered, over, dob, at, n = row
        if age == "edge":
            years = rules.age_at(day(dob), must_instant(at), team)
            age_ok = team.min_age <= years <= team.max_age
        else:
            age_ok = age == "in"
        found.append(
            Group(
                int(week),
                bool(in_period),
                area,
                source,
                status,
                onward,
                age_ok,
                bool(ordered),
                bool(over),
                int(n),
            )
        )
    return found


def places(scope: Scope) -> dict[str, int]:
    """The weekly places of the area chosen, or of every area."""
    areas = scope.config.areas
    if scope.area is not None:
        return {scope.area: areas[scope.area].weekly_cap}
    return {key: area.weekly_cap for key, area in areas.items()}


def _ordered_keys(known: Sequence[str], seen: Sequence[str]) -> list[str]:
    return [*known, *sorted(k for k in set(seen) if k not in known)]


def compute(session: Session, scope: Scope) -> Part:
    weeks = weeks_of(scope)
    found = groups(session, scope, weeks)
    caps = places(scope)
    accepted_value = ReferralStatus.accepted.value
    taken: Counter[tuple[str, int]] = Counter()
    weekly_eligible: Counter[int] = Counter()
    for g in found:
        if g.week < 0:
            continue
        if g.status == accepted_value:
            taken[(g.area, g.week)] += g.n
        if problem(g, scope) is None:
            weekly_eligible[g.week] += g.n
    period = [g for g in found if g.in_period]
    by_status: Counter[str] = Counter()
    received: Counter[str] = Counter()
    eligible: Counter[str] = Counter()
    accepted: Counter[str] = Counter()
    onward: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    out_of_order = overridden = 0
    for g in period:
        by_status[g.status] += g.n
        received[g.source] += g.n
        reason = problem(g, scope)
        if reason is None:
            eligible[g.source] += g.n
        if g.status == accepted_value:
            accepted[g.source] += g.n
            out_of_order += g.n if g.ordered else 0
            overridden += g.n if g.overridden and reason is not None else 0
        elif g.status in (ReferralStatus.redirected.value, ReferralStatus.declined.value):
            if g.status == ReferralStatus.redirected.value:
                onward[g.onward or ""] += g.n
            if reason is None:
                full_week = taken[(g.area, g.week)] >= caps[g.area]
                reason = "places_taken" if full_week else "other"
            reasons[g.status][reason] += g.n
    sources = _ordered_keys(list(scope.config.sources), list(received))
    services = _ordered_keys(list(scope.config.onward), list(onward))
    week_accepted = [sum(taken[(area, i)] for area in caps) for i in range(len(weeks.mondays))]
    week_places = sum(caps.values())
    full = sum(
        1
        for area, cap in caps.items()
        for i in range(len(weeks.mondays))
        if taken[(area, i)] >= cap
    )
    figures = (
        Figure(f"{KEY}.received", sum(received.values()), "count"),
        Figure(f"{KEY}.eligible", sum(eligible.values()), "count"),
        Figure(f"{KEY}.accepted", by_status[accepted_value], "count"),
        Figure(f"{KEY}.accepted_overridden", overridden, "count"),
        Figure(f"{KEY}.out_of_order", out_of_order, "count"),
        Figure(f"{KEY}.redirected", by_status[ReferralStatus.redirected.value], "count"),
        Figure(f"{KEY}.declined", by_status[ReferralStatus.declined.value], "count"),
        Figure(f"{KEY}.undecided", sum(by_status[s] for s in OPEN_STATUSES), "count"),
        Figure(f"{KEY}.weeks_full", full, "count", n=len(caps) * len(weeks.mondays)),
    )
    tables = (
        Table(
            f"{KEY}.received_by_source",
            ("source", "received", "eligible", "accepted"),
            tuple((s, received[s], eligible[s], accepted[s]) for s in sources),
        ),
        Table(
            f"{KEY}.redirected_by_service",
            ("onward", "referrals"),
            tuple((s or None, onward[s]) for s in services),
        ),
        Table(
            f"{KEY}.reasons",
            ("reason", "redirected", "declined"),
            tuple((r, reasons["redirected"][r], reasons["declined"][r]) for r in REASONS),
        ),
    )
    series = (
        Series(
            f"{KEY}.weekly",
            weeks.mondays,
            (
                ("eligible", tuple(weekly_eligible[i] for i in range(len(weeks.mondays)))),
                ("accepted", tuple(week_accepted)),
                ("places", tuple(week_places for _ in weeks.mondays)),
            ),
        ),
    )
    return Part(KEY, figures, tables, series)
