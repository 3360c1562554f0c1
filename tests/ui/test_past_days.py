"""A day that has happened (an admission): "mon" and "20/11" typed on Wednesday 2 December
mean the last such day, not the next (found by trying it: "mon" was read as next Monday and
refused as in the future)."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from duty_desk import timeutil
from screens.date_dialog import read_day

TZ = "Europe/London"


@pytest.mark.parametrize(
    ("typed", "past", "expected"),
    [
        ("mon", True, dt.date(2026, 11, 30)),
        ("monday", True, dt.date(2026, 11, 30)),
        ("wed", True, dt.date(2026, 12, 2)),
        ("20/11", True, dt.date(2026, 11, 20)),
        ("30/12", True, dt.date(2025, 12, 30)),
        ("today", True, dt.date(2026, 12, 2)),
        ("28/12/2026", True, dt.date(2026, 12, 28)),  # a year typed is kept (refused later)
        ("mon", False, dt.date(2026, 12, 7)),
        ("30/12", False, dt.date(2026, 12, 30)),
    ],
)
def test_past_days(typed: str, past: bool, expected: dt.date) -> None:
    with timeutil.frozen(pendulum.datetime(2026, 12, 2, 10, tz=TZ)):
        assert read_day(typed, TZ, past=past) == expected
