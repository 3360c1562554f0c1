"""Closed hours and shift handover: handover notes (per referral or client), the duty rota,
handing a referral over to the out-of-hours service, claims held (flagged when held long,
or by someone away or off duty) and releasing them, and the handover itself: what the
next duty worker must know. Every write is audited in its own transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from duty_desk import models, opening, rules, timeutil
from duty_desk.errors import Conflict, InputErrors, NotFound
from duty_desk.handover_views import (
    MAX_NOTE,
    AbsentMeeting,
    ClaimFlag,
    ClaimHeld,
    DueReferral,
    HandoverData,
    HandoverNoteView,
    OohHandoverView,
)
from duty_desk.models import (
    OPEN_STATUSES,
    Absence,
    Client,
    HandoverNote,
    MeetingStatus,
    Referral,
    ReferralStatus,
    Staff,
    table_of,
)
from duty_desk.validation import clean_text, validate_reason
from duty_desk.views import DayData, StaffView

from .base import Aggregate, Context, staff_view
from .meetings import unbooked
from .sql import cols, run, utc

ROTA = "duty_rota"


def rota_entity_id(day: dt.date) -> int:
    """The audit log's entity id for one day's rota: 20261123."""
    return day.year * 10000 + day.month * 100 + day.day


def validate_note(text: str | None) -> str:
    try:
        return clean_text(text, label="note", required=True, max_len=MAX_NOTE, multiline=True)
    except ValueError as exc:
        raise InputErrors({"note": str(exc)}) from None


def _note_view(row: Any, name: str) -> HandoverNoteView:
    """A HandoverNoteView from a HandoverNote (or a row of its columns)."""
    assert row.id is not None
    return HandoverNoteView(
        id=row.id,
        referral_id=row.referral_id,
        client_id=row.client_id,
        name=name,
        text=row.text,
        created_at=utc(row.created_at),
        created_by=row.created_by,
        closed_at=utc(row.closed_at) if row.closed_at else None,
        closed_by=row.closed_by,
        version=row.version,
    )


def _ooh_view(row: Any) -> OohHandoverView:
    """An OohHandoverView from an OohHandover (or a row of its columns)."""
    assert row.id is not None
    return OohHandoverView(
        id=row.id,
        referral_id=row.referral_id,
        service=row.service,
        reason=row.reason,
        handed_at=utc(row.handed_at),
        handed_by=row.handed_by,
    )


class HandoverRepository(Aggregate):
    def __init__(self, ctx: Context, day: Callable[[dt.date], DayData]) -> None:
        super().__init__(ctx)
        self._day = day  # the day view's reading (meetings and absences of a day)

    # -- notes ----------------------------------------------------------------------------
    def add_note(
        self, text: str, *, referral_id: int | None = None, client_id: int | None = None
    ) -> int:
        """A handover note about one referral or one client; returns its id."""
        note = validate_note(text)
        if (referral_id is None) == (client_id is None):
            raise InputErrors({"note": "a note is about one referral or one client"})
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            if referral_id is not None and session.get(Referral, referral_id) is None:
                raise NotFound(f"No referral number {referral_id}")
            if client_id is not None and session.get(Client, client_id) is None:
                raise NotFound(f"No client number {client_id}")
            row = HandoverNote(
                referral_id=referral_id,
                client_id=client_id,
                text=note,
                created_at=now,
                created_by=self.ctx.actor,
            )
            return self.ctx.insert(
                session,
                row,
                "add handover note",
                "handover_note",
                {"referral_id": referral_id, "client_id": client_id, "text": note},
                now,
            )

    def close_note(self, note_id: int, *, expected_version: int | None = None) -> None:
        """Mark a note dealt with (who, when)."""
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            row = session.get(HandoverNote, note_id)
            if row is None:
                raise NotFound(f"No handover note number {note_id}")
            if expected_version is not None and row.version != expected_version:
                raise self.ctx.stale(session, "handover_note", note_id, "handover note")
            if row.closed_at is not None:
                when = timeutil.fmt_local(row.closed_at, self.ctx.tz, "day")
                raise Conflict(
                    f"This note was already closed by {row.closed_by} at {when}; "
                    "nothing was changed"
                )
            self.ctx.change(
                session,
                row,
                "handover_note",
                "close handover note",
                now,
                closed_at=now,
                closed_by=self.ctx.actor,
            )

    def notes(
        self,
        *,
        referral_id: int | None = None,
        client_id: int | None = None,
        open_only: bool = False,
    ) -> list[HandoverNoteView]:
        """Notes, oldest first: about one referral (and its client, once accepted), one
        client, or (neither given) all of them."""
        with self.ctx.unit() as session:
            return self._notes(session, referral_id, client_id, open_only)

    def _notes(
        self,
        session: Session,
        referral_id: int | None,
        client_id: int | None,
        open_only: bool,
    ) -> list[HandoverNoteView]:
        note, client, referral = cols(HandoverNote), cols(Client), cols(Referral)
        query = (
            sa_select(*table_of(HandoverNote).columns, referral.name.label("referral_name"))
            .outerjoin(table_of(Client), note.client_id == client.id)
            .join(
                table_of(Referral),
                referral.id == func.coalesce(note.referral_id, client.referral_id),
            )
            .order_by(note.created_at, note.id)
        )
        if referral_id is not None:
            query = query.where(referral.id == referral_id)
        if client_id is not None:
            query = query.where(client.id == client_id)
        if open_only:
            query = query.where(note.closed_at.is_(None))
        return [_note_view(row, row.referral_name) for row in run(session, query).all()]

    # -- the duty rota ----------------------------------------------------------------------
    def rota(self, day: dt.date) -> list[StaffView]:
        """Who is on duty on local ``day`` (by name)."""
        with self.ctx.unit() as session:
            return self._rota(session, day)

    def _rota(self, session: Session, day: dt.date) -> list[StaffView]:
        rows = session.exec(
            select(Staff)
            .join(models.DutyRota, col(models.DutyRota.staff_id) == Staff.id)
            .where(models.DutyRota.on_date == day)
            .order_by(col(Staff.name), col(Staff.id))
        ).all()
        return [staff_view(row) for row in rows]

    def set_rota(self, day: dt.date, staff_ids: Sequence[int]) -> None:
        """Who is on duty on ``day``: replaces that day's rota (an empty list clears it)."""
        wanted = list(dict.fromkeys(staff_ids))
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            staff = {
                s.id: s for s in session.exec(select(Staff).where(col(Staff.id).in_(wanted))).all()
            }
            unknown = [str(i) for i in wanted if i not in staff or not staff[i].active]
            if unknown:
                raise InputErrors({"staff": f"no active staff member number {', '.join(unknown)}"})
            before = [s.login for s in self._rota(session, day)]
            session.execute(delete(models.DutyRota).where(col(models.DutyRota.on_date) == day))
            for staff_id in wanted:
                session.add(
                    models.DutyRota(
                        on_date=day, staff_id=staff_id, created_at=now, created_by=self.ctx.actor
                    )
                )
            session.flush()
            after = sorted(staff[i].login for i in wanted)
            self.ctx.audit(
                session,
                "set duty rota",
                ROTA,
                rota_entity_id(day),
                {"on": day, "staff": sorted(before)},
                {"on": day, "staff": after},
                now,
            )

    # -- out-of-hours handover ------------------------------------------------------------------
    def hand_over_out_of_hours(
        self, referral_id: int, reason: str, *, expected_version: int | None = None
    ) -> int:
        """Record that an open referral due while the team is closed is handed over to the
        out-of-hours service ([handover] out_of_hours_service), with a reason."""
        why = validate_reason(reason, "reason")
        now = timeutil.now()
        team = self.config.team
        service = self.config.handover.out_of_hours_service
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            row = session.get(Referral, referral_id)
            if row is None:
                raise NotFound(f"No referral number {referral_id}")
            if row.status not in OPEN_STATUSES:
                raise Conflict(f"This referral was already {row.status}; nothing was handed over")
            if expected_version is not None and row.version != expected_version:
                raise self.ctx.stale(session, "referral", referral_id, "referral")
            if not opening.due_while_closed(utc(row.respond_by), team) and opening.is_open(
                now, team
            ):
                raise Conflict(
                    "This referral falls due while the team is open; nothing was handed over"
                )
            earlier = session.exec(
                select(models.OohHandover).where(models.OohHandover.referral_id == referral_id)
            ).first()
            if earlier is not None:
                when = timeutil.fmt_local(earlier.handed_at, self.ctx.tz, "day")
                raise Conflict(
                    f"Already handed over to {earlier.service} by {earlier.handed_by} at "
                    f"{when}; nothing was changed"
                )
            record = models.OohHandover(
                referral_id=referral_id,
                service=service,
                reason=why,
                handed_at=now,
                handed_by=self.ctx.actor,
            )
            session.add(record)
            session.flush()
            assert record.id is not None
            self.ctx.audit(
                session,
                "hand over out of hours",
                "referral",
                referral_id,
                None,
                {"service": service, "reason": why},
                now,
            )
            return record.id

    def out_of_hours_handovers(
        self, referral_ids: Sequence[int] | None = None
    ) -> dict[int, OohHandoverView]:
        """The handover of each referral (of ``referral_ids``, else of every open one)."""
        with self.ctx.unit() as session:
            return self._handovers(session, referral_ids)

    def _handovers(
        self, session: Session, referral_ids: Sequence[int] | None
    ) -> dict[int, OohHandoverView]:
        ooh, referral = cols(models.OohHandover), cols(Referral)
        query = sa_select(*table_of(models.OohHandover).columns).order_by(ooh.id)
        if referral_ids is None:
            query = query.join(table_of(Referral), referral.id == ooh.referral_id).where(
                referral.status.in_(OPEN_STATUSES)
            )
        else:
            query = query.where(ooh.referral_id.in_(list(referral_ids)))
        return {row.referral_id: _ooh_view(row) for row in run(session, query).all()}

    # -- claims held ----------------------------------------------------------------------------
    def claims(self, at: dt.datetime | None = None) -> list[ClaimHeld]:
        """Every claim on an open referral, oldest first, with why it is flagged."""
        at = at or timeutil.now()
        with self.ctx.unit() as session:
            return self._claims(session, at)

    def _claims(self, session: Session, at: dt.datetime) -> list[ClaimHeld]:
        today = self.ctx.today(at)
        stale_after = dt.timedelta(minutes=self.config.handover.claim_stale_minutes)
        referral, staff = cols(Referral), cols(Staff)
        absence, rota_day = cols(Absence), cols(models.DutyRota)
        columns: tuple[Any, ...] = (
            referral.id,
            referral.name,
            referral.triage_since,
            referral.version,
            staff.id,
            staff.login,
            staff.name,
        )
        rows: Sequence[Any] = run(
            session,
            sa_select(*columns)
            .join(table_of(Staff), staff.id == referral.triage_by_id)
            .where(referral.status.in_(OPEN_STATUSES))
            .order_by(referral.triage_since, referral.id),
        ).all()
        away = set(
            run(
                session,
                sa_select(absence.staff_id).where(
                    absence.cancelled == False,  # noqa: E712
                    absence.starts_on <= today,
                    absence.ends_on >= today,
                ),
            ).scalars()
        )
        rota = set(
            run(session, sa_select(rota_day.staff_id).where(rota_day.on_date == today)).scalars()
        )
        out = []
        for referral_id, name, since, version, staff_id, login, staff_name in rows:
            since_utc = utc(since) if since else timeutil.as_utc(at)
            flags = []
            if timeutil.as_utc(at) - since_utc > stale_after:
                flags.append(ClaimFlag.held_long)
            if staff_id in away:
                flags.append(ClaimFlag.absent)
            if rota and staff_id not in rota:
                flags.append(ClaimFlag.off_rota)
            out.append(
                ClaimHeld(
                    referral_id=referral_id,
                    name=name,
                    login=login,
                    holder=staff_name,
                    since=since_utc,
                    flags=tuple(flags),
                    version=version,
                )
            )
        return out

    def release_claim(
        self, referral_id: int, reason: str, *, expected_version: int | None = None
    ) -> None:
        """The duty worker releases someone else's flagged claim, with a reason."""
        why = validate_reason(reason, "reason")
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            me = self.ctx.me(session)
            row = session.get(Referral, referral_id)
            if row is None:
                raise NotFound(f"No referral number {referral_id}")
            if row.status not in OPEN_STATUSES or row.triage_by_id is None:
                raise Conflict("Nobody is triaging this referral now; nothing was changed")
            if expected_version is not None and row.version != expected_version:
                raise self.ctx.stale(session, "referral", referral_id, "referral")
            if row.triage_by_id == me.id:
                raise Conflict("This is your own claim: c releases it; nothing was changed")
            held = next(c for c in self._claims(session, now) if c.referral_id == referral_id)
            if not held.flags:
                raise Conflict(
                    f"{held.login}'s claim is not flagged (held under "
                    f"{self.config.handover.claim_stale_minutes} minutes, on duty and not "
                    "away): take it over instead; nothing was changed"
                )
            before = {"triage_by": held.login}
            row.status = ReferralStatus.new.value
            row.triage_by_id = None
            row.triage_since = None
            session.add(row)
            session.flush()
            self.ctx.audit(
                session,
                "release claim",
                "referral",
                referral_id,
                before,
                {
                    "triage_by": None,
                    "reason": why,
                    "flags": ", ".join(str(f) for f in held.flags),
                },
                now,
            )

    # -- the handover ---------------------------------------------------------------------------
    def handover(self, day: dt.date | None = None) -> HandoverData:
        """What the next duty worker must know. Referrals, claims and notes are as of now;
        the rota and today's meetings with someone away are of local ``day`` (today)."""
        at = timeutil.now()
        day = day or self.ctx.today(at)
        team = self.config.team
        closed = opening.closed_spell(at, team)
        reopens = closed.reopens if closed is not None else None
        data = self._day(day)
        with self.ctx.unit() as session:
            columns: tuple[Any, ...] = (Referral.id, Referral.name, Referral.respond_by)
            rows: Sequence[Any] = session.exec(
                select(*columns)
                .where(col(Referral.status).in_(OPEN_STATUSES))
                .order_by(col(Referral.respond_by), col(Referral.id))
            ).all()
            handed = self._handovers(session, None)
            due = []
            for referral_id, name, respond_by in rows:
                deadline = utc(respond_by)
                clock = rules.response_clock(deadline, at, self.config)
                before_reopening = reopens is not None and deadline < reopens
                if clock.state in (rules.ClockState.overdue, rules.ClockState.due_soon) or (
                    before_reopening
                ):
                    ooh = handed.get(referral_id)
                    due.append(
                        DueReferral(
                            referral_id=referral_id,
                            name=name,
                            respond_by=deadline,
                            state=clock.state.value,
                            handed_over_to=ooh.service if ooh else None,
                        )
                    )
            claims = self._claims(session, at)
            notes = self._notes(session, None, None, open_only=True)
            on_duty = self._rota(session, day)
            first = unbooked(session)
        away = {a.staff_id: a.staff_login for a in data.absences}
        absent_meetings = tuple(
            AbsentMeeting(
                meeting_id=m.id,
                client_id=m.client_id,
                client_name=m.client_name,
                starts_at=m.starts_at,
                ends_at=m.ends_at,
                absent=tuple(away[s.id] for s in m.staff if s.id in away),
            )
            for m in data.meetings
            if m.status == MeetingStatus.booked and any(s.id in away for s in m.staff)
        )
        return HandoverData(
            at=at,
            day=day,
            closed=closed,
            due=tuple(due),
            claims=tuple(claims),
            unbooked=first,
            absent_meetings=absent_meetings,
            open_notes=tuple(notes),
            on_duty=tuple(on_duty),
            rota_set=bool(on_duty),
        )
