"""Referrals: the queue, one referral, claiming, accepting (which opens an episode of
care), redirecting, declining, and the client's network; importing a batch, refusing a
file imported before and referrals already in the database."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from msgspec import Struct
from msgspec.structs import replace
from sqlalchemy import ColumnElement, func, or_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from duty_desk import rules, timeutil
from duty_desk.errors import (
    AlreadyImported,
    Conflict,
    DuplicateReferrals,
    InputErrors,
    NoPlacesLeft,
    NotEligible,
    NotFound,
    OutOfOrder,
)
from duty_desk.models import (
    OPEN_STATUSES,
    Client,
    ClientStatus,
    Referral,
    ReferralStatus,
    Staff,
    table_of,
)
from duty_desk.validation import (
    FIXED_AFTER_DECISION,
    NewReferral,
    referral_edit_refusal,
    validate_reason,
    validate_referral,
    validate_referral_edit,
)
from duty_desk.views import NetworkMemberView, ReferralFilter, ReferralView

from .base import Aggregate
from .intake import earlier_waiting, lock_area, taken
from .network import current_members
from .sql import cols, run

OPEN_LIMIT = 2000  # the queue never holds more rows than a person can use
FIND_LIMIT = 200  # a find among decided (or all) referrals: the newest this many
DECIDED_STATUSES = (
    ReferralStatus.accepted.value,
    ReferralStatus.redirected.value,
    ReferralStatus.declined.value,
)
EDIT_ACTION = "correct details"
IMPORT_ACTION = "import referrals"
# Imports wait for each other on servers without SQLite's single writer (an advisory
# lock held to the end of the transaction); the number only has to be ours.
_IMPORT_LOCK = 0x0D0D_1A70


class ImportedFile(Struct, frozen=True):
    """Which file a batch comes from: its name (for the audit log) and the SHA-256 of its
    bytes (the same file is imported once)."""

    name: str
    sha256: str


def person_key(name: str) -> str:
    """A name as compared for duplicates: case and runs of spaces do not matter."""
    return " ".join(name.split()).casefold()


def same_referral(
    a: tuple[str | None, str, dt.date, dt.datetime],
    b: tuple[str | None, str, dt.date, dt.datetime],
) -> bool:
    """Two referrals (NHS number, name, date of birth, received at) are the same one: the
    same received time and the same person, by NHS number when both have one, else by
    name and date of birth."""
    nhs_a, name_a, born_a, at_a = a
    nhs_b, name_b, born_b, at_b = b
    if timeutil.as_utc(at_a) != timeutil.as_utc(at_b):
        return False
    if nhs_a and nhs_b:
        return nhs_a == nhs_b
    return born_a == born_b and person_key(name_a) == person_key(name_b)


def _query() -> tuple[Any, Any]:
    """A referral's columns with who is triaging it and who decided it, as plain rows (Core,
    repo/sql.py): the ORM's objects cost about 9 ms more on the queue's first read of 150
    (issue 15). Also the columns of the claimer's row, for a find."""
    referral = cols(Referral)
    claimer = table_of(Staff).alias()
    decider = table_of(Staff).alias()
    query = (
        sa_select(
            *table_of(Referral).columns,
            claimer.c.login.label("claim_login"),
            claimer.c.name.label("claim_name"),
            decider.c.login.label("decided_login"),
        )
        .outerjoin(claimer, referral.triage_by_id == claimer.c.id)
        .outerjoin(decider, referral.decided_by_id == decider.c.id)
    )
    return query, claimer.c


def _view(row: Any, network: tuple[NetworkMemberView, ...] = ()) -> ReferralView:
    """A ReferralView from a row of :func:`_query`."""
    return ReferralView(
        id=row.id,
        name=row.name,
        date_of_birth=row.date_of_birth,
        nhs_number=row.nhs_number,
        phone=row.phone,
        area=row.area,
        gp_practice=row.gp_practice,
        source=row.source,
        urgency=row.urgency,
        reason=row.reason,
        notes=row.notes,
        received_at=timeutil.as_utc(row.received_at),
        respond_by=timeutil.as_utc(row.respond_by),
        status=ReferralStatus(row.status),
        triage_by=row.claim_login,
        triage_by_name=row.claim_name,
        triage_since=row.triage_since,
        onward=row.onward,
        decision_reason=row.decision_reason,
        eligibility_override=row.eligibility_override,
        decided_by=row.decided_login,
        decided_at=row.decided_at,
        version=row.version,
        network=network,
        address=row.address,
        postcode=row.postcode,
        referrer_name=row.referrer_name,
        referrer_contact=row.referrer_contact,
        language=row.language,
        interpreter=bool(row.interpreter),
        order_reason=row.order_reason,
        reversed_at=timeutil.as_utc(row.reversed_at) if row.reversed_at else None,
        reversed_by=row.reversed_by,
        reversal_reason=row.reversal_reason,
    )


