"""Continuity: whether the same people kept seeing each person: UPC, COC and SECON over episodes.

The three indices are the board's (``duty_desk.continuity``: how a meeting, a staff visit
and cover count), read from each episode's precomputed figures (``client_continuity``),
which cover the episode's meetings that happened up to now, not only those in the period.
An episode counts when it was open on at least one day of the period (accepted before the
period ended, not discharged before it began, not a reversed acceptance) and is in the
area. An index is none for an episode with fewer than two meetings that happened (or no
figures yet): such episodes are left out of its distribution. Quartiles interpolate
linearly between the ordered values (positions p x (n - 1), numpy's default).

The core team and key worker are kept as they are now (their changes are only in the
audit log), so "with the key worker" and the breaks use today's key worker and team.

Definitions:

- episodes (Episodes): the episodes in the area open on at least one day of the period.
- upc (UPC, median): the median Usual Provider of Care index (largest share of an episode's
  meetings one staff member attended) over those episodes with at least two meetings;
  none when there are none. ``n``: how many episodes. Each index is the episode's own,
  over all its meetings that happened up to now (the board's figures), not only the
  period's.
- upc_q1 (UPC, lower quartile): the lower quartile of the same values.
- upc_q3 (UPC, upper quartile): the upper quartile of the same values.
- coc (COC, median): the median Bice-Boxerman Continuity of Care index (over staff visits)
  over those episodes with at least two meetings and two staff visits; none when there
  are none. Each staff member at a meeting counts as one visit, so COC reads low when
  two core-team members always come together: a pair who share every meeting scores just
  under 0.5 (3 in 7 over four meetings), not 1, though the person saw the same two people
  each time. Read it beside UPC and the meetings with the key worker, which count
  meetings, not visits.
- coc_q1 (COC, lower quartile): the lower quartile of the same values.
- coc_q3 (COC, upper quartile): the upper quartile of the same values.
- secon (SECON, median): the median Sequential Continuity index (share of consecutive
  meetings sharing a staff member) over those episodes with at least two meetings; none
  when there are none.
- secon_q1 (SECON, lower quartile): the lower quartile of the same values.
- secon_q3 (SECON, upper quartile): the upper quartile of the same values.
- meetings (Meetings that happened): network meetings recorded as happened that started in
  the period, in the area.
- with_key_worker (Meetings with the key worker): the share of those meetings that the
  episode's current key worker was recorded at (not as cover: cover never counts as the
  key worker); a meeting of an episode without a key worker counts as without. None when
  no meeting happened.
- open_episodes (Episodes open at the period's end): the episodes in the area open at the
  period's last instant (or now, while the period is not over): the base of the breaks.
- breaks (Breaks by kind): of the episodes open at the period's end, how many had each kind
  of break the board shows that the data can tell for that instant: ``no_key_worker``
  (no key worker now), ``key_worker_left`` (the key worker is no longer active),
  ``no_core_at_meeting`` (a meeting that happened in the ``[continuity] not_seen_days``
  before the end with no current core-team member there, cover not counting), ``not_seen``
  (accepted more than ``not_seen_days`` before the end and no meeting that happened in
  those days, the board's rule with the end for now). An episode with several kinds counts
  once under each. Left out: a core member away for a booked meeting (a warning about
  meetings to come, not an outcome), and the crisis-plan, risk-review and DIALOG review
  breaks (review dates are overwritten at each review, so a past period's cannot be told).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import and_, exists, func, select
from sqlmodel import col

from duty_desk.models import (
    Client,
    ClientContinuity,
    CoreTeamMember,
    Meeting,
    MeetingStaff,
    MeetingStatus,
    Staff,
)
from duty_desk.vocabulary import BreakKind

from .care_sql import (
    count_if,
    in_area,
    meeting_facts,
    open_at,
    open_during,
    period_end,
    quartiles,
    share,
)
from .model import Figure, Part, Table

if TYPE_CHECKING:
    from sqlmodel import Session

    from .model import Scope

TITLE = "Continuity"
INDICES = ("upc", "coc", "secon")
BREAK_KINDS = (
    BreakKind.no_key_worker,
    BreakKind.key_worker_left,
    BreakKind.no_core_at_meeting,
    BreakKind.not_seen,
)


def compute(session: Session, scope: Scope) -> Part:
    connection = session.connection()
    during = open_during(scope)
    episodes = connection.execute(
        select(func.count()).select_from(Client).where(*during)
    ).scalar_one()
    figures: list[Figure] = [Figure("continuity.episodes", episodes, "count")]
    for index in INDICES:
        value = getattr(ClientContinuity, index)
        n, q1, median, q3 = quartiles(
            session,
            select(col(value))
            .join(Client, col(Client.id) == col(ClientContinuity.client_id))
            .where(*during),
        )
        figures += [
            Figure(f"continuity.{index}", median, "ratio", n),
            Figure(f"continuity.{index}_q1", q1, "ratio", n),
            Figure(f"continuity.{index}_q3", q3, "ratio", n),
        ]
    facts = meeting_facts(session, scope)
    meetings, with_key = facts.meetings, facts.with_key_worker
    figures += [
        Figure("continuity.meetings", meetings, "count"),
        Figure("continuity.with_key_worker", share(with_key, meetings), "share", meetings),
    ]
    at = period_end(scope)
    open_now, breaks = _breaks(session, scope, at)
    figures.append(Figure("continuity.open_episodes", open_now, "count"))
    return Part(
        "continuity",
        figures=tuple(figures),
        tables=(
            Table(
                "continuity.breaks",
                ("kind", "episodes"),
                tuple((kind.value, breaks[kind]) for kind in BREAK_KINDS),
            ),
        ),
    )


def _breaks(session: Session, scope: Scope, at: dt.datetime) -> tuple[int, dict[BreakKind, int]]:
    """How many episodes were open at ``at``, and of them how many had each break kind."""
    since = at - dt.timedelta(days=scope.config.continuity.not_seen_days)
    is_open = [*open_at(at), in_area(scope.area, col(Client.id))]
    before_end = and_(
        col(Meeting.client_id) == col(Client.id),
        col(Meeting.status) == MeetingStatus.happened.value,
        col(Meeting.starts_at) <= at,
    )
    seen_since = exists().where(before_end, col(Meeting.starts_at) >= since)
    core_came = (
        select(col(MeetingStaff.id))
        .join(CoreTeamMember, col(CoreTeamMember.staff_id) == col(MeetingStaff.staff_id))
        .where(
            col(MeetingStaff.meeting_id) == col(Meeting.id),
            col(CoreTeamMember.client_id) == col(Meeting.client_id),
            col(MeetingStaff.attended).is_(True),
            col(MeetingStaff.cover).is_(False),
        )
        .exists()
    )
    without_core = exists().where(before_end, col(Meeting.starts_at) >= since, ~core_came)
    inactive = select(col(Staff.id)).where(col(Staff.active).is_(False))
    row = (
        session.connection()
        .execute(
            select(
                func.count(),
                count_if(col(Client.key_worker_id).is_(None)),
                count_if(col(Client.key_worker_id).in_(inactive)),
                count_if(without_core),
                count_if(and_(col(Client.accepted_at) < since, ~seen_since)),
            )
            .select_from(Client)
            .where(*is_open)
        )
        .one()
    )
    return int(row[0]), dict(zip(BREAK_KINDS, (int(n) for n in row[1:]), strict=True))
