"""Command-palette entries (ctrl+p): one per screen, plus the current screen's actions.

A screen offers its actions by defining ``palette_commands()`` returning
:class:`PaletteCommand` items. Over a dialog the palette offers the dialog's own keys
(those its footer shows), and nothing that would leave a half-typed form. Prompts are ``rich.text.Text`` built here, so
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
        app: Any = self.app
        if isinstance(screen, ModalScreen):
            return _dialog_keys(app, screen)  # never leave a half-typed form from the palette
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


def _dialog_keys(app: Any, screen: ModalScreen[Any]) -> list[PaletteCommand]:
    """The keys a dialog's footer shows, each as a command run on the widget that binds it."""
    commands: list[PaletteCommand] = []
    for active in screen.active_bindings.values():
        binding = active.binding
        if active.node is app or not binding.show or not active.enabled:
            continue  # the app's own keys (quit, the palette) are Textual's commands already

        async def run(action: str = binding.action, node: Any = active.node) -> None:
            await app.run_action(action, node)

        key = app.get_key_display(binding)
        about = active.tooltip or binding.tooltip
        about = f"{about} ({key})" if about else f"Key {key} in this dialog"
        commands.append(PaletteCommand(binding.description, about, run))
    return commands


class Palette(CommandPalette):
    """Textual's command palette without the emoji (widths differ between terminals)."""

    def on_mount(self) -> None:
        self.query_one(SearchIcon).icon = ">"
