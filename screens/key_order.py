"""Keys in the order they were typed, to the field the person expects: the app-wide key gate.

Textual routes each key the moment the app reads it, to whatever has the focus *then*, and
handles a non-priority binding only once the key has bubbled back up to the app. A burst of
keys (a paste over SSH without bracketed paste, a fast typist on a slow link) therefore
outruns what the keys do: after ``n`` the next keys are routed to the queue's table (its
bindings!) before ``n`` has opened the form; a key typed after Tab goes to the field Tab is
leaving; keys that arrive while a pushed form has no focus yet go to the screen and are lost.

The gate (:class:`KeysInOrder`, mixed into the app) delivers one key (or paste) at a time:

1. A key is passed on as Textual would (priority bindings, then the focused widget), and a
   :class:`KeysInOrder.Delivered` note is posted behind it to the same widget. The note
   bubbles up the same path as the key, so it reaches the app after the key (and any binding
   it triggered) has been handled. It goes round twice, so a message a widget posts to
   itself while handling the key (``Input.Submitted`` for Enter, which moves to the next
   field) is handled before the next key too.
2. Keys that arrive meanwhile wait, in order.
3. A screen that opts in (:class:`OpensForKeys`: every form and dialog) holds the keys typed
   while it opens until its first field has the focus; it says so with
   :class:`KeysInOrder.Opened`, posted after its ``on_mount`` (and the focus it asked for).
4. A flow that paints one step's result before opening its next dialog (the accept: the
   queue with the row gone, then the core team) calls :meth:`KeysInOrder.hold_keys` as the
   step closes: keys typed in between wait for that next dialog, as if it had opened at
   once, instead of reaching the screen behind it. Opening the client record does the
   same (``screens.record.open_record``) until the record's first read is shown, and lets
   the keys go with :meth:`KeysInOrder.release_keys`.

A pasted text with tabs or line breaks into a one-line field is split at them and moves on
with Tab, as if typed (never Enter: a paste never saves a form). If a note is lost (the
widget it was posted to was removed), the keys go on rather than wait for ever.
"""

from __future__ import annotations

import re
import weakref
from collections import deque
from typing import Any, ClassVar

from textual import events
from textual.app import App, ScreenStackError
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

ROUNDS = 2
"""How many times the note goes round behind a key (see the module docstring, step 1)."""

RELEASE_AFTER = 0.04
"""How often (seconds) a note not yet back is checked for: lost only with its widget (a
dialog closed by the key), so the next key waits no longer than this; a note whose widget
is still there is never given up on, however slow the machine."""

FIELD_BREAK = re.compile(r"\r\n|[\t\r\n]")


class OpensForKeys:
    """Mixin for a screen: keys typed while it opens wait until its first field is focused.

    Put it before ``Screen`` in the bases. Its ``on_mount`` runs after the screen's own (the
    MRO order in which Textual calls handlers), so the focus the screen asks for there is
    applied before the app hears that the screen is open."""

    HOLDS_KEYS_WHILE_OPENING: ClassVar[bool] = True

    def on_mount(self) -> None:
        app: Any = self.app  # type: ignore[attr-defined]
        if isinstance(app, KeysInOrder):
            app.post_message(KeysInOrder.Opened(self))  # type: ignore[arg-type]


