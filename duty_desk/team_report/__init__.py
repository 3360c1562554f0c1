"""The team's outcomes report (issue 14): is the service keeping its promises?

One module per part, in :data:`PARTS` order. Each has ``TITLE`` (the part's heading, for
the report's edges and the definitions file), a docstring whose ``Definitions:`` list
defines every figure it returns, written once (``definitions``), and
``compute(session, scope) -> Part``: its figures for a period and an area, computed in
SQL aggregates (portable SQLAlchemy: SQLite and PostgreSQL), never by loading every row.
A part whose data does not exist yet returns ``Part.no_data``.

:func:`build` runs every part in one read transaction (``Repository.team_report``). The
core returns numbers; words for people, tables and charts are made at the edge (the report
screen, ``duty-desk report``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .model import Figure, Part, Period, PeriodKind, Scope, Series, Table, TeamReport

if TYPE_CHECKING:
    from sqlmodel import Session

PARTS: tuple[str, ...] = (
    "intake",
    "response",
    "network",
    "peer",
    "continuity",
    "admissions",
    "satisfaction",
    "dialog",
    "caseload",
)


def build(session: Session, scope: Scope) -> TeamReport:
    """Every part of the report for ``scope``, read in ``session``."""
    parts = tuple(
        importlib.import_module(f"duty_desk.team_report.{name}").compute(session, scope)
        for name in PARTS
    )
    return TeamReport(scope.period, scope.area, scope.now, parts)


__all__ = [
    "PARTS",
    "Figure",
    "Part",
    "Period",
    "PeriodKind",
    "Scope",
    "Series",
    "Table",
    "TeamReport",
    "build",
]
