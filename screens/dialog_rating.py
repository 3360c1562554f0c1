"""Rating DIALOG with the person, at the screen together: one item at a time, by keyboard.

Each of the items (from the settings) is asked as "How satisfied are you with ...?". A
digit 1-7 rates the current item and moves to the next; ``-`` leaves it unrated (recorded
as such, never as a number) and moves on; ``h`` toggles "do you want more help with this?"
on the item just answered (the question is asked after the number: found by the probe,
``h`` used to mark the item after it), or on the item the cursor is on once it was moved
(backspace, the arrows); the line under the items names the item ``h`` marks. Backspace
goes back one item. Beside each item: its answer in words and the previous rating ("last
time 3"). Keys typed while a save is on its way are kept and saved after it.

A whole rating is 11 key presses (one per item) plus the help toggles: answering the last
item saves it at once and shows the two scores. A slip is put right by going back
(backspace or the arrows) and answering again: the correction is saved, versioned and
audited item by item. Enter then closes with the rating's id (the DIALOG+ steps come
next); escape closes (asking first when something is answered and not saved).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from duty_desk.dialog_scale import Item, ItemKind, scores
from duty_desk.dialog_views import DialogData, DialogRatingView
from duty_desk.errors import DutyDeskError, InputErrors

from . import dialog_words
from .base import ReportsWorkerErrors
from .closing import DialogFooter
from .key_order import OpensForKeys
from .literal import assemble, literal

Answer = tuple[int | None, bool]  # (1-7 or None, help wanted)


# a sheet line less the item's name and "last time 3": "> 1 " name " " answer (22) " HELP"
LINE = 4 + 1 + 22 + 1 + 4


class RatingSheet(Widget, can_focus=True):
    """The items, one line each, the current one in reverse; answers in words."""

    COMPONENT_CLASSES = {"rating-sheet--current", "rating-sheet--kind", "rating-sheet--help"}
    DEFAULT_CSS = """
    RatingSheet { height: auto; }
    RatingSheet > .rating-sheet--current { text-style: reverse bold; }
    RatingSheet > .rating-sheet--kind { text-style: bold; }
    RatingSheet > .rating-sheet--help { text-style: bold; }
    """

    def __init__(self, screen: DialogRatingScreen) -> None:
        super().__init__(id="sheet")
        self.owner = screen

    def render(self) -> Text:
        owner = self.owner
        current = self.get_component_rich_style("rating-sheet--current")
        bold = self.get_component_rich_style("rating-sheet--kind")
        help_style = self.get_component_rich_style("rating-sheet--help")
        width = min(max((len(dialog_words.short_name(i)) for i in owner.items), default=10), 24)
        # a narrow terminal (60 columns): "last 3", then a name cut short, never a wrap
        room = self.size.width
        tail = len(" last time 7") if owner.previous is not None else 0
        short = 0 < room < LINE + tail + width
        if short:
            tail = len(" last 7") if tail else 0
            width = max(8, min(width, room - LINE - tail))
        lines = Text(end="")
        kind: ItemKind | None = None
        for index, item in enumerate(owner.items):
            if item.kind is not kind:
                kind = item.kind
                lines.append("Life\n" if kind is ItemKind.life else "Treatment\n", bold)
            score = owner.scores.get(item.key)
            wanted = owner.help.get(item.key, False)
            answered = item.key in owner.scores
            mark = ">" if index == owner.position else " "
            name = dialog_words.short_name(item)
            name = (name if len(name) <= width else name[: width - 1] + "…").ljust(width)
            said = dialog_words.answer(score) if answered else "..."
            line = Text(f"{mark}{index + 1:>2} {name} {said:<22} ", end="")
            line.append("HELP" if wanted else "    ", help_style if wanted else "")
            last = owner.last_time(item.key)
            if last:
                line.append(f" {last.replace('last time', 'last') if short else last}")
            if index == owner.position:
                line.stylize(current)
            lines.append_text(line)
            lines.append("\n")
        lines.rstrip()
        return lines


class DialogRatingScreen(ReportsWorkerErrors, OpensForKeys, ModalScreen[int | None]):
    """Dismisses with the saved rating's id, or None when closed before saving."""

    DEFAULT_CSS = """
    DialogRatingScreen { align: center middle; }
    DialogRatingScreen #rating { width: 100%; max-width: 100; height: 100%;
                                 border: round $accent; padding: 0 1; overflow-y: auto; }
    DialogRatingScreen #question { text-style: bold; height: auto; }
    DialogRatingScreen #sheet { margin-top: 1; }
    DialogRatingScreen #status { margin-top: 1; height: auto; }
    """
    BINDINGS = [
        *(
            Binding(
                str(n),
                f"rate({n})",
                "Rate",
                show=n == 1,
                key_display="1-7",
                id=f"dialog_rate_{n}",
            )
            for n in range(1, 8)
        ),
        Binding("minus", "rate(None)", "Unrated", id="dialog_unrated"),
        Binding("h", "toggle_help", "Help?", id="dialog_help"),
        Binding("backspace", "back", "Back", id="dialog_back"),
        Binding("up", "move(-1)", "Up", show=False, id="dialog_up"),
        Binding("down", "move(1)", "Down", show=False, id="dialog_down"),
        Binding("enter", "done", "Done", id="dialog_done"),
        Binding("escape", "close", "Close", id="dialog_close"),
    ]
    """
    | key       | id              | action                                               |
    |-----------|-----------------|------------------------------------------------------|
    | 1 ... 7   | dialog_rate_N   | rate the current item and go to the next             |
    | -         | dialog_unrated  | leave the current item unrated and go to the next    |
    | h         | dialog_help     | "do you want more help with this?" on / off          |
    | backspace | dialog_back     | back one item (answer it again to change it)         |
    | up / down | dialog_up/down  | move between items                                   |
    | enter     | dialog_done     | once saved: close and go on (DIALOG+)                |
    | escape    | dialog_close    | close (asks first if answers are not saved)          |
    """

    @dataclass
    class Saved(Message):
        rating_id: int
        version: int
        answers: dict[str, Answer]  # what this save wrote

    @dataclass
    class Failed(Message):
        problem: str

    def __init__(
        self,
        subject: str,
        data: DialogData,
        *,
        on_day: dt.date,
        meeting_id: int | None = None,
        existing: DialogRatingView | None = None,
        min_life_rated: int,
        min_treatment_rated: int,
        at_meeting: str = "",
    ) -> None:
        super().__init__()
        self.subject = subject
        self.items: tuple[Item, ...] = data.items
        self.previous: DialogRatingView | None = data.latest
        self.client_id = data.client_id
        self.meeting_id = meeting_id
        self.on_day = on_day
        self.at_meeting = at_meeting
        self.minimums = (min_life_rated, min_treatment_rated)
        self.scores: dict[str, int | None] = {}  # answered items (None: left unrated)
        self.help: dict[str, bool] = {}  # "more help?" per item, answered or not yet
        self.position = 0
        self.just_answered: int | None = None  # the item the last 1-7 or - answered
        self.rating_id: int | None = None
        self.version: int | None = None
        self.saved_answers: dict[str, Answer] = {}
        self.saving = False
        self.done_when_saved = False  # Enter came while saving: close once all is saved
        if existing is not None:  # correcting a saved rating: its answers, the one before it
            self.previous = data.previous(existing.id)
            self.rating_id, self.version = existing.id, existing.version
            keys = {item.key for item in self.items}
            for answer in existing.answers:
                if answer.item_key in keys:
                    self.scores[answer.item_key] = answer.score
                    self.help[answer.item_key] = answer.help_wanted
            self.saved_answers = dict(self.answers)

    # -- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="rating"):
            yield Static(self._title(), id="rating-title")
            yield Static(id="question")
            yield RatingSheet(self)
            yield Static(id="status")
        yield DialogFooter(cover=False)  # full screen

    def _title(self) -> Text:
        when = self.on_day.strftime("%a %d %b %Y")
        where = f", {self.at_meeting}" if self.at_meeting else ""
        return assemble(("DIALOG: ", "bold"), literal(self.subject), f"  {when}{where}")

    def on_mount(self) -> None:
        self.query_one(RatingSheet).focus()
        self._show()
        self._fit(self.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.height)

    def _fit(self, height: int) -> None:
        """Under 24 lines (60x20) the blank lines go, so all eleven items still show."""
        roomy = height >= 24
        self.query_one(RatingSheet).styles.margin = (1 if roomy else 0, 0, 0, 0)
        self.query_one("#status", Static).styles.margin = (1 if roomy else 0, 0, 0, 0)

    # -- what "last time" says --------------------------------------------------------------------
    def last_time(self, key: str) -> str:
        if self.previous is None:
            return ""
        before = self.previous.answer(key)
        if before is None:
            return ""
        return f"last time {before.score if before.score is not None else '-'}"

    # -- keys ---------------------------------------------------------------------------------------
    @property
    def answers(self) -> dict[str, Answer]:
        """The answered items: (rating or None, more help wanted)."""
        return {key: (score, self.help.get(key, False)) for key, score in self.scores.items()}

    def action_rate(self, value: int | None) -> None:
        if self.position >= len(self.items):
            return
        self.scores[self.items[self.position].key] = value
        self.just_answered = self.position
        self.position += 1
        self._after_change()

    def help_target(self) -> Item | None:
        """The item ``h`` marks: the one just answered, else the one the cursor is on."""
        index = self.just_answered if self.just_answered is not None else self.position
        return self.items[index] if index < len(self.items) else None

    def action_toggle_help(self) -> None:
        item = self.help_target()
        if item is None:
            return
        self.help[item.key] = not self.help.get(item.key, False)
        self._after_change()

    def action_back(self) -> None:
        if self.position > 0:
            self.position -= 1
            self.just_answered = None
            self._show()

    def action_move(self, step: int) -> None:
        self.position = max(0, min(len(self.items) - 1, self.position + step))
        self.just_answered = None
        self._show()

    def action_done(self) -> None:
        if self.saving and self._complete():
            self.done_when_saved = True  # Enter typed while the last answers are saved
            return
        if self.rating_id is not None and not self.saving and self._unsaved() == {}:
            self.dismiss(self.rating_id)

    def action_close(self) -> None:
        if self.rating_id is not None and self._unsaved() == {}:
            self.dismiss(self.rating_id)
            return
        if not self.scores:
            self.dismiss(None)
            return
        from .forms import discard_question

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(self.rating_id)

        self.app.push_screen(discard_question("this DIALOG rating"), answered)

    # -- saving ---------------------------------------------------------------------------------
    def _complete(self) -> bool:
        return all(item.key in self.scores for item in self.items)

    def _unsaved(self) -> dict[str, Answer]:
        return {k: v for k, v in self.answers.items() if self.saved_answers.get(k) != v}

    def _after_change(self) -> None:
        if self._complete() and self._unsaved() and not self.saving:
            self._save()  # while one is on its way, what changed is saved after it
        self._show()

    def _save(self) -> None:
        self.saving = True
        if self.rating_id is None:
            self._run_save(dict(self.answers), None, None)
        else:
            self._run_save(self._unsaved(), self.rating_id, self.version)

    @work(thread=True, exit_on_error=False, group="write", description="save DIALOG rating")
    def _run_save(
        self, answers: dict[str, Answer], rating_id: int | None, version: int | None
    ) -> None:
        repo = self.app.repo  # type: ignore[attr-defined]
        try:
            if rating_id is None or version is None:
                rating_id = repo.save_dialog_rating(
                    self.client_id, answers, rated_on=self.on_day, meeting_id=self.meeting_id
                )
                version = 1
            else:
                version = repo.correct_dialog_rating(rating_id, answers, expected_version=version)
        except (InputErrors, DutyDeskError) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        assert rating_id is not None
        self.post_message(self.Saved(rating_id, version, answers))

    def on_dialog_rating_screen_saved(self, message: Saved) -> None:
        first = self.rating_id is None
        self.rating_id, self.version = message.rating_id, message.version
        self.saved_answers.update(message.answers)  # keys typed meanwhile: saved next
        self.saving = False
        self.notify(
            f"DIALOG rating {'saved' if first else 'corrected'} for {self.subject}.",
            markup=False,
        )
        if self._unsaved() and self._complete():
            self._save()
        elif self.done_when_saved:
            self.dismiss(self.rating_id)
            return
        self._show()

    def on_dialog_rating_screen_failed(self, message: Failed) -> None:
        self.saving = False
        self.done_when_saved = False
        self.query_one("#status", Static).update(
            assemble(("Not saved: ", "bold"), literal(message.problem))
        )

    # -- showing --------------------------------------------------------------------------------
    def _show(self) -> None:
        question = self.query_one("#question", Static)
        if self.position < len(self.items):
            item = self.items[self.position]
            extra = "  (more help: yes)" if self.help.get(item.key) else ""
            question.update(
                Text(f"{self.position + 1} of {len(self.items)}. {item.question}{extra}")
            )
        else:
            question.update(Text("All items answered."))
        self.query_one(RatingSheet).refresh(layout=True)
        self.query_one("#status", Static).update(self._status())

    def _status(self) -> Text:
        target = self.help_target()
        helping = f"h: more help with {dialog_words.short_name(target)}" if target else ""
        if self.saving:
            return Text("Saving...")
        if not self._complete():
            left = sum(item.key not in self.scores for item in self.items)
            keys = ": 1-7, - for not rated." if self.size.width >= 78 else ";"  # 60x20: one line
            return Text(f"{left} to answer{keys} {helping}.")
        result = scores(
            dict(self.scores),
            self.items,
            min_life_rated=self.minimums[0],
            min_treatment_rated=self.minimums[1],
        )
        rated = " rated" if self.size.width >= 64 else ""  # one line at 60x20 too
        text = assemble(
            ("Quality of life ", "bold"),
            dialog_words.score(result.quality_of_life),
            f" ({result.life_rated}{rated})  ",
            ("Treatment ", "bold"),
            dialog_words.score(result.treatment),
            f" ({result.treatment_rated}{rated})",
        )
        if self.rating_id is not None and not self._unsaved():
            text.append("\nSaved. Enter: DIALOG+; backspace corrects an answer")
            text.append(f"; {helping}." if helping and self.size.width >= 78 else ".")
        return text
