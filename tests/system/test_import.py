"""``duty-desk import referrals``: every row checked, every problem reported, all or nothing."""

from __future__ import annotations

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
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from duty_desk import timeutil
from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.csv_import import (
    HEADER,
    CsvFileError,
    CsvRowErrors,
    import_referrals,
    read_referral_file,
)
from duty_desk.db import Database, open_database
from duty_desk.errors import NotPermitted
from duty_desk.identity import os_login
from duty_desk.repository import Repository

ME = os_login()
NOW = pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London")
GOOD = (
    "23/11/2026 09:00,Alex Example (test),01/02/1990,999 000 0018,01632 960001,canterbury,"
    "Cathedral View Surgery (example),spoa-urgent,C,Crisis referral (test)"
)


@pytest.fixture
def clock() -> Iterator[pendulum.DateTime]:
    with timeutil.frozen(NOW) as at:
        yield at


@pytest.fixture
def team_db(tmp_path: Path) -> Path:
    """A database with the current login (who runs the CLI) on the staff list."""
    path = tmp_path / "team.db"
    config = Config()
    db = open_database(config, str(path), create=True)
    Repository(db, config, actor=ME).add_staff(
        ME, "Duty Worker (test)", "clinician", bootstrap=True
    )
    db.dispose()
    return path


def counts(path: Path) -> tuple[int, int]:
    with closing(sqlite3.connect(path)) as conn, conn:
        return (
            conn.execute("SELECT count(*) FROM referral").fetchone()[0],
            conn.execute("SELECT count(*) FROM audit_log").fetchone()[0],
        )


def write(tmp_path: Path, text: str | bytes, name: str = "referrals.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_bytes(text.encode("utf-8"))
    else:
        path.write_bytes(text)
    return path


def do_import(db: Path, file: Path) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), "import", "referrals", str(file)])


def problem_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("line ")]


# -- the happy path ------------------------------------------------------------------------


def test_import_all_rows_in_one_go(tmp_path: Path, team_db: Path, clock: object) -> None:
    file = write(
        tmp_path,
        "\n".join(
            [
                HEADER,
                GOOD,
                "2026-11-22T21:30:00+00:00,Sam Sample (test),1985-07-14,,07700 900123,whitstable,"
                "Harbour Street Surgery (example),eip-new,B,",
                "2026-06-01T09:00,Robin Placeholder (test),14/07/1985,,,canterbury,"
                "westgate towers practice (example),GP,d,Routine (test)",
            ]
        )
        + "\n",
    )
    result = do_import(team_db, file)
    assert result.exit_code == 0, result.stderr
    assert result.output == f"Imported 3 referrals from {file}.\n"
    assert result.stderr == ""
    assert counts(team_db) == (3, 5)  # 1 staff + 3 referrals + the import in the audit log

    db = open_database(Config(), str(team_db))
    try:
        rows = {r.name: r for r in Repository(db, Config()).referrals_for_export()}
    finally:
        db.dispose()
    alex = rows["Alex Example (test)"]
    assert alex.received_at == pendulum.datetime(2026, 11, 23, 9, 0, tz="UTC")
    assert alex.nhs_number == "9990000018" and alex.status == "new"
    sam = rows["Sam Sample (test)"]
    assert sam.nhs_number is None
    assert sam.respond_by == pendulum.datetime(2026, 11, 23, 1, 30, tz="UTC")  # B: 4 hours
    robin = rows["Robin Placeholder (test)"]
    assert robin.received_at == pendulum.datetime(2026, 6, 1, 8, 0, tz="UTC")  # BST
    assert robin.gp_practice == "Westgate Towers Practice (example)"
    assert (robin.source, robin.urgency) == ("gp", "D")


