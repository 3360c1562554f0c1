"""The catalogue of bad input: everything a person (or a file) might get wrong, each with the
clear message it gets. One table per kind of input; every row is a test.

Other files test the same rules in more depth (validation, import, config, time parser,
forms); this file is the one place to read what each mistake is told. Free text is checked
to be shown literally on every screen in tests/ui/test_ui_literal.py and the screens' tests.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest

from duty_desk import timeutil
from duty_desk.config import Config, ConfigError, parse_config
from duty_desk.csv_import import CsvFileError, CsvRowErrors, decode, parse_referrals
from duty_desk.db import Database
from duty_desk.errors import DutyDeskError, InputErrors
from duty_desk.reports.writers import output_target
from duty_desk.repository import Repository
from duty_desk.timeparse import parse_when
from duty_desk.validation import validate_referral
from tests.conftest import MONDAY_10, referral_input

NOW = MONDAY_10
TZ = "Europe/London"

# -- a referral as typed in the form, the CLI or a CSV row: (field, value, message) ----------
REFERRAL_CASES = [
    # NHS numbers
    ("nhs_number", "999 000 0019", "not a valid NHS number (the check digit does not match"),
    ("nhs_number", "12345", "an NHS number has 10 digits, this has 5"),
    ("nhs_number", "9990000018 1", "an NHS number has 10 digits, this has 11"),
    ("nhs_number", "99900000AB", "an NHS number has digits only"),
    # dates of birth
    ("date_of_birth", "01/01/2030", "date of birth is in the future"),
    ("date_of_birth", "01/01/1890", "date of birth makes them 136; check the year"),
    ("date_of_birth", "31/02/1990", "'31/02/1990' is not a real date"),
    ("date_of_birth", "1990-13-01", "'1990-13-01' is not a real date"),
    ("date_of_birth", "yesterday", "is not a date (use DD/MM/YYYY or YYYY-MM-DD)"),
    ("date_of_birth", "", "date of birth is required"),
    # times
    ("received_at", "32/11/2026 09:00", "is not a real date and time"),
    ("received_at", "23/11/2026 25:00", "is not a real date and time"),
    ("received_at", "24/11/2026 09:00", "received time is in the future"),
    ("received_at", "29/03/2026 01:30", "does not exist in Europe/London: the clocks go forward"),
    ("received_at", "25/10/2026 01:30", "happens twice in Europe/London (the clocks go back"),
    # unknown codes
    ("area", "atlantis", "unknown area 'atlantis' (expected one of: canterbury, whitstable)"),
    ("gp_practice", "Nowhere Surgery", "'Nowhere Surgery' is not a GP practice of Canterbury"),
    ("source", "pigeon", "unknown source 'pigeon' (expected one of: spoa-urgent"),
    ("urgency", "Z", "unknown urgency 'Z' (expected one of: A, B, C, D, E, F, G)"),
    # required, too long, control characters and escape sequences
    ("name", "", "name is required"),
    ("name", "   ", "name is required"),
    ("name", "x" * 500, "name is too long (500 characters, at most 120)"),
    ("reason", "y" * 20000, "reason is too long (20000 characters, at most 2000)"),
    ("name", "Bad\x1b[31mName", "contains control characters (such as an escape sequence)"),
    ("notes", "bell\x07here", "contains control characters"),
    ("phone", "abc", "phone takes digits, spaces, + ( ) and -, 7 to 15 digits"),
    # -- inputs (issue 10): implausible values and dates far out -------------------------------
    ("nhs_number", "000 000 0000", "not a real NHS number (one digit repeated is never issued"),
    ("nhs_number", "1111111111", "not a real NHS number (one digit repeated is never issued"),
    ("date_of_birth", "0001-01-01", "date of birth makes them 2025; check the year"),
    ("date_of_birth", "31/12/9999", "date of birth is in the future"),
    ("received_at", "01/01/0001 00:00", "the year 1 is outside the dates duty-desk takes"),
    ("received_at", "9999-12-31T23:59", "the year 9999 is outside the dates duty-desk takes"),
    ("received_at", "0001-01-01T00:00+05:00", "is not a real date and time"),
    ("received_at", "31/12/1899 23:59", "the year 1899 is outside the dates duty-desk takes"),
    # -- details (issue 11): address, postcode, referrer, language, interpreter ---------------
    ("postcode", "CT1", "postcode is not a UK postcode (like CT1 1AA)"),
    ("postcode", "123 456", "postcode is not a UK postcode (like CT1 1AA)"),
    ("postcode", "CT1 1AAA", "postcode is not a UK postcode (like CT1 1AA)"),
    ("postcode", "CT1\n1AA", "postcode must be on one line"),
    ("address", "1 Example Street\x1b[2J", "address contains control characters"),
    ("address", "z" * 201, "address is too long (201 characters, at most 200)"),
    ("address", "1 Example St\nCanterbury", "address must be on one line"),
    ("referrer_name", "r" * 121, "referrer's name is too long (121 characters, at most 120)"),
    ("referrer_contact", "ring the surgery", "referrer's contact is a phone number"),
    ("referrer_contact", "gp@nowhere", "referrer's contact is not an email address"),
    ("referrer_contact", "123", "referrer's contact is a phone number (7 to 15 digits)"),
    ("language", "Polish\x07", "preferred language contains control characters"),
    ("interpreter", "perhaps", "interpreter needed is yes or no"),
]


@pytest.mark.parametrize(
    "field, value, message", REFERRAL_CASES, ids=[f"{f}:{v[:16]!r}" for f, v, _ in REFERRAL_CASES]
)
def test_bad_referral_input_gets_its_message(field: str, value: str, message: str) -> None:
    with pytest.raises(InputErrors) as caught:
        validate_referral(referral_input(**{field: value}), Config(), NOW)
    assert set(caught.value.errors) == {field}, "the message is on the field that is wrong"
    assert message in caught.value.errors[field]


MARKUP = [
    "[bold]Sam[/bold] (test)",
    "[red]x[/]",
    "[link=http://x]y[/link] (test)",
    "[@click=app.quit]q[/]",
    # -- files (issue 10): spreadsheet formulas are the person's text too; kept as typed,
    # and made inert only in CSV exports (tests/system/test_csv_injection.py)
    '=HYPERLINK("http://example.invalid","x") (test)',
    "+44 1632 960001 (test)",
    "-2+3 (test)",
    "@SUM(1+1) (test)",
]


@pytest.mark.parametrize("text", MARKUP)
def test_markup_in_free_text_is_kept_as_typed(text: str) -> None:
    """Markup is not an error: it is the person's text, stored and later shown literally."""
    new = validate_referral(referral_input(name=text, reason=text, notes=text), Config(), NOW)
    assert (new.name, new.reason, new.notes) == (text, text, text)


# -- meeting times as typed in the booking dialog ------------------------------------------------
WHEN_CASES = [
    ("", "Type a time for the meeting, like 14:30"),
    ("banana", "Cannot read 'banana' as a time"),
    ("25:00", "Cannot read '25:00' as a time"),
    ("thu 9:70", "Cannot read 'thu 9:70' as a time"),
    ("32/11 10:00", "32/11 is not a real date"),
    ("29/03/2026 01:30", "does not exist in Europe/London: the clocks go forward"),
    ("25/10/2026 01:30", "happens twice in Europe/London (the clocks go back"),
    # -- inputs (issue 10): days far from today ------------------------------------------------
    ("31/12/9999 23:59", "31/12/9999 is too far from today: meetings, days and absences"),
    ("01/01/0001 10:00", "01/01/0001 is too far from today"),
    ("9999-12-31T23:59", "the year 9999 is outside the dates duty-desk takes"),
    ("0001-01-01T00:00", "the year 1 is outside the dates duty-desk takes"),
    ("+999w 10", "is too far from today"),
    ("01/01/2016 10:00", "01/01/2016 is too far from today"),
]


@pytest.mark.parametrize("text, message", WHEN_CASES, ids=[repr(t) for t, _ in WHEN_CASES])
def test_bad_meeting_time_gets_its_message(text: str, message: str) -> None:
    with pytest.raises(InputErrors) as caught:
        parse_when(text, now=NOW, tz=TZ)
    assert message in " ".join(caught.value.errors.values())


