"""The widgets of forms and dialogs: the notes field, tick boxes and pick lists that read
"[x]" and "[ ]", and the "Picked: ..." line. Kept apart from screens/widgets.py (which
still finds them by name) so that the first screen does not load their Textual bases
(TextArea, Checkbox, SelectionList): issue 15, start-up.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.css.query import NoMatches
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Checkbox, SelectionList, TextArea
from textual.widgets.option_list import OptionDoesNotExist


class NotesArea(TextArea):
    """A compact multi-line field for notes; no blink when headless."""

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.cursor_blink = False


TICKED = "[x]"
UNTICKED = "[ ]"
"""How every tick box and pick list shows its state: in characters, not only in colour
(256 colours, NO_COLOR, a screen reader all read "[x]" and "[ ]")."""


class TickBox(Checkbox):
    """A check box that reads "[x] label" when ticked and "[ ] label" when not."""

    DEFAULT_CSS = """
    TickBox.-on > .toggle--label { text-style: bold; }
    """

    def render(self) -> Content:
        mark = TICKED if self.value else UNTICKED
        return Content.assemble((mark, "bold" if self.value else ""), " ", self.label)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return len(TICKED) + 1 + self.label.cell_length

    def on_mount(self) -> None:
        self.tell_picked_lines()

    def on_unmount(self) -> None:
        self.tell_picked_lines()

    def on_checkbox_changed(self) -> None:  # then it bubbles on as usual
        self.tell_picked_lines()

    def tell_picked_lines(self) -> None:
        """Every "Picked: ..." line of this screen reads the boxes again."""
        try:
            lines = list(self.screen.query(PickedLine))
        except (NoMatches, LookupError):  # no screen (being removed)
            return
        for line in lines:
            line.refresh(layout=True)


class PickList(SelectionList[int]):
    """A selection list whose boxes read "[x]" (picked) and "[ ]" (not), like :class:`TickBox`.

    Space ticks and unticks; Enter moves on to the next field, as in every form (a tired
    Enter meant as "done" must not silently untick someone)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "app.focus_next", "Next field", show=False)
    ]

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        segments = list(line)
        if len(segments) < 3:
            return line
        mark = TICKED if option.value in self.selected else UNTICKED
        left, inner, right = segments[:3]
        return Strip(
            [
                Segment(mark[0], left.style),
                Segment(mark[1], inner.style),
                Segment(mark[2], right.style),
                *segments[3:],
            ]
        )


class PickedLine(Widget):
    """ "Picked: A, B" in words, for the tick boxes inside the container ``of`` (a selector)."""

    DEFAULT_CSS = """
    PickedLine { height: auto; width: 1fr; color: $text-muted; }
    """

    def __init__(self, of: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.of = of

    def picked(self) -> list[str]:
        try:
            boxes = self.screen.query_one(self.of).query(TickBox)
        except NoMatches:
            return []
        return [box.label.plain for box in boxes if box.value]

    def render(self) -> Text:
        names = self.picked()
        return Text(f"Picked ({len(names)}): {', '.join(names)}" if names else "Picked: nobody")
