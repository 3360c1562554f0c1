"""Command-palette entries (ctrl+p): one per screen, plus the current screen's actions.

A screen offers its actions by defining ``palette_commands()`` returning
:class:`PaletteCommand` items. Prompts are ``rich.text.Text`` built here, so
a referral's name shown beside a command is printed literally.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider, SearchIcon
from textual.screen import ModalScreen

from .literal import literal
from .registry import SCREENS, ScreenEntry


@dataclass(frozen=True)
class PaletteCommand:
    name: str
    help: str  # fixed text written here in the code, never user text
    run: Callable[[], Any]
    subject: str | None = None  # user text (a referral's name), shown literally


def _prompt(command: PaletteCommand, offsets: tuple[int, ...] = ()) -> Text:
    text = Text(command.name, end="")
    for offset in offsets:
        if not command.name[offset].isspace():
            text.stylize("reverse", offset, offset + 1)
    if command.subject:
        text.append("  ")
        text.append_text(literal(command.subject, "dim"))
    return text


class ScreenCommands(Provider):
    """One command per screen (screens/registry.py), privacy mode, and the screen's actions."""

    def _commands(self) -> list[PaletteCommand]:
        screen = self.screen
        if isinstance(screen, ModalScreen):
            return []  # never leave a half-typed form from the palette
        app: Any = self.app
        commands = [
            *(_show(app, entry) for entry in SCREENS),
            PaletteCommand(
                "Privacy mode",
                "Names as initials, NHS numbers as the last 3 digits, or back (p)",
                app.action_toggle_privacy,
            ),
        ]
        offered = getattr(screen, "palette_commands", None)
        if offered is not None:
            commands.extend(offered())
        return commands

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(_prompt(command), command.run, text=command.name, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                _, offsets = matcher.fuzzy_search.match(matcher.query, command.name)
                yield Hit(
                    score,
                    _prompt(command, tuple(offsets)),
                    command.run,
                    text=command.name,
                    help=command.help,
                )


def _show(app: Any, entry: ScreenEntry) -> PaletteCommand:
    async def show() -> None:
        await app.show_mode(entry.mode)

    return PaletteCommand(entry.palette, f"{entry.help} ({entry.key})", show)


class Palette(CommandPalette):
    """Textual's command palette without the emoji (widths differ between terminals)."""

    def on_mount(self) -> None:
        self.query_one(SearchIcon).icon = ">"
