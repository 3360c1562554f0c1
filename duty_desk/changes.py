"""The change feed: has anyone committed since the last look? One per app, never per screen.

- SQLite: ``PRAGMA data_version`` on ONE connection kept open for the purpose (the
  number is per connection and changes when any *other* connection commits, the
  app's own pool included).
- PostgreSQL (psycopg 3): a trigger on ``audit_log`` NOTIFYs each new audit id on
  :data:`CHANGES_CHANNEL`; a dedicated autocommit connection
  LISTENs. When the wait times out, the newest audit id is read on that connection
  as well: a health check, and a catch for any notification that was missed.
- Elsewhere, or when LISTEN is not available (no trigger yet, another driver): poll
  the newest audit id, which every change writes in its own transaction.

Whatever the kind, a feed that lost its connection reports "changed" once it has a
new one: what happened meanwhile is unknown, so everything is read again.

No Textual here. The blocking :meth:`ChangeFeed.wait` is meant for a thread of its
own; :meth:`ChangeFeed.stop` (from any thread) wakes it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import text

if TYPE_CHECKING:
    from .db import Database

# The audit-log trigger (duty_desk.models) NOTIFYs each new audit id here. Kept in this
# module, which stays light: the feed starts without importing the models.
CHANGES_CHANNEL = "duty_desk_changes"
HEALTH_SECONDS = 5.0  # LISTEN: how long to wait for a notification before checking by hand
SLICE_SECONDS = 0.25  # LISTEN: how often a waiting feed looks whether it was stopped
CONNECT_TIMEOUT_SECONDS = 10  # LISTEN: the feed's thread gives up connecting after this
NEWEST_AUDIT_ID = "SELECT coalesce(max(id), 0) FROM audit_log"


class ChangeFeed:
    """Base of the feeds: :meth:`start` takes the baseline, :meth:`changed` compares.

    Errors (the file went away, the server restarted) are raised to the caller; the
    connection is dropped, and the next :meth:`changed` connects again and answers True.
    """

    KIND = "poll"
    CHEAP = False  # a look is local and quick (no network round trip): see changed_if_cheap

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._connected = False
        # How many looks have answered "changed" so far (counted under the lock, read by
        # any thread): a reader that notes it after taking the changes (changed_if_cheap)
        # knows that every finding up to that number is older than its read.
        self.generation = 0

    # -- to implement ---------------------------------------------------------------------------
    def _connect(self) -> None:
        """Open what the feed needs and take the baseline (raise if the database is unreadable)."""
        raise NotImplementedError

    def _look(self) -> bool:
        """True when something was committed since the last look (needs a connection)."""
        raise NotImplementedError

    def _disconnect(self) -> None:
        """Drop the connection (never raises)."""

    # -- the interface --------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        """How it finds out: "data_version" (SQLite), "listen" (PostgreSQL) or "poll"."""
        return self.KIND

    def start(self) -> None:
        """Take the baseline now: commits after this are reported."""
        with self._lock:
            self._reconnect()

    def changed(self) -> bool:
        """Has anyone committed since the last look? Never blocks for long."""
        with self._lock:
            if not self._connected:
                self._reconnect()
                return self._counted(True)  # away (or never started): read everything again
            try:
                return self._counted(self._look())
            except Exception:
                self._drop()
                raise

    def changed_if_cheap(self, wait: float = 0.0) -> bool | None:
        """:meth:`changed` when that is a quick local look (safe from a UI thread), waiting
        at most ``wait`` seconds for a look another thread is making to end; None when it
        is not cheap or the wait ran out (then nothing was consumed)."""
        if not self.CHEAP:
            return None
        if not (self._lock.acquire(timeout=wait) if wait > 0 else self._lock.acquire(False)):
            return None
        try:
            if not self._connected:
                return None
            try:
                return self._counted(self._look())
            except Exception:
                return None  # the thread that waits finds out and reports it
        finally:
            self._lock.release()

    def _counted(self, found: bool) -> bool:
        """A look's answer, counted in :attr:`generation` when it is "changed" (under the lock)."""
        if found:
            self.generation += 1
        return found

    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds (less once stopped); True when something changed.

        Stopped: False at once. Unreadable database: raises, after the wait.
        """
        if self._stop.wait(timeout):
            return False
        return self.changed()

    def stop(self) -> None:
        """Wake a waiting :meth:`wait` and make every later one return False (any thread)."""
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def close(self) -> None:
        """Stop, and drop the connection (call it from the thread that waits, or after)."""
        self.stop()
        with self._lock:
            self._drop()

    def _reconnect(self) -> None:
        self._drop()
        try:
            self._connect()
        except Exception:
            self._drop()
            raise
        self._connected = True

    def _drop(self) -> None:
        self._connected = False
        self._disconnect()


class SqliteFeed(ChangeFeed):
    """``PRAGMA data_version`` on one connection of its own."""

    KIND = "data_version"
    CHEAP = True

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._last = 0

    def _connect(self) -> None:
        # mode=rw: a file that went away is an error, never a new empty file.
        uri = f"file:{quote(str(self._path))}?mode=rw"
        self._conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        self._last = self._version()

    def _version(self) -> int:
        assert self._conn is not None
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _look(self) -> bool:
        current = self._version()
        changed, self._last = current != self._last, current
        return changed

    def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


class PollFeed(ChangeFeed):
    """The newest audit-log id, read through the engine's pool."""

    KIND = "poll"

    def __init__(self, db: Database) -> None:
        super().__init__()
        self._db = db
        self._last = 0

    def _newest(self) -> int:
        with self._db.engine.connect() as conn:
            return int(conn.execute(text(NEWEST_AUDIT_ID)).scalar_one())

    def _connect(self) -> None:
        self._last = self._newest()

    def _look(self) -> bool:
        current = self._newest()
        changed, self._last = current != self._last, current
        return changed