class KeysInOrder(App[Any]):
    """Mixin for the app: one key at a time, in order, to the field meant (module docstring)."""

    class Delivered(Message):
        """Behind a key: the key has been handled by everything it reached before this."""

        def __init__(self, rounds: int, serial: int) -> None:
            super().__init__()
            self.rounds = rounds
            self.serial = serial

    class Opened(Message):
        """A screen that holds keys while opening has its first field focused."""

        def __init__(self, screen: Screen[Any]) -> None:
            super().__init__()
            self.screen = screen

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._waiting: deque[events.Key | events.Paste] = deque()
        self._in_flight = 0  # serial of the key whose note is still going round (0: none)
        self._serial = 0
        self.keys_received = 0  # keys and pastes read from the terminal so far
        self._opened: weakref.WeakSet[Screen[Any]] = weakref.WeakSet()
        self._release_timer: Timer | None = None
        self._carrier: weakref.ref[Widget] | None = None  # where the note in flight was posted
        self._held = False  # keys wait for the next dialog that opens (hold_keys)

    # -- the gate ----------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            self.keys_received += 1
            self._waiting.append(event)
            await self._deliver_waiting()
            return
        await super().on_event(event)

    def keys_waiting(self) -> int:
        """How many typed keys (or pastes) are not yet handled: waiting, or on their way."""
        return len(self._waiting) + (1 if self._in_flight else 0)

    def hold_keys(self) -> None:
        """Keys typed from now on wait until the next dialog that holds keys while opening
        (:class:`OpensForKeys`) has opened, or :meth:`release_keys` is called (by a screen
        that holds them until it has read what it shows, or when the dialog is not opened
        after all)."""
        self._held = True

    def release_keys(self) -> None:
        """Undo :meth:`hold_keys`: the keys waiting go on to wherever the focus is."""
        if self._held:
            self._held = False
            self.call_later(self._deliver_waiting)

    def _screen_open(self) -> bool:
        if self._held:
            return False
        try:
            screen = self.screen
        except ScreenStackError:  # closing down: nothing left to type into
            self._waiting.clear()
            return False
        if not getattr(screen, "HOLDS_KEYS_WHILE_OPENING", False):
            return True
        return screen in self._opened

    async def _deliver_waiting(self) -> None:
        while self._waiting and not self._in_flight and self._screen_open():
            event = self._waiting.popleft()
            if isinstance(event, events.Paste):
                event = self._split_paste(event)
            before_typing = getattr(self.screen, "before_typing", None)
            if before_typing is not None:  # a form notes what it held before the person typed
                before_typing()
            target = self.focused or self.screen
            self._serial += 1
            self._in_flight = self._serial
            await super().on_event(event)
            self._post_note(target, ROUNDS)
        self._watch_for_lost_note()

    def _post_note(self, target: Widget | Screen[Any], rounds: int) -> None:
        self._carrier = weakref.ref(target)
        if not target.post_message(self.Delivered(rounds, self._serial)):
            self._carrier = None  # closing: nothing will come back

    def _split_paste(self, paste: events.Paste) -> events.Paste:
        """A paste into a one-line field with tabs or line breaks: its first part now, then
        Tab and the next part, and so on, queued in front of anything typed after it."""
        if not isinstance(self.focused, Input) or not FIELD_BREAK.search(paste.text):
            return paste
        first, *rest = FIELD_BREAK.split(paste.text)
        following: list[events.Key | events.Paste] = []
        for part in rest:
            following.append(events.Key("tab", None))
            if part:
                following.append(events.Paste(part))
        self._waiting.extendleft(reversed(following))
        return events.Paste(first)

    def on_keys_in_order_delivered(self, note: Delivered) -> None:
        note.stop()
        if note.serial != self._in_flight:
            return  # a note of a key already released after the wait
        if note.rounds > 1:
            if self._screen_open():
                self._post_note(self.focused or self.screen, note.rounds - 1)
                return
        self._in_flight = 0
        self._carrier = None
        self.call_later(self._deliver_waiting)

    def on_keys_in_order_opened(self, message: Opened) -> None:
        message.stop()
        self._opened.add(message.screen)
        self._held = False
        self.call_later(self._deliver_waiting)

    # -- never held for ever ---------------------------------------------------------------------
    def _watch_for_lost_note(self) -> None:
        if self._in_flight and self._release_timer is None:
            self._release_timer = self.set_interval(RELEASE_AFTER, self._check_note)

    def _check_note(self) -> None:
        """A note is lost only with the widget it was posted to (removed by the key it
        followed, say): then the keys go on. A slow machine just waits."""
        carrier = self._carrier() if self._carrier is not None else None
        if self._in_flight and carrier is not None and carrier.is_attached:
            return
        if self._release_timer is not None:
            self._release_timer.stop()
            self._release_timer = None
        if self._in_flight:
            self._in_flight = 0
            self.call_later(self._deliver_waiting)
