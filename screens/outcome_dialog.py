"""Recording that the client did not attend, and changing a recorded outcome.

One dialog, three cases (the meeting is named at the top: client, date and time, place):

- a booked meeting the client missed: the follow-up taken (required: a did-not-attend
  without a follow-up is hazard H51);
- a meeting recorded as happened that did not: why the record changes, and the follow-up;
- a did-not-attend that did happen: why, and who came (the expected staff and network
  ticked, as when recording it).

A recorded meeting is never flipped by one key (H50): the day view's ``a`` and ``d`` and
the record's ``o`` open this dialog for a recorded meeting, and the repository refuses the
change without a reason. Both outcomes and the reason stay in the meeting's history.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.app import ComposeResult
from textual.containers import Container
from textual.widgets import Checkbox, Label, Static

from duty_desk import vocabulary
from duty_desk.views import MeetingView
from duty_desk.vocabulary import MeetingStatus

from .attendance_dialog import meeting_intro
from .forms import FormScreen
from .literal import literal
from .widgets import PickedLine, TextInput, TickBox

DNA = MeetingStatus.did_not_attend
HAPPENED = MeetingStatus.happened


def _ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


class OutcomeDialog(FormScreen[str]):
    """Dismisses with the new outcome once saved, None when closed without."""

    FIELDS = ("reason", "follow_up")
    CONFIRM = "Save"
    DEFAULT_CSS = """
    OutcomeDialog .ticks { height: auto; layout: grid; grid-size: 2; grid-gutter: 0 1;
                           grid-rows: 1; }
    OutcomeDialog .ticks > TickBox { width: 1fr; height: 1; }
    OutcomeDialog .group { text-style: bold; }
    OutcomeDialog .hidden { display: none; }
    """

    def __init__(self, meeting: MeetingView, to_status: MeetingStatus, tz: str) -> None:
        self.meeting = meeting
        self.to_status = to_status
        self.tz = tz
        # A booked meeting missed: a first record, not a change (no reason asked).
        self.change = meeting.status != MeetingStatus.booked
        if not self.change:
            title = "Did not attend: what follow-up was taken?"
        elif to_status == DNA:
            title = "Change the outcome to did not attend"
        else:
            title = "Change the outcome to happened"
        super().__init__(title)

    def compose_intro(self) -> ComposeResult:
        intro = meeting_intro(self.meeting, self.tz, self.app.config)  # type: ignore[attr-defined]
        if self.change:
            was = vocabulary.MEETING_STATUS_LONG[self.meeting.status].upper()
            now = vocabulary.MEETING_STATUS_LONG[self.to_status].upper()
            intro.append("\nRecorded as ")
            intro.append(was, style="bold")
            intro.append(": change it to ")
            intro.append(now, style="bold")
            intro.append(". Both, and why, stay in its history.")
        else:
            intro.append("\nThe client did not come. Record what was done about it.")
        yield Static(intro, id="intro")

    def compose_fields(self) -> ComposeResult:
        reason = TextInput(placeholder="why the recorded outcome was wrong", compact=True)
        yield from self.field("reason", "Why", reason)
        follow = TextInput(
            placeholder="e.g. phoned, no answer; letter sent; next meeting offered", compact=True
        )
        yield from self.field("follow_up", "Follow-up", follow)
        if self.to_status == HAPPENED:
            yield Label("Who came", classes="group")
            with Container(classes="ticks", id="staff-ticks"):
                for person in self.meeting.staff:
                    yield TickBox(literal(person.name), True, compact=True, id=f"staff-{person.id}")
                for person in self.meeting.network:
                    yield TickBox(
                        literal(person.name), True, compact=True, id=f"network-{person.id}"
                    )
            yield PickedLine("#staff-ticks", id="staff-picked")

    def on_mount(self) -> None:
        self.query_one("#field-reason").parent.set_class(not self.change, "hidden")  # type: ignore[union-attr]
        self.query_one("#field-follow_up").parent.set_class(self.to_status != DNA, "hidden")  # type: ignore[union-attr]

    def first_field(self) -> Any:
        return self.query_one("#field-reason" if self.change else "#field-follow_up")

    def values(self) -> dict[str, str]:
        values = {name: self.text_of(name) for name in self.FIELDS}
        ticked: dict[str, list[str]] = {"staff": [], "network": []}
        for box in self.query(Checkbox):
            kind, _, person = (box.id or "").partition("-")
            if box.value and kind in ticked:
                ticked[kind].append(person)
        values.update({kind: ",".join(ids) for kind, ids in ticked.items()})
        return values

    def save_values(self, values: Mapping[str, str]) -> str:
        repo: Any = self.app.repo  # type: ignore[attr-defined]
        meeting = self.meeting
        if not self.change:
            repo.record_did_not_attend(
                meeting.id, values["follow_up"], expected_version=meeting.version
            )
        else:
            repo.change_outcome(
                meeting.id,
                str(self.to_status),
                values["reason"],
                follow_up=values["follow_up"] if self.to_status == DNA else None,
                staff_attended=_ids(values["staff"]),
                network_attended=_ids(values["network"]),
                expected_version=meeting.version,
            )
        return str(self.to_status)
