"""The base of every modal form: fields with inline errors, saving in a worker, keep what was typed.

A form lays out its fields with :meth:`FormScreen.field`, gathers the typed
values as strings and hands them to :meth:`FormScreen.save_values`, which
runs in a thread worker and calls the repository. ``InputErrors`` comes back
as one message per field, shown under that field; the values stay as they
were typed and the first bad field gets the focus. Anything else goes to the
one error handler (``screens.base``) and the form stays open.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import var
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from duty_desk.errors import InputErrors

if TYPE_CHECKING:
    from textual.await_complete import AwaitComplete

from .base import ReportsWorkerErrors
from .closing import DialogFooter, dismiss_then_take_down
from .confirm import ConfirmDialog
from .key_order import OpensForKeys
from .literal import assemble, literal

R = TypeVar("R")
# A save usually answers within a few milliseconds: the greyed-out button (and a form's
# "Checking..." note) are shown only when it takes longer than this, so a quick answer is
# painted once rather than after an extra frame (that frame costs more than the query).
BUSY_AFTER_SECONDS = 0.15


def discard_question(title: str) -> ConfirmDialog:
    """Escape on a form with unsaved changes: close it and lose them?"""
    return ConfirmDialog(
        "Discard what you typed?",
        assemble("What you typed in ", literal(title), " is not saved. Close it and lose it?"),
        yes="Discard",
        no="Keep editing",
    )


def _empty(widget: Widget) -> bool:
    if isinstance(widget, Input):
        return not widget.value
    if isinstance(widget, TextArea):
        return not widget.text
    if isinstance(widget, Select):
        return widget.is_blank()
    return False


class FormScreen(ReportsWorkerErrors, OpensForKeys, ModalScreen[R], Generic[R]):
    """A modal form; subclasses define ``compose_fields``, ``values`` and ``save_values``."""

    CSS_PATH = "forms.tcss"
    # No automatic focus: it would land on the fields' scroll box, and moving it to the
    # first field a moment later restyles every field below that box (the focus-within
    # change); ``on_mount`` focuses the first field at once instead.
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form_save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form_cancel"),
    ]
    """
    | key    | id          | action                                  |
    |--------|-------------|-----------------------------------------|
    | ctrl+s | form_save   | save (Enter on the last line also does) |
    | escape | form_cancel | close without saving                    |
    | tab    | (Textual)   | next field                              |
    """

    FIELDS: ClassVar[tuple[str, ...]] = ()
    ALIASES: ClassVar[dict[str, str]] = {}
    CONFIRM = "Save"
    HOLD_FOR_NOTICE: ClassVar[bool] = False
    """Every opener says what was saved in a notice as the form closes: the screen behind is
    painted with it, in one frame (screens/closing.py)."""

    # Not a repainting reactive: the busy look is drawn by ``_show_busy``, and only when
    # the answer is slow (``BUSY_AFTER_SECONDS``).
    saving: var[bool] = var(False, init=False)

    @dataclass
    class Invalid(Message):
        errors: dict[str, str]

    @dataclass
    class Saved(Message):
        result: Any

    def __init__(self, title: str) -> None:
        super().__init__()
        self.form_title = title
        self._baseline: dict[str, str] | None = None  # the values before the first key
        self._busy_timer: Any = None
        self._errors_shown = False  # whether show_errors has shown any since clear_errors

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(self.form_title, style="bold"), id="form-title")
            yield from self.compose_intro()
            with VerticalScroll(id="fields"):
                yield from self.compose_fields()
            yield Static(id="error-form", classes="error")
            with Horizontal(id="buttons"):
                yield Button(self.CONFIRM, id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield DialogFooter()

    def dismiss(self, result: R | None = None) -> AwaitComplete:
        """Close at once; the form's widgets are taken down once the screen behind and the
        opener's notice are painted (screens/closing.py), not before them."""
        hold = self.HOLD_FOR_NOTICE and result is not None
        return dismiss_then_take_down(self, super().dismiss, result, hold)

    def compose_intro(self) -> ComposeResult:
        yield from ()

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def field(self, name: str, label: str, widget: Widget) -> Iterator[Widget]:
        """One labelled field and the (hidden) line for its error message."""
        widget.id = f"field-{name}"
        with Horizontal(classes="field"):
            yield Label(label)
            yield widget
        yield Static(id=f"error-{name}", classes="error")

    def on_mount(self) -> None:
        """Focus the first field to fill in, at once (a subclass's own ``focus()`` in its
        ``on_mount`` is applied after this, so it wins); keys typed meanwhile wait for it
        (``screens/key_order.py``)."""
        first = self.first_field()
        if first is not None:
            self.set_focus(first)

    def first_field(self) -> Widget | None:
        """The first field still to fill in (a new referral: Name, after the prefilled
        "Received at"); the first field when every one has a value."""
        fields = [self.query_one(f"#field-{name}") for name in self.FIELDS]
        focusable = [widget for widget in fields if widget.focusable]
        return next((w for w in focusable if _empty(w)), focusable[0] if focusable else None)

    # -- values and saving ------------------------------------------------------------------
    def text_of(self, name: str) -> str:
        widget = self.query_one(f"#field-{name}")
        if isinstance(widget, Input):
            return widget.value
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Select):
            value = widget.value
            return value if isinstance(value, str) else ""
        raise TypeError(name)

    def values(self) -> dict[str, str]:
        return {name: self.text_of(name) for name in self.FIELDS}

    def save_values(self, values: Mapping[str, str]) -> R:
        """Runs in a worker thread: call the repository; raise ``InputErrors`` for bad input."""
        raise NotImplementedError

    def action_save(self) -> None:
        if self.saving:
            return
        self.clear_errors()
        self.saving = True
        self._save(self.values())

    def action_cancel(self) -> None:
        """Close without saving; if anything was typed or picked, ask first."""
        if not self.changed():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(discard_question(self.form_title), answered)

    # -- unsaved changes ----------------------------------------------------------------------
    def before_typing(self) -> None:
        """Called by the key gate (``screens/key_order.py``) before each key or paste reaches
        this form: what the fields hold before the first one is what "unchanged" means
        (values a form fills in itself as it opens, from a worker too, are not changes)."""
        if self._baseline is None:
            self._baseline = self.values()

    def changed(self) -> bool:
        """Whether the person has typed or picked anything that is not saved."""
        return self._baseline is not None and self.values() != self._baseline

    @work(thread=True, exit_on_error=False, group="save", description="save a form")
    def _save(self, values: dict[str, str]) -> None:
        try:
            result = self.save_values(values)
        except InputErrors as exc:
            self.post_message(self.Invalid(dict(exc.errors)))
            return
        self.post_message(self.Saved(result))

    def watch_saving(self, saving: bool) -> None:
        if self._busy_timer is not None:
            self._busy_timer.stop()
            self._busy_timer = None
        if saving:
            self._busy_timer = self.set_timer(BUSY_AFTER_SECONDS, self._show_busy)
            return
        button = self.query_one("#save", Button)
        if button.disabled:
            button.disabled = False

    def _show_busy(self) -> None:
        self._busy_timer = None
        if self.saving:
            self.query_one("#save", Button).disabled = True
            self.busy_shown()

    def busy_shown(self) -> None:
        """The save is slow: the button is greyed out now; a form may say more."""

    def worker_failed(self, _worker: object) -> None:
        self.saving = False

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.saving = False
        self.dismiss(message.result)

    @on(Invalid)
    def _invalid(self, message: Invalid) -> None:
        self.saving = False
        self.show_errors(message.errors)

    # -- inline errors ----------------------------------------------------------------------------
    def clear_errors(self) -> None:
        if not self._errors_shown:  # nothing to clear: no walk over every widget
            return
        self._errors_shown = False
        for error in self.query(".error"):
            error.display = False
        for widget in self.query(".-has-error"):
            widget.remove_class("-has-error")

    def show_errors(self, errors: Mapping[str, str]) -> None:
        self._errors_shown = True
        first: Widget | None = None
        first_error: Widget | None = None
        general: list[str] = []
        shown: dict[str, str] = {}
        for key, problem in errors.items():
            name = self.ALIASES.get(key, key)
            if name in self.FIELDS:
                shown[name] = f"{shown[name]}; {problem}" if name in shown else problem
            else:
                general.append(f"{key}: {problem}")
        for name in self.FIELDS:
            if name not in shown:
                continue
            error = self.query_one(f"#error-{name}", Static)
            error.update(literal(shown[name], multiline=True))
            error.display = True
            widget = self.query_one(f"#field-{name}")
            widget.add_class("-has-error")
            if first is None:
                first, first_error = widget, error
        if general:
            box = self.query_one("#error-form", Static)
            box.update(literal("\n".join(general), multiline=True))
            box.display = True
        if first is not None:
            first.focus()
            # the message under the field too (a tall form at 80x24 had it just out of sight)
            shown_last = first_error if first_error is not None else first
            self.call_after_refresh(shown_last.scroll_visible, animate=False)

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _edited(self, event: Input.Changed | Select.Changed | TextArea.Changed) -> None:
        """A field that is being corrected loses its old message."""
        widget = event.control
        if widget is None or not widget.has_class("-has-error") or not widget.id:
            return
        widget.remove_class("-has-error")
        name = widget.id.removeprefix("field-")
        for error in self.query(f"#error-{name}"):
            error.display = False

    # -- buttons and enter ----------------------------------------------------------------------------
    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; on the last one-line field it saves."""
        event.stop()
        inputs = [w for w in self.query(Input) if w.id and w.id.startswith("field-")]
        if inputs and event.input is inputs[-1]:
            self.action_save()
        else:
            self.focus_next()
