"""Recording a meeting as happened, the first step of the meeting-record flow: who came,
and the note of what was talked about and decided together, saved at once.

Who came: every staff member expected starts ticked (the core team; space unticks someone
who did not come), ``ctrl+o`` adds any other staff member as cover (the cover picker),
the client's network follows (those invited ticked, the rest not) and ``ctrl+n`` adds a
new network member on the spot (the queue's add-member form), ticked. Then the note
(several lines; Enter is a new line): required the first time a meeting is recorded,
since a record of a meeting without what was decided is not a record (a line will do,
and more can be added later with its own time and author). ``ctrl+s`` saves who came and
the note in one transaction (``repo.record_meeting``).

The dialog names the client, the date and time and the place at the top (hazard H49: a
note saved against the wrong meeting). :func:`record_meeting_flow` then asks "When would
you like to meet again?" (``screens/next_meeting.py``); Enter on an empty time skips it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.message import Message
from textual.widgets import Checkbox, Label, Static

from duty_desk import vocabulary
from duty_desk.views import Attendee, MeetingToRecord, MeetingView, NetworkMemberView, StaffView

from .flag_marker import subject
from .forms import FormScreen
from .literal import assemble, literal, visible
from .network_words import member_label
from .render import staff_tags
from .widgets import NotesArea, PickedLine, TickBox

if TYPE_CHECKING:
    from textual.screen import Screen

    from duty_desk.config import Config

    from .booking import Booked
    from .next_meeting import NextMeetingDialog


def _ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def meeting_intro(meeting: MeetingView, tz: str, config: Config) -> Text:
    """Client (with the safeguarding marker), date and time, place: which meeting this is,
    named at the top of each of the meeting record's dialogs (H49, H57)."""
    from duty_desk.timeparse import describe_slot

    place = vocabulary.PLACE_LONG.get(meeting.place_kind, str(meeting.place_kind))
    return assemble(
        subject("Client", meeting.client_name, meeting.safeguarding, config, "bold"),
        "\n",
        ("When: ", "bold"),
        describe_slot(meeting.starts_at, meeting.ends_at, tz),
        ("  Place: ", "bold"),
        place,
    )


@dataclass(frozen=True)
class Recorded:
    """What the dialog dismisses with once saved."""

    meeting_id: int
    client_id: int
    client_name: str


