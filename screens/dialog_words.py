"""DIALOG's words on screen: a score as people read it ("4.38", or why there is none), a
change with its sign, an answer with its words, an item's short name."""

from __future__ import annotations

from fractions import Fraction

from duty_desk.dialog_scale import RATING_WORDS, Item

TOO_FEW = "too few rated"


def score(value: Fraction | None, places: int = 2) -> str:
    """A mean to two places ("4.38"); none: too few of its items were rated."""
    return TOO_FEW if value is None else f"{float(value):.{places}f}"


def change(value: Fraction | None) -> str:
    """A change in a score, signed in words as well as sign: "+0.75 (up)"."""
    if value is None:
        return "-"
    if value == 0:
        return "0.00 (same)"
    return f"{float(value):+.2f} ({'up' if value > 0 else 'down'})"


def answer(value: int | None) -> str:
    """ "3 fairly dissatisfied", or "not rated"."""
    return "not rated" if value is None else f"{value} {RATING_WORDS[value]}"


def short_name(item: Item) -> str:
    """The item's label, else its subject without "your"/"the" ("Practical help you receive")."""
    if item.label:
        return item.label
    words = item.subject.split(" ", 1)
    rest = words[1] if len(words) > 1 and words[0].lower() in ("your", "the") else item.subject
    return rest[:1].upper() + rest[1:]
