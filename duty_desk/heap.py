"""Keeping Python's garbage collections short, and the process's memory small, from the start.

A start makes about 130,000 objects that live as long as the app: the libraries' and our
modules, classes and tables, the first screen and its rows. Python's collections walk them
again and again: during a start (about 200 young and one or two full collections: 90 ms of
a start on the board at bench scale, most of it while the libraries are imported) and
afterwards (a full collection took 140-370 ms on a loaded machine, stalling whatever key
was being answered: a booking, a board refresh).

So, once a process, :func:`pause_collection` freezes what exists (``gc.freeze``:
collections skip it) and pauses collection: first thing in the ``duty-desk`` command
(duty_desk/entry.py, before the libraries are imported), or as the app loads when it is
made some other way (the tests); :func:`resume_collection` freezes what was made meanwhile
too and turns collection back on: once the app's first rows are painted (or
START_COLLECTION_SECONDS passed, or the app stopped), or at once for a command that opens
no screen (``cli``), so an import or an export collects as usual. Objects made later are
collected as before. What was set aside and is dropped later in a reference cycle is never
freed: Textual's style nodes of the first screen, the first footer's keys, about 2 MiB of
peak memory. Not freezing them was measured (issue 15): 2 MiB less, but every later full
collection walks them again (62-79 ms became 91-101 ms, about 100 ms more CPU over a visit
of every screen, some 23 ms of it before the first rows): short pauses while keys are
answered come first. An app made again in the same process (the tests) collects as usual.
Textual does the same while it scrolls (``App.PAUSE_GC_ON_SCROLL``).

:func:`pause_collection` also asks glibc's allocator for one heap (``mallopt``
``M_ARENA_MAX`` 1, unless ``MALLOC_ARENA_MAX`` is set), before any thread of the app
starts: otherwise each thread that reads (the workers, the change feed) gets a heap of its
own, whose free space the others cannot use (about 2.5 MiB of peak memory after every
screen; issue 15). The threads mostly wait for SQLite or the GIL, so one heap costs them
nothing measurable. Elsewhere (macOS, musl) nothing is asked.
"""

from __future__ import annotations

import gc
import os
import sys

START_COLLECTION_SECONDS = 10.0  # the collector is back by then, whatever happened
M_ARENA_MAX = -8  # glibc's malloc.h

_START: list[bool] = []  # True: paused now; False: resumed (once a process)


def pause_collection() -> None:
    """The first start of a process: freeze what exists, collect nothing until the first
    rows are in (:func:`resume_collection`), one heap for every thread."""
    if _START or not gc.isenabled():
        return
    _START.append(True)
    one_malloc_heap()
    gc.freeze()
    gc.disable()


def resume_collection() -> None:
    """The first rows are painted (or START_COLLECTION_SECONDS passed, or the app
    stopped): what was made meanwhile is frozen too, and collection is back."""
    if _START and _START[-1]:
        _START.append(False)
        gc.freeze()
        gc.enable()


def one_malloc_heap() -> bool:
    """Ask glibc for one heap (arena) shared by all threads; False where not asked (not
    glibc, ``MALLOC_ARENA_MAX`` already set, or the call failed)."""
    if sys.platform != "linux" or "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        if not (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc"):
            return False
        import ctypes

        return bool(ctypes.CDLL(None).mallopt(M_ARENA_MAX, 1))
    except (ValueError, OSError, AttributeError):
        return False
