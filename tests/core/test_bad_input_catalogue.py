"""The catalogue of bad input: everything a person (or a file) might get wrong, each with the
clear message it gets. One table per kind of input; every row is a test.

Other files test the same rules in more depth (validation, import, config, time parser,
forms); this file is the one place to read what each mistake is told. Free text is checked
to be shown literally on every screen in tests/ui/test_ui_literal.py and the screens' tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pendulum
import pytest

from duty_desk.config import Config, ConfigError, parse_config
from duty_desk.csv_import import CsvFileError, CsvRowErrors, decode, parse_referrals
from duty_desk.errors import DutyDeskError, InputErrors
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
