"""What every aggregate repository shares: one :class:`Context` holding the database,
the settings and the acting login, with short transactions (database trouble turned
into plain sentences), the acting staff member, permission checks, and audit entries
written in the same transaction as each change (chained by hash: ``duty_desk.audit_chain``).

Aggregate repositories (``duty_desk.repo.*``) each hold the one context of their
``duty_desk.repository.Repository``; none inherits from another.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pendulum
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import Database, explain_operational_error
from duty_desk.errors import Conflict, DutyDeskError, NotPermitted
from duty_desk.identity import os_login
from duty_desk.models import Staff
from duty_desk.views import StaffView
from duty_desk.vocabulary import Role

from .sql import cols


def jsonable(value: Any) -> Any:
    """A value as it is written into an audit entry (instants as UTC ISO text)."""
    if isinstance(value, dt.datetime):
        return timeutil.as_utc(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def staff_view_columns() -> tuple[Any, ...]:
    """The Staff columns :func:`staff_view` needs (Core columns, ``sql.cols``):
    ``select(*staff_view_columns())`` reads them as plain rows, cheaper than ORM objects."""
    c = cols(Staff)
    return (c.id, c.login, c.name, c.role, c.active, c.capacity)


def staff_view(row: Any) -> StaffView:
    """A StaffView from a Staff row (or a row of its columns)."""
    assert row.id is not None
    return StaffView(
        id=row.id,
        login=row.login,
        name=row.name,
        role=Role(row.role),
        active=row.active,
        capacity=row.capacity,
    )


# Fields whose values may be repeated in a conflict message; free text and identifying
# details are named but not repeated.
_SHOWN_VALUES = frozenset(
    {
        "status",
        "onward",
        "urgency",
        "area",
        "source",
        "triage_by",
        "decided_by",
        "key_worker",
        "core_team",
        "starts_at",
        "ends_at",
        "place_kind",
        "kind",
        "starts_on",
        "ends_on",
        "active",
        "role",
        "capacity",
        "cancelled_by",
    }
)


def _value(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "-"
    return str(value)


@cache
def _zoneinfo(name: str) -> ZoneInfo:
    return ZoneInfo(name)


class Context:
    """The database, settings and acting login one facade's aggregates share."""

    def __init__(self, db: Database, config: Config, actor: str | None = None) -> None:
        self.db = db
        self.config = config
        self.actor = actor if actor is not None else os_login()

    # -- transactions and audit -----------------------------------------------------------
    @contextmanager
    def unit(self, write: bool = False) -> Iterator[Session]:
        """A transaction; database trouble becomes one plain sentence."""
        try:
            with self.db.session(write=write) as session:
                if write and not self.db.is_sqlite:
                    # Take the audit chain's lock first, as SQLite's BEGIN IMMEDIATE takes its
                    # one write lock first: taken later, after row locks, it could deadlock.
                    from duty_desk import audit_chain

                    audit_chain.lock(session.connection())
                yield session
        except StaleDataError:
            raise Conflict(
                "Someone else changed this record while you were saving; "
                "nothing was saved, look again and retry"
            ) from None
        except IntegrityError:
            # A constraint said no (a duplicate, or a record that has gone). The
            # driver's text may hold personal data, so it is not repeated here.
            raise Conflict(
                "This change clashes with what is already saved; nothing was saved, "
                "look again and retry"
            ) from None
        except DBAPIError as exc:  # busy, read-only, disk full, damaged file
            raise DutyDeskError(explain_operational_error(exc, self.db)) from None

    def audit(
        self,
        session: Session,
        action: str,
        entity: str,
        entity_id: int,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
        at: dt.datetime,
    ) -> None:
        def dump(data: Mapping[str, Any] | None) -> str | None:
            if data is None:
                return None
            return json.dumps({k: jsonable(v) for k, v in data.items()}, ensure_ascii=False)

        row = {
            "at": at,
            "actor": self.actor,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "before": dump(before),
            "after": dump(after),
        }
        from duty_desk import audit_chain  # with the audit table: on the first write (issue 15)

        audit_chain.append(session.connection(), [row])  # at the chain's end, this transaction

    def insert(
        self,
        session: Session,
        row: Any,
        action: str,
        entity: str,
        after: Mapping[str, Any],
        at: dt.datetime,
    ) -> int:
        """Add ``row``, flush for its id, and audit it as new (``after``): the id."""
        session.add(row)
        session.flush()
        assert row.id is not None
        self.audit(session, action, entity, row.id, None, after, at)
        return int(row.id)

    def change(
        self, session: Session, row: Any, entity: str, action: str, at: dt.datetime, **changes: Any
    ) -> None:
        """Apply ``changes`` to ``row`` and audit exactly the fields that changed."""
        before = {k: getattr(row, k) for k in changes if getattr(row, k) != changes[k]}
        after = {k: changes[k] for k in before}
        for key, value in changes.items():
            setattr(row, key, value)
        session.add(row)
        session.flush()
        self.audit(session, action, entity, row.id, before, after, at)

    def stale(self, session: Session, entity: str, entity_id: int, what: str) -> Conflict:
        """The refusal for a record changed since the person opened it: who changed what, when.

        Read from the newest audit entry for the record. Nothing is saved; the caller's
        form keeps its input so it can be applied again after a look.
        """
        from duty_desk.models import AuditLog

        row = session.exec(
            select(AuditLog)
            .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
            .order_by(col(AuditLog.id).desc())
            .limit(1)
        ).first()
        if row is None:
            return Conflict(
                f"This {what} changed since you opened it; nothing was saved, "
                "look again (what you typed is kept)"
            )
        before = json.loads(row.before) if row.before else {}
        after = json.loads(row.after) if row.after else {}
        changes = []
        for key in dict.fromkeys([*before, *after]):
            label = key.replace("_", " ")
            if key in _SHOWN_VALUES:
                changes.append(f"{label} {_value(before.get(key))} -> {_value(after.get(key))}")
            else:
                changes.append(label)
        when = timeutil.fmt_local(timeutil.as_utc(row.at), self.tz, "day")
        detail = f" ({'; '.join(changes)})" if changes else ""
        return Conflict(
            f"This {what} was changed by {row.actor} at {when} since you opened it: "
            f"{row.action}{detail}. Nothing was saved; look again (what you typed is kept)"
        )

    # -- who is acting ------------------------------------------------------------------------
    def lead(self, session: Session, what: str = "change staff records") -> Staff:
        """The acting staff record if it is a team lead, else NotPermitted saying so."""
        me = self.me(session)
        if me.role != Role.team_lead:
            raise NotPermitted(
                f"Only a team lead can {what}; login {self.actor!r} is on the staff list "
                f"as {str(me.role).replace('_', ' ')} (ask a team lead)"
            )
        return me

    def me(self, session: Session) -> Staff:
        """The acting staff record, or NotPermitted with the reason."""
        staff = session.exec(select(Staff).where(Staff.login == self.actor)).first()
        if staff is None:
            raise NotPermitted(
                f"Login {self.actor!r} is not on the staff list of {self.config.team.name}: "
                "you can look but not change anything (a team lead can add you with "
                "'duty-desk staff add')"
            )
        if not staff.active:
            raise NotPermitted(
                f"Login {self.actor!r} is deactivated on the staff list: you can look but not change"
            )
        return staff

    # -- the team's local time ----------------------------------------------------------------
    @property
    def tz(self) -> str:
        return self.config.team.timezone

    def today(self, now: dt.datetime | None = None) -> dt.date:
        return timeutil.to_local(now or timeutil.now(), self.tz).date()

    def midnight(self, day: dt.date) -> dt.datetime:
        """The UTC instant a local date starts."""
        start = pendulum.datetime(day.year, day.month, day.day, tz=timeutil.zone(self.tz))
        return timeutil.as_utc(start)

    def day_bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """Local midnight to the next local midnight, as UTC (23 or 25 hours on change days)."""
        start = pendulum.datetime(day.year, day.month, day.day, tz=timeutil.zone(self.tz))
        return timeutil.as_utc(start), timeutil.as_utc(start.add(days=1))

    def local(self, value: dt.datetime) -> dt.datetime:
        """An aware instant in the team's zone (stdlib zoneinfo: the board converts
        thousands of these per refresh, where pendulum costs about 20 times more)."""
        return value.astimezone(_zoneinfo(self.tz))


class Aggregate:
    """One aggregate's repository: holds the facade's shared :class:`Context`."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @property
    def config(self) -> Config:
        return self.ctx.config