# -- settings (config.toml) ----------------------------------------------------------------------
CONFIG_CASES = [
    ('[team]\nresponse_hours = "soon"\n', "team.response_hours: Input should be a valid number"),
    ('[team]\ncolour = "red"\n', "team.colour: unknown key"),
    ("[meetings]\ndefault_minutes = 0\n", "meetings.default_minutes: Input should be greater"),
    ('[team]\ntimezone = "Mars/Olympus"\n', "team.timezone"),
    ('[team]\nopens = "25:00"\n', "team.opens"),
    ("not toml =\n", "not valid TOML"),
    # -- handover (issue 11): a bad bank-holiday region names the key, the choices and line
    (
        '[team]\nname = "X"\nholidays = "narnia"\n',
        "team.holidays: 'narnia' is not a bank-holiday region (expected one of 'england', "
        "'wales', 'scotland', 'northern-ireland', 'none') (line 3)",
    ),
    ("[handover]\nclaim_stale_minutes = 0\n", "handover.claim_stale_minutes: Input should be"),
    # -- decisions (issue 11): the reversal window ---------------------------------------
    ("[triage]\nreverse_within_hours = 0\n", "triage.reverse_within_hours: Input should be"),
    ('[triage]\nreverse_within_hours = "a week"\n', "triage.reverse_within_hours: Input"),
    # -- issue 12 (safety): the crisis plan and risk summary review dates ----------------
    ("[record]\ncrisis_plan_review_weeks = 0\n", "record.crisis_plan_review_weeks: Input should"),
    ("[record]\nrisk_review_weeks = 60\n", "record.risk_review_weeks: Input should be less"),
    ("[record]\nreview_due_soon_days = -1\n", "record.review_due_soon_days: Input should be"),
    ('[record]\nno_crisis_plan_days = "a week"\n', "record.no_crisis_plan_days: Input should"),
    # -- guard (issue 12): the kinds of safeguarding flag ------------------------------------
    (
        "[safeguarding]\nkinds = {}\n",
        "safeguarding.kinds: at least one kind of safeguarding flag is needed",
    ),
    (
        '[safeguarding]\nkinds = { child = "Child", kid = "child" }\n',
        "safeguarding.kinds: two kinds have the same label",
    ),
    ('[safeguarding]\nkinds = { child = "  " }\n', "safeguarding.kinds: a kind's label is empty"),
    ('[safeguarding]\nkinds = { child = "" }\n', "safeguarding.kinds.child: String should"),
    ('[safeguarding]\nkinds = { "Child!" = "Child" }\n', "safeguarding.kinds.Child!.[key]"),
]


@pytest.mark.parametrize(
    "text, message", CONFIG_CASES, ids=[m.split(":")[0] for _, m in CONFIG_CASES]
)
def test_bad_settings_get_their_message(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match="^config.toml: ") as caught:
        parse_config(text)
    assert message in str(caught.value)


# -- CSV files for 'duty-desk import referrals' ---------------------------------------------------
HEADER = "received_at,name,date_of_birth,nhs_number,phone,area,gp_practice,source,urgency,reason"
GOOD_ROW = (
    "23/11/2026 09:00,Alex Example (test),01/02/1990,9990000018,01632 960001,canterbury,"
    "Cathedral View Surgery (example),spoa-urgent,C,Crisis (test)"
)
CSV_CASES: list[tuple[str, bytes, type[DutyDeskError], str]] = [
    ("wrong headers", b"name,dob\nA,B\n", CsvFileError, "the header is wrong (missing columns"),
    ("no header", GOOD_ROW.encode() + b"\n", CsvFileError, "the first line is not the header"),
    (
        "semicolons",
        HEADER.replace(",", ";").encode() + b"\n",
        CsvFileError,
        "separated by commas, not semicolons",
    ),
    ("UTF-16", "\ufeffname".encode("utf-16-le"), CsvFileError, "is UTF-16 text, not UTF-8"),
    (
        "Latin-1",
        (HEADER + "\n" + GOOD_ROW.replace("Alex", "Al\xe9x")).encode("latin-1"),
        CsvFileError,
        "is not UTF-8 text (byte at line 2)",
    ),
    (
        "bad row",
        (HEADER + "\n" + GOOD_ROW.replace("9990000018", "9990000019")).encode(),
        CsvRowErrors,
        "line 2: nhs_number: not a valid NHS number",
    ),
    # -- inputs (issue 10): the shared validation applies to every imported row -----------------
    (
        "NHS number of zeros",
        (HEADER + "\n" + GOOD_ROW.replace("9990000018", "0000000000")).encode(),
        CsvRowErrors,
        "nhs_number: not a real NHS number",
    ),
    (
        "year 9999",
        (HEADER + "\n" + GOOD_ROW.replace("23/11/2026 09:00", "31/12/9999 23:59")).encode(),
        CsvRowErrors,
        "received_at: the year 9999 is outside the dates duty-desk takes",
    ),
    (
        "born after received",
        (
            HEADER
            + "\n"
            + GOOD_ROW.replace("01/02/1990", "23/11/2026").replace(
                "23/11/2026 09:00", "20/11/2026 09:00", 1
            )
        ).encode(),
        CsvRowErrors,
        "date_of_birth: date of birth is after the received date",
    ),
    # -- roles (issue 10): duplicates within a file, shifted columns say where, not what --
    (
        "same person twice",
        (
            HEADER
            + "\n"
            + GOOD_ROW
            + "\n"
            + GOOD_ROW.replace("Crisis (test)", "Other words (test)")
        ).encode(),
        CsvRowErrors,
        "line 3: row: the same person and received time as line 2",
    ),
    (
        "shifted columns",
        (
            HEADER
            + "\n"
            + GOOD_ROW.replace("Alex Example (test),01/02/1990", "01/02/1990,Alex Example (test)")
        ).encode(),
        CsvRowErrors,
        "line 2: date_of_birth: not a date (use DD/MM/YYYY or YYYY-MM-DD)",
    ),
    # -- details (issue 11): the optional columns are checked as the form checks them ----------
    (
        "bad postcode column",
        (HEADER + ",postcode\n" + GOOD_ROW + ",CT99").encode(),
        CsvRowErrors,
        "line 2: postcode: postcode is not a UK postcode (like CT1 1AA)",
    ),
    (
        "interpreter without a language",
        (HEADER + ",interpreter,language\n" + GOOD_ROW + ",yes,").encode(),
        CsvRowErrors,
        "line 2: language: say which language the interpreter is needed for",
    ),
    (
        "unknown column names the optional ones",
        (HEADER + ",house\n" + GOOD_ROW + ",1").encode(),
        CsvFileError,
        "optionally notes, address, postcode, language, interpreter, referrer_name",
    ),
]


@pytest.mark.parametrize("what, data, error, message", CSV_CASES, ids=[c[0] for c in CSV_CASES])
def test_bad_csv_gets_its_message(
    what: str, data: bytes, error: type[DutyDeskError], message: str
) -> None:
    with pytest.raises(error) as caught:
        parse_referrals(decode(data, "f.csv"), "f.csv", Config(), NOW)
    told = [str(caught.value), *(str(p) for p in getattr(caught.value, "problems", []))]
    assert any(message in line for line in told), told


def test_a_bom_and_quoted_newlines_are_fine() -> None:
    row = GOOD_ROW.replace("Crisis (test)", '"Crisis,\nseen at home (test)"')
    rows = parse_referrals(
        decode(b"\xef\xbb\xbf" + (HEADER + "\r\n" + row).encode(), "f.csv"), "f.csv", Config(), NOW
    )
    assert [r.referral.reason for r in rows] == ["Crisis,\nseen at home (test)"]


# -- unknown staff logins and records --------------------------------------------------------------
def test_unknown_login_and_record(
    repo: Repository, frozen_now: pendulum.DateTime, repo_as: Callable[[str], Repository]
) -> None:
    with pytest.raises(DutyDeskError, match="No staff member with login 'nobody-here'"):
        repo.deactivate_staff("nobody-here")
    with pytest.raises(DutyDeskError, match="not on the staff list"):
        repo_as("stranger").add_referral(referral_input())
    with pytest.raises(DutyDeskError, match="No referral number 999"):
        repo.claim(999)


