"""The live check every screen shares: one tiny query on a timer, a reload only when
someone else committed, and one calm warning (not one a tick) while the database cannot
be read."""

from __future__ import annotations

from typing import Any


class LivePoll:
    """Mixin for screens with ``_watcher`` (a ChangeWatcher, once loaded) and ``reload()``.

    The screen calls :meth:`_poll` from ``set_interval``; it overrides
    :meth:`changed_elsewhere` when a change needs more than a reload.
    """

    _watcher: Any = None
    _poll_failing: bool = False

    def _poll(self) -> None:
        watcher = self._watcher
        if watcher is None:
            return
        try:
            changed = watcher.changed()
        except Exception as exc:  # noqa: BLE001 - the file went away, a lock, a server gone
            if not self._poll_failing:
                self._poll_failing = True
                self.log.error(f"change check failed: {type(exc).__name__}")  # type: ignore[attr-defined]
                self.notify(  # type: ignore[attr-defined]
                    "Live updates are paused: the database cannot be read just now. "
                    "They resume by themselves.", severity="warning", markup=False)
            return
        if self._poll_failing:
            self._poll_failing = False
            changed = True
        if changed:
            self.changed_elsewhere()

    def changed_elsewhere(self) -> None:
        self.reload()  # type: ignore[attr-defined]
