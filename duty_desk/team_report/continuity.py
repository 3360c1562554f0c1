"""Continuity: whether the same people kept seeing each person: UPC, COC and SECON over episodes.

Definitions:

(none yet: this part is not built; it reports "no data yet")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Part

if TYPE_CHECKING:
    from sqlmodel import Session

    from .model import Scope

TITLE = "Continuity"


def compute(session: Session, scope: Scope) -> Part:
    return Part.no_data("continuity")
