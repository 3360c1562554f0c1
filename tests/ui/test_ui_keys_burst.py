"""Fast typing and pasting land in the right field (screens/key_order.py), through the real app.

A burst is every key posted to the app at once, as a terminal delivers what one read over a
slow SSH link (or a paste without bracketed paste) holds: nothing waits between the key that
opens a form and the keys meant for its fields. ``pilot.press`` with many keys and a
bracketed ``Paste`` event are tried too.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.widgets import Input

from duty_desk.vocabulary import ReferralStatus
from screens.date_dialog import DateDialog
from screens.referral_form import ReferralForm
from tests.ui.test_ui_day_support import open_day
from tests.ui.test_ui_support import settle

KEY_NAMES = {
    " ": "space",
    "/": "slash",
    "-": "minus",
    "(": "left_parenthesis",
    ")": "right_parenthesis",
}


def keys_of(text: str) -> list[tuple[str, str | None]]:
    """The key events a terminal sends for ``text``; "\\t" is Tab, "\\n" is Enter."""
    found: list[tuple[str, str | None]] = []
    for char in text:
        if char == "\t":
            found.append(("tab", "\t"))
        elif char == "\n":
            found.append(("enter", "\r"))
        else:
            found.append((KEY_NAMES.get(char, char), char))
    return found


def burst(app: Any, text: str) -> None:
    """Every key of ``text`` posted to the app at once, without waiting for any of them."""
    for key, char in keys_of(text):
        post(app, events.Key(key, char))


def post(app: Any, event: events.Key | events.Paste) -> None:
    app.posted = getattr(app, "posted", 0) + 1
    app.post_message(event)


async def typed(pilot: Any) -> None:
    """Until every key of the bursts so far is read and handled (the key gate has none
    left), then until the workers they started have settled."""
    app = pilot.app
    for _ in range(5000):
        if app.keys_received >= getattr(app, "posted", 0) and not app.keys_waiting():
            break
        await pilot.pause()
    assert app.keys_waiting() == 0
    await settle(pilot)


def values(screen: Any, *names: str) -> dict[str, str]:
    return {name: screen.query_one(f"#field-{name}", Input).value for name in names}


NAME = "Alex Quick (test)"
DOB = "01/02/1990"
PHONE = "01632 960002"
FIELDS = ("received_at", "name", "date_of_birth", "nhs_number", "phone")


async def test_burst_after_n_fills_name_dob_and_phone(open_app, make_referral, repo) -> None:
    waiting = make_referral()  # the queue has a row: stray keys would hit its bindings (a: accept)
    async with open_app() as (app, pilot):
        burst(app, f"n{NAME}\t{DOB}\t\t{PHONE}")
        await typed(pilot)
        form = app.screen
        assert isinstance(form, ReferralForm)
        got = values(form, *FIELDS)
        assert got["name"] == NAME
        assert got["date_of_birth"] == DOB
        assert got["nhs_number"] == ""
        assert got["phone"] == PHONE
        assert got["received_at"] == "23/11/2026 10:00"  # prefilled, not typed over
        assert app.focused is form.query_one("#field-phone")
        pass
    assert repo.referral(waiting).status == ReferralStatus.new  # no "a" reached the queue


async def test_pilot_press_many_keys(open_app, make_referral) -> None:
    make_referral()  # staff on file, and a row for stray keys to hit
    async with open_app() as (app, pilot):
        await pilot.press("n", *(key for key, _ in keys_of(f"{NAME}\t{DOB}\t\t{PHONE}")))
        await typed(pilot)
        got = values(app.screen, *FIELDS)
        assert (got["name"], got["date_of_birth"], got["phone"]) == (NAME, DOB, PHONE)


async def test_enter_moves_on_in_a_burst(open_app, make_referral) -> None:
    """Enter moves to the next field (Input.Submitted, handled after the key itself): the
    date typed after it does not land in Name."""
    make_referral()
    async with open_app() as (app, pilot):
        burst(app, f"n{NAME}\n{DOB}\n")
        burst(app, "999 000 0018")
        await typed(pilot)
        got = values(app.screen, *FIELDS)
        assert (got["name"], got["date_of_birth"], got["nhs_number"]) == (
            NAME,
            DOB,
            "999 000 0018",
        )


async def test_paste_while_the_form_opens_splits_at_tabs(open_app, make_referral) -> None:
    """A paste of a row (tab-separated) right after n: each part in its own field, in order;
    keys typed after the paste follow it."""
    make_referral()
    async with open_app() as (app, pilot):
        burst(app, "n")
        post(app, events.Paste(f"{NAME}\t{DOB}\t\t{PHONE}"))
        burst(app, " ext")
        await typed(pilot)
        got = values(app.screen, *FIELDS)
        assert (got["name"], got["date_of_birth"], got["nhs_number"]) == (NAME, DOB, "")
        assert got["phone"] == f"{PHONE} ext"


async def test_paste_into_one_field_stays_there(open_app, make_referral) -> None:
    make_referral()  # staff on file, and a row for stray keys to hit
    async with open_app() as (app, pilot):
        burst(app, "n")
        post(app, events.Paste("Sam Paste (test)"))
        await typed(pilot)
        got = values(app.screen, *FIELDS)
        assert got["name"] == "Sam Paste (test)"
        assert got["date_of_birth"] == ""


async def test_burst_into_the_date_dialog(open_app, team) -> None:
    """Another dialog: g on the day view, then the day at once: all of it in the field."""
    async with open_app(settled=False) as (app, pilot):
        await open_day(pilot)
        burst(app, "g28/11/2026")
        await typed(pilot)
        dialog = app.screen
        assert isinstance(dialog, DateDialog)
        assert values(dialog, "day") == {"day": "28/11/2026"}
        burst(app, "\n")
        await typed(pilot)
        assert not isinstance(app.screen, DateDialog)
