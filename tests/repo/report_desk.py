"""A duty desk driven through the real repository at chosen instants, for the team report's
tests (issue 14): each step runs with the clock frozen at the local time it happens, so
the referrals, decisions, meetings and discharges carry the times a real desk gives them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import count

import pendulum

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.repository import Repository
from duty_desk.team_report import Period, TeamReport
from tests.conftest import referral_input

TZ = "Europe/London"
BOOKED = "Booked for the team report tests (test)"


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> pendulum.DateTime:
    """A local wall-clock time in London (never one the clocks skip or repeat)."""
    return pendulum.datetime(year, month, day, hour, minute, tz=TZ)


@dataclass
class Desk:
    repo: Repository
    staff: int  # the staff member at every meeting (one is enough: times never overlap)
    numbers: count[int] = field(default_factory=lambda: count(1))

    def receive(self, when: pendulum.DateTime, **fields: str) -> int:
        """A referral received at ``when`` (entered at that moment)."""
        fields.setdefault("name", f"Report Person {next(self.numbers)} (test)")
        fields.setdefault("nhs_number", "")
        typed = when.in_timezone(TZ).format("DD/MM/YYYY HH:mm")
        with timeutil.frozen(when):
            return self.repo.add_referral(referral_input(received_at=typed, **fields))

    def accept(self, referral: int, when: pendulum.DateTime, **kwargs: str | bool) -> int:
        with timeutil.frozen(when):
            return self.repo.accept(referral, **kwargs)  # type: ignore[arg-type]

    def redirect(self, referral: int, when: pendulum.DateTime, onward: str = "cmht") -> None:
        with timeutil.frozen(when):
            self.repo.redirect(referral, onward, "Treatment as usual fits better (test)")

    def decline(self, referral: int, when: pendulum.DateTime) -> None:
        with timeutil.frozen(when):
            self.repo.decline(referral, "Not needed (test)")

    def book(
        self,
        client: int,
        starts: pendulum.DateTime,
        when: pendulum.DateTime,
        *,
        repo: Repository | None = None,
        reason: str = BOOKED,
    ) -> int:
        """A 30-minute meeting at the base, booked at ``when`` (warnings such as out of
        hours booked over with a reason)."""
        with timeutil.frozen(when):
            return (repo or self.repo).book(
                client, starts, 30, [self.staff], "base", override_reason=reason
            )

    def happened(self, meeting: int, when: pendulum.DateTime) -> None:
        with timeutil.frozen(when):
            self.repo.record_happened(meeting, [self.staff])

    def seen(self, client: int, starts: pendulum.DateTime, booked: pendulum.DateTime) -> int:
        """Booked at ``booked``, recorded as happened half an hour after it starts."""
        meeting = self.book(client, starts, booked)
        self.happened(meeting, starts.add(minutes=30))
        return meeting

    def did_not_attend(self, meeting: int, when: pendulum.DateTime) -> None:
        with timeutil.frozen(when):
            self.repo.record_did_not_attend(meeting, "Phoned and offered another time (test)")

    def cancel(self, meeting: int, by: str, when: pendulum.DateTime) -> None:
        with timeutil.frozen(when):
            self.repo.cancel_meeting(meeting, by, "Cancelled for the report tests (test)")

    def discharge(self, client: int, kind: str, on: dt.date, when: pendulum.DateTime) -> None:
        with timeutil.frozen(when):
            self.repo.discharge(client, kind, on, "Ended for the report tests (test)")

    def report(
        self, period: Period, area: str | None = None, now: pendulum.DateTime | None = None
    ) -> TeamReport:
        with timeutil.frozen(now or at(11, 30, 10)):
            return self.repo.team_report(period, area)


def strict(repo: Repository) -> Repository:
    """The same database with the shipped settings: a late first meeting needs a reason."""
    return Repository(repo.db, Config(), actor=repo.actor)


def desk(repo: Repository) -> Desk:
    me = repo.acting_staff()
    assert me is not None
    return Desk(repo, me.id)
