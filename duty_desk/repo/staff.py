"""The staff list: who may act, adding and deactivating staff, caseload capacity, and
the rule that a team always keeps at least one active team lead.

A team lead changes the staff list. The last active team lead cannot be deactivated
(by themselves or anyone): the check counts the active team leads inside the write
transaction (``BEGIN IMMEDIATE`` on SQLite; on servers with row locks the active team
leads' rows are locked first), so two team leads deactivating each other at once leave
one of them. A team left with no active team lead anyway (everyone left the trust, a
login was removed) recovers with a *bootstrap*: ``add_staff(..., bootstrap=True)``
names a team lead when none is active, allowed only to the owner of the database file
or root (on SQLite) and written to the audit log as ``bootstrap team lead``.
"""

from __future__ import annotations

import datetime as dt
import os
import pwd

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from duty_desk import timeutil
from duty_desk.errors import Conflict, NotFound, NotPermitted
from duty_desk.models import Staff
from duty_desk.validation import validate_capacity, validate_staff, validate_staff_phone
from duty_desk.views import StaffView
from duty_desk.vocabulary import Role

from .base import Aggregate, staff_view, staff_view_columns
from .sql import cols, run

BOOTSTRAP_ACTION = "bootstrap team lead"
BOOTSTRAP_COMMAND = "duty-desk staff add LOGIN NAME --role team_lead --bootstrap"


def all_staff(session: Session) -> dict[int, StaffView]:
    """Every staff member (active or not), by id, in id order (read as columns: the ORM's
    objects cost several times the query for a team's hundreds). The order is fixed: the
    board compares the list with the one it last read (PostgreSQL returns an updated row
    elsewhere in an unordered read, which would look like a new staff list)."""
    query = sa_select(*staff_view_columns()).order_by(cols(Staff).id)
    return {row.id or 0: staff_view(row) for row in run(session, query)}


def _owner_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"user id {uid}"


