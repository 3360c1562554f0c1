"""One measured run, in its own process: start an app headless, wait until it is usable.

    python bench/probe.py startup app|baseline [--db FILE] [--mode queue|board|day]
    python bench/probe.py idle app|baseline [--db FILE] [--seconds 10]
    python bench/probe.py memory app|baseline [--db FILE] [--client ID]

``startup`` prints READY as soon as the app shows rows in a table (the queue,
board or day view is interactive: ``--mode`` is the screen the app starts on,
as if the person had left it there); the parent times process start to that
line. ``idle`` then stays open for --seconds and prints the process CPU time
used meanwhile. ``memory`` (issue 15) then visits every screen as a person would with
the number keys (board, day, handover, the client record of ``--client`` opened with
Enter on its board row, back to the queue), each settled (its reads done), and prints
the process's peak resident memory (``VmHWM``); the baseline prints its own peak
once its table is shown. The app's memory run also prints its resident memory after each
step (``STEPS``): Python alone, the libraries the baseline imports too
(bench/libraries.py), the app built (its modules for the first screen), then each screen.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from typing import Any


def build(kind: str, db_path: str | None, mode: str = "queue"):  # type: ignore[no-untyped-def]
    if kind == "baseline":
        from bench.baseline_app import BaselineApp

        return BaselineApp()
    # What ``duty-desk`` does before it opens the app (duty_desk/entry.py): ``prepare`` first
    # (collection paused), then the CLI (click), the settings, the database check; so the
    # app pays for click as the baseline does (bench/baseline_app.py).
    from duty_desk.entry import prepare

    prepare()
    import duty_desk.cli  # noqa: F401
    from duty_desk.config import load_config
    from duty_desk.db import open_database
    from screens.app import DutyDeskApp

    config = load_config()
    # The same app, starting on another screen (Textual reads DEFAULT_MODE in __init__).
    cls = (
        DutyDeskApp
        if mode == "queue"
        else type(
            f"DutyDeskApp_{mode}",
            (DutyDeskApp,),
            {"DEFAULT_MODE": mode, "__module__": DutyDeskApp.__module__},
        )
    )
    return cls(config, open_database(config, db_path))


_FOUND: dict[str, Any] = {"screen": None, "tables": [], "polls": 0}


def table_kind(kind: str) -> type[Any]:
    """The table the app shows its rows in: ours (``KeyedTable``) or the baseline's
    (``DataTable``). Only that one is imported: duty-desk never loads ``DataTable``, and
    importing it here would add its memory to duty-desk's peak."""
    if kind == "baseline":
        from textual.widgets import DataTable

        return DataTable
    from screens.keyed_table import KeyedTable

    return KeyedTable


def table_has_rows(app, kind: str = "app") -> bool:  # type: ignore[no-untyped-def]
    """Whether a table on the screen shows rows. Asked every 2 ms while the app starts, so
    the tables are looked up in the DOM only when the screen changed or none was found yet
    (and every 50th time, should one be replaced): a DOM query of a whole screen every 2 ms
    would take the app's own time (about 50 ms of a start on the queue), more on a screen
    with more widgets, which is not what is measured."""
    found = _FOUND
    found["polls"] += 1
    if found["screen"] is not app.screen or not found["tables"] or found["polls"] % 50 == 0:
        found["screen"] = app.screen
        found["tables"] = list(app.screen.query(table_kind(kind)))
    return any(table.row_count > 0 for table in found["tables"])


async def settle(pilot: Any) -> None:
    """Until the screen's reads are done and painted (a worker may start another)."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)


async def visit_all(
    pilot: Any, client: int | None, steps: list[tuple[str, int]] | None = None
) -> list[str]:
    """Board, day, handover, a client record (Enter on its board row), then the queue:
    by their number keys; returns the screens seen (a missing one is an error). With
    ``steps``, the resident memory once each screen is settled is added to it."""
    app = pilot.app
    seen: list[str] = []

    def step(name: str) -> None:
        if steps is not None:
            steps.append((name, resident_kib()))

    await settle(pilot)
    step(app.current_mode)
    for key in ("2", "3", "4"):
        await pilot.press(key)
        await settle(pilot)
        seen.append(app.current_mode)
        step(app.current_mode)
    await pilot.press("2")
    await settle(pilot)
    table = app.screen.main_table()
    if client is not None and str(client) in table:
        table.move_cursor(row=table.get_row_index(str(client)))
    table.focus()
    await pilot.press("enter")
    await settle(pilot)
    seen.append(app.current_mode)
    step(app.current_mode)
    await pilot.press("escape", "1")
    await settle(pilot)
    seen.append(app.current_mode)
    return seen


def status_kib(field: str) -> int | None:
    """A memory figure of this process in KiB from ``/proc/self/status`` (Linux), or None."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def resident_kib() -> int:
    """This process's resident memory now in KiB (``VmRSS``; 0 where there is none)."""
    return status_kib("VmRSS") or 0


def peak_kib() -> int:
    """This process's peak resident memory in KiB: ``VmHWM`` on Linux (``ru_maxrss`` there
    carries the parent's peak across fork and exec: bench.run's, which is larger),
    ``ru_maxrss`` elsewhere (bytes on macOS)."""
    found = status_kib("VmHWM")
    if found is not None:
        return found
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["startup", "idle", "memory"])
    parser.add_argument("kind", choices=["app", "baseline"])
    parser.add_argument("--db")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--mode", choices=["queue", "board", "day"], default="queue")
    parser.add_argument("--client", type=int, help="memory: the client record to open")
    args = parser.parse_args()
    steps: list[tuple[str, int]] = []
    if args.what == "memory" and args.kind == "app":
        from importlib import import_module

        from bench.libraries import SHARED
        from duty_desk.entry import prepare

        steps.append(("Python", resident_kib()))
        prepare()  # as build() does first: the libraries imported with collection paused
        for name in SHARED:
            import_module(name)
        steps.append(("libraries", resident_kib()))
    app = build(args.kind, args.db, args.mode)
    if steps:
        steps.append(("built", resident_kib()))
    result: dict[str, Any] = {}

    async def pilot(p) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 60
        while not table_has_rows(p.app, args.kind):
            if time.monotonic() > deadline:
                print("TIMEOUT", flush=True)
                p.app.exit()
                return
            await asyncio.sleep(0.002)
        await p.pause()  # let the first full paint happen
        print("READY", flush=True)
        if args.what == "idle":
            cpu0 = time.process_time()
            wall0 = time.monotonic()
            await asyncio.sleep(args.seconds)
            result["cpu"] = time.process_time() - cpu0
            result["wall"] = time.monotonic() - wall0
        if args.what == "memory":
            if args.kind == "app":
                result["seen"] = await visit_all(p, args.client, steps)
            result["peak"] = peak_kib()
        p.app.exit()

    app.run(headless=True, size=(80, 24), auto_pilot=pilot)
    if "cpu" in result:
        print(f"CPU {result['cpu']:.4f} {result['wall']:.4f}", flush=True)
    if "peak" in result:
        print(f"SEEN {' '.join(result.get('seen', []))}", flush=True)
        print(f"PEAK {result['peak']}", flush=True)
        if steps:
            print("STEPS " + " ".join(f"{name}={kib}" for name, kib in steps), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
