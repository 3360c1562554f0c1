"""The absence worklist: every booked meeting a staff absence affects (the open episodes
with the person in their core team, the meetings that overlap the absence with them
expected), and for each what the duty worker decides: keep it as booked (``k``), move it
(``m``, the booking dialog), or assign cover (``v``, any staff member not away then).
Each row says in words what was decided; a row not yet dealt with is marked ``TO DO``.
Episodes with nothing booked in the absence are listed for information."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from duty_desk import scheduling, timeutil
from duty_desk.views import (
    AbsenceDecisionView,
    AbsenceView,
    EpisodeView,
    MeetingView,
    StaffLoad,
    StaffView,
)

from . import board_render as render
from .base import ReportsWorkerErrors
from .closing import DialogFooter
from .literal import assemble, literal, visible

TODO, KEPT, MOVED, COVERED = "TO DO", "KEPT", "MOVED", "COVER"
MARK_WIDTH = 6


@dataclass(frozen=True)
class WorkRow:
    """One line of the worklist: a meeting to decide on, or (``meeting`` None) an episode
    with nothing booked in the absence."""

    episode: EpisodeView
    meeting: MeetingView | None
    cover: tuple[StaffLoad, ...]
    decision: AbsenceDecisionView | None = None

    @property
    def key(self) -> str:
        return f"m{self.meeting.id}" if self.meeting is not None else f"e{self.episode.client_id}"

    @property
    def to_do(self) -> bool:
        return self.meeting is not None and self.decision is None


@dataclass(frozen=True)
class Worklist:
    absence: AbsenceView | None
    rows: tuple[WorkRow, ...]
    staff: tuple[StaffView, ...] = ()
    absences: tuple[AbsenceView, ...] = ()
    tags: dict[int, str] = field(default_factory=dict)

    @property
    def left(self) -> int:
        return sum(1 for row in self.rows if row.to_do)


def worklist_rows(
    impact: list[Any], decisions: dict[int, AbsenceDecisionView]
) -> tuple[WorkRow, ...]:
    rows: list[WorkRow] = []
    for episode, meetings, cover in impact:
        if not meetings:
            rows.append(WorkRow(episode, None, tuple(cover)))
        for meeting in meetings:
            rows.append(WorkRow(episode, meeting, tuple(cover), decisions.get(meeting.id)))
    return tuple(rows)


def decision_words(row: WorkRow, work: Worklist, tz: str) -> tuple[str, Text]:
    """The row's mark (``TO DO``, ``KEPT``, ``MOVED``, ``COVER``) and what was decided."""
    meeting, decision = row.meeting, row.decision
    if meeting is None:
        return "", Text("no meetings booked in the absence", end="")
    if meeting.status == "cancelled":
        return MOVED if decision else TODO, Text("the meeting was cancelled", end="")
    if decision is None:
        return TODO, Text("not decided: k keep, m move, v cover", end="", style="bold")
    by = f" (by {visible(decision.decided_by)})"
    if decision.decision == "keep":
        return KEPT, Text(f"kept as booked, no cover{by}", end="")
    if decision.decision == "move":
        still = work.absence is not None and overlaps(meeting, work.absence, tz)
        text = Text(f"moved to {timeutil.fmt_local(meeting.starts_at, tz, 'day')}{by}", end="")
        if still:
            text.append("; still in the absence", style="bold")
        return MOVED, text
    who = next((a for a in meeting.staff if a.id == decision.cover_staff_id), None)
    name = who.name if who is not None else f"staff member {decision.cover_staff_id}"
    tag = work.tags.get(decision.cover_staff_id or 0, "?")
    return COVERED, assemble("cover: ", literal(tag, "bold"), " ", literal(name), by)


def overlaps(meeting: MeetingView, absence: AbsenceView, tz: str) -> bool:
    start, end = scheduling.absence_span(
        absence.starts_on, absence.ends_on, absence.starts_time, absence.ends_time, tz
    )
    return scheduling.overlaps(meeting.starts_at, meeting.ends_at, start, end)


def row_prompt(row: WorkRow, work: Worklist, tz: str) -> Text:
    """Two lines: the mark, when and who; then what was decided, in words."""
    mark, words = decision_words(row, work, tz)
    text = Text(end="", no_wrap=True, overflow="ellipsis")
    if row.meeting is None:
        text.append(" " * MARK_WIDTH)
        text.append_text(literal(row.episode.name))
    else:
        text.append(f"{mark:<{MARK_WIDTH - 1}}", style="bold reverse" if mark == TODO else "bold")
        text.append(" ")
        text.append(timeutil.fmt_local(row.meeting.starts_at, tz, "day") + "  ")
        text.append_text(literal(row.episode.name))
    text.append("\n" + " " * MARK_WIDTH)
    text.append_text(words)
    return text


