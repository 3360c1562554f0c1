"""User text is shown exactly as typed: no markup, no terminal escape sequences acted on."""

from __future__ import annotations

import sqlite3

from rich.text import Text

from screens.literal import cell, literal, visible

from .test_ui_support import (
    cell_text,
    detail_text,
    notifications,
    screen_text,
    settle,
)

NAME = "[bold]x[/] \x1b[31mRed\x1b[0m (test)"
SHOWN = "[bold]x[/] ^[[31mRed^[[0m (test)"
NOTES = "[red]not red[/red]\n\x1b]0;title\x07 \u202eevil"


def test_visible_replaces_control_characters():
    assert visible("a\x1bb\x00c\x7f") == "a^[b^@c^?"
    assert visible("right\u202eleft") == "right<U+202E>left"
    assert visible("one\ntwo\tthree") == "one^Jtwo^Ithree"
    assert visible("one\ntwo\tthree", multiline=True) == "one\ntwo\tthree"
    assert visible("Zoë Ünal 李") == "Zoë Ünal 李"
    assert visible(None) == ""


def test_literal_text_is_never_markup():
    text = literal("[bold]Robin[/bold]")
    assert isinstance(text, Text)
    assert text.plain == "[bold]Robin[/bold]" and not text.spans
    assert cell("[i]x[/i]").plain == " [i]x[/i]"


async def test_markup_and_escapes_in_the_database_show_literally(
    open_app, db_path, repo, make_referral
):
    referral_id = make_referral()
    raw = sqlite3.connect(db_path)
    with raw:
        raw.execute(
            "UPDATE referral SET name = ?, notes = ?, reason = ? WHERE id = ?",
            (NAME, NOTES, "[link=http://x]click[/link]", referral_id),
        )
    raw.close()
    async with open_app() as (app, pilot):
        assert cell_text(app, referral_id, "name") == SHOWN
        detail = detail_text(app)
        assert SHOWN in detail
        assert "[red]not red[/red]\n^[]0;title^G <U+202E>evil" in detail
        assert "[link=http://x]click[/link]" in detail
        shown = screen_text(app)
        assert "\x1b" not in shown and "\u202e" not in shown
        assert "[bold]x[/] ^[[31mRed" in shown
        await pilot.press("c")
        await settle(pilot)
        assert f"You are triaging {SHOWN}." in notifications(app)
        assert "\x1b" not in "".join(notifications(app))
        await pilot.press("ctrl+p")
        await pilot.press(*"accept")
        await pilot.pause(0.3)
        await settle(pilot)
        palette = screen_text(app)
        assert "Accept into POD  [bold]x[/] ^[[31mRed" in palette