def test_end_before_start(repo: Repository, frozen_now: pendulum.DateTime) -> None:
    """An absence that ends before it starts is refused on its end date."""
    me = repo.acting_staff()
    assert me is not None
    with pytest.raises(InputErrors) as caught:
        repo.record_absence(me.id, dt.date(2026, 11, 27), dt.date(2026, 11, 25), "leave")
    assert "ends_on" in caught.value.errors


# -- files (issue 10): what is at an export or backup path, and what it is told -----------------
def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dangling(path: Path) -> None:
    path.symlink_to(path.with_name("nowhere"))


def _folder(path: Path) -> None:
    path.mkdir()


def _socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays


OUTPUT_PATH_CASES: list[tuple[str, Callable[[Path], None], str]] = [
    ("a FIFO is written in place", _fifo, "in place: FIFO"),
    ("a link to nothing", _dangling, "it is a symbolic link to nothing"),
    ("a folder", _folder, "it is a folder"),
    ("a socket", _socket, "it is a socket, not a file"),
]


@pytest.mark.parametrize(
    "what, make, told", OUTPUT_PATH_CASES, ids=[c[0] for c in OUTPUT_PATH_CASES]
)
def test_an_output_path_gets_its_rule(what: str, make: Callable[[Path], None], told: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="dd-out-"))  # short: a socket's path is limited
    try:
        path = folder / "out"
        make(path)
        try:
            target = output_target(path)
        except OSError as exc:
            assert told in (exc.strerror or "")
        else:
            assert f"in place: {target.kind}" == told
    finally:
        shutil.rmtree(folder)


# -- chain: backup files whose audit history was rewritten or whose triggers are gone ---------------
# (statements run on the backup with the plain sqlite3 module, the triggers put back?, message)
# Restore refuses each outright, even with --force; tests/repo/test_audit_chain.py shows what
# ``duty-desk check`` says about the same damage in a live database.
RESTORE_FILE_CASES = [
    (("UPDATE audit_log SET actor = 'someone' WHERE id = 2",), True, "ids 2 (changed)"),
    (("DELETE FROM audit_log WHERE id = 2",), True, "ids 3 (rows deleted before it)"),
    (
        (
            "INSERT INTO audit_log (at, actor, action, entity, entity_id, hash) "
            "VALUES ('2026-11-23 11:00:00', 'x', 'accept', 'referral', 1, 'forged')",
        ),
        True,
        "(changed)",
    ),
    ((), False, "audit_log_no_update (missing), audit_log_no_delete (missing)"),
    (
        ("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT 1; END",),
        False,
        "audit_log_no_update (altered), audit_log_no_delete (missing)",
    ),
]


@pytest.mark.parametrize(("statements", "triggers_back", "message"), RESTORE_FILE_CASES)
def test_a_tampered_backup_is_refused_even_with_force(
    repo: Repository,
    db_path: Path,
    tmp_path: Path,
    statements: tuple[str, ...],
    triggers_back: bool,
    message: str,
) -> None:
    import sqlite3
    from contextlib import closing

    from duty_desk import maintenance, timeutil
    from duty_desk.models import AUDIT_TRIGGERS_SQLITE

    with timeutil.frozen(NOW):
        for n in range(3):
            repo.add_referral(referral_input(name=f"Person {n} (test)"))
    copy = tmp_path / "backup.db"
    maintenance.backup(repo.db, copy)
    with closing(sqlite3.connect(copy, isolation_level=None)) as con:
        con.execute("DROP TRIGGER audit_log_no_update")
        con.execute("DROP TRIGGER audit_log_no_delete")
        for statement in statements:
            con.execute(statement)
        for statement in AUDIT_TRIGGERS_SQLITE if triggers_back else ():
            con.execute(statement)
    with pytest.raises(DutyDeskError, match="cannot be restored, even with --force") as caught:
        maintenance.restore(repo.db, copy, zone=TZ, force=True, actor=repo.actor)
    assert message in str(caught.value)


# -- inputs (issue 10): implausible values at every door -------------------------------------------
def test_born_after_the_referral_came_in() -> None:
    """Both dates real, neither in the future, but the person was born after the referral."""
    with pytest.raises(InputErrors) as caught:
        validate_referral(
            referral_input(received_at="01/11/2026 09:00", date_of_birth="10/11/2026"),
            Config(),
            NOW,
        )
    assert caught.value.errors == {
        "date_of_birth": "date of birth is after the received date; check both"
    }


@pytest.mark.parametrize(
    "call",
    [
        lambda repo, me: repo.day(dt.date(9999, 12, 31)),
        lambda repo, me: repo.day(dt.date(1, 1, 1)),
        lambda repo, me: list(repo.meetings_for_export(dt.date(1, 1, 1), dt.date(9999, 12, 31))),
        lambda repo, me: repo.record_absence(
            me, dt.date(9999, 12, 30), dt.date(9999, 12, 31), "leave"
        ),
        lambda repo, me: repo.next_free_slot(1, 60, [me], dt.datetime(9999, 12, 31, tzinfo=dt.UTC)),
        lambda repo, me: repo.intake(dt.datetime(1, 1, 1, tzinfo=dt.UTC)),
        lambda repo, me: repo.first_meetings(dt.datetime(9999, 12, 31, tzinfo=dt.UTC)),
    ],
    ids=["day 9999", "day 1", "export", "absence", "next free", "intake", "first meetings"],
)
def test_the_repository_refuses_dates_far_out(
    repo: Repository, frozen_now: pendulum.DateTime, call: Callable[[Repository, int], object]
) -> None:
    """Defence in depth: a date that got past the parsers is refused at the repository's door
    with one sentence on the field, never OverflowError, and nothing is written."""
    me = repo.acting_staff()
    assert me is not None
    before = repo.absences()
    with pytest.raises(InputErrors) as caught:
        call(repo, me.id)
    assert all("outside the dates" in m or "too far" in m for m in caught.value.errors.values())
    assert repo.absences() == before


# -- restore (issue 10, part "restore"): backup files that 'duty-desk restore' refuses -------------
# (what is wrong, SQL run on a fresh backup of the database, --force, what the restore says)
RESTORE_CASES = [
    ("not a database", None, False, "is not a duty-desk database"),
    ("another program's database", "DROP TABLE duty_desk_meta", False, "not a duty-desk database"),
    (
        "a newer schema",
        "UPDATE duty_desk_meta SET value = '99' WHERE key = 'schema_version'",
        False,
        "has schema version 99",
    ),
    ("a table missing", "DROP TABLE absence", False, "does not hold the same tables"),
    ("audit guard dropped", "DROP TRIGGER audit_log_no_update", True, "even with --force"),
    (
        "another database",
        "UPDATE duty_desk_meta SET value = 'other' WHERE key = 'database_id'",
        False,
        "a backup of a different database",
    ),
    (
        "an audit entry rewritten, guard put back",
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'someone-else'; "
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        True,  # the hash chain shows the rewrite: refused even with --force
        "cannot be restored, even with --force",
    ),
]


@pytest.mark.parametrize(
    "what, tamper, force, message", RESTORE_CASES, ids=[case[0] for case in RESTORE_CASES]
)
def test_a_bad_backup_file_gets_its_message(
    db: Database,
    repo: Repository,
    tmp_path: Path,
    what: str,
    tamper: str | None,
    force: bool,
    message: str,
) -> None:
    import re
    import sqlite3
    from contextlib import closing

    from duty_desk import maintenance

    backup = tmp_path / "backup.db"
    maintenance.backup(db, backup)
    if tamper is None:
        backup.write_text("not a database (test)", encoding="utf-8")
    else:
        with closing(sqlite3.connect(backup)) as con:
            con.executescript(tamper)
    with pytest.raises(maintenance.MaintenanceError, match=re.escape(message)):
        maintenance.restore(db, backup, zone=TZ, force=force, actor="duty1")


