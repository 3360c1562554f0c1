"""The client record (key 5) through the real app at 80x24 on a real SQLite file: opening
it from the board, the day view, the palette and its number key; back to where it was
opened from, the cursor kept; its sections and their keys; privacy; live reloads."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import Static

from duty_desk.views import ClientRecordView
from screens.record import RecordScreen, record_bindings
from screens.record_history import HistorySection
from screens.record_meetings import MeetingsSection
from screens.record_network import NetworkSection
from screens.record_section import RecordContext, RecordSection, SectionRow

from . import test_ui_board_support as support
from . import test_ui_day_support as day_support
from .test_ui_board_support import open_board, select_client, table
from .test_ui_day_support import day_cursor, day_screen, open_day
from .test_ui_support import notifications, settle

board = support.board  # the fixtures
team = day_support.team


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


async def test_keys_typed_while_the_record_opens_wait_for_it(open_app, board, monkeypatch):
    """Enter on the board then at once f and 2 (a fast typist, a slow read): the keys wait
    for the record, so f opens its Friends and Family Test and 2 chooses Good. Before, f
    met a record not yet read ("No client chosen yet") and 2 went back to the board. The
    read is held until the keys are typed, as a slow shared database would hold it."""
    import threading

    from screens.fft_dialog import AnswerPicker, FftDialog

    typed = threading.Event()
    real_read = RecordScreen.read

    def slow_read(self: RecordScreen, query: int | None) -> Any:
        typed.wait(10)
        return real_read(self, query)

    monkeypatch.setattr(RecordScreen, "read", slow_read)
    async with open_app(settled=False) as (app, pilot):
        await open_board(pilot)
        await select_client(pilot, board.alex)
        await pilot.press("enter", "f", "2")
        typed.set()
        await settle(pilot)
        assert isinstance(app.screen, FftDialog), type(app.screen).__name__
        assert app.screen.query_one(AnswerPicker).value == "good"
        assert app.current_mode == "record"
        assert not [n for n in notifications(app) if "No client chosen" in n]


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
        # escape goes back to where 5 was pressed (the queue), not where it was first opened
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == "queue"


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


async def test_enter_on_a_meeting_or_an_unbooked_first_meeting_in_the_day_opens_it(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        screen = await open_day(pilot)
        grid = screen.main_table()
        grid.move_cursor(row=grid.get_row_index(f"m{team.meeting}"))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        record = record_screen(app)
        assert record.client_id == team.client
        assert "Mum (test)" in detail(app)  # the network section: the one member
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == "day"
        assert day_cursor(app) == f"m{team.meeting}"
        grid.move_cursor(row=grid.get_row_index(f"u{team.unbooked}"))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert record_screen(app).client_id == team.unbooked
        # user text literally: the name holds markup, shown as typed
        assert "[red]Waiting[/red] Person (test)" in header(app)
        await pilot.press("escape")
        await settle(pilot)
        assert day_screen(app) is app.screen


async def test_tab_on_the_board_still_reaches_the_detail_pane(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        screen = await open_board(pilot)
        await select_client(pilot, board.alex)
        await pilot.press("tab")
        await settle(pilot)
        assert app.current_mode == "board"
        assert screen.query_one("#board-detail").has_focus


async def test_tab_in_the_day_view_still_reaches_the_meeting_pane(open_app, team):
    async with open_app(settled=False) as (app, pilot):
        screen = await open_day(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert app.current_mode == "day"
        assert screen.query_one("#meeting").has_focus


async def test_the_palette_finds_a_client_by_name_or_nhs_number(open_app, board):
    board.repo.discharge(board.alex, "primary_care", support.local(23, 9).date(), "Well (test)")
    async with open_app() as (app, pilot):
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"client record: alex")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert record_screen(app).client_id == board.alex  # discharged, found all the same
        assert "DISCHARGED" in header(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == "queue"


async def test_palette_hits_tell_alike_names_apart(board):
    from screens.record_palette import hit_prompt

    hits = board.repo.client_hits("example")
    assert [h.client_id for h in hits] == [board.alex]
    prompt = hit_prompt(hits[0], board.repo.config).plain
    assert "b. 01/02/1990" in prompt and "NHS 999 000 0018" in prompt
    assert "SG" not in prompt  # no flag open: no marker
    assert board.repo.client_hits("9990000") == hits  # part of the NHS number
    assert board.repo.client_hits("x") == []  # one character finds nothing


async def test_palette_hit_carries_the_safeguarding_marker(board):
    from screens.record_palette import hit_prompt

    board.repo.raise_flag("adult", "Adult concern (test)", client_id=board.alex)
    [hit] = board.repo.client_hits("example")
    assert hit.safeguarding == ("adult",)
    prompt = hit_prompt(hit, board.repo.config).plain
    label = board.repo.config.safeguarding.label("adult")
    assert f"Client record: {hit.name}  SG {label}" in prompt


async def test_book_from_the_record_names_the_client(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        await pilot.press("b")
        await settle(pilot)
        from screens.booking import BookingDialog

        assert isinstance(app.screen, BookingDialog)
        await pilot.press(*"thu 14:00")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert any("Alex Example (test)" in n for n in notifications(app))
        await pilot.press("m")
        await settle(pilot)
        assert record_screen(app).main_table().row_count == 4


async def test_privacy_masks_the_header_and_sections(open_app, board):
    board.repo.add_network_member(board.alex_referral, "Sam Sibling (test)", "brother")
    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        await pilot.press("p")
        await settle(pilot)
        text = header(app)
        assert "Alex Example" not in text and "A.E." in text
        assert "999 000 0018" not in text and "018" in text
        assert "Sam Sibling" not in detail(app) and "S.S." in detail(app)
        await pilot.press("h")
        await settle(pilot)
        assert "Alex Example" not in detail(app)


async def test_the_record_follows_changes_made_elsewhere(open_app, board, db, config):
    from duty_desk.repository import Repository

    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        other = Repository(db, config, actor="peer1")  # another person, another connection
        other.add_network_member(board.alex_referral, "Arrived Later (test)", "friend")
        deadline = asyncio.get_running_loop().time() + 15
        while asyncio.get_running_loop().time() < deadline:
            await pilot.pause(0.05)
            if "Arrived Later (test)" in [
                record_screen(app).main_table().get_cell(k, "name").plain.strip()
                for k in record_screen(app).main_table().keys
            ]:
                break
        else:
            raise AssertionError("the new network member never appeared")


async def test_at_60x20_the_header_and_a_section_stay_on_screen(open_app, board):
    async with open_app(settled=False, size=(60, 20)) as (app, pilot):
        screen = await open_alex(pilot, board)
        await pilot.press("m")
        await settle(pilot)
        assert screen.has_class("-short")
        assert screen.query_one("#record-header").region.height == 3
        assert screen.main_table().region.height >= 4
        assert "Alex Example (test)" in header(app)


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
    base = (NetworkSection, MeetingsSection, HistorySection)  # other parts register between
    assert [p for p in RecordScreen.PART_CLASSES if p in base] == list(base)
    ids = [b.id for b in RecordScreen.BINDINGS if isinstance(b, Binding)]
    assert len(ids) == len(set(ids))


async def test_a_record_opened_again_is_read_first_and_keys_typed_meanwhile_reach_it(
    open_app, board
):
    """Once the record screen exists, Enter reads the client before showing it (the record
    appears whole); a key typed meanwhile waits for the record and never reaches the board
    behind (whose m would open the client's meetings dialog there)."""
    async with open_app(settled=False) as (app, pilot):
        screen = await open_alex(pilot, board)
        await pilot.press("escape")
        await settle(pilot)
        await select_client(pilot, board.blake)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.client_id == board.blake
        assert "Blake Sample (test)" in header(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == "board"
        assert table(app).current_key == str(board.blake)
        # As Enter does: the board stays shown while the record is read, and a key typed
        # then (posted before the read can be back) waits for the record.
        screen.open_when_read(board.alex, "board")
        assert app.current_mode == "board"
        app.post_message(events.Key("m", "m"))
        await settle(pilot)
        assert app.screen is screen
        assert "Alex Example (test)" in header(app)
        assert screen.section == "m"


async def test_a_slow_read_shows_the_record_loading_then_whole(open_app, board, monkeypatch):
    """A read slower than SWITCH_AFTER (here at once) shows the record screen first, then
    fills it in; the keys typed are let go to it."""
    import screens.record as record_module

    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        await pilot.press("escape")
        await settle(pilot)
        monkeypatch.setattr(record_module, "SWITCH_AFTER", 0.0)
        await select_client(pilot, board.blake)
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "record"
        assert "Blake Sample (test)" in header(app)
        await pilot.press("h")
        await settle(pilot)
        assert record_screen(app).section == "h"
