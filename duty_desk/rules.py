"""The service's rules: response deadlines and the response clock, eligibility, intake weeks.

Pure functions of their arguments (and the config); no database here.
"""

from __future__ import annotations

import datetime as dt
import enum

from msgspec import Struct
from pendulum import DateTime

from .config import Config, TeamSettings
from .opening import due_while_closed, last_open_before
from .timeutil import age_on, as_utc, fmt_duration, fmt_local, to_local


def respond_by(received_at: dt.datetime, urgency: str, config: Config) -> DateTime:
    """Received time plus the shorter of the team's target and the urgency's.

    Real elapsed hours (UTC arithmetic), so 24 h across a clock change is
    still 24 h, even though the wall clock then shows 23:00 or 01:00.
    """
    hours = config.team.response_hours
    level = config.urgency.get(urgency)
    if level is not None and level.respond_within_hours is not None:
        hours = min(hours, level.respond_within_hours)
    return as_utc(received_at).add(seconds=int(round(hours * 3600)))


class ClockState(enum.StrEnum):
    overdue = "overdue"
    due_soon = "due soon"
    out_of_hours = "due while closed"  # the deadline falls while the team is closed
    plenty = "plenty"


class ResponseClock(Struct, frozen=True):
    state: ClockState
    remaining: dt.timedelta  # negative when overdue
    respond_by: DateTime
    act_by: DateTime | None  # last team time before the deadline, when it falls while closed

    def cell(self) -> str:
        """A short, colour-free label: the state is in the words, not only the colour."""
        left = fmt_duration(self.remaining)
        if self.state is ClockState.overdue:
            return f"OVER {left}"
        if self.state is ClockState.due_soon:
            return f"DUE {left}"
        if self.state is ClockState.out_of_hours:
            return f"{left} closed"
        return f"{left} left"

    def sentence(self, tz: str) -> str:
        when = fmt_local(self.respond_by, tz, "day")
        left = fmt_duration(self.remaining)
        if self.state is ClockState.overdue:
            return f"Overdue by {left}: was due {when}"
        text = f"Respond by {when} ({left} left)"
        if self.state is ClockState.due_soon:
            text = f"Due soon: respond by {when} ({left} left)"
        if self.act_by is not None:
            act = fmt_local(self.act_by, tz, "day")
            text += f"; due while the team is closed, last team time {act}"
        return text


def response_clock(deadline: dt.datetime, now: dt.datetime, config: Config) -> ResponseClock:
    deadline = as_utc(deadline)
    remaining = deadline - as_utc(now)
    team = config.team
    act_by = last_open_before(deadline, team) if due_while_closed(deadline, team) else None
    if remaining <= dt.timedelta(0):
        state = ClockState.overdue
    elif remaining <= dt.timedelta(hours=team.due_soon_hours):
        state = ClockState.due_soon
    elif act_by is not None:
        state = ClockState.out_of_hours
    else:
        state = ClockState.plenty
    return ResponseClock(state=state, remaining=remaining, respond_by=deadline, act_by=act_by)


def age_at(dob: dt.date, instant: dt.datetime, team: TeamSettings) -> int:
    return age_on(dob, to_local(instant, team.timezone).date())


def eligibility_problems(
    *, date_of_birth: dt.date, received_at: dt.datetime, area: str, source: str, config: Config
) -> list[str]:
    """Why a referral falls outside the client group; empty when it is eligible."""
    problems: list[str] = []
    team = config.team
    age = age_at(date_of_birth, received_at, team)
    if not team.min_age <= age <= team.max_age:
        problems.append(f"age {age} is outside {team.min_age} to {team.max_age}")
    if area not in config.areas:
        problems.append(f"area {area!r} is not one of the team's areas")
    if source not in config.source_keys_eligible:
        problems.append(f"source {config.source_name(source)} is not a POD referral route")
    return problems
