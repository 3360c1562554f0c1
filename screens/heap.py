"""Keeping Python's full garbage collections short: what is loaded once is set aside.

By the time the first list screen has shown its rows, the heap holds the imported
libraries, the mapped models, Textual's widgets and the first read: about 130,000
long-lived objects that a full (oldest-generation) collection walks every time. At bench
scale such a collection took 140-370 ms on this (loaded) machine, several times a minute
of use, stalling whatever key was being answered (a booking, a board refresh); about
half that once they are set aside.

:func:`set_aside_loaded` moves every object alive now into the permanent generation
(``gc.freeze``), which collections skip; objects made later are collected as before. It
runs once, after the first list screen's first rows are shown. What is set aside and
later dropped in a reference cycle is never freed: measured at about +1 MiB of peak
memory after every screen (freezing after each screen's first rows cost +4.6 MiB).
"""

from __future__ import annotations

import gc

_done = False


def set_aside_loaded() -> None:
    """Leave what is alive now out of later garbage collections (``gc.freeze``), once."""
    global _done
    if not _done:
        _done = True
        gc.freeze()
