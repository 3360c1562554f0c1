"""The audit log's hash chain, and the checks that it and the append-only triggers hold.

Each audit row stores ``hash = sha256(previous row's hash + canonical form of this row)``
(the first row follows :data:`GENESIS`), written in the same transaction as the row by
:func:`append`, the one writer every audit row goes through. Changing, inserting or
deleting a row anywhere but at the very end breaks the chain at that row, so ``check``
and restore detect tampering, not only the triggers that prevent it.

The canonical form (:func:`canonical`) is the same on SQLite and PostgreSQL: the row's
fields as one JSON array with the instant as ISO text in UTC to the microsecond and the
before/after details re-serialised with sorted keys.

Appending reads the chain's head (one ``ORDER BY id DESC LIMIT 1`` on the primary key)
inside the writing transaction: SQLite's ``BEGIN IMMEDIATE`` already serialises writers;
on PostgreSQL :func:`lock` takes a transaction-level advisory lock first, and the new ids
are drawn under it, so ids and the chain grow in the same order.

Verification returns data (row id and kind); sentences are made by the caller.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, text

from .models import AuditLog, audit_trigger_statements, change_notify_statements, table_of

GENESIS = "0" * 64  # what the first row's hash follows
CHAIN_LOCK = 0x64757479_6C6F67  # pg_advisory_xact_lock key ("dutylog"), one per database
FIELDS = ("id", "at", "actor", "action", "entity", "entity_id", "before", "after")
HEAD = "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1"
AnyConnection = Connection | sqlite3.Connection  # SQLAlchemy's, or sqlite3's on a file

# -- the canonical form ------------------------------------------------------------------------


def instant_text(value: object) -> str:
    """An audit instant as ISO text in UTC to the microsecond (naive values are UTC, as
    SQLite stores them)."""
    if isinstance(value, dt.datetime):
        instant = value
    else:
        instant = dt.datetime.fromisoformat(str(value))
    if instant.utcoffset() is None:
        instant = instant.replace(tzinfo=dt.UTC)
    utc = instant.astimezone(dt.UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T{utc.hour:02d}:{utc.minute:02d}:"
        f"{utc.second:02d}.{utc.microsecond:06d}Z"
    )


def _detail(value: object) -> object:
    """A before/after column: its JSON with sorted keys (text that is not JSON, as text)."""
    if value is None:
        return None
    try:
        return json.loads(str(value))
    except ValueError:
        return str(value)


def canonical(row: Mapping[str, Any]) -> bytes:
    """One audit row's fields, serialised the same way on every database."""
    fields = [
        int(row["id"]),
        instant_text(row["at"]),
        row["actor"],
        row["action"],
        row["entity"],
        int(row["entity_id"]),
        _detail(row["before"]),
        _detail(row["after"]),
    ]
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def link(previous: str, row: Mapping[str, Any]) -> str:
    """The hash of ``row`` following the row whose hash is ``previous``."""
    return hashlib.sha256(previous.encode("ascii") + canonical(row)).hexdigest()


# -- appending -------------------------------------------------------------------------------------


def lock(connection: Connection) -> None:
    """Serialise appends to the chain until the transaction ends (PostgreSQL; on SQLite a
    writing transaction already holds the only write lock)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})


def _new_ids(connection: Connection, last_id: int, count: int) -> list[int]:
    if connection.dialect.name != "postgresql":
        return list(range(last_id + 1, last_id + 1 + count))
    draw = text(
        "SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) FROM generate_series(1, :n)"
    )
    ids = sorted(int(i) for i in connection.execute(draw, {"n": count}).scalars())
    if ids[0] <= last_id:  # the sequence was set back (a reload): move it past the head
        connection.execute(
            text("SELECT setval(pg_get_serial_sequence('audit_log', 'id'), :last)"),
            {"last": last_id},
        )
        ids = sorted(int(i) for i in connection.execute(draw, {"n": count}).scalars())
    return ids


def append(connection: AnyConnection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert audit rows (``at``, ``actor``, ``action``, ``entity``, ``entity_id``,
    ``before``, ``after``) at the end of the chain, in order, in the caller's transaction.

    ``connection`` is SQLAlchemy's, or a plain sqlite3 connection inside a writing
    transaction (for maintenance that works on files, such as restore).
    """
    if not rows:
        return
    if isinstance(connection, sqlite3.Connection):
        _append_sqlite3(connection, rows)
        return
    lock(connection)
    head = connection.execute(text(HEAD)).first()
    last_id, previous = (int(head[0]), str(head[1])) if head is not None else (0, GENESIS)
    chained = []
    for new_id, row in zip(_new_ids(connection, last_id, len(rows)), rows, strict=True):
        full = {**row, "id": new_id}
        previous = full["hash"] = link(previous, full)
        chained.append(full)
    connection.execute(insert(table_of(AuditLog)), chained)


