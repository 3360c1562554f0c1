"""Staff absences: recording and cancelling them, listing them, and what an absence
touches (the episodes whose core team the person is in, their meetings in the absence,
and who could cover).

Errors: InputErrors (fields ``staff``, ``starts_on``, ``ends_on``, ``kind``, ``note``);
Conflict; NotFound; NotPermitted.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlmodel import col, select

from duty_desk import timeutil
from duty_desk.errors import Conflict, InputErrors, NotFound
from duty_desk.models import (
    Absence,
    Client,
    ClientStatus,
    CoreTeamMember,
    Meeting,
    MeetingStaff,
    MeetingStatus,
    Staff,
)
from duty_desk.validation import validate_absence
from duty_desk.views import AbsenceView, EpisodeView, MeetingView, StaffLoad

from .base import Aggregate
from .episode_rows import read_episodes
from .loads import absence_rows, away_on, by_room, loads
from .meetings import meeting_views
from .sql import chunks
from .staff import all_staff

OTHER_COVER = 3  # cover suggested from outside the core team, most room first
Impact = tuple[EpisodeView, tuple[MeetingView, ...], tuple[StaffLoad, ...]]


class AbsenceRepository(Aggregate):
    def record_absence(
        self, staff_id: int, starts_on: dt.date, ends_on: dt.date, kind: str, note: str = ""
    ) -> int:
        """A staff member away for whole local days, ``starts_on`` to ``ends_on`` inclusive.
        Refused when it overlaps another absence of theirs. Audited against the staff member."""
        starts_on, ends_on, kind, note = validate_absence(starts_on, ends_on, kind, note)
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            me = self.ctx.me(session)
            member = session.get(Staff, staff_id)
            if member is None:
                raise InputErrors({"staff": f"no staff member number {staff_id}"})
            clash = session.exec(
                select(Absence).where(
                    Absence.staff_id == staff_id,
                    col(Absence.cancelled) == False,  # noqa: E712
                    Absence.starts_on <= ends_on,
                    Absence.ends_on >= starts_on,
                )
            ).first()
            if clash is not None:
                raise InputErrors(
                    {
                        "starts_on": (
                            f"{member.name} is already recorded away ({clash.kind}) "
                            f"{clash.starts_on:%d/%m/%Y} to {clash.ends_on:%d/%m/%Y}"
                        )
                    }
                )
            row = Absence(
                staff_id=staff_id,
                starts_on=starts_on,
                ends_on=ends_on,
                kind=kind,
                note=note,
                created_at=now,
                created_by=me.login,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            self.ctx.audit(
                session,
                "record absence",
                "staff",
                staff_id,
                None,
                {
                    "absence_id": row.id,
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "kind": kind,
                    "note": note,
                },
                now,
            )
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

    def absence_impact(self, absence_id: int) -> list[Impact]:
        """Each affected open episode (the absent person is in its core team), its booked
        meetings in the absence with that person expected, and suggested cover from the
        rest of the core team (then anyone with room).

        Cover: the other core-team members first (most room first), then up to three other
        staff with the most room; nobody away on a day of those meetings is suggested (for an
        episode with no meetings in the absence, nobody away for the whole of it).
        Episodes with booked meetings in the absence come first, then by client name.
        """
        now = timeutil.now()
        today = self.ctx.today(now)
        with self.ctx.unit() as session:
            absence = session.get(Absence, absence_id)
            if absence is None:
                raise NotFound(f"No absence number {absence_id}")
            absent_id = absence.staff_id
            client_ids = [
                i
                for i in session.exec(
                    select(CoreTeamMember.client_id)
                    .join(Client, col(CoreTeamMember.client_id) == Client.id)
                    .where(
                        CoreTeamMember.staff_id == absent_id,
                        Client.status == ClientStatus.open.value,
                    )
                ).all()
            ]
            if not client_ids:
                return []
            staff = all_staff(session)
            episodes: list[EpisodeView] = []
            for chunk in chunks(sorted(client_ids)):
                episodes.extend(read_episodes(session, col(Client.id).in_(chunk), now, staff))
            start = self.ctx.midnight(absence.starts_on)
            end = self.ctx.midnight(absence.ends_on + dt.timedelta(days=1))
            meeting_rows = session.exec(
                select(Meeting)
                .join(MeetingStaff, col(MeetingStaff.meeting_id) == Meeting.id)
                .where(
                    MeetingStaff.staff_id == absent_id,
                    Meeting.status == MeetingStatus.booked.value,
                    Meeting.starts_at >= start,
                    Meeting.starts_at < end,
                    col(Meeting.client_id).in_(client_ids),
                )
                .order_by(col(Meeting.starts_at), col(Meeting.id))
            ).all()
            by_client: dict[int, list[MeetingView]] = defaultdict(list)
            for view in meeting_views(session, meeting_rows):
                by_client[view.client_id].append(view)
            all_absences = absence_rows(session, min(today, absence.starts_on))
            found = loads(session, staff, today, all_absences)

        def free(load: StaffLoad, days: set[dt.date]) -> bool:
            """Not the absent person, and not away on a day that needs cover (``days``:
            the meeting days; with no meetings, away for the whole absence rules them out)."""
            if load.staff.id == absent_id:
                return False
            if days:
                return not any(away_on(load, day) for day in days)
            return not any(
                a.starts_on <= absence.starts_on and a.ends_on >= absence.ends_on
                for a in load.absences
            )

        out: list[Impact] = []
        for e in episodes:
            meetings = tuple(by_client[e.client_id])
            days: set[dt.date] = {
                timeutil.to_local(m.starts_at, self.ctx.tz).date() for m in meetings
            }
            candidates = [load for load in found.values() if free(load, days)]
            team = {m.id for m in e.core_team}
            rest = by_room([c for c in candidates if c.staff.id in team], today)
            others = by_room(
                [c for c in candidates if c.staff.id not in team and c.room > 0], today
            )[:OTHER_COVER]
            out.append((e, meetings, tuple(rest + others)))
        out.sort(key=lambda item: (not item[1], item[0].name.casefold(), item[0].client_id))
        return out
