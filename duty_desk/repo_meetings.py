"""The repository's part for network meetings: the day view, booking,
rescheduling, cancelling and recording who attended.

Booking checks the rules of ``duty_desk.scheduling`` twice: once before the
person confirms (:meth:`MeetingRepository.check_booking`) and again inside the
write transaction that books (BEGIN IMMEDIATE on SQLite; on PostgreSQL the
client row and then the expected staff rows, in id order, are locked FOR
UPDATE first), so two duty workers booking the same person into the same slot
at the same moment get one booking and one Conflict, never two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pendulum
from sqlalchemy import and_, exists, func, or_
from sqlmodel import Session, select

from . import repo_board, scheduling, timeutil
from .errors import BookingWarnings, Conflict, InputErrors, NotFound
from .models import (
    Absence,
    CancelledBy,
    Client,
    ClientStatus,
    CoreTeamMember,
    Meeting,
    MeetingNetwork,
    MeetingStaff,
    MeetingStatus,
    NetworkMember,
    PlaceKind,
    Referral,
    Staff,
)
from .repo_base import RepositoryBase, staff_view
from .validation import clean_text, validate_reason
from .views import (
    AbsenceView,
    Attendee,
    BookingDefaults,
    DayData,
    FirstMeeting,
    MeetingView,
    NetworkMemberView,
    ScheduleProblem,
    UnbookedFirst,
)

BUSY = scheduling.BUSY_STATUSES
NOT_CANCELLED = (MeetingStatus.booked.value, MeetingStatus.happened.value,
                 MeetingStatus.did_not_attend.value)
MIN_MINUTES = 5
MAX_MINUTES = int(scheduling.MAX_MEETING.total_seconds() // 60)
MAX_PLACE_DETAIL = 300
CHUNK = 500  # ids per IN (...) list
PLACE_WORDS = {"home": "home visit", "base": "team base", "phone": "phone", "video": "video"}


def _utc(value: dt.datetime) -> pendulum.DateTime:
    """A stored (aware UTC) instant as pendulum UTC, 10x quicker than ``timeutil.as_utc``
    (the day view converts hundreds of them)."""
    if value.utcoffset() == dt.timedelta(0):
        return pendulum.DateTime(value.year, value.month, value.day, value.hour, value.minute,
                                 value.second, value.microsecond, tzinfo=timeutil.zone("UTC"))
    return timeutil.as_utc(value)


# The columns MeetingView needs: reading these (not ORM objects) makes a busy day ~2x quicker.
_MEETING_COLUMNS = (Meeting.id, Meeting.client_id, Meeting.starts_at, Meeting.ends_at,
                    Meeting.place_kind, Meeting.place_detail, Meeting.status, Meeting.cancelled_by,
                    Meeting.cancel_reason, Meeting.override_reason, Meeting.version)
_STAFF_COLUMNS = (Staff.id, Staff.login, Staff.name, Staff.role, Staff.active, Staff.capacity)


def _expects(staff_id: int) -> Any:
    """Meeting has this staff member expected (EXISTS: the time range drives the query)."""
    return exists().where(MeetingStaff.meeting_id == Meeting.id, MeetingStaff.staff_id == staff_id)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for at in range(0, len(ids), CHUNK):
        yield ids[at:at + CHUNK]


class MeetingRepository(RepositoryBase):
    """Meeting reads and writes; mixed into ``duty_desk.repository.Repository``.

    Errors: InputErrors (fields ``when``, ``minutes``, ``staff``, ``place``,
    ``place_detail``, ``network``, ``reason``, ``by``); Conflict (a blocking clash,
    someone else changed the meeting, or the meeting is no longer in a state that
    allows the change); BookingWarnings (warnings not overridden with a reason);
    NotFound; NotPermitted.
    """

    # -- reading ---------------------------------------------------------------------------
    def _views(self, session: Session, rows: Sequence[Any]) -> list[MeetingView]:
        """MeetingViews for ``rows`` (Meeting objects or rows of ``_MEETING_COLUMNS``, kept in
        order), attendees loaded set-wise."""
        ids = [row.id for row in rows if row.id is not None]
        client_ids = sorted({row.client_id for row in rows})
        names: dict[int, str] = {}
        staff: dict[int, list[Attendee]] = {i: [] for i in ids}
        network: dict[int, list[Attendee]] = {i: [] for i in ids}
        for chunk in _chunks(client_ids):
            for client_id, name in session.exec(
                select(Client.id, Referral.name)
                .join(Referral, Client.referral_id == Referral.id)  # type: ignore[arg-type]
                .where(Client.id.in_(chunk))  # type: ignore[union-attr]
            ):
                names[client_id] = name
        for chunk in _chunks(ids):
            for meeting_id, staff_id, name, attended in session.exec(
                select(MeetingStaff.meeting_id, Staff.id, Staff.name, MeetingStaff.attended)
                .join(Staff, MeetingStaff.staff_id == Staff.id)  # type: ignore[arg-type]
                .where(MeetingStaff.meeting_id.in_(chunk))  # type: ignore[attr-defined]
                .order_by(Staff.name, Staff.id)
            ):
                staff[meeting_id].append(Attendee(staff_id, name, attended))
            for meeting_id, member_id, name, attended in session.exec(
                select(MeetingNetwork.meeting_id, NetworkMember.id, NetworkMember.name,
                       MeetingNetwork.attended)
                .join(NetworkMember,
                      MeetingNetwork.network_member_id == NetworkMember.id)  # type: ignore[arg-type]
                .where(MeetingNetwork.meeting_id.in_(chunk))  # type: ignore[attr-defined]
                .order_by(NetworkMember.id)
            ):
                network[meeting_id].append(Attendee(member_id, name, attended))
        return [
            MeetingView(
                id=row.id or 0, client_id=row.client_id, client_name=names.get(row.client_id, ""),
                starts_at=_utc(row.starts_at), ends_at=_utc(row.ends_at),
                place_kind=row.place_kind, place_detail=row.place_detail, status=row.status,
                cancelled_by=row.cancelled_by, cancel_reason=row.cancel_reason,
                override_reason=row.override_reason, staff=tuple(staff[row.id or 0]),
                network=tuple(network[row.id or 0]), version=row.version,
            )
            for row in rows
        ]

    def _day_bounds(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """Local midnight to the next local midnight, as UTC (23 or 25 hours on change days)."""
        start = pendulum.datetime(day.year, day.month, day.day, tz=timeutil.zone(self.config.team.timezone))
        return timeutil.as_utc(start), timeutil.as_utc(start.add(days=1))

    def _local_instant(self, day: dt.date, at: dt.time) -> dt.datetime:
        naive = dt.datetime.combine(day, at)
        try:
            return timeutil.local_to_utc(naive, self.config.team.timezone)
        except timeutil.TimeInputError:  # hours set inside a clock change: take pendulum's choice
            zone = timeutil.zone(self.config.team.timezone)
            return timeutil.as_utc(pendulum.instance(naive, tz=zone))

    def day(self, day: dt.date, staff_id: int | None = None) -> DayData:
        """Everything the day view shows for one local date.

        With ``staff_id``: only the meetings that person is expected at, their absences,
        and ``staff`` holds just them. ``unbooked`` is as of now whatever the day.
        """
        team = self.config.team
        day_start, day_end = self._day_bounds(day)
        with self._unit() as session:
            query = select(*_MEETING_COLUMNS).where(
                Meeting.starts_at < day_end,
                Meeting.starts_at > day_start - scheduling.MAX_MEETING,
                Meeting.ends_at > day_start,
            )
            if staff_id is not None:
                query = query.where(_expects(staff_id))
            rows = session.exec(query.order_by(Meeting.starts_at, Meeting.id)).all()  # type: ignore[call-overload]
            staff_query = select(*_STAFF_COLUMNS).where(Staff.active == True).order_by(Staff.name)  # noqa: E712
            if staff_id is not None:
                staff_query = select(*_STAFF_COLUMNS).where(Staff.id == staff_id)
            staff = tuple(staff_view(row) for row in session.exec(staff_query))  # type: ignore[arg-type]
            absences = self._absence_views(session, day, day, staff_id)
            return DayData(
                day=day,
                opens_at=self._local_instant(day, team.opens),
                closes_at=self._local_instant(day, team.closes),
                working_day=scheduling.DAY_NAMES[day.weekday()] in team.days,
                staff=staff,
                meetings=tuple(self._views(session, rows)),
                absences=absences,
                unbooked=self._unbooked(session),
            )

    def _absence_views(self, session: Session, first: dt.date, last: dt.date,
                       staff_id: int | None) -> tuple[AbsenceView, ...]:
        query = (
            select(Absence, Staff.login, Staff.name)
            .join(Staff, Absence.staff_id == Staff.id)  # type: ignore[arg-type]
            .where(Absence.cancelled == False,  # noqa: E712
                   Absence.starts_on <= last, Absence.ends_on >= first)
            .order_by(Staff.name, Absence.starts_on)
        )
        if staff_id is not None:
            query = query.where(Absence.staff_id == staff_id)
        return tuple(
            AbsenceView(id=row.id or 0, staff_id=row.staff_id, staff_login=login, staff_name=name,
                        starts_on=row.starts_on, ends_on=row.ends_on, kind=row.kind,
                        note=row.note, version=row.version)
            for row, login, name in session.exec(query)
        )

    def _unbooked(self, session: Session) -> tuple[UnbookedFirst, ...]:
        has_meeting = exists().where(Meeting.client_id == Client.id,
                                     Meeting.status.in_(NOT_CANCELLED))  # type: ignore[attr-defined]
        rows = session.exec(
            select(Client.id, Client.referral_id, Referral.name, Referral.respond_by)
            .join(Referral, Client.referral_id == Referral.id)  # type: ignore[arg-type]
            .where(Client.status == ClientStatus.open.value, ~has_meeting)
            .order_by(Referral.respond_by, Client.id)
        ).all()
        return tuple(UnbookedFirst(client_id=c, referral_id=r, name=n, respond_by=_utc(b))
                     for c, r, n, b in rows)

    def unbooked_first(self) -> list[UnbookedFirst]:
        """Open episodes with no (non-cancelled) meeting yet, soonest deadline first."""
        with self._unit() as session:
            return list(self._unbooked(session))

    def first_meetings(self, since: dt.datetime) -> list[FirstMeeting]:
        """Episodes accepted since ``since``: was the first non-cancelled meeting (booked,
        happened or not attended) set to start by the referral's respond-by time? ``met``
        is None while nothing is booked and the deadline has not passed."""
        now = timeutil.now()
        # per client, the ix_meeting_client_starts_at index gives the first start at once
        first_at = (
            select(func.min(Meeting.starts_at))
            .where(Meeting.client_id == Client.id,
                   Meeting.status.in_(NOT_CANCELLED))  # type: ignore[attr-defined]
            .correlate(Client)
            .scalar_subquery()
        )
        with self._unit() as session:
            rows = session.exec(
                select(Client.id, Client.referral_id, Referral.name, Referral.respond_by,
                       first_at)
                .join(Referral, Client.referral_id == Referral.id)  # type: ignore[arg-type]
                .where(Client.accepted_at >= since)
                .order_by(Client.accepted_at, Client.id)
            ).all()
        out: list[FirstMeeting] = []
        for client_id, referral_id, name, respond_by, first_at in rows:
            deadline = timeutil.as_utc(respond_by)
            at = _first_instant(first_at)
            if at is not None:
                met: bool | None = at <= deadline
            else:
                met = None if now <= deadline else False
            out.append(FirstMeeting(client_id=client_id, referral_id=referral_id, name=name,
                                    respond_by=deadline, first_meeting_at=at, met=met))
        return out

    def meeting(self, meeting_id: int) -> MeetingView:
        with self._unit() as session:
            row = session.get(Meeting, meeting_id)
            if row is None:
                raise NotFound(f"No meeting number {meeting_id}")
            return self._views(session, [row])[0]

    def meetings_for_client(self, client_id: int) -> list[MeetingView]:
        """Every meeting of one episode, oldest first."""
        with self._unit() as session:
            rows = session.exec(
                select(Meeting).where(Meeting.client_id == client_id)
                .order_by(Meeting.starts_at, Meeting.id)
            ).all()
            return self._views(session, rows)

    def booking_defaults(self, client_id: int) -> BookingDefaults:
        """Attendees = the active core team, minutes from config, place = the place of the
        client's latest non-cancelled meeting (the team base for a first meeting)."""
        with self._unit() as session:
            client = session.get(Client, client_id)
            if client is None:
                raise NotFound(f"No client number {client_id}")
            referral = session.get(Referral, client.referral_id)
            core = session.exec(
                select(Staff)
                .join(CoreTeamMember, CoreTeamMember.staff_id == Staff.id)  # type: ignore[arg-type]
                .where(CoreTeamMember.client_id == client_id, Staff.active == True)  # noqa: E712
                .order_by(Staff.name)
            ).all()
            members = session.exec(
                select(NetworkMember).where(NetworkMember.referral_id == client.referral_id)
                .order_by(NetworkMember.id)
            ).all()
            last = session.exec(
                select(Meeting.place_kind, Meeting.place_detail)
                .where(Meeting.client_id == client_id,
                       Meeting.status.in_(NOT_CANCELLED))  # type: ignore[attr-defined]
                .order_by(Meeting.starts_at.desc(), Meeting.id.desc())  # type: ignore[attr-defined,union-attr]
                .limit(1)
            ).first()
            place_kind, place_detail = last or (PlaceKind.base.value, self.config.meetings.team_base)
            return BookingDefaults(
                client_id=client_id, client_name=referral.name if referral else "",
                staff=tuple(staff_view(row) for row in core),
                network=tuple(NetworkMemberView(id=m.id or 0, name=m.name,
                                                relationship=m.relationship, phone=m.phone)
                              for m in members),
                minutes=self.config.meetings.default_minutes,
                place_kind=place_kind, place_detail=place_detail,
            )

    # -- the rules, against the database -----------------------------------------------------
    def _busy(self, session: Session, staff_ids: Iterable[int], client_id: int,
              start: dt.datetime, end: dt.datetime) -> list[scheduling.Busy]:
        """Booked or happened meetings of these staff or this client touching [start, end)."""
        wanted = sorted(set(staff_ids))
        window = (Meeting.starts_at < end, Meeting.starts_at > start - scheduling.MAX_MEETING,
                  Meeting.ends_at > start, Meeting.status.in_(BUSY))  # type: ignore[attr-defined]
        found: dict[int, tuple[Any, ...]] = {}
        staff_of: dict[int, set[int]] = {}
        if wanted:
            # Meetings in the time window first (the starts_at index: a few hundred rows a
            # day), then their staff: never every meeting a staff member ever had.
            in_window = select(Meeting.id).where(*window)
            for mid, cid, starts, ends, place, staff_id in session.exec(
                select(Meeting.id, Meeting.client_id, Meeting.starts_at, Meeting.ends_at,
                       Meeting.place_kind, MeetingStaff.staff_id)
                .join(MeetingStaff, MeetingStaff.meeting_id == Meeting.id)  # type: ignore[arg-type]
                .where(MeetingStaff.staff_id.in_(wanted),  # type: ignore[attr-defined]
                       Meeting.id.in_(in_window))  # type: ignore[union-attr]
            ):
                found[mid] = (cid, starts, ends, place)
                staff_of.setdefault(mid, set()).add(staff_id)
        for mid, cid, starts, ends, place in session.exec(
            select(Meeting.id, Meeting.client_id, Meeting.starts_at, Meeting.ends_at,
                   Meeting.place_kind)
            .where(Meeting.client_id == client_id, *window)
        ):
            found[mid] = (cid, starts, ends, place)
        return [
            scheduling.Busy(mid, cid, _utc(starts), _utc(ends), place,
                            frozenset(staff_of.get(mid, ())))
            for mid, (cid, starts, ends, place) in found.items()
        ]

    def _away(self, session: Session, staff_ids: Iterable[int], first: dt.date,
              last: dt.date) -> list[scheduling.Away]:
        wanted = sorted(set(staff_ids))
        if not wanted:
            return []
        rows = session.exec(
            select(Absence.staff_id, Absence.starts_on, Absence.ends_on, Absence.kind)
            .where(Absence.staff_id.in_(wanted), Absence.cancelled == False,  # type: ignore[attr-defined]  # noqa: E712
                   Absence.starts_on <= last, Absence.ends_on >= first)
        ).all()
        return [scheduling.Away(*row) for row in rows]

    def _staff_names(self, session: Session, staff_ids: Sequence[int]) -> dict[int, str]:
        """Names of the given staff; InputErrors("staff") when one is unknown or has left."""
        rows = session.exec(
            select(Staff.id, Staff.name, Staff.active)
            .where(Staff.id.in_(sorted(set(staff_ids))))  # type: ignore[union-attr]
        ).all()
        known = {sid: (name, active) for sid, name, active in rows}
        missing = [sid for sid in staff_ids if sid not in known]
        if missing:
            raise InputErrors({"staff": f"no staff member number {missing[0]}"})
        gone = [known[sid][0] for sid in staff_ids if not known[sid][1]]
        if gone:
            raise InputErrors({"staff": f"{gone[0]} has left the staff list"})
        return {sid: name for sid, (name, _active) in known.items()}

    def _problems(self, session: Session, client_id: int, start: dt.datetime, end: dt.datetime,
                  staff_ids: Sequence[int], place_kind: str,
                  moving: int | None) -> list[ScheduleProblem]:
        names = self._staff_names(session, staff_ids)
        reach = dt.timedelta(minutes=self.config.meetings.travel_buffer_minutes)
        busy = self._busy(session, staff_ids, client_id, start - reach, end + reach)
        days = scheduling.local_days(start, end, self.config.team.timezone)
        away = self._away(session, staff_ids, days[0], days[-1])
        candidate = scheduling.Candidate(client_id, start, end, tuple(staff_ids), place_kind, moving)
        return scheduling.problems(candidate, busy, away, names, self.config.team,
                                   self.config.meetings, timeutil.now())

    def _lock(self, session: Session, client_id: int, staff_ids: Iterable[int]) -> None:
        """PostgreSQL: lock the client row, then the staff rows in id order (a fixed order,
        so two bookings never wait on each other in a circle). SQLite: BEGIN IMMEDIATE
        already holds the only write lock."""
        if self.db.is_sqlite:
            return
        session.exec(select(Client.id).where(Client.id == client_id).with_for_update()).all()
        session.exec(
            select(Staff.id).where(Staff.id.in_(sorted(set(staff_ids))))  # type: ignore[union-attr]
            .order_by(Staff.id).with_for_update()
        ).all()

    @staticmethod
    def _check_input(starts_at: dt.datetime, minutes: int, staff_ids: Sequence[int],
                     place_kind: str | None = None, place_detail: str | None = None,
                     ) -> tuple[dt.datetime, dt.datetime, str]:
        errors: dict[str, str] = {}
        if not isinstance(starts_at, dt.datetime) or starts_at.tzinfo is None:
            errors["when"] = "the start time must carry a time zone"
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not (
                MIN_MINUTES <= minutes <= MAX_MINUTES):
            errors["minutes"] = f"a meeting lasts {MIN_MINUTES} to {MAX_MINUTES} minutes"
        if not staff_ids:
            errors["staff"] = "choose at least one staff member"
        elif len(set(staff_ids)) != len(staff_ids):
            errors["staff"] = "a staff member is listed twice"
        if place_kind is not None and place_kind not in {p.value for p in PlaceKind}:
            errors["place"] = (f"unknown place {place_kind!r} (expected one of: "
                               f"{', '.join(p.value for p in PlaceKind)})")
        detail = ""
        if place_detail is not None:
            try:
                detail = clean_text(place_detail, label="place", required=False,
                                    max_len=MAX_PLACE_DETAIL)
            except ValueError as exc:
                errors["place_detail"] = str(exc)
        if errors:
            raise InputErrors(errors)
        start = timeutil.as_utc(starts_at)
        return start, start.add(minutes=minutes), detail

    def check_booking(self, client_id: int, starts_at: dt.datetime, minutes: int,
                      staff_ids: Sequence[int], place_kind: str, *,
                      moving: int | None = None) -> list[ScheduleProblem]:
        """Problems with a booking, found before confirming (``moving``: the meeting being
        rescheduled, ignored when looking for clashes). Blocking ones come first."""
        start, end, _ = self._check_input(starts_at, minutes, list(staff_ids), place_kind)
        with self._unit() as session:
            if session.get(Client, client_id) is None:
                raise NotFound(f"No client number {client_id}")
            return self._problems(session, client_id, start, end, list(staff_ids), place_kind,
                                  moving)

    def _judge(self, found: list[ScheduleProblem], override: str | None) -> list[str]:
        if any(p.blocking for p in found):
            raise Conflict(scheduling.blocking_sentence(found))
        if found and not override:
            raise BookingWarnings(found)
        return [p.text for p in found]

    # -- writing -----------------------------------------------------------------------------
    def book(self, client_id: int, starts_at: dt.datetime, minutes: int, staff_ids: Sequence[int],
             place_kind: str, place_detail: str = "", network_ids: Sequence[int] | None = None, *,
             override_reason: str | None = None) -> int:
        """Book in one write transaction (checks again inside it). Blocking problems raise
        Conflict; warnings without ``override_reason`` raise BookingWarnings.

        ``network_ids`` None means every member of the client's network; empty means none.
        Returns the new meeting's id.
        """
        staff_list = list(staff_ids)
        start, end, detail = self._check_input(starts_at, minutes, staff_list, place_kind,
                                               place_detail)
        override = validate_reason(override_reason, "reason") if override_reason else None
        now = timeutil.now()
        with self._unit(write=True) as session:
            me = self._me(session)
            client = self._open_client(session, client_id)
            self._lock(session, client_id, staff_list)
            found = self._problems(session, client_id, start, end, staff_list, place_kind, None)
            warnings = self._judge(found, override)
            members = session.exec(
                select(NetworkMember.id).where(NetworkMember.referral_id == client.referral_id)
            ).all()
            if network_ids is not None:
                strangers = [i for i in network_ids if i not in set(members)]
                if strangers:
                    raise InputErrors({"network": "someone chosen is not in this client's network"})
                network = list(dict.fromkeys(network_ids))
            else:
                network = list(members)
            row = Meeting(client_id=client_id, starts_at=start, ends_at=end, place_kind=place_kind,
                          place_detail=detail, status=MeetingStatus.booked.value,
                          override_reason=override if warnings else None,
                          created_at=now, created_by=me.login)
            session.add(row)
            session.flush()
            assert row.id is not None
            session.add_all([MeetingStaff(meeting_id=row.id, staff_id=s) for s in staff_list])
            session.add_all([MeetingNetwork(meeting_id=row.id, network_member_id=n) for n in network])
            logins = self._logins(session, staff_list)
            after: dict[str, Any] = {
                "client_id": client_id, "starts_at": start, "ends_at": end,
                "place_kind": place_kind, "place_detail": detail, "status": row.status,
                "staff": logins, "network": network,
            }
            if warnings:
                after.update(warnings=warnings, override_reason=override)
            self._audit(session, "book meeting", "meeting", row.id, None, after, now)
            return row.id

    def _open_client(self, session: Session, client_id: int) -> Client:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFound(f"No client number {client_id}")
        if client.status != ClientStatus.open.value:
            raise Conflict("This episode of care has ended (discharged); nothing was booked")
        return client

    @staticmethod
    def _logins(session: Session, staff_ids: Sequence[int]) -> list[str]:
        rows = dict(session.exec(
            select(Staff.id, Staff.login).where(Staff.id.in_(sorted(set(staff_ids))))  # type: ignore[union-attr]
        ).all())
        return [rows.get(s, str(s)) for s in staff_ids]

    def _meeting_row(self, session: Session, meeting_id: int,
                     expected_version: int | None) -> Meeting:
        row = session.get(Meeting, meeting_id)
        if row is None:
            raise NotFound(f"No meeting number {meeting_id}")
        if expected_version is not None and row.version != expected_version:
            raise Conflict("This meeting changed since you looked at it (see its history); "
                           "nothing was changed, check it and try again")
        return row

    def _staff_ids(self, session: Session, meeting_id: int) -> list[int]:
        return list(session.exec(
            select(MeetingStaff.staff_id).where(MeetingStaff.meeting_id == meeting_id)
            .order_by(MeetingStaff.staff_id)
        ).all())

    def _when_words(self, row: Meeting) -> str:
        return timeutil.fmt_local(row.starts_at, self.config.team.timezone, "day")

    def reschedule(self, meeting_id: int, starts_at: dt.datetime, minutes: int, *,
                   override_reason: str | None = None,
                   expected_version: int | None = None) -> None:
        """Move a booked meeting (same people and place); checked like a booking."""
        now = timeutil.now()
        override = validate_reason(override_reason, "reason") if override_reason else None
        with self._unit(write=True) as session:
            self._me(session)
            row = self._meeting_row(session, meeting_id, expected_version)
            if row.status != MeetingStatus.booked.value:
                raise Conflict(f"This meeting is {row.status.replace('_', ' ')}, not booked: "
                               "book a new one instead; nothing was changed")
            staff_list = self._staff_ids(session, meeting_id)
            start, end, _ = self._check_input(starts_at, minutes, staff_list or [0])
            self._open_client(session, row.client_id)
            self._lock(session, row.client_id, staff_list)
            found = self._problems(session, row.client_id, start, end, staff_list,
                                   row.place_kind, meeting_id)
            warnings = self._judge(found, override)
            before = {"starts_at": row.starts_at, "ends_at": row.ends_at,
                      "override_reason": row.override_reason}
            row.starts_at, row.ends_at = start, end
            row.override_reason = override if warnings else None
            session.add(row)
            session.flush()
            after: dict[str, Any] = {"starts_at": start, "ends_at": end,
                                     "override_reason": row.override_reason}
            if warnings:
                after["warnings"] = warnings
            self._audit(session, "reschedule meeting", "meeting", meeting_id, before, after, now)

    def cancel_meeting(self, meeting_id: int, by: str, reason: str, *,
                       expected_version: int | None = None) -> None:
        """Cancel a booked meeting: by "client" (the client or their network) or "team"."""
        if by not in {c.value for c in CancelledBy}:
            raise InputErrors({"by": "say who cancelled: the client (or their network) or the team"})
        text = validate_reason(reason, "reason")
        now = timeutil.now()
        with self._unit(write=True) as session:
            self._me(session)
            row = self._meeting_row(session, meeting_id, expected_version)
            if row.status != MeetingStatus.booked.value:
                raise Conflict(f"This meeting is already {row.status.replace('_', ' ')}; "
                               "only a booked meeting can be cancelled; nothing was changed")
            self._change(session, row, "meeting", "cancel meeting", now,
                         status=MeetingStatus.cancelled.value, cancelled_by=by, cancel_reason=text)

    def record_happened(self, meeting_id: int, staff_attended: Sequence[int],
                        network_attended: Sequence[int] = (), *,
                        expected_version: int | None = None) -> None:
        """The meeting took place: who of the staff and network came. Every expected staff
        member is marked attended or not; staff who came but were not expected are added.
        May be recorded again to correct attendance (or after "did not attend")."""
        came = list(dict.fromkeys(staff_attended))
        if not came:
            raise InputErrors({"staff": "choose at least one staff member who was there"})
        now = timeutil.now()
        with self._unit(write=True) as session:
            self._me(session)
            row = self._meeting_row(session, meeting_id, expected_version)
            if row.status == MeetingStatus.cancelled.value:
                raise Conflict("This meeting was cancelled; nothing was recorded")
            if timeutil.as_utc(row.starts_at) > now:
                raise InputErrors({"when": f"This meeting starts {self._when_words(row)}: record "
                                           "who attended once it has taken place"})
            self._staff_names_any(session, came)  # every one of them is a staff member
            client = session.get(Client, row.client_id)
            members = set(session.exec(
                select(NetworkMember.id).where(NetworkMember.referral_id == client.referral_id)  # type: ignore[union-attr]
            ).all())
            network = list(dict.fromkeys(network_attended))
            if any(n not in members for n in network):
                raise InputErrors({"network": "someone chosen is not in this client's network"})
            before = self._attendance(session, row)
            staff_rows = session.exec(select(MeetingStaff).where(MeetingStaff.meeting_id == meeting_id)).all()
            expected = {r.staff_id for r in staff_rows}
            for r in staff_rows:
                r.attended = r.staff_id in came
                session.add(r)
            session.add_all([MeetingStaff(meeting_id=meeting_id, staff_id=s, attended=True)
                             for s in came if s not in expected])
            net_rows = session.exec(
                select(MeetingNetwork).where(MeetingNetwork.meeting_id == meeting_id)).all()
            expected_net = {r.network_member_id for r in net_rows}
            for r in net_rows:
                r.attended = r.network_member_id in network
                session.add(r)
            session.add_all([MeetingNetwork(meeting_id=meeting_id, network_member_id=n, attended=True)
                             for n in network if n not in expected_net])
            row.status = MeetingStatus.happened.value
            session.add(row)
            session.flush()
            self._audit(session, "record happened", "meeting", meeting_id, before,
                        self._attendance(session, row), now)
            self._continuity_changed(session, row.client_id)

    def _staff_names_any(self, session: Session, staff_ids: Sequence[int]) -> dict[int, str]:
        rows = dict(session.exec(
            select(Staff.id, Staff.name).where(Staff.id.in_(sorted(set(staff_ids))))  # type: ignore[union-attr]
        ).all())
        missing = [s for s in staff_ids if s not in rows]
        if missing:
            raise InputErrors({"staff": f"no staff member number {missing[0]}"})
        return rows

    def _attendance(self, session: Session, row: Meeting) -> dict[str, Any]:
        staff = session.exec(
            select(Staff.login, MeetingStaff.attended)
            .join(Staff, MeetingStaff.staff_id == Staff.id)  # type: ignore[arg-type]
            .where(MeetingStaff.meeting_id == row.id).order_by(Staff.login)
        ).all()
        network = session.exec(
            select(MeetingNetwork.network_member_id, MeetingNetwork.attended)
            .where(MeetingNetwork.meeting_id == row.id).order_by(MeetingNetwork.network_member_id)
        ).all()
        return {
            "status": row.status,
            "staff_attended": [login for login, attended in staff if attended],
            "staff_absent": [login for login, attended in staff if attended is False],
            "network_attended": [n for n, attended in network if attended],
        }

    def record_did_not_attend(self, meeting_id: int, *,
                              expected_version: int | None = None) -> None:
        """The client (and network) did not come. Attendance marks are cleared."""
        now = timeutil.now()
        with self._unit(write=True) as session:
            self._me(session)
            row = self._meeting_row(session, meeting_id, expected_version)
            if row.status == MeetingStatus.cancelled.value:
                raise Conflict("This meeting was cancelled; nothing was recorded")
            if timeutil.as_utc(row.starts_at) > now:
                raise InputErrors({"when": f"This meeting starts {self._when_words(row)}: it "
                                           "cannot be missed before it starts"})
            was_happened = row.status == MeetingStatus.happened.value
            before = self._attendance(session, row)
            for table in (MeetingStaff, MeetingNetwork):
                for r in session.exec(select(table).where(table.meeting_id == meeting_id)).all():
                    r.attended = None
                    session.add(r)
            row.status = MeetingStatus.did_not_attend.value
            session.add(row)
            session.flush()
            self._audit(session, "record did not attend", "meeting", meeting_id, before,
                        self._attendance(session, row), now)
            if was_happened:
                self._continuity_changed(session, row.client_id)

    @staticmethod
    def _continuity_changed(session: Session, client_id: int) -> None:
        """A meeting became happened (or stopped being): the board's figures follow, in the
        same transaction."""
        repo_board.refresh_continuity(session, client_id)

    # -- finding time ------------------------------------------------------------------------
    def next_free_slot(self, client_id: int, minutes: int, staff_ids: Sequence[int],
                       after: dt.datetime | None = None, *,
                       place_kind: str | None = None) -> dt.datetime | None:
        """The earliest start from ``after`` (default now), on the slot grid, within team hours
        and days, when every one of ``staff_ids`` (and the client) is free and not absent, and
        travel gaps are kept for a meeting at ``place_kind`` (default: the client's last
        place). Looks up to 14 days ahead; None if nothing is free in that time."""
        staff_list = list(staff_ids)
        start_from = timeutil.as_utc(after) if after is not None else timeutil.now()
        self._check_input(start_from, minutes, staff_list, place_kind)
        place = place_kind or self.booking_defaults(client_id).place_kind
        tz = self.config.team.timezone
        first_day = timeutil.to_local(start_from, tz).date()
        last_day = first_day + dt.timedelta(days=scheduling.SEARCH_DAYS + 1)
        _, window_end = self._day_bounds(last_day)
        with self._unit() as session:
            if session.get(Client, client_id) is None:
                raise NotFound(f"No client number {client_id}")
            self._staff_names(session, staff_list)
            reach = scheduling.MAX_MEETING
            busy = self._busy(session, staff_list, client_id, start_from - reach, window_end)
            away = self._away(session, staff_list, first_day, last_day)
        return scheduling.free_slot(client_id, minutes, staff_list, place, start_from, busy, away,
                                    self.config.team, self.config.meetings)

    # -- export --------------------------------------------------------------------------------
    def meetings_for_export(self, start: dt.date, end: dt.date,
                            staff_login: str | None = None) -> Iterator[MeetingView]:
        """Meetings starting on local dates ``start`` to ``end`` inclusive, any status, in
        time order; with ``staff_login``, those that person is expected at."""
        begin, _ = self._day_bounds(start)
        _, finish = self._day_bounds(end)
        with self._unit() as session:
            query = select(Meeting).where(Meeting.starts_at >= begin, Meeting.starts_at < finish)
            if staff_login is not None:
                staff_id = session.exec(select(Staff.id).where(Staff.login == staff_login)).first()
                if staff_id is None:
                    raise NotFound(f"No staff member with login {staff_login!r}")
                query = query.where(_expects(staff_id))
            last: tuple[dt.datetime, int] | None = None
            while True:
                page_query = query
                if last is not None:
                    page_query = page_query.where(or_(
                        Meeting.starts_at > last[0],
                        and_(Meeting.starts_at == last[0], Meeting.id > last[1])))  # type: ignore[operator]
                rows = session.exec(page_query.order_by(Meeting.starts_at, Meeting.id).limit(CHUNK)).all()
                if not rows:
                    return
                yield from self._views(session, rows)
                last = (rows[-1].starts_at, rows[-1].id or 0)


def _first_instant(value: object) -> dt.datetime | None:
    """min(starts_at) as aware UTC (SQLite may hand back text for an aggregate)."""
    if value is None:
        return None
    if isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value)
        return timeutil.as_utc(parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC))
    assert isinstance(value, dt.datetime)
    return timeutil.as_utc(value if value.tzinfo else value.replace(tzinfo=dt.UTC))
