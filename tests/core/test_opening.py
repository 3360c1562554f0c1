"""Closed hours (duty_desk.opening): working days and hours less the region's bank holidays,
in the team's zone, across clock changes; and the response clock's "due while closed"."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pendulum
import pytest

from duty_desk import opening, rules
from duty_desk.config import Config, TeamSettings

LONDON = "Europe/London"


def local(*args: int) -> pendulum.DateTime:
    return pendulum.datetime(*args, tz=LONDON).in_timezone("UTC")


def team(**overrides: object) -> TeamSettings:
    return TeamSettings.model_validate(overrides)


def test_a_friday_evening_is_closed_until_monday_morning() -> None:
    friday_evening = local(2026, 11, 27, 20, 30)
    assert not opening.is_open(friday_evening, team())
    spell = opening.closed_spell(friday_evening, team())
    assert spell is not None
    assert spell.since == local(2026, 11, 27, 20, 0)
    assert spell.reopens == local(2026, 11, 30, 8, 0)
    assert spell.holiday is None


def test_open_in_hours_and_the_next_opening_is_now() -> None:
    monday = local(2026, 11, 23, 10, 0)
    assert opening.is_open(monday, team())
    assert opening.closed_spell(monday, team()) is None
    assert opening.next_opening(monday, team()) == monday


def test_a_bank_holiday_monday_is_closed_all_day() -> None:
    # Monday 31 August 2026: the late summer bank holiday (England and Wales).
    noon = local(2026, 8, 31, 12, 0)
    assert not opening.is_open(noon, team())
    spell = opening.closed_spell(noon, team())
    assert spell is not None
    assert spell.holiday == "Late Summer Bank Holiday"
    assert spell.since == local(2026, 8, 28, 20, 0)  # Friday's closing
    assert spell.reopens == local(2026, 9, 1, 8, 0)  # Tuesday


def test_christmas_closes_from_christmas_eve_evening_to_the_tuesday() -> None:
    # 2026: Christmas on Friday, Boxing Day on Saturday, observed Monday 28th.
    eve = local(2026, 12, 24, 20, 0)
    assert not opening.is_open(eve, team())
    assert opening.next_opening(eve, team()) == local(2026, 12, 29, 8, 0)
    assert opening.bank_holiday(dt.date(2026, 12, 25), team()) == "Christmas Day"
    assert opening.bank_holiday(dt.date(2026, 12, 28), team()) == "Boxing Day (observed)"


def test_the_clock_change_keeps_opening_at_eight_on_the_wall_clock() -> None:
    # Clocks go back on Sunday 25 October 2026: Friday closes at 20:00 BST (19:00 UTC),
    # Monday opens at 08:00 GMT (08:00 UTC): 61 real hours closed, not 60.
    friday_late = local(2026, 10, 23, 22, 0)
    spell = opening.closed_spell(friday_late, team())
    assert spell is not None and spell.since is not None and spell.reopens is not None
    assert spell.since == pendulum.datetime(2026, 10, 23, 19, 0, tz="UTC")
    assert spell.reopens == pendulum.datetime(2026, 10, 26, 8, 0, tz="UTC")
    assert spell.reopens - spell.since == dt.timedelta(hours=61)
    # Clocks go forward on Sunday 29 March 2026: Monday opens at 08:00 BST (07:00 UTC).
    assert opening.next_opening(local(2026, 3, 28, 12, 0), team()) == pendulum.datetime(
        2026, 3, 30, 7, 0, tz="UTC"
    )


def test_wales_keeps_englands_bank_holidays_and_scotland_its_own() -> None:
    st_andrews = local(2026, 11, 30, 10, 0)  # Monday 30 November 2026
    assert opening.is_open(st_andrews, team(holidays="england"))
    assert opening.is_open(st_andrews, team(holidays="wales"))
    assert not opening.is_open(st_andrews, team(holidays="scotland"))
    for day in (dt.date(2026, 4, 6), dt.date(2026, 5, 25), dt.date(2026, 8, 31)):
        assert opening.bank_holiday(day, team(holidays="wales")) == opening.bank_holiday(
            day, team(holidays="england")
        )
    # "none": bank holidays are ordinary working days
    assert opening.is_open(local(2026, 8, 31, 12, 0), team(holidays="none"))


def test_a_deadline_exactly_at_closing_is_the_teams_and_one_minute_later_is_not() -> None:
    closing = local(2026, 11, 23, 20, 0)
    assert not opening.is_open(closing, team())  # the team has gone home at 20:00...
    assert not opening.due_while_closed(closing, team())  # ...but it was there until then
    assert opening.due_while_closed(closing.add(minutes=1), team())
    assert opening.last_open_before(closing.add(minutes=1), team()) == closing
    config = Config()
    received = closing.subtract(hours=24)
    at_closing = rules.response_clock(closing, received, config)
    assert at_closing.state is rules.ClockState.plenty
    later = rules.response_clock(closing.add(minutes=1), received, config)
    assert later.state is rules.ClockState.out_of_hours
    assert later.cell().endswith("closed")
    assert "OOH" not in later.cell()


def test_a_deadline_on_a_bank_holiday_is_due_while_closed() -> None:
    config = Config()
    deadline = local(2026, 8, 31, 11, 0)
    clock = rules.response_clock(deadline, local(2026, 8, 28, 9, 0), config)
    assert clock.state is rules.ClockState.out_of_hours
    assert clock.act_by == local(2026, 8, 28, 20, 0)
    assert "due while the team is closed" in clock.sentence(LONDON)


def test_what_falls_due_before_the_team_reopens() -> None:
    friday_evening = local(2026, 11, 27, 20, 30)
    reopens = opening.next_opening(friday_evening, team())
    assert reopens is not None
    items = {
        "saturday": local(2026, 11, 28, 9, 0),
        "overdue": local(2026, 11, 27, 18, 0),
        "monday-noon": local(2026, 11, 30, 12, 0),
        "sunday": local(2026, 11, 29, 23, 0),
    }
    due = opening.due_before(items, items.__getitem__, reopens)
    assert due == ["overdue", "saturday", "sunday"]


def test_a_bad_region_is_refused_naming_the_key() -> None:
    from duty_desk.config import ConfigError, parse_config

    with pytest.raises(ConfigError) as caught:
        parse_config('[team]\nname = "X"\nholidays = "narnia"\n')
    assert str(caught.value).startswith("config.toml: team.holidays: 'narnia'")
    assert "(line 3)" in str(caught.value)
    assert "'wales'" in str(caught.value)


def test_importing_the_core_does_not_load_the_holidays_package() -> None:
    code = (
        "import sys, duty_desk.rules, duty_desk.opening, duty_desk.cli; "
        "print('holidays' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
