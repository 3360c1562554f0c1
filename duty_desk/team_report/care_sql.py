"""Pieces the care parts of the team report share (network, peer, continuity, admissions,
satisfaction, DIALOG): which episodes and meetings a scope covers, as portable SQLAlchemy
conditions, and quartiles read from the database without loading every value.

Not a part (it is not in ``PARTS``): the figures' definitions live in the part modules.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Float, Select, case, cast, func, or_, select, true
from sqlmodel import col

from duty_desk.models import Client, ClientStatus, Meeting, MeetingStatus, Referral

if TYPE_CHECKING:
    from sqlmodel import Session

    from .model import Scope


def period_end(scope: Scope) -> dt.datetime:
    """The instant a period's "end" means: its last instant, or now if it is not over yet."""
    return min(scope.end_utc, scope.now)


def in_area(area: str | None, client_id: Any) -> ColumnElement[bool]:
    """``client_id`` (a column) is an episode whose referral is in ``area`` (always true
    when it is None: every area)."""
    if area is None:
        return true()
    return client_id.in_(
        select(col(Client.id))
        .join(Referral, col(Referral.id) == col(Client.referral_id))
        .where(col(Referral.area) == area)
    )


def held_meetings(scope: Scope) -> list[ColumnElement[bool]]:
    """Conditions on ``meeting``: it happened, started in the period, in the area."""
    return [
        col(Meeting.status) == MeetingStatus.happened.value,
        col(Meeting.starts_at) >= scope.start_utc,
        col(Meeting.starts_at) < scope.end_utc,
        in_area(scope.area, col(Meeting.client_id)),
    ]


def open_at(at: dt.datetime) -> list[ColumnElement[bool]]:
    """Conditions on ``client``: the episode was open at instant ``at`` (accepted before it,
    not discharged by then; a reversed acceptance was never an episode)."""
    return [
        col(Client.status) != ClientStatus.reversed.value,
        col(Client.accepted_at) <= at,
        or_(col(Client.discharged_at).is_(None), col(Client.discharged_at) > at),
    ]


def open_during(scope: Scope) -> list[ColumnElement[bool]]:
    """Conditions on ``client``: the episode was open on at least one day of the period."""
    return [
        col(Client.status) != ClientStatus.reversed.value,
        col(Client.accepted_at) < scope.end_utc,
        or_(col(Client.discharged_at).is_(None), col(Client.discharged_at) >= scope.start_utc),
        in_area(scope.area, col(Client.id)),
    ]


def count_if(condition: Any) -> Any:
    """How many rows meet ``condition`` (SUM of CASE: portable, unlike FILTER)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def share(part: int | None, whole: int | None) -> float | None:
    """``part / whole``, None when there is no denominator."""
    if not whole:
        return None
    return (part or 0) / whole


def quartiles(
    session: Session, values: Select[Any]
) -> tuple[int, float | None, float | None, float | None]:
    """(n, lower quartile, median, upper quartile) of the non-NULL values of the one-column
    query ``values``: linear interpolation between the order statistics at positions
    p * (n - 1) (numpy's default, Python's ``statistics.quantiles(..., method="inclusive")``);
    only the few order statistics needed are read, by ``ROW_NUMBER()``. None each when n
    is 0."""
    inner = values.subquery()
    value = inner.c[0]
    connection = session.connection()
    n = connection.execute(select(func.count()).where(value.is_not(None))).scalar_one()
    if not n:
        return 0, None, None, None
    positions = [p * (n - 1) for p in (0.25, 0.5, 0.75)]
    wanted = {int(x) for x in positions} | {min(int(x) + 1, n - 1) for x in positions}
    ranked = (
        select(
            cast(value, Float).label("v"),
            func.row_number().over(order_by=value).label("rn"),
        )
        .where(value.is_not(None))
        .subquery()
    )
    rows = connection.execute(
        select(ranked.c.rn, ranked.c.v).where(ranked.c.rn.in_([w + 1 for w in wanted]))
    ).all()
    at = {int(rn) - 1: float(v) for rn, v in rows}

    def quantile(position: float) -> float:
        low = int(position)
        if position == low:
            return at[low]
        return at[low] + (at[low + 1] - at[low]) * (position - low)

    return n, quantile(positions[0]), quantile(positions[1]), quantile(positions[2])
