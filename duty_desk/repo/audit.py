"""The audit log, read back: one record's history, and the whole log for export.
(Entries are written by ``Context.audit`` in the same transaction as each change.)

The audit table is named inside each read: the screens' list reads import this module
(for :func:`entry`) and need not build it (issue 15)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sqlmodel import col, select

from duty_desk import timeutil
from duty_desk.views import AuditEntry

from .base import Aggregate

if TYPE_CHECKING:
    from duty_desk.models import AuditLog


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
        from duty_desk.models import AuditLog

        with self.ctx.unit() as session:
            rows = session.exec(
                select(AuditLog)
                .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
                .order_by(col(AuditLog.id))
            ).all()
            return [entry(row) for row in rows]

    def audit_for_export(self) -> Iterator[AuditEntry]:
        from duty_desk.models import AuditLog

        with self.ctx.unit() as session:
            for row in session.exec(select(AuditLog).order_by(col(AuditLog.id))):
                yield entry(row)