def test_notes_column_and_any_column_order(tmp_path: Path, team_db: Path, clock: object) -> None:
    file = write(
        tmp_path,
        "notes,reason,urgency,source,gp_practice,area,phone,nhs_number,date_of_birth,"
        "name,received_at\n"
        '"Call the sister first,\nthen the GP (test)",Reason (test),C,spoa-urgent,'
        "Cathedral View Surgery (example),canterbury,,,01/02/1990,Alex Example (test),"
        "23/11/2026 08:00\n",
    )
    result = do_import(team_db, file)
    assert result.exit_code == 0, result.stderr
    db = open_database(Config(), str(team_db))
    try:
        [row] = list(Repository(db, Config()).referrals_for_export())
    finally:
        db.dispose()
    assert row.notes == "Call the sister first,\nthen the GP (test)"


def test_byte_order_mark_crlf_and_blank_trailing_lines(
    tmp_path: Path, team_db: Path, clock: object
) -> None:
    text = "\r\n".join([HEADER, GOOD, "", "  ", ""]) + "\r\n\r\n"
    file = write(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = do_import(team_db, file)
    assert result.exit_code == 0, result.stderr
    assert counts(team_db)[0] == 1


def test_header_only_imports_nothing(tmp_path: Path, team_db: Path, clock: object) -> None:
    result = do_import(team_db, write(tmp_path, HEADER + "\n"))
    assert result.exit_code == 0
    assert "nothing was imported" in result.output
    assert counts(team_db) == (0, 1)


# -- every bad row reported, nothing imported ----------------------------------------------------


def test_every_problem_is_reported_and_nothing_imported(
    tmp_path: Path, team_db: Path, clock: object
) -> None:
    file = write(
        tmp_path,
        "\n".join(
            [
                HEADER,  # 1
                GOOD,  # 2
                "23/11/2026 09:00,Sam Sample (test),01/02/1990,999 000 0019,,canterbury,"
                "Cathedral View Surgery (example),spoa-urgent,C,",  # 3
                "23/11/2026 09:00,,31/02/1990,,,narnia,Nowhere Surgery,spoa-urgent,Z,",  # 4
                "24/11/2026 09:00,Kit Demo (test),01/02/1990,,not a phone,canterbury,"
                "Cathedral View Surgery (example),pigeon,C,",  # 5
                "23/11/2026 09:00,Too Few (test),01/02/1990",  # 6
                GOOD,  # 7
            ]
        )
        + "\n",
    )
    before = counts(team_db)
    result = do_import(team_db, file)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    lines = problem_lines(result)
    assert lines == [
        "line 3: nhs_number: not a valid NHS number (the check digit does not match; "
        "check for a typo)",
        "line 4: name: name is required",
        "line 4: date_of_birth: not a real date",
        "line 4: area: unknown area (expected one of: canterbury, whitstable)",
        "line 4: urgency: unknown urgency (expected one of: A, B, C, D, E, F, G)",
        "line 5: received_at: received time is in the future",
        "line 5: phone: phone takes digits, spaces, + ( ) and -, 7 to 15 digits",
        "line 5: source: unknown source (expected one of: spoa-urgent, eip-new, gp, other)",
        "line 6: row: has 3 values but the header has 10 (a value holding a comma, quote or "
        "line break must be in double quotes)",
        "line 7: row: the same referral as line 2",
    ]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("duty-desk: ")
    assert "10 problems in 5 of 6 rows; nothing was imported" in last
    assert counts(team_db) == before


def test_personal_values_are_not_repeated_in_messages(
    tmp_path: Path, team_db: Path, clock: object
) -> None:
    file = write(
        tmp_path,
        HEADER + "\n"
        "23/11/2026 09:00,Alex \x1b[31mExample,30/02/1987,12345,0800 ABC,canterbury,"
        "Cathedral View Surgery (example),spoa-urgent,C,\n",
    )
    result = do_import(team_db, file)
    assert result.exit_code == 1
    for personal in ("Alex", "30/02/1987", "12345", "0800 ABC"):
        assert personal not in result.stderr
    assert problem_lines(result) == [
        "line 2: name: name contains control characters (such as an escape sequence); retype it",
        "line 2: date_of_birth: not a real date",
        "line 2: nhs_number: an NHS number has 10 digits, this has 5",
        "line 2: phone: phone takes digits, spaces, + ( ) and -, 7 to 15 digits",
    ]


def test_quoted_line_breaks_number_rows_by_their_first_line(
    tmp_path: Path, team_db: Path, clock: object
) -> None:
    multi = (
        "23/11/2026 08:00,Alex Example (test),01/02/1990,,,canterbury,"
        'Cathedral View Surgery (example),spoa-urgent,C,"first line\nsecond line\nthird"'
    )
    bad_multi = (
        "23/11/2026 08:30,Sam Sample (test),01/02/1990,,,atlantis,"
        'Cathedral View Surgery (example),spoa-urgent,C,"one\ntwo"'
    )
    bad = "23/11/2026 08:45,Kit Demo (test),01/02/1990,,,canterbury,Nowhere,spoa-urgent,C,"
    file = write(tmp_path, "\n".join([HEADER, multi, bad_multi, bad]) + "\n")
    result = do_import(team_db, file)
    assert result.exit_code == 1
    lines = problem_lines(result)
    # header: 1; multi: lines 2-4; bad_multi: lines 5-6; bad: line 7
    assert [line.split(":")[0] for line in lines] == ["line 5", "line 7"]
    assert lines[0].startswith("line 5: area: unknown area (expected")
    assert lines[1].startswith("line 7: gp_practice: not a GP practice of Canterbury")


def test_clock_change_times_are_reported_clearly(
    tmp_path: Path, team_db: Path, clock: object
) -> None:
    file = write(
        tmp_path,
        "\n".join(
            [
                HEADER,
                GOOD.replace("23/11/2026 09:00", "25/10/2026 01:30"),
                GOOD.replace("23/11/2026 09:00", "29/03/2026 01:30").replace("Alex", "Sam"),
                GOOD.replace("23/11/2026 09:00", "2026-10-25T01:30+01:00").replace("Alex", "Kit"),
            ]
        )
        + "\n",
    )
    result = do_import(team_db, file)
    assert result.exit_code == 1
    assert problem_lines(result) == [
        "line 2: received_at: happens twice in Europe/London (the clocks go "
        "back that night); give the offset, e.g. 2026-10-25T01:30+01:00",
        "line 3: received_at: does not exist in Europe/London: the clocks go forward that night",
    ]
    assert counts(team_db)[0] == 0
    # With the offset given, the same wall-clock time is accepted.
    fixed = write(
        tmp_path,
        HEADER + "\n" + GOOD.replace("23/11/2026 09:00", "2026-10-25T01:30+00:00") + "\n",
        name="fixed.csv",
    )
    assert do_import(team_db, fixed).exit_code == 0


def test_an_unclosed_quote_is_reported_at_its_line(
    tmp_path: Path, team_db: Path, clock: object
) -> None:
    file = write(
        tmp_path, "\n".join([HEADER, GOOD, GOOD.replace(",C,", ',C,"oops') + "\n" + GOOD]) + "\n"
    )
    result = do_import(team_db, file)
    assert result.exit_code == 1
    assert problem_lines(result) == [
        'line 3: row: a double-quoted value starting here is never closed (a missing ")'
    ]
    assert counts(team_db)[0] == 0


def test_reading_goes_on_after_a_malformed_quote(
    tmp_path: Path, team_db: Path, clock: object
) -> None:
    file = write(
        tmp_path,
        "\n".join(
            [
                HEADER,
                GOOD.replace("Crisis referral (test)", '"quoted" then more'),
                GOOD.replace("canterbury", "atlantis").replace("Alex", "Sam"),
            ]
        )
        + "\n",
    )
    result = do_import(team_db, file)
    assert result.exit_code == 1
    assert problem_lines(result) == [
        "line 2: row: a closing double quote must be followed by a comma (write a quote inside "
        'a quoted value as "")',
        "line 3: area: unknown area (expected one of: canterbury, whitstable)",
    ]


# -- problems with the file as a whole -------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "fragments"),
    [
        (
            "received_at,name,date_of_birth,phone,area,gp_practice,source,urgency,reason",
            ["missing column nhs_number"],
        ),
        (
            HEADER.replace("nhs_number", "nhs_no"),
            ["missing column nhs_number", "unknown column 'nhs_no'"],
        ),
        (HEADER + ",colour", ["unknown column 'colour'"]),
        (HEADER + ",name", ["given twice: name"]),
        (HEADER.replace(",", ";"), ["not the header", "separated by commas"]),
    ],
)
def test_a_wrong_header_is_one_clear_message(
    tmp_path: Path, team_db: Path, clock: object, header: str, fragments: list[str]
) -> None:
    result = do_import(team_db, write(tmp_path, header + "\n" + GOOD + "\n"))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("duty-desk: ")
    assert "expected the header " + HEADER in lines[0]
    for fragment in fragments:
        assert fragment in lines[0]
    assert counts(team_db)[0] == 0


