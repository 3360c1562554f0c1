"""A DataTable for long lists with fixed-width columns and one-line rows: it skips
DataTable's per-cell measuring (about 0.3-0.4 ms a row, which changes nothing when every
column has a fixed width) and adds many rows at once. It reaches into DataTable's
internals, so it is tied to the pinned Textual version (the board and day tests and
snapshots catch a break)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from textual.widgets import DataTable
from textual.widgets.data_table import DuplicateKey, RowKey
from textual.widgets.data_table import Row as DataTableRow


class FixedTable(DataTable[Any]):
    """DataTable, faster when every column has a fixed width and rows are one line."""

    def _fixed_widths(self) -> bool:
        return not any(column.auto_width for column in self.columns.values())

    def _update_dimensions(self, new_rows: Iterable[Any]) -> None:
        super()._update_dimensions(() if self._fixed_widths() else new_rows)

    def _update_column_widths(self, updated_cells: set[Any]) -> None:
        if self._fixed_widths():  # the same measuring, for changed cells
            self._require_update_dimensions = True
            return
        super()._update_column_widths(updated_cells)

    def add_rows_at_end(self, rows: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """``add_row`` for each (key, cells in column order), its per-row work (the cursor
        re-checked, an idle check, about 60 us a row) done once for the lot."""
        if len(rows) < 8:
            for key, cells in rows:
                self.add_row(*cells, key=key)
            return
        was_empty = self.row_count == 0
        columns = [column.key for column in self.ordered_columns]
        locations = self._row_locations
        for key, cells in rows:
            row_key = RowKey(key)
            if row_key in locations:
                raise DuplicateKey(f"The row key {row_key!r} already exists.")
            locations[row_key] = len(self.rows)
            self._data[row_key] = dict(zip(columns, cells, strict=True))
            self.rows[row_key] = DataTableRow(row_key, 1)
            self._new_rows.add(row_key)
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if was_empty and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self._update_count += 1
        self.check_idle()
