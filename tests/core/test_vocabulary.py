"""The vocabulary: every status and kind has its words, the enums compare equal to
their stored text, and the models and views use the same enums."""

from __future__ import annotations

import enum
import json

import pytest

from duty_desk import models, views, vocabulary
from duty_desk.vocabulary import (
    AbsenceKind,
    BreakKind,
    CancelledBy,
    DischargeKind,
    FftAnswer,
    MeetingStatus,
    PlaceKind,
    ReferralStatus,
    Role,
)

TABLES: list[tuple[type[enum.Enum], object]] = [
    (Role, vocabulary.ROLE_LONG),
    (Role, vocabulary.ROLE_SHORT),
    (PlaceKind, vocabulary.PLACE_LONG),
    (PlaceKind, vocabulary.PLACE_SHORT),
    (PlaceKind, vocabulary.PLACE_WORDS),
    (MeetingStatus, vocabulary.MEETING_STATUS_LONG),
    (MeetingStatus, vocabulary.MEETING_STATUS_SHORT),
    (CancelledBy, vocabulary.CANCELLED_BY_LONG),
    (AbsenceKind, vocabulary.ABSENCE_KIND_LONG),
    (DischargeKind, vocabulary.DISCHARGE_KIND_LONG),
    (BreakKind, vocabulary.BREAK_SHORT),
    (FftAnswer, vocabulary.FFT_ANSWER_LONG),  # issue 14 (fft)
]


@pytest.mark.parametrize(("kind", "table"), TABLES)
def test_every_member_has_words(kind: type[enum.Enum], table: dict[str, str]) -> None:
    assert set(table) == set(kind)
    assert all(isinstance(words, str) and words for words in table.values())
    assert all(table[member.value] == table[member] for member in kind)  # looked up by text


def test_enums_are_their_stored_text() -> None:
    assert ReferralStatus.new == "new" and f"{MeetingStatus.did_not_attend}" == "did_not_attend"
    assert json.dumps({"status": ReferralStatus.accepted}) == '{"status": "accepted"}'
    assert vocabulary.words(vocabulary.MEETING_STATUS_SHORT, "did_not_attend") == "DNA"
    assert vocabulary.words(vocabulary.PLACE_LONG, "unknown") == "unknown"


def test_models_and_views_share_the_vocabulary() -> None:
    assert models.ReferralStatus is ReferralStatus and models.Role is Role
    assert views.BreakKind is BreakKind
    assert vocabulary.OPEN_STATUSES == models.OPEN_STATUSES


def test_the_fft_answers_keep_the_nhs_order_and_wording() -> None:  # issue 14 (fft)
    assert list(vocabulary.FFT_ANSWER_LONG.values()) == [
        "Very good",
        "Good",
        "Neither good nor poor",
        "Poor",
        "Very poor",
        "Don't know",
    ]
    assert list(vocabulary.FFT_ANSWER_LONG) == list(FftAnswer)
    assert [a for a in FftAnswer if a.is_positive] == [FftAnswer.very_good, FftAnswer.good]
