"""The client record's meetings section (``m``): booked meetings to come first (soonest
first), then past ones (newest first), with status, who came and the first line of the
note; the pane gives the meeting in full: who came, every entry of its note with its time
and author, the changes of its recorded outcome (from, to, why, who, when) and the
follow-up after a did-not-attend.

Its keys (the meeting part of issue 12): ``r`` records the selected meeting as happened
(the meeting-record flow: who came, the note, then the next meeting), ``a`` adds to its
note (a new entry; nothing is overwritten), ``o`` changes its recorded outcome (with a
reason; a booked meeting the client missed: did not attend, with the follow-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding

from duty_desk import vocabulary
from duty_desk.timeutil import fmt_local, now
from duty_desk.views import Attendee, ClientRecordView, MeetingDetail, MeetingView
from duty_desk.vocabulary import MeetingStatus

from .board_render import DAY_ABBR, local_time
from .literal import assemble, cell, literal
from .record_section import RecordContext, RecordSection, SectionRow

if TYPE_CHECKING:
    from duty_desk.repository import Repository

    from .booking import Booked
    from .record import RecordScreen

RECORDED = ("happened", "did_not_attend")


def ordered(record: ClientRecordView, ctx: RecordContext) -> list[MeetingView]:
    """Booked meetings from now on, soonest first; then the rest, newest first."""
    ahead = [m for m in record.meetings if m.status == "booked" and m.ends_at >= ctx.now]
    ahead.sort(key=lambda m: (m.starts_at, m.id))
    rest = [m for m in record.meetings if not (m.status == "booked" and m.ends_at >= ctx.now)]
    rest.sort(key=lambda m: (m.starts_at, m.id), reverse=True)
    return ahead + rest


def who_came(meeting: MeetingView, tags: Any) -> str:
    """Staff tags, and network initials' count: ``dut peer +2 network``; a recorded meeting
    lists those who came only."""
    recorded = meeting.status in ("happened", "did_not_attend")
    staff = [a for a in meeting.staff if not recorded or a.attended]
    network = [a for a in meeting.network if not recorded or a.attended]
    words = [tags.get(a.id, a.name) + ("(cover)" if a.cover else "") for a in staff]
    if network:
        words.append(f"+{len(network)} network")
    return " ".join(words) or "-"


def _people(people: tuple[Attendee, ...], recorded: bool, empty: str) -> Text:
    if not people:
        return Text(empty, end="")
    out = Text(end="")
    for index, person in enumerate(people):
        if index:
            out.append(", ")
        out.append_text(literal(person.name))
        if person.cover:
            out.append(" as cover", style="bold")
        if recorded and person.attended is not None:
            out.append(" came" if person.attended else " did not come")
    return out


class MeetingsSection(RecordSection):
    name = "meetings"
    key = "m"
    title = "Meetings"
    COLUMNS = (
        ("when", "When", 18),
        ("status", "Status", 10),
        ("place", "Place", 6),
        ("who", "Who came / expected", 26),
        ("note", "Note", 20),
    )
    EMPTY = "No meetings yet: b books one."
    BINDINGS = [
        Binding(
            "r",
            "record",
            "Happened",
            id="record_meeting_record",
            tooltip="Record the meeting as happened: who came, the note, the next meeting",
        ),
        Binding(
            "a",
            "note",
            "Add to note",
            id="record_meeting_note",
            tooltip="Add to the meeting's note (a new entry with its time and author)",
        ),
        Binding(
            "o",
            "outcome",
            "Outcome",
            id="record_meeting_outcome",
            tooltip="Change the recorded outcome, with a reason (or did not attend)",
        ),
    ]

    def read(self, repo: Repository, record: ClientRecordView) -> dict[int, MeetingDetail]:
        """Each meeting's note entries, outcome changes and follow-up (one query set)."""
        return {d.meeting_id: d for d in repo.meeting_details(record.episode.client_id)}

    def count(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> int:
        return len(record.meetings)  # one row a meeting (``ordered`` keeps them all)

    def rows(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[SectionRow]:
        out: list[SectionRow] = []
        for meeting in ordered(record, ctx):
            cancelled = meeting.status == "cancelled"
            local = local_time(meeting.starts_at, ctx.tz)  # the standard library's: quick
            status = vocabulary.words(vocabulary.MEETING_STATUS_SHORT, meeting.status)
            out.append(
                (
                    str(meeting.id),
                    meeting,
                    {
                        "when": cell(
                            f"{DAY_ABBR[local.weekday()]} {local:%d/%m/%y %H:%M}",
                            "dim" if cancelled else "",
                        ),
                        "status": cell(status, "dim strike" if cancelled else ""),
                        "place": cell(vocabulary.words(vocabulary.PLACE_SHORT, meeting.place_kind)),
                        "who": cell(who_came(meeting, ctx.tags)),
                        "note": cell(_first_line(extra, meeting)),
                    },
                )
            )
        return out

    def detail(self, item: Any, record: ClientRecordView, extra: Any, ctx: RecordContext) -> Text:
        if not isinstance(item, MeetingView):
            return Text(self.EMPTY, end="")
        from duty_desk.timeparse import describe_slot

        recorded = item.status in ("happened", "did_not_attend")
        text = Text(end="")
        text.append(describe_slot(item.starts_at, item.ends_at, ctx.tz), style="bold")
        text.append("  ")
        text.append(vocabulary.words(vocabulary.MEETING_STATUS_SHORT, item.status), style="bold")
        if item.status == "cancelled":
            text.append_text(assemble(": ", literal(item.cancel_reason or "-")))
        text.append("\nPlace: ", style="bold")
        text.append(vocabulary.words(vocabulary.PLACE_SHORT, item.place_kind))
        if item.place_detail:
            text.append_text(assemble(" ", literal(item.place_detail)))
        text.append("\nStaff: ", style="bold")
        text.append_text(_people(item.staff, recorded, "nobody"))
        text.append("\nNetwork: ", style="bold")
        text.append_text(_people(item.network, recorded, "nobody expected"))
        if item.override_reason:
            text.append("\nBooked over warnings: ", style="bold")
            text.append_text(literal(item.override_reason, multiline=True))
        found = (extra or {}).get(item.id)
        if isinstance(found, MeetingDetail):
            _detail_record(text, item, found, ctx)
        elif recorded:
            text.append("\nNote: ", style="bold")
            text.append("none yet (a adds one)")
        return text

    # -- actions (screen: screens.record.RecordScreen) ----------------------------------------
    def _meeting(self, screen: RecordScreen) -> MeetingView | None:
        item = screen.selected(self)
        if not isinstance(item, MeetingView):
            screen.notify("Choose a meeting first.", severity="warning", markup=False)
            return None
        if item.status == "cancelled":
            screen.notify(
                "This meeting was cancelled: nothing to record.", severity="warning", markup=False
            )
            return None
        if item.starts_at > now():
            screen.notify(
                "This meeting has not started yet: record it once it has taken place.",
                severity="warning",
                markup=False,
            )
            return None
        return item

    def action_record(self, screen: RecordScreen) -> None:
        """The meeting-record flow; a did-not-attend is changed with a reason instead."""
        meeting = self._meeting(screen)
        if meeting is None:
            return
        if meeting.status == "did_not_attend":
            self._outcome(screen, meeting, MeetingStatus.happened)
            return
        from .attendance_dialog import record_meeting_flow

        def done(_recorded: Any, booked: Booked | None) -> None:
            if booked is None:
                screen.saved("Recorded as happened; no next meeting booked (b books one)")
            else:
                screen.saved(f"Recorded as happened; next meeting {booked.words}")

        tz = screen.duty_app.config.team.timezone
        screen.when_permitted(lambda: record_meeting_flow(screen, meeting, tz, done))

    def action_note(self, screen: RecordScreen) -> None:
        """Add to the selected meeting's note (recorded meetings only)."""
        meeting = self._meeting(screen)
        if meeting is None:
            return
        if meeting.status not in RECORDED:
            screen.notify(
                "Not recorded yet: r records it as happened, with its note.",
                severity="warning",
                markup=False,
            )
            return
        from .meeting_note_dialog import MeetingNoteDialog

        found = (screen.extra(self) or {}).get(meeting.id)
        notes = found.notes if isinstance(found, MeetingDetail) else ()
        tz = screen.duty_app.config.team.timezone

        def done(note_id: int | None) -> None:
            if note_id is not None:
                screen.saved("Added to the meeting's note")

        screen.when_permitted(
            lambda: screen.app.push_screen(MeetingNoteDialog(meeting, notes, tz), done)
        )

    def action_outcome(self, screen: RecordScreen) -> None:
        """Happened <-> did not attend with a reason; a booked meeting missed: did not attend
        with the follow-up."""
        meeting = self._meeting(screen)
        if meeting is None:
            return
        to = (
            MeetingStatus.happened
            if meeting.status == "did_not_attend"
            else MeetingStatus.did_not_attend
        )
        self._outcome(screen, meeting, to)

    def _outcome(self, screen: RecordScreen, meeting: MeetingView, to: MeetingStatus) -> None:
        from .outcome_dialog import OutcomeDialog

        tz = screen.duty_app.config.team.timezone

        def done(saved: str | None) -> None:
            if saved == "did_not_attend":
                screen.saved("Recorded as did not attend, with the follow-up")
            elif saved:
                screen.saved("Outcome changed to happened")

        screen.when_permitted(lambda: screen.app.push_screen(OutcomeDialog(meeting, to, tz), done))


def _first_line(extra: Any, meeting: MeetingView) -> str:
    """The note's first line for the table (a did-not-attend: its follow-up)."""
    found = (extra or {}).get(meeting.id)
    if not isinstance(found, MeetingDetail):
        return ""
    if meeting.status == "did_not_attend" and found.follow_up:
        return f"DNA: {found.follow_up.splitlines()[0]}"
    if found.notes:
        more = f" (+{len(found.notes) - 1})" if len(found.notes) > 1 else ""
        return found.notes[0].text.splitlines()[0] + more
    return ""


def _detail_record(
    text: Text, meeting: MeetingView, found: MeetingDetail, ctx: RecordContext
) -> None:
    """The note entries (time, author, text), the outcome changes and the follow-up."""
    if meeting.status == "did_not_attend" or found.follow_up:
        text.append("\nFollow-up after did not attend: ", style="bold")
        text.append_text(literal(found.follow_up or "none recorded", multiline=True))
    for change in found.outcomes:
        text.append("\nOutcome changed ", style="bold")
        text.append(fmt_local(change.changed_at, ctx.tz, "day"), style="bold")
        text.append(f" by {change.changed_by}: ", style="bold")
        text.append(vocabulary.MEETING_STATUS_LONG[change.from_status])
        text.append(" -> ")
        text.append(vocabulary.MEETING_STATUS_LONG[change.to_status])
        text.append(". Why: ")
        text.append_text(literal(change.reason, multiline=True))
    if found.notes:
        text.append("\nNote:", style="bold")
        for note in found.notes:
            text.append("\n")
            text.append(fmt_local(note.created_at, ctx.tz, "day"), style="bold")
            text.append(f", {note.created_by}: ", style="bold")
            text.append_text(literal(note.text, multiline=True))
