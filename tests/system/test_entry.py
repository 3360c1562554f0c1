"""The ``duty-desk`` entry point (duty_desk/entry.py), in real processes: Python's garbage
collector is paused before the libraries are imported, and a command that opens no screen
runs with it back on (duty_desk/heap.py); pydantic looks for no plugins unless told to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

# Runs the entry point as the console script does, then reports on the collector.
SCRIPT = textwrap.dedent(
    """
    import gc, json, os, sys
    late = []  # collections once the CLI's libraries were being imported
    gc.callbacks.append(lambda phase, _: late.append(phase) if "click" in sys.modules else None)
    from duty_desk.entry import main
    sys.argv = ["duty-desk", *sys.argv[1:]]
    try:
        main()
    except SystemExit:
        pass
    print(json.dumps({
        "enabled": gc.isenabled(),
        "collections": late.count("start"),
        "click": "click" in sys.modules,
        "plugins": os.environ.get("PYDANTIC_DISABLE_PLUGINS"),
    }), file=sys.stderr)
    """
)


def run_entry(*args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    environment = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**environment, **(env or {})},
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_nothing_is_collected_while_the_command_is_imported() -> None:
    # --version stops before any command runs: what ran is the imports (click's among them)
    state = run_entry("--version")
    assert state["click"] is True
    assert (state["enabled"], state["collections"]) == (False, 0)


def test_a_command_that_opens_no_screen_collects_as_usual(tmp_path: Path) -> None:
    state = run_entry("--db", str(tmp_path / "team.db"), "init")
    assert state["enabled"] is True


def test_pydantic_looks_for_no_plugins_unless_told_outside() -> None:
    assert run_entry("--version")["plugins"] == "__all__"
    told = run_entry("--version", env={"PYDANTIC_DISABLE_PLUGINS": "logfire"})
    assert told["plugins"] == "logfire"
