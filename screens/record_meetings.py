"""The client record's meetings section (``m``): booked meetings to come first (soonest
first), then past ones (newest first), with status and who came; read only.

Recording a meeting, its notes and changing an outcome are the meeting part's (issue 12).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from duty_desk import timeutil, vocabulary
from duty_desk.views import Attendee, ClientRecordView, MeetingView

from .literal import assemble, cell, literal
from .record_section import RecordContext, RecordSection, SectionRow


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
        ("when", "When", 16),
        ("status", "Status", 10),
        ("place", "Place", 6),
        ("who", "Who came / expected", 26),
    )
    EMPTY = "No meetings yet: b books one."

    def rows(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[SectionRow]:
        out: list[SectionRow] = []
        for meeting in ordered(record, ctx):
            cancelled = meeting.status == "cancelled"
            local = timeutil.to_local(meeting.starts_at, ctx.tz)
            status = vocabulary.words(vocabulary.MEETING_STATUS_SHORT, meeting.status)
            out.append(
                (
                    str(meeting.id),
                    meeting,
                    {
                        "when": cell(
                            local.format("ddd DD/MM/YY HH:mm"), "dim" if cancelled else ""
                        ),
                        "status": cell(status, "dim strike" if cancelled else ""),
                        "place": cell(vocabulary.words(vocabulary.PLACE_SHORT, meeting.place_kind)),
                        "who": cell(who_came(meeting, ctx.tags)),
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
        return text
