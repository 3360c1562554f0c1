"""The referral queue: open referrals by deadline, a detail pane, and the triage actions.

Data flow: a :class:`~screens.live_list.LiveList` screen. Its reads run in a thread
worker; the app's one change feed tells it when someone else committed, and only then
is the queue read again and applied to the keyed table in place (row key = referral id)
so the cursor stays on the same referral. The response clocks are re-drawn from the rows
already held, every 30 seconds, without touching the database.
"""

from __future__ import annotations

from dataclasses import dataclass
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

from duty_desk import timeutil
from duty_desk.errors import NotEligible
from duty_desk.views import AreaIntake, ReferralView

from . import data, render
from .commands import PaletteCommand
from .keyed_table import KeyedTable, RowCells
from .literal import assemble, literal, visible
from .live_list import LiveList
from .textual_private import SteadyFooter
from .widgets import IntakeBar, TextInput, TitleBar

CLOCK_SECONDS = 30.0
SEARCH_DELAY = 0.25


@dataclass(frozen=True)
class QueueRead:
    """One read of the queue: the week's intake and the rows (key, referral, cells)."""

    intake: tuple[AreaIntake, ...]
    rows: tuple[tuple[str, ReferralView, RowCells], ...]


class QueueScreen(LiveList):
    """Open referrals, soonest deadline first, and what the duty worker can do with them."""

    CSS_PATH = "queue.tcss"
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
            "m",
            "add_network_member",
            "Network",
            id="add_network_member",
            tooltip="Add a network member",
        ),
        Binding("h", "history", "History", id="history", tooltip="History from the audit log"),
        Binding("slash", "search", "Find", id="search", tooltip="Filter the queue"),
        Binding("escape", "clear_search", "Clear find", show=False, id="clear_search"),
        Binding("q", "app.quit", "Quit", id="quit"),
    ]
    """
    | key    | id                 | action                                          |
    |--------|--------------------|-------------------------------------------------|
    | n      | add_referral       | add a referral (form)                           |
    | c      | claim              | I'm triaging this / release / take over         |
    | a      | accept             | accept into POD (eligibility override dialog)   |
    | r      | redirect           | redirect to an onward service, with a reason    |
    | d      | decline            | decline, with a reason                          |
    | m      | add_network_member | add a member of the person's network            |
    | h      | history            | the referral's history from the audit log       |
    | /      | search             | filter the queue (in the database)              |
    | escape | clear_search       | clear the filter                                |
    | q      | quit               | quit                                            |
    Any of these ids can be given another key in config.toml under [keys].
    """

    search_term: reactive[str] = reactive("", init=False)

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
        accepted: str | None = None  # the accepted person's name: next, choose the core team

    @dataclass
    class IntakeLoaded(Message):
        intake: tuple[AreaIntake, ...]

    @dataclass
    class FirstMeetingsLoaded(Message):
        line: Text  # drawn in the worker

    @dataclass
    class NeedsOverride(Message):
        referral: ReferralView
        problems: tuple[str, ...]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, ReferralView]
        self._search_timer: Timer | None = None
        self._external_change = False
        self._prefetch = True  # the first read brings the first referral's details too
        self._detail_loading = False
        self._detail_next: int | None = None
        self._prefetched_detail: data.Detail | None = None
        self._week: object = None

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
        yield KeyedTable(id="queue")
        with VerticalScroll(id="detail"):
            yield Static(Text("Loading the queue..."), id="detail-body")
        yield SteadyFooter(compact=True, show_command_palette=False)

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
        """The referrals shown, by id."""
        return {referral.id: referral for referral in self.items.values()}

    # -- loading --------------------------------------------------------------------------------
    def load_query(self) -> str:
        return self.search_term

    def read(self, query: str) -> QueueRead:
        app = self.duty_app
        snapshot = data.read_snapshot(app.repo, query, with_detail=self._prefetch)
        self.labels.tags = render.tags_by_login(app.repo.list_staff(include_inactive=True))
        self._prefetch = False  # one round trip to paint the first time
        self._prefetched_detail = snapshot.detail
        now = timeutil.now()
        today = timeutil.to_local(now, self.labels.tz).date()
        rows = tuple(
            (str(referral.id), referral, self._cells(referral, now, today))
            for referral in snapshot.referrals
        )
        return QueueRead(snapshot.intake, rows)

    def _cells(self, referral: ReferralView, now: Any, today: Any = None) -> tuple[Text, ...]:
        cells = render.row_cells(referral, now, self.labels, self.duty_app.actor, today)
        return tuple(cells[key] for key, _ in render.COLUMNS)

    def show(self, result: QueueRead) -> None:
        """Update the table in place (rows drawn by the load worker); keep the cursor."""
        self.query_one(IntakeBar).show(result.intake)
        self._week = result.intake[0].week_start if result.intake else None
        external, self._external_change = self._external_change, False
        previous = dict(self.items)
        self.apply_rows(self.main_table(), result.rows, select=True)
        current = self.current_key()
        if (
            external
            or current != self._detail_for
            or current is None
            or previous.get(current) != self.items.get(current)
        ):
            self.refresh_detail(force=True)
        self.load_first_meetings()

    def request_detail(self, referral_id: int) -> None:
        prefetched, self._prefetched_detail = self._prefetched_detail, None
        if prefetched is not None and prefetched.referral.id == referral_id:
            self._detail_loading = True
            self.post_message(
                self.DetailLoaded(prefetched.referral, prefetched.problems, prefetched.week)
            )
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

    # -- the table, updated in place ----------------------------------------------------------
    def current_id(self) -> int | None:
        key = self.current_key()
        return int(key) if key is not None else None

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
                (key, referral, (render.clock_cell(referral, now, config), *table.get_row(key)[1:]))
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
            if self.search_term:
                body.update(
                    assemble(
                        "No open referrals match ",
                        literal(repr(self.search_term)),
                        ". Escape clears the filter.",
                    )
                )
            else:
                body.update(Text("No open referrals. n adds one."))
            return
        self.request_detail(referral_id)

    def on_queue_screen_detail_loaded(self, message: DetailLoaded) -> None:
        self._detail_done()
        if message.referral.id != self.current_id():
            return
        app = self.duty_app
        self.query_one("#detail-body", Static).update(
            render.detail_text(
                message.referral,
                message.problems,
                message.week,
                timeutil.now(),
                app.config,
                app.actor,
            )
        )

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

    def action_claim(self) -> None:
        referral = self._selected()
        if referral is None:
            return
        app = self.duty_app
        held_by_other = referral.triage_by not in (None, app.actor)
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

    def action_accept(self) -> None:
        referral = self._selected()
        if referral is not None:
            self.accept(referral)

    @work(thread=True, exit_on_error=False, group="write", description="accept")
    def accept(self, referral: ReferralView) -> None:
        try:
            self.duty_app.repo.accept(referral.id, expected_version=referral.version)
        except NotEligible as exc:
            self.post_message(self.NeedsOverride(referral, tuple(exc.problems)))
            return
        self.post_message(
            self.Written(
                referral.id,
                f"Accepted into POD: {visible(referral.name)}.",
                closed=True,
                intake_changed=True,
                accepted=referral.name,
            )
        )

    def on_queue_screen_needs_override(self, message: NeedsOverride) -> None:
        from .reason_dialog import ReasonDialog

        referral = message.referral
        repo = self.duty_app.repo

        def save(_choice: str | None, reason: str) -> bool:
            from duty_desk.validation import validate_reason

            validate_reason(reason, "reason")
            repo.accept(referral.id, override_reason=reason, expected_version=referral.version)
            return True

        dialog = ReasonDialog(
            title="Not eligible for POD",
            subject=referral.name,
            explanation=[
                "Not eligible because:",
                *(f"- {p}" for p in message.problems),
                "A duty worker may accept anyway, with a reason that is recorded.",
            ],
            reason_label="Override reason",
            confirm="Accept anyway",
            save=save,
        )
        self.app.push_screen(
            dialog,
            lambda done: self._decided(
                done,
                referral,
                "Accepted into POD (eligibility overridden)",
                intake_changed=True,
                accepted=True,
            ),
        )

    def _decided(
        self,
        done: bool | None,
        referral: ReferralView,
        what: str,
        intake_changed: bool = False,
        accepted: bool = False,
    ) -> None:
        if done:
            self.post_message(
                self.Written(
                    referral.id,
                    f"{what}: {visible(referral.name)}.",
                    closed=True,
                    intake_changed=intake_changed,
                    accepted=referral.name if accepted else None,
                )
            )

    def action_redirect(self) -> None:
        referral = self._selected()
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
                choices=onward,
                choice_label="Onward service",
                reason_label="Reason",
                confirm="Redirect",
                save=save,
            )
            self.app.push_screen(dialog, lambda done: self._decided(done, referral, "Redirected"))

        self._when_permitted(opened)

    def action_decline(self) -> None:
        referral = self._selected()
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
        self.call_after_refresh(self._after_write, message)

    def _after_write(self, message: Written) -> None:
        self.notify(message.note, markup=False)
        if message.closed or message.referral_id == self.current_id():
            self.refresh_detail(force=True)
        if message.intake_changed:
            self.load_intake()
        if message.accepted is not None and message.referral_id is not None:
            self._choose_core_team(message.referral_id, message.accepted)

    def _choose_core_team(self, referral_id: int, name: str) -> None:
        """Straight after accepting: the core team and key worker, most room first."""
        from .core_team_dialog import CoreTeamDialog

        def done(saved: bool | None) -> None:
            if saved:
                self.notify(f"Core team saved: {visible(name)}.", markup=False)
            else:
                self.notify(
                    f"No core team yet for {visible(name)}: the board (2) shows it as "
                    "a problem until one is chosen (t there).",
                    severity="warning",
                    markup=False,
                )

        self.app.push_screen(
            CoreTeamDialog(None, name, referral_id=referral_id, reason="Chosen on acceptance"), done
        )

    @work(thread=True, exit_on_error=False, group="intake", description="load intake")
    def load_intake(self) -> None:
        self.post_message(self.IntakeLoaded(tuple(self.duty_app.repo.intake())))

    def on_queue_screen_intake_loaded(self, message: IntakeLoaded) -> None:
        self.query_one(IntakeBar).show(message.intake)

    @work(
        thread=True,
        exit_on_error=False,
        group="first-meetings",
        exclusive=True,
        description="load first meetings",
    )
    def load_first_meetings(self) -> None:
        from datetime import timedelta

        from .day_render import FIRST_MEETING_DAYS, first_meeting_line

        now = timeutil.now()
        items = self.duty_app.repo.first_meetings(now - timedelta(days=FIRST_MEETING_DAYS))
        line = Text(" ", end="", no_wrap=True, overflow="ellipsis")
        line.append_text(first_meeting_line(items, now))
        self.post_message(self.FirstMeetingsLoaded(line))

    def on_queue_screen_first_meetings_loaded(self, message: FirstMeetingsLoaded) -> None:
        self.query_one("#first-meetings", Static).update(message.line)

    # -- command palette --------------------------------------------------------------------------------
    def palette_commands(self) -> list[PaletteCommand]:
        referral = self.current()
        subject = referral.name if referral else None
        commands = [
            PaletteCommand(
                "Add referral", "Open the form for a new referral", self.action_add_referral
            ),
            PaletteCommand("Find referrals", "Filter the queue", self.action_search),
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
                    "Checks eligibility and the weekly places",
                    self.action_accept,
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
            ]
        if self.search_term:
            commands.append(
                PaletteCommand("Clear find", "Show every open referral", self.action_clear_search)
            )
        return commands
