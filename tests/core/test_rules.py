"""The service's rules: respond-by times, the response clock, eligibility."""

from __future__ import annotations

import datetime as dt

import pytest

from duty_desk.config import Config, TeamSettings
from duty_desk.rules import (
    ClockState,
    age_at,
    eligibility_problems,
    respond_by,
    response_clock,
)
from duty_desk.timeutil import local_to_utc, to_local

LONDON = "Europe/London"


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return local_to_utc(dt.datetime(year, month, day, hour, minute), LONDON)


def elapsed(later: dt.datetime, earlier: dt.datetime) -> dt.timedelta:
    """Real time from earlier to later (both aware)."""
    return later - earlier


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


@pytest.fixture
def config() -> Config:
    return Config()


# -- respond by: real hours ---------------------------------------------------------------


def test_respond_by_across_spring_forward_is_24_real_hours(config: Config) -> None:
    received = local(2026, 3, 28, 12, 0)  # Saturday 12:00 GMT
    due = respond_by(received, "C", config)
    assert elapsed(due, received) == dt.timedelta(hours=24)
    due_local = to_local(due, LONDON)
    assert (due_local.date(), due_local.hour, due_local.minute) == (dt.date(2026, 3, 29), 13, 0)
    assert due_local.utcoffset() == dt.timedelta(hours=1)  # BST


def test_respond_by_across_fall_back_is_24_real_hours(config: Config) -> None:
    received = local(2026, 10, 24, 12, 0)  # Saturday 12:00 BST
    due = respond_by(received, "C", config)
    assert elapsed(due, received) == dt.timedelta(hours=24)
    due_local = to_local(due, LONDON)
    assert (due_local.date(), due_local.hour) == (dt.date(2026, 10, 25), 11)  # 11:00 GMT
    assert due_local.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    ("urgency", "hours"),
    [
        ("A", 0),  # emergency: now
        ("B", 4),  # very high risk
        ("C", 24),
        ("D", 24),  # the shorter of the team's 24 h and 72 h
        ("E", 24),
        ("F", 24),  # no own target: the team's
        ("G", 24),
        ("Z", 24),  # unknown code: the team's target
    ],
)
def test_respond_by_takes_the_shorter_target(config: Config, urgency: str, hours: int) -> None:
    received = local(2026, 11, 23, 9, 0)
    assert elapsed(respond_by(received, urgency, config), received) == dt.timedelta(hours=hours)


def test_respond_by_follows_the_team_setting() -> None:
    config = Config(team=TeamSettings(response_hours=96))
    received = local(2026, 11, 23, 9, 0)
    assert elapsed(respond_by(received, "D", config), received) == dt.timedelta(hours=72)
    assert elapsed(respond_by(received, "E", config), received) == dt.timedelta(hours=96)
    config = Config(team=TeamSettings(response_hours=1.5))
    assert elapsed(respond_by(received, "C", config), received) == dt.timedelta(minutes=90)


def test_respond_by_is_utc_and_refuses_naive(config: Config) -> None:
    due = respond_by(local(2026, 7, 1, 9, 0), "C", config)
    assert due.utcoffset() == dt.timedelta(0)
    with pytest.raises(ValueError):
        respond_by(dt.datetime(2026, 7, 1, 9, 0), "C", config)


# -- the response clock ---------------------------------------------------------------------


def test_clock_plenty_within_team_hours(config: Config) -> None:
    deadline = local(2026, 11, 24, 9, 0)  # Tuesday 09:00
    clock = response_clock(deadline, local(2026, 11, 23, 10, 0), config)
    assert clock.state is ClockState.plenty
    assert clock.remaining == dt.timedelta(hours=23)
    assert clock.act_by is None
    assert clock.cell() == "23h00 left"
    assert clock.sentence(LONDON) == "Respond by Tue 24 Nov 09:00 (23h00 left)"


def test_clock_due_soon_at_four_hours_or_less(config: Config) -> None:
    deadline = local(2026, 11, 23, 14, 0)
    clock = response_clock(deadline, local(2026, 11, 23, 10, 0), config)
    assert clock.state is ClockState.due_soon
    assert clock.cell() == "DUE 4h00"
    assert clock.sentence(LONDON).startswith("Due soon: respond by Mon 23 Nov 14:00")
    later = response_clock(deadline, local(2026, 11, 23, 9, 59), config)
    assert later.state is ClockState.plenty


def test_clock_overdue_at_and_after_the_deadline(config: Config) -> None:
    deadline = local(2026, 11, 23, 9, 0)
    at_deadline = response_clock(deadline, deadline, config)
    assert at_deadline.state is ClockState.overdue
    clock = response_clock(deadline, local(2026, 11, 23, 10, 30), config)
    assert clock.state is ClockState.overdue
    assert clock.remaining == -dt.timedelta(hours=1, minutes=30)
    assert clock.cell() == "OVER 1h30"
    assert clock.sentence(LONDON) == "Overdue by 1h30: was due Mon 23 Nov 09:00"


