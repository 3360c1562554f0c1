"""``python -m bench.run`` runs every measure to the end (issue 15): on a small database it
generates itself, with few runs. Only that each measure printed a figure and the process
exited 0 is checked, never a figure (timing targets live in bench/, not in tests)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The start of the line (or lines) each measure prints, in bench/run.py's order.
FIGURES = {
    "queue": ["start-up to interactive queue", "accept", "idle CPU"],
    "repo": ["repo.board()", "repo.day(today)", "repo.check_booking()", "repo sizes"],
    "board": ["board open", "board refresh, commit by another connection to painted, reload"],
    "day": ["day view open", "booking check", "booking confirmed"],
    "record": ["client record"],
    "meeting": ["saving a meeting as happened", "next meeting skipped"],
    "memory": ["peak memory after every screen", "memory by step of that visit"],
    "report": ["team report, the 52 weeks before today"],
}
NUMBER = re.compile(r"\d+(\.\d+)? ?(ms|MiB|%|s\b)|ratio \d|\{'open episodes': \d+")


def test_every_measure_prints_a_figure_on_a_database_it_makes(tmp_path: Path) -> None:
    db = tmp_path / "results" / "bench-small.db"
    env = {**os.environ, "TEXTUAL_ANIMATIONS": "none"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--scale",
            "small",
            "--db",
            str(db),
            "--runs",
            "1",
            "--accepts",
            "2",
            "--refreshes",
            "2",
            "--bookings",
            "2",
            "--records",
            "1",
            "--idle-seconds",
            "1",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"generating {db}")  # made it itself: there was none
    missing = [
        f"{measure}: {start}"
        for measure, starts in FIGURES.items()
        for start in starts
        if not any(line.startswith(start) and NUMBER.search(line) for line in lines)
    ]
    assert not missing, "\n".join([*missing, "--- printed:", *lines])
    assert db.exists()
    assert (db.parent / "figures.txt").read_text("utf-8").count("\n") >= len(lines) - 1


def test_every_measure_of_the_bench_is_checked_here() -> None:
    from bench.run import MEASURES

    assert set(FIGURES) == set(MEASURES), "a measure of bench.run has no line to check here"
