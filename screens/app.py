"""The duty-desk app: settings, database and acting login in; screens (modes) out.

``create_app(config, db)`` is what the CLI runs and what the tests drive.
This module stays light: the repository (SQLModel, SQLAlchemy) is imported
when first used, by the first screen's read in a worker thread, and it imports only
the parts that read needs. The garbage collector waits during the first start of a
process (``duty_desk/heap.py``).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from textual import on
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from duty_desk.heap import START_COLLECTION_SECONDS, pause_collection, resume_collection

from . import registry
from .commands import ScreenCommands
from .key_order import KeysInOrder
from .literal import visible
from .live import ChangeFollower
from .live_list import LiveList
from .record_palette import ClientRecordCommands
from .textual_private import LastResort

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from duty_desk.config import Config
    from duty_desk.db import Database
    from duty_desk.repository import Repository
    from duty_desk.views import StaffView


class DutyDeskApp(KeysInOrder, LastResort[None]):
    """Keyboard-first duty desk for one Peer-supported Open Dialogue team.

    An error nobody foresaw stops it with one sentence, the details in a private log and
    return code 1 (``LastResort``, screens/textual_private.py)."""

    # The three screens a start may open on are styled with the app, so their styles are
    # parsed with it, once: a screen with styles not yet read makes Textual parse every
    # sheet again and restyle the whole app as it mounts (issue 15). The others read theirs
    # when first shown.
    CSS_PATH = "app.tcss"  # each screen's own sheet is its DEFAULT_CSS (screens/base.py sheet)
    MODES = registry.modes()
    DEFAULT_MODE = registry.SCREENS[0].mode
    COMMANDS = App.COMMANDS | {ScreenCommands, ClientRecordCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        *registry.bindings(),  # 1, 2, 3: one a screen (screens/registry.py)
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
    | 4      | show_handover | the shift handover       |
    | 5      | show_record | the last client record opened |
    | 6      | show_report | the team report               |
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
        # Live updates: one change feed for the app (screens/live.py). Modes shown before
        # and not now are "stale" after a change, and catch up when shown again.
        self.changes = ChangeFollower(self, db, config.database.refresh_seconds)
        self._shown_modes: set[str] = {self.DEFAULT_MODE}
        self._stale_modes: set[str] = set()
        self._live_paused = False
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

    def on_load(self) -> None:
        pause_collection()  # until the first rows are in

    @on(LiveList.Loaded)
    def _first_rows_in(self) -> None:
        self.call_after_refresh(resume_collection)  # once they are painted

    def on_mount(self) -> None:
        self.set_timer(START_COLLECTION_SECONDS, resume_collection)
        self.changes.start()  # its own thread (if a screen's first read has not started it)
        if self.config.keys:
            self.set_keymap(dict(self.config.keys))
            unknown = sorted(set(self.config.keys) - binding_ids())
            if unknown:
                self.notify(
                    f"[keys] in the settings names no action: {', '.join(unknown)} "
                    f"(known: {', '.join(sorted(binding_ids()))})",
                    severity="warning",
                    timeout=15,
                    markup=False,
                )

    async def action_quit(self) -> None:
        """Quit (q, ctrl+q); with a form open that holds unsaved typing, ask first."""
        from rich.text import Text

        from .confirm import ConfirmDialog

        if isinstance(self.screen, ConfirmDialog) and self.screen.id == "confirm-quit":
            return  # already asking
        unsaved = [s for s in self.screen_stack if getattr(s, "changed", lambda: False)()]
        if not unsaved:
            self.exit()
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        question = ConfirmDialog(
            "Quit with unsaved changes?",
            Text("A form has typing that is not saved. Quit and lose it?"),
            yes="Quit",
            no="Keep editing",
        )
        question.id = "confirm-quit"
        self.push_screen(question, answered)

    def action_command_palette(self) -> None:
        """The command palette, with a plain ">" instead of Textual's emoji search icon."""
        from .commands import Palette

        if self.use_command_palette and not Palette.is_open(cast("App[object]", self)):
            self.push_screen(Palette(id="--command-palette"))

    async def show_mode(self, mode: str) -> None:
        """Switch to a screen (mode) and put the cursor in its main table.

        A screen that missed changes while hidden catches up now (``changed_elsewhere``).
        """
        if self.current_mode != mode:
            left = self.current_mode
            await self.switch_mode(mode)
            came_back = getattr(self.screen, "came_to_from", None)
            if came_back is not None:  # the record: escape goes back to where it was shown from
                came_back(left)
        self._shown_modes.add(mode)
        if mode in self._stale_modes:
            self._stale_modes.discard(mode)
            self._tell_shown_screens()
        self._privacy_to(self.screen)
        focus = getattr(self.screen, "focus_main", None)
        if focus is not None:
            focus()

    async def action_show_mode(self, mode: str) -> None:
        """Keys 1, 2, 3 (screens/registry.py)."""
        await self.show_mode(mode)

    # -- live updates -----------------------------------------------------------------------------
    def wait_for_change_baseline(self) -> None:
        """For a screen's load worker (a thread, never the UI) before it reads: returns once
        the app's change feed has its baseline, so no commit before the read is missed."""
        self.changes.wait_for_baseline()

    def about_to_read(self, screen: Screen[Any]) -> int:
        """A screen is about to read everything again (UI thread): commits so far will be
        in that read, so they need not reload it once more; if it is shown, other screens
        turn stale. Returns the change feed's generation: a ``Changed`` up to it reports a
        commit this read has (``LiveList.read_covers``)."""
        shown = screen in self.screen_stack
        found, generation = self.changes.absorb() if shown else (False, self.changes.generation)
        if found:
            self._stale_modes |= self._shown_modes - {self.current_mode}
        return generation

    @on(ChangeFollower.Changed)
    def _on_changes_changed(self, message: ChangeFollower.Changed) -> None:
        """Someone committed: the screen shown reloads (unless a read it began since has
        the commit already), the other screens are marked stale."""
        self._live_paused = False
        self._stale_modes |= self._shown_modes - {self.current_mode}
        self._tell_shown_screens(message.generation)

    @on(ChangeFollower.Paused)
    def _on_changes_paused(self, message: ChangeFollower.Paused) -> None:
        if self._live_paused:
            return
        self._live_paused = True
        self.log.error(f"change check failed: {message.error}")
        self.notify(
            "Live updates are paused: the database cannot be read just now. "
            "They resume by themselves.",
            severity="warning",
            markup=False,
        )

    def _tell_shown_screens(self, generation: int | None = None) -> None:
        """``changed_elsewhere()`` on each screen of the current mode that has one (the
        list under an open dialog included, as before), but not on one whose latest read
        began after the feed's ``generation``-th finding (``read_covers``): the commit
        is in that read already. Read twice, the board would read every episode again
        (duty_desk/repo/board_changes.py: nothing new in the audit log)."""
        for screen in list(self.screen_stack):
            changed = getattr(screen, "changed_elsewhere", None)
            covers = getattr(screen, "read_covers", None)
            if changed is None or (
                generation is not None and covers is not None and covers(generation)
            ):
                continue
            changed()

    def on_unmount(self) -> None:
        resume_collection()
        self.changes.stop()

    def delay_update(self, delay: float = 0.05) -> None:
        """Textual holds every repaint for ``delay`` (0.05 s) when the mode changes (and when
        the palette runs a command), to mask a screen shown before it is built. Ours are
        built before they are shown (the client record is read first; a list screen shows
        its loading line, then its rows), so the hold only kept the screen asked for off the
        terminal: 50 ms of every number key and of opening the record. Held now for
        :data:`HOLD_ON_SWITCH`, so what the switch does at once still comes in one frame."""
        super().delay_update(HOLD_ON_SWITCH)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)
        from .closing import notice_posted

        notice_posted(self)  # a form closed for this notice is painted with it

    def action_toggle_privacy(self) -> None:
        """Privacy mode on or off: the screen reloads with names shown or hidden."""
        from textual.screen import ModalScreen

        if isinstance(self.screen, ModalScreen):
            self.notify(
                "Close this window first (escape), then press p for privacy mode",
                severity="warning",
                markup=False,
            )
            return
        self.privacy = not self.privacy
        self.privacy_generation += 1
        self._privacy_to(self.screen)
        self.notify(
            "Privacy mode: client names as initials, NHS numbers as the last 3 digits"
            if self.privacy
            else "Privacy mode off: names shown in full",
            markup=False,
        )

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

    def handle_bindings_clash(self, clashed_bindings, node) -> None:  # type: ignore[no-untyped-def]
        names = ", ".join(sorted(b.id or b.action for b in clashed_bindings))
        if names in self._clashes_told:
            return
        self._clashes_told.add(names)
        self.notify(
            f"[keys] in the settings: a key is used twice ({names})",
            severity="warning",
            markup=False,
        )


