"""The one file where duty-desk leans on Textual's private names: a footer that rebuilds
its keys only when they change.

Textual 8.2.8 (pinned in pyproject.toml) does not export ``FooterKey`` and keeps whether
the footer's bindings are ready in ``Footer._bindings_ready``. Both are used here and
nowhere else; tests/ui/test_textual_private.py fails when Textual renames or drops either,
and when any other module under screens/ imports a private Textual module or uses a
private name of a Textual class it extends.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PRIVATE_NAMES = ("textual.widgets._footer.FooterKey", "Footer._bindings_ready")
"""What this file uses of Textual's private names (checked by the tests)."""


class SteadyFooter(Footer):
    """A footer that rebuilds its keys only when the keys to show have changed.

    Textual's footer recomposes (removes and mounts every key) whenever the screen's
    bindings are refreshed: on every focus change and on returning from a dialog, which
    costs a relayout of the whole screen for the same keys. Same keys, same footer.
    A compact footer's keys are made compact as they are built, not restyled one by
    one after mounting (about 2 ms a key).
    """

    _shown: tuple[Any, ...] | None = None
    _pending = False  # a rebuild is asked for and not done yet: it will read the keys then

    def _keys(self) -> tuple[Any, ...]:
        return tuple(
            (b.key, b.description, b.action, b.group, enabled, tooltip)
            for _, b, enabled, tooltip in self.screen.active_bindings.values()
            if b.show
        )

    def compose(self) -> ComposeResult:
        self._pending = False
        if self._bindings_ready:
            self._shown = self._keys()
        else:  # nothing to show yet: not even the palette key, unless it is to be shown
            palette = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
            self._shown = None if palette else ()
        compact = self.compact
        for widget in super().compose():
            if (
                compact
                and isinstance(widget, FooterKey)
                and not widget.has_class("-command-palette")
            ):  # that key is not bound
                widget.add_class("-compact", update=False)  # what data_bind will set
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        ours = self.is_attached and screen is self.screen
        if ours and (self._pending or self._keys() == self._shown):
            self._bindings_ready = True
            return
        super().bindings_changed(screen)
        self._pending = ours and screen.app.app_focus
