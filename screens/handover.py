"""The shift handover: what the next duty worker must know, in one list.

Who is on duty today (the rota, set here with r), referrals overdue, due soon or due
before the team reopens (and whether handed over to the out-of-hours service), claims
held (who, for how long, flagged when held long or by someone away or off duty; c
releases a flagged one with a reason), accepted clients with no first meeting booked,
today's meetings with a staff member away, and open handover notes (x closes the
selected one, N adds one). The same content as ``duty-desk handover``.

A :class:`~screens.live_list.LiveList`: one repository call (``repo.handover()``) in the
load worker, rows drawn there, row keys by kind and id so the cursor stays put. Privacy
mode masks the client names (the repository's answer comes masked).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from duty_desk import timeutil
from duty_desk.handover_views import (
    AbsentMeeting,
    ClaimHeld,
    DueReferral,
    HandoverData,
    HandoverNoteView,
)
from duty_desk.handover_words import flag_words, held_for
from duty_desk.views import StaffView, UnbookedFirst

from .base import sheet
from .commands import PaletteCommand
from .key_line import KeyLine
from .keyed_table import KeyedTable, RowCells
from .literal import assemble, cell, literal, visible
from .live_list import LiveList
from .render import tags_by_login
from .widgets import TitleBar

COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("kind", "What", 8),
    ("when", "When", 11),
    ("about", "About", None),
)
FIXED = sum(width + 1 for _, _, width in COLUMNS if width)
KIND_WORDS = {
    "overdue": ("OVERDUE", "bold reverse"),
    "due soon": ("DUE SOON", "bold"),
    "due while closed": ("CLOSED", "bold"),
    "plenty": ("DUE", ""),
}

Item = StaffView | DueReferral | ClaimHeld | UnbookedFirst | AbsentMeeting | HandoverNoteView | str


@dataclass(frozen=True)
class HandoverRead:
    data: HandoverData
    rows: tuple[tuple[str, Item, RowCells], ...]


def about_width(total: int) -> int:
    return max(12, total - FIXED - 2)


class HandoverScreen(LiveList):
    """What the next duty worker must know, and the actions on it."""

    DEFAULT_CSS = sheet("handover.tcss")
    NOUN = "handover"
    LOAD_GROUP = "handover-load"
    BINDINGS = [
        Binding(
            "N",
            "handover_note",
            "Note",
            id="handover_note",
            tooltip="Add a handover note about the selected referral or client",
        ),
        Binding(
            "x",
            "close_note",
            "Done",
            id="close_note",
            tooltip="Close the selected handover note as dealt with",
        ),
        Binding(
            "c",
            "release_claim",
            "Release",
            id="release_claim",
            tooltip="Release the selected flagged claim, with a reason",
        ),
        Binding("r", "set_rota", "Rota", id="set_rota", tooltip="Who is on duty on a date"),
        Binding("q", "app.quit", "Quit", show=False, id="handover_quit"),
    ]
    """
    | key | id            | action                                                     |
    |-----|---------------|------------------------------------------------------------|
    | N   | handover_note | add a handover note about the selected referral or client  |
    | x   | close_note    | close the selected handover note as dealt with             |
    | c   | release_claim | release the selected flagged claim, with a reason          |
    | r   | set_rota      | who is on duty on a date (today unless changed)            |
    | q   | handover_quit | quit                                                       |
    Any of these ids can be given another key in config.toml under [keys]; handover_note
    is the queue's and the board's N too.
    """

    @dataclass
    class Written(Message):
        note: str

    def __init__(self) -> None:
        super().__init__()
        self.data: HandoverData | None = None
        self.items: dict[str, Item]

    # -- layout ------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        config = self.duty_app.config
        yield TitleBar(config.team.name, current="show_handover")
        yield Static(id="view-only")
        yield Static(Text("Loading the handover...", end=""), id="handover-heading")
        yield KeyedTable(id="handover")
        with VerticalScroll(id="detail"):
            yield Static(Text("", end=""), id="detail-body")
        yield KeyLine()

    def on_mount(self) -> None:
        table = self.main_table()
        for key, header, width in COLUMNS:
            size = width if width is not None else about_width(self.app.size.width)
            table.add_column(
                Text(" " + header, style="bold"), key=key, width=size + 1, flex=width is None
            )
        table.focus()
        self.query_one("#detail", VerticalScroll).border_title = "Details"

    def flex_width(self, table: KeyedTable, total: int) -> int:
        return about_width(total)

    # -- loading -------------------------------------------------------------------------------------
    def read(self, query: Any) -> HandoverRead:
        data = self.duty_app.repo.handover()
        tz = self.duty_app.config.team.timezone
        tags = tags_by_login(self.duty_app.repo.list_staff(include_inactive=True))
        return HandoverRead(data, tuple(rows_of(data, tz, tags)))

    def show(self, result: HandoverRead) -> None:
        self.data = result.data
        self.query_one("#handover-heading", Static).update(heading(result.data, self))
        self.apply_rows(self.main_table(), result.rows, select=True)
        self.refresh_detail(force=True)

    # -- the detail pane -------------------------------------------------------------------------------
    def show_detail(self) -> None:
        body = self.query_one("#detail-body", Static)
        item = self.current_item()
        if self.data is None:
            return
        config = self.duty_app.config
        body.update(
            detail_of(item, self.data, config.team.timezone, config.handover.out_of_hours_contact)
        )

    # -- actions ---------------------------------------------------------------------------------------
    def _target(self) -> tuple[dict[str, int], str] | None:
        """The referral or client the selected row is about, and its name."""
        item = self.current_item()
        if isinstance(item, DueReferral | ClaimHeld):
            return {"referral_id": item.referral_id}, item.name
        if isinstance(item, UnbookedFirst):
            return {"client_id": item.client_id}, item.name
        if isinstance(item, AbsentMeeting):
            return {"client_id": item.client_id}, item.client_name
        if isinstance(item, HandoverNoteView):
            if item.client_id is not None:
                return {"client_id": item.client_id}, item.name
            if item.referral_id is not None:
                return {"referral_id": item.referral_id}, item.name
        return None

    def action_handover_note(self) -> None:
        target = self._target()
        if target is None:
            self.notify(
                "Select a referral, client or note first: a note is about one of them.",
                severity="warning",
                markup=False,
            )
            return
        where, name = target
        repo = self.duty_app.repo

        def opened() -> None:
            from .note_dialog import NoteDialog

            dialog = NoteDialog(name, lambda text: repo.add_note(text, **where))
            self.app.push_screen(dialog, lambda done: self._done(done, "Handover note added."))

        self._when_permitted(opened)

    def action_close_note(self) -> None:
        item = self.current_item()
        if not isinstance(item, HandoverNoteView):
            self.notify("Select an open handover note first.", severity="warning", markup=False)
            return
        self.close_note(item)

    @work(thread=True, exit_on_error=False, group="write", description="close a note")
    def close_note(self, note: HandoverNoteView) -> None:
        self.duty_app.repo.close_note(note.id, expected_version=note.version)
        self.post_message(self.Written(f"Note closed: {visible(note.name)}."))

    def action_release_claim(self) -> None:
        item = self.current_item()
        if not isinstance(item, ClaimHeld):
            self.notify("Select a claim first.", severity="warning", markup=False)
            return
        if not item.flags:
            self.notify(
                f"{item.login}'s claim is not flagged: the queue's c offers to take it over.",
                severity="warning",
                markup=False,
            )
            return
        from .release_claim import release_dialog

        dialog = release_dialog(item, self.duty_app.repo, self.duty_app.config.team.timezone)
        claim = item
        self._when_permitted(
            lambda: self.app.push_screen(
                dialog, lambda done: self._done(done, f"Released: {visible(claim.name)}.")
            )
        )

    def action_set_rota(self) -> None:
        def opened() -> None:
            from .rota_dialog import RotaDialog

            today = timeutil.to_local(timeutil.now(), self.duty_app.config.team.timezone).date()
            self.app.push_screen(RotaDialog(today), lambda done: self._done(done, "Rota saved."))

        self._when_permitted(opened)

    def _done(self, done: bool | None, note: str) -> None:
        if done:
            self.post_message(self.Written(note))

    def on_handover_screen_written(self, message: Written) -> None:
        self.wrote()
        self.notify(message.note, markup=False)
        self.reload()

    # -- command palette ---------------------------------------------------------------------------
    def palette_commands(self) -> list[PaletteCommand]:
        return [
            PaletteCommand(
                "Handover note", "About the selected referral or client", self.action_handover_note
            ),
            PaletteCommand("Close handover note", "Dealt with", self.action_close_note),
            PaletteCommand(
                "Release flagged claim", "With a reason (recorded)", self.action_release_claim
            ),
            PaletteCommand("Duty rota", "Who is on duty on a date", self.action_set_rota),
        ]


# -- drawing (in the load worker) ------------------------------------------------------------------


def heading(data: HandoverData, screen: HandoverScreen) -> Text:
    config = screen.duty_app.config
    tz = config.team.timezone
    when = timeutil.fmt_local(data.at, tz, "day")
    state = "team open" if data.closed is None else "team closed"
    counts = (
        f"{len(data.due)} due, {sum(1 for c in data.claims if c.flags)} flagged, "
        f"{len(data.open_notes)} note{'' if len(data.open_notes) == 1 else 's'}"
    )
    return Text(f" {when}, {state}: {counts}", end="", no_wrap=True, overflow="ellipsis")


def _row(key: str, item: Item, kind: Text, when: str, about: Text) -> tuple[str, Item, RowCells]:
    about_cell = Text(" ", end="", no_wrap=True, overflow="ellipsis")
    about_cell.append_text(about)
    return key, item, (kind, cell(when), about_cell)


def rows_of(
    data: HandoverData, tz: str, tags: Mapping[str, str] | None = None
) -> list[tuple[str, Item, RowCells]]:
    """The rows of the list; staff by their tag as on every screen (the detail: names)."""
    tag = (lambda login: login) if tags is None else (lambda login: tags.get(login, login))
    rows: list[tuple[str, Item, RowCells]] = []
    if data.rota_set:
        for person in data.on_duty:
            rows.append(
                _row(
                    f"s{person.id}",
                    person,
                    cell("ON DUTY"),
                    "today" if data.day == timeutil.to_local(data.at, tz).date() else "",
                    assemble(literal(tag(person.login)), " ", literal(person.name)),
                )
            )
    else:
        rows.append(
            _row(
                "s-none",
                "rota",
                cell("ON DUTY", "bold"),
                "-",
                Text("nobody recorded on the rota: r sets it"),
            )
        )
    for due in data.due:
        word, style = KIND_WORDS.get(due.state, (due.state.upper(), ""))
        about = literal(due.name)
        if due.handed_over_to:
            about.append_text(assemble(" - handed over to ", literal(due.handed_over_to)))
        rows.append(
            _row(
                f"d{due.referral_id}",
                due,
                cell(word, style),
                timeutil.fmt_local(due.respond_by, tz, "short"),
                about,
            )
        )
    for claim in data.claims:
        rows.append(
            _row(
                f"c{claim.referral_id}",
                claim,
                cell("FLAGGED" if claim.flags else "CLAIM", "bold reverse" if claim.flags else ""),
                f"held {held_for(claim, data.at)}",
                assemble(
                    literal(claim.name),
                    ": ",
                    literal(tag(claim.login)),
                    (f" ({', '.join(str(f) for f in claim.flags)})" if claim.flags else ""),
                ),
            )
        )
    for item in data.unbooked:
        rows.append(
            _row(
                f"u{item.client_id}",
                item,
                cell("NO MTG", "bold"),
                timeutil.fmt_local(item.respond_by, tz, "short"),
                assemble(literal(item.name), ": first meeting not booked"),
            )
        )
    for meeting in data.absent_meetings:
        rows.append(
            _row(
                f"m{meeting.meeting_id}",
                meeting,
                cell("AWAY", "bold"),
                timeutil.fmt_local(meeting.starts_at, tz, "short"),
                assemble(
                    literal(meeting.client_name),
                    ": away ",
                    literal(", ".join(tag(login) for login in meeting.absent)),
                ),
            )
        )
    for note in data.open_notes:
        rows.append(
            _row(
                f"n{note.id}",
                note,
                cell("NOTE"),
                timeutil.fmt_local(note.created_at, tz, "short"),
                assemble(literal(note.name), ": ", literal(" ".join(note.text.split()))),
            )
        )
    return rows


def detail_of(item: Item | None, data: HandoverData, tz: str, out_of_hours: str = "") -> Text:
    """The selected row in full."""
    if item is None:
        return Text("Nothing to hand over.")
    if isinstance(item, str):
        return Text(
            "Nobody is recorded on duty today. r opens the rota: pick who is on duty. Claims "
            "by people not on a day's rota are flagged once it is set."
        )
    if isinstance(item, StaffView):
        return assemble(literal(item.name, "bold"), " (", literal(item.login), ") is on duty.")
    if isinstance(item, DueReferral):
        text = assemble(
            literal(item.name, "bold"),
            f": {item.state}, respond by {timeutil.fmt_local(item.respond_by, tz, 'day')}.",
        )
        if item.handed_over_to:
            text.append_text(
                assemble(
                    "\nHanded over to ", literal(item.handed_over_to), " (the queue's h: why)."
                )
            )
        elif item.state == "due while closed" or data.closed is not None:
            text.append(
                "\nThe queue's o hands it over to the out-of-hours service ("
                + visible(out_of_hours)
                + ")."
            )
        return text
    if isinstance(item, ClaimHeld):
        since = timeutil.fmt_local(item.since, tz, "day")
        text = assemble(
            literal(item.name, "bold"),
            ": being triaged by ",
            literal(item.holder),
            " (",
            literal(item.login),
            f") since {since}, {held_for(item, data.at)}.",
        )
        if item.flags:
            text.append(f"\n{flag_words(item)}. c releases it, with a reason.")
        return text
    if isinstance(item, UnbookedFirst):
        return assemble(
            literal(item.name, "bold"),
            ": accepted, no first meeting booked; due by "
            f"{timeutil.fmt_local(item.respond_by, tz, 'day')}. Book it from the day view (3).",
        )
    if isinstance(item, AbsentMeeting):
        return assemble(
            literal(item.client_name, "bold"),
            f": meeting {timeutil.fmt_local(item.starts_at, tz, 'day')}-"
            f"{timeutil.fmt_local(item.ends_at, tz, 'short')[-5:]}; away: ",
            literal(", ".join(item.absent)),
            ". Move it or find cover (day view, 3).",
        )
    text = assemble(
        literal(item.name, "bold"),
        f" - note by {visible(item.created_by)}, "
        f"{timeutil.fmt_local(item.created_at, tz, 'day')}:\n",
        literal(item.text, multiline=True),
        "\nx closes it as dealt with.",
    )
    return text
