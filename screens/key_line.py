"""The footer: the keys of the screen shown, drawn by one widget (:class:`KeyLine`).

Textual's ``Footer`` mounts a widget per key (15 on the queue), and each is styled, laid
out and drawn: about a quarter of a start-up's own work (issue 15). A :class:`KeyLine`
shows the same keys, in the same colours (Textual's footer theme variables) and spacing,
as one widget's text:

- the keys are those Textual's footer shows: the screen's active bindings with ``show``,
  one per action (the first bound), a binding group of several actions as its keys and
  then its label ("[ ] Day"); a key whose action is not possible now is dim;
- one row when they fit; otherwise two, filled in order; when even two rows are too few
  (60x20), two rows of equal columns, each key's words cut to its column, so every key
  stays on screen;
- the keys follow the screen's bindings (focus changes, a dialog closing) and are drawn
  again only when they change; a click on a key presses it (a dim one rings the bell),
  and the pointer over a key shows its tooltip, as with Textual's footer.

:class:`screens.closing.DialogFooter` is the dialogs' kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

GAP = 1  # cells after each key (Textual's compact footer: ``margin-right: 1``)
ROWS_AT_MOST = 2


@dataclass(frozen=True)
class Key:
    """One key as shown: what a click presses, what is drawn, and whether it can act now."""

    key: str
    display: str
    description: str  # "" for a key of a binding group (the group's label follows)
    enabled: bool
    tooltip: str


Part = tuple[str, str, Key | None]  # text, KeyLine component class ("" for a gap), key


@dataclass(frozen=True)
class Item:
    """What the footer lays out as one piece: a key, or a binding group's keys and label."""

    keys: tuple[Key, ...]
    label: str | None = None  # a binding group's description
    compact: bool = False  # a compact group: its keys side by side, no space between

    def parts(self) -> list[Part]:
        """(text, component, key) in order; component is one of KeyLine's classes."""
        parts: list[Part]
        if self.label is None:
            key = self.keys[0]
            parts = [(key.display, "key-line--key", key)]
            if key.description:
                parts.append((" " + key.description, "key-line--description", key))
            return parts
        between = "" if self.compact else " "
        parts = [(" ", "", None)]
        for index, key in enumerate(self.keys):
            if index:
                parts.append((between, "", None))
            parts.append((key.display, "key-line--key", key))
        parts.append((" " + self.label, "key-line--label", None))
        return parts

    @property
    def width(self) -> int:
        return sum(cell_len(text) for text, _, _ in self.parts())


@dataclass(frozen=True)
class Placed:
    """Where a key was drawn: its row and its cells [start, end)."""

    row: int
    start: int
    end: int
    key: Key


def shown_items(screen: Screen[Any]) -> tuple[Item, ...]:
    """The screen's footer keys, as Textual's footer chooses them (one per action, in
    binding order; a group of several actions together)."""
    first: dict[str, tuple[Binding, bool, str]] = {}
    for _, binding, enabled, tooltip in screen.active_bindings.values():
        if binding.show and binding.action not in first:
            first[binding.action] = (binding, enabled, tooltip)
    app = screen.app
    items: list[Item] = []
    for group, chunk in groupby(first.values(), lambda found: found[0].group):
        found = list(chunk)
        if group is not None and len(found) > 1:
            keys = tuple(
                Key(b.key, app.get_key_display(b), "", enabled, tooltip or b.description)
                for b, enabled, tooltip in found
            )
            items.append(Item(keys, label=group.description, compact=group.compact))
        else:
            items.extend(
                Item((Key(b.key, app.get_key_display(b), b.description, enabled, tooltip),))
                for b, enabled, tooltip in found
            )
    return tuple(items)