def row_detail(row: WorkRow, work: Worklist, tz: str) -> Text:
    """The highlighted row's client and the suggested cover."""
    text = Text(end="")
    text.append_text(literal(row.episode.name, "bold"))
    absent = work.absence
    if absent is not None and row.episode.key_worker is not None:
        if row.episode.key_worker.id == absent.staff_id:
            text.append("  (their key worker is the one away)", style="bold")
    if row.meeting is not None:
        others = [a for a in row.meeting.staff if absent is None or a.id != absent.staff_id]
        came = ", ".join(visible(a.name) + (" (cover)" if a.cover else "") for a in others)
        text.append(f"\nAlso expected: {came or 'nobody else'}")
    there = {a.id for a in row.meeting.staff} if row.meeting is not None else set()
    suggested = [load for load in row.cover if load.staff.id not in there]
    if row.decision is not None:
        return text
    if suggested:
        names = Text(end="")
        for position, load in enumerate(suggested[:3]):
            if position:
                names.append(", ")
            names.append_text(
                assemble(
                    literal(work.tags.get(load.staff.id, "?"), "bold"),
                    " ",
                    literal(load.staff.name),
                )
            )
        text.append_text(assemble("\nSuggested cover: ", names))
    else:
        text.append("\nNo cover to suggest: nobody else has room (v lists everyone)")
    return text


