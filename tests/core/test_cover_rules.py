"""The cover part of issue 11, pure rules: the instants a (part-day) absence covers, which
meetings it touches (half-open, across midnight and the clock changes), the times typed for
it, and the continuity figures with cover counted as not core (a worked example)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from duty_desk import continuity, scheduling
from duty_desk.errors import InputErrors
from duty_desk.validation import parse_clock, validate_absence_times

TZ = "Europe/London"
UTC = dt.UTC


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


def away(
    first: dt.date, last: dt.date, start: dt.time | None = None, end: dt.time | None = None
) -> scheduling.Away:
    return scheduling.Away(7, first, last, "leave", start, end)


MON = dt.date(2026, 11, 23)  # GMT: local = UTC
TUE = dt.date(2026, 11, 24)


def test_a_whole_day_absence_covers_local_midnight_to_midnight() -> None:
    assert scheduling.absence_span(MON, MON, None, None, TZ) == (at(2026, 11, 23), at(2026, 11, 24))


def test_a_meeting_ending_exactly_when_the_absence_starts_is_not_affected() -> None:
    afternoon = away(MON, MON, dt.time(13, 0))
    assert not scheduling.away_during(afternoon, at(2026, 11, 23, 12), at(2026, 11, 23, 13), TZ)
    assert scheduling.away_during(afternoon, at(2026, 11, 23, 12), at(2026, 11, 23, 13, 1), TZ)
    morning = away(MON, MON, None, dt.time(12, 0))
    assert not scheduling.away_during(morning, at(2026, 11, 23, 12), at(2026, 11, 23, 13), TZ)
    assert scheduling.away_during(morning, at(2026, 11, 23, 11, 30), at(2026, 11, 23, 12), TZ)


def test_a_part_day_absence_across_midnight() -> None:
    night = away(MON, TUE, dt.time(22, 0), dt.time(6, 0))
    assert scheduling.absence_span(MON, TUE, dt.time(22, 0), dt.time(6, 0), TZ) == (
        at(2026, 11, 23, 22),
        at(2026, 11, 24, 6),
    )
    assert scheduling.away_during(night, at(2026, 11, 23, 23, 30), at(2026, 11, 24, 0, 30), TZ)
    assert scheduling.away_during(night, at(2026, 11, 24, 5, 30), at(2026, 11, 24, 6, 30), TZ)
    assert not scheduling.away_during(night, at(2026, 11, 24, 6), at(2026, 11, 24, 7), TZ)
    assert not scheduling.away_during(night, at(2026, 11, 23, 21), at(2026, 11, 23, 22), TZ)
    # Away for the whole of neither day: a free slot may still be found on either.
    assert not scheduling.away_all_day(night, MON)
    assert not scheduling.away_all_day(night, TUE)
    assert scheduling.away_all_day(away(MON, TUE), TUE)


def test_the_spans_follow_the_wall_clock_over_the_clock_changes() -> None:
    spring = dt.date(2026, 3, 29)  # 01:00 GMT becomes 02:00 BST
    start, end = scheduling.absence_span(spring, spring, None, None, TZ)
    assert end - start == dt.timedelta(hours=23)
    # until 03:00 BST is 02:00 UTC; from 09:00 BST is 08:00 UTC
    assert scheduling.absence_span(spring, spring, None, dt.time(3, 0), TZ)[1] == at(2026, 3, 29, 2)
    assert scheduling.absence_span(spring, spring, dt.time(9, 0), None, TZ)[0] == at(2026, 3, 29, 8)
    autumn = dt.date(2026, 10, 25)  # 02:00 BST becomes 01:00 GMT
    start, end = scheduling.absence_span(autumn, autumn, None, None, TZ)
    assert end - start == dt.timedelta(hours=25)
    mornings = away(autumn, autumn, None, dt.time(9, 0))  # until 09:00 GMT
    assert scheduling.away_during(mornings, at(2026, 10, 25, 8), at(2026, 10, 25, 9), TZ)
    assert not scheduling.away_during(mornings, at(2026, 10, 25, 9), at(2026, 10, 25, 10), TZ)


def test_the_booking_rules_warn_only_inside_the_absent_hours() -> None:
    from duty_desk.config import Config

    config = Config()
    afternoon = away(MON, MON, dt.time(13, 0))

    def kinds(start: dt.datetime) -> list[str]:
        candidate = scheduling.Candidate(1, start, start + dt.timedelta(hours=1), (7,), "base")
        found = scheduling.problems(
            candidate, [], [afternoon], {7: "Peer (test)"}, config.team, config.meetings, start
        )
        return [p.kind for p in found]

    assert "staff_absent" not in kinds(at(2026, 11, 23, 12))  # ends as they go
    assert "staff_absent" in kinds(at(2026, 11, 23, 12, 30))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("13:30", dt.time(13, 30)), ("1330", dt.time(13, 30)), ("9", dt.time(9, 0)), ("", None)],
)
def test_times_are_read(typed: str, expected: dt.time | None) -> None:
    assert parse_clock(typed, "starts_time") == expected


def test_until_24_00_is_the_end_of_the_day() -> None:
    assert parse_clock("24:00", "ends_time", end=True) is None
    with pytest.raises(InputErrors):
        parse_clock("24:00", "starts_time")


def test_times_on_one_day_must_run_forwards() -> None:
    assert validate_absence_times(MON, MON, dt.time(9), dt.time(12)) == (dt.time(9), dt.time(12))
    assert validate_absence_times(MON, MON, dt.time(0), None) == (None, None)
    with pytest.raises(InputErrors) as caught:
        validate_absence_times(MON, MON, dt.time(12), dt.time(12))
    assert "ends_time" in caught.value.errors
    # across two days the end may be earlier in the day than the start
    assert validate_absence_times(MON, TUE, dt.time(22), dt.time(6)) == (dt.time(22), dt.time(6))


# -- continuity: cover counts as not core --------------------------------------------------------
A, B, C = 1, 2, 3


def test_the_worked_example_in_the_continuity_module() -> None:
    """Core team {A, B}, key worker A; meetings A | C as cover | A,B | A."""
    held = [frozenset({A}), frozenset({C}), frozenset({A, B}), frozenset({A})]
    cover = [frozenset(), frozenset({C}), frozenset(), frozenset()]
    found = continuity.figures(held, {A, B}, A, cover)
    assert found.meetings == 4
    assert found.with_core == Fraction(3, 4)
    assert found.with_key_worker == Fraction(3, 4)
    assert found.upc == Fraction(3, 4)
    assert found.coc == Fraction(3, 10)
    assert found.secon == Fraction(1, 3)


def test_cover_never_counts_as_core_the_key_worker_or_the_usual_provider() -> None:
    """C covers twice running for the absent key worker A: as cover C is a stranger each
    time, so nothing links those meetings and C is never the usual provider; had C come
    as an ordinary visitor the figures would credit C."""
    held = [frozenset({C}), frozenset({C}), frozenset({C})]
    as_cover = continuity.figures(held, {A, B}, A, [frozenset({C})] * 3)
    assert as_cover.with_core == 0 and as_cover.with_key_worker == 0
    assert as_cover.upc == Fraction(1, 3)
    assert as_cover.secon == 0
    assert as_cover.coc == 0
    ordinary = continuity.figures(held, {A, B}, A)
    assert ordinary.upc == 1 and ordinary.secon == 1 and ordinary.coc == 1
    # Even a core-team member there as cover counts as not core at that meeting.
    core_cover = continuity.figures(
        [frozenset({B}), frozenset({A})], {A, B}, A, [frozenset({B}), frozenset()]
    )
    assert core_cover.with_core == Fraction(1, 2)
