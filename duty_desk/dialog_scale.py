"""The DIALOG scale: its items, the 1-7 answers and their words, and the two scores.

DIALOG asks the person "How satisfied are you with ...?" about 8 life domains and 3
treatment aspects, each rated 1 (totally dissatisfied) to 7 (totally satisfied), with
"do you want more help with this?" beside each. An item may be left unrated: it is then
``None``, never a number.

The scores are exact (:class:`fractions.Fraction`): subjective quality of life is the mean
of the rated life-domain items, treatment satisfaction the mean of the rated treatment
items, each given only when at least the settings' minimum of its items is rated
(``[dialog] min_life_rated`` / ``min_treatment_rated``; ``None`` otherwise). Rounding is
for the edge (a screen shows ``4.38``), never here.

Pure functions and plain data: no database, no Textual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from fractions import Fraction

from msgspec import Struct

LOWEST = 1
HIGHEST = 7

# The words of each answer, shown beside the number.
RATING_WORDS: Mapping[int, str] = {
    1: "totally dissatisfied",
    2: "very dissatisfied",
    3: "fairly dissatisfied",
    4: "in the middle",
    5: "fairly satisfied",
    6: "very satisfied",
    7: "totally satisfied",
}


class ItemKind(StrEnum):
    life = "life"  # a life domain: counts towards subjective quality of life
    treatment = "treatment"  # a treatment aspect: counts towards treatment satisfaction


class Item(Struct, frozen=True):
    """One DIALOG item: a stable key (stored with each rating), its words, its kind."""

    key: str
    subject: str  # "your mental health": asked as "How satisfied are you with <subject>?"
    kind: ItemKind
    label: str = ""  # a short name for tables ("Partner/family"); empty: from the subject

    @property
    def question(self) -> str:
        return f"How satisfied are you with {self.subject}?"


# The standard set, in the order of the published scale (Priebe et al.): versions differ
# on the order of items 6 and 7 (partner/family, friendships); a team sets its own order and words in [dialog] items.
STANDARD_ITEMS: tuple[Item, ...] = (
    Item("mental_health", "your mental health", ItemKind.life, "Mental health"),
    Item("physical_health", "your physical health", ItemKind.life, "Physical health"),
    Item("job", "your job situation", ItemKind.life, "Job situation"),
    Item("accommodation", "your accommodation", ItemKind.life, "Accommodation"),
    Item("leisure", "your leisure activities", ItemKind.life, "Leisure activities"),
    Item(
        "partner_family",
        "your relationship with your partner or family",
        ItemKind.life,
        "Partner/family",
    ),
    Item("friendships", "your friendships", ItemKind.life, "Friendships"),
    Item("personal_safety", "your personal safety", ItemKind.life, "Personal safety"),
    Item("medication", "your medication", ItemKind.treatment, "Medication"),
    Item("practical_help", "the practical help you receive", ItemKind.treatment, "Practical help"),
    Item(
        "meetings",
        "your meetings with mental-health professionals",
        ItemKind.treatment,
        "Meetings with staff",
    ),
)


class RatingError(ValueError):
    """A rating that is not a whole number from 1 to 7 (the message says so in words)."""


def check_rating(value: object) -> int | None:
    """``value`` as a rating: ``None`` (unrated) or a whole number 1-7; anything else is
    refused with one sentence (``0``, ``8``, ``"x"``, ``4.5``, ``True``)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise RatingError(
            f"A rating is a whole number from {LOWEST} to {HIGHEST}, or left unrated "
            f"(got {value!r})."
        )
    if not LOWEST <= value <= HIGHEST:
        raise RatingError(
            f"A rating is from {LOWEST} ({RATING_WORDS[LOWEST]}) to {HIGHEST} "
            f"({RATING_WORDS[HIGHEST]}), not {value}."
        )
    return value


def parse_rating(text: str) -> int | None:
    """A typed rating: empty or "-" is unrated; a digit 1-7 is that rating; anything else
    raises :class:`RatingError`."""
    stripped = text.strip()
    if stripped in ("", "-"):
        return None
    if not stripped.isdecimal() or not stripped.isascii():
        raise RatingError(
            f"A rating is a whole number from {LOWEST} to {HIGHEST}, or left unrated "
            f"(got {stripped!r})."
        )
    return check_rating(int(stripped))


class Scores(Struct, frozen=True):
    """The two DIALOG scores of one rating (``None``: too few of its items rated)."""

    quality_of_life: Fraction | None
    treatment: Fraction | None
    life_rated: int  # how many life-domain items were rated
    treatment_rated: int


def mean_of_rated(values: Sequence[int | None], minimum: int) -> Fraction | None:
    """The exact mean of the rated values, or ``None`` when fewer than ``minimum`` (at
    least one) are rated."""
    rated = [check_rating(value) for value in values if value is not None]
    if len(rated) < max(minimum, 1):
        return None
    return Fraction(sum(v for v in rated if v is not None), len(rated))


def scores(
    ratings: Mapping[str, int | None],
    items: Sequence[Item] = STANDARD_ITEMS,
    *,
    min_life_rated: int,
    min_treatment_rated: int,
) -> Scores:
    """Both scores of one set of ratings (item key -> rating or ``None``); an item missing
    from ``ratings`` counts as unrated, a key that is not an item is refused."""
    known = {item.key for item in items}
    stray = sorted(set(ratings) - known)
    if stray:
        raise RatingError(f"Not a DIALOG item in the settings: {', '.join(stray)}.")
    life = [ratings.get(item.key) for item in items if item.kind is ItemKind.life]
    treatment = [ratings.get(item.key) for item in items if item.kind is ItemKind.treatment]
    return Scores(
        quality_of_life=mean_of_rated(life, min_life_rated),
        treatment=mean_of_rated(treatment, min_treatment_rated),
        life_rated=sum(value is not None for value in life),
        treatment_rated=sum(value is not None for value in treatment),
    )


def change(before: Fraction | None, after: Fraction | None) -> Fraction | None:
    """``after - before`` when both are known (a score shown from too few items is not)."""
    if before is None or after is None:
        return None
    return after - before


def suggested_items(
    ratings: Mapping[str, int | None],
    help_wanted: Mapping[str, bool],
    items: Sequence[Item] = STANDARD_ITEMS,
    limit: int = 3,
) -> tuple[str, ...]:
    """Items to suggest talking about (DIALOG+): those with help wanted first, then the
    lowest rated; ties in the settings' order. The person decides; this only suggests."""
    order = {item.key: index for index, item in enumerate(items)}

    def rank(key: str) -> tuple[int, int, int]:
        rating = ratings.get(key)
        return (0 if help_wanted.get(key) else 1, rating if rating is not None else 99, order[key])

    candidates = [item.key for item in items if help_wanted.get(item.key) or ratings.get(item.key)]
    return tuple(sorted(candidates, key=rank)[:limit])
