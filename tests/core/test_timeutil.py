"""Time handling: the fixed clock, typed dates and times, UK clock changes, weeks, formatting."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.timeutil import (
    TimeInputError,
    age_on,
    as_utc,
    fmt_date,
    fmt_duration,
    fmt_local,
    last_team_time_before,
    local_to_utc,
    parse_date,
    parse_datetime,
    to_local,
    week_bounds_utc,
    week_start_local,
    within_team_hours,
)

LONDON = "Europe/London"
HOUR = dt.timedelta(hours=1)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)


# -- the clock -------------------------------------------------------------------------


def test_frozen_fixes_now_and_restores_it() -> None:
    at = pendulum.datetime(2026, 3, 28, 12, 0, tz=LONDON)
    with timeutil.frozen(at) as fixed:
        assert timeutil.now() == at
        assert timeutil.now().timezone_name == "UTC"
        assert fixed == at
        with timeutil.frozen(utc(2030, 1, 1)):
            assert timeutil.now() == utc(2030, 1, 1)
        assert timeutil.now() == at
    assert abs(timeutil.now() - pendulum.now("UTC")) < dt.timedelta(minutes=1)


def test_frozen_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="naive"), timeutil.frozen(dt.datetime(2026, 1, 1)):
        pass


def test_set_now_and_release() -> None:
    try:
        timeutil.set_now(utc(2026, 6, 1, 9))
        assert timeutil.now() == utc(2026, 6, 1, 9)
    finally:
        timeutil.set_now(None)
    assert timeutil.now().year >= 2025


def test_as_utc_keeps_the_instant_and_refuses_naive() -> None:
    summer = pendulum.datetime(2026, 7, 1, 9, 0, tz=LONDON)
    assert as_utc(summer) == utc(2026, 7, 1, 8)
    assert as_utc(summer).utcoffset() == dt.timedelta(0)
    with pytest.raises(ValueError):
        as_utc(dt.datetime(2026, 7, 1, 9, 0))


# -- local wall-clock times across the clock changes -------------------------------------


def test_local_to_utc_in_winter_and_summer() -> None:
    assert local_to_utc(dt.datetime(2026, 1, 15, 9, 0), LONDON) == utc(2026, 1, 15, 9)
    assert local_to_utc(dt.datetime(2026, 7, 15, 9, 0), LONDON) == utc(2026, 7, 15, 8)


def test_spring_forward_gap_is_refused() -> None:
    with pytest.raises(TimeInputError) as caught:
        local_to_utc(dt.datetime(2026, 3, 29, 1, 30), LONDON)
    assert str(caught.value) == (
        "29/03/2026 01:30 does not exist in Europe/London: the clocks go forward that night"
    )


def test_times_either_side_of_the_spring_gap_are_fine() -> None:
    assert local_to_utc(dt.datetime(2026, 3, 29, 0, 59), LONDON) == utc(2026, 3, 29, 0, 59)
    assert local_to_utc(dt.datetime(2026, 3, 29, 2, 0), LONDON) == utc(2026, 3, 29, 1, 0)


def test_fall_back_repeat_is_refused_with_a_hint() -> None:
    with pytest.raises(TimeInputError) as caught:
        local_to_utc(dt.datetime(2026, 10, 25, 1, 30), LONDON)
    message = str(caught.value)
    assert message.startswith("25/10/2026 01:30 happens twice in Europe/London")
    assert "2026-10-25T01:30+01:00" in message


def test_times_either_side_of_the_autumn_repeat_are_fine() -> None:
    assert local_to_utc(dt.datetime(2026, 10, 25, 0, 59), LONDON) == utc(2026, 10, 24, 23, 59)
    assert local_to_utc(dt.datetime(2026, 10, 25, 2, 0), LONDON) == utc(2026, 10, 25, 2, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-25T01:30+01:00", utc(2026, 10, 25, 0, 30)),  # the first 01:30 (BST)
        ("2026-10-25T01:30+00:00", utc(2026, 10, 25, 1, 30)),  # the second 01:30 (GMT)
        ("2026-10-25T01:30Z", utc(2026, 10, 25, 1, 30)),
        ("2026-03-29T01:30+00:00", utc(2026, 3, 29, 1, 30)),  # an instant, so it exists
        ("2026-03-29 01:30:00+0000", utc(2026, 3, 29, 1, 30)),
    ],
)
def test_an_explicit_offset_settles_the_changeover_hours(text: str, expected: dt.datetime) -> None:
    assert parse_datetime(text, LONDON) == expected


@pytest.mark.parametrize(
    "text", ["29/03/2026 01:30", "2026-03-29T01:30", "25/10/2026 01:30", "2026-10-25 01:30"]
)
def test_parse_datetime_without_offset_refuses_the_changeover_hours(text: str) -> None:
    with pytest.raises(TimeInputError, match="does not exist|happens twice"):
        parse_datetime(text, LONDON)


# -- parsing typed dates and times ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23/11/2026 09:00", utc(2026, 11, 23, 9)),
        ("1/7/2026 9:05", utc(2026, 7, 1, 8, 5)),  # BST: day first, never month first
        ("2026-11-23T09:00", utc(2026, 11, 23, 9)),
        ("2026-11-23 09:00", utc(2026, 11, 23, 9)),
        ("2026-07-01T09:00:30", utc(2026, 7, 1, 8, 0, 30)),
        ("2026-07-01T09:00+02:00", utc(2026, 7, 1, 7)),
        ("2026-07-01T09:00-0330", utc(2026, 7, 1, 12, 30)),
        ("  23/11/2026 09:00  ", utc(2026, 11, 23, 9)),
    ],
)
def test_parse_datetime_accepts_iso_and_day_first(text: str, expected: dt.datetime) -> None:
    parsed = parse_datetime(text, LONDON)
    assert parsed == expected
    assert parsed.utcoffset() == dt.timedelta(0)


def test_parse_datetime_reads_day_first_in_the_given_zone() -> None:
    assert parse_datetime("01/02/2026 10:00", "Asia/Tokyo") == utc(2026, 2, 1, 1)


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2026 10:00",
        "2026-13-01T10:00",
        "2026-02-30 10:00",
        "23/11/2026 24:00",
        "23/11/2026 10:60",
        "2026-01-01T10:00+24:00",
        "0001-01-01T00:00+05:00",  # before year 1 in UTC
        "9999-12-31T23:59-05:00",  # after year 9999 in UTC
    ],
)
def test_parse_datetime_refuses_impossible_times(text: str) -> None:
    with pytest.raises(TimeInputError, match="is not a real date and time"):
        parse_datetime(text, LONDON)


@pytest.mark.parametrize(
    "text",
    [
        "tomorrow",
        "tomorrow 10",
        "thu 9:30",
        "",
        "23/11/2026",
        "23-11-2026 10:00",
        "2026-11-23T10",
        "10:00",
        "23/11/26 10:00",
    ],
)
def test_parse_datetime_refuses_what_it_does_not_read(text: str) -> None:
    with pytest.raises(TimeInputError, match="is not a date and time"):
        parse_datetime(text, LONDON)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23", dt.date(2026, 11, 23)),
        ("23/11/2026", dt.date(2026, 11, 23)),
        ("1/2/1990", dt.date(1990, 2, 1)),  # 1 February: day first
        ("29/02/2028", dt.date(2028, 2, 29)),
    ],
)
def test_parse_date_accepts_iso_and_day_first(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["31/02/2026", "2026-13-01", "29/02/2026", "0000-01-01", "00/01/2026"]
)
def test_parse_date_refuses_dates_that_do_not_exist(text: str) -> None:
    with pytest.raises(TimeInputError, match="is not a real date"):
        parse_date(text)


@pytest.mark.parametrize("text", ["tomorrow", "", "2026/11/23", "23.11.2026", "23/11/26", "1990"])
def test_parse_date_refuses_other_formats(text: str) -> None:
    with pytest.raises(TimeInputError, match=r"is not a date \(use DD/MM/YYYY or YYYY-MM-DD\)"):
        parse_date(text)


def _iso(day: dt.date, hour: int, minute: int, offset_minutes: int | None) -> str:
    text = f"{day.year:04d}-{day.month:02d}-{day.day:02d}T{hour:02d}:{minute:02d}"
    if offset_minutes is None:
        return text
    sign = "+" if offset_minutes >= 0 else "-"
    return f"{text}{sign}{abs(offset_minutes) // 60:02d}:{abs(offset_minutes) % 60:02d}"


# The first and last days the calendar allows, with any time and offset: an offset can
# push the instant outside the calendar.
edge_datetimes = st.builds(
    _iso,
    st.sampled_from([dt.date.min, dt.date.max, dt.date(2026, 3, 29), dt.date(2026, 10, 25)]),
    st.integers(0, 23),
    st.integers(0, 59),
    st.none() | st.integers(-14 * 60, 14 * 60),
)


@given(st.one_of(edge_datetimes, st.text(max_size=30)))
def test_parse_datetime_raises_only_time_input_errors(text: str) -> None:
    try:
        parsed = parse_datetime(text, LONDON)
    except TimeInputError as exc:
        assert str(exc)
    else:
        assert parsed.utcoffset() == dt.timedelta(0)


@given(st.text(max_size=20))
def test_parse_date_raises_only_time_input_errors(text: str) -> None:
    try:
        parse_date(text)
    except TimeInputError:
        pass


def test_time_input_errors_are_value_errors() -> None:
    assert issubclass(TimeInputError, ValueError)


# -- weeks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "monday", "hours"),
    [
        # Week holding the spring change (Sun 29 March 2026): 167 real hours.
        (utc(2026, 3, 25, 12), dt.date(2026, 3, 23), 167),
        (utc(2026, 3, 29, 22, 59), dt.date(2026, 3, 23), 167),  # Sun 23:59 BST
        # Week holding the autumn change (Sun 25 October 2026): 169 real hours.
        (utc(2026, 10, 22, 12), dt.date(2026, 10, 19), 169),
        (utc(2026, 10, 25, 23, 59), dt.date(2026, 10, 19), 169),  # Sun 23:59 GMT
        # Ordinary weeks: 168 hours.
        (utc(2026, 11, 23, 10), dt.date(2026, 11, 23), 168),
        (utc(2026, 7, 1, 12), dt.date(2026, 6, 29), 168),
    ],
)
def test_week_bounds_are_local_monday_to_monday(
    instant: dt.datetime, monday: dt.date, hours: int
) -> None:
    start, end = week_bounds_utc(instant, LONDON)
    assert (end - start) == dt.timedelta(hours=hours)
    local_start = to_local(start, LONDON)
    local_end = to_local(end, LONDON)
    assert local_start.date() == monday
    assert (local_start.hour, local_start.minute, local_start.weekday()) == (0, 0, 0)
    assert (local_end.hour, local_end.minute, local_end.weekday()) == (0, 0, 0)
    assert local_end.date() == monday + dt.timedelta(days=7)
    assert start <= instant < end
    assert week_start_local(instant, LONDON).date() == monday


def test_summer_week_starts_at_midnight_bst_which_is_2300_utc() -> None:
    start, end = week_bounds_utc(utc(2026, 7, 1, 12), LONDON)
    assert start == utc(2026, 6, 28, 23)
    assert end == utc(2026, 7, 5, 23)


def test_sunday_2359_and_monday_0000_are_in_different_weeks() -> None:
    sunday = local_to_utc(dt.datetime(2026, 11, 29, 23, 59), LONDON)
    monday = local_to_utc(dt.datetime(2026, 11, 30, 0, 0), LONDON)
    assert week_start_local(sunday, LONDON).date() == dt.date(2026, 11, 23)
    assert week_start_local(monday, LONDON).date() == dt.date(2026, 11, 30)
    assert week_bounds_utc(sunday, LONDON)[1] == monday


# -- team hours ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "inside"),
    [
        (dt.datetime(2026, 11, 23, 8, 0), True),  # Monday opening
        (dt.datetime(2026, 11, 23, 7, 59), False),
        (dt.datetime(2026, 11, 23, 19, 59), True),
        (dt.datetime(2026, 11, 23, 20, 0), False),  # closing time is outside
        (dt.datetime(2026, 11, 27, 12, 0), True),  # Friday
        (dt.datetime(2026, 11, 28, 12, 0), False),  # Saturday
        (dt.datetime(2026, 11, 29, 12, 0), False),  # Sunday
        (dt.datetime(2026, 7, 1, 8, 30), True),  # BST: 07:30 UTC is inside
    ],
)
def test_within_team_hours_uses_local_time(local: dt.datetime, inside: bool) -> None:
    team = Config().team
    assert within_team_hours(local_to_utc(local, LONDON), team) is inside


def test_last_team_time_before_a_weekend_is_friday_closing() -> None:
    team = Config().team
    saturday = local_to_utc(dt.datetime(2026, 11, 28, 12, 0), LONDON)
    last = last_team_time_before(saturday, team)
    assert last is not None
    assert (last.date(), last.hour, last.minute) == (dt.date(2026, 11, 27), 20, 0)


def test_last_team_time_before_early_morning_is_the_previous_evening() -> None:
    team = Config().team
    tuesday_early = local_to_utc(dt.datetime(2026, 11, 24, 6, 0), LONDON)
    last = last_team_time_before(tuesday_early, team)
    assert last is not None and last == local_to_utc(dt.datetime(2026, 11, 23, 20, 0), LONDON)
    monday_early = local_to_utc(dt.datetime(2026, 11, 23, 6, 0), LONDON)
    assert last_team_time_before(monday_early, team) == local_to_utc(
        dt.datetime(2026, 11, 20, 20, 0), LONDON
    )


def test_last_team_time_before_within_hours_is_itself() -> None:
    team = Config().team
    inside = local_to_utc(dt.datetime(2026, 11, 24, 15, 0), LONDON)
    assert last_team_time_before(inside, team) == inside


# -- formatting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (dt.timedelta(0), "0m"),
        (dt.timedelta(seconds=59), "0m"),
        (dt.timedelta(minutes=45), "45m"),
        (dt.timedelta(hours=1), "1h00"),
        (dt.timedelta(hours=3, minutes=5), "3h05"),
        (dt.timedelta(hours=23, minutes=59, seconds=59), "23h59"),
        (dt.timedelta(hours=47, minutes=59), "47h59"),
        (dt.timedelta(days=2), "2d 0h"),
        (dt.timedelta(days=2, hours=4, minutes=30), "2d 4h"),
        (-dt.timedelta(hours=2, minutes=30), "2h30"),  # the sign is said in words elsewhere
    ],
)
def test_fmt_duration(delta: dt.timedelta, text: str) -> None:
    assert fmt_duration(delta) == text


def test_fmt_local_shows_the_team_zone() -> None:
    summer = utc(2026, 7, 1, 8, 5)
    assert fmt_local(summer, LONDON) == "Wed 09:05"
    assert fmt_local(summer, LONDON, "day") == "Wed 1 Jul 09:05"
    assert fmt_local(summer, LONDON, "long") == "Wednesday 1 July 2026, 09:05"
    assert fmt_local(summer, LONDON, "iso") == "2026-07-01T09:05:00+01:00"
    assert fmt_local(None, LONDON) == ""
    with pytest.raises(ValueError):
        fmt_local(summer, LONDON, "nonsense")


def test_fmt_date_and_age_on() -> None:
    assert fmt_date(dt.date(2026, 2, 1)) == "01/02/2026"
    assert fmt_date(None) == ""
    assert age_on(dt.date(2008, 11, 23), dt.date(2026, 11, 23)) == 18
    assert age_on(dt.date(2008, 11, 24), dt.date(2026, 11, 23)) == 17
    assert age_on(dt.date(2000, 2, 29), dt.date(2026, 2, 28)) == 25
    assert age_on(dt.date(2000, 2, 29), dt.date(2026, 3, 1)) == 26


@given(
    st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2100, 1, 1),
        timezones=st.just(dt.UTC),
    ),
    st.sampled_from(["Europe/London", "America/New_York", "Australia/Lord_Howe", "UTC"]),
)
def test_local_wall_is_to_local_as_a_plain_datetime(instant: dt.datetime, tz: str) -> None:
    """The quick local wall clock (the free-slot search) reads the same date, time, weekday
    and offset as pendulum's, across clock changes too."""
    quick, slow = timeutil.local_wall(instant, tz), timeutil.to_local(instant, tz)
    assert (quick.date(), quick.time(), quick.weekday()) == (
        slow.date(),
        slow.time(),
        slow.weekday(),
    )
    assert quick.utcoffset() == slow.utcoffset()
    assert quick == instant
