"""Booking network meetings: checking a booking against the rules, booking,
rescheduling, cancelling, and finding the next free slot.

Booking checks the rules of ``duty_desk.scheduling`` twice: once before the person
confirms (:meth:`BookingRepository.check_booking`) and again inside the write
transaction that books (BEGIN IMMEDIATE on SQLite; on PostgreSQL the client row and
then the expected staff rows, in id order, are locked FOR UPDATE first), so two duty
workers booking the same person into the same slot at the same moment get one booking
and one Conflict, never two.

Errors: InputErrors (fields ``when``, ``minutes``, ``staff``, ``place``,
``place_detail``, ``network``, ``reason``, ``by``); Conflict (a blocking clash,
someone else changed the meeting, or it is no longer booked); BookingWarnings
(warnings not overridden with a reason); NotFound; NotPermitted.

A client's first meeting starting after the referral's respond-by time is a warning too
(kind ``late_first_meeting``, issue 11): it is booked only with a reason, kept in the
meeting's ``late_reason`` as well as its ``override_reason`` and in the audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlmodel import Session, col, select

from duty_desk import scheduling, timeutil
from duty_desk.errors import BookingWarnings, Conflict, InputErrors, NotFound
from duty_desk.models import (
    CancelledBy,
    Client,
    ClientStatus,
    Meeting,
    MeetingNetwork,
    MeetingStaff,
    MeetingStatus,
    NetworkMember,
    Referral,
    Staff,
)
from duty_desk.validation import validate_reason
from duty_desk.views import BookingDefaults, ScheduleProblem

from .base import Aggregate, Context
from .network import current_member_ids, removed_member_refusal
from .rules import check_input, find_problems, lock, staff_names, when_away, when_busy


def _judge(found: list[ScheduleProblem], override: str | None) -> list[str]:
    if any(p.blocking for p in found):
        raise Conflict(scheduling.blocking_sentence(found))
    if found and not override:
        raise BookingWarnings(found)
    return [p.text for p in found]


LATE_FIRST = "late_first_meeting"
_COUNTS = (
    MeetingStatus.booked.value,
    MeetingStatus.happened.value,
    MeetingStatus.did_not_attend.value,
)


def late_first_meeting(
    ctx: Context, session: Session, client_id: int, start: dt.datetime, moving: int | None
) -> ScheduleProblem | None:
    """A warning when a meeting starting at ``start`` would be the client's first (no other
    booked or held meeting before it) and starts after the referral's respond-by time."""
    referral = session.exec(
        select(Referral.respond_by)
        .join(Client, col(Client.referral_id) == Referral.id)
        .where(Client.id == client_id)
    ).first()
    if referral is None:
        return None
    deadline = timeutil.as_utc(referral)
    if start <= deadline:
        return None
    before = select(Meeting.id).where(
        Meeting.client_id == client_id,
        col(Meeting.status).in_(_COUNTS),
        Meeting.starts_at < start,
    )
    if moving is not None:
        before = before.where(Meeting.id != moving)
    if session.exec(before.limit(1)).first() is not None:
        return None
    late = start - deadline
    hours = int(late.total_seconds() // 3600)
    mins = int(late.total_seconds() % 3600 // 60)
    due = timeutil.fmt_local(deadline, ctx.tz, "day")
    return ScheduleProblem(
        LATE_FIRST,
        f"This first meeting starts {hours}h{mins:02d} after the respond-by time ({due}): "
        "book it only with a reason, or find an earlier time",
        False,
    )


def _with_late(
    ctx: Context,
    session: Session,
    found: list[ScheduleProblem],
    client_id: int,
    start: dt.datetime,
    moving: int | None,
) -> list[ScheduleProblem]:
    if not ctx.config.triage.late_first_meeting_needs_reason:
        return found
    late = late_first_meeting(ctx, session, client_id, start, moving)
    return found if late is None else [*found, late]


def meeting_row(session: Session, meeting_id: int, expected_version: int | None) -> Meeting:
    row = session.get(Meeting, meeting_id)
    if row is None:
        raise NotFound(f"No meeting number {meeting_id}")
    if expected_version is not None and row.version != expected_version:
        raise Conflict(
            "This meeting changed since you looked at it (see its history); "
            "nothing was changed, check it and try again"
        )
    return row


def _open_client(session: Session, client_id: int) -> Client:
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(f"No client number {client_id}")
    if client.status != ClientStatus.open.value:
        raise Conflict("This episode of care has ended (discharged); nothing was booked")
    return client


def _logins(session: Session, staff_ids: Sequence[int]) -> list[str]:
    rows = {
        sid: login
        for sid, login in session.exec(
            select(Staff.id, Staff.login).where(col(Staff.id).in_(sorted(set(staff_ids))))
        ).all()
    }
    return [rows.get(s, str(s)) for s in staff_ids]


class BookingRepository(Aggregate):
    def __init__(self, ctx: Context, defaults: Callable[[int], BookingDefaults]) -> None:
        super().__init__(ctx)
        self._defaults = defaults  # the meeting reader's booking_defaults

    def check_booking(
        self,
        client_id: int,
        starts_at: dt.datetime,
        minutes: int,
        staff_ids: Sequence[int],
        place_kind: str,
        *,
        moving: int | None = None,
    ) -> list[ScheduleProblem]:
        """Problems with a booking, found before confirming (``moving``: the meeting being
        rescheduled, ignored when looking for clashes). Blocking ones come first."""
        start, end, _ = check_input(starts_at, minutes, list(staff_ids), place_kind)
        with self.ctx.unit() as session:
            if session.get(Client, client_id) is None:
                raise NotFound(f"No client number {client_id}")
            found = find_problems(
                self.ctx, session, client_id, start, end, list(staff_ids), place_kind, moving
            )
            return _with_late(self.ctx, session, found, client_id, start, moving)

    def book(
        self,
        client_id: int,
        starts_at: dt.datetime,
        minutes: int,
        staff_ids: Sequence[int],
        place_kind: str,
        place_detail: str = "",
        network_ids: Sequence[int] | None = None,
        *,
        override_reason: str | None = None,
    ) -> int:
        """Book in one write transaction (checks again inside it). Blocking problems raise
        Conflict; warnings without ``override_reason`` raise BookingWarnings.

        ``network_ids`` None means every member of the client's network; empty means none.
        Returns the new meeting's id.
        """
        staff_list = list(staff_ids)
        start, end, detail = check_input(starts_at, minutes, staff_list, place_kind, place_detail)
        override = validate_reason(override_reason, "reason") if override_reason else None
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            me = self.ctx.me(session)
            client = _open_client(session, client_id)
            lock(self.ctx, session, client_id, staff_list)
            found = find_problems(
                self.ctx, session, client_id, start, end, staff_list, place_kind, None
            )
            found = _with_late(self.ctx, session, found, client_id, start, None)
            warnings = _judge(found, override)
            late = any(p.kind == LATE_FIRST for p in found)
            members = session.exec(
                select(NetworkMember.id).where(NetworkMember.referral_id == client.referral_id)
            ).all()
            # issue 12 (network): removed members are never invited; nobody chosen means
            # the current members who take part in meetings
            taking_part, current = current_member_ids(session, client.referral_id)
            if network_ids is not None:
                strangers = [i for i in network_ids if i not in set(members)]
                if strangers:
                    raise InputErrors({"network": "someone chosen is not in this client's network"})
                if any(i not in current for i in network_ids):
                    raise InputErrors({"network": removed_member_refusal()})
                network = list(dict.fromkeys(network_ids))
            else:
                network = taking_part
            row = Meeting(
                client_id=client_id,
                starts_at=start,
                ends_at=end,
                place_kind=place_kind,
                place_detail=detail,
                status=MeetingStatus.booked.value,
                override_reason=override if warnings else None,
                late_reason=override if late else None,
                created_at=now,
                created_by=me.login,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            session.add_all([MeetingStaff(meeting_id=row.id, staff_id=s) for s in staff_list])
            session.add_all(
                [MeetingNetwork(meeting_id=row.id, network_member_id=n) for n in network]
            )
            after: dict[str, Any] = {
                "client_id": client_id,
                "starts_at": start,
                "ends_at": end,
                "place_kind": place_kind,
                "place_detail": detail,
                "status": row.status,
                "staff": _logins(session, staff_list),
                "network": network,
            }
            if warnings:
                after.update(warnings=warnings, override_reason=override)
            if late:
                after["late_reason"] = override
            self.ctx.audit(session, "book meeting", "meeting", row.id, None, after, now)
            return row.id

    def reschedule(
        self,
        meeting_id: int,
        starts_at: dt.datetime,
        minutes: int,
        *,
        override_reason: str | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Move a booked meeting (same people and place); checked like a booking."""
        now = timeutil.now()
        override = validate_reason(override_reason, "reason") if override_reason else None
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            row = meeting_row(session, meeting_id, expected_version)
            if row.status != MeetingStatus.booked.value:
                raise Conflict(
                    f"This meeting is {row.status.replace('_', ' ')}, not booked: "
                    "book a new one instead; nothing was changed"
                )
            staff_list = list(
                session.exec(
                    select(MeetingStaff.staff_id)
                    .where(MeetingStaff.meeting_id == meeting_id)
                    .order_by(col(MeetingStaff.staff_id))
                ).all()
            )
            start, end, _ = check_input(starts_at, minutes, staff_list or [0])
            _open_client(session, row.client_id)
            lock(self.ctx, session, row.client_id, staff_list)
            found = find_problems(
                self.ctx, session, row.client_id, start, end, staff_list, row.place_kind, meeting_id
            )
            found = _with_late(self.ctx, session, found, row.client_id, start, meeting_id)
            warnings = _judge(found, override)
            late = any(p.kind == LATE_FIRST for p in found)
            before = {
                "starts_at": row.starts_at,
                "ends_at": row.ends_at,
                "override_reason": row.override_reason,
                "late_reason": row.late_reason,
            }
            row.starts_at, row.ends_at = start, end
            row.override_reason = override if warnings else None
            row.late_reason = override if late else None
            session.add(row)
            session.flush()
            after: dict[str, Any] = {
                "starts_at": start,
                "ends_at": end,
                "override_reason": row.override_reason,
                "late_reason": row.late_reason,
            }
            if warnings:
                after["warnings"] = warnings
            self.ctx.audit(session, "reschedule meeting", "meeting", meeting_id, before, after, now)

    def cancel_meeting(
        self, meeting_id: int, by: str, reason: str, *, expected_version: int | None = None
    ) -> None:
        """Cancel a booked meeting: by "client" (the client or their network) or "team"."""
        if by not in {c.value for c in CancelledBy}:
            raise InputErrors(
                {"by": "say who cancelled: the client (or their network) or the team"}
            )
        text = validate_reason(reason, "reason")
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            row = meeting_row(session, meeting_id, expected_version)
            if row.status != MeetingStatus.booked.value:
                raise Conflict(
                    f"This meeting is already {row.status.replace('_', ' ')}; "
                    "only a booked meeting can be cancelled; nothing was changed"
                )
            self.ctx.change(
                session,
                row,
                "meeting",
                "cancel meeting",
                now,
                status=MeetingStatus.cancelled.value,
                cancelled_by=by,
                cancel_reason=text,
            )

    def next_free_slot(
        self,
        client_id: int,
        minutes: int,
        staff_ids: Sequence[int],
        after: dt.datetime | None = None,
        *,
        place_kind: str | None = None,
    ) -> dt.datetime | None:
        """The earliest start from ``after`` (default now), on the slot grid, within team hours
        and days, when every one of ``staff_ids`` (and the client) is free and not absent, and
        travel gaps are kept for a meeting at ``place_kind`` (default: the client's last
        place). Looks up to 14 days ahead; None if nothing is free in that time."""
        staff_list = list(staff_ids)
        start_from = timeutil.as_utc(after) if after is not None else timeutil.now()
        check_input(start_from, minutes, staff_list, place_kind)
        place = place_kind or self._defaults(client_id).place_kind
        first_day = timeutil.to_local(start_from, self.ctx.tz).date()
        last_day = first_day + dt.timedelta(days=scheduling.SEARCH_DAYS + 1)
        _, window_end = self.ctx.day_bounds(last_day)
        with self.ctx.unit() as session:
            if session.get(Client, client_id) is None:
                raise NotFound(f"No client number {client_id}")
            staff_names(session, staff_list)
            reach = scheduling.MAX_MEETING
            busy = when_busy(session, staff_list, client_id, start_from - reach, window_end)
            away = when_away(session, staff_list, first_day, last_day)
        return scheduling.free_slot(
            client_id,
            minutes,
            staff_list,
            place,
            start_from,
            busy,
            away,
            self.config.team,
            self.config.meetings,
        )
