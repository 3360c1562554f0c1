"""Pieces the care parts of the team report share (network, peer, continuity, admissions,
satisfaction, DIALOG): which episodes and meetings a scope covers, as portable SQLAlchemy
conditions, and quartiles read from the database without loading every value.

Not a part (it is not in ``PARTS``): the figures' definitions live in the part modules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Float, Select, and_, case, cast, func, or_, select, true
from sqlmodel import col

from duty_desk.models import (
    Client,
    ClientStatus,
    Meeting,
    MeetingNetwork,
    MeetingStaff,
    MeetingStatus,
    Referral,
    Role,
    Staff,
)

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
    """Conditions on ``meeting``: it happened, started in the period, in the area. Every
    area is still written as ``client_id IN (SELECT id FROM client)``: that leads the
    planner to read the meetings episode by episode (``ix_meeting_client_starts_at``),
    where the period's range on ``ix_meeting_starts_at`` jumps across the whole table
    (3-4 times slower on SQLite at the bench scale)."""
    episodes = (
        select(col(Client.id))
        if scope.area is None
        else select(col(Client.id))
        .join(Referral, col(Referral.id) == col(Client.referral_id))
        .where(col(Referral.area) == scope.area)
    )
    return [
        col(Meeting.status) == MeetingStatus.happened.value,
        col(Meeting.starts_at) >= scope.start_utc,
        col(Meeting.starts_at) < scope.end_utc,
        col(Meeting.client_id).in_(episodes),
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


@dataclass(frozen=True)
class MeetingFacts:
    """What the network, peer and continuity parts count over the meetings that happened
    in a scope, read in ONE pass over them (:func:`meeting_facts`). ``by_network``: per
    number of network members present (capped at ``NETWORK_TOP``), (meetings, members)."""

    meetings: int
    by_network: dict[int, tuple[int, int]]
    with_peer: int
    with_key_worker: int

    @property
    def with_network(self) -> int:
        return self.meetings - self.by_network.get(0, (0, 0))[0]

    @property
    def network_members(self) -> int:
        return sum(members for _, members in self.by_network.values())


NETWORK_TOP = 3  # "3 or more" network members present: the last step of the distribution


def meeting_facts(session: Session, scope: Scope) -> MeetingFacts:
    """Per meeting that happened in the scope: how many network members were present,
    whether a peer support worker was (role ``peer_support``, as cover too), whether the
    episode's current key worker was (not as cover); summed by the number of network
    members present. One grouped pass over the period's meetings and their attendance,
    kept in the session for the other parts of the same report."""
    key = ("team_report.meeting_facts", scope.period, scope.area, scope.start_utc, scope.end_utc)
    found = session.info.get(key)
    if isinstance(found, MeetingFacts):
        return found
    connection = session.connection()
    peers: list[int | None] = list(
        connection.execute(
            select(col(Staff.id)).where(col(Staff.role) == Role.peer_support.value)
        ).scalars()
    )
    network = (
        select(func.count(col(MeetingNetwork.id)))
        .where(
            col(MeetingNetwork.meeting_id) == col(Meeting.id),
            col(MeetingNetwork.attended).is_(True),
        )
        .correlate(Meeting)
        .scalar_subquery()
    )
    came = and_(col(MeetingStaff.staff_id) == col(Client.key_worker_id), ~col(MeetingStaff.cover))
    per_meeting = (
        select(
            network.label("network"),
            func.max(case((col(MeetingStaff.staff_id).in_(peers), 1), else_=0)).label("peer"),
            func.max(case((came, 1), else_=0)).label("key_worker"),
        )
        .select_from(Meeting)
        .join(Client, col(Client.id) == col(Meeting.client_id))
        .outerjoin(
            MeetingStaff,
            and_(
                col(MeetingStaff.meeting_id) == col(Meeting.id),
                col(MeetingStaff.attended).is_(True),
            ),
        )
        .where(*held_meetings(scope))
        .group_by(col(Meeting.id))
        .subquery()
    )
    bucket = case(
        (per_meeting.c.network >= NETWORK_TOP, NETWORK_TOP), else_=per_meeting.c.network
    ).label("bucket")
    rows = connection.execute(
        select(
            bucket,
            func.count(),
            func.coalesce(func.sum(per_meeting.c.network), 0),
            func.coalesce(func.sum(per_meeting.c.peer), 0),
            func.coalesce(func.sum(per_meeting.c.key_worker), 0),
        ).group_by(bucket)
    ).all()
    facts = MeetingFacts(
        meetings=sum(int(r[1]) for r in rows),
        by_network={int(r[0]): (int(r[1]), int(r[2])) for r in rows},
        with_peer=sum(int(r[3]) for r in rows),
        with_key_worker=sum(int(r[4]) for r in rows),
    )
    session.info[key] = facts
    return facts
