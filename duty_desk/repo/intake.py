"""The weekly intake cap per area: places taken and left, the per-area lock that
serialises cap checks (and reversals of accepts) on servers with row locks, and the
earlier eligible referrals still waiting ("the first 5 new referrals each week")."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from duty_desk import models, rules, timeutil
from duty_desk.models import OPEN_STATUSES, Referral, ReferralStatus, table_of
from duty_desk.views import AreaIntake, ReferralView, WaitingReferral

from .base import Aggregate, Context
from .sql import cols, run


def taken(ctx: Context, session: Session, area: str, instant: dt.datetime) -> int:
    """Referrals accepted into ``area`` in the week holding ``instant`` (by received time)."""
    start, end = timeutil.week_bounds_utc(instant, ctx.tz)
    referral = cols(Referral)
    count = run(
        session,
        sa_select(func.count())
        .select_from(table_of(Referral))
        .where(
            referral.area == area,
            referral.status == ReferralStatus.accepted.value,
            referral.received_at >= start,
            referral.received_at < end,
        ),
    ).scalar_one()
    return int(count)


def earlier_waiting(ctx: Context, session: Session, row: Referral) -> list[WaitingReferral]:
    """Eligible referrals still open in ``row``'s area, received earlier in the same intake
    week (by received time, then number): the weekly rule takes them before ``row``."""
    received = timeutil.as_utc(row.received_at)
    start, _ = timeutil.week_bounds_utc(received, ctx.tz)
    found = session.exec(
        select(Referral)
        .where(
            Referral.area == row.area,
            col(Referral.status).in_(OPEN_STATUSES),
            Referral.received_at >= start,
            or_(
                col(Referral.received_at) < received,
                (col(Referral.received_at) == received) & (col(Referral.id) < row.id),
            ),
            Referral.id != row.id,
        )
        .order_by(col(Referral.received_at), col(Referral.id))
    ).all()
    return [
        WaitingReferral(
            id=other.id or 0,
            name=other.name,
            urgency=other.urgency,
            received_at=timeutil.as_utc(other.received_at),
            respond_by=timeutil.as_utc(other.respond_by),
        )
        for other in found
        if not rules.eligibility_problems(
            date_of_birth=other.date_of_birth,
            received_at=timeutil.as_utc(other.received_at),
            area=other.area,
            source=other.source,
            config=ctx.config,
        )
    ]


def lock_area(ctx: Context, session: Session, area: str) -> None:
    """Serialise cap checks per area on servers with row locks (no-op cost on SQLite).

    Accepting and reversing an accept both take it, so a place given back and a place
    taken in the same area are counted one after the other, never both from one count."""
    if ctx.db.is_sqlite:
        return  # BEGIN IMMEDIATE already holds the only write lock
    lock = session.exec(
        select(models.IntakeLock).where(models.IntakeLock.area == area).with_for_update()
    ).first()
    if lock is None:
        try:
            with session.begin_nested():
                session.add(models.IntakeLock(area=area))
        except IntegrityError:
            pass
        session.exec(
            select(models.IntakeLock).where(models.IntakeLock.area == area).with_for_update()
        ).one()


class IntakeRepository(Aggregate):
    def intake(self, at: dt.datetime | None = None) -> list[AreaIntake]:
        """Places taken and left per area in the week holding ``at`` (default: now)."""
        instant = at or timeutil.now()
        week = timeutil.week_start_local(instant, self.ctx.tz).date()
        with self.ctx.unit() as session:
            return [
                AreaIntake(
                    area=key,
                    name=area.name,
                    cap=area.weekly_cap,
                    taken=taken(self.ctx, session, key, instant),
                    week_start=week,
                )
                for key, area in self.config.areas.items()
            ]

    def intake_for(self, referral: ReferralView) -> AreaIntake | None:
        """The intake week a referral counts against: the week it was received."""
        area = self.config.areas.get(referral.area)
        if area is None:
            return None
        week = timeutil.week_start_local(referral.received_at, self.ctx.tz).date()
        with self.ctx.unit() as session:
            count = taken(self.ctx, session, referral.area, referral.received_at)
        return AreaIntake(
            area=referral.area, name=area.name, cap=area.weekly_cap, taken=count, week_start=week
        )
