"""Small widgets shared by the screens: the title bar, the weekly intake line, inputs,
a footer that is rebuilt only when its keys change. The form widgets (tick boxes, pick
lists, the notes field) live in screens/form_widgets.py and are still found here by name.

Everything that shows user or settings text builds ``rich.text.Text``
through ``screens.literal``; nothing here parses markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Static

from duty_desk.views import AreaIntake, StaffView

from .literal import assemble, literal
from .registry import SCREENS

if TYPE_CHECKING:
    from .form_widgets import TICKED as TICKED
    from .form_widgets import UNTICKED as UNTICKED
    from .form_widgets import NotesArea as NotesArea
    from .form_widgets import PickedLine as PickedLine
    from .form_widgets import PickList as PickList
    from .form_widgets import TickBox as TickBox

FORM_WIDGETS = frozenset({"TICKED", "UNTICKED", "NotesArea", "PickedLine", "PickList", "TickBox"})


def __getattr__(name: str) -> Any:
    """The form widgets (screens/form_widgets.py) by the names they have always had here,
    loaded when a form first needs them: their Textual bases (TextArea, Checkbox,
    SelectionList) cost start-up time and are on no first screen (issue 15)."""
    if name in FORM_WIDGETS:
        from . import form_widgets

        return getattr(form_widgets, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class TextInput(Input):
    """An ``Input`` that does not blink when the app runs headless (tests, snapshots)."""

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.cursor_blink = False


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
