"""Peer support: whether a peer support worker was at the meetings and in the core teams.

Definitions:

(none yet: this part is not built; it reports "no data yet")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Part

if TYPE_CHECKING:
    from sqlmodel import Session

    from .model import Scope

TITLE = "Peer support"


def compute(session: Session, scope: Scope) -> Part:
    return Part.no_data("peer")
