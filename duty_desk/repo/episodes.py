"""Episodes of care: choosing the core team and key worker, and discharge.

Errors: InputErrors (fields ``core_team``, ``key_worker``, ``reason``, ``kind``,
``on``); Conflict (someone else changed the episode first, or it has ended);
NotFound; NotPermitted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from duty_desk import timeutil
from duty_desk.errors import Conflict, InputErrors, NotFound
from duty_desk.models import (
    CancelledBy,
    Client,
    ClientStatus,
    CoreTeamMember,
    Meeting,
    MeetingStatus,
    Staff,
)
from duty_desk.validation import validate_core_team, validate_discharge

from .base import Aggregate, Context
from .continuity import refresh_continuity

DISCHARGE_CANCEL_REASON = "episode discharged"


def cancel_booked(
    ctx: Context,
    session: Session,
    client_id: int,
    now: dt.datetime,
    reason: str,
    from_time: dt.datetime | None = None,
) -> list[Meeting]:
    """Cancel a client's booked meetings (from ``from_time`` on, if given) as the team,
    each audited with ``reason``: on discharge, and when an acceptance is reversed. Returns
    the meetings cancelled."""
    query = select(Meeting).where(
        Meeting.client_id == client_id, Meeting.status == MeetingStatus.booked.value
    )
    if from_time is not None:
        query = query.where(Meeting.starts_at >= from_time)
    booked = session.exec(query.order_by(col(Meeting.starts_at), col(Meeting.id))).all()
    for meeting in booked:
        ctx.change(
            session,
            meeting,
            "meeting",
            "cancel meeting",
            now,
            status=MeetingStatus.cancelled.value,
            cancelled_by=CancelledBy.team.value,
            cancel_reason=reason,
        )
    return list(booked)


class EpisodeRepository(Aggregate):
    def _for_change(self, session: Session, client_id: int, expected_version: int | None) -> Client:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFound(f"No client number {client_id}")
        if expected_version is not None and client.version != expected_version:
            raise self.ctx.stale(session, "client", client_id, "episode")
        if client.status != ClientStatus.open.value:
            when = (
                timeutil.fmt_local(client.discharged_at, self.ctx.tz, "day")
                if client.discharged_at
                else "earlier"
            )
            raise Conflict(
                f"This episode of care has ended (discharged {when}); nothing was changed"
            )
        return client

    def set_core_team(
        self,
        client_id: int,
        staff_ids: Sequence[int],
        key_worker_id: int,
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> None:
        """Replace the core team (2-3 active staff) and key worker (one of them), with a reason.
        Audited against the client ("core team") with before/after staff logins."""
        ids, key, text = validate_core_team(staff_ids, key_worker_id, reason)
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            client = self._for_change(session, client_id, expected_version)
            chosen = {
                row.id: row for row in session.exec(select(Staff).where(col(Staff.id).in_(ids)))
            }
            missing = [i for i in ids if i not in chosen]
            if missing:
                raise InputErrors({"core_team": f"no staff member number {missing[0]}"})
            left = [chosen[i] for i in ids if not chosen[i].active]
            if left:
                raise InputErrors(
                    {
                        "core_team": f"{left[0].name} ({left[0].login}) has left "
                        "the team and cannot join a core team"
                    }
                )
            current = session.exec(
                select(CoreTeamMember).where(CoreTeamMember.client_id == client_id)
            ).all()
            wanted = {c.staff_id for c in current} | {client.key_worker_id or 0}
            logins = {
                sid: login
                for sid, login in session.exec(
                    select(Staff.id, Staff.login).where(col(Staff.id).in_(wanted))
                ).all()
            }
            before = {
                "core_team": sorted(logins.get(c.staff_id, str(c.staff_id)) for c in current),
                "key_worker": logins.get(client.key_worker_id) if client.key_worker_id else None,
            }
            after = {
                "core_team": sorted(chosen[i].login for i in ids),
                "key_worker": chosen[key].login,
                "reason": text,
            }
            for row in current:
                if row.staff_id not in ids:
                    session.delete(row)
            have = {row.staff_id for row in current}
            session.add_all(
                [
                    CoreTeamMember(client_id=client_id, staff_id=i, added_at=now)
                    for i in ids
                    if i not in have
                ]
            )
            client.key_worker_id = key
            flag_modified(client, "key_worker_id")  # always a new version: the team changed
            session.add(client)
            session.flush()
            self.ctx.audit(session, "core team", "client", client_id, before, after, now)
            refresh_continuity(session, client_id)

    def discharge(
        self,
        client_id: int,
        kind: str,
        on: dt.date,
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> None:
        """End the episode (transfer to primary care, or other) on a local date, with a reason.

        The date may not be in the future nor before the episode began. Meetings still
        booked from now on are cancelled "by team" with the reason "episode discharged",
        each audited against its meeting. The core team is kept, for the record.
        """
        now = timeutil.now()
        today = self.ctx.today(now)
        validate_discharge(kind, on, reason, today=today)  # input errors before any lookup
        with self.ctx.unit(write=True) as session:
            me = self.ctx.me(session)
            client = self._for_change(session, client_id, expected_version)
            accepted_on = timeutil.to_local(client.accepted_at, self.ctx.tz).date()
            kind, on, text = validate_discharge(
                kind, on, reason, today=today, accepted_on=accepted_on
            )
            booked = cancel_booked(
                self.ctx, session, client_id, now, DISCHARGE_CANCEL_REASON, from_time=now
            )
            client.status = ClientStatus.discharged.value
            client.discharged_at = self.ctx.midnight(on)
            client.discharge_kind = kind
            client.discharge_reason = text
            client.discharged_by_id = me.id
            session.add(client)
            session.flush()
            self.ctx.audit(
                session,
                "discharge",
                "client",
                client_id,
                {"status": ClientStatus.open.value},
                {
                    "status": client.status,
                    "discharged_on": on,
                    "discharge_kind": kind,
                    "discharge_reason": text,
                    "discharged_by": me.login,
                },
                now,
            )
            if booked:
                self.ctx.audit(
                    session,
                    "cancel meetings",
                    "client",
                    client_id,
                    None,
                    {
                        "meetings_cancelled": [m.id for m in booked],
                        "reason": DISCHARGE_CANCEL_REASON,
                    },
                    now,
                )
