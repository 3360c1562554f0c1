"""Benchmarks of the continuity board and the day view, inside one running app.

Used by ``bench.run``. Each drives the real app headless at 80x24 and times
from an input (a commit by another connection, a key press) to the frame that
shows its result, as ``bench.run`` does for the queue's accept: each frame is noted as it
is written to the terminal (``screens.textual_private.after_each_frame``, the one file that
uses Textual's private names).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from textual import events

from duty_desk import timeutil
from duty_desk.config import DAY_NAMES, Config, load_config
from screens.textual_private import after_each_frame, send_as_terminal

TIMEOUT = 15.0


def _app(db: Path, mode: str, config: Config | None = None) -> Any:
    from duty_desk.db import open_database
    from screens.app import DutyDeskApp

    config = config or load_config()
    cls = type(
        f"DutyDeskApp_{mode}",
        (DutyDeskApp,),
        {"DEFAULT_MODE": mode, "__module__": DutyDeskApp.__module__},
    )
    return cls(config, open_database(config, str(db)))


class Frames:
    """Notes the time of every frame the app writes to its (headless) terminal, and when
    asked, the first frame that shows a change.

    Whether a frame shows the change is decided inside the display wrapper, against the
    state the frame was drawn from: a poll from outside (``until`` then "the next frame")
    sees the change up to a poll late, and would miss a frame painted in that gap.
    """

    def __init__(self, app: Any) -> None:
        self.painted: list[float] = []
        self._check: Callable[[], bool] | None = None
        self._shown: float | None = None

        def written() -> None:
            at = time.perf_counter()  # the frame has been written
            self.painted.append(at)
            check = self._check
            if check is not None and self._shown is None and check():
                self._shown = at

        after_each_frame(app, written)

    def expect(self, check: Callable[[], bool]) -> None:
        """Watch for the first frame drawn with ``check()`` true. Call it before the input
        that causes the change (a frame cannot show a change before that input)."""
        self._check, self._shown = check, None

    async def shown(self, start: float, what: str) -> float:
        """The time of the first frame written since ``expect`` that shows the change."""
        try:
            while self._shown is None:
                if time.perf_counter() - start > TIMEOUT:
                    raise SystemExit(f"{what} was not painted within {TIMEOUT:g} s")
                await asyncio.sleep(0.001)  # sleep, don't spin: workers need the GIL
            return self._shown
        finally:
            self._check = None


def _checked(dialog: Any) -> bool:
    """The booking dialog has shown its check and is not saving."""
    return dialog.checked is not None and not dialog.saving


async def until(check: Callable[[], bool], start: float, what: str) -> float:
    while not check():
        if time.perf_counter() - start > TIMEOUT:
            raise SystemExit(f"{what} did not happen within {TIMEOUT:g} s")
        await asyncio.sleep(0.001)
    return time.perf_counter()


def press(app: Any, key: str, character: str | None = None) -> float:
    """Post a key as the terminal driver does; returns the time it was sent."""
    event = events.Key(
        key, character if character is not None else (key if len(key) == 1 else None)
    )
    event.set_sender(app)
    start = time.perf_counter()
    send_as_terminal(app, event)
    return start


def toasts(screen: Any) -> set[Any]:
    """The notification toasts on ``screen``, found by their type's name (Textual keeps the
    ``Toast`` class in a private module)."""
    return set(screen.query("Toast"))


def new_toast(screen: Any, before: set[Any], starts: str) -> bool:
    """A toast not in ``before``, saying ``starts...``, laid out (so in the frame drawn)."""
    return any(
        toast not in before and str(toast.render()).startswith(starts) and toast.region.area > 0
        for toast in screen.query("Toast")
    )


def key_for(screen: Any, binding_id: str) -> str:
    for key, active in screen.active_bindings.items():
        if active.binding.id == binding_id:
            return key
    raise SystemExit(f"no key bound to {binding_id!r} on {type(screen).__name__}")


# -- the board ---------------------------------------------------------------------------------


async def board_refresh(db: Path, count: int) -> tuple[list[float], list[float]]:
    """(live: commit to painted with the board's own polling, reload: commit to painted
    with the reload asked for as soon as the commit returns), ``count`` of each."""
    from duty_desk.db import open_database
    from duty_desk.identity import os_login
    from duty_desk.repository import Repository

    config = load_config()
    other_db = open_database(config, str(db))  # another connection, as another process would be
    other = Repository(other_db, config, actor=os_login())
    app = _app(db, "board", config)
    live: list[float] = []
    reload: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        start = time.perf_counter()
        await until(lambda: screen.data is not None, start, "the board's first load")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        frames = Frames(app)
        episode = next(
            e
            for e in screen.data.episodes
            if len(e.core_team) >= 2
            and e.key_worker is not None
            and all(m.active for m in e.core_team)
        )
        team = [m.id for m in episode.core_team]
        for i in range(2 * count):
            current = next(e for e in screen.data.episodes if e.client_id == episode.client_id)
            assert current.key_worker is not None
            new_key = team[(team.index(current.key_worker.id) + 1) % len(team)]
            await asyncio.sleep(0.2)  # a settled screen, between polls at random

            def shown(key: int = new_key) -> bool:
                data = screen.data
                return any(
                    e.client_id == episode.client_id
                    and e.key_worker is not None
                    and e.key_worker.id == key
                    for e in data.episodes
                )

            frames.expect(shown)  # before the commit: the poll may read it at once
            await asyncio.to_thread(
                other.set_core_team,
                episode.client_id,
                team,
                new_key,
                "Bench: key worker changed (synthetic)",
            )
            committed = time.perf_counter()
            if i % 2:
                screen.reload()
            painted = await frames.shown(committed, "the change on the board")
            (reload if i % 2 else live).append(painted - committed)
            await app.workers.wait_for_complete()
    other_db.dispose()
    return live, reload


# -- the day view ------------------------------------------------------------------------------


def booking_days(config: Config, count: int) -> list[dt.date]:
    """Working days from four weeks ahead (the generated data books nobody that far out)."""
    day = timeutil.to_local(timeutil.now(), config.team.timezone).date() + dt.timedelta(days=28)
    days: list[dt.date] = []
    while len(days) < count:
        if DAY_NAMES[day.weekday()] in config.team.days:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


async def bookings(db: Path, count: int) -> tuple[list[float], list[float]]:
    """(check: Enter to the painted "No conflicts", book: Enter to the painted toast with the
    dialog closed), one booking per meeting row of today, each on its own free day."""
    from textual.widgets import Input

    from duty_desk.views import MeetingView
    from screens.booking import BookingDialog
    from screens.keyed_table import KeyedTable

    config = load_config()
    app = _app(db, "day", config)
    checks: list[float] = []
    books: list[float] = []
    # Toasts on, as in the real app (run_test turns them off): the toast is what is timed.
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        day_screen = app.screen
        start = time.perf_counter()
        table = day_screen.query_one(KeyedTable)
        await until(lambda: table.row_count > 0, start, "the day view's first load")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        frames = Frames(app)
        book_key = key_for(day_screen, "book")
        rows = [n for n in range(table.row_count)]
        clients: set[int] = set()
        days = booking_days(config, count)
        for day in days:
            # The next meeting row for a client not booked yet in this run.
            while True:
                if not rows:
                    raise SystemExit("ran out of meetings to book from")
                table.move_cursor(row=rows.pop(0))
                await pilot.pause()
                item = day_screen.current()
                if isinstance(item, MeetingView) and item.client_id not in clients:
                    clients.add(item.client_id)
                    break
            await app.workers.wait_for_complete()
            await pilot.pause(0.1)
            sent = press(app, book_key)
            await until(
                lambda: isinstance(app.screen, BookingDialog) and app.screen.defaults is not None,
                sent,
                "the booking dialog",
            )
            dialog = app.screen
            await pilot.pause(0.1)
            dialog.query_one("#field-when", Input).value = f"{day.strftime('%d/%m/%Y')} 10:00"
            await pilot.pause(0.2)
            # Enter: check.
            frames.expect(partial(_checked, dialog))
            sent = press(app, "enter", "\r")
            checks.append(await frames.shown(sent, "the check") - sent)
            if dialog.problems:
                texts = "; ".join(p.text for p in dialog.problems)
                raise SystemExit(f"the bench slot is not free ({texts}): regenerate the data")
            await pilot.pause(0.2)
            # Enter again: book. Done when the dialog has closed and the toast is up.
            told = toasts(day_screen)

            def booked(told: set[Any] = told) -> bool:
                return app.screen is day_screen and new_toast(day_screen, told, "Booked")

            frames.expect(booked)
            sent = press(app, "enter", "\r")
            books.append(await frames.shown(sent, "the booking") - sent)
            await app.workers.wait_for_complete()
            await pilot.pause(0.3)
    return checks, books


# -- the repository alone --------------------------------------------------------------------------


def repo_timings(db: Path, runs: int = 7) -> dict[str, Any]:
    """Seconds for the board's and day view's reads (first call, then the median of ``runs``),
    and a booking check, straight on the generated data."""
    from duty_desk.db import open_database
    from duty_desk.repository import Repository

    config = load_config()
    database = open_database(config, str(db))
    repo = Repository(database, config)
    today = timeutil.to_local(timeutil.now(), config.team.timezone).date()
    out: dict[str, Any] = {}

    def timed(name: str, call: Callable[[], Any]) -> Any:
        first_start = time.perf_counter()
        result = call()
        first = time.perf_counter() - first_start
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            call()
            times.append(time.perf_counter() - t0)
        out[name] = {
            "first_s": round(first, 4),
            "median_s": round(statistics.median(times), 4),
            "min_s": round(min(times), 4),
            "runs": runs,
        }
        return result

    board = timed("board()", repo.board)
    busiest = max(board.staff, key=lambda load: load.core_count)
    timed("board(staff_id) (busiest staff member)", lambda: repo.board(busiest.staff.id))
    day = timed("day(today)", lambda: repo.day(today))
    timed("day(today, staff_id)", lambda: repo.day(today, busiest.staff.id))
    episode = next(e for e in board.episodes if e.core_team)
    when = timeutil.local_to_utc(
        dt.datetime.combine(booking_days(config, 1)[0], dt.time(10)), config.team.timezone
    )
    timed(
        "check_booking()",
        lambda: repo.check_booking(
            episode.client_id, when, 60, [m.id for m in episode.core_team], "home"
        ),
    )
    timed("booking_defaults()", lambda: repo.booking_defaults(episode.client_id))
    out["sizes"] = {
        "open episodes": len(board.episodes),
        "breaks": len(board.breaks),
        "staff": len(board.staff),
        "meetings today": len(day.meetings),
        "unbooked first meetings": len(day.unbooked),
    }
    database.dispose()
    return out