class ReferralRepository(Aggregate):
    # -- reading ------------------------------------------------------------------------------
    def _matches(self, term: str, claimer: Any) -> list[ColumnElement[bool]]:
        """What a find matches: name, NHS number, GP practice, postcode, status, urgency,
        who is triaging, area and source (by key or name)."""
        lowered = term.lower()
        referral = cols(Referral)
        # autoescape: "%" and "_" typed by a person are literal, not wildcards
        matches: list[ColumnElement[bool]] = [
            referral.name.icontains(term, autoescape=True),
            referral.nhs_number.contains(term.replace(" ", ""), autoescape=True),
            referral.gp_practice.icontains(term, autoescape=True),
            func.lower(referral.status) == lowered,
            func.lower(referral.urgency) == lowered,
            func.lower(claimer.login) == lowered,
        ]
        if any(ch.isdigit() for ch in term) and len(term.strip()) >= 2:
            matches.append(referral.postcode.icontains(term.strip(), autoescape=True))
        for key, area in self.config.areas.items():
            if lowered in (key, area.name.lower()):
                matches.append(referral.area == key)
        for key, source in self.config.sources.items():
            if lowered in (key, source.name.lower()):
                matches.append(referral.source == key)
        return matches

    def open_referrals(self, search: str = "") -> list[ReferralView]:
        """Open referrals (new or being triaged), soonest deadline first, filtered in SQL."""
        query, claimer = _query()
        referral = cols(Referral)
        query = query.where(referral.status.in_(OPEN_STATUSES))
        term = search.strip()
        if term:
            query = query.where(or_(*self._matches(term, claimer)))
        query = query.order_by(referral.respond_by, referral.received_at, referral.id).limit(
            OPEN_LIMIT
        )
        with self.ctx.unit() as session:
            return [_view(row) for row in run(session, query)]

    def find_referrals(
        self, search: str = "", status: ReferralFilter | str = ReferralFilter.open
    ) -> list[ReferralView]:
        """Referrals matching ``search`` among the open ones (as :meth:`open_referrals`),
        the decided ones (accepted, redirected, declined) or all, filtered in SQL.

        Decided and all: newest received first, at most ``FIND_LIMIT`` (the received-time
        index serves the order), each with its client's status when it was accepted.
        """
        which = ReferralFilter(status)
        if which is ReferralFilter.open:
            return self.open_referrals(search)
        query, claimer = _query()
        referral, client = cols(Referral), cols(Client)
        query = query.add_columns(client.status.label("client_status")).outerjoin(
            table_of(Client), client.referral_id == referral.id
        )
        if which is ReferralFilter.decided:
            query = query.where(referral.status.in_(DECIDED_STATUSES))
        term = search.strip()
        if term:
            query = query.where(or_(*self._matches(term, claimer)))
        query = query.order_by(referral.received_at.desc(), referral.id.desc()).limit(FIND_LIMIT)
        with self.ctx.unit() as session:
            return [
                replace(
                    _view(row),
                    client_status=ClientStatus(row.client_status) if row.client_status else None,
                )
                for row in run(session, query)
            ]

    def referral(self, referral_id: int) -> ReferralView:
        query, _ = _query()
        with self.ctx.unit() as session:
            row = run(session, query.where(cols(Referral).id == referral_id)).first()
            if row is None:
                raise NotFound(f"No referral number {referral_id}")
            network = current_members(session, referral_id)  # removed ones: the record
            client = run(
                session,
                sa_select(cols(Client).status).where(cols(Client).referral_id == referral_id),
            ).scalar()
            view = _view(row, network)
            return replace(view, client_status=ClientStatus(client)) if client else view

    def referrals_for_export(self) -> Iterator[ReferralView]:
        query, _ = _query()
        with self.ctx.unit() as session:
            for row in run(session, query.order_by(col(Referral.received_at), col(Referral.id))):
                yield _view(row)

    def eligibility(self, referral: ReferralView) -> list[str]:
        return rules.eligibility_problems(
            date_of_birth=referral.date_of_birth,
            received_at=referral.received_at,
            area=referral.area,
            source=referral.source,
            config=self.config,
        )

    # -- writing ------------------------------------------------------------------------------
    def _insert(self, session: Session, new: NewReferral, me: Staff, now: dt.datetime) -> int:
        row = Referral(
            **{k: getattr(new, k) for k in NewReferral.__struct_fields__},
            respond_by=rules.respond_by(new.received_at, new.urgency, self.config),
            status=ReferralStatus.new.value,
            created_at=now,
            created_by=me.login,
        )
        return self.ctx.insert(
            session,
            row,
            "add referral",
            "referral",
            {k: getattr(row, k) for k in (*NewReferral.__struct_fields__, "respond_by", "status")},
            now,
        )

    def add_referral(self, raw: Mapping[str, str | None] | NewReferral) -> int:
        now = timeutil.now()
        new = raw if isinstance(raw, NewReferral) else validate_referral(raw, self.config, now)
        with self.ctx.unit(write=True) as session:
            me = self.ctx.me(session)
            return self._insert(session, new, me, now)

    def add_referrals(
        self, rows: Iterable[NewReferral], *, source: ImportedFile | None = None
    ) -> list[int]:
        """Insert already-validated referrals all in one transaction: all or none.

        With ``source`` (an import) the batch is refused when the same file (by SHA-256)
        was imported before (AlreadyImported) or when any referral is already in the
        database (DuplicateReferrals: same received time and same person, see
        :func:`same_referral`), and the import itself is audited with the file's name and
        hash. Both checks run inside the write transaction, so two imports at once cannot
        both pass them.
        """
        now = timeutil.now()
        batch = list(rows)
        with self.ctx.unit(write=True) as session:
            me = self.ctx.me(session)
            if source is not None:
                self._check_import(session, batch, source)
            ids = [self._insert(session, new, me, now) for new in batch]
            if source is not None and ids:
                self.ctx.audit(
                    session,
                    IMPORT_ACTION,
                    "import",
                    ids[0],
                    None,
                    {
                        "file": source.name,
                        "sha256": source.sha256,
                        "referrals": len(ids),
                        "referral_ids": ids,
                    },
                    now,
                )
            return ids

    def _check_import(
        self, session: Session, batch: list[NewReferral], source: ImportedFile
    ) -> None:
        from duty_desk.models import AuditLog  # the audit table: not built for a plain read

        if self.ctx.db.url.get_backend_name() == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _IMPORT_LOCK})
        earlier = session.exec(
            select(AuditLog)
            .where(
                AuditLog.entity == "import",  # the (entity, entity_id) index: imports only
                AuditLog.action == IMPORT_ACTION,
                col(AuditLog.after).contains(source.sha256),
            )
            .order_by(col(AuditLog.id))
        ).all()
        for entry in earlier:
            after = json.loads(entry.after or "{}")
            if after.get("sha256") == source.sha256:
                when = timeutil.fmt_local(timeutil.as_utc(entry.at), self.ctx.tz, "long")
                raise AlreadyImported(entry.actor, when, int(after.get("referrals", 0)))
        if not batch:
            return
        instants = [timeutil.as_utc(new.received_at) for new in batch]
        found = session.execute(
            sa_select(
                col(Referral.id),
                col(Referral.nhs_number),
                col(Referral.name),
                col(Referral.date_of_birth),
                col(Referral.received_at),
            ).where(
                col(Referral.received_at) >= min(instants),
                col(Referral.received_at) <= max(instants),
            )
        ).all()
        by_instant: dict[dt.datetime, list[Any]] = {}
        for row in found:
            by_instant.setdefault(timeutil.as_utc(row[4]), []).append(row)
        matches: list[tuple[int, int, str]] = []
        for position, new in enumerate(batch):
            key = (new.nhs_number, new.name, new.date_of_birth, new.received_at)
            for row in by_instant.get(timeutil.as_utc(new.received_at), []):
                if same_referral(key, (row[1], row[2], row[3], row[4])):
                    received = timeutil.fmt_local(timeutil.as_utc(row[4]), self.ctx.tz, "long")
                    matches.append((position, int(row[0]), received))
                    break
        if matches:
            raise DuplicateReferrals(matches)

    def _open(
        self, session: Session, referral_id: int, expected_version: int | None
    ) -> tuple[Referral, Staff]:
        me = self.ctx.me(session)
        row = session.get(Referral, referral_id)
        if row is None:
            raise NotFound(f"No referral number {referral_id}")
        if row.status not in OPEN_STATUSES:
            who = session.get(Staff, row.decided_by_id) if row.decided_by_id else None
            when = timeutil.fmt_local(row.decided_at, self.ctx.tz, "day")
            raise Conflict(
                f"This referral was already {row.status} by {who.login if who else 'someone'} "
                f"at {when}; nothing was changed"
            )
        if expected_version is not None and row.version != expected_version:
            raise self.ctx.stale(session, "referral", referral_id, "referral")
        return row, me

    def _check_claim(self, session: Session, row: Referral, me: Staff) -> None:
        if row.triage_by_id not in (None, me.id):
            other = session.get(Staff, row.triage_by_id)
            since = timeutil.fmt_local(row.triage_since, self.ctx.tz, "short")
            raise Conflict(
                f"{other.name if other else 'Someone'} ({other.login if other else '?'}) is "
                f"triaging this since {since}; take it over with claim first"
            )

    def claim(
        self, referral_id: int, *, take_over: bool = False, expected_version: int | None = None
    ) -> ReferralView:
        """ "I'm triaging this": visible to everyone. Claiming your own claim releases it."""
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            row, me = self._open(session, referral_id, expected_version)
            if row.triage_by_id == me.id:
                self.ctx.change(
                    session,
                    row,
                    "referral",
                    "release",
                    now,
                    status=ReferralStatus.new.value,
                    triage_by_id=None,
                    triage_since=None,
                )
            else:
                if not take_over:
                    self._check_claim(session, row, me)
                action = "take over" if row.triage_by_id else "claim"
                self.ctx.change(
                    session,
                    row,
                    "referral",
                    action,
                    now,
                    status=ReferralStatus.triaging.value,
                    triage_by_id=me.id,
                    triage_since=now,
                )
            referral_id = row.id or referral_id
        return self.referral(referral_id)

    def accept(
        self,
        referral_id: int,
        *,
        override_reason: str | None = None,
        order_reason: str | None = None,
        enforce_order: bool = False,
        expected_version: int | None = None,
    ) -> int:
        """Accept into POD; checks eligibility and the weekly cap in the same write transaction.

        Returns the new client (episode of care) id. Raises NotEligible (which a
        duty worker may override with a reason) or NoPlacesLeft (never overridden).
        With ``enforce_order`` (the desk's accept flow) or an ``order_reason``, an earlier
        eligible referral still waiting in the same area and week raises OutOfOrder unless
        ``order_reason`` is given; the reason is then stored on the referral (and audited).
        A referral whose acceptance was reversed gets its episode back, reopened.
        """
        override = validate_reason(override_reason, "override reason") if override_reason else None
        order = validate_reason(order_reason, "order reason") if order_reason else None
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            row, me = self._open(session, referral_id, expected_version)
            self._check_claim(session, row, me)
            problems = rules.eligibility_problems(
                date_of_birth=row.date_of_birth,
                received_at=timeutil.as_utc(row.received_at),
                area=row.area,
                source=row.source,
                config=self.config,
            )
            if problems and not override:
                raise NotEligible(problems)
            area = self.config.areas.get(row.area)
            if area is None:
                raise NotEligible([f"area {row.area!r} is not one of the team's areas"])
            lock_area(self.ctx, session, row.area)
            received = timeutil.as_utc(row.received_at)
            count = taken(self.ctx, session, row.area, received)
            if count >= area.weekly_cap:
                week = timeutil.week_start_local(received, self.ctx.tz)
                raise NoPlacesLeft(
                    f"No places left: {area.name} has taken {count} of {area.weekly_cap} for the "
                    f"week of {week.format('D MMM')}. Redirect to treatment as usual (r) instead"
                )
            if enforce_order or order:
                earlier = earlier_waiting(self.ctx, session, row)
                if earlier and not order:
                    raise OutOfOrder(
                        [
                            (w.id, timeutil.fmt_local(w.received_at, self.ctx.tz, "day"))
                            for w in earlier
                        ]
                    )
                if not earlier:
                    order = None  # nothing waits now: no reason to count
            self.ctx.change(
                session,
                row,
                "referral",
                "accept",
                now,
                status=ReferralStatus.accepted.value,
                decided_by_id=me.id,
                decided_at=now,
                decision_reason=override and f"Eligibility overridden: {override}",
                eligibility_override=override,
                order_reason=order,
                onward=None,
            )
            client = session.exec(select(Client).where(Client.referral_id == row.id)).first()
            if client is not None:  # accepted before, and reversed: the episode reopens
                self.ctx.change(
                    session,
                    client,
                    "client",
                    "reopen episode",
                    now,
                    status=ClientStatus.open.value,
                    accepted_at=now,
                    accepted_by_id=me.id or 0,
                    discharged_at=None,
                    discharge_kind=None,
                    discharge_reason=None,
                    discharged_by_id=None,
                )
                assert client.id is not None
                return client.id
            client = Client(
                referral_id=row.id or referral_id, accepted_at=now, accepted_by_id=me.id or 0
            )
            session.add(client)
            session.flush()
            assert client.id is not None
            self.ctx.audit(
                session,
                "open episode",
                "client",
                client.id,
                None,
                {"referral_id": client.referral_id, "status": client.status},
                now,
            )
            return client.id

    def redirect(
        self, referral_id: int, onward: str, reason: str, *, expected_version: int | None = None
    ) -> None:
        """Send onward to treatment as usual (CMHT, CRHT, ...) with a reason."""
        if onward not in self.config.onward:
            raise InputErrors(
                {
                    "onward": f"unknown onward service {onward!r} "
                    f"(expected one of: {', '.join(self.config.onward)})"
                }
            )
        self._decide(
            referral_id,
            ReferralStatus.redirected,
            validate_reason(reason),
            onward,
            expected_version,
        )

    def decline(
        self, referral_id: int, reason: str, *, expected_version: int | None = None
    ) -> None:
        self._decide(
            referral_id, ReferralStatus.declined, validate_reason(reason), None, expected_version
        )

    def _decide(
        self,
        referral_id: int,
        status: ReferralStatus,
        reason: str,
        onward: str | None,
        expected_version: int | None,
    ) -> None:
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            row, me = self._open(session, referral_id, expected_version)
            self._check_claim(session, row, me)
            action = "redirect" if status is ReferralStatus.redirected else "decline"
            self.ctx.change(
                session,
                row,
                "referral",
                action,
                now,
                status=status.value,
                decided_by_id=me.id,
                decided_at=now,
                decision_reason=reason,
                onward=onward,
            )

    def update_referral(
        self,
        referral_id: int,
        raw: Mapping[str, str | None],
        *,
        expected_version: int | None = None,
    ) -> ReferralView:
        """Correct a referral's details (any of ``validation.EDIT_FIELDS``, as typed).

        Only the fields given are checked and saved; those whose value does not change are
        left alone, and the audit entry holds the before and after of the changed ones
        only (nothing changed: nothing is written). A referral changed since it was read
        (``expected_version``) is refused naming who changed it. Bad input raises
        InputErrors per field and writes nothing. Once decided, the area and the urgency
        are fixed (the weekly place it used, the deadline worked out from the urgency):
        a change to them is refused per field. A new urgency on an open referral moves its
        response deadline with it.
        """
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            row = session.get(Referral, referral_id)
            if row is None:
                raise NotFound(f"No referral number {referral_id}")
            if expected_version is not None and row.version != expected_version:
                raise self.ctx.stale(session, "referral", referral_id, "referral")
            current = {
                "received_at": timeutil.as_utc(row.received_at),
                "area": row.area,
                "language": row.language,
                "interpreter": row.interpreter,
            }
            values = validate_referral_edit(raw, self.config, now, current)
            changes = {k: v for k, v in values.items() if getattr(row, k) != v}
            if row.status not in OPEN_STATUSES:
                area = self.config.areas.get(row.area)
                refused = {
                    k: referral_edit_refusal(k, row.status, area.name if area else row.area)
                    for k in FIXED_AFTER_DECISION
                    if k in changes
                }
                if refused:
                    raise InputErrors(refused)
            elif "urgency" in changes:
                changes["respond_by"] = rules.respond_by(
                    timeutil.as_utc(row.received_at), changes["urgency"], self.config
                )
            if changes:
                self.ctx.change(session, row, "referral", EDIT_ACTION, now, **changes)
        return self.referral(referral_id)
