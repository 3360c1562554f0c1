"""Family and network involvement: whether the person's network was there at the meetings that happened.

Definitions:

(none yet: this part is not built; it reports "no data yet")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Part

if TYPE_CHECKING:
    from sqlmodel import Session

    from .model import Scope

TITLE = "Family and network involvement"


def compute(session: Session, scope: Scope) -> Part:
    return Part.no_data("network")
