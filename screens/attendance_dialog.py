"""Record that a meeting happened, and who actually came (staff and network members).

Every expected person starts ticked (the usual case: everyone came); space
unticks someone who did not. What is saved feeds the continuity board.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.containers import Container
from textual.widgets import Checkbox, Label, Static

from duty_desk.views import Attendee, MeetingView

from .flag_marker import subject
from .forms import FormScreen
from .literal import assemble, literal
from .widgets import PickedLine, TickBox


def _ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


class AttendanceDialog(FormScreen[bool]):
    """Dismisses with True once recorded, None when closed without."""

    FIELDS = ()
    CONFIRM = "Record"
    DEFAULT_CSS = """
    AttendanceDialog .ticks { height: auto; layout: grid; grid-size: 2; grid-gutter: 0 1;
                              grid-rows: 1; }
    AttendanceDialog .ticks > TickBox { width: 1fr; height: 1; }
    AttendanceDialog .group { text-style: bold; margin-top: 1; }
    """

    def __init__(self, meeting: MeetingView, tz: str) -> None:
        super().__init__("Meeting happened: who came?")
        self.meeting = meeting
        self.tz = tz

    def compose_intro(self) -> ComposeResult:
        from duty_desk.timeparse import describe_slot

        meeting = self.meeting
        yield Static(
            assemble(
                subject(
                    "Client",
                    meeting.client_name,
                    meeting.safeguarding,
                    self.app.config,  # type: ignore[attr-defined]
                ),
                "\n",
                ("When: ", "bold"),
                describe_slot(meeting.starts_at, meeting.ends_at, self.tz),
                "\n",
                "Untick (space) anyone who did not come; ctrl+s records it.",
            ),
            id="intro",
        )

    def _ticks(self, kind: str, people: tuple[Attendee, ...]) -> ComposeResult:
        with Container(classes="ticks", id=f"{kind}-ticks"):
            for person in people:
                came = person.attended if person.attended is not None else True
                yield TickBox(literal(person.name), came, compact=True, id=f"{kind}-{person.id}")
        yield PickedLine(f"#{kind}-ticks", id=f"{kind}-picked")

    def compose_fields(self) -> ComposeResult:
        yield Label("Core team", classes="group")
        if self.meeting.staff:
            yield from self._ticks("staff", self.meeting.staff)
        else:
            yield Static("nobody was expected")
        yield Label("Network", classes="group")
        if self.meeting.network:
            yield from self._ticks("network", self.meeting.network)
        else:
            yield Static("nobody was expected")

    def on_mount(self) -> None:
        for box in self.query(Checkbox):
            box.focus()
            break
        else:
            self.query_one("#save").focus()

    def values(self) -> dict[str, str]:
        ticked: dict[str, list[str]] = {"staff": [], "network": []}
        for box in self.query(Checkbox):
            kind, _, person = (box.id or "").partition("-")
            if box.value and kind in ticked:
                ticked[kind].append(person)
        return {kind: ",".join(ids) for kind, ids in ticked.items()}

    def save_values(self, values: Mapping[str, str]) -> bool:
        self.app.repo.record_happened(  # type: ignore[attr-defined]
            self.meeting.id,
            _ids(values["staff"]),
            _ids(values["network"]),
            expected_version=self.meeting.version,
        )
        return True
