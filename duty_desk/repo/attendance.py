"""Recording what happened at a meeting: who of the staff and network came, or that
the client did not attend. The board's continuity figures follow in the same
transaction (``duty_desk.repo.continuity.refresh_continuity``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from duty_desk import timeutil
from duty_desk.errors import Conflict, InputErrors
from duty_desk.models import (
    Client,
    Meeting,
    MeetingNetwork,
    MeetingStaff,
    MeetingStatus,
    NetworkMember,
    Staff,
)
from duty_desk.validation import MAX_REASON, clean_text

from .base import Aggregate, Context
from .booking import meeting_row
from .continuity import refresh_continuity


def _check_staff(session: Session, staff_ids: Sequence[int]) -> None:
    """InputErrors("staff") unless every one of them is a staff member (active or not)."""
    known = set(
        session.exec(select(Staff.id).where(col(Staff.id).in_(sorted(set(staff_ids))))).all()
    )
    missing = [s for s in staff_ids if s not in known]
    if missing:
        raise InputErrors({"staff": f"no staff member number {missing[0]}"})


def _attendance(session: Session, row: Meeting) -> dict[str, Any]:
    staff = session.exec(
        select(Staff.login, MeetingStaff.attended)
        .join(Staff, col(MeetingStaff.staff_id) == Staff.id)
        .where(MeetingStaff.meeting_id == row.id)
        .order_by(col(Staff.login))
    ).all()
    network = session.exec(
        select(MeetingNetwork.network_member_id, MeetingNetwork.attended)
        .where(MeetingNetwork.meeting_id == row.id)
        .order_by(col(MeetingNetwork.network_member_id))
    ).all()
    return {
        "status": row.status,
        "staff_attended": [login for login, attended in staff if attended],
        "staff_absent": [login for login, attended in staff if attended is False],
        "network_attended": [n for n, attended in network if attended],
    }


FLIP_REFUSED = (
    "This meeting is recorded as {was}: a recorded outcome is changed only with a reason "
    "(o on the client record's meetings, or the day view's key for the other outcome); "
    "nothing was changed"
)


def _when_words(ctx: Context, row: Meeting) -> str:
    return timeutil.fmt_local(row.starts_at, ctx.tz, "day")


def current_meeting(
    ctx: Context, session: Session, meeting_id: int, expected_version: int | None
) -> Meeting:
    """The meeting row; one changed since it was read (``expected_version``) is refused
    naming who changed what, and when."""
    row = meeting_row(session, meeting_id, None)
    if expected_version is not None and row.version != expected_version:
        raise ctx.stale(session, "meeting", meeting_id, "meeting")
    return row


def check_recordable(ctx: Context, row: Meeting, now: dt.datetime, verb: str) -> None:
    """Conflict for a cancelled meeting; InputErrors("when") for one not started yet."""
    if row.status == MeetingStatus.cancelled.value:
        raise Conflict("This meeting was cancelled; nothing was recorded")
    if timeutil.as_utc(row.starts_at) > now:
        raise InputErrors({"when": f"This meeting starts {_when_words(ctx, row)}: {verb}"})


def mark_happened(
    ctx: Context,
    session: Session,
    row: Meeting,
    staff_attended: Sequence[int],
    network_attended: Sequence[int],
    *,
    added_as_cover: bool = False,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Mark ``row`` as happened with who came, inside the caller's transaction: every
    expected staff member attended or not, staff who came unexpected added (as cover, by
    the acting login, with ``added_as_cover``), the same for the network. Returns the
    attendance before and after (for the audit entry); the caller refreshes continuity."""
    meeting_id = row.id
    assert meeting_id is not None
    came = list(dict.fromkeys(staff_attended))
    if not came:
        raise InputErrors({"staff": "choose at least one staff member who was there"})
    _check_staff(session, came)
    client = session.get(Client, row.client_id)
    assert client is not None
    members = set(
        session.exec(
            select(NetworkMember.id).where(NetworkMember.referral_id == client.referral_id)
        ).all()
    )
    network = list(dict.fromkeys(network_attended))
    if any(n not in members for n in network):
        raise InputErrors({"network": "someone chosen is not in this client's network"})
    before = _attendance(session, row)
    staff_rows = session.exec(
        select(MeetingStaff).where(MeetingStaff.meeting_id == meeting_id)
    ).all()
    expected = {r.staff_id for r in staff_rows}
    for r in staff_rows:
        r.attended = r.staff_id in came
        session.add(r)
    session.add_all(
        [
            MeetingStaff(
                meeting_id=meeting_id,
                staff_id=s,
                attended=True,
                cover=added_as_cover,
                arranged_by=ctx.actor if added_as_cover else None,
            )
            for s in came
            if s not in expected
        ]
    )
    net_rows = session.exec(
        select(MeetingNetwork).where(MeetingNetwork.meeting_id == meeting_id)
    ).all()
    expected_net = {r.network_member_id for r in net_rows}
    for n in net_rows:
        n.attended = n.network_member_id in network
        session.add(n)
    session.add_all(
        [
            MeetingNetwork(meeting_id=meeting_id, network_member_id=m, attended=True)
            for m in network
            if m not in expected_net
        ]
    )
    row.status = MeetingStatus.happened.value
    session.add(row)
    session.flush()
    return before, _attendance(session, row)


