"""The benchmark generator at a tiny size: the fixture it writes is what the bench assumes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import select

from bench.gen import BIG_RECORD_MEETINGS, BIG_RECORD_NAME, BIG_RECORD_NETWORK, generate
from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.models import Client, CoreTeamMember, Meeting, MeetingStaff
from duty_desk.repository import Repository

OPEN = 200


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_generator_writes_episodes_meetings_and_attendance(tmp_path: Path) -> None:
    path = tmp_path / "bench.db"
    # 200 of the ~680 accepted stay open: at 30 the open episodes were too young to have
    # two meetings on some dates (their share of 1,500 meetings was under one each).
    stages = generate(path, referrals=1500, open_count=10, staff=20, episodes=OPEN, meetings=1500)
    big = int(stages["big record client"])
    config = Config()
    db = open_database(config, str(path))
    try:
        with db.session() as s:
            clients = list(s.exec(select(Client)))
            meetings = list(s.exec(select(Meeting)))
            attendance = list(s.exec(select(MeetingStaff)))
            core = Counter(m.client_id for m in s.exec(select(CoreTeamMember)))
        assert sum(c.status == "open" for c in clients) == OPEN
        assert all(2 <= core[c.id] <= 3 for c in clients)
        now = timeutil.now()
        past = [
            m for m in meetings if m.ends_at <= now and m.status != "booked" and m.client_id != big
        ]
        assert 1400 <= len(past) <= 1600
        assert any(m.status == "booked" and m.starts_at > now for m in meetings)
        by_meeting: dict[int, list[bool | None]] = {}
        for row in attendance:
            by_meeting.setdefault(row.meeting_id, []).append(row.attended)
        for m in meetings:
            marks = by_meeting[m.id]  # type: ignore[index]
            assert (None not in marks) if m.status == "happened" else set(marks) == {None}
        # Nobody in two meetings at once from today on (what booking checks against).
        midnight = timeutil.to_local(now, config.team.timezone).start_of("day")
        starts = {
            m.id: (m.starts_at, m.ends_at)
            for m in meetings
            if m.status != "cancelled" and m.starts_at >= midnight
        }
        per_staff: dict[int, list[tuple[object, object]]] = {}
        for row in attendance:
            if row.meeting_id in starts:
                per_staff.setdefault(row.staff_id, []).append(starts[row.meeting_id])
        for times in per_staff.values():
            times.sort()
            assert all(b[0] >= a[1] for a, b in zip(times, times[1:], strict=False))
        board = Repository(db, config).board()
        assert len(board.episodes) == OPEN
        assert any(e.continuity.enough for e in board.episodes)
        # The client record's bench: one open client with 300 meetings and 20 members.
        record = Repository(db, config).client_record(big)
        assert record.episode.status == "open"
        assert len(record.meetings) == BIG_RECORD_MEETINGS
        assert len(record.network) == BIG_RECORD_NETWORK
        assert record.name == BIG_RECORD_NAME
    finally:
        db.dispose()