class AbsenceImpact(ReportsWorkerErrors, ModalScreen[None]):
    """Loads the worklist in a worker; each decision is saved in a worker, then reloaded."""

    CSS_PATH = "forms.tcss"
    DEFAULT_CSS = """
    AbsenceImpact { align: center middle; }
    AbsenceImpact #impact-list { height: auto; max-height: 10; border: none; padding: 0; }
    AbsenceImpact #impact-list > .option-list--option-highlighted { text-style: bold reverse; }
    AbsenceImpact #impact-detail { height: auto; max-height: 4; margin-top: 1; }
    """
    BINDINGS = [
        Binding("k", "keep", "Keep", id="impact_keep"),
        Binding("m", "move", "Move", id="impact_move"),
        Binding("v", "cover", "Cover", id="impact_cover"),
        Binding("enter", "act", "Cover/next", id="impact_act", priority=True),
        Binding("escape,q", "close", "Close", id="impact_close"),
    ]
    """
    | key      | id           | action                                                   |
    |----------|--------------|----------------------------------------------------------|
    | k        | impact_keep  | keep the meeting as booked (nobody covers)               |
    | m        | impact_move  | move the meeting (the booking dialog)                    |
    | v        | impact_cover | assign cover: any staff member not away then             |
    | enter    | impact_act   | a row to do: assign cover; otherwise the next to do, or close |
    | escape q | impact_close | close (rows still to do stay on the board as breaks)     |
    | up/down home/end | (OptionList) | move                                             |
    """

    @dataclass
    class Loaded(Message):
        work: Worklist

    @dataclass
    class Saved(Message):
        words: str
        next_to_do: bool = True

    def __init__(self, absence_id: int) -> None:
        super().__init__()
        self.absence_id = absence_id
        self.work: Worklist | None = None
        self.want_key: str | None = None  # the row to highlight after the next load

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                Text("Absence recorded: decide each affected meeting", style="bold"),
                id="form-title",
            )
            yield Static(Text("Loading..."), id="impact-body")
            yield OptionList(id="impact-list")
            yield Static(Text(""), id="impact-detail")
        yield DialogFooter()

    def on_mount(self) -> None:
        self.query_one("#impact-list", OptionList).focus()
        self.load()

    @property
    def tz(self) -> str:
        return str(self.app.config.team.timezone)  # type: ignore[attr-defined]

    # -- loading -------------------------------------------------------------------------------
    @work(thread=True, exit_on_error=False, group="impact", description="load absence worklist")
    def load(self) -> None:
        repo = self.app.repo  # type: ignore[attr-defined]
        impact = repo.absence_impact(self.absence_id)
        decisions = repo.absence_decisions(self.absence_id)
        absence = repo.absence(self.absence_id)
        staff = tuple(repo.list_staff(include_inactive=True))
        tags = render.staff_tags(staff)
        work = Worklist(
            absence,
            worklist_rows(list(impact), decisions),
            staff,
            tuple(repo.absences()),
            tags,
        )
        self.post_message(self.Loaded(work))

    def on_absence_impact_loaded(self, message: Loaded) -> None:
        work = self.work = message.work
        tz = self.tz
        self.query_one("#impact-body", Static).update(self.summary(work))
        listing = self.query_one("#impact-list", OptionList)
        listing.clear_options()
        listing.add_options(
            [
                Option(row_prompt(row, work, tz), id=row.key, disabled=row.meeting is None)
                for row in work.rows
            ]
        )
        listing.display = bool(work.rows)
        keys = [row.key for row in work.rows]
        want = self.want_key
        if want is None or want not in keys:
            want = next((row.key for row in work.rows if row.to_do), None)
        if want is None:
            want = next((row.key for row in work.rows if row.meeting is not None), None)
        if want is not None:
            listing.highlighted = keys.index(want)
        self.show_detail()

    def summary(self, work: Worklist) -> Text:
        text = Text(end="")
        absence = work.absence
        if absence is not None:
            text.append_text(
                assemble(literal(absence.staff_name, "bold"), ": ", render.absence_long(absence))
            )
            text.append("\n")
        meetings = sum(1 for row in work.rows if row.meeting is not None)
        clients = len({row.episode.client_id for row in work.rows})
        if not work.rows:
            text.append("No open episode has them in its core team: nobody is affected.")
            return text
        text.append(
            f"{clients} client{'s' if clients != 1 else ''} affected, "
            f"{meetings} booked meeting{'s' if meetings != 1 else ''} in the absence: ",
        )
        left = work.left
        if left:
            text.append(f"{left} still to decide", style="bold reverse")
        elif meetings:
            text.append("all decided")
        else:
            text.append("nothing to decide")
        return text

    # -- the highlighted row -------------------------------------------------------------------
    def current(self) -> WorkRow | None:
        work = self.work
        if work is None:
            return None
        listing = self.query_one("#impact-list", OptionList)
        index = listing.highlighted
        if index is None or not 0 <= index < len(work.rows):
            return None
        return work.rows[index]

    @on(OptionList.OptionHighlighted, "#impact-list")
    def highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        row = self.current()
        detail = self.query_one("#impact-detail", Static)
        if row is None or self.work is None:
            detail.update(Text(""))
            return
        detail.update(row_detail(row, self.work, self.tz))

    def meeting_row(self, what: str) -> WorkRow | None:
        row = self.current()
        if row is None or row.meeting is None:
            self.notify(f"Choose a meeting to {what}.", severity="warning", markup=False)
            return None
        if row.meeting.status != "booked":
            self.notify(
                f"This meeting is {row.meeting.status.replace('_', ' ')}: nothing to {what}.",
                severity="warning",
                markup=False,
            )
            return None
        return row

    # -- the actions ---------------------------------------------------------------------------
    def action_keep(self) -> None:
        row = self.meeting_row("keep")
        if row is None or row.meeting is None:
            return
        self.want_key = row.key
        self.save_decision(row.meeting.id, "keep", row.meeting.version, "Kept as booked")

    def action_move(self) -> None:
        row = self.meeting_row("move")
        if row is None or row.meeting is None:
            return
        meeting = row.meeting
        self.want_key = row.key
        from .booking import Booked, open_reschedule

        def done(booked: Booked | None) -> None:
            if booked is None:
                return
            self.save_decision(meeting.id, "move", None, f"Moved: {booked.words}")

        open_reschedule(self, meeting, done)

    def action_cover(self) -> None:
        row = self.meeting_row("cover")
        work = self.work
        if row is None or row.meeting is None or work is None:
            return
        meeting = row.meeting
        self.want_key = row.key
        absent = next(
            (s for s in work.staff if work.absence is not None and s.id == work.absence.staff_id),
            None,
        )
        from .cover_picker import CoverPicker

        def done(staff_id: int | None) -> None:
            if staff_id is None:
                return
            self.save_cover(meeting.id, staff_id, meeting.version)

        self.app.push_screen(
            CoverPicker(meeting, absent, row.cover, work.staff, work.absences, work.tags, self.tz),
            done,
        )

    def action_act(self) -> None:
        """Enter: on a row still to do, assign cover; otherwise go to the next row to do,
        or close when none is left."""
        row = self.current()
        work = self.work
        if work is None:
            return
        if row is not None and row.to_do and row.meeting is not None:
            if row.meeting.status == "booked":
                self.action_cover()
                return
        keys = [r.key for r in work.rows if r.to_do]
        if keys:
            listing = self.query_one("#impact-list", OptionList)
            listing.highlighted = [r.key for r in work.rows].index(keys[0])
            return
        self.dismiss(None)

    def action_close(self) -> None:
        work = self.work
        if work is not None and work.left:
            self.notify(
                f"{work.left} meeting{'s' if work.left != 1 else ''} still to decide: "
                "they stay on the board's breaks list (k there).",
                severity="warning",
                markup=False,
            )
        self.dismiss(None)

    # -- saving --------------------------------------------------------------------------------
    @work(thread=True, exit_on_error=False, group="write", description="save absence decision")
    def save_decision(
        self, meeting_id: int, decision: str, version: int | None, words: str
    ) -> None:
        self.app.repo.decide_absence_meeting(  # type: ignore[attr-defined]
            self.absence_id, meeting_id, decision, expected_version=version
        )
        self.post_message(self.Saved(words))

    @work(thread=True, exit_on_error=False, group="write", description="assign cover")
    def save_cover(self, meeting_id: int, staff_id: int, version: int) -> None:
        self.app.repo.assign_cover(  # type: ignore[attr-defined]
            self.absence_id, meeting_id, staff_id, expected_version=version
        )
        self.post_message(self.Saved("Cover arranged"))

    def on_absence_impact_saved(self, message: Saved) -> None:
        self.notify(message.words + ".", markup=False)
        self.want_key = None  # the next row still to do
        self.load()

    def worker_failed(self, worker: Any) -> None:
        if getattr(worker, "group", None) == "write":
            self.load()  # show what is there now (a stale or refused save changed nothing)
