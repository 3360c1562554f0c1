"""A small team report made by hand (real data of the real type, ``duty_desk.team_report``),
for the tests of how it is shown and written: figures of every unit, a breakdown, a
comments table (free text), weekly and monthly series, and parts without data."""

from __future__ import annotations

import datetime as dt

from duty_desk.team_report import PARTS, Figure, Part, Period, Series, Table, TeamReport

COMMENT = "Lovely team, thank you [test]"
WEEKS = tuple(dt.date(2026, 11, 2) + dt.timedelta(weeks=i) for i in range(4))
MONTHS = (dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1))


def sample_report(period: Period | None = None, area: str | None = None) -> TeamReport:
    period = period or Period.month(dt.date(2026, 11, 1))
    intake = Part(
        "intake",
        figures=(
            Figure("intake.received", 12, "count"),
            Figure("intake.accepted", 7, "count"),
            Figure("intake.eligible_share", 0.75, "share", n=12),
        ),
        tables=(
            Table("intake.by_source", ("source", "received"), (("spoa-urgent", 9), ("gp", 3))),
        ),
        series=(
            Series(
                "intake.weekly",
                WEEKS,
                (("accepted", (2, 1, 3, None)), ("places", (5, 5, 5, 5))),
            ),
        ),
    )
    response = Part(
        "response",
        figures=(
            Figure("response.median_hours", 13.5, "hours", n=7),
            Figure("response.p90_hours", None, "hours", n=0),
        ),
        series=(Series("response.weekly_median", WEEKS, (("median_hours", (10, 20.5, 8, 12)),)),),
    )
    satisfaction = Part(
        "satisfaction",
        figures=(Figure("satisfaction.positive_share", 0.8, "share", n=5),),
        tables=(
            Table(
                "satisfaction.comments",
                ("answered_on", "answer", "comment"),
                (("2026-11-03", "very_good", COMMENT),),
            ),
        ),
    )
    dialog = Part(
        "dialog",
        figures=(Figure("dialog.qol_change", 0.42, "score", n=4),),
        series=(
            Series(
                "dialog.monthly_means",
                MONTHS,
                (("quality_of_life", (3.5, 4.0, 4.25)), ("treatment", (4.0, None, 5.0))),
            ),
        ),
    )
    made = {p.key: p for p in (intake, response, satisfaction, dialog)}
    parts = tuple(made.get(key) or Part.no_data(key) for key in PARTS)
    return TeamReport(period, area, dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC), parts)
