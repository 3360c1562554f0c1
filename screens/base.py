"""What every screen shares: the one place a failed worker becomes a message for the person.

Blocking repository calls run in thread workers (``@work(thread=True,
exit_on_error=False)``) owned by a screen. A worker that raises lands here:
``DutyDeskError`` is already one plain sentence and is shown as it is; any
other exception gets a generic sentence. Nothing personal is logged: only
the exception's class name.

A view-only login (not an active member of the staff list) that tries a change is told
what it may do instead (:func:`view_only_sentence`: look and export, and how to be added),
whatever stopped the change: the repository's refusal, or a database file this login may
only read ("read-only; nothing was saved" would leave them guessing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.message import Message
from textual.worker import Worker, WorkerState

from duty_desk.errors import (
    BookingWarnings,
    Conflict,
    DutyDeskError,
    InputErrors,
    NotFound,
    NotPermitted,
)

from .literal import visible

UNEXPECTED = (
    "Something unexpected went wrong; nothing was changed by this step. "
    "Try again, and tell the team lead if it keeps happening."
)


WRITING = frozenset({"write", "save"})  # the worker groups that change data
"""Worker groups whose failure, for a view-only login, is told as :func:`view_only_sentence`."""


def view_only_sentence(login: str) -> str:
    """What a view-only login may do instead of the change it tried (one sentence)."""
    return (
        f"Login {login!r} is not on the staff list (or is deactivated), so this is view only: "
        "you can look and export (duty-desk export) but not change anything; "
        "a team lead can add you with 'duty-desk staff add'."
    )


def _refused_as_view_only(app: App[object], error: BaseException | None, writing: bool) -> bool:
    if not getattr(app, "view_only", False):
        return False
    if isinstance(error, NotPermitted):
        return True
    # Anything else that stopped a change (the file is read-only for this login, say), but
    # not a mistake in what was typed or someone else's change: those are told as they are.
    return writing and not isinstance(error, InputErrors | Conflict | BookingWarnings | NotFound)


def report_error(app: App[object], error: BaseException | None, *, writing: bool = False) -> None:
    """Show ``error`` as an error notification (never as markup, never logged in full).
    ``writing``: the failed work was a change (a view-only login is told what it may do)."""
    if _refused_as_view_only(app, error, writing):
        login = str(getattr(app, "actor", "?"))
        app.notify(visible(view_only_sentence(login)), severity="warning", timeout=10, markup=False)
    elif isinstance(error, DutyDeskError):
        app.notify(visible(str(error)), severity="error", timeout=10, markup=False)
    else:
        app.log.error(f"worker failed: {type(error).__name__}")
        app.notify(UNEXPECTED, severity="error", timeout=10, markup=False)


class ReportsWorkerErrors:
    """Mixin for screens: route every failed worker to :func:`report_error`."""

    app: App[object]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            writing = event.worker.group in WRITING
            report_error(self.app, event.worker.error, writing=writing)
            on_failed = getattr(self, "worker_failed", None)
            if on_failed is not None:
                on_failed(event.worker)


class StaffOnly:
    """Mixin for screens: open a form only for staff. A view-only login gets the
    repository's own refusal (in a worker, through the one error handler), not the form."""

    app: App[object]

    @dataclass
    class Permitted(Message):
        then: Callable[[], Any]

    def _when_permitted(self, then: Callable[[], Any]) -> None:
        if getattr(self.app, "view_only", False):
            self.check_permission(then)
        else:
            then()

    @work(thread=True, exit_on_error=False, group="write", description="check permission")
    def check_permission(self, then: Callable[[], Any]) -> None:
        self.app.repo.ensure_can_change()  # type: ignore[attr-defined] # raises NotPermitted
        self.post_message(self.Permitted(then))  # type: ignore[attr-defined]

    def on_staff_only_permitted(self, message: Permitted) -> None:
        message.then()


def sheet(name: str) -> str:
    """A main screen's style sheet (``screens/NAME``), for its ``DEFAULT_CSS``.

    As default CSS it is read when the screen is first built, scoped to the screen (a bare
    ``#detail`` rule styles only that screen's pane; in a comma list Textual scopes only
    the last selector, so each should name the screen or an id of its own), and added to the app's stylesheet
    without parsing the others again; a screen's ``CSS_PATH`` makes Textual parse every
    sheet anew and restyle the whole app the first time the screen is shown (about 20 ms),
    and listing them all in the app's ``CSS_PATH`` instead costs every start the sheets of
    screens it does not show (issue 15)."""
    return Path(__file__).with_name(name).read_text(encoding="utf-8")
