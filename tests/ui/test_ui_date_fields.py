"""Every date field of the app, fed random dates through the real dialogs (hypothesis and the
pilot): year 1, year 9999, days far outside what Python or pendulum can add a day to, and
ordinary dates. Whatever is typed: no crash (an internal error would stop ``run_test``), and a
date outside the bounds (``duty_desk.timeutil``: years 1900 to 2200; meetings, days shown and
absences 10 years back to 5 ahead) is refused with a message under its own field, what was
typed stays, and the database is unchanged.

The CLI's date options and the CSV import's date columns get the same through real
processes in tests/system/test_date_bounds.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot
from textual.widgets import Input, Select

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.repository import Repository
from screens.app import DutyDeskApp
from tests.conftest import MONDAY_10, referral_input
from tests.ui.test_ui_support import make_app, settle

CONFIG = Config()
TODAY = MONDAY_10.date()
SETTINGS = settings(
    max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)

# Typed dates that must be refused by every field: outside the years, or not dates at all.
EDGES = [
    "0001-01-01",
    "9999-12-31",
    "01/01/0001",
    "31/12/9999",
    "31/12/1899",
    "01/01/2201",
    "9999-12-31T23:59-05:00",
    "0001-01-01T00:00+05:00",
    "+999w",
    "00/00/0000",
    "99999999999999999999",
]


def typed_day(day: dt.date) -> st.SearchStrategy[str]:
    return st.sampled_from([f"{day.day:02d}/{day.month:02d}/{day.year:04d}", day.isoformat()])


typed_dates = st.one_of(
    st.sampled_from(EDGES),
    st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).flatmap(typed_day),
    st.integers(min_value=-(10**9), max_value=10**9).map(lambda n: f"+{abs(n)}d"),
)


def year_of(text: str) -> int | None:
    """The year of a typed DD/MM/YYYY or ISO date (None for anything else)."""
    head = text.split("T")[0].split(" ")[0]
    if "/" in head and head.count("/") == 2 and head.split("/")[2].isdigit():
        return int(head.split("/")[2])
    if head.count("-") == 2 and head.split("-")[0].isdigit():
        return int(head.split("-")[0])
    return None


def must_refuse(text: str, meeting: bool) -> bool:
    """What the bounds refuse for sure (other input may be refused for other reasons)."""
    if text in EDGES:
        return True
    year = year_of(text)
    if year is None:
        return False
    if not timeutil.EARLIEST_YEAR <= year <= timeutil.LATEST_YEAR:
        return True
    try:
        day = timeutil.parse_date(text.split(" ")[0])
    except timeutil.TimeInputError:
        return True
    return meeting and timeutil.meeting_day_problem(day, TODAY) is not None


@dataclass(frozen=True)
class DateField:
    """A date field: how to reach its dialog, its id, how a date is typed into it."""

    name: str
    field: str
    meeting: bool  # bounded by the meeting window too
    open: Callable[[Pilot[Any]], Awaitable[None]]
    suffix: str = ""  # a time after the date, where the field takes one
    others: tuple[tuple[str, str], ...] = ()  # other fields' valid values


async def keys(pilot: Pilot[Any], *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
        await settle(pilot)


async def open_referral_form(pilot: Pilot[Any]) -> None:
    await keys(pilot, "n")
    form = pilot.app.screen
    for name, value in referral_input().items():
        widget = form.query_one(f"#field-{name}")
        if isinstance(widget, Input):
            widget.value = value
    form.query_one("#field-area", Select).value = "canterbury"
    await settle(pilot)
    form.query_one("#field-gp_practice", Select).value = referral_input()["gp_practice"]
    form.query_one("#field-source", Select).value = "spoa-urgent"
    form.query_one("#field-urgency", Select).value = "C"


async def open_booking(pilot: Pilot[Any]) -> None:
    await keys(pilot, "2", "b")


async def open_date_dialog(pilot: Pilot[Any]) -> None:
    await keys(pilot, "3", "g")


async def open_absence(pilot: Pilot[Any]) -> None:
    await keys(pilot, "2", "a")
    form = pilot.app.screen
    picker = form.query_one("#field-staff", Select)
    if picker.is_blank():
        picker.value = str(form.staff[0].id)


async def open_discharge(pilot: Pilot[Any]) -> None:
    await keys(pilot, "2", "d")
    pilot.app.screen.query_one("#field-reason", Input).value = "Moved away (test)"


FIELDS = [
    DateField("referral received", "received_at", False, open_referral_form, " 09:00"),
    DateField("date of birth", "date_of_birth", False, open_referral_form),
    DateField("booking", "when", True, open_booking, " 10:00"),
    DateField("go to date", "day", True, open_date_dialog),
    DateField("absence from", "starts_on", True, open_absence, "", (("ends_on", "31/12/2031"),)),
    DateField("absence to", "ends_on", True, open_absence, "", (("starts_on", "24/11/2016"),)),
    DateField("discharge", "on", True, open_discharge),
]


def _fresh(tmp: Path) -> Repository:
    for old in tmp.glob("duty*.db*"):
        old.unlink()
    db = open_database(CONFIG, str(tmp / "duty.db"), create=True)
    repo = Repository(db, CONFIG, actor="duty1")
    repo.add_staff("duty1", "Duty One (test)", "team_lead", bootstrap=True)
    repo.add_staff("peer1", "Peer One (test)", "peer_support")
    staff = [s.id for s in repo.list_staff()]
    client = repo.accept(repo.add_referral(referral_input()))
    repo.set_core_team(client, staff, staff[0], "Team (test)")
    return repo


def _fingerprint(path: Path) -> tuple[int, int, int, int]:
    with closing(sqlite3.connect(path)) as con:
        return tuple(  # type: ignore[return-value]
            con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("audit_log", "referral", "meeting", "absence")
        )


async def _type_and_save(app: DutyDeskApp, spec: DateField, text: str) -> tuple[bool, str, str]:
    """(refused, what the field holds afterwards, the message under it)."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await spec.open(pilot)
        dialog = app.screen
        for name, value in spec.others:
            dialog.query_one(f"#field-{name}", Input).value = value
        typed = text + spec.suffix
        dialog.query_one(f"#field-{spec.field}", Input).value = typed
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        if app.screen is not dialog:
            return False, typed, ""
        kept = dialog.query_one(f"#field-{spec.field}", Input).value
        message = str(dialog.query_one(f"#error-{spec.field}").render()).strip()
        return True, kept, message