class StaffRepository(Aggregate):
    def acting_staff(self) -> StaffView | None:
        with self.ctx.unit() as session:
            query = sa_select(*staff_view_columns()).where(cols(Staff).login == self.ctx.actor)
            row = run(session, query).first()
            return staff_view(row) if row and row.active else None

    def ensure_can_change(self) -> StaffView:
        """The acting staff record, or NotPermitted saying why (for a form asked before typing)."""
        with self.ctx.unit() as session:
            return staff_view(self.ctx.me(session))

    def list_staff(self, include_inactive: bool = False) -> list[StaffView]:
        with self.ctx.unit() as session:
            query = sa_select(*staff_view_columns()).order_by(cols(Staff).name)
            if not include_inactive:
                query = query.where(cols(Staff).active == True)  # noqa: E712
            return [staff_view(row) for row in run(session, query)]

    # -- the active team leads --------------------------------------------------------------
    def _active_leads(self, session: Session) -> list[Staff]:
        """The active team leads, read inside the write transaction. On SQLite the
        transaction already holds the only write lock; elsewhere their rows are locked
        (in id order, so two of these never deadlock) until the transaction ends, and a
        transaction that waited here reads them again as committed."""
        query = (
            select(Staff)
            .where(Staff.role == Role.team_lead.value, col(Staff.active) == True)  # noqa: E712
            .order_by(col(Staff.id))
        )
        if not self.ctx.db.is_sqlite:
            query = query.with_for_update()
        return list(session.exec(query))

    def _may_bootstrap(self) -> None:
        """On SQLite only the database file's owner or root may name a team lead when none
        is active (everyone else in the group can write the file, not rescue the team).
        Elsewhere the server's own login is what lets a person in."""
        path = self.ctx.db.sqlite_path
        if path is None:
            return
        uid = os.getuid()
        try:
            owner = path.stat().st_uid
        except OSError:
            owner = -1
        if uid not in (0, owner):
            raise NotPermitted(
                f"There is no active team lead; only the owner of {path} "
                f"({_owner_name(owner)}) or root can name one, with '{BOOTSTRAP_COMMAND}'"
            )

    def add_staff(
        self, login: str, name: str, role: str, *, bootstrap: bool = False, phone: str = ""
    ) -> StaffView:
        """Add a staff member (a team lead's action).

        ``bootstrap`` is for a staff list with no active team lead: on an empty list it
        adds the very first record (``init``); on a list whose team leads have all gone it
        names ``login`` an active team lead (adding them, or restoring one already on the
        list), only for the database file's owner or root, audited as
        ``bootstrap team lead``. While an active team lead exists it changes nothing:
        the usual team-lead check applies.
        """
        login, name, role = validate_staff(login, name, role)
        phone = validate_staff_phone(phone)
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            leads = self._active_leads(session)
            any_staff = session.exec(select(Staff.id).limit(1)).first()
            if any_staff is not None and not leads:
                if bootstrap:
                    return self._bootstrap(session, login, name, role, now)
                raise NotPermitted(
                    "There is no active team lead to add staff: the owner of the database "
                    f"file or root names one with '{BOOTSTRAP_COMMAND}'"
                )
            if not (bootstrap and any_staff is None):
                self.ctx.lead(session)
            if session.exec(select(Staff).where(Staff.login == login)).first():
                raise Conflict(f"Login {login!r} is already on the staff list")
            row = Staff(
                login=login,
                name=name,
                role=role,
                active=True,
                created_at=now,
                capacity=self.config.continuity.default_capacity,
                phone=phone,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            added = {"login": login, "name": name, "role": role}
            self.ctx.audit(
                session,
                "add staff",
                "staff",
                row.id,
                None,
                {**added, "phone": phone} if phone else added,
                now,
            )
            return staff_view(row)

    def _bootstrap(
        self, session: Session, login: str, name: str, role: str, now: dt.datetime
    ) -> StaffView:
        """Name a team lead on a staff list that has none active (see add_staff)."""
        if role != Role.team_lead.value:
            raise NotPermitted(
                "There is no active team lead: --bootstrap names one (--role team_lead); "
                "that team lead then adds everyone else"
            )
        self._may_bootstrap()
        row = session.exec(select(Staff).where(Staff.login == login)).first()
        if row is None:
            row = Staff(
                login=login,
                name=name,
                role=role,
                active=True,
                created_at=now,
                capacity=self.config.continuity.default_capacity,
            )
            self.ctx.insert(
                session,
                row,
                BOOTSTRAP_ACTION,
                "staff",
                {"login": login, "name": name, "role": role, "active": True},
                now,
            )
        else:  # already on the list (a former team lead, a clinician): keep their name
            self.ctx.change(session, row, "staff", BOOTSTRAP_ACTION, now, role=role, active=True)
        return staff_view(row)

    def deactivate_staff(self, login: str) -> StaffView:
        """Deactivate ``login`` (a team lead's action); never the last active team lead."""
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            leads = self._active_leads(session)  # first: the lock, then everything else
            self.ctx.lead(session)
            row = session.exec(select(Staff).where(Staff.login == login)).first()
            if row is None:
                raise NotFound(f"No staff member with login {login!r}")
            if [lead.id for lead in leads] == [row.id]:
                yourself = login == self.ctx.actor
                raise Conflict(
                    f"{'You are' if yourself else login + ' is'} the last active team lead, "
                    "and the team needs one to change the staff list: name another team lead "
                    "first ('duty-desk staff add LOGIN NAME --role team_lead'), then "
                    f"deactivate {'yourself' if yourself else login}; nothing was changed"
                )
            self.ctx.change(session, row, "staff", "deactivate staff", now, active=False)
            return staff_view(row)

    def set_capacity(self, login: str, capacity: int) -> None:
        """How many episodes ``login`` can hold as core-team member (0 to 200). Audited
        against the staff member."""
        value = validate_capacity(capacity)
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.lead(session, "change a caseload capacity")
            row = session.exec(select(Staff).where(Staff.login == login)).first()
            if row is None:
                raise NotFound(f"No staff member with login {login!r}")
            if row.capacity != value:
                self.ctx.change(session, row, "staff", "set capacity", now, capacity=value)

    # -- issue 12 (record): a work phone, how to reach a key worker ------------------------------
    def set_staff_phone(self, login: str, phone: str) -> None:
        """``login``'s work phone ("" clears it): a team lead's change, or their own.
        Audited against the staff member."""
        value = validate_staff_phone(phone)
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            me = self.ctx.me(session)
            if me.login != login:
                self.ctx.lead(session, "change another staff member's phone")
            row = session.exec(select(Staff).where(Staff.login == login)).first()
            if row is None:
                raise NotFound(f"No staff member with login {login!r}")
            if row.phone != value:
                self.ctx.change(session, row, "staff", "set phone", now, phone=value)
