"""duty_desk.heap: what is loaded before the app runs is left out of the cycle collector's walks."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from duty_desk.heap import freeze_loaded


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process builds many apps: nothing stays frozen after this test


def test_what_exists_is_frozen_and_what_comes_after_is_collected(unfrozen: None) -> None:
    loaded: list[object] = [{"a module's": "objects"}]
    freeze_loaded()
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    assert frozen >= 2  # the list and its dict at least
    assert not any(o is loaded for o in gc.get_objects())  # no longer walked by the collector

    cycle: list[object] = []
    cycle.append(cycle)  # garbage made after the freeze is still collected
    del cycle
    assert gc.collect() >= 1
    assert gc.get_freeze_count() == frozen
