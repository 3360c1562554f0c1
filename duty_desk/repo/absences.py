"""Staff absences: recording and cancelling them (whole days or part of a day), listing
them, what an absence touches (the episodes whose core team the person is in, their
meetings during the absence, and who could cover), and the worklist decisions for each
affected meeting: keep it, move it, or cover it with another staff member.

Errors: InputErrors (fields ``staff``, ``starts_on``, ``ends_on``, ``starts_time``,
``ends_time``, ``kind``, ``note``, ``decision``); Conflict; NotFound; NotPermitted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import and_, or_
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from duty_desk import scheduling, timeutil
from duty_desk.errors import Conflict, InputErrors, NotFound
from duty_desk.models import (
    Absence,
    AbsenceDecision,
    Client,
    ClientStatus,
    CoreTeamMember,
    Meeting,
    MeetingStaff,
    MeetingStatus,
    Staff,
)
from duty_desk.validation import validate_absence, validate_absence_times
from duty_desk.views import (
    AbsenceDecisionView,
    AbsenceView,
    EpisodeView,
    MeetingView,
    StaffLoad,
)

from .base import Aggregate
from .episode_rows import read_episodes
from .loads import absence_rows, absence_view, away_between, by_room, loads
from .meetings import expects, meeting_views
from .rules import lock, when_away, when_busy
from .sql import chunks, cols, utc
from .staff import all_staff

OTHER_COVER = 3  # cover suggested from outside the core team, most room first
Impact = tuple[EpisodeView, tuple[MeetingView, ...], tuple[StaffLoad, ...]]


class AbsenceRepository(Aggregate):
    def record_absence(
        self,
        staff_id: int,
        starts_on: dt.date,
        ends_on: dt.date,
        kind: str,
        note: str = "",
        *,
        starts_time: dt.time | None = None,
        ends_time: dt.time | None = None,
    ) -> int:
        """A staff member away from ``starts_on`` to ``ends_on`` inclusive (local dates):
        whole days, or from ``starts_time`` on the first day and/or until ``ends_time`` on
        the last (local wall-clock times). Refused when it overlaps another absence of
        theirs. Audited against the staff member."""
        starts_on, ends_on, kind, note = validate_absence(starts_on, ends_on, kind, note)
        starts_time, ends_time = validate_absence_times(starts_on, ends_on, starts_time, ends_time)
        span = self.span(starts_on, ends_on, starts_time, ends_time)
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            me = self.ctx.me(session)
            member = session.get(Staff, staff_id)
            if member is None:
                raise InputErrors({"staff": f"no staff member number {staff_id}"})
            same_days = session.exec(
                select(Absence).where(
                    Absence.staff_id == staff_id,
                    col(Absence.cancelled) == False,  # noqa: E712
                    Absence.starts_on <= ends_on,
                    Absence.ends_on >= starts_on,
                )
            ).all()
            clash = next(
                (
                    a
                    for a in same_days
                    if scheduling.overlaps(
                        *span, *self.span(a.starts_on, a.ends_on, a.starts_time, a.ends_time)
                    )
                ),
                None,
            )
            if clash is not None:
                raise InputErrors(
                    {
                        "starts_on": (
                            f"{member.name} is already recorded away ({clash.kind}) "
                            f"{clash.starts_on:%d/%m/%Y} to {clash.ends_on:%d/%m/%Y}"
                            + (
                                f" {hours}"
                                if (hours := scheduling.span_words(_away(clash)))
                                else ""
                            )
                        )
                    }
                )
            row = Absence(
                staff_id=staff_id,
                starts_on=starts_on,
                ends_on=ends_on,
                starts_time=starts_time,
                ends_time=ends_time,
                kind=kind,
                note=note,
                created_at=now,
                created_by=me.login,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            after: dict[str, object] = {
                "absence_id": row.id,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "kind": kind,
                "note": note,
            }
            if starts_time is not None:
                after["starts_time"] = starts_time.isoformat("minutes")
            if ends_time is not None:
                after["ends_time"] = ends_time.isoformat("minutes")
            self.ctx.audit(session, "record absence", "staff", staff_id, None, after, now)
            return row.id

    def cancel_absence(self, absence_id: int, *, expected_version: int | None = None) -> None:
        """Withdraw an absence recorded in error (or leave not taken). Audited against the
        staff member."""
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            row = session.get(Absence, absence_id)
            if row is None:
                raise NotFound(f"No absence number {absence_id}")
            if expected_version is not None and row.version != expected_version:
                raise self.ctx.stale(session, "staff", row.staff_id, "absence")
            if row.cancelled:
                raise Conflict("This absence was already cancelled; nothing was changed")
            row.cancelled = True
            session.add(row)
            session.flush()
            self.ctx.audit(
                session,
                "cancel absence",
                "staff",
                row.staff_id,
                {
                    "absence_id": absence_id,
                    "starts_on": row.starts_on,
                    "ends_on": row.ends_on,
                    "kind": row.kind,
                    "cancelled": False,
                },
                {"absence_id": absence_id, "cancelled": True},
                now,
            )

    def absences(self, staff_id: int | None = None) -> list[AbsenceView]:
        """Current and future absences (not cancelled), soonest first."""
        with self.ctx.unit() as session:
            return absence_rows(session, self.ctx.today(), staff_id)

    def span(
        self,
        starts_on: dt.date,
        ends_on: dt.date,
        starts_time: dt.time | None,
        ends_time: dt.time | None,
    ) -> tuple[dt.datetime, dt.datetime]:
        """The UTC instants an absence covers (``scheduling.absence_span``, team zone)."""
        return scheduling.absence_span(starts_on, ends_on, starts_time, ends_time, self.ctx.tz)

    def absence_impact(self, absence_id: int) -> list[Impact]:
        """Each affected open episode (the absent person is in its core team, or booked to
        see the client in the absence, as cover for instance), its booked
        meetings that overlap the absence with that person expected (a part-day absence
        affects only the meetings in its hours), and suggested cover from the rest of the
        core team (then anyone with room). Meetings already decided on for this absence
        (``absence_decisions``) stay listed, moved or not, so the worklist shows what was done.

        Cover: the other core-team members first (most room first), then up to three other
        staff with the most room; nobody away during one of those meetings is suggested (for
        an episode with no meetings in the absence, nobody away for the whole of it).
        Episodes with booked meetings in the absence come first, then by client name.
        """
        now = timeutil.now()
        today = self.ctx.today(now)
        tz = self.ctx.tz
        with self.ctx.unit() as session:
            absence = session.get(Absence, absence_id)
            if absence is None:
                raise NotFound(f"No absence number {absence_id}")
            absent_id = absence.staff_id
            start, end = self.span(
                absence.starts_on, absence.ends_on, absence.starts_time, absence.ends_time
            )
            # Their core teams' clients, and any other client they are booked to see in the
            # absence (as cover for someone else, say): that meeting needs deciding too.
            client_ids = sorted(
                set(
                    session.exec(
                        select(CoreTeamMember.client_id)
                        .join(Client, col(CoreTeamMember.client_id) == Client.id)
                        .where(
                            CoreTeamMember.staff_id == absent_id,
                            Client.status == ClientStatus.open.value,
                        )
                    ).all()
                )
                | set(
                    session.exec(
                        select(Meeting.client_id)
                        .join(Client, col(Meeting.client_id) == Client.id)
                        .where(
                            Client.status == ClientStatus.open.value,
                            expects(absent_id),
                            col(Meeting.status) == MeetingStatus.booked.value,
                            col(Meeting.starts_at) < end,
                            col(Meeting.starts_at) > start - scheduling.MAX_MEETING,
                            col(Meeting.ends_at) > start,
                        )
                    ).all()
                )
            )
            if not client_ids:
                return []
            staff = all_staff(session)
            episodes: list[EpisodeView] = []
            for chunk in chunks(client_ids):
                episodes.extend(read_episodes(session, cols(Client).id.in_(chunk), now, staff))
            decided = select(AbsenceDecision.meeting_id).where(
                AbsenceDecision.absence_id == absence_id
            )
            meeting_rows = session.exec(
                select(Meeting)
                .where(
                    col(Meeting.client_id).in_(client_ids),
                    or_(
                        and_(
                            expects(absent_id),
                            col(Meeting.status) == MeetingStatus.booked.value,
                            col(Meeting.starts_at) < end,
                            col(Meeting.starts_at) > start - scheduling.MAX_MEETING,
                            col(Meeting.ends_at) > start,
                        ),
                        col(Meeting.id).in_(decided),
                    ),
                )
                .order_by(col(Meeting.starts_at), col(Meeting.id))
            ).all()
            by_client: dict[int, list[MeetingView]] = defaultdict(list)
            for view in meeting_views(session, meeting_rows):
                by_client[view.client_id].append(view)
            all_absences = absence_rows(session, min(today, absence.starts_on))
            found = loads(session, staff, today, all_absences)

        def free(load: StaffLoad, meetings: Sequence[MeetingView]) -> bool:
            """Not the absent person, and not away during a meeting that needs cover (with
            no meetings, away for the whole absence rules them out)."""
            if load.staff.id == absent_id:
                return False
            if meetings:
                return not any(away_between(load, m.starts_at, m.ends_at, tz) for m in meetings)
            return not any(
                scheduling.overlaps(
                    start, end, *self.span(a.starts_on, a.ends_on, a.starts_time, a.ends_time)
                )
                and a.starts_on <= absence.starts_on
                and a.ends_on >= absence.ends_on
                for a in load.absences
            )

        out: list[Impact] = []
        for e in episodes:
            meetings = tuple(by_client[e.client_id])
            candidates = [load for load in found.values() if free(load, meetings)]
            team = {m.id for m in e.core_team}
            rest = by_room([c for c in candidates if c.staff.id in team], today)
            others = by_room(
                [c for c in candidates if c.staff.id not in team and c.room > 0], today
            )[:OTHER_COVER]
            out.append((e, meetings, tuple(rest + others)))
        out.sort(key=lambda item: (not item[1], item[0].name.casefold(), item[0].client_id))
        return out

    def absence(self, absence_id: int) -> AbsenceView:
        """One absence (cancelled or not, past or future)."""
        with self.ctx.unit() as session:
            found = session.exec(
                select(Absence, Staff.login, Staff.name)
                .join(Staff, col(Absence.staff_id) == Staff.id)
                .where(Absence.id == absence_id)
            ).first()
        if found is None:
            raise NotFound(f"No absence number {absence_id}")
        return absence_view(*found)

    def absence_decisions(self, absence_id: int) -> dict[int, AbsenceDecisionView]:
        """What was decided for each meeting of the absence's worklist, by meeting id."""
        with self.ctx.unit() as session:
            rows = session.exec(
                select(AbsenceDecision).where(AbsenceDecision.absence_id == absence_id)
            ).all()
            return {row.meeting_id: _decision_view(row) for row in rows}

    def decide_absence_meeting(
        self,
        absence_id: int,
        meeting_id: int,
        decision: str,
        *,
        expected_version: int | None = None,
    ) -> None:
        """Record ``keep`` (the meeting stays as booked, the absent person still listed:
        nobody covers) or ``move`` (it was moved with the booking dialog) for one meeting
        of an absence's worklist. Version-checked against the meeting; audited against it.
        Cover goes through :meth:`assign_cover`."""
        if decision not in (KEEP, MOVE):
            raise InputErrors(
                {"decision": f"unknown decision {decision!r} (expected keep, move or cover)"}
            )
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            me = self.ctx.me(session)
            absence, meeting = self._worklist_pair(session, absence_id, meeting_id)
            if expected_version is not None and meeting.version != expected_version:
                raise self.ctx.stale(session, "meeting", meeting_id, "meeting")
            self._decide(session, absence, meeting, decision, None, me.login, now)

    def assign_cover(
        self,
        absence_id: int,
        meeting_id: int,
        staff_id: int,
        *,
        expected_version: int | None = None,
    ) -> None:
        """``staff_id`` goes to the meeting as cover for the absent person: added to its
        staff marked cover (``cover_for_id``, arranged by the actor), the meeting's version
        moves on. Refused (InputErrors ``staff``) for an unknown or former staff member,
        the absent person, someone already expected there, someone away during the meeting
        or in another meeting at the time. Version-checked; audited against the meeting."""
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            me = self.ctx.me(session)
            absence, meeting = self._worklist_pair(session, absence_id, meeting_id)
            if expected_version is not None and meeting.version != expected_version:
                raise self.ctx.stale(session, "meeting", meeting_id, "meeting")
            if meeting.status != MeetingStatus.booked.value:
                raise Conflict(
                    f"This meeting is {meeting.status.replace('_', ' ')}, not booked: "
                    "cover can only be arranged for a booked meeting; nothing was changed"
                )
            member = session.get(Staff, staff_id)
            if member is None:
                raise InputErrors({"staff": f"no staff member number {staff_id}"})
            if not member.active:
                raise InputErrors({"staff": f"{member.name} has left the staff list"})
            if staff_id == absence.staff_id:
                raise InputErrors({"staff": f"{member.name} is the one away: choose someone else"})
            expected = session.exec(
                select(MeetingStaff).where(
                    MeetingStaff.meeting_id == meeting_id, MeetingStaff.staff_id == staff_id
                )
            ).first()
            if expected is not None:
                raise InputErrors({"staff": f"{member.name} is already expected at this meeting"})
            start, end = utc(meeting.starts_at), utc(meeting.ends_at)
            tz = self.ctx.tz
            days = scheduling.local_days(start, end, tz)
            for away in when_away(session, [staff_id], days[0], days[-1]):
                if scheduling.away_during(away, start, end, tz):
                    hours = scheduling.span_words(away)
                    raise InputErrors(
                        {
                            "staff": (
                                f"{member.name} is away ({away.kind}) then"
                                + (f" ({hours})" if hours else "")
                                + ": choose someone who is not away"
                            )
                        }
                    )
            absent = session.get(Staff, absence.staff_id)
            away_login = absent.login if absent is not None else str(absence.staff_id)
            lock(self.ctx, session, meeting.client_id, [staff_id])
            for busy in when_busy(session, [staff_id], meeting.client_id, start, end):
                if busy.meeting_id != meeting_id and staff_id in busy.staff_ids:
                    if scheduling.overlaps(start, end, busy.starts_at, busy.ends_at):
                        raise InputErrors(
                            {"staff": f"{member.name} is in another meeting at that time"}
                        )
            session.add(
                MeetingStaff(
                    meeting_id=meeting_id,
                    staff_id=staff_id,
                    cover=True,
                    cover_for_id=absence.staff_id,
                    arranged_by=me.login,
                )
            )
            flag_modified(meeting, "status")  # the staff changed: a new version
            session.add(meeting)
            session.flush()
            self.ctx.audit(
                session,
                "assign cover",
                "meeting",
                meeting_id,
                None,
                {
                    "absence_id": absence_id,
                    "cover": member.login,
                    "cover_for": away_login,
                },
                now,
            )
            self._decide(session, absence, meeting, COVER, staff_id, me.login, now, audit=False)

    def _worklist_pair(
        self, session: Session, absence_id: int, meeting_id: int
    ) -> tuple[Absence, Meeting]:
        absence = session.get(Absence, absence_id)
        if absence is None:
            raise NotFound(f"No absence number {absence_id}")
        if absence.cancelled:
            raise Conflict("This absence was cancelled; nothing was changed")
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise NotFound(f"No meeting number {meeting_id}")
        return absence, meeting

    def _decide(
        self,
        session: Session,
        absence: Absence,
        meeting: Meeting,
        decision: str,
        cover_staff_id: int | None,
        login: str,
        now: dt.datetime,
        *,
        audit: bool = True,
    ) -> None:
        assert absence.id is not None and meeting.id is not None
        row = session.exec(
            select(AbsenceDecision).where(
                AbsenceDecision.absence_id == absence.id,
                AbsenceDecision.meeting_id == meeting.id,
            )
        ).first()
        before = None if row is None else {"decision": row.decision}
        if row is None:
            row = AbsenceDecision(
                absence_id=absence.id,
                meeting_id=meeting.id,
                decision=decision,
                decided_by=login,
                decided_at=now,
            )
        row.decision = decision
        row.cover_staff_id = cover_staff_id
        row.decided_by = login
        row.decided_at = now
        session.add(row)
        session.flush()
        if audit:
            self.ctx.audit(
                session,
                f"absence: {decision} meeting",
                "meeting",
                meeting.id,
                before,
                {"absence_id": absence.id, "decision": decision},
                now,
            )


KEEP, MOVE, COVER = "keep", "move", "cover"


def _decision_view(row: AbsenceDecision) -> AbsenceDecisionView:
    return AbsenceDecisionView(
        absence_id=row.absence_id,
        meeting_id=row.meeting_id,
        decision=row.decision,
        cover_staff_id=row.cover_staff_id,
        decided_by=row.decided_by,
        decided_at=utc(row.decided_at),
    )


def _away(row: Absence) -> scheduling.Away:
    return scheduling.Away(
        row.staff_id, row.starts_on, row.ends_on, row.kind, row.starts_time, row.ends_time
    )
