"""Small widgets shared by the screens: the title bar, the weekly intake line, inputs. The form widgets (tick boxes, pick
lists, the notes field) live in screens/form_widgets.py and are still found here by name.

Everything that shows user or settings text builds ``rich.text.Text``
through ``screens.literal``; nothing here parses markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input

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


class TitleBar(Widget):
    """One line: the team's name, the screens (screens/registry.py) with their keys (the
    current one, given by its binding id, highlighted), the privacy key (or PRIVATE), who
    is acting (or VIEW ONLY), and the palette key.

    Drawn by this one widget, as the row of five it replaces was laid out (issue 15: each
    widget is styled, laid out and drawn at every start, and held by every screen): the
    team's name takes the room the others leave (at least its padding), who is acting at
    most half the line, and what does not fit is cut at the right edge."""

    COMPONENT_CLASSES = {"title-bar--team", "title-bar--muted", "title-bar--warning"}
    DEFAULT_CSS = """
    TitleBar {
        height: 1;
        dock: top;
        background: $panel;
        text-wrap: nowrap;
        text-overflow: clip;
        & > .title-bar--team { text-style: bold; }
        & > .title-bar--muted { color: $text-muted; }
        & > .title-bar--warning { background: $warning; color: $text; text-style: bold; }
    }
    """

    def __init__(self, team: str, current: str = "show_queue") -> None:
        super().__init__()
        self._team = team
        self._current = current
        self._private: bool | None = None  # None: as the app is (read when first drawn)
        self._who = Text("Loading...")

    @property
    def private(self) -> bool:
        """Whether the privacy mode is shown as on."""
        if self._private is None:
            self._private = bool(getattr(self.app, "privacy", False))
            self.set_class(self._private, "-private")
        return self._private

    def _key(self, binding_id: str) -> str:
        keys = {
            binding.id: binding for binding in self.app.BINDINGS if isinstance(binding, Binding)
        }
        binding = keys.get(binding_id)
        return self.app.get_key_display(binding) if binding is not None else "?"

    def privacy_label(self) -> Text:
        return Text("PRIVATE" if self.private else f"{self._key('toggle_privacy')} hide")

    def show_privacy(self, private: bool) -> None:
        self._private = private
        self.set_class(private, "-private")
        self.refresh()

    def tabs(self) -> Text:
        """The screens and their keys, the current one highlighted."""
        text = Text()
        for entry in SCREENS:
            style = "reverse bold" if entry.binding_id == self._current else ""
            text.append(f"{self._key(entry.binding_id)} {entry.title}", style=style)
            text.append(" ")
        return text

    @property
    def who(self) -> Text:
        """Who is acting, as shown."""
        return self._who

    def show_actor(self, login: str, staff: StaffView | None) -> None:
        self.set_class(staff is None, "-view-only")
        if staff is None:
            self._who = assemble("VIEW ONLY: ", literal(login))
        else:
            self._who = assemble(literal(staff.name), " (", literal(staff.login), ")")
        self.refresh()

    def render(self) -> Text:
        muted = self.get_component_rich_style("title-bar--muted")
        warning = self.get_component_rich_style("title-bar--warning")
        palette = Binding(self.app.COMMAND_PALETTE_BINDING, "command_palette")
        width = self.size.width
        # after the team's name: (text, left and right padding, style, at most this wide)
        parts = [
            (self.tabs(), 0, 1, Style(), None),
            (self.privacy_label(), 0, 1, warning if self.private else muted, None),
            (self._who, 1, 1, warning if self.has_class("-view-only") else Style(), width // 2),
            (Text(f"{self.app.get_key_display(palette)} commands"), 1, 1, muted, None),
        ]
        drawn = [
            _boxed(content, left, right, style, widest)
            for content, left, right, style, widest in parts
        ]
        room = max(2, width - sum(part.cell_len for part in drawn))  # at least its padding
        team = _boxed(literal(self._team), 1, 1, Style(), room, exactly=True)
        team.stylize(self.get_component_rich_style("title-bar--team"))
        line = Text(end="", no_wrap=True, overflow="crop")
        for part in (team, *drawn):
            line.append_text(part)
        return line


def _boxed(
    content: Text, left: int, right: int, style: Style, width: int | None, exactly: bool = False
) -> Text:
    """``content`` with its padding, all in ``style``: as wide as it needs, at most
    ``width`` (``exactly``: that wide), as a widget of that width and padding shows it."""
    need = content.cell_len + left + right
    width = need if width is None else (width if exactly else min(need, width))
    shown = content.copy()
    shown.truncate(max(0, width - left - right), overflow="crop")
    boxed = Text(" " * min(left, width), end="", no_wrap=True)
    boxed.append_text(shown)
    boxed.append(" " * max(0, width - boxed.cell_len))
    boxed.stylize_before(style)
    return boxed


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
