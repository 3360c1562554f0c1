"""The NHS Friends and Family Test, asked and recorded (issue 14, fft): "Overall, how was
your experience of our service?", one of six answers chosen by keyboard (a digit 1-6, or
the arrows), an optional "Why?" in the person's words, and the day it was given (today
unless changed).

The focus moves only where the screen shows it (found by the probe: a digit used to jump
to "Why?" unseen, and a Tab after it put the comment in the date). A digit chooses the
answer and the focus stays on the answers (another digit changes it); Tab or Enter goes
on to "Why?", Tab again to the date. A letter typed on the answers starts the "Why?": the
focus moves there with it. The field with the focus has its label in reverse, so where
the typing goes is seen without colour too.

Opened with ``f`` in any section of the client record (screens/record_fft.py), and offered
next after a discharge (screens/discharge_form.py, ``at_discharge=True``): escape skips it
there in one key (nothing is recorded). The title and the first line name the client, so
an answer is never recorded against the wrong person. The answer's words are the NHS
wording (``vocabulary.FFT_ANSWER_LONG``); what is stored is the answer's value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from duty_desk.errors import InputErrors
from duty_desk.vocabulary import FFT_ANSWER_LONG, FFT_QUESTION, FftAnswer

from .absence_form import read_date
from .flag_marker import subject
from .forms import FormScreen
from .literal import assemble
from .widgets import NotesArea, TextInput

ANSWERS: tuple[FftAnswer, ...] = tuple(FftAnswer)  # the NHS order: 1 very good ... 6 don't know
CHOSEN = "(*)"
NOT_CHOSEN = "( )"
"""How the answers show which is chosen: in characters, not only in colour (NO_COLOR)."""


class AnswerPicker(Widget, can_focus=True):
    """The six answers, one a line, numbered; the chosen one marked ``(*)``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next answer", show=False, id="fft_answer_down"),
        Binding("up", "move(-1)", "Previous answer", show=False, id="fft_answer_up"),
        *(
            Binding(str(n), f"choose({n})", FFT_ANSWER_LONG[a], show=False, id=f"fft_answer_{n}")
            for n, a in enumerate(ANSWERS, start=1)
        ),
        Binding(
            "enter",
            "app.focus_next",
            "Why?",
            id="fft_answer_next",
            tooltip="Go on to the person's own words on why (optional)",
        ),
    ]
    """
    | key        | id                  | action                                          |
    |------------|---------------------|-------------------------------------------------|
    | 1-6        | fft_answer_1 ... _6 | choose that answer (the focus stays here)       |
    | down / up  | fft_answer_down/_up | choose the next / previous answer               |
    | enter, tab | fft_answer_next     | go on to "Why?"                                 |
    | a letter   |                     | start the "Why?" with it (the focus moves there) |
    """

    COMPONENT_CLASSES = {"answer-picker--chosen"}
    DEFAULT_CSS = """
    AnswerPicker { height: 6; width: 1fr; }
    AnswerPicker > .answer-picker--chosen { text-style: bold; }
    AnswerPicker:focus > .answer-picker--chosen { text-style: reverse bold; }
    """

    value: reactive[str] = reactive("", init=False)  # an FftAnswer value; "" none chosen yet

    @dataclass
    class Changed(Message):
        picker: AnswerPicker

        @property
        def control(self) -> AnswerPicker:
            return self.picker

    def render(self) -> Text:
        chosen_style = self.get_component_rich_style("answer-picker--chosen")
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        for n, answer in enumerate(ANSWERS, start=1):
            chosen = answer.value == self.value
            line = f"{n} {CHOSEN if chosen else NOT_CHOSEN} {FFT_ANSWER_LONG[answer]}"
            text.append(line, style=chosen_style if chosen else "")
            if n < len(ANSWERS):
                text.append("\n")
        return text

    def watch_value(self) -> None:
        self.refresh()
        self.post_message(self.Changed(self))

    def action_move(self, step: int) -> None:
        values = [a.value for a in ANSWERS]
        if self.value not in values:
            self.value = values[0] if step > 0 else values[-1]
            return
        index = values.index(self.value) + step
        self.value = values[max(0, min(index, len(values) - 1))]

    def action_choose(self, n: int) -> None:
        self.value = ANSWERS[n - 1].value

    def on_key(self, event: events.Key) -> None:
        """A letter (or other printable character, not a digit) typed here starts the
        "Why?": the focus moves there and the character lands in it, where the cursor is
        then shown. A digit is always about the answer (7-9, 0 choose nothing)."""
        char = event.character
        if char is None or not char.isprintable() or char.isdigit() or char == " ":
            return
        event.stop()
        event.prevent_default()
        self.post_message(self.StartWhy(self, char))

    @dataclass
    class StartWhy(Message):
        picker: AnswerPicker
        text: str


