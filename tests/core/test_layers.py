"""The core reaches the UI in exactly one place, the command that opens the app
(``duty_desk.cli`` imports ``screens.app`` inside it), and nothing in ``screens`` leads
back to that command: no import circle between the layers."""

from __future__ import annotations

import pytest

grimp = pytest.importorskip("grimp")


def test_the_core_reaches_the_ui_in_one_place_without_a_circle() -> None:
    graph = grimp.build_graph("duty_desk", "screens", include_external_packages=False)
    core = {m for m in graph.modules if m.split(".")[0] == "duty_desk"}
    ui = {m for m in graph.modules if m.split(".")[0] == "screens"}
    into_ui = sorted((a, b) for a in core for b in graph.find_modules_directly_imported_by(a)
                     if b in ui)
    assert into_ui == [("duty_desk.cli", "screens.app")]
    assert all(graph.find_shortest_chain(m, "duty_desk.cli") is None for m in ui)
