"""Reading network meetings: the day view, one meeting, a client's meetings, the
defaults for a new booking, first meetings against their deadline, and the export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import and_, exists, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from duty_desk import models, scheduling, timeutil
from duty_desk.errors import NotFound
from duty_desk.models import (
    Absence,
    Client,
    ClientStatus,
    Meeting,
    MeetingStatus,
    PlaceKind,
    Referral,
    Staff,
    table_of,
)
from duty_desk.views import (
    AbsenceView,
    Attendee,
    BookingDefaults,
    DayData,
    FirstMeeting,
    MeetingView,
    UnbookedFirst,
)
from duty_desk.vocabulary import CancelledBy

from .base import Aggregate, staff_view, staff_view_columns
from .loads import absence_views, absences_query
from .network import current_members
from .sql import CHUNK, chunks, cols, first_instant, run, utc

NOT_CANCELLED = (
    MeetingStatus.booked.value,
    MeetingStatus.happened.value,
    MeetingStatus.did_not_attend.value,
)
_PLACE = {kind.value: kind for kind in PlaceKind}
_STATUS = {status.value: status for status in MeetingStatus}
_BY = {by.value: by for by in CancelledBy}

# The columns MeetingView needs: reading these (not ORM objects) makes a busy day ~2x quicker.
_MEETING_COLUMNS: tuple[Any, ...] = tuple(
    cols(Meeting)[name]
    for name in (
        "id",
        "client_id",
        "starts_at",
        "ends_at",
        "place_kind",
        "place_detail",
        "status",
        "cancelled_by",
        "cancel_reason",
        "override_reason",
        "version",
    )
)


def expects(staff_id: int) -> Any:
    """Meeting has this staff member expected (EXISTS: the time range drives the query)."""
    expected = cols(models.MeetingStaff)
    return exists().where(expected.meeting_id == cols(Meeting).id, expected.staff_id == staff_id)


def meeting_views(
    session: Session, rows: Sequence[Any], of_client: int | None = None
) -> list[MeetingView]:
    """MeetingViews for ``rows`` (Meeting objects or rows of ``_MEETING_COLUMNS``, kept in
    order), attendees loaded set-wise.

    ``of_client``: ``rows`` are every meeting of that client (the client record), so the
    attendees are read by the client (one bound id) rather than by a list of meeting ids:
    for hundreds of meetings, building and binding the ``IN`` list costs more than the
    queries."""
    ids = [row.id for row in rows if row.id is not None]
    client_ids = sorted({row.client_id for row in rows})
    names: dict[int, str] = {}
    staff: dict[int, list[Attendee]] = {i: [] for i in ids}
    network: dict[int, list[Attendee]] = {i: [] for i in ids}
    client, referral, meeting = cols(Client), cols(Referral), cols(Meeting)
    session.flush()  # attendees this unit added are read too, as the ORM would
    for chunk in chunks(client_ids):
        for client_id, name in run(
            session,
            sa_select(client.id, referral.name)
            .join(table_of(Referral), client.referral_id == referral.id)
            .where(client.id.in_(chunk)),
        ):
            names[client_id or 0] = name
    expected, staff_c = cols(models.MeetingStaff), cols(Staff)
    invited, member = cols(models.MeetingNetwork), cols(models.NetworkMember)
    scopes: Iterable[Any] = (
        chunks(ids)
        if of_client is None
        else [sa_select(meeting.id).where(meeting.client_id == of_client).scalar_subquery()]
    )
    attendee_columns: tuple[Any, ...] = (
        expected.meeting_id,
        staff_c.id,
        staff_c.name,
        expected.attended,
        expected.cover,
        expected.cover_for_id,
    )
    for scope in scopes:
        for meeting_id, staff_id, name, attended, cover, cover_for in run(
            session,
            sa_select(*attendee_columns)
            .join(table_of(Staff), expected.staff_id == staff_c.id)
            .where(expected.meeting_id.in_(scope))
            .order_by(staff_c.name, staff_c.id),
        ):
            if meeting_id in staff:
                staff[meeting_id].append(
                    Attendee(staff_id or 0, name, attended, bool(cover), cover_for)
                )
        for meeting_id, member_id, name, attended in run(
            session,
            sa_select(invited.meeting_id, member.id, member.name, invited.attended)
            .join(table_of(models.NetworkMember), invited.network_member_id == member.id)
            .where(invited.meeting_id.in_(scope))
            .order_by(member.id),
        ):
            if meeting_id in network:
                network[meeting_id].append(Attendee(member_id or 0, name, attended))
    return [
        MeetingView(
            id=row.id or 0,
            client_id=row.client_id,
            client_name=names.get(row.client_id, ""),
            starts_at=utc(row.starts_at),
            ends_at=utc(row.ends_at),
            place_kind=_PLACE[row.place_kind],
            place_detail=row.place_detail,
            status=_STATUS[row.status],
            cancelled_by=_BY[row.cancelled_by] if row.cancelled_by else None,
            cancel_reason=row.cancel_reason,
            override_reason=row.override_reason,
            staff=tuple(staff[row.id or 0]),
            network=tuple(network[row.id or 0]),
            version=row.version,
        )
        for row in rows
    ]


def unbooked(session: Session) -> tuple[UnbookedFirst, ...]:
    """Open episodes with no (non-cancelled) meeting yet, soonest deadline first."""
    meeting, client, referral = cols(Meeting), cols(Client), cols(Referral)
    has_meeting = exists().where(meeting.client_id == client.id, meeting.status.in_(NOT_CANCELLED))
    rows = run(
        session,
        sa_select(client.id, client.referral_id, referral.name, referral.respond_by)
        .join(table_of(Referral), client.referral_id == referral.id)
        .where(client.status == ClientStatus.open.value, ~has_meeting)
        .order_by(referral.respond_by, client.id),
    ).all()
    return tuple(
        UnbookedFirst(client_id=c or 0, referral_id=r, name=n, respond_by=utc(b))
        for c, r, n, b in rows
    )


class MeetingReader(Aggregate):
    def _local_instant(self, day: dt.date, at: dt.time) -> dt.datetime:
        naive = dt.datetime.combine(day, at)
        try:
            return timeutil.local_to_utc(naive, self.ctx.tz)
        except timeutil.TimeInputError:  # hours set inside a clock change: take pendulum's choice
            import pendulum

            return timeutil.as_utc(pendulum.instance(naive, tz=timeutil.zone(self.ctx.tz)))

    def day(self, day: dt.date, staff_id: int | None = None) -> DayData:
        """Everything the day view shows for one local date.

        With ``staff_id``: only the meetings that person is expected at, and ``staff`` holds
        just them; ``absences`` are everyone's that day (a meeting shown is flagged for
        anyone at it who is away). ``unbooked`` is as of now whatever the day.
        """
        team = self.config.team
        day_start, day_end = self.ctx.day_bounds(day)
        with self.ctx.unit() as session:
            meeting, staff_c = cols(Meeting), cols(Staff)
            query = sa_select(*_MEETING_COLUMNS).where(
                meeting.starts_at < day_end,
                meeting.starts_at > day_start - scheduling.MAX_MEETING,
                meeting.ends_at > day_start,
            )
            if staff_id is not None:
                query = query.where(expects(staff_id))
            rows = run(session, query.order_by(meeting.starts_at, meeting.id)).all()
            staff_query = (
                sa_select(*staff_view_columns())
                .where(staff_c.active == True)  # noqa: E712 - SQL, not Python truth
                .order_by(staff_c.name)
            )
            if staff_id is not None:
                staff_query = sa_select(*staff_view_columns()).where(staff_c.id == staff_id)
            staff = tuple(staff_view(row) for row in run(session, staff_query))
            return DayData(
                day=day,
                opens_at=self._local_instant(day, team.opens),
                closes_at=self._local_instant(day, team.closes),
                working_day=scheduling.DAY_NAMES[day.weekday()] in team.days,
                staff=staff,
                meetings=tuple(meeting_views(session, rows)),
                absences=self._absences(session, day),
                unbooked=unbooked(session),
            )

    @staticmethod
    def _absences(session: Session, day: dt.date) -> tuple[AbsenceView, ...]:
        absence, staff = cols(Absence), cols(Staff)
        query = absences_query().where(absence.starts_on <= day, absence.ends_on >= day)
        return tuple(absence_views(session, query.order_by(staff.name, absence.starts_on)))

    def unbooked_first(self) -> list[UnbookedFirst]:
        """Open episodes with no (non-cancelled) meeting yet, soonest deadline first."""
        with self.ctx.unit() as session:
            return list(unbooked(session))

    def first_meetings(self, since: dt.datetime) -> list[FirstMeeting]:
        """Episodes accepted since ``since``: was the first non-cancelled meeting (booked,
        happened or not attended) set to start by the referral's respond-by time? ``met``
        is None while nothing is booked and the deadline has not passed."""
        now = timeutil.now()
        # per client, the ix_meeting_client_starts_at index gives the first start at once
        meeting, client, referral = cols(Meeting), cols(Client), cols(Referral)
        first_at = (
            sa_select(func.min(meeting.starts_at))
            .where(meeting.client_id == client.id, meeting.status.in_(NOT_CANCELLED))
            .correlate(table_of(Client))
            .scalar_subquery()
        )
        with self.ctx.unit() as session:
            columns: tuple[Any, ...] = (
                client.id,
                client.referral_id,
                referral.name,
                referral.respond_by,
                first_at,
            )
            rows = run(
                session,
                sa_select(*columns)
                .join(table_of(Referral), client.referral_id == referral.id)
                .where(client.accepted_at >= since, client.status != ClientStatus.reversed.value)
                .order_by(client.accepted_at, client.id),
            ).all()
        out: list[FirstMeeting] = []
        for client_id, referral_id, name, respond_by, first in rows:
            deadline = timeutil.as_utc(respond_by)
            at = first_instant(first)
            met: bool | None
            if at is not None:
                met = at <= deadline
            else:
                met = None if now <= deadline else False
            out.append(
                FirstMeeting(
                    client_id=client_id or 0,
                    referral_id=referral_id,
                    name=name,
                    respond_by=deadline,
                    first_meeting_at=at,
                    met=met,
                )
            )
        return out

    def meeting(self, meeting_id: int) -> MeetingView:
        with self.ctx.unit() as session:
            row = session.get(Meeting, meeting_id)
            if row is None:
                raise NotFound(f"No meeting number {meeting_id}")
            return meeting_views(session, [row])[0]

    def meetings_for_client(self, client_id: int) -> list[MeetingView]:
        """Every meeting of one episode, oldest first."""
        with self.ctx.unit() as session:
            rows = session.exec(
                select(Meeting)
                .where(Meeting.client_id == client_id)
                .order_by(col(Meeting.starts_at), col(Meeting.id))
            ).all()
            return meeting_views(session, rows)

    def booking_defaults(self, client_id: int) -> BookingDefaults:
        """Attendees = the active core team, minutes from config, place = the place of the
        client's latest non-cancelled meeting (the team base for a first meeting)."""
        with self.ctx.unit() as session:
            client = session.get(Client, client_id)
            if client is None:
                raise NotFound(f"No client number {client_id}")
            referral = session.get(Referral, client.referral_id)
            core = session.exec(
                select(Staff)
                .join(models.CoreTeamMember, col(models.CoreTeamMember.staff_id) == Staff.id)
                .where(models.CoreTeamMember.client_id == client_id, col(Staff.active) == True)  # noqa: E712
                .order_by(col(Staff.name))
            ).all()
            network = current_members(session, client.referral_id)  # removed: not invited
            last = session.exec(
                select(Meeting.place_kind, Meeting.place_detail)
                .where(Meeting.client_id == client_id, col(Meeting.status).in_(NOT_CANCELLED))
                .order_by(col(Meeting.starts_at).desc(), col(Meeting.id).desc())
                .limit(1)
            ).first()
            place_kind, place_detail = last or (
                PlaceKind.base.value,
                self.config.meetings.team_base,
            )
            return BookingDefaults(
                client_id=client_id,
                client_name=referral.name if referral else "",
                staff=tuple(staff_view(row) for row in core),
                network=network,
                minutes=self.config.meetings.default_minutes,
                place_kind=_PLACE[place_kind],
                place_detail=place_detail,
                home_address=", ".join(
                    part for part in (referral.address, referral.postcode) if part
                )
                if referral
                else "",
            )

    def meetings_for_export(
        self, start: dt.date, end: dt.date, staff_login: str | None = None
    ) -> Iterator[MeetingView]:
        """Meetings starting on local dates ``start`` to ``end`` inclusive, any status, in
        time order; with ``staff_login``, those that person is expected at."""
        begin, _ = self.ctx.day_bounds(start)
        _, finish = self.ctx.day_bounds(end)
        with self.ctx.unit() as session:
            query = select(Meeting).where(Meeting.starts_at >= begin, Meeting.starts_at < finish)
            if staff_login is not None:
                staff_id = session.exec(select(Staff.id).where(Staff.login == staff_login)).first()
                if staff_id is None:
                    raise NotFound(f"No staff member with login {staff_login!r}")
                query = query.where(expects(staff_id))
            last: tuple[dt.datetime, int] | None = None
            while True:
                page_query = query
                if last is not None:
                    page_query = page_query.where(
                        or_(
                            col(Meeting.starts_at) > last[0],
                            and_(col(Meeting.starts_at) == last[0], col(Meeting.id) > last[1]),
                        )
                    )
                rows = session.exec(
                    page_query.order_by(col(Meeting.starts_at), col(Meeting.id)).limit(CHUNK)
                ).all()
                if not rows:
                    return
                yield from meeting_views(session, rows)
                last = (rows[-1].starts_at, rows[-1].id or 0)