def test_clock_out_of_hours_on_saturday_acts_by_friday_closing(config: Config) -> None:
    deadline = local(2026, 11, 28, 11, 0)  # Saturday
    clock = response_clock(deadline, local(2026, 11, 27, 9, 0), config)  # Friday morning
    assert clock.state is ClockState.out_of_hours
    assert clock.act_by == local(2026, 11, 27, 20, 0)
    assert clock.cell() == "26h00 closed"
    sentence = clock.sentence(LONDON)
    assert "due while the team is closed" in sentence
    assert "last team time Fri 27 Nov 20:00" in sentence


def test_clock_out_of_hours_at_2100_acts_by_2000_the_same_day(config: Config) -> None:
    deadline = local(2026, 11, 24, 21, 0)  # Tuesday 21:00
    clock = response_clock(deadline, local(2026, 11, 23, 21, 0), config)
    assert clock.state is ClockState.out_of_hours
    assert clock.act_by == local(2026, 11, 24, 20, 0)


def test_clock_due_soon_wins_over_out_of_hours(config: Config) -> None:
    deadline = local(2026, 11, 24, 21, 0)
    clock = response_clock(deadline, local(2026, 11, 24, 18, 0), config)
    assert clock.state is ClockState.due_soon
    assert clock.act_by == local(2026, 11, 24, 20, 0)  # still said in the sentence
    assert "last team time" in clock.sentence(LONDON)


def test_clock_counts_real_time_across_spring_forward(config: Config) -> None:
    received = local(2026, 3, 28, 12, 0)
    deadline = respond_by(received, "C", config)
    # Sunday 29 March 12:00 BST is only 23 real hours after Saturday 12:00 GMT.
    clock = response_clock(deadline, local(2026, 3, 29, 12, 0), config)
    assert clock.remaining == dt.timedelta(hours=1)
    assert clock.state is ClockState.due_soon


def test_clock_counts_real_time_across_fall_back(config: Config) -> None:
    received = local(2026, 10, 24, 12, 0)
    deadline = respond_by(received, "C", config)
    # Sunday 25 October 10:00 GMT is 23 real hours after Saturday 12:00 BST.
    clock = response_clock(deadline, local(2026, 10, 25, 10, 0), config)
    assert clock.remaining == dt.timedelta(hours=1)
    # Sunday, so out of hours: the last team time is Friday 20:00 BST.
    assert clock.act_by == local(2026, 10, 23, 20, 0)
    assert to_local(clock.act_by, LONDON).utcoffset() == dt.timedelta(hours=1)


def test_clock_with_weekend_working_team() -> None:
    team = TeamSettings(days=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    config = Config(team=team)
    clock = response_clock(local(2026, 11, 28, 11, 0), local(2026, 11, 27, 9, 0), config)
    assert clock.state is ClockState.plenty
    assert clock.act_by is None


# -- eligibility -----------------------------------------------------------------------------


def eligible(config: Config, **overrides: object) -> list[str]:
    args: dict[str, object] = {
        "date_of_birth": dt.date(1990, 2, 1),
        "received_at": local(2026, 11, 23, 9, 0),
        "area": "canterbury",
        "source": "spoa-urgent",
    }
    args.update(overrides)
    return eligibility_problems(config=config, **args)  # type: ignore[arg-type]


def test_an_adult_from_spoa_in_the_area_is_eligible(config: Config) -> None:
    assert eligible(config) == []
    assert eligible(config, source="eip-new", area="whitstable") == []


@pytest.mark.parametrize(
    ("dob", "ok"),
    [
        (dt.date(2008, 11, 23), True),  # 18 today
        (dt.date(2008, 11, 24), False),  # 17, 18 tomorrow
        (dt.date(1961, 11, 24), True),  # 65
        (dt.date(1960, 11, 23), False),  # 66 today
    ],
)
def test_age_range_is_18_to_65_inclusive(config: Config, dob: dt.date, ok: bool) -> None:
    problems = eligible(config, date_of_birth=dob)
    assert (problems == []) is ok
    if not ok:
        assert "is outside 18 to 65" in problems[0]


def test_age_is_on_the_local_day_received() -> None:
    team = Config().team
    # 23:30 BST on 30 June: a birthday on 1 July has not come yet.
    received = local(2026, 6, 30, 23, 30)
    assert age_at(dt.date(2008, 7, 1), received, team) == 17
    # 00:30 BST on 1 July is 23:30 UTC on 30 June: the birthday has come locally.
    received = local(2026, 7, 1, 0, 30)
    assert received.day == 30  # in UTC
    assert age_at(dt.date(2008, 7, 1), received, team) == 18


def test_gp_source_and_unknown_area_are_problems(config: Config) -> None:
    problems = eligible(config, source="gp", area="margate")
    assert "area 'margate' is not one of the team's areas" in problems
    assert "source GP is not a POD referral route" in problems


def test_all_problems_are_listed(config: Config) -> None:
    problems = eligible(config, source="other", date_of_birth=dt.date(2015, 1, 1), area="nowhere")
    assert len(problems) == 3
