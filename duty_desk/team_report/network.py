"""Family and network involvement: whether the person's network was there at the meetings that happened.

A meeting counts when it happened (recorded as happened, so not booked, cancelled or
did-not-attend) and started on a day of the period (local days), for an episode in the area
(the area of the episode's referral). A network member was present when the meeting record
marks them as having come (``meeting_network.attended``: those expected who came, and
those who came unexpected, added when it was recorded).

Definitions:

- meetings (Meetings that happened): network meetings recorded as happened that started in
  the period, in the area.
- with_network (Meetings with the network there): the share of those meetings with at least
  one network member recorded as present; none when no meeting happened.
- members_per_meeting (Network members per meeting): the mean number of network members
  recorded as present at those meetings (a meeting with none counts as 0); none when no
  meeting happened.
- members_present (Meetings by network members present): the meetings that happened by how
  many network members were present: 0, 1, 2, 3 or more (column ``members``: "0", "1",
  "2", "3+").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Integer, and_, case, func, select
from sqlmodel import col

from duty_desk.models import Meeting, MeetingNetwork

from .care_sql import held_meetings, share
from .model import Figure, Part, Table

if TYPE_CHECKING:
    from sqlmodel import Session

    from .model import Scope

TITLE = "Family and network involvement"
TOP = 3  # "3 or more" is the last row of the distribution


def compute(session: Session, scope: Scope) -> Part:
    present = (
        select(
            col(Meeting.id).label("meeting_id"),
            func.count(col(MeetingNetwork.id)).label("came"),
        )
        .outerjoin(
            MeetingNetwork,
            and_(
                col(MeetingNetwork.meeting_id) == col(Meeting.id),
                col(MeetingNetwork.attended).is_(True),
            ),
        )
        .where(*held_meetings(scope))
        .group_by(col(Meeting.id))
        .subquery()
    )
    bucket = case((present.c.came >= TOP, TOP), else_=present.c.came).label("bucket")
    rows = (
        session.connection()
        .execute(
            select(bucket, func.count(), func.sum(present.c.came).cast(Integer))
            .group_by(bucket)
            .order_by(bucket)
        )
        .all()
    )
    by_bucket = {int(b): (int(n), int(total or 0)) for b, n, total in rows}
    meetings = sum(n for n, _ in by_bucket.values())
    members = sum(total for _, total in by_bucket.values())
    with_network = meetings - by_bucket.get(0, (0, 0))[0]
    label = {TOP: f"{TOP}+"}
    return Part(
        "network",
        figures=(
            Figure("network.meetings", meetings, "count"),
            Figure("network.with_network", share(with_network, meetings), "share", meetings),
            Figure(
                "network.members_per_meeting",
                members / meetings if meetings else None,
                "ratio",
                meetings,
            ),
        ),
        tables=(
            Table(
                "network.members_present",
                ("members", "meetings"),
                tuple((label.get(b, str(b)), by_bucket.get(b, (0, 0))[0]) for b in range(TOP + 1)),
            ),
        ),
    )
