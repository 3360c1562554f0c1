"""Report ``audit``: the whole audit log, oldest first, instants in the team's zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from .base import Params, Report, local_time

if TYPE_CHECKING:
    from duty_desk.repository import Repository
    from duty_desk.views import AuditEntry

COLUMNS: tuple[str, ...] = (
    "id",
    "at",
    "actor",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
)

# Keys inside an audit entry's before/after that hold instants (stored as UTC text).
_INSTANT_KEYS = frozenset(
    {
        "received_at",
        "respond_by",
        "triage_since",
        "decided_at",
        "accepted_at",
        "discharged_at",
        "created_at",
        "starts_at",
        "ends_at",
    }
)


def _local_values(data: Mapping[str, object] | None, tz: str) -> dict[str, object] | None:
    """An audit before/after mapping with its instants shown in the team's zone."""
    if data is None:
        return None
    out: dict[str, object] = {}
    for key, value in data.items():
        if key in _INSTANT_KEYS and isinstance(value, str):
            try:
                instant = dt.datetime.fromisoformat(value)
            except ValueError:
                instant = None
            if instant is not None and instant.tzinfo is not None:
                value = local_time(instant, tz)
        out[key] = value
    return out


def record(entry: AuditEntry, tz: str) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": local_time(entry.at, tz),
        "actor": entry.actor,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "before": _local_values(entry.before, tz),
        "after": _local_values(entry.after, tz),
    }


def rows(repo: Repository, params: Params) -> Iterator[dict[str, Any]]:
    tz = repo.config.team.timezone
    return (record(e, tz) for e in repo.audit_for_export())


REPORT = Report(
    name="audit",
    noun="audit entry",
    plural="audit entries",
    columns=COLUMNS,
    rows=rows,
    help="""audit: id, at, actor, action, entity, entity_id, before, after
  (before/after are objects in JSON, JSON text in CSV).""",
)
