"""The client record (key ``5``): one client, open or discharged, and the work with them.

A header (name, markers, age, NHS number, key worker and how to reach them, core team,
accepted on, weeks in service, discharge), the section tabs, one section's table at a time
with the selected row in full below, and the footer with that section's keys. Sections
are registered below (:data:`SECTIONS`, one line each); what a section supplies is in
screens/record_section.py.

Opened with Enter on a client on the board, Enter on a meeting (or an unbooked first
meeting) in the day view, ``Client record: NAME`` in the palette, or ``5`` (the last
client opened). Once the screen exists, a client is read before the screen is shown, so
the record appears whole in one frame (keys typed meanwhile wait for it; a slow read
shows it loading after ``SWITCH_AFTER``). Escape goes back to the screen it was opened from, its cursor where it
was. Loading, the stale check, live updates and privacy mode come from ``LiveList``: the
record is read in one repository call (``Repository.client_record``) in a worker, each
section's extra data there too; only the shown section's rows are drawn there (every
section is counted, for the tabs, and every part gives its header markers), another
section's when its key shows it, from the same read, before the frame that shows it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import Worker

from duty_desk import timeutil
from duty_desk.nhs import format_nhs_number
from duty_desk.views import ClientRecordView

from .base import sheet
from .commands import PaletteCommand
from .key_line import KeyLine
from .key_order import KeysInOrder
from .keyed_table import KeyedTable
from .literal import assemble, literal, visible
from .live_list import LiveList
from .record_section import RecordContext, RecordSection
from .render import staff_tags
from .widgets import TitleBar

# The record's sections and parts, one line each ("module.Class"); the tabs follow
# ``ORDER``. Parts of one section share its key (screens/record_section.py). Each part
# of issue 12 puts its line in place of the "#" under its own comment (no merge clash).
SECTIONS: tuple[str, ...] = (
    "screens.record_network.NetworkSection",  # n: network (network part)
    "screens.record_meetings.MeetingsSection",  # m: meetings (meeting part)
    # c: crisis plan and risk summary (safety part)
    "screens.record_crisis.CrisisSection",
    # c: safeguarding flags (guard part)
    "screens.record_flags.FlagsSection",
    # i: admissions; L and X in every section (docs part)
    "screens.record_admissions.AdmissionsSection",  # i: admissions (docs part)
    "screens.record_admissions.DocumentsPart",  # L, X in every section (docs part)
    "screens.record_history.HistorySection",  # h: history
    "screens.record_dialog.DialogSection",  # d: DIALOG and DIALOG+ (issue 13)
    "screens.record_fft.FftPart",  # f in every section: Friends and Family Test (issue 14)
)
ORDER = "nmcdih"  # network, meetings, crisis and risk, DIALOG, admissions, history
SHORT = 22  # below this height the detail pane gives up lines for the table
SWITCH_AFTER = 0.25  # seconds: a read slower than this shows the record loading first

CHOOSE = (
    "No client chosen yet. Enter on a client on the board (2) or on a meeting in the day "
    "view (3) opens their record, as does ctrl+p and 'Client record' with a name or NHS "
    "number."
)


def load_parts(names: Sequence[str] = SECTIONS) -> list[type[RecordSection]]:
    parts: list[type[RecordSection]] = []
    for dotted in names:
        module, _, cls = dotted.rpartition(".")
        part = getattr(importlib.import_module(module), cls)
        assert issubclass(part, RecordSection), dotted
        parts.append(part)
    return parts


@dataclass
class Section:
    """One section as shown: its key, title and columns, and the parts whose rows it shows."""

    key: str
    title: str
    name: str
    columns: Sequence[tuple[str, str, int]]
    parts: list[RecordSection] = field(default_factory=list)

    @property
    def binding_id(self) -> str:
        return f"record_{self.name}"


def sections_of(parts: Sequence[RecordSection]) -> tuple[list[Section], list[RecordSection]]:
    """The sections (parts with a key, grouped by it, in ``ORDER``) and the every-section
    parts (``key = ""``)."""
    found: dict[str, Section] = {}
    everywhere: list[RecordSection] = []
    for part in parts:
        if not part.key:
            everywhere.append(part)
            continue
        section = found.get(part.key)
        if section is None:
            section = found[part.key] = Section(part.key, part.title, part.name, part.COLUMNS)
        section.parts.append(part)
    ordered = sorted(
        found.values(),
        key=lambda s: ORDER.index(s.key) if s.key in ORDER else len(ORDER),
    )
    return ordered, everywhere


def part_bindings(parts: Sequence[type[RecordSection]]) -> list[Binding]:
    """Each part's bindings, pointed at the screen's dispatcher (``section('<id>')``)."""
    out: list[Binding] = []
    for part in parts:
        for binding in part.BINDINGS:
            assert binding.id and binding.id.startswith("record_"), binding
            out.append(replace(binding, action=f"section({binding.id!r})"))
    return out


def section_bindings(parts: Sequence[type[RecordSection]]) -> list[Binding]:
    """The keys that show each section (in the tabs line, not the footer)."""
    seen: dict[str, Binding] = {}
    for part in parts:
        if part.key and part.key not in seen:
            seen[part.key] = Binding(
                part.key,
                f"show_section({part.key!r})",
                part.title,
                show=False,
                id=part.show_binding_id(),
                tooltip=f"The {part.title.lower()} section",
            )
    return list(seen.values())


def record_bindings(
    parts: Sequence[type[RecordSection]],
) -> list[Binding | tuple[str, str] | tuple[str, str, str]]:
    """The record screen's keys: its own, each part's and each section's."""
    return [
        Binding("b", "record_book", "Book", id="record_book", tooltip="Book the next meeting"),
        *part_bindings(parts),
        Binding("escape", "record_back", "Back", id="record_back", tooltip="Where you came from"),
        *section_bindings(parts),
        Binding("q", "app.quit", "Quit", show=False, id="record_quit"),
    ]


