"""The repository's plumbing, shared by every part of it: short transactions,
database trouble turned into plain sentences, the acting staff member, and
audit entries written in the same transaction as each change.

``duty_desk.repository.Repository`` is the one class callers use; it is put
together from ``RepositoryBase`` and the parts for the board
(``repo_board``) and meetings (``repo_meetings``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from . import timeutil
from .config import Config
from .db import Database, explain_operational_error
from .errors import Conflict, DutyDeskError, NotPermitted
from .identity import os_login
from .models import AuditLog, Staff
from .views import StaffView


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timeutil.as_utc(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def staff_view(row: Staff) -> StaffView:
    assert row.id is not None
    return StaffView(id=row.id, login=row.login, name=row.name, role=row.role, active=row.active,
                     capacity=row.capacity)


# Fields whose values may be repeated in a conflict message; free text and identifying
# details are named but not repeated.
_SHOWN_VALUES = frozenset({
    "status", "onward", "urgency", "area", "source", "triage_by", "decided_by", "key_worker",
    "core_team", "starts_at", "ends_at", "place_kind", "kind", "starts_on", "ends_on",
    "active", "role", "capacity", "cancelled_by",
})


def _value(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "-"
    return str(value)


class RepositoryBase:
    """Plumbing for every part of the repository, acting as one login."""

    def __init__(self, db: Database, config: Config, actor: str | None = None) -> None:
        self.db = db
        self.config = config
        self.actor = actor if actor is not None else os_login()

    # -- plumbing ----------------------------------------------------------------
    @contextmanager
    def _unit(self, write: bool = False) -> Iterator[Session]:
        """A transaction; database trouble becomes one plain sentence."""
        try:
            with self.db.session(write=write) as session:
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

    def _audit(
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
            return json.dumps({k: _jsonable(v) for k, v in data.items()}, ensure_ascii=False)

        session.add(
            AuditLog(
                at=at,
                actor=self.actor,
                action=action,
                entity=entity,
                entity_id=entity_id,
                before=dump(before),
                after=dump(after),
            )
        )

    def _change(
        self, session: Session, row: Any, entity: str, action: str, at: dt.datetime, **changes: Any
    ) -> None:
        """Apply ``changes`` to ``row`` and audit exactly the fields that changed."""
        before = {k: getattr(row, k) for k in changes if getattr(row, k) != changes[k]}
        after = {k: changes[k] for k in before}
        for key, value in changes.items():
            setattr(row, key, value)
        session.add(row)
        session.flush()
        self._audit(session, action, entity, row.id, before, after, at)

    def _stale(self, session: Session, entity: str, entity_id: int, what: str) -> Conflict:
        """The refusal for a record changed since the person opened it: who changed what, when.

        Read from the newest audit entry for the record. Nothing is saved; the caller's
        form keeps its input so it can be applied again after a look.
        """
        row = session.exec(
            select(AuditLog)
            .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
            .order_by(AuditLog.id.desc())  # type: ignore[union-attr]
            .limit(1)
        ).first()
        if row is None:
            return Conflict(f"This {what} changed since you opened it; nothing was saved, "
                            "look again (what you typed is kept)")
        before = json.loads(row.before) if row.before else {}
        after = json.loads(row.after) if row.after else {}
        changes = []
        for key in dict.fromkeys([*before, *after]):
            label = key.replace("_", " ")
            if key in _SHOWN_VALUES:
                changes.append(f"{label} {_value(before.get(key))} -> {_value(after.get(key))}")
            else:
                changes.append(label)
        when = timeutil.fmt_local(timeutil.as_utc(row.at), self.config.team.timezone, "day")
        detail = f" ({'; '.join(changes)})" if changes else ""
        return Conflict(
            f"This {what} was changed by {row.actor} at {when} since you opened it: "
            f"{row.action}{detail}. Nothing was saved; look again (what you typed is kept)"
        )

    def _lead(self, session: Session, what: str = "change staff records") -> Staff:
        """The acting staff record if it is a team lead, else NotPermitted saying so."""
        me = self._me(session)
        if me.role != "team_lead":
            raise NotPermitted(
                f"Only a team lead can {what}; login {self.actor!r} is on the staff list "
                f"as {me.role.replace('_', ' ')} (ask a team lead)"
            )
        return me

    def _me(self, session: Session) -> Staff:
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