def mark_did_not_attend(
    session: Session, row: Meeting, follow_up: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Mark ``row`` as did not attend with the follow-up taken, inside the caller's
    transaction (attendance marks cleared). Returns the attendance before and after."""
    before = _attendance(session, row)
    before["follow_up"] = row.follow_up
    for r in session.exec(select(MeetingStaff).where(MeetingStaff.meeting_id == row.id)).all():
        r.attended = None
        session.add(r)
    for n in session.exec(select(MeetingNetwork).where(MeetingNetwork.meeting_id == row.id)).all():
        n.attended = None
        session.add(n)
    row.status = MeetingStatus.did_not_attend.value
    row.follow_up = follow_up
    session.add(row)
    session.flush()
    after = _attendance(session, row)
    after["follow_up"] = follow_up
    return before, after


def validate_follow_up(text: str | None) -> str:
    """The follow-up taken after a did-not-attend: required, up to 2000 characters."""
    try:
        return clean_text(
            text, label="follow-up", required=True, max_len=MAX_REASON, multiline=True
        )
    except ValueError as exc:
        raise InputErrors({"follow_up": str(exc)}) from None


class AttendanceRepository(Aggregate):
    def record_happened(
        self,
        meeting_id: int,
        staff_attended: Sequence[int],
        network_attended: Sequence[int] = (),
        *,
        expected_version: int | None = None,
    ) -> None:
        """The meeting took place: who of the staff and network came. Every expected staff
        member is marked attended or not; staff who came but were not expected are added.
        May be recorded again to correct attendance; a did-not-attend is changed only with
        a reason (``meeting_notes.change_outcome``)."""
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            row = current_meeting(self.ctx, session, meeting_id, expected_version)
            check_recordable(self.ctx, row, now, "record who attended once it has taken place")
            if row.status == MeetingStatus.did_not_attend.value:
                raise Conflict(FLIP_REFUSED.format(was="did not attend"))
            before, after = mark_happened(self.ctx, session, row, staff_attended, network_attended)
            self.ctx.audit(session, "record happened", "meeting", meeting_id, before, after, now)
            refresh_continuity(session, row.client_id)

    def record_did_not_attend(
        self, meeting_id: int, follow_up: str, *, expected_version: int | None = None
    ) -> None:
        """The client (and network) did not come: attendance marks are cleared and the
        follow-up taken is kept with the meeting. A meeting recorded as happened is changed
        only with a reason (``meeting_notes.change_outcome``)."""
        follow_up = validate_follow_up(follow_up)
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            row = current_meeting(self.ctx, session, meeting_id, expected_version)
            check_recordable(self.ctx, row, now, "it cannot be missed before it starts")
            if row.status == MeetingStatus.happened.value:
                raise Conflict(FLIP_REFUSED.format(was="happened"))
            before, after = mark_did_not_attend(session, row, follow_up)
            self.ctx.audit(
                session, "record did not attend", "meeting", meeting_id, before, after, now
            )
