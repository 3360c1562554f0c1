"""The database: where it is, how the engine is built, sessions, and change detection.

Nothing here runs at import. :func:`open_database` builds the engine.

SQLite (the default, one file on the team server) is set up for several
processes at once: WAL, a busy timeout, foreign keys, ``synchronous=FULL``
by default, and the driver's own transaction handling switched off so that
each transaction's BEGIN is ours: ``BEGIN IMMEDIATE`` for units of work that
read and then write (``session(write=True)``), a plain deferred ``BEGIN``
for reads. Writers therefore queue on the busy timeout instead of failing
part-way. Other servers (PostgreSQL) take row locks where the core asks.

Each SQLite connection keeps a page cache of at most :data:`CACHE_KIB` (SQLite's default
is 2 MiB): the file is in the operating system's cache anyway, and the app's reads took
no longer with the smaller one (issue 15, peak memory: about 1.6 MiB less).
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError
from sqlmodel import Session

from .config import ENV_DB, Config, DatabaseSettings
from .folders import TEAM_DIR_MODE, private_dir

if TYPE_CHECKING:
    from .changes import ChangeFeed

SCHEMA_VERSION = "7"
APP_ID = "duty-desk"
# duty_desk_meta key: a random identity given to each database when it is created, so
# that a backup of another database is recognised (``duty-desk restore``).
DATABASE_ID = "database_id"
IMMEDIATE = "duty_desk_immediate"
# duty_desk_meta key (issue 12, safety): when this database began to hold crisis plans (an
# ISO UTC instant: its creation, or the upgrade to schema 5). An episode accepted before
# then is not listed as "plan missing" on the board: its plan may be on paper.
CRISIS_PLANS_SINCE = "crisis_plans_since"
META_TABLE = "duty_desk_meta"  # models.Meta's table, read by check_schema without the models
# Each connection's page cache in KiB (``PRAGMA cache_size = -N``): see the module docstring.
# Measured at bench scale (100,000 referrals): the board, queue, day and record reads took
# the same CPU time with 512 KiB as with SQLite's default 2,000.
CACHE_KIB = 512


def new_database_id() -> str:
    return uuid.uuid4().hex


class DatabaseError(Exception):
    """A database that cannot be used; the message is one plain sentence."""


def default_database_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path("duty-desk") / "duty-desk.db"


def demo_database_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path("duty-desk") / "demo.db"


def resolve_url(explicit: str | None, config: Config) -> URL:
    """``--db``, else ``DUTY_DESK_DB``, else ``[database] url``, else the per-user default.

    Each may be a file path or an SQLAlchemy URL.
    """
    raw = explicit or os.environ.get(ENV_DB) or config.database.url
    if not raw:
        return sqlite_url(default_database_path())
    if "://" in raw:
        try:
            return make_url(raw)
        except (ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
            raise DatabaseError(f"{raw!r} is not a database URL or file path") from None
    return sqlite_url(Path(raw).expanduser().resolve())


def sqlite_url(path: Path) -> URL:
    """The URL of the SQLite file ``path``, exactly that file: built from its parts, never
    parsed from text, so "#", "?", "%" or a space in the path stay part of the name."""
    return URL.create("sqlite", database=str(path))


@dataclass
class Database:
    engine: Engine
    url: URL
    settings: DatabaseSettings

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if self.is_sqlite and self.url.database and self.url.database != ":memory:":
            return Path(self.url.database)
        return None

    def describe(self) -> str:
        """Where the data is, without any password."""
        path = self.sqlite_path
        return str(path) if path else self.url.render_as_string(hide_password=True)

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """One unit of work. ``write=True`` takes the write lock up front (SQLite).

        Commits on success, rolls back on any error. Objects stay usable after
        commit but the repository returns plain values, never these.
        """
        with Session(self.engine, expire_on_commit=False) as session:
            if write:
                session.connection(execution_options={IMMEDIATE: True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    # -- schema -----------------------------------------------------------------
    def create_schema(self) -> None:
        from . import models

        # Never add our tables to somebody else's database (a mistyped --db).
        tables = set(inspect(self.engine).get_table_names())
        if tables and models.Meta.__tablename__ not in tables:
            raise DatabaseError(
                f"{self.describe()} is not a duty-desk database (it holds other tables); "
                "nothing was changed, give a new file"
            )
        from .migrate import stamp_head

        if self.is_sqlite:  # WAL before the first table (see _sqlite_events)
            raw = self.engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA journal_mode = WAL")
            finally:
                raw.close()
        with self.engine.begin() as connection:
            models.load_all().create_all(connection)  # every table group (duty_desk.tables)
            stamp_head(connection)
        with self.session(write=True) as session:
            if session.get(models.Meta, "app") is None:
                session.add(models.Meta(key="app", value=APP_ID))
                session.add(models.Meta(key="schema_version", value=SCHEMA_VERSION))
            if session.get(models.Meta, DATABASE_ID) is None:
                session.add(models.Meta(key=DATABASE_ID, value=new_database_id()))
            if session.get(models.Meta, CRISIS_PLANS_SINCE) is None:  # issue 12 (safety)
                from . import timeutil

                since = timeutil.as_utc(timeutil.now()).isoformat()
                session.add(models.Meta(key=CRISIS_PLANS_SINCE, value=since))

    def check_schema(self) -> None:
        """Refuse a database that is not duty-desk's, with one plain sentence.

        One plain query on the meta table (SQLAlchemy Core, no ORM): it runs before the app
        starts, so it must not pay for the models (about 100 ms of class building) that the
        first screen's worker imports anyway (issue 15, start-up)."""
        query = text(f"SELECT key, value FROM {META_TABLE} WHERE key IN ('app', 'schema_version')")
        try:
            with self.engine.connect() as connection:
                found_rows: dict[str, str] = {
                    str(key): str(value) for key, value in connection.execute(query)
                }
        except OperationalError as exc:
            if "no such table" in str(exc.orig):
                raise DatabaseError(
                    f"{self.describe()} is not a duty-desk database "
                    "(run 'duty-desk init' to create one)"
                ) from None
            raise DatabaseError(explain_operational_error(exc, self)) from None
        except DBAPIError as exc:  # e.g. "file is not a database"
            raise DatabaseError(explain_operational_error(exc, self)) from None
        except SQLAlchemyError as exc:
            raise DatabaseError(
                f"cannot read {self.describe()}: {exc.__class__.__name__}"
            ) from None
        if found_rows.get("app") != APP_ID:
            raise DatabaseError(f"{self.describe()} is not a duty-desk database")
        found = found_rows.get("schema_version", "?")
        if not found.isdigit():
            raise DatabaseError(f"{self.describe()} has an unknown schema version ({found!r})")
        if int(found) < int(SCHEMA_VERSION):
            raise DatabaseError(
                f"{self.describe()} was made by an older duty-desk (schema {found}, this one "
                f"uses {SCHEMA_VERSION}): run 'duty-desk upgrade' first (it makes a backup)"
            )
        if int(found) > int(SCHEMA_VERSION):
            raise DatabaseError(
                f"{self.describe()} was made by a newer duty-desk (schema {found}, this one "
                f"knows {SCHEMA_VERSION}); nothing was changed: use the newer duty-desk"
            )

    def is_empty(self) -> bool:
        from . import models

        with self.session() as session:
            return session.exec(select(models.Referral.id).limit(1)).first() is None  # type: ignore[call-overload]

    def watcher(self) -> ChangeFeed:
        """A started change feed that polls (``changed()``): for scripts and one-off checks.
        The app holds one listening feed of its own (:func:`duty_desk.changes.open_feed`)."""
        from .changes import open_feed

        feed = open_feed(self, listen=False)
        feed.start()
        return feed

    def dispose(self) -> None:
        self.engine.dispose()


