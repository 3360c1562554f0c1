"""A DIALOG+ meeting from start to end, as the team runs it with the person:

1. last time's open actions, each reviewed (done, partly, not done, dropped; escape leaves
   the rest for later);
2. the rating (``screens/dialog_rating.py``);
3. up to three items chosen to talk about (``screens/dialog_choose.py``);
4. for each, the three steps (``screens/dialog_steps.py``) and then its actions
   (``screens/dialog_action.py``), "another action?" after each.

Each step is its own dialog and saves on its own, so leaving part-way keeps what was done.
Runs as an async worker (``push_screen_wait``); reads between steps go to a thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from duty_desk.dialog_views import DialogData
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
    items: int
    actions: int

    def words(self) -> str | None:
        """ "DIALOG+: 1 action reviewed, rating saved, 2 items talked about" (None: nothing)."""
        if self.rating_id is None and not self.reviewed:
            return None
        parts = []
        if self.reviewed:
            parts.append(f"{self.reviewed} action{'s' if self.reviewed != 1 else ''} reviewed")
        if self.rating_id is not None:
            parts.append("rating saved")
        if self.items:
            parts.append(f"{self.items} item{'s' if self.items != 1 else ''} talked about")
        if self.actions:
            parts.append(f"{self.actions} action{'s' if self.actions != 1 else ''} agreed")
        return f"DIALOG+: {', '.join(parts)}"


async def run_session(
    app: Any,
    subject: str,
    data: DialogData,
    network: Sequence[NetworkMemberView],
    staff: Sequence[StaffView],
    *,
    on_day: dt.date,
    meeting_id: int | None = None,
    at_meeting: str = "",
    review_first: bool = True,
) -> SessionDone:
    """Run the steps in turn (inside an async worker); what each saved stays saved."""
    repo = app.repo
    settings = app.config.dialog
    reviewed = 0
    if review_first:
        for action in data.open_actions:
            if not await app.push_screen_wait(ReviewForm(subject, action)):
                break
            reviewed += 1
    rating_id = await app.push_screen_wait(
        DialogRatingScreen(
            subject,
            data,
            on_day=on_day,
            meeting_id=meeting_id,
            at_meeting=at_meeting,
            min_life_rated=settings.min_life_rated,
            min_treatment_rated=settings.min_treatment_rated,
        )
    )
    if rating_id is None:
        return SessionDone(reviewed, None, 0, 0)
    fresh: DialogData = await asyncio.to_thread(repo.dialog, data.client_id)
    rating = next(r for r in fresh.ratings if r.id == rating_id)
    topic_ids = await app.push_screen_wait(ChooseItems(subject, fresh.items, rating))
    if not topic_ids:
        return SessionDone(reviewed, rating_id, 0, 0)
    fresh = await asyncio.to_thread(repo.dialog, data.client_id)
    items = {item.key: item for item in fresh.items}
    topics = [t for t in fresh.topics_of(rating_id) if t.id in topic_ids]
    agreed = 0
    for topic in topics:
        item = items[topic.item_key]
        if not await app.push_screen_wait(StepsForm(subject, item, topic)):
            continue
        while await app.push_screen_wait(ActionForm(subject, item, topic.id, network, staff)):
            agreed += 1
            more = await app.push_screen_wait(
                ConfirmDialog(
                    "Another action?",
                    Text(f"Agree another action on {item.subject}?"),
                    yes="Another",
                    no="Next item",
                )
            )
            if not more:
                break
    return SessionDone(reviewed, rating_id, len(topics), agreed)