PARTS = load_parts()


SectionRows = list[tuple[str, tuple[RecordSection, Any], tuple[Text, ...]]]


@dataclass(frozen=True)
class RecordRead:
    """One read of the record: the data, each part's extra data, the rows of the section
    shown when it was read (the others are drawn when shown) and every section's count."""

    record: ClientRecordView
    extras: dict[str, Any]
    ctx: RecordContext
    rows: dict[str, SectionRows]
    header: Text
    counts: dict[str, int] = field(default_factory=dict)


def draw_section(
    section: Section, record: ClientRecordView, extras: dict[str, Any], ctx: RecordContext
) -> SectionRows:
    """A section's rows, its parts' one after another, cells in the section's columns."""
    drawn: SectionRows = []
    for part in section.parts:
        for key, item, cells in part.rows(record, extras[part.name], ctx):
            ordered = tuple(cells.get(c, Text(" ", end="")) for c, _, _ in section.columns)
            drawn.append((f"{part.name}:{key}", (part, item), ordered))
    return drawn


def age(record: ClientRecordView, ctx: RecordContext) -> int:
    today = timeutil.to_local(ctx.now, ctx.tz).date()
    return timeutil.age_on(record.episode.date_of_birth, today)


def header_text(
    record: ClientRecordView,
    ctx: RecordContext,
    markers: Sequence[Text],
    notes: Sequence[Text] = (),
) -> Text:
    """Three lines: who (name, markers, age, NHS number, status), the key worker and core
    team, and the episode's dates (then the parts' ``notes``). Each line keeps its most
    important words first."""
    episode = record.episode
    tz = ctx.tz
    text = Text(end="", no_wrap=True, overflow="ellipsis")
    text.append_text(literal(episode.name, "bold"))
    for marker in markers:
        text.append(" ")
        text.append_text(marker)
    text.append(f"  {age(record, ctx)}y")
    text.append("  NHS ")
    text.append_text(literal(format_nhs_number(episode.nhs_number) or "none"))
    if episode.discharged_at is not None:
        text.append("  DISCHARGED", style="bold")
    elif episode.status != "open":
        text.append(f"  {visible(episode.status).upper()}", style="bold")
    text.append("\n")
    text.append("Key worker: ", style="bold")
    worker = episode.key_worker
    if worker is None:
        text.append("none named", style="bold")
    else:
        text.append_text(literal(worker.name))
        tag = ctx.tags.get(worker.id)
        if tag:
            text.append_text(assemble(" (", literal(tag), ")"))
        if record.key_worker_phone:
            text.append_text(assemble(" tel ", literal(record.key_worker_phone)))
        if not worker.active:
            text.append(" HAS LEFT", style="bold")
    text.append("  Core: ", style="bold")
    core = " ".join(ctx.tags.get(m.id, m.login) for m in episode.core_team)
    text.append_text(literal(core or "none yet"))
    text.append("\n")
    accepted = timeutil.to_local(episode.accepted_at, tz)
    end = episode.discharged_at or ctx.now
    weeks = max(0, int((end.timestamp() - episode.accepted_at.timestamp()) // (7 * 86400)))
    text.append("Accepted ", style="bold")
    text.append(
        f"{accepted.format('DD/MM/YY')}, {weeks} week{'s' if weeks != 1 else ''} in service"
    )
    if episode.discharged_at is not None:
        left = timeutil.to_local(episode.discharged_at, tz)
        text.append("  Discharged ", style="bold")
        text.append(left.format("DD/MM/YY"))
        if episode.discharge_kind:
            text.append(f" ({visible(episode.discharge_kind).replace('_', ' ')})")
    if episode.interpreter:  # as the board's pane says it
        text.append("  INTERPRETER ", style="bold")
        text.append_text(literal(episode.language or "needed"))
    for note in notes:  # issue 14 (fft): the latest Friends and Family Test answer
        text.append("  ")
        text.append_text(note)
    return text


class RecordScreen(LiveList):
    """One client's record: header, sections by key, the selected row in full."""

    DEFAULT_CSS = sheet("record.tcss")  # subclasses elsewhere have it too (scoped to this type)
    NOUN = "client record"
    LOAD_GROUP = "record-load"
    DETAIL_PANE = "#record-detail"
    DETAIL_BODY = "#record-detail-body"
    PART_CLASSES: ClassVar[Sequence[type[RecordSection]]] = PARTS
    BINDINGS = record_bindings(PARTS)
    """
    | key       | id              | action                                               |
    |-----------|-----------------|------------------------------------------------------|
    | b         | record_book     | book the client's next meeting (the core team, place)|
    | escape    | record_back     | back to the screen the record was opened from        |
    | n m h ... | record_<section>| show a section (network, meetings, history, ...)     |
    | q         | record_quit     | quit                                                 |
    Each section adds its own keys (``record_<section>_<what>``), active only while it is
    shown; see screens/record_section.py.
    """

    def __init__(self) -> None:
        super().__init__()
        self.parts = [part() for part in self.PART_CLASSES]
        self.sections, self.everywhere = sections_of(self.parts)
        self.section = self.sections[0].key if self.sections else ""
        self.client_id: int | None = None
        self.came_from = "board"
        self.record: ClientRecordView | None = None
        self.ctx: RecordContext | None = None
        self.extras: dict[str, Any] = {}
        self.lists: dict[str, dict[str, tuple[RecordSection, Any]]] = {
            s.key: {} for s in self.sections
        }
        self._shown_client: int | None = None
        self._keys_held = False  # keys typed while the record opens wait for its first read
        self.counts: dict[str, int] = {}  # rows per section, for the tabs
        # Sections not drawn since the last read, and whether that read was another client's.
        self._undrawn: dict[str, bool] = {}
        self._switch_pending = False  # open_when_read: show the screen once read
        self._switch_timer: Timer | None = None  # ... or after SWITCH_AFTER, whichever first
        self._actions: dict[str, tuple[RecordSection, str]] = {
            binding.id: (part, binding.action)
            for part in self.parts
            for binding in part.BINDINGS
            if binding.id
        }

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> Any:
        yield TitleBar(self.duty_app.config.team.name, current="show_record")
        yield Static(id="view-only")
        yield Static(Text(CHOOSE, end=""), id="record-header")
        yield Static(self._tabs(), id="record-tabs")
        for section in self.sections:
            yield KeyedTable(id=f"record-{section.name}", classes="record-table")
        with VerticalScroll(id="record-detail"):
            yield Static(Text("", end=""), id="record-detail-body")
        yield KeyLine()

    def on_mount(self) -> None:
        for section in self.sections:
            table = self.table(section.key)
            last = len(section.columns) - 1
            for index, (key, header, width) in enumerate(section.columns):
                table.add_column(
                    Text(" " + header, style="bold"), key=key, width=width + 1, flex=index == last
                )
            table.display = section.key == self.section
        self._show_pane_title()

    def on_resize(self) -> None:
        self.set_class(self.size.height < SHORT, "-short")
        super().on_resize()
        self.query_one("#record-tabs", Static).update(self._tabs())  # fitted to the width

    def flex_width(self, table: KeyedTable, total: int) -> int | None:
        section = next((s for s in self.sections if table.id == f"record-{s.name}"), None)
        if section is None:
            return None
        fixed = sum(width + 1 for _, _, width in section.columns[:-1])
        return max(8, total - fixed - 3)

    def table(self, key: str | None = None) -> KeyedTable:
        section = self.section_of(key or self.section)
        return self.query_one(f"#record-{section.name}", KeyedTable)

    def main_table(self) -> KeyedTable:
        if not self.sections:
            return self.query_one(KeyedTable)
        return self.table()

    def section_of(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    # -- which client -----------------------------------------------------------------------------
    def came_to_from(self, mode: str | None) -> None:
        """Shown by a number key or the palette from ``mode``: escape goes back there."""
        if mode is not None and mode != "record":
            self.came_from = mode

    def open_when_read(self, client_id: int, came_from: str | None) -> None:
        """Read ``client_id``'s record while the screen it is opened from stays shown, then
        show it whole (one frame, nothing half drawn, no second layout); keys typed
        meanwhile wait for the record. A read slower than :data:`SWITCH_AFTER` shows the
        record loading first (the keys still wait for the record)."""
        self._switch_pending = True
        self.duty_app.hold_keys()
        self.open_client(client_id, came_from, keys_held=True)
        if self._switch_timer is not None:
            self._switch_timer.stop()
        self._switch_timer = self.app.set_timer(SWITCH_AFTER, self._switch_now, name="record")

    def _switch_now(self) -> None:
        """The record is read (or the read is slow, or failed): show the record screen,
        then, once nothing is being read, let the keys typed meanwhile go to it."""
        if not self._switch_pending:
            return
        self._switch_pending = False
        if self._switch_timer is not None:
            self._switch_timer.stop()
            self._switch_timer = None

        async def switch() -> None:
            try:
                await self.duty_app.show_mode("record")
            finally:
                if not self.loading_now:  # else the read's result lets them go (show)
                    self._let_keys_go()

        self.app.call_later(switch)

    def open_client(self, client_id: int, came_from: str | None, keys_held: bool = False) -> None:
        """Show ``client_id``'s record; escape will go back to ``came_from`` (a mode).
        ``keys_held``: the app holds typed keys (:func:`open_record`) until it is shown."""
        self._keys_held = self._keys_held or keys_held
        if came_from is not None and came_from != "record":
            self.came_from = came_from
        if client_id != self.client_id:
            self.client_id = client_id
            self.record = None
            self.counts = {}
            self._undrawn.clear()
            for section in self.sections:  # never the last client's rows under this one
                self.apply_rows(self.table(section.key), [], self.lists[section.key])
            self.query_one("#record-header", Static).update(Text("Loading the record...", end=""))
            self.query_one("#record-tabs", Static).update(self._tabs())
        self.reload()

    @property
    def subject(self) -> str:
        """The client's name as notices and dialog titles say it."""
        return self.record.name if self.record is not None else ""

    # -- loading ----------------------------------------------------------------------------------
    def load_query(self) -> int | None:
        return self.client_id

    def read(self, query: int | None) -> RecordRead | None:
        if query is None:
            return None
        app = self.duty_app
        repo = app.repo
        record = repo.client_record(query)
        extras = {part.name: part.read(repo, record) for part in self.parts}
        ctx = RecordContext(
            config=app.config,
            now=timeutil.now(),
            tags=staff_tags(record.staff),
            staff={member.id: member for member in record.staff},
            private=app.privacy,
        )
        # Only the section shown is drawn here; another is drawn when its key shows it
        # (``action_show_section``), from this same read. Every section is counted (tabs).
        shown = self.section
        rows: dict[str, SectionRows] = {}
        counts: dict[str, int] = {}
        for section in self.sections:
            if section.key == shown:
                rows[section.key] = draw_section(section, record, extras, ctx)
                counts[section.key] = len(rows[section.key])
            else:
                counts[section.key] = sum(
                    part.count(record, extras[part.name], ctx) for part in section.parts
                )
        ranked = sorted(self.parts, key=lambda part: part.MARKER_RANK)  # safeguarding first
        markers = [
            marker for part in ranked for marker in part.markers(record, extras[part.name], ctx)
        ]
        notes = [note for part in self.parts for note in part.notes(record, extras[part.name], ctx)]
        header = header_text(record, ctx, markers, notes)
        return RecordRead(record, extras, ctx, rows, header, counts)

    def show(self, result: RecordRead | None) -> None:
        if result is None:
            self.query_one("#record-header", Static).update(Text(CHOOSE, end=""))
            self.refresh_detail(force=True)
            self._shown_or_failed()
            return
        fresh = result.record.client_id != self._shown_client
        self._shown_client = result.record.client_id
        self.record, self.extras, self.ctx = result.record, result.extras, result.ctx
        self.counts = result.counts
        for section in self.sections:
            rows = result.rows.get(section.key)
            if rows is None and section.key != self.section:
                # Drawn when shown (its table is hidden until then).
                self._undrawn[section.key] = fresh or self._undrawn.get(section.key, False)
                continue
            self._undrawn.pop(section.key, None)
            self._put_rows(section, rows, fresh)
        self.query_one("#record-header", Static).update(result.header)
        self.query_one("#record-tabs", Static).update(self._tabs())
        self.refresh_bindings()
        self.refresh_detail(force=True)
        self._shown_or_failed()

    def _shown_or_failed(self) -> None:
        """The read is shown (or failed): a record opened by :meth:`open_when_read` is
        switched to first; then the keys typed meanwhile go on to it."""
        if self._switch_pending:
            self._switch_now()  # lets the keys go once the record screen is shown
        else:
            self._let_keys_go()

    def _let_keys_go(self) -> None:
        """Keys typed while the record opened go on to it."""
        if self._keys_held:
            self._keys_held = False
            self.duty_app.release_keys()

    def worker_failed(self, worker: Worker[Any]) -> None:
        super().worker_failed(worker)
        self._shown_or_failed()

    def _put_rows(self, section: Section, rows: SectionRows | None, fresh: bool) -> None:
        """Bring ``section``'s table to ``rows`` (None: draw them now from the last read);
        ``fresh``: another client's, so the cursor starts on the first row."""
        if rows is None:
            assert self.record is not None and self.ctx is not None
            rows = draw_section(section, self.record, self.extras, self.ctx)
        table = self.table(section.key)
        self.apply_rows(table, rows, self.lists[section.key])
        if fresh:
            with self.prevent(KeyedTable.RowHighlighted):
                table.move_cursor(row=0)
            table.scroll_home(animate=False)

    # -- sections ---------------------------------------------------------------------------------
    def _tabs(self) -> Text:
        """The tabs line, made to fit the width (``fit_tabs``: found by the probe, at 80
        columns it ended "h" without "History")."""
        keymap = self.duty_app.config.keys if self.is_attached else {}
        tabs = [
            (
                keymap.get(section.binding_id, section.key).split(",")[0],
                section.title,
                self.counts.get(section.key) if self.record is not None else None,
                section.key == self.section,
            )
            for section in self.sections
        ]
        room = self.size.width - 2 if self.is_attached and self.size.width else 78  # padding
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        labels, gap = fit_tabs(tabs, room)
        for (_, _, _, shown), label in zip(tabs, labels, strict=True):
            text.append(label, style="reverse bold" if shown else "")
            text.append(gap)
        text.rstrip()
        return text

    def action_show_section(self, key: str) -> None:
        if key == self.section:
            self.focus_main()
            return
        self.section = key
        if key in self._undrawn and self.record is not None:  # drawn before it is shown
            self._put_rows(self.section_of(key), None, self._undrawn.pop(key))
        for section in self.sections:
            self.table(section.key).display = section.key == key
        self.query_one("#record-tabs", Static).update(self._tabs())
        self._show_pane_title()
        self.focus_main()
        self.refresh_bindings()
        self.refresh_detail(force=True)

    def _show_pane_title(self) -> None:
        if self.sections:
            pane = self.query_one("#record-detail", VerticalScroll)
            pane.border_title = self.section_of(self.section).title

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A section's keys work (and show) only while it is shown; an every-section part's
        always."""
        if action == "section" and parameters:
            found = self._actions.get(str(parameters[0]))
            if found is None:
                return False
            part = found[0]
            return not part.key or part.key == self.section
        return True

    def action_section(self, binding_id: str) -> None:
        """Run a section's action (its binding named ``section('<id>')``)."""
        part, method = self._actions[binding_id]
        if self.record is None:
            self.notify(CHOOSE, severity="warning", markup=False)
            return
        getattr(part, f"action_{method}")(self)

    def current_item(self) -> Any:
        """The selected row of the shown section: ``(part, item)``, or None."""
        key = self.current_key()
        return self.lists.get(self.section, {}).get(key) if key is not None else None

    # -- what sections use ----------------------------------------------------------------------
    def extra(self, part: RecordSection) -> Any:
        return self.extras.get(part.name)

    def selected(self, part: RecordSection) -> Any:
        """The selected row's item when it is one of ``part``'s rows, else None."""
        found = self.current_item()
        if isinstance(found, tuple) and found and found[0] is part:
            return found[1]
        return None

    def when_permitted(self, then: Callable[[], Any]) -> None:
        """Run ``then`` (open a form) for staff; a view-only login is told why not."""
        self._when_permitted(then)

    def saved(self, note: str) -> None:
        """A change was saved: say so (naming the client) and read the record again."""
        self.wrote()
        self.notify(f"{note} ({visible(self.subject)})", markup=False)
        self.reload()

    def in_worker(self, work: Callable[[], Any], note: str) -> None:
        """Run a repository change off the UI thread; then :meth:`saved` with ``note``."""

        def run() -> None:
            work()
            self.app.call_from_thread(self.saved, note)

        self.run_worker(run, thread=True, group="write", exit_on_error=False, description=note)

    # -- the detail pane --------------------------------------------------------------------------
    def detail_key(self) -> tuple[str, str | None]:
        return self.section, self.current_key()

    def show_detail(self) -> None:
        body = self.query_one("#record-detail-body", Static)
        if self.record is None or self.ctx is None or not self.sections:
            body.update(Text(CHOOSE if self.client_id is None else "", end=""))
            return
        found = self.current_item()
        section = self.section_of(self.section)
        if isinstance(found, tuple) and found:
            part, item = found
        else:
            part, item = section.parts[0], None
        body.update(part.detail(item, self.record, self.extra(part), self.ctx))

    def row_selected(self, key: str) -> None:
        """Enter on a row: into its details (escape comes back)."""
        self.query_one("#record-detail", VerticalScroll).focus()

    # -- actions ----------------------------------------------------------------------------------
    async def action_record_back(self) -> None:
        if self.query_one("#record-detail", VerticalScroll).has_focus:
            self.focus_main()
            return
        await self.duty_app.show_mode(self.came_from)

    def action_record_book(self) -> None:
        record = self.record
        if record is None:
            self.notify(CHOOSE, severity="warning", markup=False)
            return
        if record.episode.status != "open":
            self.notify(
                f"{visible(record.name)} is discharged: no meetings can be booked.",
                severity="warning",
                markup=False,
            )
            return
        from .booking import Booked, open_booking

        def booked(done: Booked | None) -> None:
            if done is not None:
                self.saved(f"Booked: {done.words}")

        open_booking(self, record.client_id, booked)

    # -- command palette --------------------------------------------------------------------------
    def palette_commands(self) -> list[PaletteCommand]:
        subject = self.record.name if self.record is not None else None
        commands: list[PaletteCommand] = []
        for section in self.sections:
            commands.append(
                PaletteCommand(
                    f"Record: {section.title}",
                    f"Show the {section.title.lower()} section ({section.key})",
                    partial(self.action_show_section, section.key),
                )
            )
        if self.record is None:
            return commands
        commands.append(
            PaletteCommand(
                "Book next meeting", "For this client (b)", self.action_record_book, subject
            )
        )
        for part in self.parts:
            if part.key and part.key != self.section:
                continue
            for binding in part.BINDINGS:
                if binding.id:
                    commands.append(
                        PaletteCommand(
                            binding.tooltip or binding.description,
                            f"{binding.description} ({binding.key})",
                            partial(self.action_section, binding.id),
                            subject,
                        )
                    )
        return commands


async def open_record(app: App[Any], client_id: int) -> None:
    """Show ``client_id``'s record; escape comes back to the screen shown now. Keys typed
    while it opens and reads (Enter then ``f`` at once) wait for the record, as if it had
    opened at once: they never reach the screen left behind, nor a record not yet read.

    Once the record screen exists, the record is read while the screen it is opened from
    stays shown, and appears whole in one frame (``RecordScreen.open_when_read``); the
    first time, the screen is made and shown at once and fills in when read."""
    came_from = getattr(app, "current_mode", None)
    try:
        made = app.get_screen_stack("record")
    except KeyError:  # not made yet
        made = []
    screen = made[0] if made else None
    if came_from != "record" and isinstance(screen, RecordScreen) and screen.is_mounted:
        screen.open_when_read(client_id, came_from)
        return
    gate: Any = app
    holds = isinstance(app, KeysInOrder)
    if holds:
        gate.hold_keys()
    await app.show_mode("record")  # type: ignore[attr-defined]
    screen = app.screen
    if isinstance(screen, RecordScreen):
        screen.open_client(client_id, came_from, keys_held=holds)
    elif holds:
        gate.release_keys()


Tab = tuple[str, str, int | None, bool]  # key, title, rows (None: not counted), shown


def fit_tabs(tabs: Sequence[Tab], room: int) -> tuple[list[str], str]:
    """Each section's tab label and the gap between them, the most that fits in ``room``
    columns: every title in full with its count ("c Crisis & risk 2"), then a title's
    first word ("c Crisis 2"), one space between tabs, then the counts only on the shown
    section and the other titles cut short ("m Meeti…"), down to the keys alone. The
    shown section keeps its short title and count while any title is shown (it is the
    one in reverse)."""

    def short(title: str) -> str:
        return title.split(" ", 1)[0]

    def cut(title: str, most: int, shown: bool) -> str:
        if shown or len(title) <= most:
            return title
        return title[: most - 1] + "…" if most > 1 else ""

    def labels(titles: Sequence[str], counts: bool) -> list[str]:
        out = []
        for (key, _, count, shown), title in zip(tabs, titles, strict=True):
            counted = count and (counts or (shown and title))
            words = [key] + ([title] if title else []) + ([str(count)] if counted else [])
            out.append(" ".join(words))
        return out

    def width(found: list[str], gap: str) -> int:
        return sum(len(label) for label in found) + len(gap) * (len(found) - 1)

    full = [title for _, title, _, _ in tabs]
    shorts = [short(title) for title in full]
    tries: list[tuple[list[str], str]] = [
        (labels(full, True), "  "),
        (labels(shorts, True), "  "),
        (labels(shorts, True), " "),
    ]
    longest = max((len(t) for t in shorts), default=0)
    for most in range(longest, 0, -1):
        titles = [cut(t, most, shown) for t, (_, _, _, shown) in zip(shorts, tabs, strict=True)]
        tries.append((labels(titles, False), " "))
    tries.append((labels(["" for _ in tabs], False), " "))
    for found, gap in tries:
        if width(found, gap) <= room:
            return found, gap
    return tries[-1]
