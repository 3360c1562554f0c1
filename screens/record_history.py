"""The client record's history section (``h``): the audit log of the client, its
referral, its meetings, its network members and its handover notes, newest first; read
only. The pane shows the selected entry's changes field by field."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from duty_desk.views import AuditEntry, ClientRecordView

from .board_render import local_time
from .literal import cell
from .record_section import RecordContext, RecordSection, SectionRow
from .render import history_text

ENTITY_WORDS = {
    "client": "client",
    "referral": "referral",
    "meeting": "meeting",
    "network_member": "network",
    "handover_note": "note",
    "satisfaction_answer": "FFT",  # issue 14 (fft): the Friends and Family Test
    "dialog_rating": "DIALOG",  # issue 13: ratings, the DIALOG+ items and actions
    "dialog_topic": "DIALOG+",
    "dialog_action": "action",
}


class HistorySection(RecordSection):
    name = "history"
    key = "h"
    title = "History"
    COLUMNS = (
        ("when", "When", 16),
        ("who", "Who", 12),
        ("of", "Of", 10),
        ("what", "What", 30),
    )
    EMPTY = "No history recorded."

    def count(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> int:
        return len(record.history)  # one row an entry

    def rows(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[SectionRow]:
        meetings = {meeting.id: meeting.starts_at for meeting in record.meetings}

        def of(entry: AuditEntry) -> str:
            """What the entry is about; a meeting by its day (``mtg 25/11``)."""
            if entry.entity == "meeting" and entry.entity_id in meetings:
                return f"mtg {local_time(meetings[entry.entity_id], ctx.tz):%d/%m}"
            return ENTITY_WORDS.get(entry.entity, entry.entity.replace("_", " "))

        return [
            (
                str(entry.id),
                entry,
                {
                    "when": cell(f"{local_time(entry.at, ctx.tz):%d/%m/%y %H:%M}"),
                    "who": cell(entry.actor),
                    "of": cell(of(entry)),
                    "what": cell(entry.action),
                },
            )
            for entry in reversed(record.history)
        ]

    def detail(self, item: Any, record: ClientRecordView, extra: Any, ctx: RecordContext) -> Text:
        if not isinstance(item, AuditEntry):
            return Text(self.EMPTY, end="")
        logins = {staff_id: member.login for staff_id, member in ctx.staff.items()}
        return history_text([item], ctx.config, logins)
