"""NHS numbers: 10 digits, Modulus 11 check digit (numbers here are from the 999 test range
or the NHS Data Dictionary's worked example)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duty_desk.nhs import (
    format_nhs_number,
    nhs_check_digit,
    nhs_number_problem,
    normalise_nhs_number,
)


def reference_valid(digits: str) -> bool:
    """The Modulus 11 rule written out independently of the code under test."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digits[i]) * (10 - i) for i in range(9))
    remainder = total % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


@pytest.mark.parametrize(
    "text",
    [
        "9434765919",
        "9990000018",
        "999 000 0018",
        "999-000-0018",
        " 943 476 5919 ",
        "943\t476\t5919",
    ],
)
def test_valid_numbers(text: str) -> None:
    assert nhs_number_problem(text) is None


def test_check_digit_of_the_worked_example() -> None:
    # 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2 = 299; 299 % 11 = 2; 11 - 2 = 9
    assert nhs_check_digit("943476591") == 9


def test_remainder_zero_gives_check_digit_zero() -> None:
    # the first number in the test range whose weighted sum divides by 11
    first_nine = next(
        f"999{n:06d}"
        for n in range(10**6)
        if sum(int(d) * w for d, w in zip(f"999{n:06d}", range(10, 1, -1), strict=True)) % 11 == 0
    )
    assert nhs_check_digit(first_nine) == 0
    assert nhs_number_problem(first_nine + "0") is None


def test_check_digit_ten_means_no_valid_number() -> None:
    first_nine = next(
        f"999{n:06d}"
        for n in range(10**6)
        if sum(int(d) * w for d, w in zip(f"999{n:06d}", range(10, 1, -1), strict=True)) % 11 == 1
    )
    assert nhs_check_digit(first_nine) is None
    for last in "0123456789":
        assert nhs_number_problem(first_nine + last) is not None


@pytest.mark.parametrize("text", ["9434765918", "9434765910", "9990000017", "9990000019"])
def test_wrong_check_digit(text: str) -> None:
    assert nhs_number_problem(text) == (
        "not a valid NHS number (the check digit does not match; check for a typo)"
    )


def test_swapped_digits_are_caught() -> None:
    assert nhs_number_problem("9434765919") is None
    assert nhs_number_problem("4934765919") is not None


@pytest.mark.parametrize(
    ("text", "count"), [("943476591", 9), ("94347659190", 11), ("999 000 001", 9)]
)
def test_wrong_length_says_how_many(text: str, count: int) -> None:
    assert nhs_number_problem(text) == f"an NHS number has 10 digits, this has {count}"


@pytest.mark.parametrize(
    "text", ["943476591X", "NHS9434765", "943.476.5919", "", "９４３４７６５９１９"]
)
def test_non_digits_are_refused(text: str) -> None:
    assert nhs_number_problem(text) == "an NHS number has digits only"


def test_normalise_and_format() -> None:
    assert normalise_nhs_number("943 476-5919") == "9434765919"
    assert format_nhs_number("9434765919") == "943 476 5919"
    assert format_nhs_number(None) == ""
    assert format_nhs_number("") == ""


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_agrees_with_the_reference_rule_for_any_ten_digits(digits: str) -> None:
    """Modulus 11, less the numbers never issued (one digit repeated: all zeros and the like)."""
    issued = len(set(digits)) > 1
    assert (nhs_number_problem(digits) is None) is (reference_valid(digits) and issued)


@pytest.mark.parametrize("digit", "0123456789")
def test_one_digit_repeated_is_never_issued(digit: str) -> None:
    """``000 000 0000`` passes Modulus 11 (so do some others of one digit) but is no one's."""
    assert nhs_number_problem(digit * 10) == (
        "not a real NHS number (one digit repeated is never issued; check the number)"
    )
    assert nhs_number_problem(f"{digit * 3} {digit * 3} {digit * 4}") is not None


@given(st.text(max_size=20))
def test_any_text_gives_none_or_a_sentence(text: str) -> None:
    problem = nhs_number_problem(text)
    assert problem is None or isinstance(problem, str)
    if problem is None:
        assert reference_valid(normalise_nhs_number(text))