def _check(tmp_path_factory: Any, spec: DateField, text: str) -> None:
    tmp = tmp_path_factory.mktemp("dates")
    with timeutil.frozen(MONDAY_10):
        repo = _fresh(tmp)
        path = Path(str(repo.db.sqlite_path))
        try:
            before = _fingerprint(path)
            refused, kept, message = asyncio.run(
                _type_and_save(make_app(CONFIG, repo.db), spec, text)
            )
            if must_refuse(text, spec.meeting):
                assert refused, f"{spec.name}: {text!r} was taken"
                assert kept == text + spec.suffix, "what was typed stays"
                assert message, f"{spec.name}: no message under the field for {text!r}"
                assert "\n" not in message
                assert _fingerprint(path) == before, "nothing was written"
            elif refused:
                assert kept == text + spec.suffix
        finally:
            repo.db.dispose()


def _for(spec: DateField) -> Callable[..., None]:
    @SETTINGS
    @example(text="0001-01-01")
    @example(text="31/12/9999")
    @given(text=typed_dates)
    def run(tmp_path_factory: Any, text: str) -> None:
        _check(tmp_path_factory, spec, text)

    run.__name__ = f"test_random_dates_in_{spec.field}"
    return run


test_random_dates_in_received_at = _for(FIELDS[0])
test_random_dates_in_date_of_birth = _for(FIELDS[1])
test_random_dates_in_booking_when = _for(FIELDS[2])
test_random_dates_in_go_to_date = _for(FIELDS[3])
test_random_dates_in_absence_from = _for(FIELDS[4])
test_random_dates_in_absence_to = _for(FIELDS[5])
test_random_dates_in_discharge_on = _for(FIELDS[6])