class FftDialog(FormScreen[int]):
    """Dismisses with the answer's id once recorded, None when cancelled or skipped."""

    FIELDS = ("answer", "comment", "answered_on")
    ALIASES = {"date": "answered_on", "why": "comment"}
    CONFIRM = "Record answer"

    def __init__(
        self,
        client_id: int,
        client_name: str,
        flags: Sequence[str] = (),
        *,
        at_discharge: bool = False,
    ) -> None:
        super().__init__(f"Friends and Family Test: {client_name}")
        self.client_id = client_id
        self.client_name = client_name
        self.flags = tuple(flags)  # open safeguarding flags: the SG marker beside the name
        self.at_discharge = at_discharge

    def compose_intro(self) -> ComposeResult:
        how = (
            "Offered at discharge: escape skips it (nothing is recorded)."
            if self.at_discharge
            else "Ask in these words; the person chooses. Why? is optional."
        )
        yield Static(
            assemble(
                subject(
                    "Client",
                    self.client_name,
                    self.flags,
                    self.app.config,  # type: ignore[attr-defined]
                ),
                f"\n{how}\n",
                (FFT_QUESTION, "bold"),
            ),
            id="intro",
        )

    def compose_fields(self) -> ComposeResult:
        yield from self.field("answer", "Answer (1-6)", AnswerPicker())
        yield from self.field("comment", "Why?", NotesArea(compact=True))
        yield from self.field(
            "answered_on",
            "Answered on",
            TextInput(value="today", placeholder="today, mon, 20/11", compact=True),
        )

    def first_field(self) -> Widget | None:
        return self.query_one("#field-answer", AnswerPicker)

    def text_of(self, name: str) -> str:
        widget = self.query_one(f"#field-{name}")
        if isinstance(widget, AnswerPicker):
            return widget.value
        return super().text_of(name)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The field with the focus is marked (its label in reverse: ``forms.tcss``)."""
        for field in self.query(".field"):
            field.set_class(event.widget in field.children, "-focused")

    def on_answer_picker_start_why(self, event: AnswerPicker.StartWhy) -> None:
        why = self.query_one("#field-comment", NotesArea)
        self.set_focus(why)
        why.insert(event.text)

    def on_answer_picker_changed(self, event: AnswerPicker.Changed) -> None:
        """The answer that is being corrected loses its old message."""
        event.picker.remove_class("-has-error")
        for error in self.query("#error-answer"):
            error.display = False

    def save_values(self, values: Mapping[str, str]) -> int:
        tz = self.app.config.team.timezone  # type: ignore[attr-defined]
        errors: dict[str, str] = {}
        if not values["answer"]:
            errors["answer"] = "choose an answer: a digit 1-6, or the arrows"
        try:
            answered_on = read_date(values["answered_on"], "answered_on", tz, past=True)
        except InputErrors as exc:
            errors.update(exc.errors)
        if errors:
            raise InputErrors(errors)
        repo = self.app.repo  # type: ignore[attr-defined]
        return int(
            repo.record_fft_answer(
                self.client_id,
                values["answer"],
                values["comment"],
                answered_on,
                self.at_discharge,
            )
        )
