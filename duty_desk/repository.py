"""The repository: every read and write of duty-desk's data goes through here.

Each public method is one unit of work in its own short transaction. Writes
check permission, apply the domain rules, and write the audit entry in the
same transaction as the change. Methods return plain objects from
``duty_desk.views``, never table rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from . import rules, timeutil
from .errors import (
    Conflict,
    InputErrors,
    NoPlacesLeft,
    NotEligible,
    NotFound,
)
from .models import (
    OPEN_STATUSES,
    AuditLog,
    Client,
    IntakeLock,
    NetworkMember,
    Referral,
    ReferralStatus,
    Staff,
)
from .repo_base import staff_view
from .repo_board import BoardRepository
from .repo_meetings import MeetingRepository
from .validation import (
    NewReferral,
    validate_network_member,
    validate_reason,
    validate_referral,
    validate_staff,
)
from .views import AreaIntake, AuditEntry, NetworkMemberView, ReferralView, StaffView

OPEN_LIMIT = 2000  # the queue never holds more rows than a person can use


class Repository(BoardRepository, MeetingRepository):
    """All of duty-desk's data access, acting as one login."""

    # -- staff ---------------------------------------------------------------------
    def acting_staff(self) -> StaffView | None:
        with self._unit() as session:
            row = session.exec(select(Staff).where(Staff.login == self.actor)).first()
            return staff_view(row) if row and row.active else None

    def ensure_can_change(self) -> StaffView:
        """The acting staff record, or NotPermitted saying why (for a form asked before typing)."""
        with self._unit() as session:
            return staff_view(self._me(session))

    def list_staff(self, include_inactive: bool = False) -> list[StaffView]:
        with self._unit() as session:
            query = select(Staff).order_by(Staff.name)
            if not include_inactive:
                query = query.where(Staff.active == True)  # noqa: E712
            return [staff_view(row) for row in session.exec(query)]

    def add_staff(self, login: str, name: str, role: str, *, bootstrap: bool = False) -> StaffView:
        """Add a staff member. ``bootstrap`` allows the very first record on an empty list."""
        login, name, role = validate_staff(login, name, role)
        now = timeutil.now()
        with self._unit(write=True) as session:
            any_staff = session.exec(select(Staff.id).limit(1)).first()
            if not (bootstrap and any_staff is None):
                self._lead(session)
            if session.exec(select(Staff).where(Staff.login == login)).first():
                raise Conflict(f"Login {login!r} is already on the staff list")
            row = Staff(login=login, name=name, role=role, active=True, created_at=now,
                        capacity=self.config.continuity.default_capacity)
            session.add(row)
            session.flush()
            assert row.id is not None
            self._audit(session, "add staff", "staff", row.id, None,
                        {"login": login, "name": name, "role": role}, now)
            return staff_view(row)

    def deactivate_staff(self, login: str) -> StaffView:
        now = timeutil.now()
        with self._unit(write=True) as session:
            self._lead(session)
            row = session.exec(select(Staff).where(Staff.login == login)).first()
            if row is None:
                raise NotFound(f"No staff member with login {login!r}")
            self._change(session, row, "staff", "deactivate staff", now, active=False)
            return staff_view(row)

    # -- reading referrals -----------------------------------------------------------
    def _referral_query(self):  # type: ignore[no-untyped-def]
        claimer = aliased(Staff)
        decider = aliased(Staff)
        query = (
            select(Referral, claimer.login, claimer.name, decider.login)
            .outerjoin(claimer, Referral.triage_by_id == claimer.id)  # type: ignore[arg-type]
            .outerjoin(decider, Referral.decided_by_id == decider.id)  # type: ignore[arg-type]
        )
        return query, claimer

    @staticmethod
    def _view(row: Referral, claim_login: str | None, claim_name: str | None,
              decided_login: str | None, network: tuple[NetworkMemberView, ...] = ()) -> ReferralView:
        assert row.id is not None
        return ReferralView(
            id=row.id, name=row.name, date_of_birth=row.date_of_birth, nhs_number=row.nhs_number,
            phone=row.phone, area=row.area, gp_practice=row.gp_practice, source=row.source,
            urgency=row.urgency, reason=row.reason, notes=row.notes,
            received_at=timeutil.as_utc(row.received_at), respond_by=timeutil.as_utc(row.respond_by),
            status=row.status, triage_by=claim_login, triage_by_name=claim_name,
            triage_since=row.triage_since, onward=row.onward, decision_reason=row.decision_reason,
            eligibility_override=row.eligibility_override, decided_by=decided_login,
            decided_at=row.decided_at, version=row.version, network=network,
        )

    def open_referrals(self, search: str = "") -> list[ReferralView]:
        """Open referrals (new or being triaged), soonest deadline first, filtered in SQL."""
        query, claimer = self._referral_query()
        query = query.where(Referral.status.in_(OPEN_STATUSES))  # type: ignore[attr-defined]
        term = search.strip()
        if term:
            lowered = term.lower()
            # autoescape: "%" and "_" typed by a person are literal, not wildcards
            matches = [
                Referral.name.icontains(term, autoescape=True),  # type: ignore[attr-defined]
                Referral.nhs_number.contains(term.replace(" ", ""), autoescape=True),  # type: ignore[union-attr]
                Referral.gp_practice.icontains(term, autoescape=True),  # type: ignore[attr-defined]
                func.lower(Referral.status) == lowered,
                func.lower(Referral.urgency) == lowered,
                func.lower(claimer.login) == lowered,
            ]
            for key, area in self.config.areas.items():
                if lowered in (key, area.name.lower()):
                    matches.append(Referral.area == key)
            for key, source in self.config.sources.items():
                if lowered in (key, source.name.lower()):
                    matches.append(Referral.source == key)
            query = query.where(or_(*matches))
        query = query.order_by(Referral.respond_by, Referral.received_at, Referral.id).limit(OPEN_LIMIT)
        with self._unit() as session:
            return [self._view(*row) for row in session.exec(query)]

    def referral(self, referral_id: int) -> ReferralView:
        query, _ = self._referral_query()
        with self._unit() as session:
            found = session.exec(query.where(Referral.id == referral_id)).first()
            if found is None:
                raise NotFound(f"No referral number {referral_id}")
            members = session.exec(
                select(NetworkMember)
                .where(NetworkMember.referral_id == referral_id)
                .order_by(NetworkMember.id)
            ).all()
            network = tuple(
                NetworkMemberView(id=m.id or 0, name=m.name, relationship=m.relationship, phone=m.phone)
                for m in members
            )
            return self._view(*found, network=network)

    def referrals_for_export(self) -> Iterator[ReferralView]:
        query, _ = self._referral_query()
        with self._unit() as session:
            for row in session.exec(query.order_by(Referral.received_at, Referral.id)):
                yield self._view(*row)

    def eligibility(self, referral: ReferralView) -> list[str]:
        return rules.eligibility_problems(
            date_of_birth=referral.date_of_birth, received_at=referral.received_at,
            area=referral.area, source=referral.source, config=self.config,
        )

    # -- intake -------------------------------------------------------------------------
    def _taken(self, session: Session, area: str, instant: dt.datetime) -> int:
        start, end = timeutil.week_bounds_utc(instant, self.config.team.timezone)
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

    def intake(self, at: dt.datetime | None = None) -> list[AreaIntake]:
        """Places taken and left per area in the week holding ``at`` (default: now)."""
        instant = at or timeutil.now()
        tz = self.config.team.timezone
        week = timeutil.week_start_local(instant, tz).date()
        with self._unit() as session:
            return [
                AreaIntake(area=key, name=area.name, cap=area.weekly_cap,
                           taken=self._taken(session, key, instant), week_start=week)
                for key, area in self.config.areas.items()
            ]

    def intake_for(self, referral: ReferralView) -> AreaIntake | None:
        """The intake week a referral counts against: the week it was received."""
        area = self.config.areas.get(referral.area)
        if area is None:
            return None
        week = timeutil.week_start_local(referral.received_at, self.config.team.timezone).date()
        with self._unit() as session:
            taken = self._taken(session, referral.area, referral.received_at)
        return AreaIntake(area=referral.area, name=area.name, cap=area.weekly_cap, taken=taken, week_start=week)

    # -- writing referrals ------------------------------------------------------------------
    def _insert_referral(self, session: Session, new: NewReferral, me: Staff, now: dt.datetime) -> int:
        row = Referral(
            **{k: getattr(new, k) for k in NewReferral.__dataclass_fields__},
            respond_by=rules.respond_by(new.received_at, new.urgency, self.config),
            status=ReferralStatus.new.value, created_at=now, created_by=me.login,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        self._audit(session, "add referral", "referral", row.id, None,
                    {k: getattr(row, k) for k in (*NewReferral.__dataclass_fields__, "respond_by", "status")},
                    now)
        return row.id

    def add_referral(self, raw: Mapping[str, str | None] | NewReferral) -> int:
        now = timeutil.now()
        new = raw if isinstance(raw, NewReferral) else validate_referral(raw, self.config, now)
        with self._unit(write=True) as session:
            me = self._me(session)
            return self._insert_referral(session, new, me, now)

    def add_referrals(self, rows: Iterable[NewReferral]) -> list[int]:
        """Insert already-validated referrals all in one transaction: all or none."""
        now = timeutil.now()
        with self._unit(write=True) as session:
            me = self._me(session)
            return [self._insert_referral(session, new, me, now) for new in rows]

    def _open_referral(
        self, session: Session, referral_id: int, expected_version: int | None
    ) -> tuple[Referral, Staff]:
        me = self._me(session)
        row = session.get(Referral, referral_id)
        if row is None:
            raise NotFound(f"No referral number {referral_id}")
        if row.status not in OPEN_STATUSES:
            who = session.get(Staff, row.decided_by_id) if row.decided_by_id else None
            when = timeutil.fmt_local(row.decided_at, self.config.team.timezone, "day")
            raise Conflict(
                f"This referral was already {row.status} by {who.login if who else 'someone'} "
                f"at {when}; nothing was changed"
            )
        if expected_version is not None and row.version != expected_version:
            raise self._stale(session, "referral", referral_id, "referral")
        return row, me

    def _check_claim(self, session: Session, row: Referral, me: Staff) -> None:
        if row.triage_by_id not in (None, me.id):
            other = session.get(Staff, row.triage_by_id)
            since = timeutil.fmt_local(row.triage_since, self.config.team.timezone, "short")
            raise Conflict(
                f"{other.name if other else 'Someone'} ({other.login if other else '?'}) is "
                f"triaging this since {since}; take it over with claim first"
            )

    def claim(self, referral_id: int, *, take_over: bool = False,
              expected_version: int | None = None) -> ReferralView:
        """"I'm triaging this": visible to everyone. Claiming your own claim releases it."""
        now = timeutil.now()
        with self._unit(write=True) as session:
            row, me = self._open_referral(session, referral_id, expected_version)
            if row.triage_by_id == me.id:
                self._change(session, row, "referral", "release", now,
                             status=ReferralStatus.new.value, triage_by_id=None, triage_since=None)
            else:
                if not take_over:
                    self._check_claim(session, row, me)
                action = "take over" if row.triage_by_id else "claim"
                self._change(session, row, "referral", action, now,
                             status=ReferralStatus.triaging.value, triage_by_id=me.id, triage_since=now)
            referral_id = row.id or referral_id
        return self.referral(referral_id)

    def _lock_area(self, session: Session, area: str) -> None:
        """Serialise cap checks per area on servers with row locks (no-op cost on SQLite)."""
        if self.db.is_sqlite:
            return  # BEGIN IMMEDIATE already holds the only write lock
        lock = session.exec(select(IntakeLock).where(IntakeLock.area == area).with_for_update()).first()
        if lock is None:
            try:
                with session.begin_nested():
                    session.add(IntakeLock(area=area))
            except IntegrityError:
                pass
            session.exec(select(IntakeLock).where(IntakeLock.area == area).with_for_update()).one()

    def accept(self, referral_id: int, *, override_reason: str | None = None,
               expected_version: int | None = None) -> int:
        """Accept into POD; checks eligibility and the weekly cap in the same write transaction.

        Returns the new client (episode of care) id. Raises NotEligible (which a
        duty worker may override with a reason) or NoPlacesLeft (never overridden).
        """
        override = validate_reason(override_reason, "override reason") if override_reason else None
        now = timeutil.now()
        with self._unit(write=True) as session:
            row, me = self._open_referral(session, referral_id, expected_version)
            self._check_claim(session, row, me)
            problems = rules.eligibility_problems(
                date_of_birth=row.date_of_birth, received_at=timeutil.as_utc(row.received_at),
                area=row.area, source=row.source, config=self.config,
            )
            if problems and not override:
                raise NotEligible(problems)
            area = self.config.areas.get(row.area)
            if area is None:
                raise NotEligible([f"area {row.area!r} is not one of the team's areas"])
            self._lock_area(session, row.area)
            received = timeutil.as_utc(row.received_at)
            taken = self._taken(session, row.area, received)
            if taken >= area.weekly_cap:
                week = timeutil.week_start_local(received, self.config.team.timezone)
                raise NoPlacesLeft(
                    f"No places left: {area.name} has taken {taken} of {area.weekly_cap} for the week "
                    f"of {week.format('D MMM')}. Redirect to treatment as usual (r) instead"
                )
            self._change(
                session, row, "referral", "accept", now,
                status=ReferralStatus.accepted.value, decided_by_id=me.id, decided_at=now,
                decision_reason=override and f"Eligibility overridden: {override}",
                eligibility_override=override, onward=None,
            )
            client = Client(referral_id=row.id or referral_id, accepted_at=now, accepted_by_id=me.id or 0)
            session.add(client)
            session.flush()
            assert client.id is not None
            self._audit(session, "open episode", "client", client.id, None,
                        {"referral_id": client.referral_id, "status": client.status}, now)
            return client.id

    def redirect(self, referral_id: int, onward: str, reason: str, *,
                 expected_version: int | None = None) -> None:
        """Send onward to treatment as usual (CMHT, CRHT, ...) with a reason."""
        if onward not in self.config.onward:
            raise InputErrors({"onward": f"unknown onward service {onward!r} "
                               f"(expected one of: {', '.join(self.config.onward)})"})
        self._decide(referral_id, ReferralStatus.redirected, validate_reason(reason), onward,
                     expected_version)

    def decline(self, referral_id: int, reason: str, *, expected_version: int | None = None) -> None:
        self._decide(referral_id, ReferralStatus.declined, validate_reason(reason), None,
                     expected_version)

    def _decide(self, referral_id: int, status: ReferralStatus, reason: str, onward: str | None,
                expected_version: int | None) -> None:
        now = timeutil.now()
        with self._unit(write=True) as session:
            row, me = self._open_referral(session, referral_id, expected_version)
            self._check_claim(session, row, me)
            action = "redirect" if status is ReferralStatus.redirected else "decline"
            self._change(session, row, "referral", action, now, status=status.value,
                         decided_by_id=me.id, decided_at=now, decision_reason=reason, onward=onward)

    def add_network_member(self, referral_id: int, name: str, relationship: str = "",
                           phone: str = "") -> int:
        name, relationship, phone = validate_network_member(name, relationship, phone)
        now = timeutil.now()
        with self._unit(write=True) as session:
            self._me(session)
            if session.get(Referral, referral_id) is None:
                raise NotFound(f"No referral number {referral_id}")
            member = NetworkMember(referral_id=referral_id, name=name, relationship=relationship,
                                   phone=phone, created_at=now)
            session.add(member)
            session.flush()
            assert member.id is not None
            self._audit(session, "add network member", "referral", referral_id, None,
                        {"network_member_id": member.id, "name": name,
                         "relationship": relationship, "phone": phone}, now)
            return member.id

    # -- audit -------------------------------------------------------------------------------
    def history(self, entity: str, entity_id: int) -> list[AuditEntry]:
        with self._unit() as session:
            rows = session.exec(
                select(AuditLog)
                .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
                .order_by(AuditLog.id)  # type: ignore[arg-type]
            ).all()
            return [self._entry(row) for row in rows]

    def audit_for_export(self) -> Iterator[AuditEntry]:
        with self._unit() as session:
            for row in session.exec(select(AuditLog).order_by(AuditLog.id)):  # type: ignore[arg-type]
                yield self._entry(row)

    @staticmethod
    def _entry(row: AuditLog) -> AuditEntry:
        return AuditEntry(
            id=row.id or 0, at=timeutil.as_utc(row.at), actor=row.actor, action=row.action,
            entity=row.entity, entity_id=row.entity_id,
            before=AuditEntry.decode(row.before), after=AuditEntry.decode(row.after),
        )


RepositoryFactory = Callable[[], Repository]
