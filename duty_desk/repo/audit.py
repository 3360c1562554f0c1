"""The audit log, read back: one record's history, and the whole log for export.
(Entries are written by ``Context.audit`` in the same transaction as each change.)"""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import col, select

from duty_desk import timeutil
from duty_desk.models import AuditLog
from duty_desk.views import AuditEntry

from .base import Aggregate


def entry(row: AuditLog) -> AuditEntry:
    return AuditEntry(
        id=row.id or 0,
        at=timeutil.as_utc(row.at),
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        before=AuditEntry.decode(row.before),
        after=AuditEntry.decode(row.after),
    )


class AuditRepository(Aggregate):
    def history(self, entity: str, entity_id: int) -> list[AuditEntry]:
        with self.ctx.unit() as session:
            rows = session.exec(
                select(AuditLog)
                .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
                .order_by(col(AuditLog.id))
            ).all()
            return [entry(row) for row in rows]

    def audit_for_export(self) -> Iterator[AuditEntry]:
        with self.ctx.unit() as session:
            for row in session.exec(select(AuditLog).order_by(col(AuditLog.id))):
                yield entry(row)
