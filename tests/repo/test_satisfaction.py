"""The Friends and Family Test (issue 14, fft): recording an answer with its audit row,
refusals that write nothing, answers after discharge, a correction as a new version of
the same row (stale ones refused naming who), the record's history, privacy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pendulum
import pytest

from duty_desk import privacy, timeutil
from duty_desk.config import Config
from duty_desk.db import Database
from duty_desk.errors import Conflict, InputErrors, NotFound, NotPermitted
from duty_desk.repository import Repository
from duty_desk.vocabulary import FftAnswer
from tests.conftest import referral_input

RECEIVED = pendulum.datetime(2026, 10, 1, 9, 0, tz="Europe/London")
ACCEPTED = pendulum.datetime(2026, 10, 2, 10, 0, tz="Europe/London")
NOW = pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London")
D = dt.date
WHY = "They listened to all of us, not just me (test)"


@pytest.fixture
def client(repo: Repository) -> Iterator[int]:
    """A client referred on 1 October 2026, accepted the next day; tests run on 23 November."""
    with timeutil.frozen(ACCEPTED):
        client_id = repo.accept(repo.add_referral(referral_input(received_at="01/10/2026 09:00")))
    with timeutil.frozen(NOW):
        yield client_id


def test_record_and_read_answers_with_their_audit_rows(repo: Repository, client: int) -> None:
    first = repo.record_fft_answer(client, "good", WHY, D(2026, 10, 20), False)
    second = repo.record_fft_answer(client, "dont_know", "", D(2026, 11, 23), True)
    found = repo.fft_answers(client)
    assert [a.id for a in found] == [second, first], "newest first"
    older = repo.fft_answer(first)
    assert older.answer is FftAnswer.good and older.answer.is_positive
    assert (older.comment, older.answered_on, older.at_discharge) == (WHY, D(2026, 10, 20), False)
    assert older.recorded_by == "duty1" and older.recorded_at == NOW and not older.corrected
    assert found[0].comment is None, "an empty comment is none"
    assert found[0].at_discharge and found[0].answer is FftAnswer.dont_know
    entry = repo.history("satisfaction_answer", first)[-1]
    assert (entry.actor, entry.action) == ("duty1", "record FFT answer")
    assert entry.after == {
        "client_id": client,
        "answer": "good",
        "comment": WHY,
        "answered_on": "2026-10-20",
        "at_discharge": False,
    }
    assert "listened" not in repr(older), "the comment stays out of repr"


def test_the_answers_show_in_the_record_history(repo: Repository, client: int) -> None:
    answer = repo.record_fft_answer(client, "very_good", None, D(2026, 11, 1))
    history = repo.client_record(client).history
    assert [(e.entity, e.entity_id, e.action) for e in history][-1] == (
        "satisfaction_answer",
        answer,
        "record FFT answer",
    )


BAD = [
    # (what, answer, comment, answered_on, field, message)
    ("no answer", None, None, D(2026, 11, 1), "answer", "choose an answer"),
    ("empty answer", "", None, D(2026, 11, 1), "answer", "choose an answer"),
    ("unknown answer", "excellent", None, D(2026, 11, 1), "answer", "unknown answer 'excellent'"),
    ("the words not the value", "Very good", None, D(2026, 11, 1), "answer", "unknown answer"),
    ("comment too long", "good", "x" * 2001, D(2026, 11, 1), "comment", "at most 2000"),
    ("escape in comment", "good", "ok \x1b[31m", D(2026, 11, 1), "comment", "control characters"),
    ("no date", "good", None, None, "answered_on", "is required"),
    ("tomorrow", "good", None, D(2026, 11, 24), "answered_on", "is in the future"),
    (
        "before the referral",
        "good",
        None,
        D(2026, 9, 30),
        "answered_on",
        "before the referral was received (01/10/2026)",
    ),
    ("year 1", "good", None, D(1, 1, 1), "answered_on", "outside the dates"),
]


@pytest.mark.parametrize("case", BAD, ids=[case[0] for case in BAD])
def test_bad_answers_are_refused_and_nothing_is_written(
    repo: Repository, client: int, case: tuple[object, ...]
) -> None:
    _what, answer, comment, answered_on, field, message = case
    with pytest.raises(InputErrors) as caught:
        repo.record_fft_answer(client, answer, comment, answered_on)  # type: ignore[arg-type]
    assert field in caught.value.errors and message in caught.value.errors[field]
    assert repo.fft_answers(client) == []


def test_a_comment_of_2000_characters_on_several_lines_is_kept(
    repo: Repository, client: int
) -> None:
    text = ("line\r\n" + "y" * 1990)[:2000]
    answer = repo.record_fft_answer(client, "poor", text, D(2026, 10, 1))  # the day referred
    assert repo.fft_answer(answer).comment == text.replace("\r\n", "\n")


def test_a_discharged_client_may_still_answer_later(repo: Repository, client: int) -> None:
    repo.discharge(client, "primary_care", D(2026, 11, 1), "Back to the GP (test)")
    answer = repo.record_fft_answer(client, "very_good", None, D(2026, 11, 20))
    assert repo.fft_answer(answer).answered_on == D(2026, 11, 20)


def test_no_answer_for_a_missing_client_or_a_reversed_acceptance(
    repo: Repository, client: int
) -> None:
    with pytest.raises(NotFound):
        repo.record_fft_answer(999, "good", None, D(2026, 11, 1))
    referral_id = repo.client_record(client).episode.referral_id
    with timeutil.frozen(ACCEPTED.add(hours=1)):  # reversed within the hours allowed
        repo.reverse_decision(referral_id, "Accepted by mistake (test)")
    with pytest.raises(InputErrors) as caught:
        repo.record_fft_answer(client, "good", None, D(2026, 11, 1))
    assert "reversed" in caught.value.errors["answer"]
    assert repo.fft_answers(client) == []


def test_only_staff_record_answers(
    repo: Repository, config: Config, db: Database, client: int
) -> None:
    stranger = Repository(db, config, actor="nobody")
    with pytest.raises(NotPermitted):
        stranger.record_fft_answer(client, "good", None, D(2026, 11, 2))
    assert repo.fft_answers(client) == []


def test_a_correction_is_a_new_version_of_the_same_row(repo: Repository, client: int) -> None:
    answer = repo.record_fft_answer(client, "very_poor", None, D(2026, 11, 20), True)
    seen = repo.fft_answer(answer)
    repo.correct_fft_answer(
        answer, "very_good", "Keyed the wrong end (test)", D(2026, 11, 20), expected_version=1
    )
    after = repo.fft_answer(answer)
    assert [a.id for a in repo.fft_answers(client)] == [answer], "still one answer"
    assert after.answer is FftAnswer.very_good and after.version == seen.version + 1
    assert after.corrected and after.at_discharge, "asked at discharge stays"
    entry = repo.history("satisfaction_answer", answer)[-1]
    assert entry.action == "correct FFT answer"
    assert entry.before == {"answer": "very_poor", "comment": None}
    assert entry.after == {"answer": "very_good", "comment": "Keyed the wrong end (test)"}
    with pytest.raises(InputErrors) as caught:
        repo.correct_fft_answer(answer, "good", None, D(2026, 9, 1))
    assert "before the referral" in caught.value.errors["answered_on"]
    with pytest.raises(NotFound):
        repo.correct_fft_answer(999, "good", None, D(2026, 11, 1))


def test_a_stale_correction_is_refused_naming_who_changed_what(
    repo: Repository, config: Config, db: Database, client: int
) -> None:
    repo.add_staff("clin1", "Clinician One (test)", "clinician")
    answer = repo.record_fft_answer(client, "good", None, D(2026, 11, 20))
    seen = repo.fft_answer(answer)
    Repository(db, config, actor="clin1").correct_fft_answer(
        answer, "neither", None, D(2026, 11, 20)
    )
    with pytest.raises(Conflict) as caught:
        repo.correct_fft_answer(
            answer, "poor", None, D(2026, 11, 20), expected_version=seen.version
        )
    message = str(caught.value)
    assert "changed by clin1" in message and "Nothing was saved" in message
    assert repo.fft_answer(answer).answer is FftAnswer.neither


def test_privacy_mode_hides_the_comment_in_views_and_history(repo: Repository, client: int) -> None:
    answer = repo.record_fft_answer(client, "good", WHY, D(2026, 11, 20))
    masked = privacy.MaskedRepository(repo)
    assert masked.fft_answers(client)[0].comment == privacy.HIDDEN
    assert masked.fft_answers(client)[0].answer is FftAnswer.good, "the answer stays"
    entry = masked.history("satisfaction_answer", answer)[-1]
    assert entry.after["comment"] == privacy.HIDDEN and entry.after["answer"] == "good"
    shown = [e for e in masked.client_record(client).history if e.entity_id == answer]
    assert shown and all(WHY not in str(e.after) for e in shown)


@pytest.mark.slow
def test_answers_on_postgresql(pg: Database) -> None:
    """The same writes, refusals and correction on a real PostgreSQL server."""
    from tests.conftest import test_config

    lead = Repository(pg, test_config(), actor="duty1")
    lead.add_staff("duty1", "Duty One (test)", "team_lead", bootstrap=True)
    with timeutil.frozen(ACCEPTED):
        client_id = lead.accept(lead.add_referral(referral_input(received_at="01/10/2026 09:00")))
    with timeutil.frozen(NOW):
        answer = lead.record_fft_answer(client_id, "good", "x" * 2000, D(2026, 11, 1), True)
        with pytest.raises(InputErrors):
            lead.record_fft_answer(client_id, "great", None, D(2026, 11, 1))
        lead.correct_fft_answer(answer, "very_good", None, D(2026, 11, 1), expected_version=1)
        with pytest.raises(Conflict):
            lead.correct_fft_answer(answer, "poor", None, D(2026, 11, 1), expected_version=1)
        found = lead.fft_answers(client_id)
    assert [(a.answer, a.comment, a.at_discharge, a.version) for a in found] == [
        (FftAnswer.very_good, None, True, 2)
    ]
    assert [e.action for e in lead.history("satisfaction_answer", answer)] == [
        "record FFT answer",
        "correct FFT answer",
    ]
