"""The team report's one read: every part computed in one read transaction
(``duty_desk.team_report``), for a period and an area (None: every area)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from duty_desk import timeutil
from duty_desk.errors import InputErrors

if TYPE_CHECKING:
    from duty_desk.team_report import Period, TeamReport

    from .base import Context


class TeamReportRepository:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def team_report(self, period: Period, area: str | None = None) -> TeamReport:
        from duty_desk.team_report import Scope, build
        from duty_desk.validation import validate_dates

        validate_dates({"from": period.start, "to": period.end})
        if area is not None and area not in self._ctx.config.areas:
            known = ", ".join(sorted(self._ctx.config.areas))
            raise InputErrors({"area": f"no area called {area!r} (the areas: {known})"})
        scope = Scope(period, area, self._ctx.config, timeutil.now())
        with self._ctx.unit() as session:
            return build(session, scope)