def test_a_missing_header_does_not_echo_the_first_row(
    tmp_path: Path, team_db: Path, clock: object
) -> None:
    result = do_import(team_db, write(tmp_path, GOOD + "\n"))
    assert result.exit_code == 1
    assert "the first line is not the header" in result.stderr
    assert "Alex" not in result.stderr and "999" not in result.stderr


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "is empty"),
        (b"\xef\xbb\xbf\n\n", "is empty"),
        (
            (HEADER + "\n" + GOOD + "\n").encode() + "Zoë Sample (test),x\n".encode("latin-1"),
            "is not UTF-8 text (byte at line 3)",
        ),
        ((HEADER + "\r\n").encode() + b"\xff\r\n", "is not UTF-8 text (byte at line 2)"),
        ((HEADER + "\n").encode("utf-16"), "is UTF-16 text, not UTF-8"),
    ],
)
def test_file_level_problems(
    tmp_path: Path, team_db: Path, clock: object, data: bytes, fragment: str
) -> None:
    file = write(tmp_path, data)
    result = do_import(team_db, file)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0] and str(file) in lines[0]
    assert "Zo" not in lines[0]


def test_a_missing_file_is_one_sentence(tmp_path: Path, team_db: Path) -> None:
    result = do_import(team_db, tmp_path / "nope.csv")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"duty-desk: cannot read {tmp_path / 'nope.csv'}: No such file or directory."
    ]
    result = do_import(team_db, tmp_path)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"duty-desk: cannot read {tmp_path}: Is a directory."
    ]


