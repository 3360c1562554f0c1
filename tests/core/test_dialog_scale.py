"""The DIALOG scale: answers, scores against worked examples, and the mean as a property."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duty_desk.config import ConfigError, parse_config
from duty_desk.dialog_scale import (
    RATING_WORDS,
    STANDARD_ITEMS,
    ItemKind,
    RatingError,
    change,
    check_rating,
    parse_rating,
    scores,
    suggested_items,
)

LIFE = [item.key for item in STANDARD_ITEMS if item.kind is ItemKind.life]
TREATMENT = [item.key for item in STANDARD_ITEMS if item.kind is ItemKind.treatment]


def test_the_standard_set_is_eight_life_domains_then_three_treatment_aspects() -> None:
    assert len(LIFE) == 8 and len(TREATMENT) == 3
    assert [item.kind for item in STANDARD_ITEMS] == [ItemKind.life] * 8 + [ItemKind.treatment] * 3
    assert STANDARD_ITEMS[0].question == "How satisfied are you with your mental health?"
    assert RATING_WORDS[1] == "totally dissatisfied" and RATING_WORDS[4] == "in the middle"
    assert RATING_WORDS[7] == "totally satisfied" and sorted(RATING_WORDS) == list(range(1, 8))


def test_worked_example_all_rated() -> None:
    # life 3 4 2 5 4 6 5 4 -> 33/8 = 4.125; treatment 5 6 4 -> 15/3 = 5
    ratings = dict(zip(LIFE + TREATMENT, [3, 4, 2, 5, 4, 6, 5, 4, 5, 6, 4], strict=True))
    result = scores(ratings, min_life_rated=6, min_treatment_rated=2)
    assert result.quality_of_life == Fraction(33, 8)
    assert result.treatment == Fraction(5)
    assert (result.life_rated, result.treatment_rated) == (8, 3)


def test_worked_example_some_unrated_are_left_out_of_the_mean_not_counted_as_zero() -> None:
    # job and leisure unrated: life 3 4 . 5 . 6 5 4 -> 27/6 = 4.5; medication unrated:
    # treatment . 6 4 -> 10/2 = 5
    values = [3, 4, None, 5, None, 6, 5, 4, None, 6, 4]
    result = scores(
        dict(zip(LIFE + TREATMENT, values, strict=True)), min_life_rated=6, min_treatment_rated=2
    )
    assert result.quality_of_life == Fraction(9, 2)
    assert result.treatment == Fraction(5)
    assert (result.life_rated, result.treatment_rated) == (6, 2)


def test_too_few_rated_gives_no_score() -> None:
    values = [3, None, None, 5, None, 6, 5, 4, None, None, 4]  # 5 life, 1 treatment rated
    result = scores(
        dict(zip(LIFE + TREATMENT, values, strict=True)), min_life_rated=6, min_treatment_rated=2
    )
    assert result.quality_of_life is None and result.treatment is None
    assert (result.life_rated, result.treatment_rated) == (5, 1)
    lenient = scores(
        dict(zip(LIFE + TREATMENT, values, strict=True)), min_life_rated=5, min_treatment_rated=1
    )
    assert lenient.quality_of_life == Fraction(23, 5) and lenient.treatment == Fraction(4)


def test_nothing_rated_gives_no_score_even_with_a_minimum_of_zero_or_one() -> None:
    result = scores({}, min_life_rated=1, min_treatment_rated=1)
    assert result.quality_of_life is None and result.treatment is None


@pytest.mark.parametrize("bad", [0, 8, -1, 4.5, "4", True, "x"])
def test_a_rating_outside_one_to_seven_is_refused_in_words(bad: object) -> None:
    with pytest.raises(RatingError, match="1"):
        check_rating(bad)
    with pytest.raises(RatingError):
        scores({"mental_health": bad}, min_life_rated=1, min_treatment_rated=1)  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("text", "expected"), [("1", 1), (" 7 ", 7), ("", None), ("-", None), ("4", 4)]
)
def test_typed_ratings(text: str, expected: int | None) -> None:
    assert parse_rating(text) == expected


@pytest.mark.parametrize("text", ["0", "8", "a", "4.5", "٣", "44", "+4"])
def test_typed_ratings_that_are_not_ratings_are_refused(text: str) -> None:
    with pytest.raises(RatingError):
        parse_rating(text)


def test_a_key_that_is_not_an_item_is_refused() -> None:
    with pytest.raises(RatingError, match="housing"):
        scores({"housing": 4}, min_life_rated=1, min_treatment_rated=1)


def test_change_needs_both_scores() -> None:
    assert change(Fraction(3), Fraction(9, 2)) == Fraction(3, 2)
    assert change(None, Fraction(4)) is None and change(Fraction(4), None) is None


def test_suggestions_put_help_wanted_first_then_the_lowest_rated() -> None:
    ratings = {"mental_health": 2, "job": 1, "leisure": 5, "friendships": 2, "medication": 6}
    help_wanted = {"leisure": True}
    assert suggested_items(ratings, help_wanted) == ("leisure", "job", "mental_health")


ratings_strategy = st.lists(st.one_of(st.none(), st.integers(1, 7)), min_size=11, max_size=11)


@given(values=ratings_strategy, min_life=st.integers(1, 8), min_treatment=st.integers(1, 3))
def test_scores_are_the_mean_of_the_rated_items(
    values: list[int | None], min_life: int, min_treatment: int
) -> None:
    result = scores(
        dict(zip(LIFE + TREATMENT, values, strict=True)),
        min_life_rated=min_life,
        min_treatment_rated=min_treatment,
    )
    life = [v for v in values[:8] if v is not None]
    treatment = [v for v in values[8:] if v is not None]
    if len(life) >= min_life:
        assert result.quality_of_life == Fraction(sum(life), len(life))
        assert 1 <= result.quality_of_life <= 7
    else:
        assert result.quality_of_life is None
    if len(treatment) >= min_treatment:
        assert result.treatment == Fraction(sum(treatment), len(treatment))
    else:
        assert result.treatment is None


def test_the_settings_carry_the_items_in_their_order() -> None:
    config = parse_config(
        "[dialog]\nmin_life_rated = 1\nmin_treatment_rated = 1\n"
        '[[dialog.items]]\nkey = "friendships"\nsubject = "your friends"\nkind = "life"\n'
        '[[dialog.items]]\nkey = "medication"\nsubject = "your medicines"\nkind = "treatment"\n'
    )
    scale = config.dialog.scale()
    assert [(i.key, i.kind) for i in scale] == [
        ("friendships", ItemKind.life),
        ("medication", ItemKind.treatment),
    ]
    assert scale[0].question == "How satisfied are you with your friends?"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            '[[dialog.items]]\nkey = "a"\nsubject = "x"\nkind = "life"\n'
            '[[dialog.items]]\nkey = "a"\nsubject = "y"\nkind = "treatment"\n',
            "repeated: a",
        ),
        ("[dialog]\nmin_life_rated = 9\n", "only 8 life items"),
        ('[[dialog.items]]\nkey = "a"\nsubject = "x"\nkind = "mood"\n', "kind"),
    ],
)
def test_settings_that_cannot_make_a_scale_are_refused(text: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        parse_config(text)
