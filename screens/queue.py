"""The referral queue: open referrals by deadline, a detail pane, and the triage actions.

Data flow: a :class:`~screens.live_list.LiveList` screen. Its reads run in a thread
worker; the app's one change feed tells it when someone else committed, and only then
is the queue read again and applied to the keyed table in place (row key = referral id)
so the cursor stays on the same referral. The response clocks are re-drawn from the rows
already held, every 30 seconds, without touching the database.

Accepting is one guarded flow (issue 11): ``a`` opens a confirmation
(``screens.accept_dialog``), then the core team and the first meeting
(``screens.accept_flow``). A client left part-way shows at the top of the queue
("needs core team" / "needs first meeting", row key ``s<referral id>``); Enter or ``a``
there goes on. ``u`` reverses a decision with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Input, Label, Static

from duty_desk import opening, rules, timeutil
from duty_desk.handover_views import ClaimHeld, HandoverNoteView, OohHandoverView
from duty_desk.views import (
    AcceptPreview,
    AreaIntake,
    AwaitingSetup,
    ReferralFilter,
    ReferralView,
    SetupNeed,
)

from . import data, render
from .base import sheet
from .commands import PaletteCommand
from .key_line import KeyLine
from .keyed_table import KeyedTable, RowCells
from .literal import assemble, cell, literal, visible
from .live_list import LiveList
from .widgets import IntakeBar, TextInput, TitleBar

CLOCK_SECONDS = 30.0
SEARCH_DELAY = 0.25
PRIVACY_EDIT = (
    "Privacy mode hides the details: turn it off (p) to correct them, where no one else "
    "can see the screen."
)


def decision_cell(referral: ReferralView) -> Text:
    """The status column of a decided referral: where it went (an accepted one: whether
    the client is still open or discharged; a redirected one: the onward service)."""
    if referral.client_status is not None:
        word = "client" if referral.client_status == "open" else str(referral.client_status)
    elif referral.onward:
        word = f"to {referral.onward.upper()}"
    else:
        word = referral.decided_by or "-"
    return cell(word)


@dataclass(frozen=True)
class Marks:
    """Handover facts about the open referrals, by referral id: claims (flagged or not),
    out-of-hours handovers, open handover notes (screens/render.py draws them)."""

    claims: dict[int, ClaimHeld] = field(default_factory=dict)
    handed: dict[int, OohHandoverView] = field(default_factory=dict)
    notes: dict[int, tuple[HandoverNoteView, ...]] = field(default_factory=dict)


SETUP_KEY = "s"  # row key prefix of an accepted client left part-way ("s" + referral id)


@dataclass(frozen=True)
class QueueRead:
    """One read of the queue: the week's intake and the rows (key, referral, cells)."""

    intake: tuple[AreaIntake, ...]
    rows: tuple[tuple[str, ReferralView, RowCells], ...]
    marks: Marks = field(default_factory=Marks)
    setup: tuple[AwaitingSetup, ...] = ()  # accepted clients left part-way (rows on top)
    # Whether recent first meetings were set within the response time (day view, 3).
    first_meetings: Text = field(default_factory=lambda: Text("", end=""))


