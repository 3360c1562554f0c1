"""Generate a large synthetic duty-desk database for the benchmarks.

100,000 referrals by default, almost all closed (two years of history at a
very busy desk), a few hundred open ones, 200 staff including the current
login. Then the care that followed (:func:`generate_care`): 2,000 open
episodes with core teams of two or three and key workers, 200,000 past
meetings with attendance, today's meetings for the day view and the next
meeting of each episode, never two at once for anyone from today on (past
meetings overlap where the diary is full: see :func:`generate_care`). Bulk inserts through
SQLAlchemy Core (executemany, one transaction per table group): this is a
benchmark fixture, not a way to enter data (it writes no audit rows).

    python -m bench.gen OUT.db [--scale bench|small] [--referrals 100000] [--open 150]
                               [--staff 200] [--episodes 2000] [--meetings 200000]

``--scale`` picks the sizes (:data:`SCALES`): ``bench`` (the default) is the scale the
targets are set at; ``small`` is a few seconds' worth, for the test that runs the whole
bench (tests/system/test_bench_runs.py). A size given on its own wins over the scale's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pendulum
from sqlalchemy import insert, text

from duty_desk import rules, timeutil
from duty_desk.config import DAY_NAMES, Config
from duty_desk.db import Database, open_database
from duty_desk.identity import os_login
from duty_desk.models import Client, CoreTeamMember, Referral, Staff, table_of
from duty_desk.nhs import nhs_check_digit
from duty_desk.repo.continuity import refresh_all_continuity

FIRST = ["Alex", "Sam", "Robin", "Jo", "Charlie", "Morgan", "Kit", "Ash", "Rowan", "Jules"]
LAST = ["Example", "Sample", "Placeholder", "Testcase", "Demo", "Fictional", "Mockford"]


def nhs_numbers(rng: random.Random):  # type: ignore[no-untyped-def]
    while True:
        stem = f"999{rng.randrange(10**6):06d}"
        check = nhs_check_digit(stem)
        if check is not None:
            yield stem + str(check)


SCALES: dict[str, dict[str, int]] = {
    "bench": {
        "referrals": 100_000,
        "open_count": 150,
        "staff": 200,
        "episodes": 2000,
        "meetings": 200_000,
    },
    "small": {
        "referrals": 2_000,
        "open_count": 60,
        "staff": 20,
        "episodes": 100,
        "meetings": 4_000,
    },
}


def describe(scale: str) -> str:
    sizes = SCALES[scale]
    return (
        f"{sizes['referrals']:,} referrals, {sizes['staff']} staff, {sizes['episodes']:,} open "
        f"episodes, {sizes['meetings']:,} past meetings"
    )


def bench_config() -> Config:
    """The shipped config with a cap large enough to accept in a loop."""
    base = Config()
    areas = {k: a.model_copy(update={"weekly_cap": 10_000}) for k, a in base.areas.items()}
    return base.model_copy(update={"areas": areas})


def generate(
    path: Path,
    referrals: int = 100_000,
    open_count: int = 150,
    staff: int = 200,
    seed: int = 7,
    episodes: int = 2000,
    meetings: int = 200_000,
) -> dict[str, float]:
    """Write the whole fixture; returns seconds per stage."""
    start = time.perf_counter()
    weekly = max(5, math.ceil(episodes * 1.15 / (len(Config().areas) * 100)))
    _referrals(path, referrals, open_count, staff, seed, weekly)
    made = time.perf_counter()
    care = generate_care(path, episodes=episodes, meetings=meetings, seed=seed)
    big = time.perf_counter()
    client_id = add_big_record(path, seed=seed)
    return {
        "referrals": made - start,
        **care,
        "big record": time.perf_counter() - big,
        "big record client": client_id,
    }


def _referrals(
    path: Path, referrals: int, open_count: int, staff: int, seed: int, weekly: int
) -> None:
    rng = random.Random(seed)
    config = Config()
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    db = open_database(config, str(path), create=True)
    now = timeutil.now()
    me = os_login()
    staff_rows = [
        {
            "login": me,
            "name": "Bench Duty Worker (synthetic)",
            "role": "clinician",
            "active": True,
            "capacity": 12,
            "created_at": now,
            "version": 1,
        }
    ] + [
        {
            "login": f"staff{i:03d}",
            "name": f"{rng.choice(FIRST)} Staffer{i:03d} (synthetic)",
            "role": rng.choice(["clinician", "clinician", "peer_support", "team_lead"]),
            "active": i % 17 != 0,
            "capacity": rng.randint(8, 16),
            "created_at": now,
            "version": 1,
        }
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
            if source in config.source_keys_eligible and accepted_weeks.get(key, 0) < weekly:
                accepted_weeks[key] = accepted_weeks.get(key, 0) + 1
                status = "accepted"
            else:
                status = rng.choice(["redirected", "redirected", "declined"])
                reason = (
                    "Weekly places taken (synthetic)"
                    if status == "redirected"
                    else "Not needed (synthetic)"
                )
                onward = rng.choice(["cmht", "crht"]) if status == "redirected" else None
            decided_at = received.add(hours=rng.randrange(1, 20))
            decided_by = rng.randrange(2, staff + 1)
        rows.append(
            {
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}-{i} (synthetic)",
                "date_of_birth": dob,
                "nhs_number": next(numbers) if rng.random() < 0.8 else None,
                "phone": f"01632 960{rng.randrange(1000):03d}",
                "area": area,
                "gp_practice": practice,
                "source": source,
                "urgency": urgency,
                "reason": "Synthetic benchmark referral",
                "notes": "",
                "received_at": received,
                "respond_by": rules.respond_by(received, urgency, config),
                "status": status,
                "triage_by_id": None,
                "triage_since": None,
                "onward": onward,
                "decision_reason": reason,
                "eligibility_override": None,
                "decided_by_id": decided_by,
                "decided_at": decided_at,
                "created_at": received,
                "created_by": "staff001",
                "version": 1,
            }
        )
    with db.session(write=True) as session:
        # Core inserts (executemany), not ORM bulk: one statement for all rows.
        session.execute(insert(table_of(Staff)), staff_rows)
        session.execute(insert(table_of(Referral)), rows)
    # Episodes for the accepted referrals.
    with db.session(write=True) as session:
        accepted = session.execute(
            table_of(Referral).select().where(table_of(Referral).c.status == "accepted")
        ).all()
        if accepted:
            session.execute(
                insert(table_of(Client)),
                [
                    {
                        "referral_id": r.id,
                        "accepted_at": r.decided_at,
                        "accepted_by_id": r.decided_by_id,
                        "status": "open",
                        "version": 1,
                    }
                    for r in accepted
                ],
            )
    db.dispose()


# -- the care that followed ------------------------------------------------------------------


class _Diary:
    """Who is busy when: per staff member and day, a bit per half hour from the opening."""

    def __init__(self) -> None:
        self.taken: dict[int, int] = {}  # staff id * 100,000 + day number -> bitmask

    def free(self, staff: list[int], day: int, slot: int, length: int) -> bool:
        bits = ((1 << length) - 1) << slot
        taken = self.taken
        return not any(taken.get(s * 100_000 + day, 0) & bits for s in staff)

    def take(self, staff: list[int], day: int, slot: int, length: int) -> None:
        bits = ((1 << length) - 1) << slot
        for s in staff:
            key = s * 100_000 + day
            self.taken[key] = self.taken.get(key, 0) | bits


def _bulk(db: Database, table: str, rows: Sequence[Mapping[str, object]]) -> None:
    """INSERT many rows with the driver's executemany (SQLite): much faster than Core for
    200,000 rows. Datetimes are written exactly as SQLModel's UTC type writes them."""
    if not rows:
        return
    columns = list(rows[0])

    def value(v: object) -> object:
        if isinstance(v, dt.datetime):
            return v.astimezone(dt.UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        return v

    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [tuple(value(row[c]) for c in columns) for row in rows],
        )
        cursor.execute("COMMIT")
    finally:
        raw.close()


