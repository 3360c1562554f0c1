"""NHS number checks: 10 digits with a Modulus 11 check digit, and never one that is not issued.

Some numbers pass Modulus 11 but are never given to a person: all zeros
(``000 000 0000``) is not issued, and a number of one repeated digit (``111 111 1111``
has a valid check digit too) is a placeholder typed to get past a required field, not
a person's number. Both are refused like a typo.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s-]")


def normalise_nhs_number(text: str) -> str:
    """Drop the spaces and hyphens people type (``943 476 5919`` -> ``9434765919``)."""
    return _SEPARATORS.sub("", text)


def nhs_check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit for nine digits, or None when no valid number can end them."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_number_problem(text: str) -> str | None:
    """None when ``text`` is a valid NHS number, else a plain sentence saying what is wrong."""
    digits = normalise_nhs_number(text)
    if not digits.isascii() or not digits.isdigit():
        return "an NHS number has digits only"
    if len(digits) != 10:
        return f"an NHS number has 10 digits, this has {len(digits)}"
    if len(set(digits)) == 1:
        return "not a real NHS number (one digit repeated is never issued; check the number)"
    expected = nhs_check_digit(digits[:9])
    if expected is None or expected != int(digits[9]):
        return "not a valid NHS number (the check digit does not match; check for a typo)"
    return None


def format_nhs_number(digits: str | None) -> str:
    """``943 476 5919``: the 3-3-4 grouping used on NHS letters."""
    if not digits:
        return ""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
