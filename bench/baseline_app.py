"""The baseline: a bare Textual app that imports the same libraries as duty-desk.

Header, a DataTable of 150 static rows, a Footer. No database. duty-desk's
start-up and idle figures are printed as ratios against this, measured in
the same run on the same machine.

The libraries are the ones duty-desk imports before its first rows are on screen
(checked in issue 15 with ``python -X importtime``): click (the CLI: the probe imports
``duty_desk.cli`` as ``duty-desk`` does), pendulum, platformdirs, pydantic (the
settings), SQLAlchemy and SQLModel (the database, and the first screen's read in its
worker). Not ``holidays`` (duty_desk/opening.py keeps the bank holidays it worked out,
so a start does not load it) nor Textual's form widgets (loaded with the first form):
duty-desk no longer imports them at start, so neither does this.
"""

from __future__ import annotations

from importlib import import_module

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

from bench.libraries import SHARED

for _name in SHARED:  # the same imports as duty-desk
    import_module(_name)


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
