"""Choosing who covers one meeting for an absent colleague: the suggested cover first
(the rest of the core team, then those with most room), then every other active staff
member. Anyone away during the meeting is listed as away and cannot be picked. Dismisses
with the chosen staff id, None on escape."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from duty_desk import scheduling
from duty_desk.views import AbsenceView, MeetingView, StaffLoad, StaffView

from .closing import DialogFooter
from .flag_marker import marker
from .literal import assemble, literal


def away_during(
    staff_id: int, meeting: MeetingView, absences: Sequence[AbsenceView], tz: str
) -> AbsenceView | None:
    """The absence of ``staff_id`` that overlaps the meeting, if any."""
    for absence in absences:
        if absence.staff_id != staff_id:
            continue
        start, end = scheduling.absence_span(
            absence.starts_on, absence.ends_on, absence.starts_time, absence.ends_time, tz
        )
        if scheduling.overlaps(meeting.starts_at, meeting.ends_at, start, end):
            return absence
    return None


class CoverPicker(ModalScreen[int]):
    """Pick one staff member as cover (``enter``); ``escape`` closes without a choice."""

    CSS_PATH = "forms.tcss"
    DEFAULT_CSS = """
    CoverPicker { align: center middle; }
    CoverPicker #cover-list { height: auto; max-height: 14; border: none; padding: 0; }
    CoverPicker #cover-list > .option-list--option-highlighted { text-style: bold reverse; }
    """
    BINDINGS = [
        Binding("enter", "pick", "Pick", id="cover_pick", priority=True),
        Binding("escape", "cancel", "Cancel", id="cover_cancel"),
    ]
    """
    | key                | id           | action                         |
    |--------------------|--------------|--------------------------------|
    | up/down home/end   | (OptionList) | move                           |
    | enter              | cover_pick   | this person covers the meeting |
    | escape             | cover_cancel | close, nobody chosen           |
    """

    def __init__(
        self,
        meeting: MeetingView,
        absent: StaffView | None,
        suggested: Sequence[StaffLoad],
        staff: Sequence[StaffView],
        absences: Sequence[AbsenceView],
        tags: Mapping[int, str],
        tz: str,
    ) -> None:
        super().__init__()
        self.meeting = meeting
        self.absent = absent
        self.suggested = list(suggested)
        self.staff = [s for s in staff if s.active]
        self.absences = list(absences)
        self.tags = dict(tags)
        self.tz = tz

    def options(self) -> list[Option]:
        expected = {a.id for a in self.meeting.staff}
        first = [load.staff.id for load in self.suggested]
        by_id = {s.id: s for s in self.staff}
        order = [i for i in first if i in by_id] + [
            s.id for s in sorted(self.staff, key=lambda s: s.name.casefold()) if s.id not in first
        ]
        out: list[Option] = []
        late: list[Option] = []  # those who cannot cover, last
        rooms = {load.staff.id: load.room for load in self.suggested}
        for staff_id in order:
            member = by_id[staff_id]
            if self.absent is not None and staff_id == self.absent.id:
                continue
            prompt = assemble(
                literal(f"{self.tags.get(staff_id, '?'):<4}", "bold"), " ", literal(member.name)
            )
            disabled = False
            away = away_during(staff_id, self.meeting, self.absences, self.tz)
            if staff_id in expected:
                prompt.append("  already at this meeting")
                disabled = True
            elif away is not None:
                prompt.append(f"  AWAY ({away.kind}): cannot cover", style="bold")
                disabled = True
            elif staff_id in rooms:
                prompt.append(f"  suggested, room {rooms[staff_id]}")
            (late if disabled else out).append(Option(prompt, id=str(staff_id), disabled=disabled))
        return out + late

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text("Who covers this meeting?", style="bold"), id="form-title")
            when = self.meeting.starts_at
            from duty_desk.timeparse import describe_slot

            intro = assemble(
                literal(self.meeting.client_name, "bold"),
                "  ",
                marker(self.meeting.safeguarding, self.app.config),  # type: ignore[attr-defined]
                "  " if self.meeting.safeguarding else "",
                describe_slot(when, self.meeting.ends_at, self.tz),
            )
            if self.absent is not None:
                intro.append_text(assemble("\nCover for ", literal(self.absent.name), " (away)."))
            intro.append(" Suggested first; enter picks, escape closes.")
            yield Static(intro, id="intro")
            yield OptionList(*self.options(), id="cover-list")
        yield DialogFooter()

    def on_mount(self) -> None:
        self.query_one("#cover-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#cover-list")
    def picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_pick(self) -> None:
        listing = self.query_one("#cover-list", OptionList)
        index = listing.highlighted
        if index is None:
            return
        option = listing.get_option_at_index(index)
        if option.id is not None and not option.disabled:
            self.dismiss(int(option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
