"""The ``duty-desk`` console script (and ``python -m duty_desk``): collection paused, then the CLI.

Python's garbage collector is paused before anything else is imported (duty_desk/heap.py):
the libraries a start imports make most of the objects the collector would otherwise walk
again and again while the first screen is being made. ``cli`` turns it back on at once
for a command that opens no screen; the app does once its first rows are painted.
"""

from __future__ import annotations


def main() -> None:
    from .heap import pause_collection

    pause_collection()
    from .cli import main as cli_main

    cli_main()
