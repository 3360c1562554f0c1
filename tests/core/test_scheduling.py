"""The pure booking rules: clashes, travel buffer, hours, absences, the past, the slot search."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from duty_desk import scheduling
from duty_desk.config import Config, MeetingSettings, TeamSettings
from duty_desk.scheduling import Away, Busy, Candidate, ceil_to_grid, free_slot, problems

TZ = "Europe/London"
CONFIG = Config()
TEAM = CONFIG.team
MEET = CONFIG.meetings
NAMES = {1: "Ann (test)", 2: "Bo (test)", 3: "Cy (test)"}
NOW = pendulum.datetime(2026, 11, 23, 7, 0, tz=TZ)  # Monday, before opening


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> pendulum.DateTime:
    return pendulum.datetime(2026, month, day, hour, minute, tz=TZ).in_timezone("UTC")


def busy(
    mid: int,
    start: dt.datetime,
    minutes: int = 60,
    staff: tuple[int, ...] = (1,),
    client: int = 99,
    place: str = "base",
) -> Busy:
    return Busy(mid, client, start, start + dt.timedelta(minutes=minutes), place, frozenset(staff))


def check(
    start: dt.datetime,
    minutes: int = 60,
    staff: tuple[int, ...] = (1,),
    client: int = 7,
    place: str = "base",
    existing: tuple[Busy, ...] = (),
    away: tuple[Away, ...] = (),
    moving: int | None = None,
    now: dt.datetime = NOW,
    team: TeamSettings = TEAM,
    meetings: MeetingSettings = MEET,
) -> list[tuple[str, str, bool]]:
    found = problems(
        Candidate(client, start, start + dt.timedelta(minutes=minutes), staff, place, moving),
        existing,
        away,
        NAMES,
        team,
        meetings,
        now,
    )
    return [(p.kind, p.text, p.blocking) for p in found]


def kinds(found: list[tuple[str, str, bool]]) -> list[str]:
    return [kind for kind, _text, _blocking in found]


def test_a_free_time_has_no_problems() -> None:
    assert check(at(24, 10)) == []


def test_staff_busy_is_blocking_and_names_who_and_when() -> None:
    found = check(at(24, 10, 30), staff=(1, 2), existing=(busy(5, at(24, 10), staff=(1, 3)),))
    assert found == [
        ("staff_busy", "Ann (test) is already in a meeting Tue 24 Nov 10:00-11:00", True)
    ]


def test_touching_meetings_do_not_overlap() -> None:
    assert check(at(24, 11), existing=(busy(5, at(24, 10)),)) == []
    assert check(at(24, 9), existing=(busy(5, at(24, 10)),)) == []


def test_cancelled_meetings_are_not_passed_in_and_other_staff_do_not_clash() -> None:
    assert check(at(24, 10), staff=(2,), existing=(busy(5, at(24, 10), staff=(1,)),)) == []


def test_client_busy_even_with_other_staff() -> None:
    found = check(
        at(24, 10, 15), staff=(2,), client=7, existing=(busy(5, at(24, 10), staff=(1,), client=7),)
    )
    assert found == [
        ("client_busy", "The client already has a meeting Tue 24 Nov 10:00-11:00", True)
    ]


def test_moving_meeting_never_clashes_with_itself() -> None:
    existing = (busy(5, at(24, 10), client=7),)
    assert check(at(24, 10, 30), moving=5, existing=existing) == []
    assert kinds(check(at(24, 10, 30), existing=existing)) == ["client_busy", "staff_busy"]


def test_travel_buffer_only_around_home_visits() -> None:
    home_before = (busy(5, at(24, 9), place="home"),)  # 09:00-10:00 home visit
    found = check(at(24, 10, 10), existing=home_before)
    assert found == [
        (
            "travel_buffer",
            "Ann (test) has only 10 minutes between this and a meeting "
            "Tue 24 Nov 09:00-10:00 (a home visit needs 30 for travel)",
            False,
        )
    ]
    assert check(at(24, 10, 30), existing=home_before) == []  # exactly the buffer is enough
    # this one is the home visit, the other at the base
    assert kinds(check(at(24, 8), place="home", existing=(busy(5, at(24, 9, 15)),))) == [
        "travel_buffer"
    ]
    # neither is a home visit: no buffer needed
    assert check(at(24, 10), existing=(busy(5, at(24, 9)),)) == []
    # another staff member's home visit is not our travel
    assert check(at(24, 10), staff=(2,), existing=home_before) == []
    no_buffer = MeetingSettings(travel_buffer_minutes=0)
    assert check(at(24, 10), existing=home_before, meetings=no_buffer) == []


def test_outside_hours_and_days() -> None:
    text = "is outside the team's hours (08:00-20:00, Mon-Fri)"
    found = check(at(24, 7, 30))
    assert found == [("outside_hours", f"Tue 24 Nov 07:30-08:30 {text}", False)]
    assert kinds(check(at(24, 19, 30))) == ["outside_hours"]  # ends after closing
    assert check(at(24, 19)) == []  # ends at closing exactly
    assert check(at(24, 8)) == []  # starts at opening exactly
    assert kinds(check(at(28, 10))) == ["outside_hours"]  # Saturday
    assert kinds(check(at(24, 23, 30))) == ["outside_hours"]  # runs past midnight


def test_hours_follow_the_wall_clock_in_summer() -> None:
    assert check(at(1, 8, month=6), now=at(1, 7, month=6)) == []  # 08:00 BST = 07:00 UTC
    assert kinds(check(at(1, 7, 30, month=6), now=at(1, 7, month=6))) == ["outside_hours"]


def test_absence_covering_the_local_day() -> None:
    away = (
        Away(2, dt.date(2026, 11, 24), dt.date(2026, 11, 25), "leave"),
        Away(3, dt.date(2026, 11, 24), dt.date(2026, 11, 24), "training"),
    )
    found = check(at(24, 10), staff=(1, 2), away=away)
    assert found == [("staff_absent", "Bo (test) is away (leave) on Tuesday 24 November", False)]
    assert check(at(26, 10), staff=(1, 2), away=away) == []


def test_in_past_and_order_of_problems() -> None:
    now = at(24, 12)
    found = check(
        at(24, 10),
        staff=(1, 2),
        now=now,
        existing=(busy(5, at(24, 10)),),
        away=(Away(2, dt.date(2026, 11, 24), dt.date(2026, 11, 24), "sickness"),),
    )
    assert kinds(found) == ["staff_busy", "staff_absent", "in_past"]
    assert found[-1][1] == "Tue 24 Nov 10:00-11:00 is in the past"


def test_blocking_sentence() -> None:
    found = problems(
        Candidate(7, at(24, 10), at(24, 11), (1,), "base"),
        [busy(5, at(24, 10))],
        [],
        NAMES,
        TEAM,
        MEET,
        NOW,
    )
    assert scheduling.blocking_sentence(found) == (
        "Cannot book this time: Ann (test) is already in a meeting Tue 24 Nov 10:00-11:00; "
        "nothing was saved"
    )


# -- the slot grid and the search ---------------------------------------------------------------


def test_ceil_to_grid() -> None:
    assert ceil_to_grid(at(24, 10, 1), 15, TZ) == at(24, 10, 15)
    assert ceil_to_grid(at(24, 10, 15), 15, TZ) == at(24, 10, 15)
    assert ceil_to_grid(at(24, 10, 15).add(seconds=1), 15, TZ) == at(24, 10, 30)
    assert ceil_to_grid(at(24, 23, 50), 15, TZ) == at(25, 0, 0)


def slot(
    after: dt.datetime,
    existing: tuple[Busy, ...] = (),
    away: tuple[Away, ...] = (),
    staff: tuple[int, ...] = (1, 2),
    minutes: int = 60,
    place: str = "base",
    days: int = 14,
) -> dt.datetime | None:
    return free_slot(7, minutes, staff, place, after, existing, away, TEAM, MEET, days)


def test_next_free_slot_from_before_opening_is_opening() -> None:
    assert slot(at(24, 6, 40)) == at(24, 8)


def test_next_free_slot_rounds_up_to_the_grid() -> None:
    assert slot(at(24, 10, 7)) == at(24, 10, 15)


def test_next_free_slot_skips_busy_staff_and_client() -> None:
    existing = (
        busy(5, at(24, 8), staff=(1,)),
        busy(6, at(24, 9), minutes=90, staff=(2,)),
        busy(7, at(24, 10, 30), staff=(3,), client=7),
    )
    assert slot(at(24, 8), existing=existing) == at(24, 11, 30)


def test_next_free_slot_keeps_the_travel_buffer() -> None:
    existing = (busy(5, at(24, 8), staff=(1,), place="home"),)
    assert slot(at(24, 8), existing=existing) == at(24, 9, 30)
    assert slot(at(24, 8), place="home", existing=(busy(5, at(24, 8), staff=(1,)),)) == at(
        24, 9, 30
    )


def test_next_free_slot_after_closing_is_next_working_day_and_skips_absence() -> None:
    assert slot(at(27, 19, 30)) == at(30, 8)  # Friday evening -> Monday
    away = (Away(2, dt.date(2026, 11, 30), dt.date(2026, 12, 1), "leave"),)
    assert slot(at(27, 19, 30), away=away) == at(2, 8, month=12)
    # a meeting too long to fit the last slot of the day goes to the next day
    assert slot(at(24, 19, 0), minutes=90) == at(25, 8)


def test_next_free_slot_none_when_nothing_is_free() -> None:
    away = (Away(1, dt.date(2026, 11, 1), dt.date(2026, 12, 31), "leave"),)
    assert slot(at(24, 8), away=away) is None
    assert slot(at(24, 8), minutes=13 * 60) is None  # longer than the team's day


def test_next_free_slot_across_the_october_change() -> None:
    # Friday 23 October 2026 evening (BST) -> Monday 26 October 08:00 GMT (= 08:00 UTC)
    friday_evening = pendulum.datetime(2026, 10, 23, 19, 30, tz=TZ)
    found = slot(friday_evening)
    assert found == pendulum.datetime(2026, 10, 26, 8, tz="UTC")
    assert pendulum.instance(found).in_timezone(TZ).hour == 8


def test_team_working_weekends_meets_at_night_change_safely() -> None:
    # a team open around the clock on Sundays: 01:00-01:59 on 25 October happens twice
    team = TeamSettings(days=["sun"], opens=dt.time(0, 0), closes=dt.time(23, 59))
    found = free_slot(
        7,
        60,
        (1,),
        "base",
        pendulum.datetime(2026, 10, 25, 0, 30, tz=TZ),
        [busy(5, pendulum.datetime(2026, 10, 25, 0, 30, tz=TZ), minutes=30)],
        [],
        team,
        MEET,
    )
    # 01:00 local is ambiguous and 01:15..01:45 too (their ends are at 02:15.. fine, starts not):
    # the first unambiguous start with an unambiguous end is 02:00 GMT
    assert found == pendulum.datetime(2026, 10, 25, 2, 0, tz="UTC")


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (["mon", "tue", "wed", "thu", "fri"], "08:00-20:00, Mon-Fri"),
        (["mon", "wed"], "08:00-20:00, Mon, Wed"),
        (["sat", "sun", "mon"], "08:00-20:00, Mon, Sat, Sun"),
    ],
)
def test_hours_words(days: list[str], words: str) -> None:
    assert scheduling.hours_words(TeamSettings(days=days)) == words  # type: ignore[arg-type]
