"""Triage decisions put right and seen through (issue 11): what the accept dialog shows
before confirming, reversing a decision within the settings' window, the accepted clients
still needing a core team or a first meeting, and the staff free for a first meeting
before the respond-by time.

Reversing takes the same per-area intake lock as accepting (``intake.lock_area``; on
SQLite the one BEGIN IMMEDIATE write lock), so a place given back and a place taken in
the same area are counted one after the other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import exists
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from duty_desk import rules, scheduling, timeutil
from duty_desk.errors import Conflict, NotFound
from duty_desk.models import (
    OPEN_STATUSES,
    Client,
    ClientStatus,
    CoreTeamMember,
    Meeting,
    MeetingStatus,
    PlaceKind,
    Referral,
    ReferralStatus,
    Staff,
)
from duty_desk.validation import validate_reason
from duty_desk.views import (
    AcceptPreview,
    AreaIntake,
    AwaitingSetup,
    CoreTeamChoice,
    SetupNeed,
)

from .base import Aggregate
from .episodes import cancel_booked
from .intake import earlier_waiting, lock_area, taken
from .loads import by_room, loads
from .referrals import _query, _view
from .rules import when_away, when_busy
from .sql import cols, run
from .staff import all_staff

# Meetings that count as the client's meetings (a cancelled one does not).
NOT_CANCELLED = (
    MeetingStatus.booked.value,
    MeetingStatus.happened.value,
    MeetingStatus.did_not_attend.value,
)
# Meetings that mean the episode has been acted on: its acceptance can no longer be undone.
ACTED_ON = (MeetingStatus.happened.value, MeetingStatus.did_not_attend.value)
AWAITING_LIMIT = 200


class DecisionRepository(Aggregate):
    # -- before accepting ------------------------------------------------------------------
    def accept_preview(self, referral_id: int) -> AcceptPreview:
        """The referral, its area's places used in its intake week, eligibility problems
        and earlier eligible referrals in the same area and week still waiting."""
        query, _ = _query()
        with self.ctx.unit() as session:
            row = run(session, query.where(col(Referral.id) == referral_id)).first()
            if row is None:
                raise NotFound(f"No referral number {referral_id}")
            view = _view(row)
            area = self.config.areas.get(row.area)
            intake = None
            if area is not None:
                intake = AreaIntake(
                    area=row.area,
                    name=area.name,
                    cap=area.weekly_cap,
                    taken=taken(self.ctx, session, row.area, view.received_at),
                    week_start=timeutil.week_start_local(view.received_at, self.ctx.tz).date(),
                )
            earlier = earlier_waiting(self.ctx, session, row) if view.is_open else []
        problems = rules.eligibility_problems(
            date_of_birth=view.date_of_birth,
            received_at=view.received_at,
            area=view.area,
            source=view.source,
            config=self.config,
        )
        return AcceptPreview(view, intake, tuple(problems), tuple(earlier))

    # -- reversing ---------------------------------------------------------------------------
    def reverse_decision(
        self, referral_id: int, reason: str, *, expected_version: int | None = None
    ) -> int:
        """Reverse a triage decision (accept, redirect or decline) with a reason, within
        ``[triage] reverse_within_hours`` of it: the referral is new (open) again.

        Reversing an accept gives the week's place back and closes the episode as
        reversed: its booked meetings are cancelled (by the team, with the reason) and its
        core team is cleared. Refused (Conflict, nothing changed) when a meeting with the
        client already happened (or was not attended), when the episode has ended, after
        the window, or for a referral still open. Returns how many meetings were cancelled.
        """
        text = validate_reason(reason, "reason")
        now = timeutil.now()
        hours = self.config.triage.reverse_within_hours
        with self.ctx.unit(write=True) as session:
            me = self.ctx.me(session)
            row = session.get(Referral, referral_id)
            if row is None:
                raise NotFound(f"No referral number {referral_id}")
            if row.status in OPEN_STATUSES:
                raise Conflict(
                    "This referral is still open (not yet accepted, redirected or declined): "
                    "there is no decision to reverse; nothing was changed"
                )
            if expected_version is not None and row.version != expected_version:
                raise self.ctx.stale(session, "referral", referral_id, "referral")
            decided = timeutil.as_utc(row.decided_at) if row.decided_at else None
            if decided is None or now - decided > dt.timedelta(hours=hours):
                when = timeutil.fmt_local(decided, self.ctx.tz, "day") if decided else "earlier"
                raise Conflict(
                    f"This decision was made {when}, more than {hours:g} hours ago, so it can "
                    "no longer be reversed (config.toml [triage] reverse_within_hours); "
                    "nothing was changed"
                )
            lock_area(self.ctx, session, row.area)  # the same lock as the cap check
            cancelled = 0
            if row.status == ReferralStatus.accepted.value:
                cancelled = self._close_episode(session, row, me, text, now)
            self.ctx.change(
                session,
                row,
                "referral",
                "reverse decision",
                now,
                status=ReferralStatus.new.value,
                triage_by_id=None,
                triage_since=None,
                decided_by_id=None,
                decided_at=None,
                decision_reason=None,
                eligibility_override=None,
                order_reason=None,
                onward=None,
                reversed_at=now,
                reversed_by=me.login,
                reversal_reason=text,
            )
            return cancelled

    def _close_episode(
        self, session: Any, row: Referral, me: Staff, text: str, now: dt.datetime
    ) -> int:
        client = session.exec(select(Client).where(Client.referral_id == row.id)).first()
        if client is None:
            return 0
        if client.status != ClientStatus.open.value:
            raise Conflict(
                "This client's episode of care has already ended: the acceptance cannot be "
                "reversed; nothing was changed"
            )
        acted = session.exec(
            select(Meeting.starts_at)
            .where(Meeting.client_id == client.id, col(Meeting.status).in_(ACTED_ON))
            .order_by(col(Meeting.starts_at))
        ).first()
        if acted is not None:
            when = timeutil.fmt_local(timeutil.as_utc(acted), self.ctx.tz, "day")
            raise Conflict(
                f"A meeting with this client already took place ({when}): the acceptance "
                "cannot be reversed. Discharge the client on the board (d) instead; "
                "nothing was changed"
            )
        assert client.id is not None
        booked = cancel_booked(self.ctx, session, client.id, now, f"Acceptance reversed: {text}")
        members = session.exec(
            select(CoreTeamMember, Staff.login)
            .join(Staff, col(Staff.id) == CoreTeamMember.staff_id)
            .where(CoreTeamMember.client_id == client.id)
            .order_by(col(Staff.login))
        ).all()
        key_login = session.exec(
            select(Staff.login).where(Staff.id == client.key_worker_id)
        ).first()
        for member, _login in members:
            session.delete(member)
        if members or key_login:
            self.ctx.audit(
                session,
                "core team",
                "client",
                client.id,
                {"core_team": [login for _, login in members], "key_worker": key_login},
                {"core_team": [], "key_worker": None, "reason": f"Acceptance reversed: {text}"},
                now,
            )
        self.ctx.change(
            session,
            client,
            "client",
            "reverse acceptance",
            now,
            status=ClientStatus.reversed.value,
            key_worker_id=None,
            discharged_at=now,
            discharge_reason=f"Acceptance reversed: {text}",
            discharged_by_id=me.id,
        )
        return len(booked)

    # -- accepted, but not yet seen through ----------------------------------------------------
    def awaiting_setup(self) -> list[AwaitingSetup]:
        """Open episodes with no core team yet (``core_team``) or, with one, no meeting
        booked or held yet (``first_meeting``): soonest respond-by first."""
        clients, teams, meetings = cols(Client), cols(CoreTeamMember), cols(Meeting)
        referrals = cols(Referral)
        has_team = exists().where(teams.client_id == clients.id)
        has_meeting = exists().where(
            meetings.client_id == clients.id, meetings.status.in_(NOT_CANCELLED)
        )
        query, _ = _query()
        columns: tuple[Any, ...] = (clients.id, clients.referral_id, has_team)
        with self.ctx.unit() as session:
            waiting = run(
                session,
                sa_select(*columns)
                .where(clients.status == ClientStatus.open.value, ~(has_team & has_meeting))
                .limit(AWAITING_LIMIT),
            ).all()
            if not waiting:
                return []
            by_referral = {referral: (client, team) for client, referral, team in waiting}
            rows = run(
                session,
                query.where(referrals.id.in_(sorted(by_referral))).order_by(
                    referrals.respond_by, referrals.id
                ),
            ).all()
            out = []
            for found in rows:
                view = _view(found)
                client_id, team = by_referral[view.id]
                need = SetupNeed.first_meeting if team else SetupNeed.core_team
                out.append(AwaitingSetup(view, client_id or 0, need))
            return out

    def core_team_choice(self, client_id: int, deadline: dt.datetime | None) -> CoreTeamChoice:
        """Active staff by room in their caseload (as ``suggest_staff``), those with a free
        meeting-length slot in team hours before ``deadline`` (no clashing meeting, not
        away) first. With no deadline, or one already past, nobody is marked free."""
        now = timeutil.now()
        today = self.ctx.today(now)
        minutes = self.config.meetings.default_minutes
        with self.ctx.unit() as session:
            if session.get(Client, client_id) is None:
                raise NotFound(f"No client number {client_id}")
            found = loads(session, all_staff(session), today)
            ordered = by_room(found.values(), today)
            free: set[int] = set()
            if deadline is not None and deadline > now:
                staff_ids = [load.staff.id for load in ordered]
                last_day = self.ctx.today(deadline)
                busy = when_busy(session, staff_ids, -1, now - scheduling.MAX_MEETING, deadline)
                away = when_away(session, staff_ids, today, last_day)
                days = (last_day - today).days
                # each one's meetings and absences, sorted out once (not a pass over every
                # meeting for each of some 200 staff)
                busy_of: dict[int, list[scheduling.Busy]] = {}
                for meeting in busy:
                    for sid in meeting.staff_ids:
                        busy_of.setdefault(sid, []).append(meeting)
                away_of: dict[int, list[scheduling.Away]] = {}
                for absence in away:
                    away_of.setdefault(absence.staff_id, []).append(absence)
                for sid in staff_ids:
                    slot = scheduling.free_slot(
                        -1,
                        minutes,
                        [sid],
                        PlaceKind.base.value,
                        now,
                        busy_of.get(sid, []),
                        away_of.get(sid, []),
                        self.config.team,
                        self.config.meetings,
                        days=days,
                    )
                    if slot is not None and slot + dt.timedelta(minutes=minutes) <= deadline:
                        free.add(sid)
        first = [load for load in ordered if load.staff.id in free]
        rest = [load for load in ordered if load.staff.id not in free]
        return CoreTeamChoice(tuple(first + rest), tuple(sorted(free)), deadline)