class QueueScreen(LiveList):
    """Open referrals, soonest deadline first, and what the duty worker can do with them."""

    DEFAULT_CSS = sheet("queue.tcss")
    SHED = render.QUEUE_SHED
    BINDINGS = [
        Binding("n", "add_referral", "New", id="add_referral", tooltip="Add a referral"),
        Binding("c", "claim", "Claim", id="claim", tooltip="I'm triaging this (again: release)"),
        Binding("a", "accept", "Accept", id="accept", tooltip="Accept into POD"),
        Binding(
            "r", "redirect", "Redirect", id="redirect", tooltip="Redirect to an onward service"
        ),
        Binding("d", "decline", "Decline", id="decline", tooltip="Decline with a reason"),
        Binding(
            "u",
            "reverse_decision",
            "Reverse",
            id="reverse_decision",
            tooltip="Reverse a decision (accept, redirect, decline) with a reason",
        ),
        Binding(
            "m",
            "add_network_member",
            "Network",
            id="add_network_member",
            tooltip="Add a network member",
        ),
        Binding("h", "history", "History", id="history", tooltip="History from the audit log"),
        Binding("e", "edit_referral", "Edit", id="edit_referral", tooltip="Correct the details"),
        Binding(
            "o",
            "handover_ooh",
            "OOH",
            id="handover_ooh",
            tooltip="Due while the team is closed: hand over to the out-of-hours service",
        ),
        Binding(
            "N",
            "handover_note",
            "Note",
            id="handover_note",
            tooltip="Add a handover note for the next duty worker",
        ),
        Binding(
            "g",
            "raise_flag",
            "Flag",
            id="raise_flag",
            tooltip="Raise a safeguarding flag on the person",
        ),
        Binding(
            "G",
            "close_flag",
            "Close flag",
            id="close_flag",
            show=False,
            tooltip="Close a safeguarding flag, with the end date and a reason",
        ),
        Binding("slash", "search", "Find", id="search", tooltip="Filter the queue"),
        Binding(
            "ctrl+t",
            "find_status",
            "Open/decided",
            id="find_status",
            tooltip="Find among open, decided or all referrals",
        ),
        Binding("escape", "clear_search", "Clear find", show=False, id="clear_search"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]
    """
    | key    | id                 | action                                          |
    |--------|--------------------|-------------------------------------------------|
    | n      | add_referral       | add a referral (form)                           |
    | c      | claim              | I'm triaging this / release / take over; on a   |
    |        |                    | flagged claim: release it, with a reason        |
    | a      | accept             | accept: confirm, core team, first meeting       |
    | r      | redirect           | redirect to an onward service, with a reason    |
    | d      | decline            | decline, with a reason                          |
    | u      | reverse_decision   | reverse a decision, with a reason               |
    | m      | add_network_member | add a member of the person's network            |
    | h      | history            | the referral's history from the audit log       |
    | e      | edit_referral      | correct the referral's details (form)           |
    | o      | handover_ooh       | hand over to the out-of-hours service, reason   |
    | N      | handover_note      | add a handover note for the next duty worker    |
    | g      | raise_flag         | raise a safeguarding flag (kind, note)          |
    | G      | close_flag         | close a safeguarding flag (end date, reason)    |
    | /      | search             | filter the queue (in the database)              |
    | ctrl+t | find_status        | find among open, decided or all referrals       |
    | escape | clear_search       | clear the filter                                |
    | q      | quit               | quit                                            |
    Any of these ids can be given another key in config.toml under [keys].
    """

    search_term: reactive[str] = reactive("", init=False)
    # Which referrals the queue shows and a find looks through (open, decided, all).
    find_status: reactive[ReferralFilter] = reactive(ReferralFilter.open, init=False)

    NOUN = "queue"
    LOAD_GROUP = "queue-load"

    # -- messages (results posted back by workers) --------------------------------------
    @dataclass
    class DetailLoaded(Message):
        referral: ReferralView
        problems: tuple[str, ...]
        week: AreaIntake | None

    @dataclass
    class Written(Message):
        """A change was saved; ``note`` is plain text for the person.

        ``closed``: the referral left the open queue; ``view``: its new state.
        """

        referral_id: int | None
        note: str
        closed: bool = False
        view: ReferralView | None = None
        intake_changed: bool = False
        intake: tuple[AreaIntake, ...] | None = None  # read with the write: shown with it

    @dataclass
    class IntakeLoaded(Message):
        intake: tuple[AreaIntake, ...]

    @dataclass
    class AcceptPreviewLoaded(Message):
        preview: AcceptPreview

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, ReferralView]
        self._search_timer: Timer | None = None
        self._external_change = False
        self._prefetch = True  # the first read brings the first referral's details too
        self._detail_loading = False
        self._detail_next: int | None = None
        self._detail_deferred: int | None = None
        self._prefetched_detail: data.Detail | None = None
        self._week: object = None
        self.marks = Marks()
        self.setup: dict[int, AwaitingSetup] = {}  # by referral id: the rows on top

    # -- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        config = self.duty_app.config
        self.labels = render.Labels(config)
        yield TitleBar(config.team.name)
        yield Static(id="view-only")
        yield IntakeBar()
        # Whether recent first meetings were set within the response time (day view, 3).
        yield Static(Text("", end=""), id="first-meetings")
        with Horizontal(id="search-row"):
            yield Label("Find:")
            yield TextInput(
                placeholder="name, NHS number, GP, area, source, urgency, login",
                id="search",
                compact=True,
            )
            yield Static(self._status_words(), id="find-status")
        yield KeyedTable(id="queue")
        with VerticalScroll(id="detail"):
            yield Static(Text("Loading the queue..."), id="detail-body")
        yield KeyLine()

    def on_mount(self) -> None:
        table = self.main_table()
        name_width = self.labels.name_width(self.app.size.width)
        for key, header in render.COLUMNS:
            width = name_width if key == "name" else self.labels.widths[key]
            table.add_column(
                Text(" " + header, style="bold"), key=key, width=width + 1, flex=key == "name"
            )
        table.focus()
        self.query_one("#detail", VerticalScroll).border_title = "Details"
        self.set_interval(CLOCK_SECONDS, self._tick_clocks)

    def flex_width(self, table: KeyedTable, total: int) -> int:
        return self.labels.name_width(total)

    def focus_queue(self) -> None:
        self.focus_main()

    @property
    def rows(self) -> dict[int, ReferralView]:
        """The open referrals shown, by id (not the "needs" rows of accepted clients)."""
        return {
            referral.id: referral
            for key, referral in self.items.items()
            if not key.startswith(SETUP_KEY)
        }

    # -- loading --------------------------------------------------------------------------------
    def load_query(self) -> tuple[str, ReferralFilter]:
        return self.search_term, self.find_status

    def read(self, query: tuple[str, ReferralFilter]) -> QueueRead:
        app = self.duty_app
        term, status = query
        setup = tuple(app.repo.awaiting_setup())
        snapshot = data.read_snapshot(
            app.repo,
            term,
            with_detail=self._prefetch,
            status=status,
            first=setup[0].referral.id if setup else None,  # the rows on top come first
        )
        self.labels.tags = render.tags_by_login(app.repo.list_staff(include_inactive=True))
        self._prefetch = False  # one round trip to paint the first time
        self._prefetched_detail = snapshot.detail
        marks = read_marks(app.repo)
        now = timeutil.now()
        today = timeutil.to_local(now, self.labels.tz).date()
        rows = tuple(
            (SETUP_KEY + str(item.referral.id), item.referral, self._setup_cells(item, now, today))
            for item in setup
        ) + tuple(
            (str(referral.id), referral, self._cells(referral, now, today, marks))
            for referral in snapshot.referrals
        )
        return QueueRead(snapshot.intake, rows, marks, setup, self._first_meetings(now))

    def _first_meetings(self, now: Any) -> Text:
        """The line saying whether recent first meetings were set in time (drawn with each
        read, so that it is painted with the rows, not a frame later)."""
        from datetime import timedelta

        from .day_render import FIRST_MEETING_DAYS, first_meeting_line

        items = self.duty_app.repo.first_meetings(now - timedelta(days=FIRST_MEETING_DAYS))
        line = Text(" ", end="", no_wrap=True, overflow="ellipsis")
        line.append_text(first_meeting_line(items, now))
        return line

    def _setup_cells(self, item: AwaitingSetup, now: Any, today: Any = None) -> tuple[Text, ...]:
        from .accept_flow import setup_cells

        cells = render.row_cells(item.referral, now, self.labels, self.duty_app.actor, today)
        drawn = setup_cells(cells, item.need)
        return tuple(drawn[key] for key, _ in render.COLUMNS)

    def _cells(
        self, referral: ReferralView, now: Any, today: Any = None, marks: Marks | None = None
    ) -> tuple[Text, ...]:
        marks = marks or self.marks
        cells = render.row_cells(referral, now, self.labels, self.duty_app.actor, today)
        status = render.handover_status(
            referral, marks.claims.get(referral.id), marks.handed.get(referral.id)
        )
        if status is not None:
            cells["status"] = status
        if not referral.is_open:  # found by a find among decided referrals
            cells["clock"] = self._clock(referral, now)
            cells["status"] = decision_cell(referral)
        return tuple(cells[key] for key, _ in render.COLUMNS)

    def _clock(self, referral: ReferralView, now: Any) -> Text:
        """The response clock of an open referral; a decided one says its decision instead."""
        if referral.is_open:
            return render.clock_cell(referral, now, self.duty_app.config)
        return Text(
            " " + referral.status.upper(),
            style="bold",
            end="",
            no_wrap=True,
            overflow="ellipsis",
        )

    def show(self, result: QueueRead) -> None:
        """Update the table in place (rows drawn by the load worker); keep the cursor."""
        self.query_one(IntakeBar).show(result.intake)
        self.setup = {item.referral.id: item for item in result.setup}
        self._week = result.intake[0].week_start if result.intake else None
        before, self.marks = self.marks, result.marks
        external, self._external_change = self._external_change, False
        previous = dict(self.items)
        self.apply_rows(self.main_table(), result.rows, select=True)
        current = self.current_key()
        if (
            external
            or current != self._detail_for
            or current is None
            or previous.get(current) != self.items.get(current)
            or marks_of(before, current) != marks_of(self.marks, current)
        ):
            self.refresh_detail(force=True)
        self.query_one("#first-meetings", Static).update(result.first_meetings)

    def request_detail(self, referral_id: int) -> None:
        if self.app.screen is not self:
            # Under a dialog (the accept's next steps): read it when the queue is back on
            # top, rather than compete with the dialog's own reads for the one core.
            self._detail_deferred = referral_id
            return
        prefetched, self._prefetched_detail = self._prefetched_detail, None
        if prefetched is not None and prefetched.referral.id == referral_id:
            # Read with the rows: drawn now, so that it is painted in the same frame.
            self._show_detail(prefetched.referral, prefetched.problems, prefetched.week)
            return
        if self._detail_loading:
            self._detail_next = referral_id
            return
        self._detail_loading = True
        self.load_detail(referral_id)

    def _detail_done(self) -> None:
        self._detail_loading = False
        if self._detail_next is not None:
            referral_id, self._detail_next = self._detail_next, None
            self.request_detail(referral_id)

    def worker_failed(self, worker: Any) -> None:
        super().worker_failed(worker)
        if worker.group == "detail":
            self._detail_done()

    @work(thread=True, exit_on_error=False, group="detail", description="load one referral")
    def load_detail(self, referral_id: int) -> None:
        detail = data.read_detail(self.duty_app.repo, referral_id)
        self.post_message(self.DetailLoaded(detail.referral, detail.problems, detail.week))

    def changed_elsewhere(self) -> None:
        self._external_change = True  # the open referral's network may have changed too
        self.reload()

    def read_covers(self, generation: int) -> bool:
        """Never: a read begun for another reason (our own write) does not read the open
        referral's detail again, and another person's change may be to its network."""
        return False

    # -- the table, updated in place ----------------------------------------------------------
    def current_id(self) -> int | None:
        key = self.current_key()
        return int(key.removeprefix(SETUP_KEY)) if key is not None else None

    def current_setup(self) -> AwaitingSetup | None:
        """The accepted client left part-way under the cursor, if the row is one."""
        key = self.current_key()
        if key is None or not key.startswith(SETUP_KEY):
            return None
        return self.setup.get(int(key.removeprefix(SETUP_KEY)))

    def row_selected(self, key: str) -> None:
        """Enter on a "needs core team" / "needs first meeting" row goes on with the accept;
        on any other row, into the details."""
        setup = self.current_setup() if key.startswith(SETUP_KEY) else None
        if setup is not None:
            self._go_on(setup)
            return
        super().row_selected(key)

    def current(self) -> ReferralView | None:
        referral: ReferralView | None = self.current_item()
        return referral

    def _tick_clocks(self) -> None:
        """Every 30 s: re-draw the countdowns from the rows held (no database)."""
        now = timeutil.now()
        config = self.duty_app.config
        table = self.main_table()
        self.apply_rows(
            table,
            [
                (key, referral, (self._clock(referral, now), *table.get_row(key)[1:]))
                for key, referral, _ in self.held_rows()
            ],
        )  # only changed clocks repaint
        week = timeutil.week_start_local(now, config.team.timezone).date()
        if self._week is not None and week != self._week:
            self.reload()  # a new intake week began

    # -- the detail pane ---------------------------------------------------------------------------
    def show_detail(self) -> None:
        referral_id = self.current_id()
        body = self.query_one("#detail-body", Static)
        if referral_id is None:
            words = self.find_status.words
            if self.search_term:
                body.update(
                    assemble(
                        f"No {words} match ",
                        literal(repr(self.search_term)),
                        f". {self._find_key()} looks in {self.find_status.next().words}; "
                        "escape clears the find.",
                    )
                )
            elif self.find_status is not ReferralFilter.open:
                body.update(Text(f"No {words}. Escape goes back to the open referrals."))
            else:
                body.update(Text("No open referrals. n adds one."))
            return
        self.request_detail(referral_id)

    def on_screen_resume(self) -> None:
        """Back on top: the details put off while a dialog was open are read now."""
        deferred, self._detail_deferred = self._detail_deferred, None
        if deferred is not None:
            self.refresh_detail(force=True)

    def on_queue_screen_detail_loaded(self, message: DetailLoaded) -> None:
        self._detail_done()
        self._show_detail(message.referral, message.problems, message.week)

    def _show_detail(
        self, referral: ReferralView, problems: tuple[str, ...], week: AreaIntake | None
    ) -> None:
        """The detail pane of ``referral``, if it is still the one under the cursor."""
        if referral.id != self.current_id():
            return
        app = self.duty_app
        from .accept_flow import reversal_line, setup_header

        referral_id = referral.id
        tz = app.config.team.timezone
        setup = self.current_setup()
        text = setup_header(setup, tz) if setup is not None else Text(end="")
        text.append_text(reversal_line(referral, tz))
        text.append_text(
            render.detail_text(
                referral,
                problems,
                week,
                timeutil.now(),
                app.config,
                app.actor,
            )
        )
        text.append_text(
            render.handover_detail(
                self.marks.claims.get(referral_id),
                self.marks.handed.get(referral_id),
                self.marks.notes.get(referral_id, ()),
                timeutil.now(),
                app.config,
            )
        )
        self.query_one("#detail-body", Static).update(text)

    # -- searching ------------------------------------------------------------------------------------
    def action_search(self) -> None:
        self.query_one("#search-row").display = True
        self.query_one("#search", Input).focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        value = event.value
        self._search_timer = self.set_timer(SEARCH_DELAY, lambda: self._set_search(value))

    def _set_search(self, value: str) -> None:
        self.search_term = value.strip()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._set_search(event.value)
        self.focus_queue()

    def watch_search_term(self, term: str) -> None:
        self.reload()

    def _find_key(self) -> str:
        keymap = self.duty_app.config.keys  # what the app gave set_keymap
        return keymap.get("find_status", "ctrl+t").split(",")[0]

    def _status_words(self) -> Text:
        status = self.find_status
        return render.find_filter_words(status.words, self._find_key(), status.next().value)

    def action_find_status(self) -> None:
        """Open, decided, all, open...: which referrals the queue shows and a find reads."""
        self.query_one("#search-row").display = True
        self.find_status = self.find_status.next()

    def watch_find_status(self, status: ReferralFilter) -> None:
        self.query_one("#find-status", Static).update(self._status_words())
        self.reload()

    def action_clear_search(self) -> None:
        if self.query_one("#detail", VerticalScroll).has_focus:
            self.focus_queue()  # escape from the details only goes back to the queue
            return
        search = self.query_one("#search", Input)
        if self._search_timer is not None:
            self._search_timer.stop()
        search.value = ""
        self.query_one("#search-row").display = False
        self.search_term = ""
        self.find_status = ReferralFilter.open
        self.focus_queue()

    # -- actions ----------------------------------------------------------------------------------------
    def _selected(self) -> ReferralView | None:
        referral = self.current()
        if referral is None:
            self.notify("No referral is selected.", severity="warning", markup=False)
        return referral

    def action_add_referral(self) -> None:
        def opened() -> None:
            from .referral_form import ReferralForm

            self.app.push_screen(ReferralForm(), self._referral_added)

        self._when_permitted(opened)

    def _referral_added(self, referral_id: int | None) -> None:
        if referral_id is None:
            return
        self.select_after_load = str(referral_id)
        self.wrote()  # a read already under way may not see it yet
        self.notify("Referral added.", markup=False)
        self.reload()

    def _undecided(self) -> ReferralView | None:
        """The selected referral if it is still open; a decided one (a "needs" row, or one
        found among the decided) is refused at once, pointing to u, before anything is typed."""
        referral = self._selected()
        if referral is None:
            return None
        if self.current_setup() is not None or not referral.is_open:
            self.notify(
                f"{visible(referral.name)} is already {referral.status}: nothing to change "
                "here (u reverses the decision; Enter on a NEEDS row goes on with it).",
                severity="warning",
                markup=False,
            )
            return None
        return referral

    def action_claim(self) -> None:
        referral = self._undecided()
        if referral is None:
            return
        app = self.duty_app
        held_by_other = referral.triage_by not in (None, app.actor)
        claim = self.marks.claims.get(referral.id)
        if held_by_other and not app.view_only and claim is not None and claim.flags:
            self._release(claim)
            return
        if held_by_other and not app.view_only:
            since = timeutil.fmt_local(referral.triage_since, app.config.team.timezone, "short")
            question = assemble(
                literal(referral.triage_by_name or referral.triage_by),
                " (",
                literal(referral.triage_by),
                f") is triaging this since {since}:\n",
                literal(referral.name, "bold"),
                "\n\nTake it over?",
            )

            from .confirm import ConfirmDialog

            def answered(yes: bool | None) -> None:
                if yes:
                    self.claim(referral, take_over=True)

            self.app.push_screen(
                ConfirmDialog("Take over triage?", question, yes="Take over"), answered
            )
        else:
            self.claim(referral, take_over=False)

    @work(thread=True, exit_on_error=False, group="write", description="claim")
    def claim(self, referral: ReferralView, take_over: bool) -> None:
        app = self.duty_app
        view = app.repo.claim(
            referral.id,
            take_over=take_over,
            expected_version=referral.version if take_over else None,
        )
        name = visible(referral.name)
        if view.triage_by == app.actor:
            note = f"You took over triage of {name}." if take_over else f"You are triaging {name}."
        else:
            note = f"Released {name}: nobody is triaging it now."
        self.post_message(self.Written(referral.id, note, view=view))

    def _release(self, claim: ClaimHeld) -> None:
        """Someone else's flagged claim: release it, with a reason (screens/release_claim.py)."""
        from .release_claim import release_dialog

        app = self.duty_app
        dialog = release_dialog(claim, app.repo, app.config.team.timezone)

        def done(released: bool | None) -> None:
            if released:
                self.post_message(
                    self.Written(
                        claim.referral_id,
                        f"Released {visible(claim.name)}: nobody is triaging it now.",
                    )
                )
                self.reload()

        app.push_screen(dialog, done)

    def action_handover_ooh(self) -> None:
        """Due while the team is closed: hand over to the out-of-hours service, with a reason."""
        referral = self._undecided()
        if referral is None:
            return
        app = self.duty_app
        service = app.config.handover.out_of_hours_service
        handed = self.marks.handed.get(referral.id)
        if handed is not None:
            when = timeutil.fmt_local(handed.handed_at, app.config.team.timezone, "short")
            self.notify(
                f"Already handed over to {handed.service} by {handed.handed_by} ({when}).",
                markup=False,
            )
            return
        now = timeutil.now()
        clock = rules.response_clock(referral.respond_by, now, app.config)
        team = app.config.team
        if opening.is_open(now, team) and not opening.due_while_closed(referral.respond_by, team):
            self.notify(
                f"{visible(referral.name)} falls due while the team is open: no out-of-hours "
                "handover needed.",
                severity="warning",
                markup=False,
            )
            return
        repo = app.repo

        def save(_choice: str | None, reason: str) -> bool:
            repo.hand_over_out_of_hours(referral.id, reason, expected_version=referral.version)
            return True

        def opened() -> None:
            from .reason_dialog import ReasonDialog

            dialog = ReasonDialog(
                title=f"Hand over to {service}",
                subject=referral.name,
                flags=referral.safeguarding,
                explanation=[
                    clock.sentence(app.config.team.timezone),
                    f"Contact: {app.config.handover.out_of_hours_contact}",
                    "Recorded with who and when; the queue row then says so.",
                ],
                reason_label="Reason",
                confirm="Hand over",
                save=save,
            )

            def done(saved: bool | None) -> None:
                if saved:
                    self.post_message(
                        self.Written(
                            referral.id, f"Handed over to {service}: {visible(referral.name)}."
                        )
                    )
                    self.reload()

            app.push_screen(dialog, done)

        self._when_permitted(opened)

    def action_handover_note(self) -> None:
        referral = self._selected()
        if referral is None:
            return
        repo = self.duty_app.repo

        def opened() -> None:
            from .note_dialog import NoteDialog

            def done(saved: bool | None) -> None:
                if saved:
                    self.post_message(
                        self.Written(referral.id, f"Handover note added: {visible(referral.name)}.")
                    )
                    self.reload()

            dialog = NoteDialog(
                referral.name,
                lambda text: repo.add_note(text, referral_id=referral.id),
                flags=referral.safeguarding,
            )
            self.app.push_screen(dialog, done)

        self._when_permitted(opened)

    # -- safeguarding flags (issue 12, guard) --------------------------------------------------
    def action_raise_flag(self) -> None:
        """A safeguarding flag on the referral's person: it shows as SG wherever they appear
        and carries over to the client when accepted."""
        referral = self._selected()
        if referral is None:
            return
        app = self.duty_app

        def opened() -> None:
            from .flag_dialogs import RaiseFlagDialog

            def done(flag_id: int | None) -> None:
                if flag_id is not None:
                    self.post_message(
                        self.Written(
                            referral.id, f"Safeguarding flag raised: {visible(referral.name)}."
                        )
                    )
                    self.reload()

            dialog = RaiseFlagDialog(
                referral.name,
                lambda kind, note: app.repo.raise_flag(kind, note, referral_id=referral.id),
                config=app.config,
                open_kinds=referral.safeguarding,
                born=referral.date_of_birth,
                nhs=referral.nhs_number,
            )
            self.app.push_screen(dialog, done)

        self._when_permitted(opened)

    def action_close_flag(self) -> None:
        """Close one of the person's open safeguarding flags (end date, reason)."""
        referral = self._selected()
        if referral is None:
            return
        if not referral.safeguarding:
            self.notify(
                f"{visible(referral.name)} has no open safeguarding flag.",
                severity="warning",
                markup=False,
            )
            return
        self._when_permitted(lambda: self._load_flags(referral))

    @work(thread=True, exit_on_error=False, group="write", description="read the flags")
    def _load_flags(self, referral: ReferralView) -> None:
        flags = self.duty_app.repo.flags(referral_id=referral.id, open_only=True)
        self.app.call_from_thread(self._close_flag_dialog, referral, flags)

    def _close_flag_dialog(self, referral: ReferralView, flags: list[Any]) -> None:
        from .flag_dialogs import CloseFlagDialog

        app = self.duty_app

        def done(saved: bool | None) -> None:
            if saved:
                self.post_message(
                    self.Written(
                        referral.id, f"Safeguarding flag closed: {visible(referral.name)}."
                    )
                )
                self.reload()

        dialog = CloseFlagDialog(
            referral.name,
            flags,
            lambda flag, on, reason: app.repo.close_flag(
                flag.id, on, reason, expected_version=flag.version
            ),
            config=app.config,
        )
        self.app.push_screen(dialog, done)

    def action_accept(self) -> None:
        """Step 1: the confirmation (nothing is saved before it); on a client left
        part-way, the step it needs."""
        setup = self.current_setup()
        if setup is not None:
            self._go_on(setup)
            return
        referral = self._selected()
        if referral is None:
            return
        if not referral.is_open:
            self.notify(
                f"{visible(referral.name)} is already {referral.status}: nothing to accept "
                "(u reverses the decision).",
                severity="warning",
                markup=False,
            )
            return
        self._when_permitted(lambda: self.load_accept_preview(referral.id))

    @work(thread=True, exit_on_error=False, group="write", description="accept preview")
    def load_accept_preview(self, referral_id: int) -> None:
        self.post_message(self.AcceptPreviewLoaded(self.duty_app.repo.accept_preview(referral_id)))

    def on_queue_screen_accept_preview_loaded(self, message: AcceptPreviewLoaded) -> None:
        from .accept_dialog import AcceptDialog

        referral = message.preview.referral
        if not referral.is_open:  # decided elsewhere since the queue was read
            when = timeutil.fmt_local(referral.decided_at, self.labels.tz, "day")
            self.notify(
                f"This referral was already {referral.status} by {referral.decided_by or '?'} "
                f"at {when}; nothing was changed.",
                severity="warning",
                markup=False,
            )
            return

        dialog = AcceptDialog(message.preview)

        def confirmed(client_id: int | None) -> None:
            if client_id is None:
                return  # escape at step 1: nothing changed
            self.select_after_load = SETUP_KEY + str(referral.id)  # the cursor stays with them
            self.post_message(
                self.Written(
                    referral.id,
                    f"Accepted into POD: {visible(referral.name)}. Next: the core team.",
                    closed=True,
                    intake_changed=True,
                    intake=dialog.intake_after,
                )
            )
            # The accept is painted first (the row gone, the places recounted), the core
            # team a frame later; keys typed in between wait for it (not for the queue).
            self.duty_app.hold_keys()
            self.call_after_refresh(self._continue, client_id, referral, SetupNeed.core_team)

        self.app.push_screen(dialog, confirmed)

    def _go_on(self, setup: AwaitingSetup) -> None:
        self._when_permitted(lambda: self._continue(setup.client_id, setup.referral, setup.need))

    def _continue(self, client_id: int, referral: ReferralView, step: SetupNeed) -> None:
        """Steps 2 and 3 (core team, first meeting); the queue reads again when they stop."""
        from .accept_flow import continue_accept

        def done() -> None:
            self.wrote()
            self.reload()

        continue_accept(self, client_id, referral.name, referral.respond_by, step, done)

    def _decided(
        self,
        done: bool | None,
        referral: ReferralView,
        what: str,
        intake_changed: bool = False,
    ) -> None:
        if done:
            self.post_message(
                self.Written(
                    referral.id,
                    f"{what}: {visible(referral.name)}.",
                    closed=True,
                    intake_changed=intake_changed,
                )
            )

    def action_reverse_decision(self) -> None:
        """Reverse the decision on the selected row (a decided referral), with a reason."""
        referral = self._selected()
        if referral is None:
            return
        if referral.is_open:
            self.notify(
                f"{visible(referral.name)} is still open: there is no decision to reverse "
                "(u works on an accepted, redirected or declined referral).",
                severity="warning",
                markup=False,
            )
            return
        from .reverse import reverse_explanation

        repo = self.duty_app.repo

        def save(_choice: str | None, reason: str) -> bool:
            repo.reverse_decision(referral.id, reason, expected_version=referral.version)
            return True

        def reversed_(done: bool | None) -> None:
            if done:
                self.select_after_load = str(referral.id)
                self.post_message(
                    self.Written(
                        referral.id,
                        f"Decision reversed: {visible(referral.name)} is back in the queue.",
                        closed=True,
                        intake_changed=referral.status == "accepted",
                    )
                )
                self.reload()

        def opened() -> None:
            from .reason_dialog import ReasonDialog

            dialog = ReasonDialog(
                title="Reverse decision",
                subject=referral.name,
                flags=referral.safeguarding,
                explanation=reverse_explanation(referral, self.duty_app.config),
                reason_label="Reason",
                confirm="Reverse",
                save=save,
            )
            self.app.push_screen(dialog, reversed_)

        self._when_permitted(opened)

    def action_redirect(self) -> None:
        referral = self._undecided()
        if referral is None:
            return
        repo = self.duty_app.repo
        onward = {key: item.name for key, item in self.duty_app.config.onward.items()}

        def save(choice: str | None, reason: str) -> bool:
            repo.redirect(referral.id, choice or "", reason, expected_version=referral.version)
            return True

        def opened() -> None:
            from .reason_dialog import ReasonDialog

            dialog = ReasonDialog(
                title="Redirect to treatment as usual",
                subject=referral.name,
                flags=referral.safeguarding,
                choices=onward,
                choice_label="Onward service",
                reason_label="Reason",
                confirm="Redirect",
                save=save,
            )
            self.app.push_screen(dialog, lambda done: self._decided(done, referral, "Redirected"))

        self._when_permitted(opened)

    def action_decline(self) -> None:
        referral = self._undecided()
        if referral is None:
            return
        repo = self.duty_app.repo

        def save(_choice: str | None, reason: str) -> bool:
            repo.decline(referral.id, reason, expected_version=referral.version)
            return True

        def opened() -> None:
            from .reason_dialog import ReasonDialog

            dialog = ReasonDialog(
                title="Decline referral",
                subject=referral.name,
                flags=referral.safeguarding,
                reason_label="Reason",
                confirm="Decline",
                save=save,
            )
            self.app.push_screen(dialog, lambda done: self._decided(done, referral, "Declined"))

        self._when_permitted(opened)

    def action_add_network_member(self) -> None:
        referral = self._selected()
        if referral is None:
            return

        def added(member_id: int | None) -> None:
            if member_id is not None:
                self.notify(f"Network member added for {visible(referral.name)}.", markup=False)
                if self.current_id() == referral.id:
                    self.request_detail(referral.id)

        def opened() -> None:
            from .network_form import NetworkForm

            self.app.push_screen(NetworkForm(referral.id, referral.name), added)

        self._when_permitted(opened)

    def action_edit_referral(self) -> None:
        referral = self._selected()
        if referral is None:
            return
        if self.duty_app.privacy:
            self.notify(PRIVACY_EDIT, severity="warning", markup=False)
            return

        def saved(view: ReferralView | None) -> None:
            if view is None:
                return
            note = (
                f"Details corrected: {visible(view.name)}."
                if view.version != referral.version
                else "Nothing was changed."
            )
            self.post_message(self.Written(view.id, note, view=view))

        def opened() -> None:
            from .referral_form import ReferralEditForm

            self.app.push_screen(ReferralEditForm(referral), saved)

        self._when_permitted(opened)

    def action_history(self) -> None:
        referral = self._selected()
        if referral is not None:
            from .history import HistoryScreen

            self.app.push_screen(HistoryScreen(referral.id, referral.name))

    def on_queue_screen_written(self, message: Written) -> None:
        """Show our own change at once; the change check then brings in everything else.

        Our commit moves the database's change counter, so the next poll reloads the
        queue anyway (and picks up anything another session did meanwhile). The
        notification, the details and the intake follow once the table has been
        painted, so the row that changed reaches the screen first.
        """
        self.wrote()  # a read already under way may not see this change yet
        key = str(message.referral_id)
        if message.referral_id is not None and key in self.items:
            rows = self.held_rows()
            if message.closed:
                rows = [row for row in rows if row[0] != key]
            elif message.view is not None:
                view = message.view
                rows = [
                    (k, view, self._cells(view, timeutil.now())) if k == key else (k, item, cells)
                    for k, item, cells in rows
                ]
            self.apply_rows(self.main_table(), rows)
        if message.intake is not None:  # read with the write: recounted in the same frame
            self.query_one(IntakeBar).show(message.intake)
        self.call_after_refresh(self._after_write, message)

    def _after_write(self, message: Written) -> None:
        self.notify(message.note, markup=False)
        if message.closed or message.referral_id == self.current_id():
            self.refresh_detail(force=True)
        if message.intake_changed and message.intake is None:
            self.load_intake()

    @work(thread=True, exit_on_error=False, group="intake", description="load intake")
    def load_intake(self) -> None:
        self.post_message(self.IntakeLoaded(tuple(self.duty_app.repo.intake())))

    def on_queue_screen_intake_loaded(self, message: IntakeLoaded) -> None:
        self.query_one(IntakeBar).show(message.intake)

    # -- command palette --------------------------------------------------------------------------------
    def palette_commands(self) -> list[PaletteCommand]:
        referral = self.current()
        subject = referral.name if referral else None
        commands = [
            PaletteCommand(
                "Add referral", "Open the form for a new referral", self.action_add_referral
            ),
            PaletteCommand("Find referrals", "Filter the queue", self.action_search),
            PaletteCommand(
                f"Find among {self.find_status.next().words}",
                f"Now: {self.find_status.words} (open, decided, all)",
                self.action_find_status,
            ),
        ]
        if referral is not None:
            commands += [
                PaletteCommand(
                    "Claim / release referral",
                    "I'm triaging this (or stop)",
                    self.action_claim,
                    subject,
                ),
                PaletteCommand(
                    "Accept into POD",
                    "Confirm (places, who waits), then core team and first meeting",
                    self.action_accept,
                    subject,
                ),
                PaletteCommand(
                    "Reverse decision",
                    "Accept, redirect or decline, with a reason (u)",
                    self.action_reverse_decision,
                    subject,
                ),
                PaletteCommand(
                    "Redirect referral",
                    "To an onward service, with a reason",
                    self.action_redirect,
                    subject,
                ),
                PaletteCommand("Decline referral", "With a reason", self.action_decline, subject),
                PaletteCommand(
                    "Add network member",
                    "Family, friends, others they choose",
                    self.action_add_network_member,
                    subject,
                ),
                PaletteCommand(
                    "Referral history", "From the audit log", self.action_history, subject
                ),
                PaletteCommand(
                    "Correct referral details",
                    "Name, date of birth, NHS number, address, language...",
                    self.action_edit_referral,
                    subject,
                ),
                PaletteCommand(
                    "Hand over out of hours",
                    "Due while the team is closed: to the out-of-hours service, with a reason",
                    self.action_handover_ooh,
                    subject,
                ),
                PaletteCommand(
                    "Handover note",
                    "For the next duty worker",
                    self.action_handover_note,
                    subject,
                ),
                PaletteCommand(
                    "Raise safeguarding flag",
                    "Kind and note; shows as SG wherever the person appears (g)",
                    self.action_raise_flag,
                    subject,
                ),
                PaletteCommand(
                    "Close safeguarding flag",
                    "End date and reason; kept in the history (G)",
                    self.action_close_flag,
                    subject,
                ),
            ]
        if self.search_term or self.find_status is not ReferralFilter.open:
            commands.append(
                PaletteCommand("Clear find", "Show every open referral", self.action_clear_search)
            )
        return commands


def marks_of(marks: Marks, key: str | None) -> tuple[object, ...]:
    """One referral's handover facts (to tell whether its details need drawing again)."""
    if key is None:
        return ()
    referral_id = int(key.removeprefix(SETUP_KEY))  # a "needs" row: its referral's marks
    return (
        marks.claims.get(referral_id),
        marks.handed.get(referral_id),
        marks.notes.get(referral_id),
    )


def read_marks(repo: Any) -> Marks:
    """The handover facts about open referrals (in the load worker): three small reads."""
    notes: dict[int, list[HandoverNoteView]] = {}
    for note in repo.notes(open_only=True):
        if note.referral_id is not None:
            notes.setdefault(note.referral_id, []).append(note)
    return Marks(
        claims={claim.referral_id: claim for claim in repo.claims()},
        handed=repo.out_of_hours_handovers(),
        notes={key: tuple(value) for key, value in notes.items()},
    )
