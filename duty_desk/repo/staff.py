"""The staff list: who may act, adding and deactivating staff, caseload capacity."""

from __future__ import annotations

from sqlmodel import Session, col, select

from duty_desk import timeutil
from duty_desk.errors import Conflict, NotFound
from duty_desk.models import Staff
from duty_desk.validation import validate_capacity, validate_staff
from duty_desk.views import StaffView

from .base import Aggregate, staff_view


def all_staff(session: Session) -> dict[int, StaffView]:
    """Every staff member (active or not), by id."""
    return {row.id or 0: staff_view(row) for row in session.exec(select(Staff))}


class StaffRepository(Aggregate):
    def acting_staff(self) -> StaffView | None:
        with self.ctx.unit() as session:
            row = session.exec(select(Staff).where(Staff.login == self.ctx.actor)).first()
            return staff_view(row) if row and row.active else None

    def ensure_can_change(self) -> StaffView:
        """The acting staff record, or NotPermitted saying why (for a form asked before typing)."""
        with self.ctx.unit() as session:
            return staff_view(self.ctx.me(session))

    def list_staff(self, include_inactive: bool = False) -> list[StaffView]:
        with self.ctx.unit() as session:
            query = select(Staff).order_by(col(Staff.name))
            if not include_inactive:
                query = query.where(col(Staff.active) == True)  # noqa: E712
            return [staff_view(row) for row in session.exec(query)]

    def add_staff(self, login: str, name: str, role: str, *, bootstrap: bool = False) -> StaffView:
        """Add a staff member. ``bootstrap`` allows the very first record on an empty list."""
        login, name, role = validate_staff(login, name, role)
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            any_staff = session.exec(select(Staff.id).limit(1)).first()
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
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            self.ctx.audit(
                session,
                "add staff",
                "staff",
                row.id,
                None,
                {"login": login, "name": name, "role": role},
                now,
            )
            return staff_view(row)

    def deactivate_staff(self, login: str) -> StaffView:
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.lead(session)
            row = session.exec(select(Staff).where(Staff.login == login)).first()
            if row is None:
                raise NotFound(f"No staff member with login {login!r}")
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
