"""Small widgets shared by the screens: the title bar, the weekly intake line, inputs,
a footer that is rebuilt only when its keys change.

Everything that shows user or settings text builds ``rich.text.Text``
through ``screens.literal``; nothing here parses markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.css.query import NoMatches
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Checkbox, Input, SelectionList, Static, TextArea
from textual.widgets.option_list import OptionDoesNotExist

from duty_desk.views import AreaIntake, StaffView

from .literal import assemble, literal
from .registry import SCREENS


class TextInput(Input):
    """An ``Input`` that does not blink when the app runs headless (tests, snapshots)."""

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.cursor_blink = False


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


class TitleBar(Horizontal):
    """One line: the team's name, the screens (screens/registry.py) with their keys (the
    current one, given by its binding id, highlighted), who is acting (or VIEW ONLY), and
    the palette key."""

    DEFAULT_CSS = """
    TitleBar {
        height: 1;
        dock: top;
        background: $panel;
    }
    TitleBar #team { width: 1fr; padding: 0 1; text-style: bold; }
    TitleBar #who { width: auto; max-width: 50%; padding: 0 1; }
    TitleBar #palette-hint { width: auto; padding: 0 1; color: $text-muted; }
    TitleBar #tabs { width: auto; padding: 0 1 0 0; }
    TitleBar #privacy { width: auto; padding: 0 1 0 0; color: $text-muted; }
    TitleBar.-private #privacy { background: $warning; color: $text; text-style: bold; }
    TitleBar.-view-only #who { background: $warning; color: $text; text-style: bold; }
    """

    def __init__(self, team: str, current: str = "show_queue") -> None:
        super().__init__()
        self._team = team
        self._current = current

    def compose(self) -> ComposeResult:
        yield Static(literal(self._team), id="team")
        yield Static(self._tabs(), id="tabs")
        private = getattr(self.app, "privacy", False)
        self.set_class(private, "-private")
        yield Static(self._privacy_label(private), id="privacy")
        yield Static(Text("Loading..."), id="who")
        key = self.app.get_key_display(Binding(self.app.COMMAND_PALETTE_BINDING, "command_palette"))
        yield Static(Text(f"{key} commands"), id="palette-hint")

    def _privacy_label(self, private: bool) -> Text:
        keys = {
            binding.id: binding for binding in self.app.BINDINGS if isinstance(binding, Binding)
        }
        binding = keys.get("toggle_privacy")
        key = self.app.get_key_display(binding) if binding is not None else "?"
        return Text("PRIVATE" if private else f"{key} hide")

    def show_privacy(self, private: bool) -> None:
        self.set_class(private, "-private")
        self.query_one("#privacy", Static).update(self._privacy_label(private))

    def _tabs(self) -> Text:
        keys = {
            binding.id: binding for binding in self.app.BINDINGS if isinstance(binding, Binding)
        }
        text = Text()
        for entry in SCREENS:
            binding = keys.get(entry.binding_id)
            key = self.app.get_key_display(binding) if binding is not None else "?"
            style = "reverse bold" if entry.binding_id == self._current else ""
            text.append(f"{key} {entry.title}", style=style)
            text.append(" ")
        return text

    def show_actor(self, login: str, staff: StaffView | None) -> None:
        who = self.query_one("#who", Static)
        self.set_class(staff is None, "-view-only")
        if staff is None:
            who.update(assemble("VIEW ONLY: ", literal(login)))
        else:
            who.update(assemble(literal(staff.name), " (", literal(staff.login), ")"))


def week_label(intake: AreaIntake) -> str:
    return f"{intake.week_start.day} {intake.week_start.strftime('%b')}"


class IntakeBar(Widget):
    """Weekly intake per area, always visible; the long sentence when it fits, else short."""

    DEFAULT_CSS = """
    IntakeBar {
        height: auto;
        max-height: 2;
        padding: 0 1;
        background: $boost;
    }
    """

    intake: reactive[tuple[AreaIntake, ...]] = reactive((), layout=True)

    def show(self, intake: Sequence[AreaIntake]) -> None:
        self.intake = tuple(intake)

    def render(self) -> Text:
        items = self.intake
        if not items:
            return Text("Weekly intake: loading...")
        width = max(self.content_size.width, 20)
        text = Text(end="")
        long = [item.label() for item in items]
        if len("  ".join(long)) <= width:
            for index, item in enumerate(items):
                if index:
                    text.append("  ")
                text.append_text(literal(item.label(), _intake_style(item)))
            return text
        weeks = {item.week_start for item in items}
        head = f"Places left w/c {week_label(items[0])}:" if len(weeks) == 1 else "Places left:"
        text.append(head, style="bold")
        for item in items:
            text.append("  ")
            label = (
                item.short_label()
                if len(weeks) == 1
                else f"{item.short_label()} (w/c {week_label(item)})"
            )
            text.append_text(literal(label, _intake_style(item)))
        return text

    def get_content_height(self, container, viewport, width: int) -> int:  # type: ignore[no-untyped-def]
        return max(1, min(2, self.render().cell_len // max(width, 1) + 1))


def _intake_style(item: AreaIntake) -> str:
    if item.places_left == 0:
        return "bold reverse"
    if item.places_left == 1:
        return "bold"
    return ""
