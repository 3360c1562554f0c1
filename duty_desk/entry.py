"""The ``duty-desk`` console script (and ``python -m duty_desk``): :func:`prepare`, then the CLI.

:func:`prepare` runs before anything else is imported:

- Python's garbage collector is paused (duty_desk/heap.py): the libraries a start imports
  make most of the objects the collector would otherwise walk again and again while the
  first screen is being made. ``cli`` turns it back on at once for a command that opens no
  screen; the app does once its first rows are painted.
- pydantic's plugins are not looked for (``PYDANTIC_DISABLE_PLUGINS``, unless set
  outside): duty-desk uses none, and looking reads the metadata of every installed
  package when the first settings model is made (4-5 ms of each start).

bench/probe.py calls :func:`prepare` too, so the start it measures is this one.
"""

from __future__ import annotations

import os


def prepare() -> None:
    from .heap import pause_collection

    pause_collection()
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def main() -> None:
    prepare()
    from .cli import main as cli_main

    cli_main()
