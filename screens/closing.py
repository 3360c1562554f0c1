"""Closing a dialog at once and taking its widgets down a moment later.

When a screen is popped, Textual removes it (every widget's message loop closed, one
after another) before the app handles its next message. A notice posted by the opener as
the dialog closes ("Booked: ...") waits behind that: at bench scale the booking
dialog's 80 widgets cost a frame or two before the toast could even be mounted.

:func:`dismiss_then_take_down` pops the dialog as usual (the result callback runs, the
screen behind comes back and gets the keys), but keeps the popped screen installed, so
the pop does not remove it; it is removed :data:`TAKE_DOWN_AFTER` seconds later, when the
screen behind and the opener's notice have been painted. Nothing is shown of it meanwhile:
it is off the screen stack. Its footer is a :class:`DialogFooter`, which stops rebuilding
its keys once the dialog is no longer the screen shown (Textual's footer rebuilds them,
twice, as its closed screen loses focus: wasted work in the very frames that show the
screen behind).

Every form closes this way (``FormScreen.dismiss`` and its footer, screens/forms.py);
every dialog has a :class:`DialogFooter`.

A form whose opener says what was saved in a notice as it closes (``FormScreen.
HOLD_FOR_NOTICE``: the booking dialog) also holds the frame (:func:`hold_frame_for_notice`,
Textual's ``App.batch_update``): left alone, the screen behind is painted at once without
the notice, whose toast is mounted a moment later and then waits for the next frame (up to
a sixtieth of a second, and a second layout). Held, the screen behind and the notice are
painted together, in the first frame after the notice's toast is mounted
(:func:`notice_posted`, called by the app's ``notify``), or after :data:`HOLD_AT_MOST`
if no notice comes.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from textual.app import App, ScreenStackError
from textual.await_complete import AwaitComplete
from textual.messages import Update
from textual.screen import Screen

from .key_line import KeyLine

TAKE_DOWN_AFTER = 0.25  # seconds: a few frames, after the screen behind is painted
HOLD_AT_MOST = 0.1  # seconds a closing form holds the frame for its opener's notice
_names = itertools.count(1)


class _Hold:
    """Repaints held (``App.batch_update``) until :meth:`release`, or ``HOLD_AT_MOST``."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self._batch = app.batch_update()
        self._batch.__enter__()
        self._released = False
        self._timer = app.set_timer(HOLD_AT_MOST, self.release, name="release a held frame")

    def notice(self) -> None:
        """A notice was posted. It is a message on the app's queue, and the toast rack's
        ``show`` a callback it queues there in turn: look behind both."""
        self.app.call_later(self.app.call_later, self._when_shown)

    def _when_shown(self) -> None:
        self.app.run_worker(
            self._release_once_up(),
            group="frame-hold",
            exit_on_error=False,
            description="release a held frame",
        )

    async def _release_once_up(self) -> None:
        """Release once every toast is mounted: the compositor leaves out a widget still
        mounting, and the frame would show no notice."""
        racks = list(self.app.screen.query("ToastRack"))
        while not self._released and any(
            not holder.is_mounted for rack in racks for holder in rack.children
        ):
            await asyncio.sleep(0)
        self.release()

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        self._timer.stop()
        if _holds.get(self.app) is self:
            del _holds[self.app]
        self._batch.__exit__(None, None, None)
        # The next frame lays out what came meanwhile (the toast) and paints the whole
        # screen, as the first frame of a screen shown again does; without the Update, the
        # layout's frame would paint only what moved, the rest a frame later.
        screen = self.app.screen
        screen.post_message(Update(screen))
        screen.refresh(layout=True)


_holds: WeakKeyDictionary[App[Any], _Hold] = WeakKeyDictionary()


def hold_frame_for_notice(app: App[Any]) -> None:
    """Hold the app's repaints until the next notice is up (:func:`notice_posted`), or
    :data:`HOLD_AT_MOST` seconds (UI thread)."""
    if app not in _holds:
        _holds[app] = _Hold(app)


def notice_posted(app: App[Any]) -> None:
    """``app.notify`` has just posted a notice: a held frame is released once its toast is
    mounted (any thread)."""
    hold = _holds.get(app)
    if hold is not None:
        hold.notice()


class DialogFooter(KeyLine):
    """A dialog's footer: its keys follow the dialog while it is the screen shown (or comes
    back on top); a closed dialog's footer is left as it is.

    It is at least as tall as the footer of the screen behind: that one takes two rows
    when its keys do not fit in one (60x20), and its second row, keys that do nothing
    while the dialog is open, would otherwise show above the dialog's own."""

    _covers = 1  # rows: as tall as the footer behind

    def __init__(self, *, cover: bool = True) -> None:
        """``cover=False`` for a dialog that fills the screen: nothing behind it shows."""
        super().__init__()
        self.cover = cover

    def on_mount(self) -> None:
        self.cover_the_footer_behind()  # before the first layout: not a second one for it

    def on_resize(self) -> None:  # KeyLine's own runs too (Textual walks the MRO)
        self.call_after_refresh(self.cover_the_footer_behind)

    def cover_the_footer_behind(self) -> None:
        stack = self.app.screen_stack
        if not self.cover or self.screen not in stack or stack.index(self.screen) == 0:
            return  # closed, or not over another screen
        behind = stack[stack.index(self.screen) - 1]
        footers = behind.query_children(KeyLine)  # a screen's footer is its own child
        rows = max((footer.outer_size.height for footer in footers), default=1)
        if rows != self._covers:
            self._covers = rows
            self.styles.min_height = rows

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self.screen is not self.app.screen:
            return  # closed (taken down soon), or under another dialog: shown again later
        super().bindings_changed(screen)


def dismiss_then_take_down(
    screen: Screen[Any],
    dismiss: Callable[[Any], AwaitComplete],
    result: Any,
    hold: bool = False,
) -> AwaitComplete:
    """``dismiss(result)`` (the screen's own ``Screen.dismiss``), with the screen's removal
    put off until after the frames that show what is behind it. ``screen.taken_down`` is
    set once it is removed. ``hold``: the opener's notice follows; the screen behind is
    painted with it (:func:`hold_frame_for_notice`)."""
    app = screen.app
    if hold:
        hold_frame_for_notice(app)
    name = f"--closing-{next(_names)}"
    app.install_screen(screen, name)  # a popped installed screen is not removed by the pop
    try:
        done = dismiss(result)
    except Exception:
        app.uninstall_screen(name)
        raise
    taken_down = asyncio.Event()
    screen.taken_down = taken_down  # type: ignore[attr-defined]

    async def take_down() -> None:
        try:
            if app.uninstall_screen(name) is not None:  # raises if pushed again meanwhile
                await screen.remove()
        except ScreenStackError:
            pass  # shown again: it is popped (and taken down) like any other screen
        finally:
            taken_down.set()

    app.set_timer(TAKE_DOWN_AFTER, take_down, name="take down a closed dialog")
    return done
