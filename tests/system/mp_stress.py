"""The worker for the mixed-load stress test (importable, for the "spawn" start method).

Each worker makes random triage, booking and assignment changes for a bounded time (and at
least MIN_TRIES of them) and
reports every change that said it succeeded: (action, entity id). Expected refusals
(conflicts, no places, a stale version...) are counted by class name; anything else is
reported as a failure.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from typing import Any

from tests.system.mp_workers import START_TIMEOUT, _repository

MIN_TRIES = 25


def random_changes(
    db_path: str,
    login: str,
    now: dt.datetime,
    seed: int,
    seconds: float,
    referral_ids: list[int],
    staff_ids: list[int],
    barrier: Any,
    results: Any,
) -> None:
    from duty_desk import timeutil
    from duty_desk.errors import DutyDeskError

    done: list[tuple[str, int]] = []
    refused: Counter[str] = Counter()
    failures: list[str] = []
    try:
        repo = _repository(db_path, login, now)
        rng = random.Random(seed)
        tomorrow = timeutil.to_local(now, repo.config.team.timezone).add(days=1).start_of("day")
        barrier.wait(START_TIMEOUT)
        until = time.monotonic() + seconds
        mine: list[int] = []
        tries = 0
        # For ``seconds``, and at least MIN_TRIES changes tried: on a loaded machine the
        # time alone would leave too few to test anything.
        while time.monotonic() < until or tries < MIN_TRIES:
            tries += 1
            op = rng.choice(("accept", "redirect", "core team", "book", "book", "cancel"))
            try:
                if op in ("accept", "redirect"):
                    referral = rng.choice(referral_ids)
                    repo.claim(referral)
                    if op == "accept":
                        repo.accept(referral)
                        done.append(("accept", referral))
                    else:
                        repo.redirect(referral, "cmht", "Stress test redirect (test)")
                        done.append(("redirect", referral))
                    continue
                clients = [e.client_id for e in repo.board().episodes]
                if not clients:
                    continue
                client = rng.choice(clients)
                if op == "core team":
                    team = rng.sample(staff_ids, rng.choice((2, 3)))
                    repo.set_core_team(client, team, rng.choice(team), "Stress test (test)")
                    done.append(("core team", client))
                elif op == "book":
                    start = tomorrow.add(hours=8, minutes=30 * rng.randrange(20))
                    staff = rng.sample(staff_ids, rng.choice((1, 2)))
                    meeting = repo.book(
                        client, start, 60, staff, "base", override_reason="Stress test (test)"
                    )
                    mine.append(meeting)
                    done.append(("book meeting", meeting))
                elif op == "cancel" and mine:
                    meeting = mine.pop(rng.randrange(len(mine)))
                    repo.cancel_meeting(meeting, "team", "Stress test cancel (test)")
                    done.append(("cancel meeting", meeting))
            except DutyDeskError as exc:
                refused[type(exc).__name__] += 1
            except Exception as exc:  # a crash: the test fails on it
                failures.append(f"{op}: {type(exc).__name__}")
    except BaseException as exc:
        barrier.abort()
        failures.append(f"setup: {type(exc).__name__}: {exc}")
    results.put((login, done, dict(refused), failures))