def arrange(items: tuple[Item, ...], width: int) -> list[list[tuple[Item, int]]]:
    """Rows of (item, cells it may take): one row if all fit, else up to two filled in
    order, else two rows of equal columns (each item cut to its column)."""
    if not items:
        return []
    rows: list[list[tuple[Item, int]]] = [[]]
    used = 0
    for item in items:
        need = item.width + GAP
        if used + item.width > width and rows[-1]:
            rows.append([])
            used = 0
        rows[-1].append((item, need))
        used += need
    if len(rows) <= ROWS_AT_MOST or width <= 0:
        return rows
    columns = -(-len(items) // ROWS_AT_MOST)
    edges = [width * index // columns for index in range(columns + 1)]
    return [
        [
            (item, edges[index % columns + 1] - edges[index % columns])
            for index, item in enumerate(items)
            if index // columns == row
        ]
        for row in range(ROWS_AT_MOST)
    ]


class KeyLine(Widget, can_focus=False):
    """The footer: the screen's keys as one widget (see the module docstring)."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "key-line--key",
        "key-line--description",
        "key-line--label",
        "key-line--hover",
    }
    DEFAULT_CSS = """
    KeyLine {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        &.-two-rows { height: 2; }
        & > .key-line--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-line--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-line--label {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-line--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._items: tuple[Item, ...] = ()
        self._placed: list[Placed] = []
        self._hover: Key | None = None

    # -- the keys ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """The screen's bindings were refreshed: draw the keys again if they changed (as
        Textual's footer, not while the app is without focus)."""
        if not (self.is_attached and screen is self.screen and screen.app.app_focus):
            return
        items = shown_items(screen)
        if items != self._items:
            self._items = items
            self._fit()
            self.refresh()

    @property
    def items(self) -> tuple[Item, ...]:
        """What the footer shows now."""
        return self._items

    def placed(self) -> list[Placed]:
        """Where each key was drawn, as of the last paint."""
        return list(self._placed)

    # -- drawing ----------------------------------------------------------------------------
    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        rows = arrange(self._items, self.size.width)
        self.set_class(len(rows) > 1, "-two-rows")

    def render(self) -> Text:
        styles = {
            name: self.get_component_rich_style(name)
            for name in ("key-line--key", "key-line--description", "key-line--label")
        }
        styles[""] = Style()
        hover = self.get_component_rich_style("key-line--hover")
        dim = Style(dim=True)
        text = Text(end="", no_wrap=True, overflow="crop")
        placed: list[Placed] = []
        width = self.size.width
        for row, line in enumerate(arrange(self._items, width)):
            if row:
                text.append("\n")
            x = 0
            for item, room in line:
                end = x + room
                left = min(item.width, room - GAP)  # a column narrower than the key: cut
                for part, component, key in item.parts():
                    if left <= 0:
                        break
                    shown = Text(part, end="", no_wrap=True)
                    shown.truncate(left, overflow="crop")
                    style = styles[component]
                    if key is not None and not key.enabled:
                        style += dim
                    if key is not None and key == self._hover:
                        style += hover
                    shown.stylize(style)
                    text.append_text(shown)
                    if key is not None:
                        placed.append(Placed(row, x, x + shown.cell_len, key))
                    x += shown.cell_len
                    left -= shown.cell_len
                pad = min(end, width) - x  # a gap past the edge would wrap the row
                text.append(" " * pad)
                x += pad
        self._placed = self._merged(placed)
        return text

    @staticmethod
    def _merged(placed: list[Placed]) -> list[Placed]:
        """One span per key (a key's letter and words are drawn as two parts)."""
        merged: list[Placed] = []
        for span in placed:
            last = merged[-1] if merged else None
            if last is not None and last.key is span.key and last.row == span.row:
                merged[-1] = Placed(last.row, last.start, span.end, last.key)
            else:
                merged.append(span)
        return merged

    # -- the mouse --------------------------------------------------------------------------
    def _key_at(self, x: int, y: int) -> Key | None:
        return next(
            (span.key for span in self._placed if span.row == y and span.start <= x < span.end),
            None,
        )

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_at(event.x, event.y)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._key_at(event.x, event.y))

    def on_leave(self) -> None:
        self._set_hover(None)

    def _set_hover(self, key: Key | None) -> None:
        if key != self._hover:
            self._hover = key
            self.tooltip = key.tooltip if key is not None and key.tooltip else None
            self.refresh()