# -- details (issue 11): correcting a saved referral: (field, value, message) --------------------
EDIT_CASES = [
    ("name", "", "name is required"),
    ("name", "n" * 121, "name is too long (121 characters, at most 120)"),
    ("name", "Alex\x1b]0;x\x07", "name contains control characters"),
    ("date_of_birth", "30/02/1990", "'30/02/1990' is not a real date"),
    ("date_of_birth", "01/01/2027", "date of birth is in the future"),
    ("date_of_birth", "24/11/2026", "date of birth is in the future"),
    ("date_of_birth", "01/01/1890", "date of birth makes them 136; check the year"),
    ("nhs_number", "999 000 0019", "not a valid NHS number (the check digit does not match"),
    ("postcode", "not a postcode", "postcode is not a UK postcode (like CT1 1AA)"),
    ("referrer_contact", "@", "referrer's contact is not an email address"),
    ("urgency", "Q", "unknown urgency 'Q'"),
    ("source", "gp", "source cannot be corrected here"),
]


# -- handover (issue 11): notes, reasons and the duty rota: (what, call, message) --------------
HANDOVER_CASES: list[tuple[str, Callable[[Repository, int], object], str]] = [
    ("empty note", lambda r, i: r.add_note("   ", referral_id=i), "note: note is required"),
    (
        "note too long",
        lambda r, i: r.add_note("x" * 501, referral_id=i),
        "note: note is too long (501 characters, at most 500)",
    ),
    (
        "control character in a note",
        lambda r, i: r.add_note("call \x1b[2J back", referral_id=i),
        "note: note contains control characters (such as an escape sequence); retype it",
    ),
    (
        "note about nothing",
        lambda r, i: r.add_note("ok", referral_id=None),
        "note: a note is about one referral or one client",
    ),
    (
        "out-of-hours handover without a reason",
        lambda r, i: r.hand_over_out_of_hours(i, ""),
        "reason: reason is required",
    ),
    (
        "out-of-hours handover with a control character",
        lambda r, i: r.hand_over_out_of_hours(i, "CRHT \x07 told"),
        "reason: reason contains control characters",
    ),
    (
        "out-of-hours handover reason too long",
        lambda r, i: r.hand_over_out_of_hours(i, "x" * 2001),
        "reason: reason is too long (2001 characters, at most 2000)",
    ),
    (
        "release without a reason",
        lambda r, i: r.release_claim(i, " "),
        "reason: reason is required",
    ),
    (
        "unknown staff in the rota",
        lambda r, i: r.set_rota(MONDAY_10.date(), [999]),
        "staff: no active staff member number 999",
    ),
    (
        "a rota far in the future",
        lambda r, i: r.set_rota(dt.date(2099, 1, 1), []),
        "day:",
    ),
]


@pytest.mark.parametrize(
    "field, value, message", EDIT_CASES, ids=[f"{f}:{v[:16]!r}" for f, v, _ in EDIT_CASES]
)
def test_a_bad_correction_gets_its_message_and_writes_nothing(
    repo: Repository, frozen_now: pendulum.DateTime, field: str, value: str, message: str
) -> None:
    referral = repo.referral(repo.add_referral(referral_input()))
    with pytest.raises(InputErrors) as caught:
        repo.update_referral(referral.id, {field: value}, expected_version=referral.version)
    assert set(caught.value.errors) == {field}, "the message is on the field that is wrong"
    assert message in caught.value.errors[field]
    assert repo.referral(referral.id) == referral


@pytest.mark.parametrize("text", MARKUP)
def test_markup_in_the_new_details_is_kept_as_typed(text: str) -> None:
    new = validate_referral(
        referral_input(address=text, referrer_name=text, language=text), Config(), NOW
    )
    assert (new.address, new.referrer_name, new.language) == (text, text, text)


@pytest.mark.parametrize(
    "what, call, message", HANDOVER_CASES, ids=[case[0] for case in HANDOVER_CASES]
)
def test_bad_handover_input_gets_its_message(
    repo: Repository,
    frozen_now: pendulum.DateTime,
    what: str,
    call: Callable[[Repository, int], object],
    message: str,
) -> None:
    referral = repo.add_referral(referral_input())
    with pytest.raises(InputErrors) as caught:
        call(repo, referral)
    assert message in str(caught.value)
    assert repo.notes() == [] and repo.out_of_hours_handovers() == {}


# -- decisions (issue 11): reasons for the order, reversals, and what cannot be reversed ------
REASON_CASES = [
    ("", "give a reason to accept this one first"),
    ("   \n ", "order reason is required"),
    ("x" * 2001, "order reason is too long"),
    ("Reason\x1b[31m (test)", "control character"),
]


@pytest.mark.parametrize("reason, message", REASON_CASES, ids=["empty", "blank", "long", "ctrl"])
def test_a_bad_order_reason_gets_its_message(
    repo: Repository, frozen_now: pendulum.DateTime, reason: str, message: str
) -> None:
    repo.add_referral(referral_input(name="First (test)", received_at="23/11/2026 08:00"))
    later = repo.add_referral(referral_input(name="Later (test)"))
    with pytest.raises(DutyDeskError) as caught:
        repo.accept(later, enforce_order=True, order_reason=reason)
    assert message in str(caught.value)
    assert repo.referral(later).status == "new"


REVERSAL_CASES = [
    ("an empty reason", "", None, "reason is required"),
    ("a reason too long", "x" * 2001, None, "reason is too long"),
    ("control characters", "Undo\x07 (test)", None, "control character"),
    ("after the window", "Too late (test)", 73, "can no longer be reversed"),
    ("an open referral", "Nothing decided (test)", "open", "there is no decision to reverse"),
]


@pytest.mark.parametrize(
    "what, reason, when, message", REVERSAL_CASES, ids=[case[0] for case in REVERSAL_CASES]
)
def test_a_bad_reversal_gets_its_message(
    repo: Repository,
    frozen_now: pendulum.DateTime,
    what: str,
    reason: str,
    when: int | str | None,
    message: str,
) -> None:
    referral = repo.add_referral(referral_input())
    if when != "open":
        repo.decline(referral, "Not for us (test)")
    later = frozen_now.add(hours=when) if isinstance(when, int) else frozen_now
    with timeutil.frozen(later), pytest.raises(DutyDeskError) as caught:
        repo.reverse_decision(referral, reason)
    assert message in str(caught.value)
    assert repo.referral(referral).status == ("new" if when == "open" else "declined")


# -- cover (issue 11): part-day absences and cover at a meeting ------------------------------------
ABSENCE_TIME_CASES = [
    # (field, what is typed, message)
    ("starts_time", "25:00", "'25:00' is outside the day: times run from 00:00 to 23:59"),
    ("starts_time", "12:60", "'12:60' is outside the day: times run from 00:00 to 23:59"),
    ("ends_time", "24:30", "'24:30' is outside the day: times run from 00:00 to 23:59"),
    ("starts_time", "24:00", "'24:00' is outside the day: times run from 00:00 to 23:59"),
    ("ends_time", "noon", "'noon' is not a time of day (e.g. 09:00 or 13:30)"),
    ("starts_time", "-1:00", "'-1:00' is not a time of day (e.g. 09:00 or 13:30)"),
]


@pytest.mark.parametrize(("field", "typed", "message"), ABSENCE_TIME_CASES)
def test_a_bad_absence_time_gets_its_message(field: str, typed: str, message: str) -> None:
    from duty_desk.validation import parse_clock

    with pytest.raises(InputErrors) as caught:
        parse_clock(typed, field, end=field == "ends_time")
    assert caught.value.errors[field] == message


def test_an_absence_ending_before_it_starts(
    repo: Repository, frozen_now: pendulum.DateTime
) -> None:
    me = repo.acting_staff()
    assert me is not None
    day = dt.date(2026, 11, 25)
    with pytest.raises(InputErrors) as caught:
        repo.record_absence(me.id, day, day, "leave", starts_time=dt.time(14), ends_time=dt.time(9))
    assert caught.value.errors == {"ends_time": "the absence ends (09:00) before it starts (14:00)"}
    with pytest.raises(InputErrors) as caught:
        repo.record_absence(me.id, day, day, "leave", ends_time=dt.time(0))
    assert "ends_time" in caught.value.errors


