"""Booking (or moving) a network meeting: type the time, check, confirm.

The flow, all from the keyboard:

1. ``b`` (on the day view, queue or board) opens this dialog with the defaults
   from ``repo.booking_defaults``: the client's core team, the configured
   length, the place of the last meeting. The cursor is in "When".
2. Type the time (``thu 9:30``, ``tomorrow 10``, ``28/11 15:00``...). The words
   ("Thursday 26 November, 09:30-10:30") show under it while typing.
3. Enter checks: unreadable input gets one sentence under the field (the text
   stays); otherwise the repository lists the problems, each named. Blocking
   ones (someone already booked) cannot be booked; warnings (outside hours,
   absent, travel buffer) open a reason field.
4. Enter again (or ``ctrl+s``) books, inside one write transaction that checks
   again: if someone else took the slot meanwhile, the dialog says so plainly
   and keeps everything typed.

``ctrl+n`` fills "When" with the next slot when the whole core team is free
(from the typed time, else from now) and checks it. Other screens open the
dialog with :func:`open_booking`.

Opened for a first meeting (the accept flow, ``deadline``: the referral's respond-by
time), the dialog shows the deadline and the time left; a first meeting starting after
it is a warning from the repository like any other, booked only with a reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from duty_desk import vocabulary
from duty_desk.errors import BookingWarnings, Conflict, DutyDeskError, InputErrors
from duty_desk.views import BookingDefaults, MeetingView, ScheduleProblem

from .closing import DialogFooter
from .flag_marker import subject
from .forms import FormScreen
from .literal import assemble, literal, visible
from .render import staff_tags
from .widgets import PickedLine, TextInput, TickBox

if TYPE_CHECKING:
    from textual.screen import Screen

    from duty_desk.timeparse import ParsedWhen

PLACES = tuple((label, str(kind)) for kind, label in vocabulary.PLACE_LONG.items())
HINT_CHECK = "Enter checks the time; Enter again books. ctrl+n: the next free slot."


@dataclass(frozen=True)
class Booked:
    """What the dialog dismisses with once saved."""

    meeting_id: int
    client_id: int
    client_name: str
    starts_at: dt.datetime  # UTC
    minutes: int
    words: str  # "Thursday 26 November, 09:30-10:30"
    moved: bool  # a reschedule rather than a new booking
    # As saved, read back in the same worker when it falls on the day the opener shows
    # (``show_day``), so that screen can show it without reading the whole day again.
    meeting: MeetingView | None = None


@dataclass(frozen=True)
class Request:
    """One booking as typed and read: what was checked, and what will be booked."""

    starts_at: dt.datetime
    minutes: int
    place_kind: str
    place_detail: str
    staff_ids: tuple[int, ...]
    network_ids: tuple[int, ...]


def prefilled_place(defaults: BookingDefaults) -> tuple[str, str]:
    """The place a new booking starts with, and its address: the last meeting's place; a
    home visit goes to the last home visit's address, else the client's own."""
    home = defaults.place_kind == "home" and defaults.place_detail
    address = defaults.place_detail if home else defaults.home_address
    return defaults.place_kind or "home", address or ""


def open_booking(
    screen: Screen[Any],
    client_id: int,
    done: Callable[[Booked | None], Any] | None = None,
    *,
    show_day: dt.date | None = None,
    deadline: dt.datetime | None = None,
) -> None:
    """Open booking for ``client_id`` over ``screen`` (the day view, queue or board).

    ``done`` gets the :class:`Booked` result, or None when cancelled. A login that
    may not change anything is told why and the dialog closes by itself. With
    ``show_day`` (the local date ``screen`` shows), a meeting booked on that day comes
    back read in ``Booked.meeting``. ``deadline``: the first meeting's respond-by time,
    shown in the dialog.
    """
    dialog = BookingDialog(client_id, show_day=show_day)
    dialog.deadline = deadline
    screen.app.push_screen(dialog, done)


def open_reschedule(
    screen: Screen[Any],
    meeting: MeetingView,
    done: Callable[[Booked | None], Any] | None = None,
    *,
    show_day: dt.date | None = None,
) -> None:
    """Move ``meeting`` to another time (same dialog, same keys)."""
    screen.app.push_screen(
        BookingDialog(meeting.client_id, meeting=meeting, show_day=show_day), done
    )


class BookingDialog(FormScreen[Booked]):
    """Book a meeting for one client, or move one (``meeting`` given)."""

    FIELDS: ClassVar[tuple[str, ...]] = ("when", "minutes", "place", "address", "reason")
    ALIASES = {
        "starts_at": "when",
        "override_reason": "reason",
        "place_detail": "address",
        "place_kind": "place",
    }
    CONFIRM = "Check"
    HOLD_FOR_NOTICE = True  # every opener says "Booked: ..." (or "Moved: ...") as it closes
    BINDINGS = [
        Binding("ctrl+s", "save", "Check/book", id="form_save", priority=True),
        Binding("ctrl+n", "next_free", "Next free slot", id="booking_next_free", priority=True),
    ]
    """
    | key    | id                | action                                             |
    |--------|-------------------|----------------------------------------------------|
    | enter  |                   | check the time; again: book                        |
    | ctrl+s | form_save         | the same as enter, from any field                  |
    | ctrl+n | booking_next_free | the earliest slot when the whole core team is free |
    | escape | form_cancel       | close without booking                              |
    | space  | (Textual)         | tick or untick a person                            |
    """

    DEFAULT_CSS = """
    BookingDialog #dialog { max-height: 23; }
    BookingDialog #fields { max-height: 13; }
    BookingDialog #words { height: 1; padding-left: 17; }
    BookingDialog .people { height: auto; }
    BookingDialog .people > Label { width: 17; text-style: bold; }
    BookingDialog .picks { width: 1fr; height: auto; }
    BookingDialog .ticks {
        width: 1fr; height: auto; layout: grid; grid-size: 3; grid-gutter: 0 1;
        grid-rows: 1;
    }
    BookingDialog .ticks > TickBox { width: 1fr; height: 1; }
    /* issue 12 (network): one member a line, so the consent beside each is never cut */
    BookingDialog #network-ticks { grid-size: 1; }
    BookingDialog #problems { height: auto; max-height: 7; margin-top: 1; }
    BookingDialog #problems.-problem { background: $error 15%; }
    BookingDialog .hidden { display: none; }
    """

    @dataclass
    class DefaultsLoaded(Message):
        defaults: BookingDefaults

    @dataclass
    class Checked(Message):
        request: Request
        problems: tuple[ScheduleProblem, ...]

    @dataclass
    class Refused(Message):
        """The booking could not be made: someone got there first, or new warnings."""

        text: str
        problems: tuple[ScheduleProblem, ...] = ()
        warnings_only: bool = False

    @dataclass
    class FreeSlot(Message):
        start: dt.datetime | None
        searched_from: dt.datetime | None

    def __init__(
        self,
        client_id: int,
        meeting: MeetingView | None = None,
        show_day: dt.date | None = None,
        when: str = "",
    ) -> None:
        super().__init__("Move a meeting" if meeting is not None else "Book a meeting")
        self.first_when = when  # the time typed already (the next-meeting question's)
        self.client_id = client_id
        self.moving = meeting
        self.show_day = show_day
        self.defaults: BookingDefaults | None = None
        self.checked: Request | None = None
        self.problems: tuple[ScheduleProblem, ...] = ()
        self._check_when_loaded = False
        self._staff_names: dict[int, str] = {}
        self._tags: dict[int, str] = {}  # staff tags (screens/render.py), set by load_defaults
        self._busy_note = ""
        self.deadline: dt.datetime | None = None  # a first meeting's respond-by time

    @property
    def repo(self) -> Any:
        return self.app.repo  # type: ignore[attr-defined]

    @property
    def tz(self) -> str:
        return self.app.config.team.timezone  # type: ignore[attr-defined]

    # -- layout -------------------------------------------------------------------------------
    def compose_intro(self) -> ComposeResult:
        yield Static(Text("Loading...", end=""), id="intro")

    def compose_fields(self) -> ComposeResult:
        config = self.app.config  # type: ignore[attr-defined]
        moving = self.moving
        minutes = config.meetings.default_minutes
        if moving is not None:
            minutes = int((moving.ends_at - moving.starts_at).total_seconds() // 60)
        yield from self.field(
            "when",
            "When",
            TextInput(
                self.first_when,
                placeholder="14:30, tomorrow 10, thu 9:30, 28/11 15:00",
                compact=True,
            ),
        )
        yield Static(Text(""), id="words")
        yield from self.field(
            "minutes", "Minutes", TextInput(str(minutes), compact=True, restrict=r"\d{0,3}")
        )
        place = Select(
            PLACES,
            allow_blank=False,
            value=moving.place_kind if moving else "home",
            compact=True,
            disabled=moving is not None,
        )
        yield from self.field("place", "Place", place)
        address = TextInput(
            moving.place_detail if moving else "",
            compact=True,
            placeholder="the address for a home visit",
            disabled=moving is not None,
        )
        yield from self.field("address", "Address", address)
        with Horizontal(classes="people"):
            yield Label("Core team")
            with Vertical(classes="picks"):
                yield Container(classes="ticks", id="staff-ticks")
                yield PickedLine("#staff-ticks", id="staff-picked")
        with Horizontal(classes="people"):
            yield Label("Network")
            with Vertical(classes="picks"):
                yield Container(classes="ticks", id="network-ticks")
                yield PickedLine("#network-ticks", id="network-picked")
        yield from self.field(
            "reason",
            "Reason",
            TextInput(placeholder="why book over the warnings (recorded)", compact=True),
        )

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(self.form_title, style="bold"), id="form-title")
            yield from self.compose_intro()
            with VerticalScroll(id="fields"):
                yield from self.compose_fields()
            yield Static(id="problems")
            yield Static(id="error-form", classes="error")
            with Horizontal(id="buttons"):
                yield Button(self.CONFIRM, id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield DialogFooter()

    def on_mount(self) -> None:
        self.query_one("#field-when", Input).focus()
        self._show_reason(False)
        self._show_address()
        self._hint(HINT_CHECK)
        if self.first_when:
            self._typed()  # its words under it
        self.load_defaults()

    # -- busy: shown only when the answer is slow (``FormScreen.watch_saving``) -----------------
    def _busy(self, note: str) -> None:
        """Start a check, booking or search: ``note`` is shown if the answer is slow."""
        self._busy_note = note
        self.saving = True

    def busy_shown(self) -> None:
        self._hint(self._busy_note)

    def _hint(self, text: str | Text, style: str = "", problem: bool = False) -> None:
        box = self.query_one("#problems", Static)
        box.update(text if isinstance(text, Text) else Text(text, style=style))
        box.set_class(problem, "-problem")

    def _show_reason(self, shown: bool) -> None:
        self.query_one("#field-reason").parent.display = shown  # type: ignore[union-attr]
        if not shown:
            self.query_one("#error-reason").display = False

    def _show_address(self) -> None:
        place = self.query_one("#field-place", Select).value
        self.query_one("#field-address").parent.display = place == "home"  # type: ignore[union-attr]

    @on(Select.Changed, "#field-place")
    def _place_changed(self) -> None:
        self._show_address()

    # -- defaults -------------------------------------------------------------------------------
    @work(thread=True, exit_on_error=False, group="defaults", description="booking defaults")
    def load_defaults(self) -> None:
        self.repo.ensure_can_change()  # a view-only login is told why, and the dialog closes
        defaults = self.repo.booking_defaults(self.client_id)
        self._tags = staff_tags(self.repo.list_staff(include_inactive=True))  # as everywhere
        self.post_message(self.DefaultsLoaded(defaults))

    def worker_failed(self, worker: Any) -> None:
        super().worker_failed(worker)
        if worker.group == "defaults":
            self.dismiss(None)

    def on_booking_dialog_defaults_loaded(self, message: DefaultsLoaded) -> None:
        defaults = self.defaults = message.defaults
        moving = self.moving
        self._staff_names = {s.id: s.name for s in defaults.staff}
        intro = subject(
            "Client",
            defaults.client_name,
            defaults.safeguarding,
            self.app.config,  # type: ignore[attr-defined]
            "bold",
        )
        if moving is not None:
            from duty_desk.timeparse import describe_slot

            intro.append("\nNow: ")
            intro.append(describe_slot(moving.starts_at, moving.ends_at, self.tz))
        if self.deadline is not None:
            intro.append_text(self._deadline_line(self.deadline))
        self.query_one("#intro", Static).update(intro)
        if moving is None:
            place, address = prefilled_place(defaults)
            self.query_one("#field-place", Select).value = place
            self.query_one("#field-address", Input).value = address
            if not self.query_one("#field-minutes", Input).value.strip():
                self.query_one("#field-minutes", Input).value = str(defaults.minutes)
            staff = [(s.id, self._tags.get(s.id, s.login), s.name, True) for s in defaults.staff]
            # issue 12 (network): those who do not take part in meetings start unticked
            network = [(n.id, n.name, n.relationship, n.takes_part) for n in defaults.network]
        else:
            staff = [(a.id, self._tags.get(a.id, a.name), a.name, True) for a in moving.staff]
            network = [(a.id, a.name, "", True) for a in moving.network]
        self._ticks("#staff-ticks", "staff", staff, fixed=moving is not None)
        self._ticks("#network-ticks", "network", network, fixed=moving is not None)
        self._show_address()
        if self._check_when_loaded:
            self._check_when_loaded = False
            self.action_save()

    def _deadline_line(self, deadline: dt.datetime) -> Text:
        """``First meeting by Tue 24 Nov 09:00 (20h59 left)``: the 24-hour promise."""
        from duty_desk import rules, timeutil

        config = self.app.config  # type: ignore[attr-defined]
        clock = rules.response_clock(deadline, timeutil.now(), config)
        line = Text("\nFirst meeting by ")
        line.append(timeutil.fmt_local(deadline, self.tz, "day"), style="bold")
        line.append(f" ({clock.cell()})", style="bold")
        return line

    def _ticks(
        self, selector: str, kind: str, people: list[tuple[int, str, str, bool]], fixed: bool
    ) -> None:
        box = self.query_one(selector, Container)
        box.remove_children()
        if not people:
            empty = "no core team: set one on the board" if kind == "staff" else "nobody recorded"
            box.mount(Static(Text(empty, style="dim")))
            return
        boxes = []
        for person_id, label, extra, ticked in people:
            text = literal(label)
            if extra and extra != label:
                text = (
                    assemble(literal(label), " (", literal(extra), ")")
                    if kind == "network"
                    else literal(label)
                )
            if kind == "network":  # issue 12 (network): the consent beside every member
                text.append_text(self.consent_of(person_id))
            tick = TickBox(
                text,
                ticked,
                compact=True,
                id=f"{kind}-{person_id}",
                disabled=fixed,
                tooltip=literal(extra or label),
            )
            boxes.append(tick)
        box.mount_all(boxes)

    def consent_of(self, member_id: int) -> Text:
        """``  share: yes`` (or NO, not asked) for a network member's tick box (issue 12)."""
        from .network_words import consent_short

        network = self.defaults.network if self.defaults else ()
        member = next((n for n in network if n.id == member_id), None)
        if member is None:  # not current any more (a moved meeting may still name them)
            return Text("  removed", style="dim")
        return assemble("  ", consent_short(member))

    # -- reading what was typed ---------------------------------------------------------------------
    def _ticked(self, kind: str) -> tuple[int, ...]:
        # The tick boxes are the children of their box: no walk over the whole form.
        return tuple(
            int(box.id.split("-", 1)[1])
            for box in self.query_one(f"#{kind}-ticks").children
            if isinstance(box, Checkbox) and box.id and box.id.startswith(f"{kind}-") and box.value
        )

    def _parse(self, text: str) -> ParsedWhen:
        from duty_desk.timeparse import parse_when

        return parse_when(text, tz=self.tz)

    def _minutes(self) -> int:
        raw = self.query_one("#field-minutes", Input).value.strip()
        if not raw.isdigit() or not 5 <= int(raw) <= 8 * 60:
            raise InputErrors({"minutes": "Give the length in minutes, from 5 to 480."})
        return int(raw)

    def _request(self) -> Request:
        """What is typed now, read; ``InputErrors`` (shown under the fields) if it cannot be."""
        errors: dict[str, str] = {}
        start: dt.datetime | None = None
        minutes = 0
        try:
            start = self._parse(self.query_one("#field-when", Input).value).start
        except InputErrors as exc:
            errors.update(exc.errors)
        try:
            minutes = self._minutes()
        except InputErrors as exc:
            errors.update(exc.errors)
        if self.moving is None and not self._ticked("staff"):
            errors["core team"] = "Tick at least one member of the core team."
        if errors:
            raise InputErrors(errors)
        assert start is not None
        if self.moving is not None:
            return Request(
                start,
                minutes,
                self.moving.place_kind,
                self.moving.place_detail,
                tuple(a.id for a in self.moving.staff),
                tuple(a.id for a in self.moving.network),
            )
        place_kind, detail = self._place()
        return Request(
            start, minutes, place_kind, detail, self._ticked("staff"), self._ticked("network")
        )

    def _place(self) -> tuple[str, str]:
        """The place chosen and its address (none unless a home visit)."""
        place = self.query_one("#field-place", Select).value
        place_kind = place if isinstance(place, str) else "home"
        detail = self.query_one("#field-address", Input).value if place_kind == "home" else ""
        return place_kind, detail

    @on(Input.Changed, "#field-when")
    @on(Input.Changed, "#field-minutes")
    def _typed(self) -> None:
        """The words for the typed time, while typing (no database)."""
        from duty_desk.timeparse import describe_slot

        words = self.query_one("#words", Static)
        try:
            parsed = self._parse(self.query_one("#field-when", Input).value)
            minutes = self._minutes()
        except InputErrors:
            words.update(Text(""))
            return
        words.update(
            Text(
                describe_slot(parsed.start, parsed.start.add(minutes=minutes), self.tz),
                style="bold",
            )
        )

    # -- check, then book ----------------------------------------------------------------------------
    @on(Input.Submitted)
    def _enter_pressed(self, event: Input.Submitted) -> None:
        event.stop()
        event.prevent_default()  # not FormScreen's "next field": Enter checks or books
        self.action_save()

    def action_save(self) -> None:
        if self.saving:
            return
        if self.defaults is None:
            self._check_when_loaded = True
            self._hint("Loading the core team...")
            return
        self.clear_errors()
        try:
            request = self._request()
        except InputErrors as exc:
            self._hint(HINT_CHECK)
            self.show_errors(exc.errors)
            return
        if request != self.checked:
            self._busy("Checking...")
            self.check(request)
            return
        blocking = [p for p in self.problems if p.blocking]
        if blocking:
            self._show_problems(
                self.problems,
                "Cannot be booked at this time: change the time (ctrl+n finds the next free slot).",
            )
            return
        reason = self.query_one("#field-reason", Input).value.strip()
        if self.problems and not reason:
            self._show_reason(True)
            self.show_errors({"reason": "Type a reason to book over the warnings above."})
            return
        self._busy("Booking...")
        self.save(request, reason if self.problems else None)

    @work(thread=True, exit_on_error=False, group="save", description="check a booking")
    def check(self, request: Request) -> None:
        moving = self.moving.id if self.moving is not None else None
        problems = self.repo.check_booking(
            self.client_id,
            request.starts_at,
            request.minutes,
            request.staff_ids,
            request.place_kind,
            moving=moving,
        )
        self.post_message(self.Checked(request, tuple(problems)))

    def on_booking_dialog_checked(self, message: Checked) -> None:
        self.saving = False
        if message.request != self._safe_request():
            self._hint(HINT_CHECK)  # typed on while checking: the next Enter checks again
            return
        self.checked = message.request
        self.problems = message.problems
        if not message.problems:
            self._show_reason(False)
            self._show_problems((), "")
            verb = "move it" if self.moving else "book it"
            self._hint(Text(f"No conflicts. Enter (or ctrl+s) to {verb}.", style="bold"))
            self.query_one("#save").label = "Move" if self.moving else "Book"  # type: ignore[attr-defined]
            return
        blocking = any(p.blocking for p in message.problems)
        if blocking:
            self._show_reason(False)
            self._show_problems(
                message.problems,
                "Cannot be booked at this time: change the time (ctrl+n finds the next free slot).",
            )
            self.query_one("#save").label = "Check"  # type: ignore[attr-defined]
            return
        self._show_reason(True)
        self._show_problems(message.problems, "To book anyway, type a reason and press Enter.")
        self.query_one("#save").label = "Book anyway"  # type: ignore[attr-defined]
        self.query_one("#field-reason", Input).focus()

    def _safe_request(self) -> Request | None:
        try:
            return self._request()
        except InputErrors:
            return None

    def _show_problems(self, problems: tuple[ScheduleProblem, ...], then: str) -> None:
        text = Text(end="")
        for problem in problems:
            if problem.blocking:
                text.append("CANNOT BOOK: ", style="bold reverse")
            else:
                text.append("WARNING: ", style="bold")
            text.append_text(literal(problem.text))
            text.append("\n")
        if then:
            text.append(then, style="bold")
        text.rstrip()
        self._hint(text, problem=any(p.blocking for p in problems))

    @work(thread=True, exit_on_error=False, group="save", description="book a meeting")
    def save(self, request: Request, reason: str | None) -> None:
        from duty_desk.timeparse import describe_slot

        repo = self.repo
        try:
            if self.moving is not None:
                repo.reschedule(
                    self.moving.id,
                    request.starts_at,
                    request.minutes,
                    override_reason=reason,
                    expected_version=self.moving.version,
                )
                meeting_id = self.moving.id
            else:
                meeting_id = repo.book(
                    self.client_id,
                    request.starts_at,
                    request.minutes,
                    request.staff_ids,
                    request.place_kind,
                    request.place_detail,
                    request.network_ids,
                    override_reason=reason,
                )
        except BookingWarnings as exc:
            self.post_message(
                self.Refused(
                    "New warnings since the check: type a reason to book anyway, and press Enter.",
                    tuple(exc.problems),
                    warnings_only=True,
                )
            )
            return
        except Conflict as exc:
            self.post_message(self.Refused(visible(str(exc))))
            return
        except InputErrors as exc:
            self.post_message(self.Invalid(dict(exc.errors)))
            return
        end = request.starts_at + dt.timedelta(minutes=request.minutes)
        name = self.defaults.client_name if self.defaults else ""
        meeting: MeetingView | None = None
        if self._on_show_day(request.starts_at, end):
            try:  # read back here: the opener shows it without reading its whole day again
                meeting = repo.meeting(meeting_id)
            except DutyDeskError:  # saved all the same; the opener reads its day instead
                meeting = None
        self.post_message(
            self.Saved(
                Booked(
                    meeting_id,
                    self.client_id,
                    name,
                    request.starts_at,
                    request.minutes,
                    describe_slot(request.starts_at, end, self.tz),
                    self.moving is not None,
                    meeting,
                )
            )
        )

    def _on_show_day(self, start: dt.datetime, end: dt.datetime) -> bool:
        from duty_desk import timeutil

        if self.show_day is None:
            return False
        first = timeutil.to_local(start, self.tz).date()
        last = timeutil.to_local(end - dt.timedelta(microseconds=1), self.tz).date()
        return first <= self.show_day <= last

    def on_booking_dialog_refused(self, message: Refused) -> None:
        self.saving = False
        if message.warnings_only:
            self.problems = message.problems
            self._show_reason(True)
            self._show_problems(message.problems, message.text)
            self.query_one("#field-reason", Input).focus()
            return
        self.checked = None  # check again before the next try
        self.problems = ()
        self._show_reason(False)
        text = Text(end="")
        text.append("NOT BOOKED: ", style="bold reverse")
        text.append_text(literal(message.text))
        text.append("\nChange the time and press Enter to check again.", style="bold")
        self._hint(text, problem=True)
        self.query_one("#save").label = "Check"  # type: ignore[attr-defined]
        self.query_one("#field-when", Input).focus()

    @on(FormScreen.Invalid)
    def _invalid_hint(self) -> None:
        self._hint(HINT_CHECK)  # FormScreen then shows the errors under the fields

    # -- the next free slot -------------------------------------------------------------------------
    def action_next_free(self) -> None:
        if self.saving:
            return
        if self.defaults is None:
            self._hint("Loading the core team...")
            return
        try:
            minutes = self._minutes()
        except InputErrors as exc:
            self.show_errors(exc.errors)
            return
        staff = (
            tuple(a.id for a in self.moving.staff)
            if self.moving is not None
            else self._ticked("staff")
        )
        if not staff:
            self.show_errors({"core team": "Tick at least one member of the core team."})
            return
        after = self._search_from(self.query_one("#field-when", Input).value)
        self._busy("Looking for the next free slot...")
        self.find_free(minutes, staff, after)

    def _search_from(self, text: str) -> dt.datetime | None:
        """The typed time, or the start of a typed day, to search from; None: from now."""
        from duty_desk import timeutil

        if not text.strip():
            return None
        try:
            return self._parse(text).start
        except InputErrors:
            pass
        try:
            day = self._parse(f"{text} 23:59").local.date()
        except InputErrors:
            return None
        start = timeutil.local_to_utc(dt.datetime.combine(day, dt.time(0, 0)), self.tz)
        return max(start, timeutil.now())

    @work(thread=True, exit_on_error=False, group="save", description="next free slot")
    def find_free(self, minutes: int, staff: tuple[int, ...], after: dt.datetime | None) -> None:
        start = self.repo.next_free_slot(self.client_id, minutes, staff, after=after)
        self.post_message(self.FreeSlot(start, after))

    def on_booking_dialog_free_slot(self, message: FreeSlot) -> None:
        from duty_desk import timeutil

        self.saving = False
        if message.start is None:
            self._hint(
                Text(
                    "No free slot found for the whole core team in the weeks ahead: "
                    "type a time instead.",
                    style="bold",
                )
            )
            return
        local = timeutil.to_local(message.start, self.tz)
        when = self.query_one("#field-when", Input)
        when.value = local.format("DD/MM/YYYY HH:mm")
        when.cursor_position = len(when.value)
        when.focus()
        self.action_save()  # check it straight away: Enter then books

    # -- inline errors: the reason line is hidden until needed ------------------------------------------
    def show_errors(self, errors: Mapping[str, str]) -> None:
        if "reason" in errors:
            self._show_reason(True)
        super().show_errors(errors)
