"""Schema migrations: which revision a database is at, and bringing it up to date.

The migrations are Alembic scripts shipped in ``duty_desk/migrations``
(batch mode, so SQLite's limited ALTER TABLE is never a problem). A new
database is created from the models and stamped with the newest revision;
``duty-desk upgrade`` backs the file up, then applies what is missing in one
transaction. Databases made before Alembic was adopted (schema 1, no
``alembic_version`` table) are recognised by their ``schema_version`` and
stamped at revision 0001 first.

A revision that changes the tables also sets ``duty_desk_meta.schema_version``, the
number the app checks when it opens a database (see ``duty_desk.db.SCHEMA_VERSION``);
0003 adds only PostgreSQL's change-notify trigger and leaves it at 2, so SQLite files
need no upgrade and their backups still restore.
0004 adds the audit log's hash chain (schema 3): every database needs one upgrade, and a
backup made before it is upgraded (``duty-desk --db BACKUP upgrade``) before it restores.
0005-0008 (schema 4, issue 11) add, in order: the reasons and reversals of triage decisions
and a late first meeting's reason (0005); a referral's address, postcode, referrer, language
and interpreter (0006); handover notes, the duty rota and out-of-hours handovers (0007);
part-day absences, cover at meetings and the absence worklist's decisions (0008).
Issue 12 (schema 5) adds a staff member's work phone (0009, the client record); the other
parts of issue 12 add theirs beside it, chained when merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from . import timeutil
from .db import Database
from .errors import DutyDeskError

LEGACY_REVISIONS = {"1": "0001"}  # schema_version -> revision, for files from before Alembic


class MigrationError(DutyDeskError):
    """A database that cannot be upgraded; one plain sentence."""


def _config(connection: Connection | None = None) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", "duty_desk:migrations")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(connection: Connection) -> str | None:
    """The database's revision (legacy files: from their schema_version), None if unknown."""
    revision = MigrationContext.configure(connection).get_current_revision()
    if revision is not None:
        return revision
    try:
        version = connection.execute(
            text("SELECT value FROM duty_desk_meta WHERE key = 'schema_version'")
        ).scalar()
    except Exception:  # no meta table: not ours, or empty
        return None
    return LEGACY_REVISIONS.get(str(version)) if version is not None else None


def stamp_head(connection: Connection) -> None:
    """Record that a database just created from the models is at the newest revision."""
    MigrationContext.configure(connection).stamp(ScriptDirectory.from_config(_config()), "head")


@dataclass(frozen=True)
class Upgraded:
    before: str | None
    after: str
    backup: Path | None


def upgrade(db: Database) -> Upgraded:
    """Back up (SQLite), then apply every missing migration in one transaction."""
    from .maintenance import backup

    with db.engine.connect() as connection:
        before = current(connection)
    target = head()
    if before == target:
        return Upgraded(before, target, None)
    known = {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}
    if before is None or before not in known:
        raise MigrationError(
            f"{db.describe()} is not at a revision this duty-desk knows "
            f"({before or 'none'}): a newer duty-desk made it, or it is not a duty-desk "
            "database; nothing was changed"
        )
    saved = None
    path = db.sqlite_path
    if path is not None:
        stamp = timeutil.now().format("YYYYMMDD-HHmmss")
        saved = path.with_name(f"{path.name}.before-upgrade-{stamp}")
        backup(db, saved)
    with db.engine.connect() as connection:
        raw = connection.connection.driver_connection if db.is_sqlite else None
        if raw is not None:
            # Batch migrations copy tables; foreign keys are checked once at the end instead.
            # (Outside any transaction, where SQLite honours this pragma.)
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                legacy = MigrationContext.configure(connection).get_current_revision() is None
                if legacy and before is not None:
                    MigrationContext.configure(connection).stamp(
                        ScriptDirectory.from_config(_config()), before
                    )
                command.upgrade(_config(connection), "head")
                if db.is_sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise MigrationError(
                            f"{len(broken)} broken references after upgrading; nothing was changed"
                        )
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")
    return Upgraded(before, target, saved)
