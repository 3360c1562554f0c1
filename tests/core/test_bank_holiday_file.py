"""The bank holidays kept between starts (issue 15, start-up and memory): a later start
reads them from the user's cache folder without loading the ``holidays`` package, and a
file of another package version, or a damaged one, is never believed."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from duty_desk import opening

# Read the bank holidays of 2026 (England) in a fresh process, as the app does at start.
PROBE = """
import datetime as dt, json, sys
from duty_desk import opening
from duty_desk.config import TeamSettings
team = TeamSettings.model_validate({})
days = {d.isoformat(): opening.bank_holiday(d, team)
        for d in (dt.date(2026, 12, 25), dt.date(2026, 12, 24), dt.date(2026, 8, 31))}
print(json.dumps({"days": days, "loaded": "holidays" in sys.modules}))
"""


def read_in_a_new_process(cache: Path) -> dict[str, object]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    answer: dict[str, object] = json.loads(done.stdout)
    return answer


EXPECTED = {
    "2026-12-25": "Christmas Day",
    "2026-12-24": None,
    "2026-08-31": "Late Summer Bank Holiday",
}


def test_a_second_start_reads_the_kept_days_without_the_package(tmp_path: Path) -> None:
    first = read_in_a_new_process(tmp_path)
    assert first == {"days": EXPECTED, "loaded": True}
    kept = json.loads((tmp_path / "duty-desk" / opening.CALENDAR_FILE).read_text("utf-8"))
    assert kept["holidays"] == opening._calendar_stamp()
    second = read_in_a_new_process(tmp_path)
    assert second == {"days": EXPECTED, "loaded": False}


@pytest.mark.parametrize(
    "content",
    [
        "not json at all {",
        json.dumps({"holidays": "0.0.1", "days": {"ENG 2026": {"2026-12-24": "Made up"}}}),
        json.dumps({"holidays": None, "days": []}),
        json.dumps(["a list"]),
    ],
    ids=["damaged", "another version", "wrong shape", "a list"],
)
def test_a_damaged_or_foreign_file_is_not_believed(tmp_path: Path, content: str) -> None:
    folder = tmp_path / "duty-desk"
    folder.mkdir()
    (folder / opening.CALENDAR_FILE).write_text(content, encoding="utf-8")
    assert read_in_a_new_process(tmp_path) == {"days": EXPECTED, "loaded": True}
    # ... and is replaced by a good one that the next start believes
    assert read_in_a_new_process(tmp_path) == {"days": EXPECTED, "loaded": False}


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("", encoding="utf-8")
    assert read_in_a_new_process(blocker) == {"days": EXPECTED, "loaded": True}


def test_the_kept_file_holds_what_the_package_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import holidays

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    opening._holidays_of.cache_clear()
    try:
        for year in (2025, 2026, 2027):
            assert opening._holidays_of("ENG", year) == {
                day: str(name)
                for day, name in holidays.country_holidays("GB", subdiv="ENG", years=year).items()
            }
        kept = opening._kept_days(opening._calendar_stamp())
        assert set(kept) == {"ENG 2025", "ENG 2026", "ENG 2027"}
        assert kept["ENG 2027"][dt.date(2027, 12, 27)] == "Christmas Day (observed)"
    finally:
        opening._holidays_of.cache_clear()
