"""The client record's network section (``n``): the people the client chose, read only.

Name, relationship and phone, and how many recorded meetings each came to. Adding,
editing and removing members (with consent) is the network part's (issue 12)."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from duty_desk.views import ClientRecordView, NetworkMemberView

from .literal import cell, literal
from .record_section import RecordContext, RecordSection, SectionRow


def came_to(record: ClientRecordView, member_id: int) -> tuple[int, int]:
    """(meetings recorded that the member came to, meetings they were expected at)."""
    came = expected = 0
    for meeting in record.meetings:
        for person in meeting.network:
            if person.id == member_id:
                expected += 1
                came += person.attended is True
    return came, expected


class NetworkSection(RecordSection):
    name = "network"
    key = "n"
    title = "Network"
    COLUMNS = (
        ("name", "Name", 24),
        ("relationship", "Relationship", 16),
        ("phone", "Phone", 16),
    )
    EMPTY = "No network members recorded."

    def rows(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[SectionRow]:
        return [
            (
                str(member.id),
                member,
                {
                    "name": cell(member.name),
                    "relationship": cell(member.relationship or "-"),
                    "phone": cell(member.phone or "-"),
                },
            )
            for member in record.network
        ]

    def detail(self, item: Any, record: ClientRecordView, extra: Any, ctx: RecordContext) -> Text:
        if not isinstance(item, NetworkMemberView):
            return Text(self.EMPTY, end="")
        text = Text(end="")
        text.append_text(literal(item.name, "bold"))
        text.append("\nRelationship: ", style="bold")
        text.append_text(literal(item.relationship or "not recorded"))
        text.append("\nPhone: ", style="bold")
        text.append_text(literal(item.phone or "not recorded"))
        came, expected = came_to(record, item.id)
        text.append("\nMeetings: ", style="bold")
        text.append(f"came to {came} of {expected} they were expected at")
        return text
