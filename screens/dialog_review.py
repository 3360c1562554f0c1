"""DIALOG+ begins with what was agreed last time: one open action reviewed as done, partly
done, not done or dropped, with a note (why, when dropped). Partly and not done stay open
and come up again next time; done and dropped close the action."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.widgets import Select, Static

from duty_desk.dialog_views import ActionView
from duty_desk.vocabulary import ACTION_STATUS_LONG, ActionStatus

from .forms import FormScreen
from .literal import assemble, literal
from .widgets import TextInput

OUTCOMES = [
    (ACTION_STATUS_LONG[s], s.value)
    for s in (ActionStatus.done, ActionStatus.partly, ActionStatus.not_done, ActionStatus.dropped)
]


class ReviewForm(FormScreen[bool]):
    """Dismisses with True once the review is saved, None when closed (left for later)."""

    FIELDS = ("outcome", "note")
    CONFIRM = "Save review"

    def __init__(
        self,
        subject: str,
        action: ActionView,
        rating_id: int | None = None,
        *,
        place: tuple[int, int] | None = None,
    ) -> None:
        """``place``: (n, of) when it is one of last time's actions in a DIALOG+ meeting."""
        of = f" ({place[0]} of {place[1]})" if place is not None and place[1] > 1 else ""
        super().__init__(f"DIALOG+: last time's action{of}")
        self.subject = subject
        self.action = action
        self.rating_id = rating_id
        self.place = place

    def compose_intro(self) -> ComposeResult:
        action = self.action
        who = action.owner_name or "the person"
        yield Static(
            assemble(
                ("Client: ", "bold"),
                literal(self.subject),
                "\n",
                ("Action: ", "bold"),
                literal(action.what),
                "\n",
                ("Who: ", "bold"),
                literal(who),
                f"   by {action.due_on.strftime('%a %d %b %Y')}",
                "\nescape: not now, it stays open for next time" if self.place else "",
            ),
            id="intro",
        )

    def compose_fields(self) -> ComposeResult:
        yield from self.field(
            "outcome", "How did it go", Select(OUTCOMES, prompt="choose", compact=True)
        )
        yield from self.field(
            "note", "Note", TextInput(placeholder="optional; why, if dropped", compact=True)
        )

    def save_values(self, values: Mapping[str, str]) -> bool:
        from duty_desk.errors import InputErrors

        if not values["outcome"]:
            raise InputErrors({"outcome": "choose how it went: done, partly, not done, dropped"})
        self.app.repo.review_dialog_action(  # type: ignore[attr-defined]
            self.action.id,
            values["outcome"],
            values["note"],
            rating_id=self.rating_id,
            expected_version=self.action.version,
        )
        return True
