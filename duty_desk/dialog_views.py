"""Plain objects for DIALOG and DIALOG+ (``duty_desk.repo.dialog``): ratings with their
answers and scores, the items chosen to talk about with their steps, agreed actions and
their reviews, and one client's whole DIALOG.

As in ``duty_desk.views``, personal fields (free text, names) are out of ``repr`` and carry
a Mask for privacy mode; words are made at the edge (the screens, the care-plan export).
"""

import datetime as dt
from fractions import Fraction
from typing import Annotated

from .dialog_scale import Item
from .views import AS_INITIALS, KEPT, View
from .views import LatestDialog as LatestDialog  # issue 13 (board): kept there, for BoardData
from .vocabulary import ActionOwner, ActionStatus

MAX_STEP = 1000  # one of the four steps: a few sentences
MAX_ACTION = 300  # an action: what, in a line or two
MAX_REVIEW_NOTE = 500
MAX_TOPICS = 3  # DIALOG+: the person chooses up to three items


class Answer(View, frozen=True):
    """One item of a rating: 1-7 or ``None`` (left unrated), and whether help is wanted."""

    item_key: str
    score: int | None
    help_wanted: bool


class DialogRatingView(View, frozen=True):
    id: int
    client_id: int
    meeting_id: int | None
    rated_on: dt.date
    answers: tuple[Answer, ...]  # in the settings' order; items no longer set come last
    quality_of_life: Fraction | None  # None: too few life-domain items rated
    treatment: Fraction | None  # None: too few treatment items rated
    life_rated: int
    treatment_rated: int
    created_at: dt.datetime
    created_by: str  # login
    version: int

    def answer(self, item_key: str) -> Answer | None:
        return next((a for a in self.answers if a.item_key == item_key), None)


class TopicView(View, frozen=True):
    """DIALOG+: an item the person chose after a rating, with the first three steps."""

    id: int
    rating_id: int
    item_key: str
    position: int
    understanding: Annotated[str, KEPT]
    looking_forward: Annotated[str, KEPT]
    options: Annotated[str, KEPT]
    version: int = 1

    @property
    def talked_about(self) -> bool:
        """Whether any of its steps was written: an item chosen and then escaped (no steps)
        was not talked about, and is not counted or shown as such."""
        return any(
            text.strip() for text in (self.understanding, self.looking_forward, self.options)
        )


class ActionReviewView(View, frozen=True):
    outcome: ActionStatus
    note: Annotated[str, KEPT]
    rating_id: int | None = None
    reviewed_at: dt.datetime | None = None
    reviewed_by: str = ""  # login


class ActionView(View, frozen=True):
    """An agreed action: what, who (exactly one owner), by when, and its reviews."""

    id: int
    client_id: int
    topic_id: int
    rating_id: int
    item_key: str
    what: Annotated[str, KEPT]
    owner_kind: ActionOwner = ActionOwner.person
    owner_network_id: int | None = None
    owner_staff_id: int | None = None
    # the network member's or staff member's name (empty for the person themself)
    owner_name: Annotated[str, AS_INITIALS] = ""
    due_on: dt.date = dt.date.min
    status: ActionStatus = ActionStatus.open
    reviews: tuple[ActionReviewView, ...] = ()
    created_at: dt.datetime | None = None
    created_by: str = ""
    version: int = 1

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    def days_overdue(self, today: dt.date) -> int:
        """Whole days past its date while still open (0: in time, due today, or closed)."""
        return max(0, (today - self.due_on).days) if self.is_open else 0


class DialogData(View, frozen=True):
    """One client's DIALOG: the scale as set now, every rating oldest first, the topics of
    each rating, every action (open ones first, then by due date)."""

    client_id: int
    items: tuple[Item, ...]
    ratings: tuple[DialogRatingView, ...]
    topics: tuple[TopicView, ...]
    actions: tuple[ActionView, ...]

    @property
    def latest(self) -> DialogRatingView | None:
        return self.ratings[-1] if self.ratings else None

    @property
    def first(self) -> DialogRatingView | None:
        return self.ratings[0] if self.ratings else None

    def previous(self, rating_id: int) -> DialogRatingView | None:
        """The rating before ``rating_id`` ("last time"), if any."""
        ids = [r.id for r in self.ratings]
        index = ids.index(rating_id) if rating_id in ids else len(ids)
        return self.ratings[index - 1] if index > 0 else None

    def topics_of(self, rating_id: int) -> tuple[TopicView, ...]:
        return tuple(sorted((t for t in self.topics if t.rating_id == rating_id), key=_pos))

    @property
    def open_actions(self) -> tuple[ActionView, ...]:
        return tuple(a for a in self.actions if a.is_open)


def _pos(topic: TopicView) -> int:
    return topic.position
