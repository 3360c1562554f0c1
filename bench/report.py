"""Benchmark of the team report (issue 14): the year's report, ``Repository.team_report`` for
the 52 weeks before today, at the bench scale (100,000 referrals, 200,000 meetings), beside
the time to read the same rows raw in the same run (the year's referrals and meetings, the
columns a report needs, SELECTed with the sqlite3 module into Python tuples: what a report
computed in Python would have to read first, at the least). Target: the report < 1 s. Used by ``bench.run`` (``--only report``);
nothing here is a test. Run alone on a copy of a generated database::

    python -m bench.report /tmp/bench-report.db
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
import sys
import time
from pathlib import Path


def year_report(db: Path, runs: int = 3) -> tuple[list[float], list[float], dict[str, int]]:
    """(seconds for each report, seconds for each raw read, row counts read raw)."""
    from duty_desk import timeutil
    from duty_desk.config import load_config
    from duty_desk.db import open_database
    from duty_desk.repository import Repository
    from duty_desk.team_report import Period

    config = load_config()
    database = open_database(config, str(db))
    repo = Repository(database, config)
    today = timeutil.to_local(timeutil.now(), config.team.timezone).date()
    period = Period(today - dt.timedelta(weeks=52), today - dt.timedelta(days=1))
    start = timeutil.local_to_utc(
        dt.datetime.combine(period.start, dt.time()), config.team.timezone
    )
    end = timeutil.local_to_utc(dt.datetime.combine(today, dt.time()), config.team.timezone)
    stored = "%Y-%m-%d %H:%M:%S.%f"  # how SQLite holds the UTC instants
    bounds = (start.strftime(stored), end.strftime(stored))
    reports: list[float] = []
    raws: list[float] = []
    counts: dict[str, int] = {}
    try:
        for _ in range(runs):
            began = time.perf_counter()
            repo.team_report(period, None)
            reports.append(time.perf_counter() - began)
            began = time.perf_counter()
            raw = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
            try:
                referrals = raw.execute(
                    "SELECT id, received_at, area, source, urgency, status, onward, decided_at "
                    "FROM referral WHERE received_at >= ? AND received_at < ?",
                    bounds,
                ).fetchall()
                meetings = raw.execute(
                    "SELECT id, client_id, starts_at, status FROM meeting "
                    "WHERE starts_at >= ? AND starts_at < ?",
                    bounds,
                ).fetchall()
            finally:
                raw.close()
            raws.append(time.perf_counter() - began)
            counts = {"referrals": len(referrals), "meetings": len(meetings)}
    finally:
        database.dispose()
    return reports, raws, counts


def line(reports: list[float], raws: list[float], counts: dict[str, int]) -> str:
    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:.0f} ms (min {min(values) * 1000:.0f})"

    return (
        f"team report, the 52 weeks before today: {ms(reports)} (target < 1 s); "
        f"reading the same rows raw ({counts.get('referrals', 0):,} referrals, "
        f"{counts.get('meetings', 0):,} meetings): {ms(raws)}; ratio of medians "
        f"{statistics.median(reports) / statistics.median(raws):.2f}"
    )


if __name__ == "__main__":
    print(line(*year_report(Path(sys.argv[1]))))