def test_cover_by_an_unknown_or_absent_staff_member(
    repo: Repository, frozen_now: pendulum.DateTime
) -> None:
    me = repo.acting_staff()
    assert me is not None
    peer = repo.add_staff("peer1", "Peer Worker (test)", "peer_support")
    other = repo.add_staff("clin2", "Clinician Two (test)", "clinician")
    alex = repo.accept(repo.add_referral(referral_input()))
    repo.set_core_team(alex, [me.id, peer.id], me.id, "Team (test)")
    when = pendulum.datetime(2026, 11, 25, 11, tz=TZ)
    meeting = repo.book(alex, when, 60, [me.id, peer.id], "base")
    day = dt.date(2026, 11, 25)
    absence = repo.record_absence(peer.id, day, day, "sickness")
    with pytest.raises(InputErrors) as caught:
        repo.assign_cover(absence, meeting, 999)
    assert caught.value.errors == {"staff": "no staff member number 999"}
    repo.record_absence(other.id, day, day, "leave", starts_time=dt.time(10, 30))
    with pytest.raises(InputErrors) as caught:
        repo.assign_cover(absence, meeting, other.id)
    assert caught.value.errors == {
        "staff": "Clinician Two (test) is away (leave) then (from 10:30): "
        "choose someone who is not away"
    }


# -- issue 12 (record): a staff member's work phone (staff add --phone, staff phone) --------

STAFF_PHONE_CASES = [
    ("x" * 41, "phone is too long (41 characters, at most 40)"),
    (
        "0163\x1b[31m2 960000",
        "phone contains control characters (such as an escape sequence); retype it",
    ),
    ("[b]01632 960000[/b]", "phone takes digits, spaces, + ( ) and -, 7 to 15 digits"),
    ("12345", "phone takes digits, spaces, + ( ) and -, 7 to 15 digits"),
    ("0" * 16, "phone takes digits, spaces, + ( ) and -, 7 to 15 digits"),
]


@pytest.mark.parametrize("value, message", STAFF_PHONE_CASES)
def test_a_bad_staff_phone_gets_its_message_and_writes_nothing(
    repo: Repository, frozen_now: pendulum.DateTime, value: str, message: str
) -> None:
    with pytest.raises(InputErrors) as caught:
        repo.set_staff_phone("duty1", value)
    assert caught.value.errors == {"phone": message}
    with pytest.raises(InputErrors):
        repo.add_staff("new1", "New Person (test)", "clinician", phone=value)
    assert "new1" not in {s.login for s in repo.list_staff(include_inactive=True)}
    assert [e.action for e in repo.history("staff", 1)] == ["add staff"]


# -- issue 12 (network): editing a network member: (what, changes, field, message) ----------------
NETWORK_CASES: list[tuple[str, dict[str, object], str, str]] = [
    ("empty name", {"name": "   "}, "name", "name is required"),
    (
        "name too long",
        {"name": "n" * 121},
        "name",
        "name is too long (121 characters, at most 120)",
    ),
    ("escape in a name", {"name": "Mum\x1b[31m (test)"}, "name", "name contains control char"),
    ("name on two lines", {"name": "Mum\n(test)"}, "name", "name must be on one line"),
    (
        "relationship too long",
        {"relationship": "r" * 61},
        "relationship",
        "relationship is too long (61 characters, at most 60)",
    ),
    ("bell in a relationship", {"relationship": "aunt\x07"}, "relationship", "control char"),
    ("phone of letters", {"phone": "ring her"}, "phone", "phone takes digits, spaces, + ( ) and -"),
    ("phone too short", {"phone": "123"}, "phone", "7 to 15 digits"),
    ("consent maybe", {"consent": "maybe"}, "consent", "consent to share is yes, no or not asked"),
    ("consent empty", {"consent": ""}, "consent", "consent to share is yes, no or not asked yet"),
    ("takes part perhaps", {"takes_part": "perhaps"}, "takes_part", "takes part in meetings is"),
    ("takes part empty", {"takes_part": ""}, "takes_part", "takes part in meetings is yes or no"),
    ("consent time typed", {"consent_at": "now"}, "consent_at", "cannot be changed on a network"),
    ("consent recorder typed", {"consent_by": "duty2"}, "consent_by", "cannot be changed"),
    ("removal by an edit", {"removed_at": "now"}, "removed_at", "cannot be changed"),
]


# -- issue 12 (safety): the crisis plan and the risk summary --------------------------------------
# (what, the parts typed, the review date, the field told, its message); nothing is written.
_PLAN = {"early_signs": "Sleeping less (test)", "what_helps": "Music (test)"}
_IN_A_MONTH = dt.date(2026, 12, 23)
CRISIS_PLAN_CASES = [
    (
        "empty",
        {"early_signs": "", "contact_out_of_hours": "  \n "},
        _IN_A_MONTH,
        "early_signs",
        "the plan is empty: write at least one part with the person",
    ),
    (
        "long",
        {**_PLAN, "what_helps": "x" * 2001},
        _IN_A_MONTH,
        "what_helps",
        "what helps is too long (2001 characters, at most 2000)",
    ),
    (
        "ctrl",
        {**_PLAN, "what_to_avoid": "Noise\x1b[31m (test)"},
        _IN_A_MONTH,
        "what_to_avoid",
        "what to avoid contains control characters",
    ),
    (
        "ctrl-contact",
        {**_PLAN, "contact_in_hours": "Key\x07 worker"},
        _IN_A_MONTH,
        "contact_in_hours",
        "contact in team hours contains control characters",
    ),
    ("no-review", _PLAN, None, "review_on", "a review date is required"),
    (
        "past",
        _PLAN,
        dt.date(2026, 11, 22),
        "review_on",
        "the review date 22/11/2026 has passed: give the date of the next review",
    ),
    ("far", _PLAN, dt.date(2028, 1, 1), "review_on", "is more than a year ahead"),
    (
        "impossible-year",
        _PLAN,
        dt.date(2300, 1, 1),
        "review_on",
        "the year 2300 is outside the dates duty-desk takes",
    ),
    (
        "unknown-part",
        {**_PLAN, "mood": "low"},
        _IN_A_MONTH,
        "plan",
        "no such part of a crisis plan: mood",
    ),
]
RISK_CASES = [
    ("empty", "   ", _IN_A_MONTH, "summary", "risk summary is required"),
    ("long", "x" * 4001, _IN_A_MONTH, "summary", "risk summary is too long (4001 characters"),
    ("ctrl", "Low\x1b]0;title\x07 (test)", _IN_A_MONTH, "summary", "control characters"),
    ("past", "Low (test)", dt.date(2026, 11, 1), "review_on", "has passed"),
]


@pytest.mark.parametrize(
    "what, changes, field, message", NETWORK_CASES, ids=[case[0] for case in NETWORK_CASES]
)
def test_a_bad_network_edit_gets_its_message_and_writes_nothing(
    repo: Repository,
    frozen_now: pendulum.DateTime,
    what: str,
    changes: dict[str, object],
    field: str,
    message: str,
) -> None:
    referral = repo.add_referral(referral_input())
    member = repo.network_member(repo.add_network_member(referral, "Mum (test)", "mother"))
    with pytest.raises(InputErrors) as caught:
        repo.edit_network_member(member.id, changes, expected_version=member.version)
    assert set(caught.value.errors) == {field}, "the message is on the field that is wrong"
    assert message in caught.value.errors[field]
    assert repo.network_member(member.id) == member
    if field in ("name", "relationship", "phone", "takes_part", "consent"):
        typed = {"name": "Dad (test)", "relationship": "", "phone": "", **changes}
        with pytest.raises(InputErrors) as caught:  # the same checks when adding
            repo.add_network_member(
                referral,
                str(typed["name"]),
                str(typed["relationship"]),
                str(typed["phone"]),
                takes_part=str(typed.get("takes_part", "yes")),
                consent=str(typed.get("consent", "not_asked")),
            )
        assert message in caught.value.errors[field]
    assert [m.id for m in repo.network_members(referral)] == [member.id]


NETWORK_REMOVAL_CASES = [
    ("", "reason is required"),
    ("  \n ", "reason is required"),
    ("x" * 2001, "reason is too long (2001 characters, at most 2000)"),
    ("Moved\x1b[2J away (test)", "reason contains control characters"),
]


