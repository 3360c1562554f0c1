"""Keeping Python's full garbage collections short: what is loaded once is set aside.

By the time a list screen has shown its first rows, the heap holds the imported
libraries, the mapped models, Textual's widgets and the first read: a few hundred
thousand long-lived objects that a full (oldest-generation) collection walks every
time. At bench scale such a collection took 140-370 ms on this machine, several times a
minute of use, stalling whatever key was being answered (a booking, a board refresh).

:func:`set_aside_loaded` moves every object alive now into the permanent generation
(``gc.freeze``), which collections skip; objects made later are collected as before. It
is called after each list screen's first rows are shown (each screen adds its own
widgets and rows). Cyclic garbage alive at that instant is kept rather than freed, which
is why it is not called more often.
"""

from __future__ import annotations

import gc


def set_aside_loaded() -> None:
    """Leave what is alive now out of later garbage collections (``gc.freeze``)."""
    gc.freeze()
