"""Peer support: whether a peer support worker was at the meetings and in the core teams.

A peer support worker is a staff member whose role is ``peer_support`` (``vocabulary.Role``,
set on the staff list). The data keeps each person's role as it is now, not as it was: a
worker whose role changed counts by today's role over the whole period. The core team is
kept as it is now too (``core_team_member``; its changes are only in the audit log), so
the core-team share uses each episode's current team.

Definitions:

- meetings (Meetings that happened): network meetings recorded as happened that started in
  the period, in the area (as in the network part).
- with_peer (Meetings with a peer support worker): the share of those meetings at which a
  peer support worker was recorded as present (as a core-team member or as cover); none
  when no meeting happened.
- core_teams (Core teams): the episodes in the area open at the period's end (its last
  instant, or now while it is not over) that have at least one core-team member.
- teams_with_peer (Core teams with a peer support worker): the share of those core teams
  (the team as it stands now) with a peer support worker in it; none when there are no
  core teams.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import case, func, select
from sqlmodel import col

from duty_desk.models import Client, CoreTeamMember, Role, Staff

from .care_sql import in_area, meeting_facts, open_at, period_end, share
from .model import Figure, Part

if TYPE_CHECKING:
    from sqlmodel import Session

    from .model import Scope

TITLE = "Peer support"


def compute(session: Session, scope: Scope) -> Part:
    connection = session.connection()
    facts = meeting_facts(session, scope)
    meetings, with_peer = facts.meetings, facts.with_peer
    peer_staff = select(col(Staff.id)).where(col(Staff.role) == Role.peer_support.value)
    at = period_end(scope)
    # 1 when a peer support worker is in the team, else 0
    team_has_peer = func.max(case((col(CoreTeamMember.staff_id).in_(peer_staff), 1), else_=0))
    teams = (
        select(col(Client.id).label("client_id"), team_has_peer.label("peer"))
        .join(CoreTeamMember, col(CoreTeamMember.client_id) == col(Client.id))
        .where(*open_at(at), in_area(scope.area, col(Client.id)))
        .group_by(col(Client.id))
        .subquery()
    )
    core_teams, teams_with_peer = connection.execute(
        select(func.count(), func.coalesce(func.sum(teams.c.peer), 0))
    ).one()
    return Part(
        "peer",
        figures=(
            Figure("peer.meetings", meetings, "count"),
            Figure("peer.with_peer", share(with_peer, meetings), "share", meetings),
            Figure("peer.core_teams", core_teams, "count"),
            Figure("peer.teams_with_peer", share(teams_with_peer, core_teams), "share", core_teams),
        ),
    )
