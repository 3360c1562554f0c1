"""``duty-desk import referrals`` never puts a referral in twice: the same file (by its
bytes, whatever its name) is imported once, a referral already in the database (same
received time, same person: NHS number, or name and date of birth without one) is refused
as ``line N: this referral is already in the database (received ...)``, all rows or none,
also when two processes import the same file at once (on SQLite and PostgreSQL).

And the problems it reports say which line and column and why, never the value: a file
whose columns are shifted, full of synthetic personal data, leaves none of it on stderr."""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner, Result

from duty_desk import timeutil
from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.csv_import import HEADER
from duty_desk.db import Database, open_database
from duty_desk.identity import os_login
from duty_desk.repository import Repository

ME = os_login()
NOW = pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London")
ROOT = Path(__file__).resolve().parents[2]


def row(
    name: str = "Alex Example (test)",
    received: str = "23/11/2026 09:00",
    nhs: str = "999 000 0018",
    born: str = "01/02/1990",
    reason: str = "Crisis referral (test)",
) -> str:
    return (
        f"{received},{name},{born},{nhs},01632 960001,canterbury,"
        f"Cathedral View Surgery (example),spoa-urgent,C,{reason}"
    )


@pytest.fixture
def clock() -> Iterator[pendulum.DateTime]:
    with timeutil.frozen(NOW) as at:
        yield at


@pytest.fixture
def team_db(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    db = open_database(Config(), str(path), create=True)
    Repository(db, Config(), actor=ME).add_staff(
        ME, "Duty Worker (test)", "clinician", bootstrap=True
    )
    db.dispose()
    return path


def write(folder: Path, name: str, *rows: str, newline: str = "\n") -> Path:
    path = folder / name
    path.write_bytes(newline.join([HEADER, *rows, ""]).encode("utf-8"))
    return path


def do_import(db: Path, file: Path) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), "import", "referrals", str(file)])


def referrals(path: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT name, received_at FROM referral ORDER BY id").fetchall()


def imports(path: Path) -> list[dict[str, object]]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT after FROM audit_log WHERE action = 'import referrals' ORDER BY id"
        ).fetchall()
    return [json.loads(after) for (after,) in rows]


def test_the_same_file_twice_or_renamed_is_refused(
    tmp_path: Path, team_db: Path, clock: object
) -> None:
    first = write(tmp_path, "monday.csv", row(), row("Sam Sample (test)", nhs=""))
    result = do_import(team_db, first)
    assert result.exit_code == 0, result.stderr
    [entry] = imports(team_db)
    assert entry["file"] == "monday.csv" and entry["referrals"] == 2
    assert len(str(entry["sha256"])) == 64
    before = referrals(team_db)

    renamed = tmp_path / "monday-again.csv"
    renamed.write_bytes(first.read_bytes())
    for file in (first, renamed):
        result = do_import(team_db, file)
        assert result.exit_code == 1
        assert result.stderr.startswith(
            f"duty-desk: {file}: this file was already imported by {ME}"
        )
        assert "(2 referrals); nothing was imported (a file is imported once)" in result.stderr
        assert len(result.stderr.splitlines()) == 1
    assert referrals(team_db) == before
    assert len(imports(team_db)) == 1


def test_the_same_rows_in_another_file_are_refused(
    tmp_path: Path, team_db: Path, clock: object
) -> None:
    assert (
        do_import(
            team_db, write(tmp_path, "a.csv", row(), row("Sam Sample (test)", nhs=""))
        ).exit_code
        == 0
    )
    before = referrals(team_db)
    # Other bytes, the same referrals: line ends, spacing and case of the name differ.
    again = write(
        tmp_path,
        "b.csv",
        row(nhs="9990000018", reason="Retyped (test)"),
        row("  sam   SAMPLE (test)", nhs="", reason="Retyped (test)"),
        newline="\r\n",
    )
    result = do_import(team_db, again)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:2] == [
        "line 2: this referral is already in the database "
        "(received Monday 23 November 2026, 09:00, referral number 1)",
        "line 3: this referral is already in the database "
        "(received Monday 23 November 2026, 09:00, referral number 2)",
    ]
    assert lines[2] == f"duty-desk: {again}: 2 problems in 2 of 2 rows; nothing was imported."
    assert referrals(team_db) == before


def test_one_duplicate_among_new_rows_stops_them_all(
    tmp_path: Path, team_db: Path, clock: object
) -> None:
    assert do_import(team_db, write(tmp_path, "a.csv", row())).exit_code == 0
    before = referrals(team_db)
    mixed = write(
        tmp_path,
        "b.csv",
        row("Kit Demo (test)", nhs=""),
        row("Robin Placeholder (test)", nhs="", born="14/07/1985"),
        row(reason="Sent again (test)"),  # line 4: Alex again, same received time
        row("Jo Sample (test)", nhs="", born="03/03/1980"),
    )
    result = do_import(team_db, mixed)
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("line ")] == [
        "line 4: this referral is already in the database "
        "(received Monday 23 November 2026, 09:00, referral number 1)"
    ]
    assert referrals(team_db) == before


def test_the_same_person_at_another_time_or_another_person_is_new(
    tmp_path: Path, team_db: Path, clock: object
) -> None:
    assert (
        do_import(
            team_db, write(tmp_path, "a.csv", row(), row("Sam Sample (test)", nhs=""))
        ).exit_code
        == 0
    )
    later = write(
        tmp_path,
        "b.csv",
        row(received="23/11/2026 09:01"),  # Alex, referred again a minute later
        row("Sam Sample (test)", nhs="", received="22/11/2026 09:00"),  # Sam, the day before
        row("Sam Sample (test)", nhs="", born="02/02/1990"),  # same name, another person
        row("Alex Example (test)", nhs="999 000 0026"),  # same name and time, other NHS number
    )
    result = do_import(team_db, later)
    assert result.exit_code == 0, result.stderr
    assert len(referrals(team_db)) == 6


