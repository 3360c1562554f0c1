"""Import messages say which line and column and why, never the value: any synthetic
person's name, date of birth, NHS number and phone, in any column order, leave no trace
in the problems reported (only the team's own settings may be repeated)."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duty_desk.config import Config
from duty_desk.csv_import import HEADER, CsvRowErrors, parse_referrals, team_words, without_values
from duty_desk.nhs import nhs_check_digit

NOW = pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London")
CONFIG = Config()
COLUMNS = HEADER.split(",")

names = st.from_regex(r"[A-Z][a-z]{2,9} [A-Z][a-z]{2,11}( [A-Z][a-z]{2,8})?", fullmatch=True)
births = st.dates(dt.date(1905, 1, 1), dt.date(2025, 12, 31))
nine = st.from_regex(r"[1-9][0-9]{8}", fullmatch=True)


@st.composite
def nhs_numbers(draw: st.DrawFn) -> str:
    first = draw(nine)
    check = nhs_check_digit(first)
    digits = first + str(check if check is not None else draw(st.integers(0, 9)))
    return draw(st.sampled_from([digits, f"{digits[:3]} {digits[3:6]} {digits[6:]}"]))


phones = st.from_regex(r"0[1-9][0-9]{3} ?[0-9]{6}", fullmatch=True)


def _forms(name: str, born: dt.date, nhs: str, phone: str) -> list[str]:
    digits = nhs.replace(" ", "")
    return [
        name,
        *(part for part in name.split() if len(part) >= 3),
        born.isoformat(),
        born.strftime("%d/%m/%Y"),
        digits,
        f"{digits[:3]} {digits[3:6]} {digits[6:]}",
        phone,
        phone.replace(" ", ""),
    ]


@settings(max_examples=150, deadline=None)
@given(
    name=names,
    born=births,
    nhs=nhs_numbers(),
    phone=phones,
    order=st.permutations(range(len(COLUMNS))),
    born_style=st.sampled_from(["%d/%m/%Y", "%Y-%m-%d"]),
)
def test_no_personal_value_in_any_message(
    name: str, born: dt.date, nhs: str, phone: str, order: list[int], born_style: str
) -> None:
    values = [
        "23/11/2026 09:00",
        name,
        born.strftime(born_style),
        nhs,
        phone,
        "canterbury",
        "Cathedral View Surgery (example)",
        "spoa-urgent",
        "C",
        f"Seen with {name.split()[0]}",
    ]
    shuffled = [values[i] for i in order]
    text = HEADER + "\n" + ",".join(f'"{v}"' for v in shuffled) + "\n"
    try:
        parse_referrals(text, "f.csv", CONFIG, NOW)
    except CsvRowErrors as exc:
        told = "\n".join(str(problem) for problem in exc.problems)
        for form in _forms(name, born, nhs, phone):
            assert form not in told, (form, told)


@pytest.mark.parametrize(
    "message, expected",
    [
        ("'Alex Example' is not a date", "not a date"),
        (
            "unknown area 'Alex Example' (expected one of: canterbury)",
            "unknown area (expected one of: canterbury)",
        ),
        (
            "unknown area 'Whitstable' (expected one of: canterbury)",
            "unknown area 'Whitstable' (expected one of: canterbury)",
        ),
        (
            "date of birth 1990-02-01 is after the received date",
            "date of birth is after the received date",
        ),
        (
            "date of birth 01/02/1990 is after the received date",
            "date of birth is after the received date",
        ),
        ("NHS number 999 000 0018 is not issued", "NHS number is not issued"),
        ('"O\'Brien" is not valid', "not valid"),
        ("call 01632960001 back", "call back"),
        ("the person's date isn't right", "the person's date isn't right"),
    ],
)
def test_without_values(message: str, expected: str) -> None:
    row = {
        "name": "Alex Example",
        "date_of_birth": "01/02/1990",
        "nhs_number": "9990000018",
        "notes": "O'Brien",
    }
    assert without_values(message, row, team_words(CONFIG)) == expected
