"""The client record's sections: what one section (or a part of one) supplies.

The record screen (screens/record.py) shows one client: a header, then one section at a
time (network, meetings, crisis and risk, admissions, history), each a table of rows with
the selected row in full below. A section is a subclass of :class:`RecordSection`, in its
own module, registered with ONE line in ``screens/record.py``'s ``SECTIONS`` (its dotted
name, e.g. ``"screens.record_network.NetworkSection"``). Nothing else changes: the screen
builds its bindings, its tables, its section tabs and its palette commands from them.

What a section declares (class attributes):

- ``name``: a short unique name (``"network"``); its row keys are prefixed with it.
- ``key`` and ``title``: the key that shows the section (``"n"``, lowercase) and its title
  (``"Network"``). The binding that shows it gets the id ``record_<name>``. Several
  registered classes with the same ``key`` are PARTS OF ONE SECTION (the crisis plan, the
  risk summary and the safeguarding flags all show under ``c``): the first registered gives
  the title and the columns, the rows are shown one part after another in registration
  order, each row's detail and actions are its own part's. ``key = ""``: a part of every
  section (its bindings work whichever section is shown; it has no rows), e.g. the GP
  letter and the export.
- ``COLUMNS``: ``(key, header, width)`` of its table (the last one grows with the
  terminal; a part of another's section uses that section's column keys).
- ``BINDINGS``: its own keys. Each names a method of the SECTION, ids prefixed
  ``record_``: ``Binding("a", "add", "Add", id="record_network_add")`` runs
  ``section.action_add(screen)``. They are active and in the footer only while the section
  is shown (the screen's ``check_action``), so the same key may mean different things in
  different sections. Each is also a palette command (ctrl+p) while the section is shown,
  named by its ``tooltip`` (or its description) with the client's name beside it.

What a section computes (called by the screen; ``record`` is the
:class:`~duty_desk.views.ClientRecordView`, ``extra`` what :meth:`read` returned):

- :meth:`read` ``(repo, record)``: in the load worker (a thread), after the record is read:
  any extra data the section needs (one repository call, cheap); ``None`` by default.
- :meth:`rows` ``(record, extra, ctx)``: in the worker too: ``(key, item, cells)`` per
  row, cells a dict column key -> ``rich.text.Text`` (user text through
  ``screens.literal``: ``cell()``/``literal()``, never markup strings).
- :meth:`count` ``(record, extra, ctx)``: how many rows :meth:`rows` gives, for the section
  tabs (only the shown section is drawn when the record is read; the others when shown).
  By default it draws them; a part with many rows counts them without drawing.
- :meth:`detail` ``(item, record, extra, ctx)``: on the UI thread: the pane's ``Text`` for
  the selected row (``item`` None: the section is empty; say what is missing and how to
  add it, never a pretend row).
- :meth:`markers` ``(record, extra, ctx)``: short ``Text`` items for the header's marker
  line (an open safeguarding flag, a crisis plan); every registered part is asked,
  whichever section is shown.
- :meth:`notes` ``(record, extra, ctx)``: the same for the end of the header's third line
  (the least important words there: the latest Friends and Family Test answer).

How an action reaches the screen: ``action_<name>(self, screen)`` gets the
:class:`~screens.record.RecordScreen`; it uses ``screen.record`` (the client shown),
``screen.extra(self)``, ``screen.selected(self)`` (this part's selected row item, or None),
``screen.when_permitted(then)`` (staff only), ``screen.app.push_screen(...)``,
``screen.saved(note)`` after a dialog saved (notice naming the client, read again) and
``screen.in_worker(work, note)`` to run a repository call off the UI thread then do the
same. ``screen.subject`` is the client's name as the notices say it: every notice and
dialog title names the client, so a change is never made against the wrong record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding

from duty_desk.config import Config
from duty_desk.views import ClientRecordView, StaffView

if TYPE_CHECKING:
    from duty_desk.repository import Repository

Cells = dict[str, Text]
SectionRow = tuple[str, Any, Cells]  # key (unique within the part), item, cells by column


@dataclass(frozen=True)
class RecordContext:
    """What drawing needs besides the record: the settings, the time of the read, staff
    tags (as on every screen) and privacy mode."""

    config: Config
    now: dt.datetime
    tags: Mapping[int, str]
    staff: Mapping[int, StaffView]
    private: bool = False

    @property
    def tz(self) -> str:
        return self.config.team.timezone


class RecordSection:
    """One section of the client record, or a part of one (see the module docstring)."""

    name: ClassVar[str] = ""
    key: ClassVar[str] = ""
    title: ClassVar[str] = ""
    COLUMNS: ClassVar[Sequence[tuple[str, str, int]]] = (
        ("what", "What", 20),
        ("when", "When", 16),
        ("about", "About", 30),
    )
    BINDINGS: ClassVar[list[Binding]] = []
    EMPTY: ClassVar[str] = "Nothing recorded yet."
    # Where this part's header markers go: lower first (a safeguarding flag, 0, comes right
    # after the name, before a crisis plan's or a hospital stay's).
    MARKER_RANK: ClassVar[int] = 10

    def read(self, repo: Repository, record: ClientRecordView) -> Any:
        """Extra data for this section (worker thread); None when the record is enough."""
        return None

    def rows(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[SectionRow]:
        """The section's rows, drawn (worker thread)."""
        return []

    def count(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> int:
        """How many rows :meth:`rows` gives (worker thread); override when drawing is dear."""
        return len(self.rows(record, extra, ctx))

    def detail(self, item: Any, record: ClientRecordView, extra: Any, ctx: RecordContext) -> Text:
        """The pane below the table for ``item`` (None: the section has no rows)."""
        return Text(self.EMPTY, end="")

    def markers(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[Text]:
        """Short markers for the header (e.g. ``SAFEGUARDING``), whichever section is shown."""
        return []

    def notes(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[Text]:
        """Short items for the END of the header's third line (after the episode's dates):
        the least important words of the header, cut first at a narrow width (issue 14:
        the latest Friends and Family Test answer)."""
        return []

    @classmethod
    def show_binding_id(cls) -> str:
        return f"record_{cls.name}"
