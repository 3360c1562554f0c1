"""Live updates for the whole app: ONE change feed (``duty_desk.changes``) followed in a
thread of its own, whatever the number of screens.

The follower posts :class:`ChangeFollower.Changed` when someone committed and
:class:`ChangeFollower.Paused` when the database cannot be read (once a spell, not once a
tick); the app (screens/app.py) tells the screen being shown and marks the others stale.
A feed that comes back after a spell of errors reports a change, so the shown screen
reloads by itself.

Why a plain thread and not a Textual worker: the follower lives as long as the app, while
workers are units of work that the app (and the tests' ``settle``) wait to see finish.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from textual.app import App

    from duty_desk.changes import ChangeFeed
    from duty_desk.db import Database

BASELINE_WAIT_SECONDS = 10.0  # a screen's first read waits this long at most for the feed
# The UI thread waits at most this long for the follower's look at the feed to end before
# taking the changes itself (a SQLite look takes microseconds; the follower's thread may be
# descheduled mid-look on a loaded machine).
ABSORB_WAIT_SECONDS = 0.02


class ChangeFollower:
    """Owns the app's one :class:`~duty_desk.changes.ChangeFeed` and the thread that waits on it."""

    @dataclass
    class Changed(Message):
        """Someone committed (or the feed is back after an error): read again.

        ``generation`` is the feed's count of findings when this one was made (None: read
        again whatever was read since): a read that began after the feed had counted that
        many already has the commit (see :meth:`ChangeFollower.absorb`)."""

        generation: int | None = None

    @dataclass
    class Paused(Message):
        """The database cannot be read just now (the exception's class name, no details)."""

        error: str

    def __init__(self, app: App[Any], db: Database, seconds: float) -> None:
        self._app = app
        self._db = db
        self._seconds = seconds
        self._feed: ChangeFeed | None = None
        self._stopped = threading.Event()
        self._baseline = threading.Event()
        self._late = False  # a reader stopped waiting for the baseline: report one change
        self.checks_failed = 0  # how many looks at the database failed (this app's life)
        self._thread = threading.Thread(target=self._run, name="duty-desk changes", daemon=True)
        self._starting = threading.Lock()

    @property
    def kind(self) -> str | None:
        """The feed's kind ("data_version", "listen", "poll"), None before it exists."""
        return None if self._feed is None else self._feed.kind

    def start(self) -> None:
        """Start the thread, if not yet (any thread; never blocks on the database)."""
        with self._starting:
            if not self._thread.is_alive() and self._thread.ident is None:
                self._thread.start()

    def stop(self) -> None:
        """Make the thread end soon (any thread; never blocks)."""
        self._stopped.set()
        feed = self._feed
        if feed is not None:
            feed.stop()

    def join(self, timeout: float) -> bool:
        """Wait for the thread to end; True if it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def generation(self) -> int:
        """The feed's count of findings so far (0 before it exists)."""
        feed = self._feed
        return 0 if feed is None else feed.generation

    def absorb(self) -> tuple[bool, int]:
        """Take the changes so far, if that is a quick local look (SQLite), for a read about
        to start (UI thread; waits at most ABSORB_WAIT_SECONDS). Returns whether there were
        some, and the feed's generation after the look: every :class:`Changed` up to it
        reports a commit made before the read, which the read therefore has."""
        feed = self._feed
        if feed is None:
            return False, 0
        found = bool(feed.changed_if_cheap(ABSORB_WAIT_SECONDS))
        return found, feed.generation

    def wait_for_baseline(self, timeout: float = BASELINE_WAIT_SECONDS) -> bool:
        """Block (a worker thread, never the UI) until the feed has its baseline, so that a
        read started after this cannot miss a commit. False if it gave up waiting.

        Starts the feed if the app has not yet: a screen's first read comes before the
        app's on_mount, and waiting for that would hold up the first rows."""
        self.start()
        if self._baseline.wait(timeout):
            return True
        self._late = True
        return False

    def _run(self) -> None:
        try:
            self._follow()
        finally:
            self._baseline.set()  # whatever happened, nobody waits for it any longer

    def _follow(self) -> None:
        from duty_desk.changes import open_feed

        feed = self._feed = open_feed(self._db)
        if self._stopped.is_set():
            feed.stop()
        failing = False
        try:
            try:
                feed.start()
            except Exception as exc:
                failing = True
                self.checks_failed += 1
                self._app.post_message(self.Paused(type(exc).__name__))
            finally:
                self._baseline.set()
            if self._late and not failing:
                self._app.post_message(self.Changed())  # whatever was read since
            while not feed.stopped:
                try:
                    changed = feed.wait(self._seconds)
                except Exception as exc:
                    self.checks_failed += 1
                    if not failing:
                        failing = True
                        self._app.post_message(self.Paused(type(exc).__name__))
                    continue
                failing = False
                if changed:
                    self._app.post_message(self.Changed(feed.generation))
        finally:
            feed.close()
