"""The one file where duty-desk leans on Textual's private names; each use is listed in
:data:`PRIVATE_NAMES`, and tests/ui/test_textual_private.py fails when Textual renames or
drops one of them, or when any other module under screens/ imports a private Textual
module or uses a private name of a Textual class it extends. Textual is pinned (8.2.8).

- :class:`LastResort`, the app's last line of defence: an error nobody foresaw becomes one
  sentence, a private log entry and a non-zero exit status. Textual's default prints the
  whole traceback **with local variables** (names, NHS numbers) when the app stops; here
  the details go to the private crash log instead (:mod:`duty_desk.crash_log`, mode 0600,
  no local variables) and the terminal gets one sentence saying where they are; the app's
  return code is 1 (``App.return_code``), which ``duty-desk`` passes on as its exit status.
  With ``DUTY_DESK_DEBUG`` set, Textual's own report is kept, knowingly. Textual 8.2.8 has
  no public hook for an unhandled exception: the one place is ``App._handle_exception``.
  What is shown goes through Textual's public path for an exception that renders itself
  (``__rich__``), which also lets ``run_test`` re-raise it in tests.
- For the benchmarks (``bench/care.py``), which time a key to the frame that shows its
  result: :func:`after_each_frame` notes each frame as it is written (Textual writes them in
  ``App._display``, and hold them back while ``App._batch_count`` is set; it has no public
  hook for a written frame), and :func:`send_as_terminal`
  posts a key as the terminal driver does (``App._driver``), so it takes the app's whole
  input path. The app itself uses neither.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rich.text import Text
from textual import events
from textual.app import App
from textual.screen import Screen

PRIVATE_NAMES = (
    "App._handle_exception",
    "App._display",
    "App._batch_count",
    "App._driver",
)
"""What this file uses of Textual's private names (checked by the tests)."""

DEBUG_ENV = "DUTY_DESK_DEBUG"
ReturnType = TypeVar("ReturnType")


class InternalError(Exception):
    """What the person is told, as one sentence; the original error is its ``__cause__``."""

    def __init__(self, log: Path | None) -> None:
        where = f"details are in {log}" if log else "the details could not be written down"
        self.sentence = (
            f"duty-desk stopped after an internal error; {where}; nothing unsaved was written."
        )
        super().__init__(self.sentence)

    def __rich__(self) -> Text:
        return Text(self.sentence)


class LastResort(App[ReturnType]):
    """Mixin for the app: an unhandled exception is logged privately and told in a sentence."""

    def _handle_exception(self, error: Exception) -> None:
        if os.environ.get(DEBUG_ENV) or isinstance(error, InternalError):
            super()._handle_exception(error)
            return
        from duty_desk.crash_log import record_crash

        try:
            log: Path | None = record_crash(error)
        except OSError:
            log = None
        told = InternalError(log)
        told.__cause__ = error
        super()._handle_exception(told)  # the sentence (``__rich__``), return code 1


def after_each_frame(app: App[Any], written: Callable[[], None]) -> None:
    """Call ``written()`` just after each frame ``app`` writes to its terminal (benchmarks).

    Textual writes a frame in ``App._display``, which it also calls with ``None`` when
    nothing was dirty, and while repaints are held (``App.batch_update``, its
    ``_batch_count``): no frame is written then, and ``written`` is not called."""
    original = app._display

    def display(screen: Screen[Any], renderable: Any) -> Any:
        held = app._batch_count > 0
        result = original(screen, renderable)
        if renderable is not None and not held:
            written()
        return result

    app._display = display  # type: ignore[method-assign]


def send_as_terminal(app: App[Any], event: events.Event) -> None:
    """Post ``event`` to ``app`` as its terminal driver does (``App._driver``): through the
    app's whole input path (the key gate, bindings, focus), not straight to a widget."""
    driver = app._driver
    assert driver is not None, "the app is not running"
    driver.send_message(event)
