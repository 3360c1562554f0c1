"""The queue's accept, as a person does it, inside one running app (``bench.run``, measure 2).

Accepting is a guarded flow (issue 11): ``a`` reads the confirmation (the places used this
week, who waits earlier, eligibility) and opens it; the confirming key (``ctrl+s``) accepts
in one write transaction that checks the weekly places under the intake lock, the
eligibility, the order and the referral's version again, with its audit rows; then the
core-team step opens. Three figures, each from the key sent as the terminal driver sends
it to the first frame written that shows the result (``bench.care.Frames``: judged inside
the display wrapper, against the state the frame was drawn from):

- ``confirm``: ``a`` to the confirmation painted;
- ``accepted``: ``ctrl+s`` to the queue painted with the referral's row gone AND the weekly
  places recounted: the intake bar holds a read made after the accept committed (checked
  afterwards against the database), not the count from before. This is the target
  (median < 50 ms);
- ``next_step``: ``ctrl+s`` to the core-team step painted with its staff list loaded.

Any reason the confirmation asks for (eligibility override, order) is filled in first, as
a person would type it; the core-team step is then left with escape (the client waits at
the top of the queue as "needs core team"). The database must be a copy: accepts change it.
Nothing here is a test.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.care import Frames, key_for, press, until

REASON = "Bench: in order of risk (synthetic)"


@dataclass
class AcceptTimes:
    """Seconds, one per accept."""

    confirm: list[float] = field(default_factory=list)
    accepted: list[float] = field(default_factory=list)
    next_step: list[float] = field(default_factory=list)


async def accepts(db: Path, count: int) -> AcceptTimes:
    """Accept ``count`` open referrals (the first the acting login may triage, each time)."""
    from textual.widgets import Input

    from bench.gen import bench_config
    from duty_desk.db import open_database
    from screens.accept_dialog import AcceptDialog
    from screens.app import create_app
    from screens.core_team_dialog import CoreTeamDialog
    from screens.queue import SETUP_KEY, QueueScreen
    from screens.widgets import IntakeBar

    config = bench_config()  # a weekly cap large enough to accept in a loop
    app: Any = create_app(config, open_database(config, str(db)))
    times = AcceptTimes()
    async with app.run_test(size=(80, 24)) as pilot:
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        table = queue.main_table()
        started = await until(lambda: table.row_count > 0, time.perf_counter(), "the queue")
        await until(lambda: queue.query_one(IntakeBar).intake != (), started, "the intake")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        frames = Frames(app)
        accept_key = key_for(queue, "accept")
        bar = queue.query_one(IntakeBar)
        mine = (None, app.actor)
        for _ in range(count):
            # The first open referral the acting login may decide (clients left part-way
            # sit on top as "needs" rows).
            keys = [row.key for row in table.ordered_rows]
            gone = next(
                (
                    k
                    for k in keys
                    if not k.startswith(SETUP_KEY) and queue.items[k].triage_by in mine
                ),
                None,
            )
            if gone is None:
                raise SystemExit("no open referral left to accept: regenerate the bench data")
            table.focus()
            table.move_cursor_to_key(gone)
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)

            frames.expect(lambda: isinstance(app.screen, AcceptDialog))
            sent = press(app, accept_key)
            times.confirm.append(await frames.shown(sent, "the accept confirmation") - sent)
            dialog = app.screen
            assert isinstance(dialog, AcceptDialog)
            for name in dialog.FIELDS:  # a reason the confirmation asks for, as typed
                dialog.query_one(f"#field-{name}", Input).value = REASON
            await pilot.pause(0.2)

            before = bar.intake
            marks: dict[str, float] = {}

            def accepted(gone: str = gone, before: Any = before) -> bool:
                held = {key for key, _ in table.rows_held()}
                return gone not in held and bar.intake is not before

            def next_step() -> bool:
                screen = app.screen
                return isinstance(screen, CoreTeamDialog) and screen.episode is not None

            def both(marks: dict[str, float] = marks) -> bool:
                at = frames.painted[-1]  # the frame being judged
                if "accepted" not in marks and accepted():
                    marks["accepted"] = at
                if "next" not in marks and next_step():
                    marks["next"] = at
                return len(marks) == 2

            frames.expect(both)
            sent = press(app, "ctrl+s")
            await frames.shown(sent, "the accepted referral and the core-team step")
            times.accepted.append(marks["accepted"] - sent)
            times.next_step.append(marks["next"] - sent)
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            if bar.intake != tuple(app.repo.intake()):
                raise SystemExit("the places painted are not the places in the database")
            while len(app.screen_stack) > 1:  # the core team: left for later here
                await pilot.press("escape")
                await app.workers.wait_for_complete()
                await pilot.pause()
    return times