def explain_operational_error(exc: DBAPIError, db: Database) -> str:
    message = str(exc.orig).lower() if exc.orig is not None else ""
    if "locked" in message or "busy" in message:
        return (
            f"the database stayed busy for more than {db.settings.busy_timeout_seconds:g} s "
            "(another process is holding it); nothing was saved, try again"
        )
    if "readonly" in message or "read-only" in message:
        return f"{db.describe()} is read-only for this login; nothing was saved"
    if "unable to open" in message:
        return f"cannot open {db.describe()} (missing folder or no permission)"
    if "disk is full" in message or "disk i/o" in message:
        return f"cannot write to {db.describe()}: the disk is full or failing; nothing was saved"
    if "not a database" in message or "malformed" in message:
        return f"{db.describe()} is not a duty-desk database (or is damaged)"
    return f"database error on {db.describe()} ({exc.orig.__class__.__name__})"


def _sqlite_events(engine: Engine, settings: DatabaseSettings) -> None:
    busy_ms = int(settings.busy_timeout_seconds * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Our BEGIN, not the driver's: see the module docstring.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # WAL is a lasting property of the file: set it only on ours, never on somebody
        # else's database that check_schema will refuse, nor on an empty file that is only
        # being looked at (``check`` on a 0-byte file must not write): create_schema sets
        # it on a new file.
        ours = cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'duty_desk_meta')"
        ).fetchone()[0]
        if ours:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {settings.synchronous}")
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def open_database(
    config: Config, explicit: str | None = None, *, create: bool = False, check: bool = True
) -> Database:
    """Build the engine for the configured database.

    ``create`` makes the file (owner and group only) and the schema when missing;
    otherwise a missing SQLite file is an error naming the command that makes one.
    """
    url = resolve_url(explicit, config)
    settings = config.database
    backend = url.get_backend_name()
    if backend == "sqlite":
        path = url.database
        if not path or path == ":memory:":
            raise DatabaseError("an in-memory database cannot be shared; give a file path")
        file = Path(path)
        if not file.exists():
            if not create:
                raise DatabaseError(
                    f"no database at {file} (run 'duty-desk init' to create one, "
                    "or 'duty-desk demo' for a demo)"
                )
            try:
                private_dir(file.parent, TEAM_DIR_MODE)
                os.close(os.open(file, os.O_CREAT | os.O_WRONLY, 0o660))
            except OSError as exc:
                raise DatabaseError(f"cannot create {file}: {exc.strerror}") from None
        engine = create_engine(
            url,
            connect_args={"timeout": settings.busy_timeout_seconds, "check_same_thread": False},
            hide_parameters=True,  # no personal data in error messages
        )
        _sqlite_events(engine, settings)
    else:
        try:
            engine = create_engine(url, hide_parameters=True, pool_pre_ping=True)
        except (ArgumentError, ImportError) as exc:
            raise DatabaseError(
                f"cannot use database URL ({exc.__class__.__name__}: {exc})"
            ) from None
    db = Database(engine=engine, url=url, settings=settings)
    try:
        if create:
            db.create_schema()
        if check:
            db.check_schema()
    except DBAPIError as exc:  # locked, unreadable, or not a database at all
        db.dispose()
        raise DatabaseError(explain_operational_error(exc, db)) from None
    except DatabaseError:
        db.dispose()
        raise
    return db
