"""The database tables (SQLModel). Only the repository layer touches these.

Table models do not validate on construction: input is checked by
``duty_desk.validation`` before it gets here. Every datetime column is
aware UTC (SQLModel's UTCDateTime type refuses naive values).
Editable records carry ``version`` (SQLAlchemy's optimistic locking).

The classes live in groups (``duty_desk.tables``); this module is where code names them.
A group is imported the first time one of its names is asked for here, so a start-up
builds only the tables its first screen reads (issue 15). ``metadata`` and
:func:`load_all` give every table, for creating a schema or comparing it with the
migrations.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData
from sqlmodel import SQLModel

from .tables.base import table_of
from .vocabulary import (  # the statuses and kinds live in the vocabulary; re-exported here
    OPEN_STATUSES,
    AbsenceKind,
    CancelledBy,
    ClientStatus,
    Consent,
    DischargeKind,
    MeetingStatus,
    PlaceKind,
    ReferralStatus,
    Role,
)

if TYPE_CHECKING:
    from .tables.care import CrisisPlan, DialogRating, RiskSummary
    from .tables.continuity import ClientContinuity
    from .tables.core_team import CoreTeamMember
    from .tables.dialog_answers import DialogAnswer
    from .tables.dialog_plus import DialogAction, DialogActionReview, DialogTopic
    from .tables.duty import DutyRota, OohHandover
    from .tables.handover import HandoverNote
    from .tables.intake import IntakeLock
    from .tables.meeting_people import MeetingNetwork, MeetingStaff
    from .tables.meetings import Meeting
    from .tables.network import NetworkMember
    from .tables.outcomes import (
        AbsenceDecision,
        Admission,
        MeetingNote,
        MeetingOutcomeChange,
        SatisfactionAnswer,
    )
    from .tables.people import Absence, Client, Referral, SafeguardingFlag, Staff
    from .tables.system import (
        APPEND_ONLY_MESSAGE,
        AUDIT_TRIGGERS_POSTGRESQL,
        AUDIT_TRIGGERS_SQLITE,
        AuditLog,
        Meta,
        audit_trigger_statements,
        change_notify_statements,
    )

    metadata: MetaData

# Each name given here lives in one group of duty_desk/tables/. The order of GROUPS is the
# order load_all() imports them (the order of the tables in ``metadata``). A group holds
# tables a first read needs together: the queue, the board and the day view each build
# only the groups of the tables their first rows are read from (issue 15).
GROUPS: dict[str, tuple[str, ...]] = {
    "people": ("Staff", "Referral", "Client", "Absence", "SafeguardingFlag"),
    "continuity": ("ClientContinuity",),
    "network": ("NetworkMember",),
    "core_team": ("CoreTeamMember",),
    "meetings": ("Meeting",),
    "meeting_people": ("MeetingStaff", "MeetingNetwork"),
    "system": (
        "AuditLog",
        "Meta",
        "APPEND_ONLY_MESSAGE",
        "AUDIT_TRIGGERS_POSTGRESQL",
        "AUDIT_TRIGGERS_SQLITE",
        "audit_trigger_statements",
        "change_notify_statements",
    ),
    "intake": ("IntakeLock",),
    "duty": ("DutyRota", "OohHandover"),
    "handover": ("HandoverNote",),
    "care": ("DialogRating", "CrisisPlan", "RiskSummary"),
    "dialog_answers": ("DialogAnswer",),
    "dialog_plus": ("DialogTopic", "DialogAction", "DialogActionReview"),
    "outcomes": (
        "AbsenceDecision",
        "MeetingNote",
        "MeetingOutcomeChange",
        "Admission",
        "SatisfactionAnswer",
    ),
}
_HOME = {name: group for group, names in GROUPS.items() for name in names}


def load_all() -> MetaData:
    """Import every group; the metadata then holds every table."""
    for group in GROUPS:
        import_module(f"{__package__}.tables.{group}")
    return SQLModel.metadata


def __getattr__(name: str) -> Any:
    """A table (or an audit-log statement) named for the first time: import its group."""
    if name == "metadata":
        return load_all()
    group = _HOME.get(name)
    if group is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__package__}.tables.{group}"), name)
    globals()[name] = value  # from now on a plain attribute of this module
    return value


__all__ = [
    "APPEND_ONLY_MESSAGE",
    "AUDIT_TRIGGERS_POSTGRESQL",
    "AUDIT_TRIGGERS_SQLITE",
    "GROUPS",
    "OPEN_STATUSES",
    "Absence",
    "AbsenceDecision",
    "AbsenceKind",
    "Admission",
    "AuditLog",
    "CancelledBy",
    "Client",
    "ClientContinuity",
    "ClientStatus",
    "Consent",
    "CoreTeamMember",
    "CrisisPlan",
    "DialogAction",
    "DialogActionReview",
    "DialogAnswer",
    "DialogRating",
    "DialogTopic",
    "DischargeKind",
    "DutyRota",
    "HandoverNote",
    "IntakeLock",
    "Meeting",
    "MeetingNetwork",
    "MeetingNote",
    "MeetingOutcomeChange",
    "MeetingStaff",
    "MeetingStatus",
    "Meta",
    "NetworkMember",
    "OohHandover",
    "PlaceKind",
    "Referral",
    "ReferralStatus",
    "RiskSummary",
    "Role",
    "SafeguardingFlag",
    "SatisfactionAnswer",
    "Staff",
    "audit_trigger_statements",
    "change_notify_statements",
    "load_all",
    "metadata",
    "table_of",
]
