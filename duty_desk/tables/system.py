"""The database's own tables: the append-only audit log (with its triggers) and the meta facts.

One group of the tables behind ``duty_desk.models``, imported when one of them is first
named there."""

import datetime as dt

from sqlalchemy import Column, Connection, Index, Text, event
from sqlmodel import Field

from duty_desk.changes import CHANGES_CHANNEL

from .base import TableModel, table_of


class AuditLog(TableModel, table=True):
    """Who changed what, when: written in the same transaction as the change, each row
    chained to the one before by its hash (written by ``duty_desk.audit_chain.append``)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=30)
    entity_id: int
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # sha256 of the previous row's hash and this row's fields (duty_desk.audit_chain)
    hash: str = Field(max_length=64)


class Meta(TableModel, table=True):
    """Facts about the database itself (schema version, what created it)."""

    __tablename__ = "duty_desk_meta"
    key: str = Field(primary_key=True, max_length=40)
    value: str = Field(max_length=200)


# -- the audit log is append-only, in the database itself -----------------------------------
# Triggers refuse UPDATE and DELETE on audit_log, whoever connects (a script, the sqlite3
# shell, a bug). Installed with the table; migrations use the same statements.
APPEND_ONLY_MESSAGE = "the audit log is append-only"
AUDIT_TRIGGERS_SQLITE = tuple(
    f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    for verb in ("UPDATE", "DELETE")
)
AUDIT_TRIGGERS_POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)


# -- every audit row announces itself (PostgreSQL) ------------------------------------------
# The app's change feed (duty_desk.changes) LISTENs on this channel: the payload is the new
# audit row's id (never the row: a payload must stay under 8000 bytes and names stay out).
CHANGE_NOTIFY_POSTGRESQL = (
    "CREATE OR REPLACE FUNCTION audit_log_notify() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN PERFORM pg_notify('{CHANGES_CHANNEL}', NEW.id::text); RETURN NULL; END $$",
    "CREATE TRIGGER audit_log_notify AFTER INSERT ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_notify()",
)


def change_notify_statements(dialect: str) -> tuple[str, ...]:
    """The statements that make each new audit row NOTIFY its id (PostgreSQL only)."""
    return CHANGE_NOTIFY_POSTGRESQL if dialect == "postgresql" else ()


def audit_trigger_statements(dialect: str) -> tuple[str, ...]:
    """The statements that make audit_log append-only on ``dialect`` (none where unknown)."""
    if dialect == "sqlite":
        return AUDIT_TRIGGERS_SQLITE
    if dialect == "postgresql":
        return AUDIT_TRIGGERS_POSTGRESQL
    return ()


@event.listens_for(table_of(AuditLog), "after_create")
def _install_audit_triggers(target: object, connection: Connection, **_kw: object) -> None:
    dialect = connection.dialect.name
    for statement in audit_trigger_statements(dialect) + change_notify_statements(dialect):
        connection.exec_driver_sql(statement)
