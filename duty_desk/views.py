"""Plain, immutable objects the repository hands out: what the screens and CLI see.

They never hold a database session, so they can cross threads and outlive
the unit of work that read them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StaffView:
    id: int
    login: str
    name: str
    role: str
    active: bool


@dataclass(frozen=True)
class NetworkMemberView:
    id: int
    name: str
    relationship: str
    phone: str


@dataclass(frozen=True)
class ReferralView:
    id: int
    name: str
    date_of_birth: dt.date
    nhs_number: str | None
    phone: str
    area: str
    gp_practice: str
    source: str
    urgency: str
    reason: str
    notes: str
    received_at: dt.datetime
    respond_by: dt.datetime
    status: str
    triage_by: str | None  # login
    triage_by_name: str | None
    triage_since: dt.datetime | None
    onward: str | None
    decision_reason: str | None
    eligibility_override: str | None
    decided_by: str | None  # login
    decided_at: dt.datetime | None
    version: int
    network: tuple[NetworkMemberView, ...] = field(default=())

    @property
    def is_open(self) -> bool:
        return self.status in ("new", "triaging")


@dataclass(frozen=True)
class AreaIntake:
    area: str
    name: str
    cap: int
    taken: int
    week_start: dt.date  # local Monday

    @property
    def places_left(self) -> int:
        return max(self.cap - self.taken, 0)

    def label(self) -> str:
        week = f"{self.week_start.day} {self.week_start.strftime('%b')}"
        places = "place" if self.cap == 1 else "places"
        return f"{self.name}: {self.places_left} of {self.cap} {places} left this week (w/c {week})"

    def short_label(self) -> str:
        return f"{self.name} {self.places_left}/{self.cap} left"


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: int
    before: dict[str, object] | None
    after: dict[str, object] | None

    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field the entry touched."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(key, before.get(key), after.get(key)) for key in keys]

    @staticmethod
    def decode(raw: str | None) -> dict[str, object] | None:
        return json.loads(raw) if raw else None