def test_a_file_far_too_large_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    from duty_desk.csv_import import read_bytes

    file = write(tmp_path, HEADER + "\n" + (GOOD + "\n") * 50)
    with pytest.raises(CsvFileError, match="too large to import"):
        read_bytes(file, limit=1000)
    assert read_bytes(file).startswith(HEADER.encode())


def test_a_login_not_on_the_staff_list_cannot_import(tmp_path: Path, clock: object) -> None:
    path = tmp_path / "other.db"
    config = Config()
    db = open_database(config, str(path), create=True)
    Repository(db, config, actor="duty1").add_staff(
        "duty1", "Duty One (test)", "clinician", bootstrap=True
    )
    db.dispose()
    result = do_import(path, write(tmp_path, HEADER + "\n" + GOOD + "\n"))
    assert result.exit_code == 1
    assert "not on the staff list" in result.stderr
    assert counts(path) == (0, 1)


# -- a real process -----------------------------------------------------------------------------


def test_bad_rows_in_a_real_process(tmp_path: Path, team_db: Path) -> None:
    file = write(
        tmp_path,
        "\n".join(
            [
                HEADER,
                GOOD.replace("23/11/2026", "23/11/2025"),
                "23/11/2025 09:00,Sam Sample (test),01/13/1990,,,canterbury,"
                "Cathedral View Surgery (example),spoa-urgent,C,",
                GOOD.replace("23/11/2026", "25/10/2026").replace("09:00", "01:30"),
            ]
        )
        + "\n",
    )
    before = counts(team_db)
    proc = subprocess.run(
        [sys.executable, "-m", "duty_desk", "--db", str(team_db), "import", "referrals", str(file)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[0] == "line 3: date_of_birth: not a real date"
    assert lines[1].startswith("line 4: received_at: happens twice")
    assert lines[2].startswith("duty-desk: ") and "nothing was imported" in lines[2]
    assert len(lines) == 3
    assert counts(team_db) == before

    good = write(
        tmp_path, HEADER + "\n" + GOOD.replace("23/11/2026", "23/11/2025") + "\n", name="good.csv"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "duty_desk", "--db", str(team_db), "import", "referrals", str(good)],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert proc.returncode == 0, proc.stderr
    assert counts(team_db)[0] == 1


# -- the functions behind the command -----------------------------------------------------------


def test_read_referral_file_gives_line_numbers(tmp_path: Path) -> None:
    file = write(tmp_path, HEADER + "\n\n" + GOOD + "\n")
    rows = read_referral_file(file, Config(), NOW)
    assert [row.line for row in rows] == [3]


def test_import_referrals_refuses_non_staff_before_reading(
    tmp_path: Path, db: Database, config: Config
) -> None:
    with pytest.raises(NotPermitted):
        import_referrals(tmp_path / "not-even-there.csv", Repository(db, config, actor="nobody"))


# -- property: random rows never crash the importer and never leave a partial import -------------

_FIELD = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "23/11/2026 09:00",
            "2026-11-23T09:00:00+00:00",
            "25/10/2026 01:30",
            "01/02/1990",
            "1990-02-30",
            "999 000 0018",
            "9990000019",
            "01632 960001",
            "canterbury",
            "whitstable",
            "Cathedral View Surgery (example)",
            "Harbour Street Surgery (example)",
            "spoa-urgent",
            "gp",
            "C",
            "B",
            "Z",
            "Alex Example (test)",
            '"',
            ",",
            "\n",
            "\r\n",
            "\x00",
            "\ufeff",
            "=cmd()",
            "[bold]x[/]",
        ]
    ),
)
_ROW = st.lists(_FIELD, min_size=8, max_size=12)
_VALID_ROW = st.builds(
    lambda name, area: [
        "23/11/2026 09:00",
        f"{name} (test)",
        "01/02/1990",
        "",
        "",
        area,
        {
            "canterbury": "Cathedral View Surgery (example)",
            "whitstable": "Harbour Street Surgery (example)",
        }[area],
        "spoa-urgent",
        "C",
        "",
    ],
    st.text(alphabet="abcdefghij ", min_size=1, max_size=12).filter(str.strip),
    st.sampled_from(["canterbury", "whitstable"]),
)


