"""A DIALOG+ meeting from start to end, as the team runs it with the person:

1. last time's open actions, each reviewed (done, partly, not done, dropped); escape leaves
   that one open for next time and goes on to the next (found by the probe: it used to skip
   every review after it);
2. the rating (``screens/dialog_rating.py``);
3. up to three items chosen to talk about (``screens/dialog_choose.py``);
4. for each, the three steps (``screens/dialog_steps.py``) and then its actions
   (``screens/dialog_action.py``), "another action?" after each. An item is "talked about"
   once its steps are saved; one whose steps were escaped stays chosen but is not counted
   (nor shown as talked about in the record).

Each step is its own dialog and saves on its own, so leaving part-way keeps what was done.
Each dialog's answer opens the next (:class:`DialogSession`); reads between steps run in a
thread worker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.widget import Widget

from duty_desk.dialog_scale import Item
from duty_desk.dialog_views import ActionView, DialogData, TopicView
from duty_desk.views import NetworkMemberView, StaffView

from .confirm import ConfirmDialog
from .dialog_action import ActionForm
from .dialog_choose import ChooseItems
from .dialog_rating import DialogRatingScreen
from .dialog_review import ReviewForm
from .dialog_steps import StepsForm


@dataclass(frozen=True)
class SessionDone:
    """What a session did, for the notice after it."""

    reviewed: int
    rating_id: int | None
    items: int  # items talked about: their steps saved
    actions: int
    left_open: int = 0  # last time's actions escaped: still open, for next time

    def words(self) -> str | None:
        """ "DIALOG+: 1 action reviewed, 1 left open, rating saved, 2 items talked about"
        (None: nothing saved)."""
        if self.rating_id is None and not self.reviewed:
            return None
        parts = []
        if self.reviewed:
            parts.append(f"{self.reviewed} action{'s' if self.reviewed != 1 else ''} reviewed")
        if self.left_open:
            parts.append(f"{self.left_open} left open for next time")
        if self.rating_id is not None:
            parts.append("rating saved")
        if self.items:
            parts.append(f"{self.items} item{'s' if self.items != 1 else ''} talked about")
        if self.actions:
            parts.append(f"{self.actions} action{'s' if self.actions != 1 else ''} agreed")
        return f"DIALOG+: {', '.join(parts)}"


class DialogSession:
    """One DIALOG+ meeting, step by step: each dialog's answer opens the next (no worker is
    held while the person answers); the reads between steps run in a thread on ``host``.
    ``finished`` gets what was done, whenever the session ends."""

    def __init__(
        self,
        host: Widget,
        subject: str,
        data: DialogData,
        network: Sequence[NetworkMemberView],
        staff: Sequence[StaffView],
        finished: Callable[[SessionDone], None],
        *,
        on_day: dt.date,
        meeting_id: int | None = None,
        at_meeting: str = "",
    ) -> None:
        self.host = host
        self.app: Any = host.app
        self.subject = subject
        self.data = data
        self.network = network
        self.staff = staff
        self.finished = finished
        self.on_day = on_day
        self.meeting_id = meeting_id
        self.at_meeting = at_meeting
        self.reviewed = 0
        self.left_open = 0
        self.rating_id: int | None = None
        self.topics: list[TopicView] = []
        self.items = 0
        self.agreed = 0

    def start(self) -> None:
        self._review(list(self.data.open_actions))

    # -- 1. last time's actions -----------------------------------------------------------------
    def _review(self, left: list[ActionView]) -> None:
        total = len(self.data.open_actions)
        if not left:
            self._rate()
            return

        def answered(done: bool | None) -> None:
            if done:
                self.reviewed += 1
            else:  # escape: this one stays open for next time; the next is asked
                self.left_open += 1
            self._review(left[1:])

        place = (total - len(left) + 1, total)
        self.app.push_screen(ReviewForm(self.subject, left[0], place=place), answered)

    # -- 2. the rating --------------------------------------------------------------------------
    def _rate(self) -> None:
        settings = self.app.config.dialog

        def rated(rating_id: int | None) -> None:
            if rating_id is None:
                self._finish()
            else:
                self.rating_id = rating_id
                self._read(self._choose)

        self.app.push_screen(
            DialogRatingScreen(
                self.subject,
                self.data,
                on_day=self.on_day,
                meeting_id=self.meeting_id,
                at_meeting=self.at_meeting,
                min_life_rated=settings.min_life_rated,
                min_treatment_rated=settings.min_treatment_rated,
            ),
            rated,
        )

    # -- 3. the items chosen ----------------------------------------------------------------------
    def _choose(self, data: DialogData) -> None:
        rating = next(r for r in data.ratings if r.id == self.rating_id)

        def chosen(topic_ids: tuple[int, ...] | None) -> None:
            if not topic_ids:
                self._finish()
                return

            def then(fresh: DialogData) -> None:
                assert self.rating_id is not None
                self.topics = [t for t in fresh.topics_of(self.rating_id) if t.id in topic_ids]
                self.data = fresh
                self._next_topic()

            self._read(then)

        self.app.push_screen(ChooseItems(self.subject, data.items, rating), chosen)

    # -- 4. each item's steps and actions ---------------------------------------------------------
    def _next_topic(self) -> None:
        if not self.topics:
            self._finish()
            return
        topic = self.topics.pop(0)
        item = next(i for i in self.data.items if i.key == topic.item_key)

        def stepped(saved: bool | None) -> None:
            if saved:
                self.items += 1  # talked about: its steps written
                self._action(item, topic)
            else:
                self._next_topic()

        self.app.push_screen(StepsForm(self.subject, item, topic), stepped)

    def _action(self, item: Item, topic: TopicView) -> None:
        def agreed(action_id: int | None) -> None:
            if action_id is None:
                self._next_topic()
                return
            self.agreed += 1
            self.app.push_screen(
                ConfirmDialog(
                    "Another action?",
                    Text(f"Agree another action on {item.subject}?"),
                    yes="Another",
                    no="Next item",
                ),
                lambda more: self._action(item, topic) if more else self._next_topic(),
            )

        self.app.push_screen(
            ActionForm(self.subject, item, topic.id, self.network, self.staff), agreed
        )

    # -- helpers ----------------------------------------------------------------------------------
    def _read(self, then: Callable[[DialogData], None]) -> None:
        client_id = self.data.client_id
        repo = self.app.repo

        def work() -> None:
            fresh = repo.dialog(client_id)
            self.app.call_from_thread(then, fresh)

        self.host.run_worker(
            work, thread=True, group="dialog-read", exit_on_error=False, description="read DIALOG"
        )

    def _finish(self) -> None:
        self.finished(
            SessionDone(self.reviewed, self.rating_id, self.items, self.agreed, self.left_open)
        )