DEBUG_ENV = "DUTY_DESK_DEBUG"
HOLD_ON_SWITCH = 0.001  # seconds (see DutyDeskApp.delay_update; a timer cannot be 0)


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
    elif constants.LOG_FILE:
        _private_log(constants.LOG_FILE)


def _private_log(path: str) -> None:
    """Make the debug log owner-only before Textual writes to it (Textual opens it with
    ``open(path, "a")``, which follows the umask): created 0600, or narrowed to 0600 when
    it is already ours."""
    import os
    import stat

    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        return  # Textual cannot open it either: nothing is written there
    try:
        found = os.fstat(fd)
        if stat.S_ISREG(found.st_mode) and found.st_uid == os.geteuid():
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def binding_ids() -> set[str]:
    """Every binding id a [keys] entry in config.toml can remap."""
    from .absence_impact import AbsenceImpact
    from .attendance_dialog import AttendanceDialog
    from .board import BoardScreen
    from .booking import BookingDialog
    from .client_meetings import ClientMeetings
    from .confirm import ConfirmDialog
    from .cover_picker import CoverPicker
    from .day import DayScreen
    from .forms import FormScreen
    from .handover import HandoverScreen
    from .history import HistoryScreen
    from .next_meeting import NextMeetingDialog
    from .queue import QueueScreen
    from .record import RecordScreen
    from .referral_view import ReferralScreen
    from .team_report import TeamReportScreen  # issue 14 (screen)

    screens = (
        DutyDeskApp,
        QueueScreen,
        FormScreen,
        ConfirmDialog,
        HistoryScreen,
        DayScreen,
        BookingDialog,
        BoardScreen,
        AbsenceImpact,
        CoverPicker,
        ClientMeetings,
        AttendanceDialog,
        NextMeetingDialog,
        ReferralScreen,
        HandoverScreen,
        RecordScreen,
        TeamReportScreen,
    )
    return {b.id for cls in screens for b in cls.BINDINGS if isinstance(b, Binding) and b.id}


def create_app(config: Config, db: Database, actor: str | None = None) -> DutyDeskApp:
    """The app for ``config`` on ``db``; ``actor`` None means this process's OS login."""
    return DutyDeskApp(config, db, actor)