def _append_sqlite3(connection: sqlite3.Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    head = connection.execute(HEAD).fetchone()
    last_id, previous = (int(head[0]), str(head[1])) if head is not None else (0, GENESIS)
    chained = []
    for new_id, row in enumerate(rows, start=last_id + 1):
        full = {**row, "id": new_id}
        previous = link(previous, full)
        # As SQLAlchemy stores an instant in SQLite: UTC text, no offset.
        at = instant_text(full["at"]).replace("T", " ").removesuffix("Z")
        stored = {**full, "at": at, "hash": previous}
        chained.append(tuple(stored[name] for name in (*FIELDS, "hash")))
    columns = ", ".join((*FIELDS, "hash"))
    marks = ", ".join("?" * (len(FIELDS) + 1))
    connection.executemany(f"INSERT INTO audit_log ({columns}) VALUES ({marks})", chained)


# -- checking ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    """An audit row the chain does not vouch for.

    ``kind``: ``changed`` (its hash does not match its fields and the row before),
    ``gap`` (the same, with ids missing just before it: rows deleted), ``no_hash``.
    """

    row_id: int
    kind: str


@dataclass(frozen=True)
class TriggerProblem:
    """An audit trigger that is ``missing``, ``altered`` or ``disabled`` (PostgreSQL)."""

    name: str
    kind: str


def _dialect(connection: AnyConnection) -> str:
    return "sqlite" if isinstance(connection, sqlite3.Connection) else connection.dialect.name


def _rows(connection: AnyConnection, sql: str) -> Iterator[Sequence[Any]]:
    if isinstance(connection, sqlite3.Connection):
        yield from connection.execute(sql)
    else:
        yield from connection.exec_driver_sql(sql)


def chain_problems(connection: AnyConnection) -> list[ChainProblem]:
    """Every audit row whose stored hash does not follow from its fields and the stored
    hash of the row before it, first to last."""
    problems = []
    previous, previous_id = GENESIS, 0
    columns = f"{', '.join(FIELDS)}, hash"
    for values in _rows(connection, f"SELECT {columns} FROM audit_log ORDER BY id"):
        row = dict(zip((*FIELDS, "hash"), values, strict=True))
        row_id = int(row["id"])
        stored = row["hash"]
        if stored is None:
            problems.append(ChainProblem(row_id, "no_hash"))
        elif link(previous, row) != stored:
            gap = row_id != previous_id + 1 and _dialect(connection) == "sqlite"
            problems.append(ChainProblem(row_id, "gap" if gap else "changed"))
        previous, previous_id = str(stored), row_id
    return problems


def _normal(sql: str) -> str:
    return " ".join(sql.replace("IF NOT EXISTS ", "").split())


def expected_triggers(dialect: str) -> dict[str, str]:
    """Trigger name -> the statement that makes it, for ``dialect``."""
    statements = audit_trigger_statements(dialect) + change_notify_statements(dialect)
    found = {}
    for statement in statements:
        words = _normal(statement).split()
        if words[:2] == ["CREATE", "TRIGGER"]:
            found[words[2]] = statement
    return found


def trigger_problems(connection: AnyConnection) -> list[TriggerProblem]:
    """Each expected audit trigger that is missing, not what duty-desk made, or disabled."""
    dialect = _dialect(connection)
    expected = expected_triggers(dialect)
    problems = []
    if dialect == "sqlite":
        found = {
            str(name): str(sql)
            for name, sql in _rows(
                connection,
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_log'",
            )
        }
        for name, statement in expected.items():
            if name not in found:
                problems.append(TriggerProblem(name, "missing"))
            elif _normal(found[name]) != _normal(statement):
                problems.append(TriggerProblem(name, "altered"))
    elif dialect == "postgresql":
        found = {
            str(name): str(enabled)
            for name, enabled in _rows(
                connection,
                "SELECT tgname, tgenabled FROM pg_trigger "
                "WHERE tgrelid = to_regclass('audit_log') AND NOT tgisinternal",
            )
        }
        for name in expected:
            if name not in found:
                problems.append(TriggerProblem(name, "missing"))
            elif found[name] == "D":
                problems.append(TriggerProblem(name, "disabled"))
        refuses = list(
            _rows(
                connection,
                "SELECT prosrc FROM pg_proc WHERE proname = 'audit_log_append_only'",
            )
        )
        if not refuses or "RAISE EXCEPTION" not in str(refuses[0][0]).upper():
            problems.append(TriggerProblem("audit_log_append_only", "altered"))
    return problems


def backfill(connection: Connection, batch: int = 5000) -> int:
    """Write the chain over every row (the migration that adds the column runs this with
    the append-only triggers dropped), a batch at a time. Returns how many rows it wrote."""
    previous, last_id, written = GENESIS, 0, 0
    page = text(f"SELECT {', '.join(FIELDS)} FROM audit_log WHERE id > :last ORDER BY id LIMIT :n")
    while True:
        found = connection.execute(page, {"last": last_id, "n": batch}).all()
        if not found:
            return written
        updates = []
        for values in found:
            row = dict(zip(FIELDS, values, strict=True))
            previous = link(previous, row)
            updates.append({"h": previous, "i": row["id"]})
        connection.execute(text("UPDATE audit_log SET hash = :h WHERE id = :i"), updates)
        last_id, written = int(found[-1][0]), written + len(found)


__all__ = [
    "CHAIN_LOCK",
    "GENESIS",
    "ChainProblem",
    "TriggerProblem",
    "append",
    "backfill",
    "canonical",
    "chain_problems",
    "expected_triggers",
    "link",
    "lock",
    "trigger_problems",
]