class ListenFeed(ChangeFeed):
    """PostgreSQL: LISTEN on a dedicated autocommit psycopg 3 connection.

    Falls back to :class:`PollFeed` when LISTEN cannot work here: psycopg is not the
    driver, or the database has no notify trigger yet (``duty-desk upgrade`` adds it).
    """

    def __init__(self, db: Database, health_seconds: float | None = HEALTH_SECONDS) -> None:
        """``health_seconds`` None: never check by hand, only notifications count (tests)."""
        super().__init__()
        self._db = db
        self._health = health_seconds
        self._conn: Any = None  # a psycopg.Connection
        self._last = 0
        self._fallback: PollFeed | None = None

    @property
    def kind(self) -> str:
        return "poll" if self._fallback is not None else "listen"

    @property
    def backend_pid(self) -> int | None:
        """The listening connection's server process (tests end it to drop the connection)."""
        conn = self._conn
        return None if conn is None else int(conn.info.backend_pid)

    def _connect(self) -> None:
        if self._fallback is not None:
            self._fallback.start()
            return
        import importlib.util

        if (
            self._db.url.get_driver_name() != "psycopg"
            or importlib.util.find_spec("psycopg") is None
        ):
            self._use_poll()
            return
        import psycopg

        dialect = self._db.engine.dialect
        cargs, cparams = dialect.create_connect_args(self._db.url)
        cparams.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)  # a server gone quiet
        conn = psycopg.connect(*cargs, **cparams, autocommit=True)
        try:
            has_trigger = conn.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_log_notify' "
                "AND tgrelid = to_regclass('audit_log'))"
            ).fetchone()
            if not (has_trigger and has_trigger[0]):
                conn.close()
                self._use_poll()
                return
            conn.execute(f"LISTEN {CHANGES_CHANNEL}")
            row = conn.execute(NEWEST_AUDIT_ID).fetchone()
        except Exception:
            conn.close()
            raise
        self._last = int(row[0]) if row else 0
        self._conn = conn

    def _use_poll(self) -> None:
        self._fallback = PollFeed(self._db)
        self._fallback.start()

    def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # it is gone either way
                pass
        if self._fallback is not None:
            self._fallback.close()

    def _heard(self, timeout: float) -> bool:
        """Notifications within ``timeout`` seconds (0: only those already here)."""
        heard = False
        for notify in self._conn.notifies(timeout=timeout, stop_after=1):
            heard = True
            if notify.payload.isdigit():
                self._last = max(self._last, int(notify.payload))
        if heard:  # one commit may add several audit rows: take the rest of its batch too
            for notify in self._conn.notifies(timeout=0.0):
                if notify.payload.isdigit():
                    self._last = max(self._last, int(notify.payload))
        return heard

    def _look(self) -> bool:
        if self._fallback is not None:
            return self._fallback.changed()
        if self._heard(0.0):
            return True
        row = self._conn.execute(NEWEST_AUDIT_ID).fetchone()
        newest = int(row[0]) if row else 0
        changed, self._last = newest != self._last, max(self._last, newest)
        return changed

    def wait(self, timeout: float) -> bool:
        """Until a notification comes (True at once), or ``timeout``; then a check by hand
        at most every few seconds (a missed notification, a dead connection)."""
        with self._lock:
            listening = self._connected and self._fallback is None
        if not listening:
            return super().wait(timeout)
        deadline = time.monotonic() + max(timeout, self._health or 0.0)
        while not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            with self._lock:
                if not self._connected:
                    break
                try:
                    if self._heard(min(SLICE_SECONDS, left)):
                        return self._counted(True)
                except Exception:
                    self._drop()
                    raise
        if self._stop.is_set() or self._health is None:
            return False
        return self.changed()


def open_feed(db: Database, *, listen: bool = True) -> ChangeFeed:
    """The feed for ``db`` (not started: :meth:`ChangeFeed.start` takes the baseline).

    ``listen=False`` polls on PostgreSQL instead of holding a LISTEN connection.
    """
    path = db.sqlite_path
    if path is not None:
        return SqliteFeed(path)
    if listen and db.url.get_backend_name() == "postgresql":
        return ListenFeed(db)
    return PollFeed(db)
