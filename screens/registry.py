"""The one list of the app's screens (Textual modes).

Each :class:`ScreenEntry` gives everything that names a screen: its mode, its number key
and binding id (remappable in ``[keys]``), its title-bar tab, and its palette command.
The app's MODES and number-key bindings, the title bar's tabs and the palette's screen
commands are all read from :data:`SCREENS`; adding a screen is one entry here (plus its
module, and its key in the README's tables, which a test checks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding
from textual.screen import Screen


@dataclass(frozen=True)
class ScreenEntry:
    mode: str  # the Textual mode name
    key: str  # the default key (a number); [keys] may remap binding_id
    title: str  # the tab in the title bar
    palette: str  # the command palette entry
    help: str  # the palette's help line (without the key)
    factory: Callable[[], Screen[None]]  # builds the screen (imports it only then)
    binding_id: str  # the binding's id, for [keys]

    @property
    def action(self) -> str:
        """The app action that shows the screen."""
        return f"show_mode({self.mode!r})"

    def binding(self) -> Binding:
        # Not in the footer (no room at 80 columns): the title bar shows them as tabs.
        return Binding(self.key, self.action, self.title, show=False, id=self.binding_id)


def _queue() -> Screen[None]:
    from .queue import QueueScreen

    return QueueScreen()


def _board() -> Screen[None]:
    from .board import BoardScreen

    return BoardScreen()


def _day() -> Screen[None]:
    from .day import DayScreen

    return DayScreen()


def _handover() -> Screen[None]:
    from .handover import HandoverScreen

    return HandoverScreen()


def _record() -> Screen[None]:
    from .record import RecordScreen

    return RecordScreen()


def _report() -> Screen[None]:  # issue 14 (screen): the team report
    from .team_report import TeamReportScreen

    return TeamReportScreen()


SCREENS: tuple[ScreenEntry, ...] = (
    ScreenEntry(
        "queue", "1", "Queue", "Referral queue", "Open the referral queue", _queue, "show_queue"
    ),
    ScreenEntry(
        "board",
        "2",
        "Board",
        "Continuity board",
        "Open the clinician continuity board",
        _board,
        "show_board",
    ),
    # "Today's" holds "day", the word on the tab: typing it in the palette finds the screen.
    ScreenEntry(
        "day", "3", "Day", "Today's meeting slots", "Open the day's meeting slots", _day, "show_day"
    ),
    ScreenEntry(
        "handover",
        "4",
        "Handover",
        "Handover",
        "Open the shift handover: what the next duty worker must know",
        _handover,
        "show_handover",
    ),
    ScreenEntry(
        "record",
        "5",
        "Record",
        "Client record",
        "Open the last client record opened (Enter on a client or meeting opens one)",
        _record,
        "show_record",
    ),
    ScreenEntry(
        "report",
        "6",
        "Report",
        "Team report",
        "Open the team's outcomes report: a week, month, quarter or from-to, by area",
        _report,
        "show_report",
    ),
)


def modes() -> dict[str, str | Callable[[], Screen[Any]]]:
    return {entry.mode: entry.factory for entry in SCREENS}


def bindings() -> list[Binding]:
    return [entry.binding() for entry in SCREENS]


def by_binding_id(binding_id: str) -> ScreenEntry | None:
    return next((entry for entry in SCREENS if entry.binding_id == binding_id), None)
