"""The duty-desk app: settings, database and acting login in; screens (modes) out.

``create_app(config, db)`` is what the CLI runs and what the tests drive.
This module stays light: the repository (SQLModel, SQLAlchemy) is imported
when first used, after the first paint, by a worker.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from .commands import ScreenCommands
from .literal import visible

if TYPE_CHECKING:
    from duty_desk.config import Config
    from duty_desk.db import Database
    from duty_desk.repository import Repository
    from duty_desk.views import StaffView


def _queue_screen() -> Screen[None]:
    from .queue import QueueScreen

    return QueueScreen()


def _board_screen() -> Screen[None]:
    from .board import BoardScreen

    return BoardScreen()


def _day_screen() -> Screen[None]:
    from .day import DayScreen

    return DayScreen()


class DutyDeskApp(App[None]):
    """Keyboard-first duty desk for one Peer-supported Open Dialogue team."""

    CSS_PATH = "app.tcss"
    MODES = {"queue": _queue_screen, "board": _board_screen, "day": _day_screen}  # noqa: RUF012
    DEFAULT_MODE = "queue"
    COMMANDS = App.COMMANDS | {ScreenCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        # Not in the footer (no room at 80 columns): the title bar shows them as tabs.
        Binding("1", "show_queue", "Queue", show=False, id="show_queue"),
        Binding("2", "show_board", "Board", show=False, id="show_board"),
        Binding("3", "show_day", "Day", show=False, id="show_day"),
        # Shown in the title bar ("p hide" / "PRIVATE").
        Binding("p", "toggle_privacy", "Privacy", show=False, id="toggle_privacy"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="quit_app"),
    ]
    """
    | key    | id         | action                      |
    |--------|------------|-----------------------------|
    | 1      | show_queue | the referral queue          |
    | 2      | show_board | the continuity board        |
    | 3      | show_day   | today's meeting slots       |
    | p      | toggle_privacy | privacy mode: client names as initials, NHS numbers as last 3 digits |
    | ctrl+q | quit_app   | quit from anywhere          |
    | ctrl+p | (Textual)  | command palette             |
    """

    def __init__(self, config: Config, db: Database, actor: str | None = None) -> None:
        _no_personal_data_in_textual_log()
        super().__init__()
        self.config = config
        self.db = db
        self._actor = actor
        self.staff: StaffView | None = None
        self.privacy = False  # names as initials, NHS numbers as their last three digits
        self.privacy_generation = 0  # counts toggles; a screen that saw another one reloads
        self._clashes_told: set[str] = set()
        self.title = visible(config.team.name)
        # Holding the zone keeps zoneinfo's weak cache warm: without a live reference
        # every conversion to local time reads the zone file again (about 10x slower).
        import pendulum

        self._zone = pendulum.timezone(config.team.timezone)
        self.theme = "textual-dark"

    @cached_property
    def _repo(self) -> Repository:
        from duty_desk.repository import Repository

        return Repository(self.db, self.config, actor=self._actor)

    @cached_property
    def _masked_repo(self) -> Repository:
        from duty_desk.privacy import MaskedRepository

        return MaskedRepository(self._repo)  # type: ignore[return-value]

    @property
    def repo(self) -> Repository:
        """The one repository, acting as the given login or the OS login (thread-safe to use).
        In privacy mode its answers come with client names and NHS numbers hidden."""
        return self._masked_repo if self.privacy else self._repo

    @property
    def actor(self) -> str:
        return self._repo.actor

    @property
    def view_only(self) -> bool:
        return self.staff is None

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))
            unknown = sorted(set(self.config.keys) - binding_ids())
            if unknown:
                self.notify(f"[keys] in the settings names no action: {', '.join(unknown)} "
                            f"(known: {', '.join(sorted(binding_ids()))})",
                            severity="warning", timeout=15, markup=False)

    def action_command_palette(self) -> None:
        """The command palette, with a plain ">" instead of Textual's emoji search icon."""
        from .commands import Palette

        if self.use_command_palette and not Palette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    async def show_mode(self, mode: str) -> None:
        """Switch to a screen (mode) and put the cursor in its main table."""
        if self.current_mode != mode:
            await self.switch_mode(mode)
        self._privacy_to(self.screen)
        focus = getattr(self.screen, "focus_main", None)
        if focus is not None:
            focus()

    async def show_queue(self) -> None:
        """The "Referral queue" command."""
        await self.show_mode("queue")

    async def show_board(self) -> None:
        """The "Continuity board" command."""
        await self.show_mode("board")

    async def show_day(self) -> None:
        """The "Meeting slots" command."""
        await self.show_mode("day")

    def action_toggle_privacy(self) -> None:
        """Privacy mode on or off: the screen reloads with names shown or hidden."""
        from textual.screen import ModalScreen

        if isinstance(self.screen, ModalScreen):
            self.notify("Close this window first (escape), then press p for privacy mode",
                        severity="warning", markup=False)
            return
        self.privacy = not self.privacy
        self.privacy_generation += 1
        self._privacy_to(self.screen)
        self.notify("Privacy mode: client names as initials, NHS numbers as the last 3 digits"
                    if self.privacy else "Privacy mode off: names shown in full", markup=False)

    def _privacy_to(self, screen: Screen[object]) -> None:
        """Bring a screen up to the current privacy mode (title bar, and its data reloaded)."""
        from .widgets import TitleBar

        if getattr(screen, "privacy_generation", 0) == self.privacy_generation:
            return
        screen.privacy_generation = self.privacy_generation  # type: ignore[attr-defined]
        for bar in screen.query(TitleBar):
            bar.show_privacy(self.privacy)
        reload = getattr(screen, "reload", None)
        if reload is not None:
            reload()

    async def action_show_queue(self) -> None:
        await self.show_queue()

    async def action_show_board(self) -> None:
        await self.show_board()

    async def action_show_day(self) -> None:
        await self.show_day()

    def handle_bindings_clash(self, clashed_bindings, node) -> None:  # type: ignore[no-untyped-def]
        names = ", ".join(sorted(b.id or b.action for b in clashed_bindings))
        if names in self._clashes_told:
            return
        self._clashes_told.add(names)
        self.notify(f"[keys] in the settings: a key is used twice ({names})", severity="warning",
                    markup=False)


