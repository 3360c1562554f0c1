"""DIALOG+, after the rating: the person chooses up to three items to talk about.

Every item is listed with its rating and whether help is wanted (``HELP``); those with
help wanted and the lowest rated are marked suggested (``*``) and come first (``dialog_scale.suggested_items``),
but nothing is ticked for the person: they decide. Space ticks and unticks; a fourth is
refused in words; ctrl+s (or Enter on Save) records the choice. Saving nothing is allowed
(the person may not want to talk about any item today): escape closes.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from duty_desk.dialog_scale import Item, suggested_items
from duty_desk.dialog_views import MAX_TOPICS, DialogRatingView

from . import dialog_words
from .forms import FormScreen
from .literal import assemble, literal
from .widgets import PickList


class ChooseItems(FormScreen[tuple[int, ...]]):
    """Dismisses with the chosen items' topic ids (in order), None when closed."""

    FIELDS = ("items",)
    CONFIRM = "Talk about these"

    def __init__(self, subject: str, items: tuple[Item, ...], rating: DialogRatingView) -> None:
        super().__init__("DIALOG+: which items to talk about? (up to three)")
        self.subject = subject
        self.items = items
        self.rating = rating
        answers = {a.item_key: a for a in rating.answers}
        self.suggested = suggested_items(
            {k: a.score for k, a in answers.items()},
            {k: a.help_wanted for k, a in answers.items()},
            items,
        )
        order = {key: n for n, key in enumerate(self.suggested)}
        self.listed = sorted(items, key=lambda i: order.get(i.key, len(order)))

    def compose_intro(self) -> ComposeResult:
        yield Static(
            assemble(
                ("Client: ", "bold"),
                literal(self.subject),
                "\nThe person chooses (space ticks). * suggested: more help wanted, then "
                "the lowest rated.",
            ),
            id="intro",
        )

    def compose_fields(self) -> ComposeResult:
        answers = {a.item_key: a for a in self.rating.answers}
        options = []
        for index, item in enumerate(self.listed):
            answer = answers.get(item.key)
            said = dialog_words.answer(answer.score if answer else None)
            # the marks first, so a narrow terminal (60x20) cuts the words, never them
            label = Text("* " if item.key in self.suggested else "  ", end="")
            wanted = answer is not None and answer.help_wanted
            label.append("HELP " if wanted else "     ", "bold" if wanted else "")
            label.append(f"{dialog_words.short_name(item)}: {said}")
            options.append(Selection(label, index))
        yield from self.field("items", "Items", PickList(*options, compact=True))

    def values(self) -> dict[str, str]:
        picked = self.query_one("#field-items", SelectionList).selected
        return {"items": ",".join(self.listed[i].key for i in sorted(picked))}

    def save_values(self, values: Mapping[str, str]) -> tuple[int, ...]:
        from duty_desk.errors import InputErrors

        keys = [key for key in values["items"].split(",") if key]
        if len(keys) > MAX_TOPICS:
            raise InputErrors(
                {"items": f"up to {MAX_TOPICS} items: {len(keys)} are ticked, untick some"}
            )
        if not keys:
            raise InputErrors({"items": "tick an item to talk about, or escape to skip DIALOG+"})
        repo = self.app.repo  # type: ignore[attr-defined]
        result: tuple[int, ...] = repo.choose_dialog_items(self.rating.id, keys)
        return result