def generate_care(
    path: Path, episodes: int = 2000, meetings: int = 200_000, seed: int = 7
) -> dict[str, float]:
    """Core teams, key workers and meetings for the accepted referrals in ``path``.

    The latest ``episodes`` acceptances stay open, older ones are discharged.
    ``meetings`` past meetings (90% happened with attendance recorded, the rest
    cancelled or did not attend) are spread over each episode's life; today has
    meetings across team hours; each open episode has its next meeting booked in
    the coming fortnight. The continuity figures are then precomputed.
    """
    rng = random.Random(seed + 1)
    config = Config()
    team = config.team
    tz = team.timezone
    db = open_database(config, str(path))
    now = timeutil.now()
    today = timeutil.to_local(now, tz).date()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with db.session() as session:
        staff = session.execute(table_of(Staff).select()).all()
        clients = session.execute(
            table_of(Client).select().order_by(table_of(Client).c.accepted_at)
        ).all()
    active = [s for s in staff if s.active]
    peers = [s.id for s in active if s.role == "peer_support"]
    others = [s.id for s in active if s.role != "peer_support"]
    open_ids = {c.id for c in clients[-episodes:]}

    # Days: number 0 is the first working day two years back; local midnights in UTC.
    first = today - dt.timedelta(days=2 * 365 + 7)
    days: list[dt.date] = []
    day = first
    while day <= today + dt.timedelta(days=21):
        if DAY_NAMES[day.weekday()] in team.days:
            days.append(day)
        day += dt.timedelta(days=1)
    index = {d: n for n, d in enumerate(days)}
    opening: list[dt.datetime] = []
    for d in days:
        local = dt.datetime.combine(d, team.opens)
        opening.append(timeutil.local_to_utc(local, tz))
    slots = int(
        (
            dt.datetime.combine(today, team.closes) - dt.datetime.combine(today, team.opens)
        ).total_seconds()
        // 1800
    )
    length = max(1, config.meetings.default_minutes // 30)
    today_n = index.get(today)
    past_end = (
        today_n
        if today_n is not None
        else next((n for n, d in enumerate(days) if d > today), len(days))
    )

    def day_of(instant: dt.datetime) -> int:
        local = timeutil.to_local(instant, tz).date()
        while local not in index and local <= days[-1]:
            local += dt.timedelta(days=1)
        return index.get(local, len(days) - 1)

    diary = _Diary()
    core_rows, meeting_rows, attendance, client_updates = [], [], [], []
    lives: list[tuple[int, list[int], int | None, int, int]] = []
    for client in clients:
        team_ids = [*rng.sample(others, rng.choice([1, 2]))]
        if rng.random() < 0.9 and peers:
            team_ids.append(rng.choice(peers))
        else:
            team_ids.append(rng.choice([s for s in others if s not in team_ids]))
        key = None if rng.random() < 0.01 else team_ids[0]
        core_rows += [
            {"client_id": client.id, "staff_id": s, "added_at": client.accepted_at}
            for s in team_ids
        ]
        begin = day_of(client.accepted_at)
        end = past_end if client.id in open_ids else min(past_end, begin + rng.randint(20, 200))
        discharged = client.id not in open_ids
        client_updates.append(
            {
                "b_id": client.id,
                "b_key": key,
                "b_status": "discharged" if discharged else "open",
                "b_at": opening[min(end, len(opening) - 1)] if discharged else None,
                "b_kind": "primary_care" if discharged else None,
                "b_reason": "Transferred to GP (synthetic)" if discharged else None,
            }
        )
        lives.append((client.id, team_ids, key, begin, max(begin, end)))
    # Past meetings in proportion to each episode's length, none overlapping for anyone.
    total_days = max(1, sum(end - begin for *_, begin, end in lives))
    per_day = meetings / total_days
    meeting_id = 0
    wanted = [(life, per_day * (life[4] - life[3])) for life in lives]
    carry = 0.0
    for (client_id, team_ids, _key, begin, end), share in wanted:
        count = int(share + carry)
        carry = share + carry - count
        for _ in range(count):
            for _attempt in range(8):
                day_n = rng.randrange(begin, end)
                slot = rng.randrange(0, slots - length + 1)
                expected = team_ids if rng.random() < 0.8 else team_ids[:2]
                if diary.free(expected, day_n, slot, length):
                    break
            # else: the diary is full. 200,000 meetings for 2,000 episodes is denser than
            # any team could hold, so a past meeting may overlap another of the same staff
            # member; today's and future meetings (what booking checks) never do.
            diary.take(expected, day_n, slot, length)
            meeting_id += 1
            starts = opening[day_n] + dt.timedelta(minutes=30 * slot)
            roll = rng.random()
            status = (
                "happened" if roll < 0.9 else ("cancelled" if roll < 0.95 else "did_not_attend")
            )
            meeting_rows.append(_meeting(meeting_id, client_id, starts, status, rng))
            came = [(rng.random() < 0.85) if status == "happened" else None for _ in expected]
            if status == "happened" and not any(came):
                came[0] = True  # a meeting that happened had someone of the staff there
            attendance += [
                {"meeting_id": meeting_id, "staff_id": s, "attended": c}
                for s, c in zip(expected, came, strict=True)
            ]
    past = meeting_id
    # Today (if a working day) and the next meeting of every open episode.
    open_lives = [life for life in lives if life[0] in open_ids]
    if today_n is not None:
        for client_id, team_ids, *_ in rng.sample(open_lives, min(len(open_lives), 400)):
            for _attempt in range(6):
                slot = rng.randrange(0, slots - length + 1)
                if diary.free(team_ids, today_n, slot, length):
                    diary.take(team_ids, today_n, slot, length)
                    meeting_id += 1
                    starts = opening[today_n] + dt.timedelta(minutes=30 * slot)
                    status = "happened" if starts + dt.timedelta(hours=1) < now else "booked"
                    meeting_rows.append(_meeting(meeting_id, client_id, starts, status, rng))
                    attendance += [
                        {
                            "meeting_id": meeting_id,
                            "staff_id": s,
                            "attended": True if status == "happened" else None,
                        }
                        for s in team_ids
                    ]
                    break
    for client_id, team_ids, *_ in open_lives:
        for _attempt in range(12):
            day_n = rng.randrange(past_end + 1, min(len(days), past_end + 11))
            slot = rng.randrange(0, slots - length + 1)
            if diary.free(team_ids, day_n, slot, length):
                diary.take(team_ids, day_n, slot, length)
                meeting_id += 1
                starts = opening[day_n] + dt.timedelta(minutes=30 * slot)
                meeting_rows.append(_meeting(meeting_id, client_id, starts, "booked", rng))
                attendance += [
                    {"meeting_id": meeting_id, "staff_id": s, "attended": None} for s in team_ids
                ]
                break
    timings["care plan"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    from sqlalchemy import bindparam, update

    _bulk(db, "meeting", meeting_rows)
    _bulk(db, "meeting_staff", attendance)
    with db.session(write=True) as session:
        session.execute(insert(table_of(CoreTeamMember)), core_rows)
        c = table_of(Client).c
        session.execute(
            update(table_of(Client))
            .where(c.id == bindparam("b_id"))
            .values(
                key_worker_id=bindparam("b_key"),
                status=bindparam("b_status"),
                discharged_at=bindparam("b_at"),
                discharge_kind=bindparam("b_kind"),
                discharge_reason=bindparam("b_reason"),
            ),
            client_updates,
        )
    timings["care insert"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    with db.session(write=True) as session:
        refresh_all_continuity(session)
    timings["continuity"] = time.perf_counter() - t2
    with db.session() as session:
        session.execute(text("ANALYZE"))
    db.dispose()
    timings["past meetings"] = past
    timings["meetings"] = meeting_id
    return timings


BIG_RECORD_MEETINGS = 300
BIG_RECORD_NETWORK = 20
BIG_RECORD_NAME = "Alex Bigrecord (synthetic)"


def add_big_record(path: Path, seed: int = 7) -> int:
    """Make the longest-serving open client a big record (the client record's bench):
    ``BIG_RECORD_NETWORK`` network members and past meetings up to ``BIG_RECORD_MEETINGS``
    in all, spread over the episode (happened, the core team and three members expected),
    renamed ``BIG_RECORD_NAME`` so the bench finds it. Returns its client id."""
    from sqlalchemy import func, select, update

    from duty_desk.models import Meeting, NetworkMember
    from duty_desk.repo.continuity import refresh_continuity

    rng = random.Random(seed + 2)
    db = open_database(Config(), str(path))
    now = timeutil.now()
    c = table_of(Client).c
    m = table_of(Meeting).c
    with db.session() as session:
        client_id, referral_id, accepted = session.execute(
            select(c.id, c.referral_id, c.accepted_at)
            .where(c.status == "open")
            .order_by(c.accepted_at, c.id)
            .limit(1)
        ).one()
        team = list(
            session.execute(
                select(table_of(CoreTeamMember).c.staff_id).where(
                    table_of(CoreTeamMember).c.client_id == client_id
                )
            ).scalars()
        )
        have = session.execute(
            select(func.count()).select_from(table_of(Meeting)).where(m.client_id == client_id)
        ).scalar_one()
        next_id = (session.execute(select(func.max(m.id))).scalar() or 0) + 1
        first_member = (
            session.execute(select(func.max(table_of(NetworkMember).c.id))).scalar() or 0
        ) + 1
    accepted = timeutil.as_utc(accepted)
    members = [
        {
            "id": first_member + n,
            "referral_id": referral_id,
            "name": f"{FIRST[n % len(FIRST)]} Network{n} (synthetic)",
            "relationship": ("mother", "friend", "brother", "neighbour")[n % 4],
            "phone": f"07700 900{n:03d}",
            "created_at": accepted,
            "version": 1,
        }
        for n in range(BIG_RECORD_NETWORK)
    ]
    wanted = max(0, BIG_RECORD_MEETINGS - have)
    span = (now - dt.timedelta(days=1)) - accepted
    rows, staff_rows, network_rows = [], [], []
    for n in range(wanted):
        starts = accepted + span * (n + 0.5) / max(1, wanted)
        starts = starts.replace(minute=0, second=0, microsecond=0)
        meeting_id = next_id + n
        rows.append(_meeting(meeting_id, client_id, starts, "happened", rng))
        came = [rng.random() < 0.9 for _ in team]
        came[0] = came[0] or not any(came)  # someone of the staff was there
        staff_rows += [
            {"meeting_id": meeting_id, "staff_id": s, "attended": c}
            for s, c in zip(team, came, strict=True)
        ]
        network_rows += [
            {
                "meeting_id": meeting_id,
                "network_member_id": member["id"],
                "attended": rng.random() < 0.7,
            }
            for member in rng.sample(members, 3)
        ]
    _bulk(db, "network_member", members)
    _bulk(db, "meeting", rows)
    _bulk(db, "meeting_staff", staff_rows)
    _bulk(db, "meeting_network", network_rows)
    with db.session(write=True) as session:
        session.execute(
            update(table_of(Referral))
            .where(table_of(Referral).c.id == referral_id)
            .values(name=BIG_RECORD_NAME)
        )
        refresh_continuity(session, client_id)  # type: ignore[arg-type]
    db.dispose()
    return int(client_id)


PLACES = ("home", "home", "home", "base", "phone", "video")


def _meeting(
    meeting_id: int, client_id: int, starts: dt.datetime, status: str, rng: random.Random
) -> dict[str, object]:
    place = rng.choice(PLACES)
    cancelled = status == "cancelled"
    return {
        "id": meeting_id,
        "client_id": client_id,
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=1),
        "place_kind": place,
        "place_detail": f"{rng.randrange(1, 200)} Example Road (synthetic)"
        if place == "home"
        else "",
        "status": status,
        "cancelled_by": "client" if cancelled else None,
        "cancel_reason": "Unwell (synthetic)" if cancelled else None,
        "override_reason": None,
        "created_at": starts - dt.timedelta(days=3),
        "created_by": "staff001",
        "version": 1,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", choices=sorted(SCALES), default="bench")
    parser.add_argument("--referrals", type=int)
    parser.add_argument("--open", type=int)
    parser.add_argument("--staff", type=int)
    parser.add_argument("--episodes", type=int)
    parser.add_argument("--meetings", type=int)
    args = parser.parse_args(argv)
    sizes = dict(SCALES[args.scale])
    given = {"referrals": args.referrals, "open_count": args.open, "staff": args.staff}
    given |= {"episodes": args.episodes, "meetings": args.meetings}
    sizes |= {name: value for name, value in given.items() if value is not None}
    timings = generate(args.out, **sizes)
    stages = ", ".join(
        f"{k} {v:.1f} s"
        if isinstance(v, float) and k not in ("past meetings", "meetings")
        else f"{k} {int(v)}"
        for k, v in timings.items()
    )
    print(f"wrote {args.out} ({stages})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
