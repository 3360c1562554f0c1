"""The client record (key 5) through the real app at 80x24 on a real SQLite file: opening
it from the board, the day view, the palette and its number key; back to where it was
opened from, the cursor kept; its sections and their keys; privacy; live reloads."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Static

from duty_desk.views import ClientRecordView
from screens.record import RecordScreen, record_bindings
from screens.record_history import HistorySection
from screens.record_meetings import MeetingsSection
from screens.record_network import NetworkSection
from screens.record_section import RecordContext, RecordSection, SectionRow

from . import test_ui_board_support as support
from .test_ui_board_support import open_board, select_client, table
from .test_ui_support import notifications, settle

board = support.board  # the fixture


def record_screen(app: Any) -> RecordScreen:
    screen = app.screen
    assert isinstance(screen, RecordScreen), type(screen).__name__
    return screen


def header(app: Any) -> str:
    return str(record_screen(app).query_one("#record-header", Static).render())


def detail(app: Any) -> str:
    return str(record_screen(app).query_one("#record-detail-body", Static).render())


def footer_keys(app: Any) -> dict[str, str]:
    """The keys the footer shows now: key -> binding id."""
    return {
        key: active.binding.id or active.binding.action
        for key, active in app.screen.active_bindings.items()
        if active.binding.show
    }


async def open_alex(pilot: Any, board: Any) -> RecordScreen:
    await open_board(pilot)
    await select_client(pilot, board.alex)
    await pilot.press("enter")
    await settle(pilot)
    return record_screen(pilot.app)


async def test_enter_on_the_board_opens_the_record_and_escape_comes_back(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        screen = await open_alex(pilot, board)
        assert app.current_mode == "record"
        assert screen.client_id == board.alex
        text = header(app)
        assert "Alex Example (test)" in text
        assert "Key worker: " in text
        assert "Accepted " in text
        assert "week" in text
        # Network is the first section; meetings with m: one booked, two happened.
        await pilot.press("m")
        await settle(pilot)
        assert screen.section == "m"
        assert screen.main_table().row_count == 3
        assert "Wed 25 Nov" in detail(app) or "25 November" in detail(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == "board"
        assert table(app).current_key == str(board.alex)  # the cursor kept


async def test_key_5_reopens_the_last_client_or_says_how_to_choose(open_app, board):
    async with open_app() as (app, pilot):
        await pilot.press("5")
        await settle(pilot)
        assert "No client chosen yet" in header(app)
        await pilot.press("m")  # no section key does anything without a client
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await select_client(pilot, board.alex)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert "Alex Example (test)" in header(app)


async def test_history_section_lists_the_clients_audit_entries(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        screen = await open_alex(pilot, board)
        await pilot.press("h")
        await settle(pilot)
        grid = screen.main_table()
        actions = [grid.get_cell(key, "what").plain.strip() for key in grid.keys]
        assert "book meeting" in actions
        assert "core team" in actions
        assert any("accept" in a for a in actions)


# -- the section protocol: keys only while their section is shown -------------------------------


class Alpha(RecordSection):
    """A test section whose ``a`` adds."""

    name = "alpha"
    key = "n"
    title = "Alpha"
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("a", "add", "Add", id="record_alpha_add", tooltip="Alpha add")
    ]
    done: ClassVar[list[str]] = []

    def rows(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[SectionRow]:
        return [("1", "one", {"what": Text(" alpha row")})]

    def action_add(self, screen: RecordScreen) -> None:
        self.done.append(f"alpha {screen.client_id}")


class Beta(RecordSection):
    """Another section whose ``a`` means something else."""

    name = "beta"
    key = "m"
    title = "Beta"
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("a", "note", "Note", id="record_beta_note", tooltip="Beta note")
    ]

    def markers(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[Text]:
        return [Text("BETA-MARK", style="bold")]

    def action_note(self, screen: RecordScreen) -> None:
        Alpha.done.append("beta")


TEST_PARTS = [Alpha, Beta, HistorySection]


class ProtocolRecord(RecordScreen, inherit_bindings=False):
    PART_CLASSES = TEST_PARTS
    BINDINGS = record_bindings(TEST_PARTS)


async def test_the_same_key_does_what_the_shown_section_says(open_app, board):
    Alpha.done.clear()
    async with open_app() as (app, pilot):
        screen = ProtocolRecord()
        await app.push_screen(screen)
        screen.open_client(board.alex, None)
        await settle(pilot)
        assert "BETA-MARK" in header(app)
        assert screen.section == "n"
        assert footer_keys(app)["a"] == "record_alpha_add"
        await pilot.press("a")
        await settle(pilot)
        assert Alpha.done == [f"alpha {board.alex}"]
        await pilot.press("m")
        await settle(pilot)
        assert footer_keys(app)["a"] == "record_beta_note"
        await pilot.press("a")
        await settle(pilot)
        assert Alpha.done == [f"alpha {board.alex}", "beta"]
        await pilot.press("h")  # the history has no a: the key does nothing there
        await settle(pilot)
        assert "a" not in footer_keys(app)
        await pilot.press("a")
        await settle(pilot)
        assert Alpha.done == [f"alpha {board.alex}", "beta"]
        names = [c.name for c in screen.palette_commands()]
        assert "Alpha add" not in names and "Beta note" not in names
        await pilot.press("n")
        await settle(pilot)
        names = [c.name for c in screen.palette_commands()]
        assert "Alpha add" in names and "Beta note" not in names


def test_the_registered_sections_load() -> None:
    base = (NetworkSection, MeetingsSection, HistorySection)
    assert [p for p in RecordScreen.PART_CLASSES if p in base] == list(base)
    ids = [b.id for b in RecordScreen.BINDINGS if isinstance(b, Binding)]
    assert len(ids) == len(set(ids))
