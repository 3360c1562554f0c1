"""The app's last line of defence: an error nobody foresaw becomes one sentence, a private
log entry and a non-zero exit status.

Textual's default prints the whole traceback **with local variables** (names, NHS
numbers) when the app stops. Here the details go to the private crash log instead
(:mod:`duty_desk.crash_log`, mode 0600, no local variables) and the terminal gets one
sentence saying where they are; the app's return code is 1 (``App.return_code``), which
``duty-desk`` passes on as its exit status. With ``DUTY_DESK_DEBUG`` set, Textual's own
report is kept, knowingly.

Textual 8.2.8 has no public hook for an unhandled exception: the one place is
``App._handle_exception``. It is overridden here and nowhere else (like
``screens/steady_footer.py``), and tests/ui/test_textual_private.py fails if Textual
renames or drops it. What is shown goes through Textual's public path for an exception
that renders itself (``__rich__``), which also lets ``run_test`` re-raise it in tests.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar

from rich.text import Text
from textual.app import App

PRIVATE_NAMES = ("App._handle_exception",)
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
