"""Property tests through the real app: hypothesis types random input into the referral
form and the booking dialog. The app never crashes, a refused form stays open with its
input, and the database never holds a record that breaks its rules."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import unicodedata
from contextlib import closing
from pathlib import Path
from typing import Any

import pendulum
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual.widgets import Input, Select, TextArea

from duty_desk import maintenance, nhs, timeutil
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.errors import InputErrors
from duty_desk.repository import Repository
from duty_desk.validation import validate_referral
from tests.conftest import MONDAY_10, referral_input
from tests.ui.test_ui_support import make_app, settle

CONFIG = Config()
SETTINGS = settings(
    max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)

nasty = st.text(min_size=0, max_size=60)  # any unicode, control characters and markup included
dates = st.one_of(
    nasty, st.dates(dt.date(1890, 1, 1), dt.date(2035, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y"))
)
nhs_numbers = st.one_of(nasty, st.sampled_from(["999 000 0018", "9434765919", "943 476 5918", ""]))
received = st.one_of(
    nasty,
    st.sampled_from(
        ["23/11/2026 09:00", "25/10/2026 01:30", "29/03/2026 01:30", "2026-11-23T08:00+00:00"]
    ),
)
choice = st.one_of(st.none(), st.sampled_from(["canterbury", "whitstable"]))
referral_inputs = st.fixed_dictionaries(
    {
        "received_at": received,
        "name": st.one_of(nasty, st.just("Sam Random (test)")),
        "date_of_birth": dates,
        "nhs_number": nhs_numbers,
        "phone": nasty,
        "reason": nasty,
        "notes": nasty,
        "area": choice,
        "source": st.one_of(st.none(), st.sampled_from(list(CONFIG.sources))),
        "urgency": st.one_of(st.none(), st.sampled_from(list(CONFIG.urgency))),
    }
)


def _fresh(tmp: Path) -> tuple[Any, Repository]:
    path = tmp / f"duty-{id(tmp)}-{pendulum.now().int_timestamp}.db"
    for old in tmp.glob("duty-*.db*"):
        old.unlink()
    db = open_database(CONFIG, str(path), create=True)
    repo = Repository(db, CONFIG, actor="duty1")
    repo.add_staff("duty1", "Duty One (test)", "team_lead", bootstrap=True)
    return db, repo


def _no_controls(text: str, newlines: bool) -> bool:
    return not any(
        unicodedata.category(ch) == "Cc" and not (newlines and ch in "\n\t") for ch in text
    )


def _stored_referrals_keep_the_rules(path: Path) -> None:
    today = timeutil.to_local(timeutil.now(), CONFIG.team.timezone).date()
    with closing(sqlite3.connect(path)) as con:
        rows = con.execute(
            "SELECT name, date_of_birth, nhs_number, phone, area, gp_practice, "
            "source, urgency, reason, notes FROM referral"
        ).fetchall()
    for name, born, number, phone, area, practice, source, urgency, reason, notes in rows:
        assert name.strip() and len(name) <= 120 and _no_controls(name, newlines=False)
        assert _no_controls(phone, False) and _no_controls(reason, True)
        assert _no_controls(notes, True)
        assert number is None or nhs.nhs_number_problem(number) is None
        birth = dt.date.fromisoformat(born)
        assert birth <= today and timeutil.age_on(birth, today) <= 120
        assert area in CONFIG.areas and practice in CONFIG.areas[area].gp_practices
        assert source in CONFIG.sources and urgency in CONFIG.urgency


VALID = {
    "received_at": "23/11/2026 09:00",
    "name": "Sam Random (test)",
    "date_of_birth": "01/02/1990",
    "nhs_number": "999 000 0018",
    "phone": "",
    "reason": "[b]not markup[/b] (test)",
    "notes": "line one\nline two",
    "area": "canterbury",
    "source": "spoa-urgent",
    "urgency": "C",
}


def _accepted_by_the_rules(typed: dict[str, Any]) -> bool:
    raw = {k: (v or "") for k, v in typed.items()}
    raw["gp_practice"] = CONFIG.areas[typed["area"]].gp_practices[0] if typed["area"] else ""
    try:
        validate_referral(raw, CONFIG, timeutil.now())
    except InputErrors:
        return False
    return True


@SETTINGS
@example(typed=VALID)
@example(typed=dict(VALID, name="[red]Sam[/red]", nhs_number="999 000 0019"))
@given(typed=referral_inputs)
def test_random_referral_form_input(tmp_path_factory: Any, typed: dict[str, Any]) -> None:
    """Saved exactly when the core's rules accept the input; what is saved keeps the rules."""
    tmp = tmp_path_factory.mktemp("form")
    with timeutil.frozen(MONDAY_10):
        db, _repo = _fresh(tmp)
        try:
            asyncio.run(_fill_referral_form(db, typed))
            path = Path(str(db.sqlite_path))
            _stored_referrals_keep_the_rules(path)
            with closing(sqlite3.connect(path)) as con:
                saved = con.execute("SELECT count(*) FROM referral").fetchone()[0]
            assert saved == (1 if _accepted_by_the_rules(typed) else 0)
        finally:
            db.dispose()


async def _fill_referral_form(db: Any, typed: dict[str, Any]) -> None:
    app = make_app(CONFIG, db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        for field in ("received_at", "name", "date_of_birth", "nhs_number", "phone", "reason"):
            form.query_one(f"#field-{field}", Input).value = typed[field]
        form.query_one("#field-notes", TextArea).text = typed["notes"]
        for field in ("area", "source", "urgency"):
            if typed[field] is not None:
                form.query_one(f"#field-{field}", Select).value = typed[field]
        await settle(pilot)
        if typed["area"] is not None:
            practice = CONFIG.areas[typed["area"]].gp_practices[0]
            form.query_one("#field-gp_practice", Select).value = practice
        before = form.query_one("#field-name", Input).value
        await pilot.press("ctrl+s")
        await settle(pilot)
        if app.screen is form:  # refused: the form is still there with what was typed
            assert form.query_one("#field-name", Input).value == before
            shown = [str(e.render()) for e in form.query(".error") if str(e.render()).strip()]
            assert shown, "a refused form says why"


@SETTINGS
@given(
    when=st.one_of(
        nasty,
        st.sampled_from(
            [
                "14:30",
                "tomorrow 10",
                "thu 9:30",
                "+2d 11",
                "25/10/2026 01:30",
                "28/11 15:00",
                "noon",
            ]
        ),
    )
)
def test_random_booking_time_input(tmp_path_factory: Any, when: str) -> None:
    tmp = tmp_path_factory.mktemp("booking")
    with timeutil.frozen(MONDAY_10):
        db, repo = _fresh(tmp)
        try:
            repo.add_staff("peer1", "Peer One (test)", "peer_support")
            staff = [s.id for s in repo.list_staff()]
            client = repo.accept(repo.add_referral(referral_input()))
            repo.set_core_team(client, staff, staff[0], "Team (test)")
            asyncio.run(_book(db, when))
            report = maintenance.check(db, CONFIG)
            assert report.problems == []
        finally:
            db.dispose()


async def _book(db: Any, when: str) -> None:
    app = make_app(CONFIG, db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        dialog = app.screen
        field = dialog.query_one("#field-when", Input)
        field.value = when
        await pilot.press("enter")
        await settle(pilot)
        if app.screen is dialog:
            assert dialog.query_one("#field-when", Input).value == when, "the text stays"
            await pilot.press("enter")  # book if the check passed; else refused again
            await settle(pilot)