DEBUG_ENV = "DUTY_DESK_DEBUG"


def _no_personal_data_in_textual_log() -> None:
    """Switch off Textual's log file (``TEXTUAL_LOG``) unless DUTY_DESK_DEBUG is set.

    That log records every message the app handles, with what was typed and shown
    (names, NHS numbers): personal data that must not land in a file. A developer
    who needs it sets DUTY_DESK_DEBUG=1 as well, knowingly.
    """
    import os

    from textual import constants

    if constants.LOG_FILE and not os.environ.get(DEBUG_ENV):
        constants.LOG_FILE = None  # type: ignore[misc]


def binding_ids() -> set[str]:
    """Every binding id a [keys] entry in config.toml can remap."""
    from .absence_impact import AbsenceImpact
    from .board import BoardScreen
    from .booking import BookingDialog
    from .client_meetings import ClientMeetings
    from .confirm import ConfirmDialog
    from .day import DayScreen
    from .forms import FormScreen
    from .history import HistoryScreen
    from .queue import QueueScreen
    from .referral_view import ReferralScreen

    screens = (DutyDeskApp, QueueScreen, FormScreen, ConfirmDialog, HistoryScreen, DayScreen,
               BookingDialog, BoardScreen, AbsenceImpact, ClientMeetings, ReferralScreen)
    return {b.id for cls in screens for b in cls.BINDINGS if isinstance(b, Binding) and b.id}


def create_app(config: Config, db: Database, actor: str | None = None) -> DutyDeskApp:
    """The app for ``config`` on ``db``; ``actor`` None means this process's OS login."""
    return DutyDeskApp(config, db, actor)
