"""Continuity figures against worked examples computed by hand (duty_desk.continuity)."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duty_desk import continuity
from duty_desk.continuity import coc, figures, secon, share_with, upc

A, B, C, D = 1, 2, 3, 4


def visits(*staff: int) -> list[frozenset[int]]:
    """One-staff meetings, in order."""
    return [frozenset({s}) for s in staff]


def test_classic_example_aaaabbbc() -> None:
    meetings = visits(A, A, A, A, B, B, B, C)
    # COC = (4^2 + 3^2 + 1^2 - 8) / (8 * 7) = 18/56
    assert coc(meetings) == Fraction(18, 56)
    # UPC = 4/8; SECON: AA AA AA BB BB share, AB and BC do not: 5/7
    assert upc(meetings) == Fraction(1, 2)
    assert secon(meetings) == Fraction(5, 7)
    assert share_with(meetings, {A, B}) == Fraction(7, 8)
    assert share_with(meetings, {C}) == Fraction(1, 8)


def test_everyone_different_and_everyone_the_same() -> None:
    assert coc(visits(A, B, C, D)) == 0
    assert upc(visits(A, B, C, D)) == Fraction(1, 4)
    assert secon(visits(A, B, C, D)) == 0
    assert coc(visits(A, A, A)) == 1
    assert upc(visits(A, A, A)) == 1
    assert secon(visits(A, A, A)) == 1


def test_a_pair_who_always_come_together() -> None:
    """Each attending person is a staff-visit: a constant pair scores about 0.5 on COC."""
    meetings = [frozenset({A, B})] * 4
    # N = 8 visits, n_A = n_B = 4: (16 + 16 - 8) / (8 * 7) = 24/56 = 3/7
    assert coc(meetings) == Fraction(3, 7)
    assert upc(meetings) == 1  # each of them was at every meeting
    assert secon(meetings) == 1
    assert share_with(meetings, {A}) == 1
    # With many meetings the pair tends to one half: (M - 1) / (2M - 1).
    assert coc([frozenset({A, B})] * 100) == Fraction(99, 199)


def test_mixed_sizes() -> None:
    meetings = [frozenset({A, B}), frozenset({A}), frozenset({B, C})]
    # visits: A 2, B 2, C 1 -> N = 5: (4 + 4 + 1 - 5) / (5 * 4) = 4/20
    assert coc(meetings) == Fraction(4, 20)
    assert upc(meetings) == Fraction(2, 3)
    # {A,B}-{A} share A; {A}-{B,C} share nobody
    assert secon(meetings) == Fraction(1, 2)


def test_a_meeting_with_nobody_recorded() -> None:
    meetings = [frozenset({A}), frozenset(), frozenset({A})]
    result = figures(meetings, core_team={A, B}, key_worker=A)
    assert result.meetings == 3
    assert result.with_core == Fraction(2, 3)  # the empty meeting had no core member
    assert result.with_key_worker == Fraction(2, 3)
    assert result.upc == Fraction(2, 3)
    assert result.coc == 1  # N = 2 visits, both by A: (4 - 2) / (2 * 1)
    assert result.secon == 0  # the empty meeting breaks both pairs


def test_fewer_than_two_meetings_gives_no_numbers() -> None:
    for meetings in ([], visits(A)):
        result = figures(meetings, core_team={A}, key_worker=A)
        assert result.meetings == len(meetings)
        assert (result.with_core, result.with_key_worker, result.upc, result.coc, result.secon) == (
            None,
            None,
            None,
            None,
            None,
        )
        view = result.as_view()
        assert not view.enough
        assert continuity.describe(view.coc) == "-"


def test_coc_needs_two_staff_visits() -> None:
    meetings = [frozenset({A}), frozenset()]
    assert coc(meetings) is None
    assert upc(meetings) == Fraction(1, 2)
    assert coc([frozenset(), frozenset()]) is None
    assert upc([frozenset(), frozenset()]) == 0


def test_key_worker_and_core_team_shares() -> None:
    meetings = visits(A, B, C, C)
    result = figures(meetings, core_team={A, B}, key_worker=B)
    assert result.with_core == Fraction(2, 4)
    assert result.with_key_worker == Fraction(1, 4)
    nobody = figures(meetings, core_team=(), key_worker=None)
    assert nobody.with_core == 0 and nobody.with_key_worker == 0


def test_as_view_gives_floats() -> None:
    view = figures(visits(A, A, A, A, B, B, B, C), {A}, A).as_view()
    assert view.meetings == 8 and view.enough
    assert view.coc == pytest.approx(18 / 56)
    assert view.upc == 0.5 and view.with_core == 0.5
    assert continuity.describe(view.coc) == "0.32"


def classic_coc(sequence: list[int]) -> Fraction:
    counts = Counter(sequence)
    n = len(sequence)
    return Fraction(sum(c * c for c in counts.values()) - n, n * (n - 1))


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=40))
def test_one_staff_meetings_match_the_classic_indices(sequence: list[int]) -> None:
    meetings = visits(*sequence)
    assert coc(meetings) == classic_coc(sequence)
    assert upc(meetings) == Fraction(max(Counter(sequence).values()), len(sequence))
    pairs = sum(1 for x, y in zip(sequence, sequence[1:], strict=False) if x == y)
    assert secon(meetings) == Fraction(pairs, len(sequence) - 1)


@given(st.lists(st.frozensets(st.integers(min_value=1, max_value=4), max_size=3), max_size=30))
def test_every_figure_is_a_share(meetings: list[frozenset[int]]) -> None:
    result = figures(meetings, core_team={1, 2}, key_worker=1)
    for value in (result.with_core, result.with_key_worker, result.upc, result.coc, result.secon):
        assert value is None or 0 <= value <= 1
    if len(meetings) < 2:
        assert result.upc is None and result.with_core is None
