"""Helpers shared by the UI tests (no tests here): build the app, let its workers settle."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Select, Static
from textual.worker import WorkerCancelled, WorkerFailed

from duty_desk.config import Config
from duty_desk.db import Database
from screens.app import DutyDeskApp, create_app
from screens.key_order import RELEASE_AFTER
from screens.keyed_table import KeyedTable
from tests.conftest import DUTY

SIZE = (80, 24)


TOASTS_STAY = 3600.0
"""Seconds a notice without a timeout of its own stays up in a test: the 5 s of Textual's
default would make what a screen shows depend on how busy the machine is (a snapshot on a
loaded machine lost its toast)."""


def make_app(config: Config, db: Database, actor: str | None = DUTY) -> DutyDeskApp:
    app = create_app(config, db, actor)
    app.NOTIFICATION_TIMEOUT = TOASTS_STAY  # type: ignore[misc]  # this app only
    return app


async def settle(pilot: Pilot[Any], rounds: int = 8) -> None:
    """Wait until no worker is running and the messages they posted are handled."""
    app = pilot.app
    for _ in range(rounds):
        try:
            await app.workers.wait_for_complete()
        except (WorkerCancelled, WorkerFailed):
            pass  # a newer load replaced it, or the app reported the failure
        await pilot.pause()
        if keys_held(app):  # a key whose dialog closed under it: the gate lets it go soon
            await pilot.pause(RELEASE_AFTER)
            continue
        if all(worker.is_finished for worker in app.workers) and not keys_held(app):
            await pilot.pause()
            if all(worker.is_finished for worker in app.workers) and not keys_held(app):
                return


def keys_held(app: Any) -> bool:
    """Keys typed but not yet handled (the app's key gate, screens/key_order.py)."""
    waiting = getattr(app, "keys_waiting", None)
    return bool(waiting()) if waiting is not None else False


def queue_screen(app: DutyDeskApp) -> Any:
    from screens.queue import QueueScreen

    for screen in app.screen_stack:
        if isinstance(screen, QueueScreen):
            return screen
    raise AssertionError("no queue screen")


def table_of(app: DutyDeskApp) -> KeyedTable:
    return queue_screen(app).query_one("#queue", KeyedTable)


def row_names(app: DutyDeskApp) -> list[str]:
    table = table_of(app)
    return [table.get_cell(row.key, "name").plain.strip() for row in table.ordered_rows]


def cell_text(app: DutyDeskApp, referral_id: int, column: str) -> str:
    return table_of(app).get_cell(str(referral_id), column).plain.strip()


def cursor_id(app: DutyDeskApp) -> int | None:
    return queue_screen(app).current_id()


def detail_text(app: DutyDeskApp) -> str:
    body = queue_screen(app).query_one("#detail-body", Static)
    return str(body.render())


def notifications(app: DutyDeskApp) -> list[str]:
    return [notification.message for notification in app._notifications]


def set_select(app: DutyDeskApp, selector: str, value: str) -> None:
    app.screen.query_one(selector, Select).value = value


async def move_cursor_to(pilot: Pilot[Any], referral_id: int) -> None:
    table = table_of(pilot.app)  # type: ignore[arg-type]
    table.move_cursor(row=table.get_row_index(str(referral_id)))
    await settle(pilot)


def screen_text(app: DutyDeskApp) -> str:
    """What the terminal shows, as plain text lines (no styles): for reading the screen in a test."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=None,
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(  # private, as App.export_screenshot does
        full=True, screen_stack=app._background_screens
    )
    console.print(update)
    flat = console.export_text(styles=False)
    if "\n" not in flat.rstrip("\n"):
        flat = "\n".join(flat[i : i + width] for i in range(0, len(flat), width))
    return flat
