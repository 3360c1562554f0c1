"""Keeping Python's garbage collections short, and the process's memory small, from the start.

A start makes about 130,000 objects, most of which live as long as the app: the libraries'
and our modules, classes and tables, the first screen and its rows. Python's collections
walk them again and again: during a start (several full ones, 20-40 ms of CPU each: about
220 ms of a queue start at bench scale) and afterwards.

So, once a process, :func:`pause_collection` (as the app loads) freezes what the imports
made (``gc.freeze``: collections skip it for good) and pauses collection until the first
rows are in; :func:`resume_collection` (first rows painted, or START_COLLECTION_SECONDS
passed, or the app stopped) turns collection back on. What the start itself made is not
frozen: much of it is dropped later in reference cycles (Textual's style nodes, made again
at every focus change, the first footer's keys, the first read's leftovers), and frozen it
would never be freed (about 2 MiB of peak memory after every screen; issue 15). Objects
made later are collected as before. An app made again in the same process (the tests)
collects as usual.

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
    """The first start of a process: freeze what the imports made, collect nothing until
    the first rows are in (:func:`resume_collection`), one heap for every thread."""
    if _START or not gc.isenabled():
        return
    _START.append(True)
    one_malloc_heap()
    gc.freeze()
    gc.disable()


def resume_collection() -> None:
    """The first rows are in (or START_COLLECTION_SECONDS passed, or the app stopped):
    collection is back, over what the start made too."""
    if _START and _START[-1]:
        _START.append(False)
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
