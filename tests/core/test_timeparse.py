"""The booking time parser: every documented form, the clock changes, and property tests."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duty_desk import timeutil
from duty_desk.errors import DutyDeskError, InputErrors
from duty_desk.timeparse import FORMS, WhenError, describe_slot, parse_when

TZ = "Europe/London"
# Monday 23 November 2026, 10:00 in London (UTC+0).
NOW = pendulum.datetime(2026, 11, 23, 10, 0, tz=TZ)


def local(text: str, now: dt.datetime = NOW) -> dt.datetime:
    return parse_when(text, now=now, tz=TZ).local.naive()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:30", dt.datetime(2026, 11, 23, 14, 30)),
        ("today 14", dt.datetime(2026, 11, 23, 14, 0)),
        ("tomorrow 10", dt.datetime(2026, 11, 24, 10, 0)),
        ("Tomorrow at 10:15", dt.datetime(2026, 11, 24, 10, 15)),
        ("thu 9:30", dt.datetime(2026, 11, 26, 9, 30)),
        ("Thursday 9:30", dt.datetime(2026, 11, 26, 9, 30)),
        ("mon 14", dt.datetime(2026, 11, 23, 14, 0)),  # today is Monday and 14:00 is ahead
        ("mon 9", dt.datetime(2026, 11, 30, 9, 0)),  # 09:00 today has gone: next Monday
        ("mon 10", dt.datetime(2026, 11, 23, 10, 0)),  # exactly now counts as ahead
        ("sun 11", dt.datetime(2026, 11, 29, 11, 0)),
        ("+2d 11", dt.datetime(2026, 11, 25, 11, 0)),
        ("+1w 9", dt.datetime(2026, 11, 30, 9, 0)),
        ("+0d 17:45", dt.datetime(2026, 11, 23, 17, 45)),
        ("next week tue 10", dt.datetime(2026, 12, 1, 10, 0)),
        ("next week mon 8", dt.datetime(2026, 11, 30, 8, 0)),
        ("next  WEEK  sunday 8", dt.datetime(2026, 12, 6, 8, 0)),
        ("28/11 15:00", dt.datetime(2026, 11, 28, 15, 0)),
        (
            "23/11 9:00",
            dt.datetime(2026, 11, 23, 9, 0),
        ),  # a date typed is kept even if the time passed
        ("22/11 9:00", dt.datetime(2027, 11, 22, 9, 0)),  # yesterday's date: next year
        ("3/1 9", dt.datetime(2027, 1, 3, 9, 0)),
        ("28/11/2026 15:00", dt.datetime(2026, 11, 28, 15, 0)),
        ("1/2/2027 8.05", dt.datetime(2027, 2, 1, 8, 5)),
        ("2026-11-28T15:00", dt.datetime(2026, 11, 28, 15, 0)),
        ("2026-11-28 15:00", dt.datetime(2026, 11, 28, 15, 0)),
        ("2026-06-28T15:00", dt.datetime(2026, 6, 28, 15, 0)),
        ("9.30", dt.datetime(2026, 11, 23, 9, 30)),
        ("2pm", dt.datetime(2026, 11, 23, 14, 0)),
        ("2:30pm", dt.datetime(2026, 11, 23, 14, 30)),
        ("2.30 PM", dt.datetime(2026, 11, 23, 14, 30)),
        ("12pm", dt.datetime(2026, 11, 23, 12, 0)),
        ("12am", dt.datetime(2026, 11, 23, 0, 0)),
        ("11am", dt.datetime(2026, 11, 23, 11, 0)),
        ("noon", dt.datetime(2026, 11, 23, 12, 0)),
        ("fri midday", dt.datetime(2026, 11, 27, 12, 0)),
        ("  tue   9:00  ", dt.datetime(2026, 11, 24, 9, 0)),
    ],
)
def test_every_documented_form(text: str, expected: dt.datetime) -> None:
    assert local(text) == expected


def test_result_is_aware_utc_and_keeps_the_text() -> None:
    parsed = parse_when(" 2026-06-28T15:00 ", now=NOW, tz=TZ)
    assert parsed.start == pendulum.datetime(2026, 6, 28, 14, 0, tz="UTC")  # BST
    assert parsed.start.utcoffset() == dt.timedelta(0)
    assert parsed.text == "2026-06-28T15:00"
    assert parsed.describe(60, TZ) == "Sunday 28 June, 15:00-16:00"


def test_offsets_are_honoured() -> None:
    assert parse_when("2026-11-28T15:00+01:00", now=NOW, tz=TZ).start == pendulum.datetime(
        2026, 11, 28, 14, 0, tz="UTC"
    )
    assert parse_when("2026-11-28T15:00Z", now=NOW, tz=TZ).start == pendulum.datetime(
        2026, 11, 28, 15, 0, tz="UTC"
    )


def test_now_defaults_to_the_one_clock() -> None:
    with timeutil.frozen(NOW):
        assert parse_when("tomorrow 9", tz=TZ).local.naive() == dt.datetime(2026, 11, 24, 9, 0)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "tomorrow",
        "thu",
        "next tue 10",
        "10am tomorrow",
        "1430",
        "25:00",
        "9:60",
        "13pm",
        "0am",
        "next week 10",
        "+2x 11",
        "31/02 10",
        "30/02/2027 10",
        "00/11 10",
        "2026-13-01T10:00",
        "yesterday 10",
        "thu [red]9[/red]",
        "tomorrow 10 11",
    ],
)
def test_unreadable_input_is_one_clear_sentence(text: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, now=NOW, tz=TZ)
    error = caught.value
    assert isinstance(error, InputErrors)
    assert error.errors == {"when": str(error)}
    assert "\n" not in str(error)
    if text.strip() and "/" not in text:
        assert FORMS in str(error)


def test_long_input_is_shortened_in_the_message() -> None:
    with pytest.raises(WhenError) as caught:
        parse_when("x" * 500, now=NOW, tz=TZ)
    assert len(str(caught.value)) < 250


# -- the clock changes (2026: forward on 29 March, back on 25 October) ----------------------------


def test_october_change_day_0130_happens_twice() -> None:
    with pytest.raises(WhenError, match="happens twice.*give the offset"):
        parse_when("25/10/2026 01:30", now=NOW, tz=TZ)
    before = pendulum.datetime(2026, 10, 19, 9, tz=TZ)
    with pytest.raises(WhenError, match="happens twice"):
        parse_when("sun 1:30", now=before, tz=TZ)
    with pytest.raises(WhenError, match="happens twice"):
        parse_when("2026-10-25T01:30", now=NOW, tz=TZ)
    # with an offset it is one instant (the first 01:30 is BST)
    first = parse_when("2026-10-25T01:30+01:00", now=NOW, tz=TZ)
    second = parse_when("2026-10-25T01:30+00:00", now=NOW, tz=TZ)
    assert second.start - first.start == dt.timedelta(hours=1)


def test_march_change_day_0130_does_not_exist() -> None:
    with pytest.raises(WhenError, match="does not exist.*clocks go forward"):
        parse_when("29/03/2026 01:30", now=NOW, tz=TZ)
    saturday = pendulum.datetime(2026, 3, 28, 9, tz=TZ)
    with pytest.raises(WhenError, match="does not exist"):
        parse_when("tomorrow 1:30", now=saturday, tz=TZ)


def test_days_are_calendar_days_across_a_change() -> None:
    friday = pendulum.datetime(2026, 10, 23, 9, tz=TZ)  # BST
    monday = parse_when("+3d 9", now=friday, tz=TZ)
    assert monday.local.naive() == dt.datetime(2026, 10, 26, 9, 0)
    assert monday.start - timeutil.as_utc(friday) == dt.timedelta(days=3, hours=1)  # 73 real hours
    assert parse_when("mon 9", now=friday, tz=TZ).start == monday.start
    assert parse_when("next week mon 9", now=friday, tz=TZ).start == monday.start


def test_describe_slot() -> None:
    start = pendulum.datetime(2026, 11, 26, 9, 30, tz="UTC")
    with timeutil.frozen(NOW):
        assert describe_slot(start, start.add(hours=1), TZ) == "Thursday 26 November, 09:30-10:30"
        late = pendulum.datetime(2026, 11, 26, 23, 30, tz="UTC")
        assert describe_slot(late, late.add(hours=1), TZ) == (
            "Thursday 26 November, 23:30 to Friday 27 November, 00:30"
        )
        next_year = pendulum.datetime(2027, 1, 4, 9, tz="UTC")
        assert (
            describe_slot(next_year, next_year.add(hours=1), TZ)
            == "Monday 4 January 2027, 09:00-10:00"
        )
        summer = pendulum.datetime(2026, 6, 1, 8, tz="UTC")  # 09:00 BST
        assert describe_slot(summer, summer.add(minutes=45), TZ) == "Monday 1 June, 09:00-09:45"


# -- properties ---------------------------------------------------------------------------------

WEEKDAY_NAMES = [
    ["mon", "monday", "Mon"],
    ["tue", "tues", "tuesday"],
    ["wed", "weds", "Wednesday"],
    ["thu", "thur", "thurs", "thursday"],
    ["fri", "friday", "FRI"],
    ["sat", "saturday"],
    ["sun", "sunday"],
]

nows = st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2028, 12, 31)).map(
    lambda naive: pendulum.instance(naive, tz="UTC")
)


@st.composite
def time_forms(draw: st.DrawFn) -> tuple[str, dt.time]:
    hour = draw(st.integers(0, 23))
    minute = draw(st.integers(0, 59))
    form = draw(st.sampled_from(["h", "hh:mm", "h.mm", "ampm", "ampm_mm", "noon"]))
    if form == "noon":
        return draw(st.sampled_from(["noon", "midday", "Noon"])), dt.time(12, 0)
    if form == "h":
        return f"{hour}", dt.time(hour, 0)
    if form == "hh:mm":
        return f"{hour:02d}:{minute:02d}", dt.time(hour, minute)
    if form == "h.mm":
        return f"{hour}.{minute:02d}", dt.time(hour, minute)
    twelve = hour % 12 or 12
    suffix = draw(st.sampled_from(["am", "pm"]))
    space = draw(st.sampled_from(["", " "]))
    real = twelve % 12 + (12 if suffix == "pm" else 0)
    if form == "ampm":
        return f"{twelve}{space}{suffix}", dt.time(real, 0)
    return f"{twelve}:{minute:02d}{space}{suffix.upper()}", dt.time(real, minute)


@st.composite
def day_forms(
    draw: st.DrawFn, today: dt.date, now_time: dt.time, at: dt.time
) -> tuple[str, dt.date]:
    form = draw(
        st.sampled_from(
            [
                "none",
                "today",
                "tomorrow",
                "weekday",
                "nextweek",
                "plusd",
                "plusw",
                "ddmm",
                "ddmmyyyy",
            ]
        )
    )
    if form == "none":
        return "", today
    if form == "today":
        return "today ", today
    if form == "tomorrow":
        return draw(st.sampled_from(["tomorrow ", "tomorrow at "])), today + dt.timedelta(days=1)
    if form in ("weekday", "nextweek"):
        wanted = draw(st.integers(0, 6))
        name = draw(st.sampled_from(WEEKDAY_NAMES[wanted]))
        if form == "nextweek":
            monday = today - dt.timedelta(days=today.weekday() - 7)
            return f"next week {name} ", monday + dt.timedelta(days=wanted)
        ahead = (wanted - today.weekday()) % 7
        if ahead == 0 and at < now_time:
            ahead = 7
        return f"{name} ", today + dt.timedelta(days=ahead)
    if form in ("plusd", "plusw"):
        count = draw(st.integers(0, 60))
        unit = "d" if form == "plusd" else "w"
        return f"+{count}{unit} ", today + dt.timedelta(days=count * (1 if unit == "d" else 7))
    target = draw(st.dates(min_value=today, max_value=today + dt.timedelta(days=364)))
    if form == "ddmmyyyy":
        return f"{target.day}/{target.month:02d}/{target.year} ", target
    if target.month == 2 and target.day == 29:
        target = target - dt.timedelta(days=1)
    return f"{target.day:02d}/{target.month} ", target


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), now=nows)
def test_any_valid_phrase_parses_to_the_expected_local_time(
    data: st.DataObject, now: pendulum.DateTime
) -> None:
    now_local = now.in_timezone(TZ).naive()
    time_text, at = data.draw(time_forms())
    # the time compares against now to the minute: a now with seconds is after HH:MM:00
    day_text, day = data.draw(day_forms(now_local.date(), now_local.time(), at))
    expected = dt.datetime.combine(day, at)
    try:
        timeutil.local_to_utc(expected, TZ)
    except timeutil.TimeInputError:
        with pytest.raises(WhenError, match="does not exist|happens twice"):
            parse_when(day_text + time_text, now=now, tz=TZ)
        return
    parsed = parse_when(day_text + time_text, now=now, tz=TZ)
    assert parsed.local.naive() == expected
    assert parsed.start == timeutil.local_to_utc(expected, TZ)


@settings(max_examples=500)
@given(
    st.text(max_size=60)
    | st.lists(
        st.sampled_from(
            [
                "next",
                "week",
                "tue",
                "thu",
                "+",
                "2d",
                "10",
                ":",
                "30",
                "/",
                "11",
                "2026",
                "-",
                "T",
                "pm",
                "am",
                "noon",
                "at",
                "today",
                "tomorrow",
                " ",
                ".",
                "99",
                "0",
                "Z",
                "+01:00",
                "9999",
                "0000",
                "12",
            ]
        ),
        max_size=8,
    ).map("".join)
)
def test_random_text_never_raises_anything_but_the_clear_error(text: str) -> None:
    try:
        parsed = parse_when(text, now=NOW, tz=TZ)
    except WhenError as error:
        assert str(error) and "\n" not in str(error)
        assert isinstance(error, DutyDeskError)
    else:
        assert parsed.start.utcoffset() == dt.timedelta(0)


@settings(max_examples=300)
@given(
    st.datetimes(  # inside the meeting window of NOW (10 years back, 5 ahead)
        min_value=dt.datetime(2016, 11, 24),
        max_value=dt.datetime(2031, 11, 22),
        timezones=st.sampled_from(
            [
                dt.UTC,
                dt.timezone(dt.timedelta(hours=1)),
                dt.timezone(dt.timedelta(hours=-5, minutes=-30)),
            ]
        ),
    )
)
def test_iso_with_offset_round_trips(value: dt.datetime) -> None:
    value = value.replace(second=0, microsecond=0)
    parsed = parse_when(value.isoformat(), now=NOW, tz=TZ)
    assert parsed.start == value


@settings(max_examples=300)
@given(st.datetimes(min_value=dt.datetime(2016, 11, 24), max_value=dt.datetime(2031, 11, 22)))
def test_iso_without_offset_is_team_local(value: dt.datetime) -> None:
    value = value.replace(second=0, microsecond=0)
    try:
        expected = timeutil.local_to_utc(value, TZ)
    except timeutil.TimeInputError:
        with pytest.raises(WhenError):
            parse_when(value.isoformat(), now=NOW, tz=TZ)
        return
    parsed = parse_when(value.isoformat(timespec="minutes"), now=NOW, tz=TZ)
    assert parsed.start == expected
    assert parsed.local.naive() == value
