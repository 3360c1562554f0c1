"""One screen registry (screens/registry.py): the modes, number keys, title-bar tabs and
palette commands all come from it; and the README's key tables are kept in step with the
bindings: every binding of the app and of each screen is in its table with its key, and no
table row names a binding that does not exist."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding

from duty_desk.config import Config
from duty_desk.db import Database
from duty_desk.repository import Repository
from screens import registry
from screens.app import DutyDeskApp, binding_ids
from tests.ui.test_ui_support import make_app, settle

README = Path(__file__).resolve().parents[2] / "README.md"
# README writes a key as typed; Textual names some keys.
PUNCTUATION = {"/": "slash", "[": "left_square_bracket", "]": "right_square_bracket"}


def as_key(token: str) -> str:
    return PUNCTUATION.get(token, token)


def key_tables() -> list[tuple[str, list[tuple[list[str], list[str]]]]]:
    """Each markdown table whose second column is an id: (the heading above it, its rows as
    (keys, ids)), keys and ids being the `quoted` words of the first two cells."""
    tables: list[tuple[str, list[tuple[list[str], list[str]]]]] = []
    heading, in_table = "", False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if not in_table:
            in_table = True
            if len(cells) >= 2 and cells[0].startswith("key") and cells[1].startswith("id"):
                tables.append((heading, []))
            else:
                in_table = False  # some other table: skip its rows
                continue
            continue
        if set(cells[0]) <= set("-: ") or not tables or tables[-1][0] != heading:
            continue
        keys = [as_key(k) for k in re.findall(r"`([^`]+)`", cells[0])]
        ids = re.findall(r"`([^`]+)`", cells[1])
        tables[-1][1].append((keys, ids))
    return tables


def documented(rows: list[tuple[list[str], list[str]]]) -> dict[str, set[str]]:
    """id -> the keys the README gives it (several ids in a row pair up with its keys)."""
    out: dict[str, set[str]] = {}
    for keys, ids in rows:
        if len(ids) > 1:
            assert len(keys) == len(ids), f"keys {keys} do not pair up with ids {ids}"
            for key, binding_id in zip(keys, ids, strict=True):
                out.setdefault(binding_id, set()).add(key)
        elif ids:
            out.setdefault(ids[0], set()).update(keys)
    return out


def bound(cls: Any) -> dict[str, set[str]]:
    """id -> keys of a class's own bindings."""
    return {
        b.id: {k.strip() for k in b.key.split(",")}
        for b in cls.BINDINGS
        if isinstance(b, Binding) and b.id
    }


def table_for(words: str) -> dict[str, set[str]]:
    found = [
        rows
        for heading, rows in key_tables()
        if words.lower() in heading.lower() and not heading.lower().startswith("key")
    ]
    assert found, f"README has no key table under a heading naming {words!r}"
    return documented(found[0])


def check(table: dict[str, set[str]], bindings: dict[str, set[str]], where: str) -> None:
    missing = {i: sorted(k) for i, k in bindings.items() if i not in table}
    assert not missing, f"{where}: bindings missing from the README's table: {missing}"
    for binding_id, keys in bindings.items():
        assert keys <= table[binding_id], (
            f"{where}: README gives {binding_id} the key(s) {sorted(table[binding_id])}, "
            f"the binding has {sorted(keys)}"
        )
    unknown = sorted(set(table) - set(bindings))
    assert not unknown, f"{where}: README rows name bindings that do not exist: {unknown}"


def test_the_apps_keys_are_the_readmes_first_table() -> None:
    heading, rows = key_tables()[0]
    table = documented(rows)
    check(table, bound(DutyDeskApp), "the app")
    for entry in registry.SCREENS:
        assert table[entry.binding_id] == {entry.key}


@pytest.mark.parametrize("entry", registry.SCREENS, ids=lambda e: e.mode)
def test_each_screens_keys_are_in_its_readme_table(entry: registry.ScreenEntry) -> None:
    screen_class = type(entry.factory())
    check(table_for(entry.palette), bound(screen_class), entry.mode)


def test_every_id_in_any_key_table_is_a_binding_with_that_key() -> None:
    every = binding_ids()
    for heading, rows in key_tables():
        for binding_id in documented(rows):
            assert binding_id in every, f"README ({heading}): {binding_id} is no binding id"


def test_the_registry_gives_the_modes_and_number_keys() -> None:
    assert set(DutyDeskApp.MODES) == {entry.mode for entry in registry.SCREENS}
    keys = {b.id: b.key for b in DutyDeskApp.BINDINGS if isinstance(b, Binding)}
    for entry in registry.SCREENS:
        assert keys[entry.binding_id] == entry.key
    assert len({e.mode for e in registry.SCREENS}) == len(registry.SCREENS)
    assert len({e.key for e in registry.SCREENS}) == len(registry.SCREENS)


def test_the_word_on_each_tab_finds_its_screen_in_the_palette() -> None:
    """Typing a tab's word ("day") in the palette (ctrl+p) finds that screen's command."""
    from textual.fuzzy import Matcher

    for entry in registry.SCREENS:
        assert Matcher(entry.title).match(entry.palette) > 0, (entry.title, entry.palette)


async def test_tabs_palette_and_keys_come_from_the_registry(
    config: Config, db: Database, repo: Repository
) -> None:
    from screens.commands import ScreenCommands
    from screens.widgets import TitleBar

    app = make_app(config, db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        tabs = app.screen.query_one(TitleBar).tabs()
        assert str(tabs).split() == [w for e in registry.SCREENS for w in (e.key, e.title)]
        provider = ScreenCommands(app.screen)
        names = [c.name for c in provider._commands()]
        assert names[: len(registry.SCREENS)] == [e.palette for e in registry.SCREENS]
        for entry in reversed(registry.SCREENS):  # the palette's command shows the screen
            command = next(c for c in provider._commands() if c.name == entry.palette)
            await command.run()
            await settle(pilot)
            assert app.current_mode == entry.mode
        for entry in registry.SCREENS:  # and so does the number key
            await pilot.press(entry.key)
            await settle(pilot)
            assert app.current_mode == entry.mode


async def test_a_remapped_number_key_shows_its_screen(db: Database, repo: Repository) -> None:
    config = Config.model_validate({"keys": {"show_board": "9"}})
    app = make_app(config, db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        assert app.current_mode == "board"
