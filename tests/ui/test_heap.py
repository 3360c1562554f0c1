"""duty_desk/heap.py through the real app: the first start of a process collects nothing
until its first rows are in, then freezes what it made and collects again; glibc is asked
for one heap."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator

import pytest

from duty_desk import heap

from .test_ui_support import settle


@pytest.fixture
def first_start(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As if no app had started in this process yet; nothing stays frozen after the test."""
    monkeypatch.setattr(heap, "_START", [])
    gc.unfreeze()
    yield
    gc.enable()
    gc.unfreeze()


def test_collection_pauses_until_the_first_rows_then_skips_what_is_loaded(first_start) -> None:
    loaded = [{"an import's": "objects"}]
    heap.pause_collection()
    assert not gc.isenabled()
    assert not any(o is loaded for o in gc.get_objects())  # frozen: not walked
    heap.pause_collection()  # a second start (or call) changes nothing
    assert not gc.isenabled()
    made_meanwhile = [{"a start's": "objects"}]
    heap.resume_collection()
    assert gc.isenabled()
    assert not any(o is made_meanwhile for o in gc.get_objects())  # frozen: not walked
    heap.pause_collection()  # once a process: later apps collect as usual
    assert gc.isenabled()

    cycle: list[object] = []
    cycle.append(cycle)  # garbage made afterwards is still collected
    del cycle
    assert gc.collect() >= 1


async def test_the_app_collects_again_once_its_first_rows_are_shown(
    first_start, open_app, make_referral
) -> None:
    make_referral()
    async with open_app() as (app, pilot):
        await settle(pilot)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0


def test_one_malloc_heap_is_asked_of_glibc_unless_set_outside(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    glibc = sys.platform == "linux" and (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith(
        "glibc"
    )
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert heap.one_malloc_heap() is glibc
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")  # the administrator's choice stands
    assert heap.one_malloc_heap() is False
