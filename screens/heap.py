"""Keeping Python's garbage collections short: what is loaded once is set aside.

A start makes about 130,000 objects that live as long as the app: the libraries' and our
modules, classes and tables, the first screen and its rows. Python's collections walk them
again and again: during a start (several full ones, 20-40 ms of CPU each: about 220 ms of
a queue start at bench scale) and afterwards (a full collection took 140-370 ms on a
loaded machine, stalling whatever key was being answered: a booking, a board refresh).

So, once a process, :func:`pause_collection` (as the app loads) freezes what exists
(``gc.freeze``: collections skip it) and pauses collection until the first rows are in;
:func:`resume_collection` (first rows shown, or START_COLLECTION_SECONDS passed, or the app
stopped) freezes what was made meanwhile too and turns collection back on. Objects made
later are collected as before. What was set aside and is dropped later in a reference
cycle is never freed: 4,000-9,000 small objects of a start, about 1 MiB of peak memory.
An app made again in the same process (the tests) collects as usual. Issue 15.
"""

from __future__ import annotations

import gc

START_COLLECTION_SECONDS = 10.0  # the collector is back by then, whatever happened

_START: list[bool] = []  # True: paused now; False: resumed (once a process)


def pause_collection() -> None:
    """The first start of a process: freeze what exists, collect nothing until the first
    rows are in (:func:`resume_collection`)."""
    if _START or not gc.isenabled():
        return
    _START.append(True)
    gc.freeze()
    gc.disable()


def resume_collection() -> None:
    """The first rows are in (or START_COLLECTION_SECONDS passed, or the app stopped):
    what was made meanwhile is frozen too, and collection is back."""
    if _START and _START[-1]:
        _START.append(False)
        gc.freeze()
        gc.enable()
