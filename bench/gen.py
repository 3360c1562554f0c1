"""Generate a large synthetic duty-desk database for the benchmarks.

100,000 referrals by default, almost all closed (two years of history at a
very busy desk), a few hundred open ones, 200 staff including the current
login. Bulk inserts through SQLAlchemy Core: this is a benchmark fixture,
not a way to enter data (it writes no audit rows).

    python bench/gen.py OUT.db [--referrals 100000] [--open 150] [--staff 200]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import pendulum
from sqlalchemy import insert

from duty_desk import rules, timeutil
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.identity import os_login
from duty_desk.models import Client, Referral, Staff
from duty_desk.nhs import nhs_check_digit

FIRST = ["Alex", "Sam", "Robin", "Jo", "Charlie", "Morgan", "Kit", "Ash", "Rowan", "Jules"]
LAST = ["Example", "Sample", "Placeholder", "Testcase", "Demo", "Fictional", "Mockford"]


def nhs_numbers(rng: random.Random):  # type: ignore[no-untyped-def]
    while True:
        stem = f"999{rng.randrange(10**6):06d}"
        check = nhs_check_digit(stem)
        if check is not None:
            yield stem + str(check)


def bench_config() -> Config:
    """The shipped config with a cap large enough to accept in a loop."""
    base = Config()
    areas = {k: a.model_copy(update={"weekly_cap": 10_000}) for k, a in base.areas.items()}
    return base.model_copy(update={"areas": areas})


def generate(path: Path, referrals: int = 100_000, open_count: int = 150, staff: int = 200,
             seed: int = 7) -> None:
    rng = random.Random(seed)
    config = Config()
    if path.exists():
        path.unlink()
    db = open_database(config, str(path), create=True)
    now = timeutil.now()
    me = os_login()
    staff_rows = [
        {"login": me, "name": "Bench Duty Worker (synthetic)", "role": "clinician",
         "active": True, "created_at": now, "version": 1}
    ] + [
        {"login": f"staff{i:03d}", "name": f"{rng.choice(FIRST)} Staffer{i:03d} (synthetic)",
         "role": rng.choice(["clinician", "clinician", "peer_support", "team_lead"]),
         "active": i % 17 != 0, "created_at": now, "version": 1}
        for i in range(1, staff)
    ]
    areas = list(config.areas)
    sources = list(config.sources)
    numbers = nhs_numbers(rng)
    rows = []
    accepted_weeks: dict[tuple[str, object], int] = {}
    span_minutes = 2 * 365 * 24 * 60
    for i in range(referrals):
        is_open = i >= referrals - open_count
        if is_open:
            received = now.subtract(minutes=rng.randrange(0, 30 * 60))
        else:
            received = now.subtract(minutes=rng.randrange(2 * 24 * 60, span_minutes))
        area = rng.choice(areas)
        practice = rng.choice(config.areas[area].gp_practices)
        source = rng.choice(sources) if not is_open else rng.choice(["spoa-urgent", "eip-new"])
        urgency = rng.choice("BCCCDD")
        dob = pendulum.date(rng.randrange(1961, 2005), rng.randrange(1, 13), rng.randrange(1, 29))
        status = "new"
        decided_at = None
        decided_by = None
        reason = None
        onward = None
        if not is_open:
            key = (area, received.isocalendar()[:2])  # UTC week: close enough for a fixture
            if source in config.source_keys_eligible and accepted_weeks.get(key, 0) < 5:
                accepted_weeks[key] = accepted_weeks.get(key, 0) + 1
                status = "accepted"
            else:
                status = rng.choice(["redirected", "redirected", "declined"])
                reason = "Weekly places taken (synthetic)" if status == "redirected" else "Not needed (synthetic)"
                onward = rng.choice(["cmht", "crht"]) if status == "redirected" else None
            decided_at = received.add(hours=rng.randrange(1, 20))
            decided_by = rng.randrange(2, staff + 1)
        rows.append({
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}-{i} (synthetic)",
            "date_of_birth": dob, "nhs_number": next(numbers) if rng.random() < 0.8 else None,
            "phone": f"01632 960{rng.randrange(1000):03d}", "area": area, "gp_practice": practice,
            "source": source, "urgency": urgency, "reason": "Synthetic benchmark referral",
            "notes": "", "received_at": received,
            "respond_by": rules.respond_by(received, urgency, config),
            "status": status, "triage_by_id": None, "triage_since": None, "onward": onward,
            "decision_reason": reason, "eligibility_override": None,
            "decided_by_id": decided_by, "decided_at": decided_at,
            "created_at": received, "created_by": "staff001", "version": 1,
        })
    with db.session(write=True) as session:
        # Core inserts (executemany), not ORM bulk: one statement for all rows.
        session.execute(insert(Staff.__table__), staff_rows)  # type: ignore[arg-type]
        session.execute(insert(Referral.__table__), rows)  # type: ignore[arg-type]
    # Episodes for the accepted referrals.
    with db.session(write=True) as session:
        accepted = session.execute(
            Referral.__table__.select().where(Referral.status == "accepted")  # type: ignore[attr-defined]
        ).all()
        if accepted:
            session.execute(insert(Client.__table__), [  # type: ignore[arg-type]
                {"referral_id": r.id, "accepted_at": r.decided_at, "accepted_by_id": r.decided_by_id,
                 "status": "open", "version": 1}
                for r in accepted
            ])
    db.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--referrals", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=150)
    parser.add_argument("--staff", type=int, default=200)
    args = parser.parse_args(argv)
    generate(args.out, args.referrals, args.open, args.staff)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
