"""DIALOG and DIALOG+ in the repository: ratings with unrated items, scores as read,
correcting a rating (versioned, audited), choosing up to three items, the steps, actions
with exactly one owner and a due date from today, reviews carrying open ones forward, the
board's latest scores, and bad input refused with nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from fractions import Fraction

import pendulum
import pytest

from duty_desk import timeutil
from duty_desk.errors import Conflict, InputErrors, NotPermitted
from duty_desk.repository import Repository
from duty_desk.vocabulary import ActionOwner, ActionStatus
from tests.dialog_answers import answers

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def client(repo: Repository, make_referral: Callable[..., int]) -> int:
    return repo.accept(make_referral())


def audit_actions(repo: Repository, entity: str, entity_id: int) -> list[str]:
    return [e.action for e in repo.history(entity, entity_id)]


def test_a_rating_is_saved_with_unrated_items_kept_as_none(
    repo: Repository, client: int, frozen_now: pendulum.DateTime
) -> None:
    values = [3, 4, None, 5, None, 6, 5, 4, None, 6, 4]
    rating_id = repo.save_dialog_rating(client, answers(values, help_on=("job",)))
    data = repo.dialog(client)
    [rating] = data.ratings
    assert rating.id == rating_id and rating.rated_on == MONDAY
    assert [a.score for a in rating.answers] == values
    assert [a.item_key for a in rating.answers if a.help_wanted] == ["job"]
    assert rating.quality_of_life == Fraction(27, 6)
    assert rating.treatment == Fraction(5)
    assert audit_actions(repo, "dialog_rating", rating_id) == ["rate DIALOG"]


def test_an_item_not_given_is_recorded_as_unrated(repo: Repository, client: int) -> None:
    with timeutil.frozen(pendulum.datetime(2026, 11, 24, 10, tz="UTC")):
        repo.save_dialog_rating(client, {"mental_health": (2, True)})
    [rating] = repo.dialog(client).ratings
    assert len(rating.answers) == 11
    assert rating.answer("mental_health") is not None
    assert [a.score for a in rating.answers[1:]] == [None] * 10
    assert rating.quality_of_life is None  # 1 of 8 rated: too few (6 needed)


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"mental_health": (0, False)}, "mental_health"),
        ({"mental_health": (8, False)}, "mental_health"),
        ({"job": ("x", False)}, "job"),
        ({"housing": (3, False)}, "housing"),
    ],
)
def test_bad_ratings_are_refused_by_item_and_nothing_is_written(
    repo: Repository, client: int, frozen_now: pendulum.DateTime, bad: dict, field: str
) -> None:
    with pytest.raises(InputErrors) as caught:
        repo.save_dialog_rating(client, bad)
    assert field in caught.value.errors
    assert repo.dialog(client).ratings == ()


@pytest.mark.parametrize(
    ("day", "words"),
    [(dt.date(2026, 11, 24), "future"), (dt.date(2026, 11, 1), "before the episode began")],
)
def test_a_rating_date_outside_the_episode_is_refused(
    repo: Repository, client: int, frozen_now: pendulum.DateTime, day: dt.date, words: str
) -> None:
    with pytest.raises(InputErrors, match=words):
        repo.save_dialog_rating(client, answers([4] * 11), rated_on=day)
    assert repo.dialog(client).ratings == ()


def test_a_rating_at_a_meeting_takes_its_date_and_must_be_the_clients(
    repo: Repository, client: int, make_referral: Callable[..., int]
) -> None:
    with timeutil.frozen(pendulum.datetime(2026, 11, 23, 9, tz="UTC")):
        duty = repo.acting_staff()
        assert duty is not None
        booked = repo.book(
            client, pendulum.datetime(2026, 11, 23, 14, tz="UTC"), 60, [duty.id], "base", ""
        )
    with timeutil.frozen(pendulum.datetime(2026, 11, 25, 9, tz="UTC")):
        other = repo.accept(make_referral(name="Other Person (test)", nhs_number=""))
        rating_id = repo.save_dialog_rating(client, answers([4] * 11), meeting_id=booked)
        with pytest.raises(InputErrors, match="not one of this client's"):
            repo.save_dialog_rating(other, answers([4] * 11), meeting_id=booked)
    [rating] = repo.dialog(client).ratings
    assert rating.id == rating_id and rating.rated_on == MONDAY
    assert rating.meeting_id == booked
    assert repo.dialog(other).ratings == ()


def test_someone_not_on_the_staff_list_cannot_rate(
    repo_as: Callable[[str], Repository], client: int, frozen_now: pendulum.DateTime
) -> None:
    with pytest.raises(NotPermitted):
        repo_as("visitor").save_dialog_rating(client, answers([4] * 11))


def test_correcting_a_rating_is_versioned_and_audited_item_by_item(
    repo: Repository,
    repo_as: Callable[[str], Repository],
    client: int,
    frozen_now: pendulum.DateTime,
) -> None:
    repo.add_staff("clin2", "Clinician Two (test)", "clinician")
    rating_id = repo.save_dialog_rating(client, answers([4] * 11))
    [rating] = repo.dialog(client).ratings
    repo.correct_dialog_rating(rating_id, {"job": (2, True)}, expected_version=rating.version)
    with pytest.raises(Conflict, match="duty1"):
        repo_as("clin2").correct_dialog_rating(
            rating_id, {"job": (6, False)}, expected_version=rating.version
        )
    [after] = repo.dialog(client).ratings
    job = after.answer("job")
    assert job is not None and (job.score, job.help_wanted) == (2, True)
    assert after.version > rating.version
    [entry] = [
        e for e in repo.history("dialog_rating", rating_id) if e.action.startswith("correct")
    ]
    assert entry.before == {"job": 4, "job_help": False}
    assert entry.after == {"job": 2, "job_help": True}


def test_up_to_three_items_are_chosen_and_a_fourth_is_refused(
    repo: Repository, client: int, frozen_now: pendulum.DateTime
) -> None:
    rating_id = repo.save_dialog_rating(client, answers([4] * 11))
    first = repo.choose_dialog_items(rating_id, ["job", "friendships"])
    assert len(first) == 2
    with pytest.raises(InputErrors, match="up to 3"):
        repo.choose_dialog_items(rating_id, ["leisure", "medication"])
    three = repo.choose_dialog_items(rating_id, ["leisure", "job"])  # job already chosen
    assert three[:2] == first and len(three) == 3
    topics = repo.dialog(client).topics_of(rating_id)
    assert [(t.item_key, t.position) for t in topics] == [
        ("job", 1),
        ("friendships", 2),
        ("leisure", 3),
    ]


def test_steps_are_saved_literally_and_a_stale_save_is_refused(
    repo: Repository,
    repo_as: Callable[[str], Repository],
    client: int,
    frozen_now: pendulum.DateTime,
) -> None:
    repo.add_staff("clin2", "Clinician Two (test)", "clinician")
    rating_id = repo.save_dialog_rating(client, answers([4] * 11))
    [topic_id] = repo.choose_dialog_items(rating_id, ["job"])
    repo.save_dialog_steps(
        topic_id,
        understanding="Works: [bold]mornings[/bold]\nDoesn't: evenings",
        looking_forward="A part-time job",
        options="Ask the job centre",
        expected_version=1,
    )
    with pytest.raises(Conflict, match="duty1"):
        repo_as("clin2").save_dialog_steps(
            topic_id, understanding="x", looking_forward="", options="", expected_version=1
        )
    [topic] = repo.dialog(client).topics
    assert topic.understanding == "Works: [bold]mornings[/bold]\nDoesn't: evenings"
    with pytest.raises(InputErrors) as caught:
        repo.save_dialog_steps(
            topic_id,
            understanding="a\x1b[31mb",
            looking_forward="x" * 1001,
            options="",
            expected_version=topic.version,
        )
    assert set(caught.value.errors) <= {"understanding", "looking_forward"}


@pytest.fixture
def topic(repo: Repository, client: int, frozen_now: pendulum.DateTime) -> int:
    rating_id = repo.save_dialog_rating(client, answers([4] * 11))
    [topic_id] = repo.choose_dialog_items(rating_id, ["job"])
    return topic_id


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"what": "", "owner": "person", "due_on": MONDAY}, "what"),
        ({"what": "Call the job centre", "owner": None, "due_on": MONDAY}, "owner"),
        ({"what": "Call the job centre", "owner": "staff", "due_on": MONDAY}, "owner"),
        ({"what": "Call", "owner": "person", "due_on": MONDAY - dt.timedelta(days=1)}, "due_on"),
        ({"what": "Call", "owner": "person", "due_on": None}, "due_on"),
    ],
)
def test_an_action_needs_what_one_owner_and_a_date_from_today(
    repo: Repository, client: int, topic: int, kwargs: dict, field: str
) -> None:
    with pytest.raises(InputErrors) as caught:
        repo.add_dialog_action(topic, kwargs.pop("what"), **kwargs)
    assert field in caught.value.errors
    assert repo.dialog(client).actions == ()


def test_a_network_owner_must_be_in_this_persons_network(
    repo: Repository, client: int, topic: int, make_referral: Callable[..., int]
) -> None:
    stranger = repo.add_network_member(
        make_referral(name="Someone Else (test)", nhs_number=""), "Their Friend (test)", "friend"
    )
    with pytest.raises(InputErrors, match="not in this person's network"):
        repo.add_dialog_action(
            topic, "Come to the next meeting", owner="network", owner_id=stranger, due_on=MONDAY
        )
    assert repo.dialog(client).actions == ()


def test_reviews_close_done_and_dropped_and_carry_the_rest_forward(
    repo: Repository, client: int, topic: int
) -> None:
    duty = repo.acting_staff()
    assert duty is not None
    ids = [
        repo.add_dialog_action(topic, f"Action {n} (test)", owner="person", due_on=MONDAY)
        for n in range(4)
    ]
    staffed = repo.add_dialog_action(
        topic, "Ring the housing office", owner=ActionOwner.staff, owner_id=duty.id, due_on=MONDAY
    )
    with pytest.raises(InputErrors, match="why it was dropped"):
        repo.review_dialog_action(ids[3], "dropped", "", expected_version=1)
    repo.review_dialog_action(ids[0], ActionStatus.done, "Went well", expected_version=1)
    repo.review_dialog_action(ids[1], ActionStatus.partly, "Half", expected_version=1)
    repo.review_dialog_action(ids[2], ActionStatus.not_done, "", expected_version=1)
    repo.review_dialog_action(ids[3], ActionStatus.dropped, "No longer wanted", expected_version=1)
    with pytest.raises(InputErrors, match="already done"):
        repo.review_dialog_action(ids[0], ActionStatus.partly, "", expected_version=2)
    data = repo.dialog(client)
    open_ids = [a.id for a in data.open_actions]
    assert sorted(open_ids) == sorted([ids[1], ids[2], staffed])
    by_id = {a.id: a for a in data.actions}
    assert by_id[staffed].owner_name == "Duty Worker One (test)"
    assert [r.outcome for r in by_id[ids[1]].reviews] == [ActionStatus.partly]
    assert audit_actions(repo, "dialog_action", ids[3])[-1] == "review DIALOG+ action: dropped"


def test_latest_for_the_board_gives_change_since_the_previous(
    repo: Repository, client: int, make_referral: Callable[..., int]
) -> None:
    with timeutil.frozen(pendulum.datetime(2026, 11, 23, 12, tz="UTC")):
        never = repo.accept(make_referral(name="Never Rated (test)", nhs_number=""))
        repo.save_dialog_rating(client, answers([3] * 8 + [4] * 3))
    with timeutil.frozen(pendulum.datetime(2026, 12, 21, 12, tz="UTC")):
        repo.save_dialog_rating(client, answers([5, 5, 4, 4, 4, 4, 4, 4] + [None] * 3))
        latest = repo.latest_dialog()
    assert latest[client].ratings == 2
    assert latest[client].quality_of_life == Fraction(34, 8)
    assert latest[client].change_since_previous == Fraction(34, 8) - 3
    assert latest[client].last_rated_on == dt.date(2026, 12, 21)
    assert latest[never].ratings == 0 and latest[never].since == MONDAY
    assert latest[never].quality_of_life is None


def test_export_rows_are_every_rating_in_the_period(repo: Repository, client: int) -> None:
    for day in (23, 24, 25):
        with timeutil.frozen(pendulum.datetime(2026, 11, day, 12, tz="UTC")):
            repo.save_dialog_rating(client, answers([day - 20] * 11))
    rows = list(repo.dialog_ratings(dt.date(2026, 11, 24), dt.date(2026, 11, 25)))
    assert [r.rated_on.day for r in rows] == [24, 25]
    assert [r.quality_of_life for r in rows] == [Fraction(4), Fraction(5)]


# -- issue 13 (board): the latest score, its change since the previous rating, overdue --


def at(day: dt.date) -> AbstractContextManager[pendulum.DateTime]:
    return timeutil.frozen(pendulum.datetime(day.year, day.month, day.day, 12, tz="UTC"))


def test_the_board_gets_the_latest_score_and_its_change_since_the_previous(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    never = repo.accept(make_referral(name="Never Rated (test)", nhs_number=""))
    once = repo.accept(make_referral(name="Rated Once (test)", nhs_number=""))
    thrice = repo.accept(make_referral(name="Rated Thrice (test)", nhs_number=""))
    few_before = repo.accept(make_referral(name="Few Before (test)", nhs_number=""))
    few_now = repo.accept(make_referral(name="Few Now (test)", nhs_number=""))
    gone = repo.accept(
        make_referral(
            name="Discharged (test)",
            nhs_number="",
            area="whitstable",
            gp_practice="Harbour Street Surgery (example)",
        )
    )
    five_life = [4, 4, 4, 4, 4, None, None, None, 4, 4, 4]  # 5 of 8: too few (6 needed)
    with at(dt.date(2026, 11, 24)):
        repo.save_dialog_rating(once, answers([3] * 11))
        repo.save_dialog_rating(thrice, answers([1] * 11))
        repo.save_dialog_rating(few_before, answers(five_life))
        repo.save_dialog_rating(few_now, answers([2] * 11))
        repo.save_dialog_rating(gone, answers([2] * 11))
    with at(dt.date(2026, 12, 1)):
        repo.save_dialog_rating(thrice, answers([3] * 8 + [None] * 3))
        repo.save_dialog_rating(few_before, answers([5] * 11))
        repo.save_dialog_rating(few_now, answers(five_life))
    with at(dt.date(2026, 12, 8)):
        # the same day twice: the later one is the latest
        repo.save_dialog_rating(thrice, answers([7, 7, 7, 7, 7, 7, 6, 6] + [1] * 3))
        repo.discharge(gone, "primary_care", dt.date(2026, 12, 8), "GP (test)")
        board = repo.board()
    latest = board.dialog_of()
    assert gone not in latest and set(latest) == {never, once, thrice, few_before, few_now}
    assert latest[never].ratings == 0 and latest[never].last_rated_on is None
    assert latest[never].quality_of_life is None and latest[never].change_since_previous is None
    assert latest[never].since == dt.date(2026, 11, 24)  # the first rating here: from then
    assert (latest[once].ratings, latest[once].quality_of_life) == (1, Fraction(3))
    assert latest[once].change_since_previous is None  # nothing to compare with
    assert latest[thrice].ratings == 3 and latest[thrice].last_rated_on == dt.date(2026, 12, 8)
    assert latest[thrice].quality_of_life == Fraction(54, 8)  # life items only
    assert latest[thrice].change_since_previous == Fraction(54, 8) - 3  # not since the first
    # the previous score came from too few items: no change, never a number from them
    assert latest[few_before].quality_of_life == 5
    assert latest[few_before].change_since_previous is None
    # the latest score comes from too few items: neither score nor change
    assert latest[few_now].quality_of_life is None
    assert latest[few_now].change_since_previous is None
    assert latest[few_now].last_rated_on == dt.date(2026, 12, 1)
    assert repo.latest_dialog([thrice]) == {thrice: latest[thrice]}


def test_no_dialog_for_the_overdue_weeks_is_a_break_from_the_last_rating_or_acceptance(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    never = repo.accept(make_referral(name="Never Rated (test)", nhs_number=""))
    rated = repo.accept(make_referral(name="Rated (test)", nhs_number=""))

    def overdue(day: dt.date) -> dict[int, tuple[int | None, bool, dt.datetime | None]]:
        with at(day):
            found = repo.board().breaks
        return {b.client_id: (b.days, b.met, b.at) for b in found if b.kind == "dialog_overdue"}

    weeks = 12  # [dialog] overdue_weeks
    # no rating in the database at all: DIALOG is not in use yet, nothing is overdue
    assert overdue(MONDAY + dt.timedelta(weeks=weeks + 1)) == {}
    with at(dt.date(2026, 11, 30)):  # the team's first rating: the clock starts for all
        repo.save_dialog_rating(rated, answers([4] * 11), rated_on=MONDAY)
    assert overdue(MONDAY + dt.timedelta(weeks=weeks)) == {
        rated: (84, True, dt.datetime(2026, 11, 23, 0, tzinfo=dt.UTC))
    }
    started = dt.date(2026, 11, 30)
    assert never not in overdue(started + dt.timedelta(weeks=weeks, days=-1))
    found = overdue(started + dt.timedelta(weeks=weeks))
    # never rated: from the acceptance or the first rating in the database, the later
    assert found[never] == (84, False, dt.datetime(2026, 11, 30, 0, tzinfo=dt.UTC))
    assert found[rated][0] == 91
    # a new rating clears it
    with at(started + dt.timedelta(weeks=weeks)):
        repo.save_dialog_rating(rated, answers([4] * 11))
    assert rated not in overdue(started + dt.timedelta(weeks=weeks))


def test_the_board_shows_a_new_or_corrected_rating_on_its_next_read(
    repo: Repository, client: int
) -> None:
    """The board keeps each rating's sums between reads: a correction (a new version) and
    a new rating must still show on the next read."""
    first = repo.save_dialog_rating(client, answers([3] * 11))
    assert repo.board().dialog_of()[client].quality_of_life == 3
    repo.correct_dialog_rating(first, {"job": (7, False)}, expected_version=1)
    assert repo.board().dialog_of()[client].quality_of_life == Fraction(28, 8)
    repo.save_dialog_rating(client, answers([5] * 11))
    latest = repo.board().dialog_of()[client]
    assert (latest.ratings, latest.quality_of_life) == (2, 5)
    assert latest.change_since_previous == 5 - Fraction(28, 8)


def test_the_client_records_history_holds_the_dialog_work_and_no_one_elses(
    repo: Repository, client: int, topic: int, make_referral: Callable[..., int]
) -> None:
    """A rating, the DIALOG+ item chosen and the action agreed show in the record's history;
    another client's DIALOG work does not (found by the probe: the history left it out)."""
    repo.add_dialog_action(topic, "Ring the job centre", owner="person", due_on=MONDAY)
    other = repo.accept(make_referral(name="Other Person (test)"))
    repo.save_dialog_rating(other, answers([3] * 11))
    actions = [entry.action for entry in repo.client_record(client).history]
    assert actions.count("rate DIALOG") == 1
    assert "choose DIALOG+ item" in actions and "agree DIALOG+ action" in actions