@pytest.mark.parametrize(
    "reason, message", NETWORK_REMOVAL_CASES, ids=["empty", "blank", "long", "escape"]
)
def test_a_bad_network_removal_gets_its_message(
    repo: Repository, frozen_now: pendulum.DateTime, reason: str, message: str
) -> None:
    referral = repo.add_referral(referral_input())
    member = repo.add_network_member(referral, "Mum (test)", "mother")
    with pytest.raises(InputErrors) as caught:
        repo.remove_network_member(member, reason, expected_version=1)
    assert message in caught.value.errors["reason"]
    assert not repo.network_member(member).removed


@pytest.mark.parametrize("text", MARKUP)
def test_markup_in_a_network_member_is_kept_as_typed(
    repo: Repository, frozen_now: pendulum.DateTime, text: str
) -> None:
    """Markup in a member's name or relationship is their text: stored as typed (the record's
    network section and the forms show it literally: tests/ui/test_ui_network.py)."""
    referral = repo.add_referral(referral_input())
    member = repo.add_network_member(referral, "Mum (test)")
    saved = repo.edit_network_member(
        member, {"name": text[:120], "relationship": text[:60]}, expected_version=1
    )
    assert (saved.name, saved.relationship) == (text[:120], text[:60])


# -- the meeting record (issue 12, meeting): the note, the reason for changing an outcome and
# the follow-up after a did-not-attend: (what, field, value, message); nothing is written ------
MEETING_RECORD_CASES = [
    ("an empty note", "note", "", "write what was talked about and decided together"),
    ("a blank note", "note", "  \n\t ", "write what was talked about and decided together"),
    ("a note too long", "note", "x" * 4001, "note is too long (4001 characters, at most 4000)"),
    ("an escape in a note", "note", "Met\x1b[2J (test)", "note contains control characters"),
    ("a bell in a note", "note", "Met\x07 (test)", "note contains control characters"),
    ("an empty addition", "addition", "", "note is required"),
    ("an addition too long", "addition", "y" * 4001, "note is too long"),
    ("an escape in an addition", "addition", "\x1b]0;x\x07", "control characters"),
    ("an empty reason", "reason", "", "reason is required"),
    ("a reason too long", "reason", "r" * 2001, "reason is too long (2001 characters"),
    ("an escape in a reason", "reason", "Why\x1b[31m", "reason contains control characters"),
    ("an empty follow-up", "follow_up", "", "follow-up is required"),
    ("a blank follow-up", "follow_up", "   ", "follow-up is required"),
    ("a follow-up too long", "follow_up", "f" * 2001, "follow-up is too long"),
    ("a NUL in a follow-up", "follow_up", "Phoned\x00", "follow-up contains control characters"),
]


def _past_meeting(repo: Repository, frozen_now: pendulum.DateTime) -> int:
    me = repo.acting_staff()
    assert me is not None
    peer = repo.add_staff("peer1", "Peer Worker (test)", "peer_support")
    client = repo.accept(repo.add_referral(referral_input()))
    repo.set_core_team(client, [me.id, peer.id], me.id, "Team (test)")
    return repo.book(
        client, frozen_now.subtract(hours=2), 60, [me.id], "base", override_reason="past (test)"
    )


@pytest.mark.parametrize(
    "what, field, value, message",
    MEETING_RECORD_CASES,
    ids=[case[0] for case in MEETING_RECORD_CASES],
)
def test_bad_meeting_record_input_gets_its_message(
    repo: Repository,
    frozen_now: pendulum.DateTime,
    what: str,
    field: str,
    value: str,
    message: str,
) -> None:
    me = repo.acting_staff()
    assert me is not None
    meeting = _past_meeting(repo, frozen_now)
    if field in ("addition", "reason"):
        repo.record_meeting(meeting, [me.id], [], "Met (test)")
    before = repo.meeting(meeting)
    notes = repo.meeting_to_record(meeting).detail
    with pytest.raises(InputErrors) as caught:
        if field == "note":
            repo.record_meeting(meeting, [me.id], [], value)
        elif field == "addition":
            repo.add_meeting_note(meeting, value)
        elif field == "reason":
            repo.change_outcome(meeting, "did_not_attend", value, follow_up="Phoned (test)")
        else:
            repo.record_did_not_attend(meeting, value)
    assert message in str(caught.value)
    assert set(caught.value.errors) == {"note" if field == "addition" else field}
    assert repo.meeting(meeting) == before  # nothing written
    assert repo.meeting_to_record(meeting).detail == notes


@pytest.mark.parametrize("text", MARKUP)
def test_markup_in_a_meeting_note_reason_and_follow_up_is_kept_as_typed(
    repo: Repository, frozen_now: pendulum.DateTime, text: str
) -> None:
    me = repo.acting_staff()
    assert me is not None
    meeting = _past_meeting(repo, frozen_now)
    repo.record_meeting(meeting, [me.id], [], text)
    repo.add_meeting_note(meeting, text)
    repo.change_outcome(meeting, "did_not_attend", text, follow_up=text)
    detail = repo.meeting_to_record(meeting).detail
    assert [n.text for n in detail.notes] == [text, text]
    assert detail.outcomes[0].reason == text and detail.follow_up == text


@pytest.mark.parametrize(
    "parts, review, field, message",
    [case[1:] for case in CRISIS_PLAN_CASES],
    ids=[case[0] for case in CRISIS_PLAN_CASES],
)
def test_a_bad_crisis_plan_gets_its_message_and_writes_nothing(
    repo: Repository,
    frozen_now: pendulum.DateTime,
    parts: dict[str, str],
    review: dt.date | None,
    field: str,
    message: str,
) -> None:
    client = repo.accept(repo.add_referral(referral_input()))
    with pytest.raises(InputErrors) as caught:
        repo.save_crisis_plan(client, parts, review, expected_version=None)
    assert message in caught.value.errors[field]
    assert repo.crisis_plan(client) is None


@pytest.mark.parametrize(
    "summary, review, field, message",
    [case[1:] for case in RISK_CASES],
    ids=[case[0] for case in RISK_CASES],
)
def test_a_bad_risk_summary_gets_its_message_and_writes_nothing(
    repo: Repository,
    frozen_now: pendulum.DateTime,
    summary: str,
    review: dt.date,
    field: str,
    message: str,
) -> None:
    client = repo.accept(repo.add_referral(referral_input()))
    with pytest.raises(InputErrors) as caught:
        repo.save_risk_summary(client, summary, review, expected_version=None)
    assert message in caught.value.errors[field]
    assert repo.risk_summary(client) is None


@pytest.mark.parametrize("text", MARKUP)
def test_markup_in_a_crisis_plan_is_kept_as_typed(
    repo: Repository, frozen_now: pendulum.DateTime, text: str
) -> None:
    client = repo.accept(repo.add_referral(referral_input()))
    saved = repo.save_crisis_plan(client, {"what_helps": text}, _IN_A_MONTH, expected_version=None)
    assert saved.what_helps == text.strip()


