"""The crisis plan's pure rules (issue 12, safety): the state of a review date in words, the
review date and out-of-hours contact offered for a new plan, and noticing a plan whose
out-of-hours contact no longer holds the settings' one."""

from __future__ import annotations

import datetime as dt

import pytest

from duty_desk import crisis
from duty_desk.config import Config
from duty_desk.crisis import ReviewState

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "on, state, words",
    [
        (dt.date(2026, 11, 20), ReviewState.overdue, "REVIEW OVERDUE by 3 days"),
        (dt.date(2026, 11, 22), ReviewState.overdue, "REVIEW OVERDUE by 1 day"),
        (TODAY, ReviewState.due_soon, "review due today"),
        (dt.date(2026, 11, 24), ReviewState.due_soon, "review due in 1 day"),
        (dt.date(2026, 11, 30), ReviewState.due_soon, "review due in 7 days"),
        (dt.date(2026, 12, 1), ReviewState.in_time, "review by 01/12/2026"),
    ],
)
def test_a_review_date_in_words(on: dt.date, state: ReviewState, words: str) -> None:
    found = crisis.review(on, TODAY, due_soon_days=7)
    assert (found.state, found.words) == (state, words)


def test_due_soon_zero_shows_only_today_as_due() -> None:
    assert crisis.review(TODAY, TODAY, 0).state is ReviewState.due_soon
    assert crisis.review(TODAY + dt.timedelta(days=1), TODAY, 0).state is ReviewState.in_time


def test_the_review_offered_and_the_settings_contact() -> None:
    config = Config()
    assert crisis.default_review(TODAY, config.record.crisis_plan_review_weeks) == dt.date(
        2027, 1, 4
    )
    assert crisis.default_out_of_hours(config) == "CRHT duty line (example): 01632 960999"
    other = Config.model_validate(
        {"handover": {"out_of_hours_service": "NHS 111", "out_of_hours_contact": "option 2"}}
    )
    assert crisis.default_out_of_hours(other) == "NHS 111: option 2"


def test_a_plan_contact_that_no_longer_holds_the_settings_one_is_noticed() -> None:
    config = Config()
    assert not crisis.contact_differs("Ring the crhT duty line (example): 01632 960999", config)
    assert crisis.contact_differs("CRHT duty line: 01632 960000 (old)", config)
    assert crisis.contact_differs("", config)
    silent = Config.model_validate({"handover": {"out_of_hours_contact": ""}})
    assert not crisis.contact_differs("", silent)
