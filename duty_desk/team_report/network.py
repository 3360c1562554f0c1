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

from .care_sql import NETWORK_TOP, meeting_facts, share
from .model import Figure, Part, Table

if TYPE_CHECKING:
    from sqlmodel import Session

    from .model import Scope

TITLE = "Family and network involvement"


def compute(session: Session, scope: Scope) -> Part:
    facts = meeting_facts(session, scope)
    meetings = facts.meetings
    label = {NETWORK_TOP: f"{NETWORK_TOP}+"}
    return Part(
        "network",
        figures=(
            Figure("network.meetings", meetings, "count"),
            Figure("network.with_network", share(facts.with_network, meetings), "share", meetings),
            Figure(
                "network.members_per_meeting",
                facts.network_members / meetings if meetings else None,
                "ratio",
                meetings,
            ),
        ),
        tables=(
            Table(
                "network.members_present",
                ("members", "meetings"),
                tuple(
                    (label.get(b, str(b)), facts.by_network.get(b, (0, 0))[0])
                    for b in range(NETWORK_TOP + 1)
                ),
            ),
        ),
    )