# -- guard (issue 12): safeguarding flags: (what, call, field, message); nothing is written ----
FLAG_CASES: list[tuple[str, Callable[[Repository, int, int], object], str, str]] = [
    (
        "a kind not in the settings",
        lambda r, ref, f: r.raise_flag("pirates", "Concern (test)", referral_id=ref),
        "kind",
        "unknown kind of flag 'pirates' (expected one of: child, adult, domestic)",
    ),
    (
        "no kind",
        lambda r, ref, f: r.raise_flag(" ", "Concern (test)", referral_id=ref),
        "kind",
        "kind of flag is required",
    ),
    (
        "an empty note",
        lambda r, ref, f: r.raise_flag("child", "  ", referral_id=ref),
        "note",
        "note is required",
    ),
    (
        "a note too long",
        lambda r, ref, f: r.raise_flag("child", "x" * 2001, referral_id=ref),
        "note",
        "note is too long (2001 characters, at most 2000)",
    ),
    (
        "a control character in the note",
        lambda r, ref, f: r.raise_flag("child", "call \x1b[2J back", referral_id=ref),
        "note",
        "note contains control characters (such as an escape sequence); retype it",
    ),
    (
        "a flag on nobody",
        lambda r, ref, f: r.raise_flag("child", "Concern (test)"),
        "flag",
        "a flag is raised on one referral or one client",
    ),
    (
        "an end date before the flag was raised",
        lambda r, ref, f: r.close_flag(f, dt.date(2026, 11, 22), "Ended (test)"),
        "ends_on",
        "the end date is before the flag was raised (23/11/2026)",
    ),
    (
        "an end date in the future",
        lambda r, ref, f: r.close_flag(f, dt.date(2026, 11, 24), "Ended (test)"),
        "ends_on",
        "the end date is in the future",
    ),
    (
        "no end date",
        lambda r, ref, f: r.close_flag(f, None, "Ended (test)"),
        "ends_on",
        "the end date is required",
    ),
    (
        "an end date far out",
        lambda r, ref, f: r.close_flag(f, dt.date(1, 1, 1), "Ended (test)"),
        "ends_on",
        "the year 1 is outside the dates duty-desk takes (1900 to 2200)",
    ),
    (
        "closing without a reason",
        lambda r, ref, f: r.close_flag(f, dt.date(2026, 11, 23), " "),
        "reason",
        "reason is required",
    ),
    (
        "a control character in the reason",
        lambda r, ref, f: r.close_flag(f, dt.date(2026, 11, 23), "done \x07"),
        "reason",
        "reason contains control characters (such as an escape sequence); retype it",
    ),
]


@pytest.mark.parametrize(
    "what, call, field, message", FLAG_CASES, ids=[case[0] for case in FLAG_CASES]
)
def test_a_bad_flag_gets_its_message_and_writes_nothing(
    repo: Repository,
    frozen_now: pendulum.DateTime,
    what: str,
    call: Callable[[Repository, int, int], object],
    field: str,
    message: str,
) -> None:
    referral = repo.add_referral(referral_input())
    flag = repo.raise_flag("child", "Concern (test)", referral_id=referral)
    before = repo.flags(referral_id=referral)
    with pytest.raises(InputErrors) as caught:
        call(repo, referral, flag)
    assert caught.value.errors == {field: message}
    assert repo.flags(referral_id=referral) == before
    assert len(repo.history("safeguarding_flag", flag)) == 1


def test_closing_a_closed_flag_is_refused(repo: Repository, frozen_now: pendulum.DateTime) -> None:
    referral = repo.add_referral(referral_input())
    flag = repo.raise_flag("child", "Concern (test)", referral_id=referral)
    repo.close_flag(flag, dt.date(2026, 11, 23), "Ended (test)")
    closed = repo.flag(flag)
    with pytest.raises(DutyDeskError, match="already closed by duty1 at .*nothing was changed"):
        repo.close_flag(flag, dt.date(2026, 11, 23), "Again (test)")
    assert repo.flag(flag) == closed


@pytest.mark.parametrize("text", MARKUP)
def test_markup_in_a_flag_is_kept_as_typed(
    repo: Repository, frozen_now: pendulum.DateTime, text: str
) -> None:
    referral = repo.add_referral(referral_input())
    flag = repo.raise_flag("child", text, referral_id=referral)
    repo.close_flag(flag, dt.date(2026, 11, 23), text)
    assert (repo.flag(flag).note, repo.flag(flag).close_reason) == (text, text)


# -- issue 12 (docs): hospital admissions ---------------------------------------------------------
# (what, admitted, discharged, legal status, section, hospital, field, message); the client was
# accepted on 23/11/2026 10:00 (the frozen now), so only that day is a valid admission date.
ADMISSION_CASES = [
    ("empty hospital", dt.date(2026, 11, 23), None, "informal", None, "", "hospital",
     "hospital is required"),
    ("hospital too long", dt.date(2026, 11, 23), None, "informal", None, "x" * 500, "hospital",
     "hospital is too long (500 characters, at most 120)"),
    ("control characters", dt.date(2026, 11, 23), None, "informal", None, "Ward\x1b[2J (test)",
     "hospital", "contains control characters"),
    ("discharge before admission", dt.date(2026, 11, 23), dt.date(2026, 11, 22), "informal",
     None, "Ward (test)", "discharged_on",
     "the date of discharge from hospital is before the admission (23/11/2026)"),
    ("admitted before the episode", dt.date(2026, 11, 22), None, "informal", None, "Ward (test)",
     "admitted_on", "the date of admission is before the episode began (23/11/2026)"),
    ("admitted in the future", dt.date(2026, 11, 24), None, "informal", None, "Ward (test)",
     "admitted_on", "the date of admission is in the future"),
    ("impossible year", dt.date(9999, 12, 31), None, "informal", None, "Ward (test)",
     "admitted_on", "the year 9999 is outside the dates duty-desk takes"),
    ("detained without a section", dt.date(2026, 11, 23), None, "detained", None, "Ward (test)",
     "mha_section", "detained: give the section of the Mental Health Act"),
    ("a section when informal", dt.date(2026, 11, 23), None, "informal", "s3", "Ward (test)",
     "mha_section", "an informal admission has no section of the Mental Health Act"),
    ("a section not in the list", dt.date(2026, 11, 23), None, "detained", "s999",
     "Ward (test)", "mha_section", "unknown section 's999' (expected one of: s2, s3, s4,"),
]  # fmt: skip


@pytest.mark.parametrize("case", ADMISSION_CASES, ids=[case[0] for case in ADMISSION_CASES])
def test_a_bad_admission_gets_its_message_and_writes_nothing(
    repo: Repository, frozen_now: pendulum.DateTime, case: tuple[object, ...]
) -> None:
    _what, admitted, discharged, status, section, hospital, field, message = case
    client = repo.accept(repo.add_referral(referral_input()))
    with pytest.raises(InputErrors) as caught:
        repo.add_admission(client, admitted, discharged, status, section, hospital)  # type: ignore[arg-type]
    assert set(caught.value.errors) == {field}
    assert message in caught.value.errors[field]
    assert repo.admissions(client) == []


def test_an_overlapping_admission_gets_its_message(
    repo: Repository, frozen_now: pendulum.DateTime
) -> None:
    client = repo.accept(repo.add_referral(referral_input()))
    repo.add_admission(client, dt.date(2026, 11, 23), None, "informal", None, "Ward (test)")
    with pytest.raises(InputErrors) as caught:
        repo.add_admission(client, dt.date(2026, 11, 23), None, "detained", "s2", "Ward (test)")
    assert caught.value.errors == {
        "admitted_on": "this overlaps another admission of the same client "
        "(from 23/11/2026 and not discharged yet)"
    }
    assert len(repo.admissions(client)) == 1


@pytest.mark.parametrize("text", MARKUP)
def test_markup_in_a_hospital_name_is_kept_as_typed(
    repo: Repository, frozen_now: pendulum.DateTime, text: str
) -> None:
    client = repo.accept(repo.add_referral(referral_input()))
    admission = repo.add_admission(client, dt.date(2026, 11, 23), None, "informal", None, text)
    assert repo.admission(admission).hospital == text


# -- DIALOG and DIALOG+ (issue 13) -------------------------------------------------------------
DIALOG_TYPED_CASES = [
    # (what is typed for an item, message)
    ("0", "A rating is from 1 (totally dissatisfied) to 7 (totally satisfied), not 0."),
    ("8", "A rating is from 1 (totally dissatisfied) to 7 (totally satisfied), not 8."),
    ("x", "A rating is a whole number from 1 to 7, or left unrated (got 'x')."),
    ("4.5", "A rating is a whole number from 1 to 7, or left unrated (got '4.5')."),
]


@pytest.mark.parametrize(("typed", "message"), DIALOG_TYPED_CASES)
def test_a_bad_dialog_rating_gets_its_message(typed: str, message: str) -> None:
    from duty_desk.dialog_scale import RatingError, parse_rating

    with pytest.raises(RatingError) as caught:
        parse_rating(typed)
    assert str(caught.value) == message


