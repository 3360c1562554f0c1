"""The client record's history section (``h``): the audit log of the client, its
referral, its meetings, its network members and its handover notes, newest first; read
only. The pane shows the selected entry's changes field by field."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from duty_desk import timeutil
from duty_desk.views import AuditEntry, ClientRecordView

from .literal import cell
from .record_section import RecordContext, RecordSection, SectionRow
from .render import history_text

ENTITY_WORDS = {
    "client": "client",
    "referral": "referral",
    "meeting": "meeting",
    "network_member": "network",
    "handover_note": "note",
}


class HistorySection(RecordSection):
    name = "history"
    key = "h"
    title = "History"
    COLUMNS = (
        ("when", "When", 16),
        ("who", "Who", 10),
        ("of", "Of", 8),
        ("what", "What", 30),
    )
    EMPTY = "No history recorded."

    def rows(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[SectionRow]:
        return [
            (
                str(entry.id),
                entry,
                {
                    "when": cell(timeutil.to_local(entry.at, ctx.tz).format("DD/MM/YY HH:mm")),
                    "who": cell(entry.actor),
                    "of": cell(ENTITY_WORDS.get(entry.entity, entry.entity.replace("_", " "))),
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