def _csv_line(fields: list[str]) -> str:
    def quote(value: str) -> str:
        if any(ch in value for ch in ',"\r\n'):
            return '"' + value.replace('"', '""') + '"'
        return value

    return ",".join(quote(v) for v in fields)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(st.one_of(_ROW, _VALID_ROW, _VALID_ROW, _VALID_ROW), max_size=6),
    raw_tail=st.one_of(st.none(), st.none(), st.none(), st.binary(max_size=20)),
    crlf=st.booleans(),
)
def test_random_rows_never_crash_and_never_import_partly(
    tmp_path: Path,
    db: Database,
    repo: Repository,
    rows: list[list[str]],
    raw_tail: bytes | None,
    crlf: bool,
) -> None:
    newline = "\r\n" if crlf else "\n"
    data = (HEADER + newline + newline.join(_csv_line(r) for r in rows) + newline).encode("utf-8")
    if raw_tail is not None:
        data += raw_tail
    file = tmp_path / "random.csv"
    file.write_bytes(data)
    before = len(list(repo.referrals_for_export()))
    audit_before = len(list(repo.audit_for_export()))
    try:
        with timeutil.frozen(NOW):
            imported = import_referrals(file, repo)
    except (CsvRowErrors, CsvFileError) as exc:
        event(type(exc).__name__)
        after = len(list(repo.referrals_for_export()))
        assert after == before, "a failed import changed the database"
        assert len(list(repo.audit_for_export())) == audit_before
        if isinstance(exc, CsvRowErrors):
            assert exc.problems
            for problem in exc.problems:
                assert str(problem).startswith(f"line {problem.line}: ")
                assert problem.line >= 2
    else:
        event("imported" if imported else "nothing to import")
        after = len(list(repo.referrals_for_export()))
        assert after == before + imported
        assert imported == sum(1 for r in rows if any(v.strip() for v in r))
