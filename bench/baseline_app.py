"""The baseline: a bare Textual app that imports the same libraries as duty-desk.

Header, a DataTable of 150 static rows, a Footer. No database. duty-desk's
start-up and idle figures are printed as ratios against this, measured in
the same run on the same machine.
"""

from __future__ import annotations

import click  # noqa: F401  (same imports as duty-desk)
import pendulum  # noqa: F401
import platformdirs  # noqa: F401
import pydantic  # noqa: F401
import sqlalchemy  # noqa: F401
import sqlmodel  # noqa: F401
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header


class BaselineApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Due", "Name", "Age", "U", "Source", "Area", "Received", "Status")
        for i in range(150):
            table.add_row(
                "12h00 left",
                f"Person {i} (synthetic)",
                "36",
                "C",
                "SPoA urgent",
                "Canterbury",
                "Mon 09:00",
                "new",
                key=str(i),
            )