class AttendanceDialog(FormScreen[Recorded]):
    """Who came and the note; dismisses with :class:`Recorded`, None when closed without."""

    FIELDS = ("note",)
    CONFIRM = "Record"
    BINDINGS = [
        Binding("ctrl+o", "add_cover", "Other staff", id="record_add_cover", priority=True),
        Binding("ctrl+n", "new_member", "New member", id="record_new_member", priority=True),
    ]
    """
    | key    | id                | action                                             |
    |--------|-------------------|----------------------------------------------------|
    | space  | (Textual)         | tick or untick a person                            |
    | ctrl+o | record_add_cover  | another staff member came (as cover): the picker   |
    | ctrl+n | record_new_member | a new network member came: add them, ticked        |
    | ctrl+s | form_save         | record who came and the note                       |
    | escape | form_cancel       | close without recording                            |
    """
    DEFAULT_CSS = """
    AttendanceDialog .ticks { height: auto; layout: grid; grid-size: 2; grid-gutter: 0 1;
                              grid-rows: 1; }
    AttendanceDialog .ticks > TickBox { width: 1fr; height: 1; }
    AttendanceDialog .group { text-style: bold; }
    AttendanceDialog #field-note { height: 3; }
    AttendanceDialog #note-so-far { color: $text-muted; height: auto; display: none; }
    """

    @dataclass
    class Loaded(Message):
        record: MeetingToRecord
        tags: dict[int, str]
        staff: tuple[StaffView, ...]

    def __init__(
        self, meeting: MeetingView, tz: str, *, next_step: NextMeetingDialog | None = None
    ) -> None:
        super().__init__("Meeting happened: who came, what was decided?")
        self.next_step = next_step  # opened under this one: shown as this one closes, saved
        self.meeting = meeting
        self.tz = tz
        self.record: MeetingToRecord | None = None
        self._tags: dict[int, str] = {}
        self._staff: tuple[StaffView, ...] = ()
        self._tick_after_load: set[int] = set()

    @property
    def repo(self) -> Any:
        return self.app.repo  # type: ignore[attr-defined]

    # -- layout -------------------------------------------------------------------------------
    def compose_intro(self) -> ComposeResult:
        # The keys are in the footer; the top stays short so the client, date and time
        # stay in sight at 60x20 too (H49).
        yield Static(
            meeting_intro(self.meeting, self.tz, self.app.config),  # type: ignore[attr-defined]
            id="intro",
        )

    def _tick(self, kind: str, person_id: int, label: Text, ticked: bool) -> TickBox:
        return TickBox(label, ticked, compact=True, id=f"{kind}-{person_id}")

    def _attendee_ticks(self, kind: str, people: tuple[Attendee, ...]) -> ComposeResult:
        for person in people:
            came = person.attended if person.attended is not None else True
            label = literal(person.name)
            if person.cover:
                label.append(" (cover)")
            yield self._tick(kind, person.id, label, came)

    def compose_fields(self) -> ComposeResult:
        yield Label("Staff", classes="group")
        with Container(classes="ticks", id="staff-ticks"):
            yield from self._attendee_ticks("staff", self.meeting.staff)
        yield PickedLine("#staff-ticks", id="staff-picked")
        yield Label("Network", classes="group")
        with Container(classes="ticks", id="network-ticks"):
            yield from self._attendee_ticks("network", self.meeting.network)
        yield PickedLine("#network-ticks", id="network-picked")
        yield Static(Text(""), id="note-so-far")
        yield from self.field(
            "note",
            "Note",
            NotesArea(soft_wrap=True, show_line_numbers=False, compact=True),
        )

    def on_mount(self) -> None:
        # The note first: typing goes there, and a space typed can never untick someone
        # (shift+tab reaches the tick boxes, which start as expected).
        self.query_one("#field-note").focus()
        self.load()

    # -- what else there is: the whole network, the note so far, the staff list ----------------
    @work(thread=True, exit_on_error=False, group="load", description="meeting to record")
    def load(self) -> None:
        record = self.repo.meeting_to_record(self.meeting.id)
        staff = self.repo.list_staff(include_inactive=True)
        self.post_message(self.Loaded(record, staff_tags(staff), tuple(staff)))

    def on_attendance_dialog_loaded(self, message: Loaded) -> None:
        self.record = message.record
        self._tags = message.tags
        self._staff = message.staff
        self._add_network(message.record.network)
        notes = message.record.detail.notes
        if notes:
            so_far = Text(
                f"The note has {len(notes)} entr{'y' if len(notes) == 1 else 'ies'} already: "
                "what you type is added to it (it may stay empty).",
                end="",
            )
            self.query_one("#note-so-far", Static).update(so_far)
            self.query_one("#note-so-far").display = True

    def _add_network(self, network: tuple[NetworkMemberView, ...]) -> None:
        box = self.query_one("#network-ticks", Container)
        shown = {tick.id for tick in box.query(TickBox)}
        new = []
        for member in network:
            if f"network-{member.id}" in shown:
                continue
            label = member_label(member)  # with the consent to share, as everywhere
            ticked = member.id in self._tick_after_load
            new.append(self._tick("network", member.id, label, ticked))
        if new:
            box.mount_all(new)
        self._tick_after_load.clear()

    # -- cover and a new network member --------------------------------------------------------
    def action_add_cover(self) -> None:
        if self.record is None:
            self.notify("Loading the staff list...", markup=False)
            return
        from .cover_picker import CoverPicker

        def picked(staff_id: int | None) -> None:
            if staff_id is None:
                return
            box = self.query_one("#staff-ticks", Container)
            existing = box.query(f"#staff-{staff_id}")
            if existing:
                tick = existing.first(TickBox)
                tick.value = True
                self.query_one("#field-note").focus()
                return
            name = next((s.name for s in self._staff if s.id == staff_id), str(staff_id))
            tick = self._tick("staff", staff_id, assemble(literal(name), " (cover)"), True)
            box.mount(tick)
            self.query_one("#field-note").focus()  # the next key goes to the note

        self.app.push_screen(
            CoverPicker(self.meeting, None, (), self._staff, (), self._tags, self.tz), picked
        )

    def action_new_member(self) -> None:
        if self.record is None:
            self.notify("Loading the network...", markup=False)
            return
        from .network_form import NetworkForm

        def added(member_id: int | None) -> None:
            if member_id is not None:
                self._tick_after_load.add(member_id)
                self.notify(
                    f"Network member added for {visible(self.meeting.client_name)}.",
                    markup=False,
                )
                self.load()

        self.app.push_screen(NetworkForm(self.record.referral_id, self.meeting.client_name), added)

    # -- saving --------------------------------------------------------------------------------
    def values(self) -> dict[str, str]:
        ticked: dict[str, list[str]] = {"staff": [], "network": []}
        for kind, people in ticked.items():  # each tick box is a child of its box
            for box in self.query_one(f"#{kind}-ticks").children:
                named, _, person = (box.id or "").partition("-")
                if isinstance(box, Checkbox) and box.value and named == kind:
                    people.append(person)
        values = {kind: ",".join(ids) for kind, ids in ticked.items()}
        values["note"] = self.text_of("note")
        return values

    def save_values(self, values: Mapping[str, str]) -> Recorded:
        self.repo.record_meeting(
            self.meeting.id,
            _ids(values["staff"]),
            _ids(values["network"]),
            values["note"],
            expected_version=self.meeting.version,
        )
        meeting = self.meeting
        return Recorded(meeting.id, meeting.client_id, meeting.client_name)

    def on_form_screen_saved(self) -> None:
        """Saved (this dialog now closes): the next step under it is shown in the same frame."""
        if self.next_step is not None:
            self.next_step.reveal()


def record_meeting_flow(
    screen: Screen[Any],
    meeting: MeetingView,
    tz: str,
    done: Callable[[Recorded, Booked | None], Any],
    *,
    show_day: Any = None,
) -> None:
    """The meeting-record flow over ``screen``: who came and the note (one save), then
    "When would you like to meet again?" (a small booking dialog with the core team and
    place filled in, ``screens/next_meeting.py``; Enter on an empty time skips it). ``done``
    gets what was recorded and the next meeting booked (None: skipped); it is not called when
    the first step is closed without recording.

    The question is opened first, hidden under the meeting record, so it is on screen in the
    frame that closes the record (:meth:`NextMeetingDialog.reveal`); closed without
    recording, the question closes too, never seen."""
    from .next_meeting import NextMeetingDialog

    question = NextMeetingDialog(
        meeting.client_id, show_day=show_day, client_name=meeting.client_name, waiting=True
    )
    recorded_as: list[Recorded] = []

    def answered(booked: Booked | None) -> None:
        if recorded_as:
            done(recorded_as[0], booked)

    def recorded(result: Recorded | None) -> None:
        if result is None:
            question.dismiss(None)  # the question under it goes too (answered: nothing)
            return
        recorded_as.append(result)

    screen.app.push_screen(question, answered)
    screen.app.push_screen(AttendanceDialog(meeting, tz, next_step=question), recorded)