def test_the_same_person_twice_in_one_file_is_refused(
    tmp_path: Path, team_db: Path, clock: object
) -> None:
    file = write(tmp_path, "a.csv", row(), row(reason="Other words (test)"), row())
    result = do_import(team_db, file)
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("line ")] == [
        "line 3: row: the same person and received time as line 2",
        "line 4: row: the same referral as line 2",
    ]
    assert referrals(team_db) == []


def _run_import(env: dict[str, str], db: str, file: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "duty_desk", "--db", db, "import", "referrals", str(file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def _race(db: str, file: Path, processes: int = 3) -> list[tuple[int, str, str]]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = [_run_import(env, db, file) for _ in range(processes)]
    outcomes = []
    for proc in started:
        out, err = proc.communicate(timeout=180)
        outcomes.append((proc.returncode, out, err))
    return outcomes


def _recent_rows(count: int) -> list[str]:
    """Rows received just before the real time (these processes run on the real clock)."""
    at = pendulum.now("Europe/London").subtract(hours=2)
    return [
        row(f"Racer {n} (test)", received=at.add(minutes=n).format("DD/MM/YYYY HH:mm"), nhs="")
        for n in range(count)
    ]


def _check_race(outcomes: list[tuple[int, str, str]], file: Path) -> None:
    wins = [o for o in outcomes if o[0] == 0]
    assert len(wins) == 1, outcomes
    assert wins[0][1] == f"Imported 20 referrals from {file}.\n"
    for code, _, err in outcomes:
        if code:
            assert code == 1 and "this file was already imported" in err, err


def test_two_processes_importing_the_same_file_at_once_one_succeeds(
    tmp_path: Path, team_db: Path
) -> None:
    file = write(tmp_path, "race.csv", *_recent_rows(20))
    _check_race(_race(str(team_db), file), file)
    assert len(referrals(team_db)) == 20
    assert len(imports(team_db)) == 1


@pytest.mark.slow
def test_two_processes_importing_the_same_file_at_once_on_postgresql(
    tmp_path: Path, pg: Database
) -> None:
    Repository(pg, Config(), actor="duty1").add_staff(ME, "Duty Worker (test)", "clinician")
    rows = _recent_rows(20)  # once: made again later, a minute could pass between the two
    file = write(tmp_path, "race.csv", *rows)
    url = pg.url.render_as_string(hide_password=False)
    _check_race(_race(url, file), file)
    repo = Repository(pg, Config())
    assert len(list(repo.referrals_for_export())) == 20
    # The same rows in other bytes are refused by the rows themselves.
    again = write(tmp_path, "again.csv", *rows, newline="\r\n")
    result = do_import_url(url, again)
    assert result.exit_code == 1
    assert result.stderr.count("this referral is already in the database") == 20


def do_import_url(url: str, file: Path) -> Result:
    return CliRunner().invoke(cli, ["--db", url, "import", "referrals", str(file)])


# -- messages say where and why, never the value ----------------------------------------------

PEOPLE = [
    # name, date of birth, NHS number (the 999 test range), phone (Ofcom drama range)
    ("Harriet Quillfeather (test)", "17/03/1984", "999 000 0018", "01632 960111"),
    ("Oswin Bramblecott (test)", "1979-11-05", "9990000026", "07700 900222"),
    ("Perpetua Lanyard (test)", "02/12/2001", "999-000-0034", "+44 1632 960333"),
]


def _fields(person: tuple[str, str, str, str]) -> list[str]:
    name, born, nhs, phone = person
    return [
        "23/11/2026 09:00",
        name,
        born,
        nhs,
        phone,
        "canterbury",
        "Cathedral View Surgery (example)",
        "spoa-urgent",
        "C",
        f"Lives with {name.split()[0]} (test)",
    ]


def _personal(person: tuple[str, str, str, str]) -> list[str]:
    name, born, nhs, phone = person
    day = timeutil.parse_date(born)
    digits = "".join(ch for ch in nhs if ch.isdigit())
    return [
        name,
        *name.replace(" (test)", "").split(),
        born,
        day.isoformat(),
        day.strftime("%d/%m/%Y"),
        nhs,
        digits,
        f"{digits[:3]} {digits[3:6]} {digits[6:]}",
        phone,
        "".join(ch for ch in phone if ch.isdigit()),
    ]


def test_shifted_columns_leave_no_personal_data_in_messages(
    tmp_path: Path, team_db: Path, clock: object
) -> None:
    rows = []
    for person in PEOPLE:
        fields = _fields(person)
        for shift in range(1, len(fields)):  # every rotation of the columns
            rotated = fields[shift:] + fields[:shift]
            rows.append(",".join(f'"{value}"' for value in rotated))
        for a, b in itertools.combinations(range(5), 2):  # and every swap of two personal ones
            swapped = list(fields)
            swapped[a], swapped[b] = swapped[b], swapped[a]
            rows.append(",".join(f'"{value}"' for value in swapped))
    file = write(tmp_path, "shifted.csv", *rows)
    result = do_import(team_db, file)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert len({line.split(":")[0] for line in problems}) == len(rows), "every row is refused"
    for person in PEOPLE:
        for value in _personal(person):
            assert value not in result.stderr, value
    # What stays: the line, the column and why, and the team's own settings.
    assert "line 2: received_at: not a date and time (use DD/MM/YYYY HH:MM or ISO 8601)" in problems
    assert any(
        "area: unknown area (expected one of: canterbury, whitstable)" in p for p in problems
    )
    assert referrals(team_db) == []
