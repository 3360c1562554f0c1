"""The weekly intake cap per area: places taken and left, and the per-area lock that
serialises cap checks on servers with row locks."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from duty_desk import timeutil
from duty_desk.models import IntakeLock, Referral, ReferralStatus
from duty_desk.views import AreaIntake, ReferralView

from .base import Aggregate, Context


def taken(ctx: Context, session: Session, area: str, instant: dt.datetime) -> int:
    """Referrals accepted into ``area`` in the week holding ``instant`` (by received time)."""
    start, end = timeutil.week_bounds_utc(instant, ctx.tz)
    count = session.exec(
        select(func.count())
        .select_from(Referral)
        .where(
            Referral.area == area,
            Referral.status == ReferralStatus.accepted.value,
            Referral.received_at >= start,
            Referral.received_at < end,
        )
    ).one()
    return int(count)


def lock_area(ctx: Context, session: Session, area: str) -> None:
    """Serialise cap checks per area on servers with row locks (no-op cost on SQLite)."""
    if ctx.db.is_sqlite:
        return  # BEGIN IMMEDIATE already holds the only write lock
    lock = session.exec(select(IntakeLock).where(IntakeLock.area == area).with_for_update()).first()
    if lock is None:
        try:
            with session.begin_nested():
                session.add(IntakeLock(area=area))
        except IntegrityError:
            pass
        session.exec(select(IntakeLock).where(IntakeLock.area == area).with_for_update()).one()


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