def test_bad_dialog_input_gets_its_message_and_writes_nothing(
    repo: Repository, frozen_now: pendulum.DateTime
) -> None:
    client = repo.accept(repo.add_referral(referral_input()))
    with pytest.raises(InputErrors) as caught:
        repo.save_dialog_rating(client, {"job": (8, False), "mood": (3, False)})
    assert caught.value.errors == {
        "mood": "'mood' is not a DIALOG item in the settings",
        "job": "A rating is from 1 (totally dissatisfied) to 7 (totally satisfied), not 8.",
    }
    assert repo.dialog(client).ratings == ()
    rating = repo.save_dialog_rating(client, {"job": (2, True)})
    [topic] = repo.choose_dialog_items(rating, ["job"])
    repo.choose_dialog_items(rating, ["leisure", "friendships"])
    with pytest.raises(InputErrors) as caught:
        repo.choose_dialog_items(rating, ["medication"])
    assert caught.value.errors == {
        "items": "the person chooses up to 3 items to talk about; 3 chosen already, 1 more asked"
    }
    with pytest.raises(InputErrors) as caught:
        repo.add_dialog_action(topic, "Call the job centre", owner=None, due_on=NOW.date())
    assert caught.value.errors == {
        "owner": "Who does it is required: the person, a network member or staff"
    }
    with pytest.raises(InputErrors) as caught:
        repo.add_dialog_action(
            topic, "Call the job centre", owner="person", due_on=dt.date(2026, 11, 20)
        )
    assert caught.value.errors == {
        "due_on": "By when is in the past (2026-11-20): agree a date from today"
    }
    assert repo.dialog(client).actions == ()
    assert len(repo.dialog(client).topics) == 3


# -- issue 14 (fft): the Friends and Family Test answer -----------------------------------------
# (what, answer, comment, answered on, field, message); the referral was received on 23/11/2026
# 09:00 and accepted at 10:00 (the frozen now): only that day is a valid day for an answer.
FFT_CASES = [
    ("no answer", None, None, dt.date(2026, 11, 23), "answer", "choose an answer (very good,"),
    ("unknown answer", "excellent", None, dt.date(2026, 11, 23), "answer",
     "unknown answer 'excellent' (expected one of: very_good, good, neither, poor, very_poor, "
     "dont_know)"),
    ("the words, not the answer", "Very good", None, dt.date(2026, 11, 23), "answer",
     "unknown answer 'Very good'"),
    ("comment too long", "good", "x" * 2001, dt.date(2026, 11, 23), "comment",
     "comment is too long (2001 characters, at most 2000)"),
    ("control characters", "good", "Fine\x1b[2J (test)", dt.date(2026, 11, 23), "comment",
     "contains control characters"),
    ("no day", "good", None, None, "answered_on", "the date the answer was given is required"),
    ("answered in the future", "good", None, dt.date(2026, 11, 24), "answered_on",
     "the date the answer was given is in the future"),
    ("before the referral", "good", None, dt.date(2026, 11, 22), "answered_on",
     "the date the answer was given is before the referral was received (23/11/2026)"),
    ("impossible year", "good", None, dt.date(9999, 12, 31), "answered_on",
     "the year 9999 is outside the dates duty-desk takes"),
]  # fmt: skip


@pytest.mark.parametrize("case", FFT_CASES, ids=[case[0] for case in FFT_CASES])
def test_a_bad_fft_answer_gets_its_message_and_writes_nothing(
    repo: Repository, frozen_now: pendulum.DateTime, case: tuple[object, ...]
) -> None:
    _what, answer, comment, answered_on, field, message = case
    client = repo.accept(repo.add_referral(referral_input()))
    with pytest.raises(InputErrors) as caught:
        repo.record_fft_answer(client, answer, comment, answered_on)  # type: ignore[arg-type]
    assert set(caught.value.errors) == {field}
    assert message in caught.value.errors[field]
    assert repo.fft_answers(client) == []


@pytest.mark.parametrize("text", MARKUP)
def test_markup_in_an_fft_comment_is_kept_as_typed(
    repo: Repository, frozen_now: pendulum.DateTime, text: str
) -> None:
    client = repo.accept(repo.add_referral(referral_input()))
    answer = repo.record_fft_answer(client, "good", text, dt.date(2026, 11, 23))
    assert repo.fft_answer(answer).comment == text


# -- issue 14 (screen): `duty-desk report` options and the report's from-to dialog ----------------
# (arguments after `report`, exit status, message); nothing is read or written. The same
# through real processes: tests/system/test_report_cli.py.
REPORT_OPTION_CASES = [
    (("--from", "31/02/2026", "--to", "01/03/2026"), 1, "--from: '31/02/2026' is not a real date."),
    (
        ("--from", "2026-11-30", "--to", "2026-11-01"),
        1,
        "--to 2026-11-01 is before --from 2026-11-30.",
    ),
    (("--from", "2026-11-01"), 1, "--from and --to go together: give both"),
    (("--on", "someday"), 1, "--on: 'someday' is not a date (use DD/MM/YYYY or YYYY-MM-DD)"),
    (("--from", "1850-01-01", "--to", "1850-02-01"), 1, "--from: the year 1850 is outside"),
    (
        ("--area", "atlantis"),
        1,
        "--area: no area called 'atlantis' (the areas: canterbury, whitstable)",
    ),
    (("--format", "pdf"), 2, "Invalid value for '--format': 'pdf' is not one of"),
    (("--period", "week", "--from", "2026-11-01", "--to", "2026-11-02"), 1, "not both"),
    (
        ("--format", "json"),
        1,
        "--format json does not match --output {out} (a .txt file holds text): give --format "
        "text, or a FILE ending .json; nothing was written",
    ),
]


@pytest.mark.parametrize(("args", "status", "message"), REPORT_OPTION_CASES)
def test_a_bad_report_option_gets_its_message(
    isolated_env: Path, tmp_path: Path, args: tuple[str, ...], status: int, message: str
) -> None:
    from click.testing import CliRunner

    from duty_desk.cli import cli

    out = tmp_path / "out" / "report.txt"
    out.parent.mkdir()
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "none.db"), "report", *args, "-o", str(out)]
    )
    assert result.exit_code == status
    assert message.format(out=out) in result.output.replace("\n", " ")
    assert not list(out.parent.iterdir()) and not (tmp_path / "none.db").exists()


REPORT_DIALOG_CASES = [
    ("31/02/2026", "'31/02/2026' is not a real date"),
    ("next tuesday", "is not a date (use DD/MM/YYYY or YYYY-MM-DD)"),
    ("", "Type a date: DD/MM/YYYY or YYYY-MM-DD (or today)."),
]


@pytest.mark.parametrize(("typed", "message"), REPORT_DIALOG_CASES)
def test_a_bad_report_date_gets_its_message(typed: str, message: str) -> None:
    from screens.report_period_dialog import read_date

    with pytest.raises(InputErrors) as caught:
        read_date(typed, "start", dt.date(2026, 11, 23))
    assert message in caught.value.errors["start"]


# -- issue 13 (care plan): 'duty-desk export care-plan CLIENT' ------------------------------------
def test_a_care_plan_for_an_unknown_client_or_over_a_file_is_refused(
    repo: Repository, frozen_now: pendulum.DateTime, tmp_path: Path
) -> None:
    from duty_desk.client_export import find_client
    from duty_desk.documents import DocumentPathProblem, save_client_document
    from duty_desk.errors import NotFound

    client = repo.accept(repo.add_referral(referral_input()))
    for typed, told in (
        ("Nobody Here (test)", "No client with that name (open or discharged)"),
        ("999", "No client number 999"),
    ):
        with pytest.raises(NotFound) as caught:
            find_client(repo, typed)
        assert told in str(caught.value)
    folder = tmp_path / "plans"
    folder.mkdir()
    there = folder / "plan.json"
    there.write_text("an edited plan\n", encoding="utf-8")
    with pytest.raises(DocumentPathProblem, match="already exists"):
        save_client_document(repo, client, "care_plan", str(there), "json")
    assert there.read_text(encoding="utf-8") == "an edited plan\n"
    with pytest.raises(DocumentPathProblem, match=r"does not end in \.docx"):
        save_client_document(repo, client, "care_plan", str(folder / "plan.doc"), "docx")
    assert sorted(p.name for p in folder.iterdir()) == ["plan.json"]
    assert "care plan" not in [e.action for e in repo.history("client", client)]
