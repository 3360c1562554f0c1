"""One measured run, in its own process: start an app headless, wait until it is usable.

    python bench/probe.py startup app|baseline [--db FILE] [--mode queue|board|day]
    python bench/probe.py idle app|baseline [--db FILE] [--seconds 10]

``startup`` prints READY as soon as the app shows rows in a table (the queue,
board or day view is interactive: ``--mode`` is the screen the app starts on,
as if the person had left it there); the parent times process start to that
line. ``idle`` then stays open for --seconds and prints the process CPU time
used meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time


def build(kind: str, db_path: str | None, mode: str = "queue"):  # type: ignore[no-untyped-def]
    if kind == "baseline":
        from bench.baseline_app import BaselineApp

        return BaselineApp()
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


def table_has_rows(app) -> bool:  # type: ignore[no-untyped-def]
    from textual.widgets import DataTable

    from screens.keyed_table import KeyedTable

    tables = [*app.screen.query(KeyedTable), *app.screen.query(DataTable)]  # ours, baseline's
    return any(table.row_count > 0 for table in tables)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["startup", "idle"])
    parser.add_argument("kind", choices=["app", "baseline"])
    parser.add_argument("--db")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--mode", choices=["queue", "board", "day"], default="queue")
    args = parser.parse_args()
    app = build(args.kind, args.db, args.mode)
    result: dict[str, float] = {}

    async def pilot(p) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 60
        while not table_has_rows(p.app):
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
        p.app.exit()

    app.run(headless=True, size=(80, 24), auto_pilot=pilot)
    if "cpu" in result:
        print(f"CPU {result['cpu']:.4f} {result['wall']:.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
