"""The client record's tabs line fits the width (found by the probe: at 80 columns it ended
"h" without "History"): every section's key always, the titles in full while they fit, then
shortened in a set order (``screens.record.fit_tabs``); at 60x20 too."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from screens.record import fit_tabs

from . import test_ui_board_support as support
from .test_ui_record import open_alex, record_screen
from .test_ui_support import settle

board = support.board  # the fixture

TABS = [
    ("n", "Network", 1, False),
    ("m", "Meetings", 12, True),
    ("c", "Crisis & risk", 2, False),
    ("d", "DIALOG", 9, False),
    ("i", "Admissions", None, False),
    ("h", "History", 57, False),
]


def tabs_line(app: Any) -> str:
    tabs = record_screen(app).query_one("#record-tabs", Static)
    return str(tabs.render_line(0).text).rstrip()


def test_the_tabs_shorten_in_order_and_always_keep_every_key() -> None:
    line = "  ".join(fit_tabs(TABS, 200)[0])
    assert line == (
        "n Network 1  m Meetings 12  c Crisis & risk 2  d DIALOG 9  i Admissions  h History 57"
    )
    labels, gap = fit_tabs(TABS, 78)  # 80 columns: the first word of a title
    assert (
        gap.join(labels)
        == "n Network 1  m Meetings 12  c Crisis 2  d DIALOG 9  i Admissions  h History 57"
    )
    labels, gap = fit_tabs(TABS, 58)  # 60 columns: the shown one in full, its count too
    line = gap.join(labels)
    assert len(line) <= 58 and "m Meetings 12" in line
    assert [label.split(" ")[0] for label in labels] == ["n", "m", "c", "d", "i", "h"]
    labels, gap = fit_tabs(TABS, 12)  # nothing else fits: the keys
    assert gap.join(labels) == "n m c d i h"


async def test_at_80_and_60_columns_the_tabs_line_ends_with_the_last_section(open_app, board):
    async with open_app(settled=False) as (app, pilot):
        await open_alex(pilot, board)
        line = tabs_line(app)
        assert line.endswith("h History") or line.rsplit("h History", 1)[-1].strip().isdigit()
        assert "…" not in line and len(line) <= 80
    async with open_app(settled=False, size=(60, 20)) as (app, pilot):
        await open_alex(pilot, board)
        await pilot.press("h")
        await settle(pilot)
        line = tabs_line(app)
        assert len(line) <= 60 and " h History" in line, line
        for key in "nmcdih":
            assert f"{key} " in line or line.endswith(key)
