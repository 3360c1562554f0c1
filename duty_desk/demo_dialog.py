"""The demo's DIALOG and DIALOG+: for each open episode accepted long enough ago, two to six
ratings a fortnight or so apart from acceptance (most getting a little better, one getting
worse, items sometimes left unrated, help sometimes wanted), and after each rating one or
two chosen items with their steps and an action, reviewed at the next rating in every
review state (done, partly, not done, dropped). Planned as timed actions in the demo's
timeline (``dialog_events``), each written through the repository at the time it happened
by the episode's key worker. Deterministic for a given seed."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Collection, Sequence
from functools import partial

import pendulum

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.demo_care import Story
from duty_desk.repository import Repository
from duty_desk.vocabulary import ActionStatus

STEPS = (
    (
        "Better in the mornings; evenings alone are hard. (demo)",
        "Sleeping through; the smallest step: one evening out a week. (demo)",
        "The person: ring a friend; the team: meet at home; family: a Sunday meal. (demo)",
    ),
    (
        "The flat is cold and the boiler is broken. (demo)",
        "A warm flat; first, a date for the repair. (demo)",
        "The person: call the landlord; the team: a letter of support. (demo)",
    ),
)
ACTIONS = (
    "Ring the housing office about the repair (demo)",
    "Walk to the library on Tuesday (demo)",
    "Ask the GP about the side effects (demo)",
    "Try the peer group on Thursday evening (demo)",
)
REVIEWS = (
    (ActionStatus.done, "Done, and it helped (demo)"),
    (ActionStatus.partly, "Made the call; no date yet (demo)"),
    (ActionStatus.not_done, ""),
    (ActionStatus.dropped, "No longer wanted: the person found another way (demo)"),
)


def dialog_events(
    stories: Sequence[Story],
    repo_for: Callable[[str], Repository],
    client_of: Callable[[int], int | None],
    config: Config,
    now: dt.datetime,
    seed: int,
    left: Collection[str] = (),
) -> list[tuple[pendulum.DateTime, Callable[[], object]]]:
    """DIALOG for the demo's stories that have a key worker (who did not leave), as timed
    actions for the demo's timeline: (when, action), run with the clock at ``when``."""
    rng = random.Random(seed + 13)
    keys = [item.key for item in config.dialog.scale()]
    tz = config.team.timezone
    out: list[tuple[pendulum.DateTime, Callable[[], object]]] = []
    for turn, story in enumerate(sorted(stories, key=lambda s: s.index)):
        if story.key is None or story.key in left:
            continue
        start = story.core_at or story.accepted_at
        end = min(now, story.discharge_at) if story.discharge_at else now
        if (end - start).days < 14:
            continue
        worse = turn % 5 == 4  # one in five gets worse: the report has both
        level = {key: rng.randint(2, 4) for key in keys}
        state: dict[str, tuple[int, int]] = {}  # "action": (id, version) to review next time
        first = timeutil.to_local(start, tz).date() + dt.timedelta(days=1)
        for n in range(6):
            day = first + dt.timedelta(days=n * 14 + rng.randint(0, 3))
            when = pendulum.datetime(day.year, day.month, day.day, 11, tz=tz)
            if when >= end:
                break
            answers: dict[str, tuple[int | None, bool]] = {}
            for key in keys:
                step = -1 if worse else rng.choice((0, 1, 1))
                level[key] = max(1, min(7, level[key] + (step if n else 0)))
                unrated = rng.random() < 0.06
                answers[key] = (None if unrated else level[key], level[key] <= 2)
            review = REVIEWS[(turn + n) % len(REVIEWS)]
            steps = STEPS[(turn + n) % len(STEPS)]
            action_text = ACTIONS[(turn + n) % len(ACTIONS)]
            out.append(
                (
                    when,
                    partial(
                        _meeting,
                        repo_for(story.key),
                        partial(client_of, story.index),
                        answers,
                        keys,
                        state,
                        review,
                        steps,
                        action_text,
                        day + dt.timedelta(days=10),
                        2 if n % 2 else 1,
                    ),
                )
            )
    return out


def _meeting(
    repo: Repository,
    client: Callable[[], int | None],
    answers: dict[str, tuple[int | None, bool]],
    keys: list[str],
    state: dict[str, tuple[int, int]],
    review: tuple[ActionStatus, str],
    steps: tuple[str, str, str],
    action_text: str,
    due: dt.date,
    chosen: int,
) -> None:
    """One DIALOG+ meeting: last time's action reviewed, the rating, the lowest items
    chosen, the first one's steps and an action."""
    client_id = client()
    if client_id is None:
        return
    if "action" in state:
        action_id, version = state.pop("action")
        repo.review_dialog_action(action_id, review[0], review[1], expected_version=version)
    rating = repo.save_dialog_rating(client_id, answers)
    lowest = sorted(keys, key=lambda k: (answers[k][0] or 8, keys.index(k)))[:chosen]
    topics = repo.choose_dialog_items(rating, lowest)
    understanding, forward, options = steps
    repo.save_dialog_steps(
        topics[0],
        understanding=understanding,
        looking_forward=forward,
        options=options,
        expected_version=1,
    )
    state["action"] = (
        repo.add_dialog_action(topics[0], action_text, owner="person", due_on=due),
        1,
    )
