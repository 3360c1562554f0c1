"""A start builds only the table classes its first screen reads from (issue 15, start-up:
each class costs about 4.5 ms to make). Two checks, each in a fresh process: importing the
repository parts a start screen's first read uses builds none of the tables that read does
not query (a table only a write or a rarer read uses is named where it is used,
``models.X``, not imported at the top of a module); and the app started on each screen,
its first reads done, has built exactly the tables those reads query."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.demo import build_demo
from tests.conftest import MONDAY_10

# The tables each start screen's first read queries (traced on the bench database, 100,000
# referrals: the SQL run before its rows are shown).
FIRST_READS = {
    "queue": {
        "staff",
        "referral",
        "client",
        "absence",
        "safeguarding_flag",
        "network_member",  # the highlighted referral's network
        "core_team_member",  # accepted, awaiting setup
        "meeting",  # first meetings against their deadline
        "handover_note",  # the handover marks
        "duty_rota",  # the handover claims
        "ooh_handover",
    },
    "board": {
        "staff",
        "referral",
        "client",
        "absence",
        "safeguarding_flag",
        "core_team_member",
        "client_continuity",
        "meeting",  # next meetings
        "handover_note",
        "audit_log",  # the newest change seen (the partial re-read starts from it)
        "duty_desk_meta",  # since when crisis plans are kept (their review breaks)
        "dialog_rating",
        "crisis_plan",
        "risk_summary",
    },
    "day": {
        "staff",
        "referral",
        "client",
        "absence",
        "safeguarding_flag",
        "meeting",
        "meeting_staff",  # who is expected at each meeting
        "meeting_network",
        "network_member",
    },
}
# The repository parts (duty_desk/repo/) each start screen's first read uses.
PARTS = {
    "queue": ("staff", "referrals", "intake", "safeguarding", "handover", "decisions", "meetings"),
    "board": ("staff", "board", "safeguarding", "handover"),
    "day": ("staff", "meetings", "safeguarding"),
}
# On the demo database the board also sums DIALOG answers (it has ratings) and reads who is
# expected at meetings a core-team member's absence touches (a continuity break).
DEMO_BOARD_EXTRA = {"dialog_answer", "meeting_staff", "meeting_network"}

IMPORT_PARTS = """
import importlib, sys
from sqlmodel import SQLModel
for part in sys.argv[1:]:
    importlib.import_module(f"duty_desk.repo.{part}")
print(" ".join(sorted(SQLModel.metadata.tables)))
"""

START_APP = """
import asyncio, sys
import pendulum
from sqlmodel import SQLModel
from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import open_database
from screens.app import DutyDeskApp

path, mode, at = sys.argv[1:]
timeutil.set_now(pendulum.parse(at))
config = Config()
# The same app, starting on another screen (as bench/probe.py does).
starting = {"DEFAULT_MODE": mode, "__module__": DutyDeskApp.__module__}
app = type("StartApp", (DutyDeskApp,), starting)(config, open_database(config, path))


async def main():
    async with app.run_test() as pilot:
        for _ in range(8):  # until no worker runs and what they posted is handled
            await app.workers.wait_for_complete()
            await pilot.pause()
            if all(worker.is_finished for worker in app.workers):
                await pilot.pause()
                if all(worker.is_finished for worker in app.workers):
                    break
        print(" ".join(sorted(SQLModel.metadata.tables)))


asyncio.run(main())
"""


def built_in_child(code: str, *args: str) -> set[str]:
    """The tables whose classes a fresh process has built once ``code`` ran."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("start") / "demo.db"
    config = Config()
    db = open_database(config, str(path), create=True)
    try:
        build_demo(db, config, MONDAY_10)
    finally:
        db.dispose()
    return path


@pytest.mark.parametrize("mode", sorted(PARTS))
def test_a_start_screens_repository_parts_build_only_tables_it_reads(mode: str) -> None:
    built = built_in_child(IMPORT_PARTS, *PARTS[mode])
    assert "staff" in built  # the check sees the tables built
    not_read = built - FIRST_READS[mode]
    assert not not_read, (
        f"importing the {mode}'s repository parts builds {sorted(not_read)}, which its first "
        "read does not query: name such a table where it is used (models.X), not at the top"
    )


@pytest.mark.parametrize("mode", sorted(PARTS))
def test_starting_on_a_screen_builds_only_the_tables_its_first_read_queries(
    mode: str, demo_path: Path, isolated_env: Path
) -> None:
    built = built_in_child(START_APP, str(demo_path), mode, MONDAY_10.isoformat())
    expected = FIRST_READS[mode] | (DEMO_BOARD_EXTRA if mode == "board" else set())
    assert built == expected, (
        f"built but not expected: {sorted(built - expected)}; "
        f"expected but not built: {sorted(expected - built)}"
    )
