"""The demo's episodes of care: core teams, key workers, network meetings with
attendance, absences, capacities and a discharge, planned around "now".

The referrals themselves go through the Repository (see ``duty_desk.demo``).
What follows an acceptance is planned here in full first (so no staff member
is ever double-booked, every meeting lies within team hours and nothing has
happened in the future), then written straight through the table models as
timed events, each with its audit entry at the time it happened, by the
staff member who did it. Deterministic for a given ``now`` and seed.

The stories (``Story.kind``) give the board and the day view something to show:

    steady         the key worker at (almost) every meeting: high continuity
    breaks         key worker often missing, one meeting with no core-team member
    no_peer        a core team of two clinicians (no peer support worker)
    no_key         a core team with no named key worker
    key_left       the key worker has since left the team (deactivated)
    not_seen       last seen more than ``not_seen_days`` ago (a cancellation, a DNA since)
    one_meeting    only one meeting so far: "not enough meetings yet"
    recent         accepted this week, seen within a day
    unbooked       accepted hours ago, no first meeting yet (within its deadline)
    unbooked_late  accepted days ago, still no first meeting (deadline missed)
    discharged     ended: transferred to primary care last week
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

import pendulum
from sqlalchemy import Table, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session

from . import timeutil
from .config import DAY_NAMES, Config
from .db import Database
from .demo_meetings import dna_follow_up  # issue 12 (meeting)
from .models import (
    Absence,
    AuditLog,
    Client,
    ClientStatus,
    CoreTeamMember,
    DischargeKind,
    Meeting,
    MeetingNetwork,
    MeetingStaff,
    MeetingStatus,
    Staff,
)
from .repo.base import jsonable as _jsonable
from .repo.continuity import refresh_all_continuity


def _table(model: type) -> Table:
    """The Core table of a model class."""
    table = model.__dict__["__table__"]
    assert isinstance(table, Table)
    return table


MARK = " (demo)"
STREETS = (
    "Example Road",
    "Sample Street",
    "Placeholder Lane",
    "Specimen Close",
    "Mockford Avenue",
    "Testcase Gardens",
    "Fictional Way",
)
CLIENT_CANCELS = (
    "Client unwell with a heavy cold; asked to meet later in the week.",
    "Family away for a funeral; the network asked to move the meeting.",
    "Client's partner rang: client not up to a meeting today, wants to rebook.",
)
TEAM_CANCELS = (
    "Staff member called to an urgent home visit; client agreed a new time.",
    "Team car broken down; apologised and rebooked with the family.",
)
TODAY_CANCEL = "Client's mother rang at 08:00: client has flu, asked to meet next week instead."
CORE_REASONS = (
    "Accepted from the queue: core team chosen by room in caseloads.",
    "Set on acceptance; client asked for a peer support worker.",
    "Set on acceptance; key worker lives nearest for home visits.",
)
NO_KEY_REASON = "Set on acceptance; key worker to be agreed with the client at the first meeting."
DISCHARGE_REASON = (
    "Client and network agreed they no longer need the team; GP to continue care, letter sent."
)

Event = tuple[pendulum.DateTime, Callable[[], "dict[str, object] | None"]]


def _minutes(at: pendulum.DateTime, minutes: int) -> pendulum.DateTime:
    return at.add(minutes=minutes)


@dataclass
class Slot:
    """One planned meeting."""

    starts: pendulum.DateTime
    ends: pendulum.DateTime
    place_kind: str
    place_detail: str
    staff: list[str]  # expected staff logins
    booked_at: pendulum.DateTime
    booked_by: str
    outcome: str = MeetingStatus.booked.value
    outcome_at: pendulum.DateTime | None = None
    attended: set[str] = field(default_factory=set)
    cancelled_by: str | None = None
    cancel_reason: str | None = None
    network_attended: float = 0.75  # chance each network member came
    meeting_id: int | None = None


@dataclass
class Story:
    """What happens to one accepted referral (``index`` = the demo's plan number)."""

    index: int
    kind: str
    accepted_at: pendulum.DateTime
    accepter: str
    area_name: str
    core: list[str] = field(default_factory=list)
    key: str | None = None
    meetings: list[Slot] = field(default_factory=list)
    place: tuple[str, str] = ("home", "")
    discharge_at: pendulum.DateTime | None = None
    today: str | None = None  # the status planned for a meeting today, if any
    core_at: pendulum.DateTime | None = None  # when the core team was set


@dataclass(frozen=True)
class PlannedAbsence:
    login: str
    starts_on: dt.date
    ends_on: dt.date
    kind: str
    note: str
    recorded_at: pendulum.DateTime
    recorded_by: str


class CarePlanner:
    """Plans every story against one shared calendar, then turns the plan into events."""

    def __init__(
        self,
        config: Config,
        now: pendulum.DateTime,
        rng: random.Random,
        *,
        lead: str,
        clinicians: list[str],
        peers: list[str],
        me: str | None,
        me_since: pendulum.DateTime,
        former: str | None,
        former_left: pendulum.DateTime,
    ) -> None:
        self.config = config
        self.tz = config.team.timezone
        self.now = now
        self.rng = rng
        self.lead = lead
        self.clinicians = clinicians
        self.peers = peers
        self.me = me
        self.me_since = me_since
        self.former = former
        self.former_left = former_left
        self.today = timeutil.to_local(now, self.tz).date()
        self.minutes = config.meetings.default_minutes
        self.buffer = dt.timedelta(minutes=config.meetings.travel_buffer_minutes)
        self.busy: dict[str, list[tuple[float, float]]] = {}  # POSIX seconds, for speed
        self.absences: list[PlannedAbsence] = []
        self.capacities: list[tuple[pendulum.DateTime, str, int]] = []  # (when, login, capacity)

    # -- time ----------------------------------------------------------------------------
    def working(self, day: dt.date) -> bool:
        return DAY_NAMES[day.weekday()] in self.config.team.days

    def local(self, day: dt.date, hour: int, minute: int = 0) -> pendulum.DateTime:
        return timeutil.local_to_utc(dt.datetime.combine(day, dt.time(hour, minute)), self.tz)

    def day_of(self, at: dt.datetime) -> dt.date:
        return timeutil.to_local(at, self.tz).date()

    def candidate_times(self, spread: bool = False) -> list[tuple[int, int]]:
        """Local start times within team hours (on the half hour), shuffled or spread out."""
        team = self.config.team
        first = team.opens.hour * 60 + team.opens.minute
        last = team.closes.hour * 60 + team.closes.minute - self.minutes
        times = [(m // 60, m % 60) for m in range(first + (30 if spread else 60), last + 1, 30)]
        self.rng.shuffle(times)
        return times

    def absent(self, login: str, day: dt.date, known_at: dt.datetime | None = None) -> bool:
        return any(
            a.login == login
            and a.starts_on <= day <= a.ends_on
            and (known_at is None or a.recorded_at <= known_at)
            for a in self.absences
        )

    # -- the calendar (in POSIX seconds: pendulum arithmetic is too slow for the search) -----
    def free(self, logins: list[str], starts: float, ends: float) -> bool:
        gap = self.buffer.total_seconds()
        return all(
            not (s - gap < ends and starts < e + gap)
            for login in logins
            for s, e in self.busy.get(login, ())
        )

    def take(self, logins: list[str], starts: pendulum.DateTime, ends: pendulum.DateTime) -> None:
        for login in logins:
            self.busy.setdefault(login, []).append((starts.timestamp(), ends.timestamp()))

    def find(
        self,
        day: dt.date,
        logins: list[str],
        *,
        not_before: dt.datetime,
        end_by: dt.datetime | None = None,
        days: int = 10,
        times: list[tuple[int, int]] | None = None,
    ) -> tuple[pendulum.DateTime, pendulum.DateTime] | None:
        """The first free start on ``day`` or a following working day.

        Team hours never span a clock change (those happen at night), so each day's
        times are offsets from its local noon."""
        earliest = not_before.timestamp()
        latest = end_by.timestamp() if end_by is not None else float("inf")
        length = self.minutes * 60
        for offset in range(days):
            probe = day + dt.timedelta(days=offset)
            if not self.working(probe):
                continue
            noon = self.local(probe, 12).timestamp()
            for hour, minute in times or self.candidate_times():
                starts = noon + (hour * 60 + minute - 720) * 60
                ends = starts + length
                if starts < earliest or ends > latest:
                    continue
                if self.free(logins, starts, ends):
                    return (pendulum.from_timestamp(starts), pendulum.from_timestamp(ends))
        return None

    # -- core teams ------------------------------------------------------------------------
    def choose_core(self, story: Story, load: Counter[str]) -> None:
        rng = self.rng
        at = story.accepted_at

        def pick(pool: list[str], n: int) -> list[str]:
            ranked = sorted(pool, key=lambda login: (load[login] + rng.random() * 1.5, login))
            return ranked[:n]

        clinicians = [c for c in self.clinicians if self.active_at(c, at)]
        peers = [p for p in self.peers if self.active_at(p, at)]
        if story.kind == "key_left" and self.former:
            core = [self.former, *pick(peers, 1), *pick(clinicians, rng.choice([0, 1]))]
            key: str | None = self.former
        elif story.kind == "no_peer":
            core = pick(clinicians, 2)
            key = core[0]
        else:
            chosen = pick(clinicians, rng.choice([1, 1, 2]))
            core = chosen + pick(peers, 1)
            key = chosen[0] if rng.random() < 0.85 else core[-1]
        if story.kind == "no_key":
            key = None
        for login in core:
            load[login] += 1
        story.core, story.key = core, key

    def active_at(self, login: str, at: dt.datetime) -> bool:
        if login == self.me:
            return at >= self.me_since
        if login == self.former:
            return at < self.former_left
        return True

    def expected(self, story: Story, day: dt.date, booked_at: dt.datetime) -> list[str]:
        """Who a booking made at ``booked_at`` expects: the core team still in the team,
        without anyone whose absence that day was already recorded."""
        return [
            login
            for login in story.core
            if self.active_at(login, booked_at) and not self.absent(login, day, booked_at)
        ]

    # -- meetings -------------------------------------------------------------------------------
    def place(self, story: Story) -> tuple[str, str]:
        if story.meetings and self.rng.random() < 0.8:
            return story.place
        roll = self.rng.random()
        if roll < 0.6:
            number = self.rng.randint(1, 120)
            kind, detail = "home", (f"{number} {self.rng.choice(STREETS)}, {story.area_name}{MARK}")
        elif roll < 0.8:
            kind, detail = "base", self.config.meetings.team_base
        else:
            kind, detail = self.rng.choice(["phone", "video"]), ""
        story.place = (kind, detail)
        return story.place

    def add(
        self,
        story: Story,
        when: tuple[pendulum.DateTime, pendulum.DateTime],
        staff: list[str],
        booked_at: pendulum.DateTime,
        booked_by: str,
    ) -> Slot:
        starts, ends = when
        booked_at = min(booked_at, self.now.subtract(minutes=1))
        kind, detail = self.place(story)
        slot = Slot(
            starts=starts,
            ends=ends,
            place_kind=kind,
            place_detail=detail,
            staff=staff,
            booked_at=booked_at,
            booked_by=booked_by,
        )
        self.take(staff, starts, ends)
        story.meetings.append(slot)
        return slot

    def booker(self, story: Story, at: dt.datetime) -> str:
        """Whoever was at the meeting books the next one (the key worker if still here)."""
        for login in [story.key, *story.core]:
            if login and self.active_at(login, at) and login != self.me:
                return login
        return self.lead

    def after(self, slot: Slot | None, story: Story) -> pendulum.DateTime:
        """When the next booking was made: at the end of the last meeting (or its outcome)."""
        if slot is None:
            return story.accepted_at.add(minutes=10)
        if slot.outcome == MeetingStatus.happened.value:
            return slot.ends.add(minutes=5)
        return slot.outcome_at or slot.ends

    def past_meetings(self, story: Story) -> None:
        """Meetings from acceptance up to now, with their outcomes."""
        rng = self.rng
        recent = story.kind in ("recent", "one_meeting")
        day = self.day_of(story.accepted_at)
        not_before = story.accepted_at.add(hours=1)
        # Up to yesterday: today's meetings are planned together (today_meetings).
        stop = (
            story.discharge_at.subtract(days=5) if story.discharge_at else self.local(self.today, 0)
        )
        previous: Slot | None = None
        while True:
            booked_at = self.after(previous, story)
            staff = self.expected(story, day, booked_at)
            cover = story.kind == "breaks" and len(story.meetings) == 2
            if cover:  # the core team all busy or away: a colleague covers
                staff = [
                    c
                    for c in self.clinicians
                    if c not in story.core and self.active_at(c, booked_at)
                ][:1]
            found = self.find(
                day,
                staff,
                not_before=max(not_before, booked_at.add(hours=2)),
                end_by=stop.subtract(minutes=15),
            )
            if found is None or found[0] >= stop:
                return
            slot = self.add(story, found, staff, booked_at, self.booker(story, booked_at))
            self.outcome(story, slot, previous is None)
            previous = slot
            if story.kind == "one_meeting" and len(story.meetings) >= 2:
                return
            day = self.day_of(slot.starts) + dt.timedelta(
                days=rng.randint(1, 3) if recent else rng.randint(2, 7)
            )

    def outcome(self, story: Story, slot: Slot, first: bool) -> None:
        """What became of a meeting in the past (or earlier today)."""
        rng = self.rng
        roll = rng.random()
        status = MeetingStatus.happened.value
        if story.kind == "one_meeting" and not first:
            status = "cancelled_team"
        elif story.kind == "not_seen" and slot.starts > self.now.subtract(
            days=self.config.continuity.not_seen_days + 3
        ):
            threshold = self.now.subtract(days=self.config.continuity.not_seen_days + 3)
            misses = sum(1 for m in story.meetings[:-1] if m.starts > threshold)
            status = "cancelled_client" if misses % 2 == 0 else "dna"
        elif not first and roll < 0.07:
            status = "dna"
        elif not first and roll < 0.14:
            status = rng.choice(["cancelled_client", "cancelled_client", "cancelled_team"])
        self.settle(story, slot, status)

    def settle(self, story: Story, slot: Slot, status: str) -> None:
        rng = self.rng
        if status == "happened":
            slot.outcome = MeetingStatus.happened.value
            slot.outcome_at = slot.ends.add(minutes=rng.choice([10, 20, 40]))
            attended = set(slot.staff)
            if story.kind == "breaks" and story.key in attended and rng.random() < 0.45:
                attended.discard(story.key)
            elif story.kind != "breaks" and len(attended) > 1 and rng.random() < 0.15:
                attended.discard(
                    rng.choice(sorted(attended - {story.key or ""}) or sorted(attended))
                )
            day = self.day_of(slot.starts)
            attended = {login for login in attended if not self.absent(login, day)}
            if not attended and slot.staff:  # someone always goes
                attended = {slot.staff[0]}
            slot.attended = attended
        elif status == "dna":
            slot.outcome = MeetingStatus.did_not_attend.value
            slot.outcome_at = slot.starts.add(minutes=25)
        else:
            slot.outcome = MeetingStatus.cancelled.value
            slot.cancelled_by = "client" if status == "cancelled_client" else "team"
            reasons = CLIENT_CANCELS if slot.cancelled_by == "client" else TEAM_CANCELS
            slot.cancel_reason = rng.choice(reasons) + MARK
            earliest = slot.booked_at.add(minutes=30)
            slot.outcome_at = max(earliest, slot.starts.subtract(hours=rng.choice([2, 5, 20])))
        if slot.outcome_at is not None and slot.outcome_at > self.now:
            slot.outcome_at = self.now.subtract(minutes=1)

    def today_meetings(self, stories: list[Story]) -> None:
        """Meetings today, spread across team hours: one happened, one did not attend, one
        cancelled, the rest booked (those that need the past only when there was time)."""
        if not self.working(self.today):
            return
        wanted = [
            MeetingStatus.happened.value,
            MeetingStatus.did_not_attend.value,
            MeetingStatus.cancelled.value,
        ] + [MeetingStatus.booked.value] * 5
        takers = [
            s
            for s in stories
            if s.kind in ("steady", "breaks", "no_peer", "key_left", "no_key", "recent")
            and not any(self.day_of(m.starts) >= self.today for m in s.meetings)
        ]
        self.rng.shuffle(takers)
        opening = self.config.team.opens
        for story, status in zip(takers, wanted, strict=False):
            previous = story.meetings[-1] if story.meetings else None
            booked_at = self.after(previous, story)
            staff = self.expected(story, self.today, booked_at)
            if status in (MeetingStatus.happened.value, MeetingStatus.did_not_attend.value):
                # Early in the day, on the half hour, so that it is over by now.
                end_by = self.now.subtract(minutes=30)
                first = opening.hour * 60 + opening.minute
                close = self.config.team.closes
                last = close.hour * 60 + close.minute - self.minutes
                times = [(m // 60, m % 60) for m in range(first, last + 1, 30)]
                found = self.find(
                    self.today,
                    staff,
                    not_before=booked_at.add(hours=2),
                    end_by=end_by,
                    days=1,
                    times=times,
                )
                if found is None:
                    status = MeetingStatus.booked.value
            if status not in (MeetingStatus.happened.value, MeetingStatus.did_not_attend.value):
                times = self.candidate_times(spread=True)
                found = self.find(
                    self.today,
                    staff,
                    not_before=max(booked_at.add(hours=2), self.now.add(minutes=15)),
                    days=1,
                    times=times,
                )
            if found is None:
                continue
            slot = self.add(story, found, staff, booked_at, self.booker(story, booked_at))
            story.today = status
            if status == MeetingStatus.happened.value:
                self.settle(story, slot, "happened")
            elif status == MeetingStatus.did_not_attend.value:
                self.settle(story, slot, "dna")
            elif status == MeetingStatus.cancelled.value:
                slot.outcome = MeetingStatus.cancelled.value
                slot.cancelled_by = "client"
                slot.cancel_reason = TODAY_CANCEL + MARK
                slot.outcome_at = max(
                    booked_at.add(minutes=30),
                    min(self.local(self.today, 8, 5), self.now.subtract(minutes=5)),
                )

    def future_meeting(self, story: Story) -> None:
        """The next meeting, booked at the end of the last one."""
        last = story.meetings[-1] if story.meetings else None
        if last is not None and last.outcome == MeetingStatus.booked.value:
            return  # already booked (today)
        booked_at = min(self.after(last, story), self.now.subtract(minutes=1))
        start_day = self.today + dt.timedelta(days=self.rng.randint(1, 6)) if last else self.today
        staff = self.expected(story, start_day, booked_at)
        found = self.find(
            start_day, staff, not_before=max(self.now.add(minutes=30), booked_at.add(hours=2))
        )
        if found is not None:
            self.add(story, found, staff, booked_at, self.booker(story, booked_at))

    # -- absences ---------------------------------------------------------------------------
    def planned_absences(self) -> None:
        """Leave next week and a training day three weeks ago: known well before."""
        monday = self.today + dt.timedelta(days=7 - self.today.weekday())
        if self.peers:
            self.absences.append(
                PlannedAbsence(
                    self.peers[-1],
                    monday,
                    monday + dt.timedelta(days=4),
                    "leave",
                    "Annual leave (demo)",
                    self.now.subtract(days=21),
                    self.lead,
                )
            )
        if len(self.clinicians) > 3:
            day = self.today - dt.timedelta(days=21)
            while not self.working(day):
                day -= dt.timedelta(days=1)
            self.absences.append(
                PlannedAbsence(
                    self.clinicians[3],
                    day,
                    day,
                    "training",
                    "Open Dialogue refresher training (demo)",
                    self.now.subtract(days=40),
                    self.lead,
                )
            )

    def sickness_today(self, stories: list[Story]) -> None:
        """Someone rang in sick this morning, with meetings already booked over the next days."""
        window = {self.today + dt.timedelta(days=n) for n in range(4)}
        counts: Counter[str] = Counter()
        for story in stories:
            for slot in story.meetings:
                if (
                    slot.outcome == MeetingStatus.booked.value
                    and self.day_of(slot.starts) in window
                ):
                    counts.update(
                        login
                        for login in slot.staff
                        if login in self.clinicians and login != self.me
                    )
        if not counts:
            return
        login = min(counts, key=lambda k: (-counts[k], k))
        recorded = max(
            min(self.local(self.today, 8, 5), self.now.subtract(minutes=5)),
            self.now.subtract(hours=20),
        )
        absence = PlannedAbsence(
            login,
            self.today,
            self.today + dt.timedelta(days=3),
            "sickness",
            "Rang in sick (demo)",
            recorded,
            self.lead,
        )
        self.absences.append(absence)
        for story in stories:  # whoever was at a meeting today without them
            for slot in story.meetings:
                if login in slot.attended and self.day_of(slot.starts) in window:
                    slot.attended.discard(login)
                    if not slot.attended:
                        slot.attended = {s for s in slot.staff if s != login} or slot.attended
                # a booking made after the call expects someone else
                if (
                    login in slot.staff
                    and slot.booked_at >= recorded
                    and self.day_of(slot.starts) in window
                    and len(slot.staff) > 1
                ):
                    slot.staff.remove(login)

    # -- everything -------------------------------------------------------------------------------
    def plan(self, stories: list[Story]) -> None:
        self.planned_absences()
        load: Counter[str] = Counter()
        for story in sorted(stories, key=lambda s: s.accepted_at):
            self.choose_core(story, load)
            if story.kind == "discharged":
                story.discharge_at = self.local(self.today - dt.timedelta(days=6), 14, 0)
        for story in sorted(stories, key=lambda s: s.accepted_at):
            if story.kind not in ("unbooked", "unbooked_late"):
                self.past_meetings(story)
        open_stories = [
            s for s in stories if s.kind not in ("unbooked", "unbooked_late", "discharged")
        ]
        self.today_meetings(open_stories)
        for story in open_stories:
            if (
                story.kind == "breaks"
                and story is next((s for s in open_stories if s.kind == "breaks"), None)
                and story.today is None
            ):
                continue  # nothing booked yet: next meeting not agreed
            self.future_meeting(story)
        self.sickness_today(stories)
        # Capacities: the lead and a part-time peer hold fewer; one clinician went part
        # time ten days ago and now holds more than their new capacity.
        start = self.now.subtract(days=89)
        self.capacities.append((start, self.lead, 4))
        if self.peers:
            self.capacities.append((start.add(minutes=5), self.peers[0], 6))
        if len(self.clinicians) > 5:
            login = self.clinicians[5]
            self.capacities.append(
                (self.now.subtract(days=10), login, max(1, min(load[login] - 1, 6)))
            )

    # -- the plan as timed audit entries, and the tables' final state --------------------------
    def events(self, stories: list[Story], writer: CareWriter) -> list[Event]:
        """(when, entry) pairs: ``entry()`` gives the audit row for what happened at ``when``
        (None when it did not, e.g. an acceptance that found the week full)."""
        out: list[Event] = []
        writer.stories = stories
        writer.absences = list(self.absences)
        writer.capacities = list(self.capacities)
        meetings = sorted(
            (slot for story in stories for slot in story.meetings), key=lambda slot: slot.booked_at
        )
        for number, slot in enumerate(meetings, start=1):  # ids in the order they were booked
            slot.meeting_id = number
        for when, login, capacity in self.capacities:
            out.append((when, partial(writer.capacity_entry, login, capacity, when)))
        for number, absence in enumerate(writer.absences, start=1):
            out.append((absence.recorded_at, partial(writer.absence_entry, absence, number)))
        for story in stories:
            story.core_at = min(story.accepted_at.add(minutes=5), self.now)
            out.append((story.core_at, partial(writer.core_entry, story)))
            for slot in story.meetings:
                out.append((slot.booked_at, partial(writer.book_entry, story, slot)))
                if slot.outcome != MeetingStatus.booked.value and slot.outcome_at is not None:
                    out.append((slot.outcome_at, partial(writer.settle_entry, story, slot)))
            if story.discharge_at is not None:
                out.append((story.discharge_at, partial(writer.discharge_entry, story)))
        return out


class CareWriter:
    """Turns the plan into rows.

    The audit entries are made one by one at their time (interleaved with the
    Repository's own, so the log reads in time order); the tables themselves are
    written at the end in their final state, with bulk Core inserts, so the demo
    builds in a blink. ``client_id`` maps a story to its episode (None when the
    acceptance did not happen: the story is then left out); ``network_ids`` gives
    the referral's network members.
    """

    def __init__(
        self,
        db: Database,
        tz: str,
        lead: str,
        client_id: Callable[[int], int | None],
        network_ids: Callable[[int], list[int]],
    ) -> None:
        self.db = db
        self.tz = tz
        self.lead = lead
        self.client_id = client_id
        self.network_ids = network_ids
        self.staff: dict[str, int] = {}
        self.stories: list[Story] = []
        self.absences: list[PlannedAbsence] = []
        self.capacities: list[tuple[pendulum.DateTime, str, int]] = []

    def staff_id(self, login: str) -> int:
        if login not in self.staff:
            with self.db.session() as session:
                self.staff = {
                    login: id_ for login, id_ in session.execute(sa_select(STAFF.login, STAFF.id))
                }
        return self.staff[login]

    @staticmethod
    def entry(
        actor: str,
        action: str,
        entity: str,
        entity_id: int,
        before: Mapping[str, object] | None,
        after: Mapping[str, object] | None,
        at: dt.datetime | None,
    ) -> dict[str, object]:
        """An audit row exactly as the repository's ``_audit`` writes it."""

        def dump(data: Mapping[str, object] | None) -> str | None:
            if data is None:
                return None
            return json.dumps({k: _jsonable(v) for k, v in data.items()}, ensure_ascii=False)

        return {
            "at": at,
            "actor": actor,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "before": dump(before),
            "after": dump(after),
        }

    # -- audit entries, at their time ------------------------------------------------------------
    def capacity_entry(self, login: str, capacity: int, at: dt.datetime) -> dict[str, object]:
        default = Staff.model_fields["capacity"].default
        return self.entry(
            self.lead,
            "set capacity",
            "staff",
            self.staff_id(login),
            {"capacity": default},
            {"capacity": capacity},
            at,
        )

    def absence_entry(self, planned: PlannedAbsence, number: int) -> dict[str, object]:
        return self.entry(
            planned.recorded_by,
            "record absence",
            "staff",
            self.staff_id(planned.login),
            None,
            {
                "absence_id": number,
                "starts_on": planned.starts_on,
                "ends_on": planned.ends_on,
                "kind": planned.kind,
                "note": planned.note,
            },
            planned.recorded_at,
        )

    def core_entry(self, story: Story) -> dict[str, object] | None:
        client_id = self.client_id(story.index)
        if client_id is None:
            return None
        return self.entry(
            story.accepter,
            "core team",
            "client",
            client_id,
            {"core_team": [], "key_worker": None},
            {
                "core_team": sorted(story.core),
                "key_worker": story.key,
                "reason": self.core_reason(story),
            },
            story.core_at,
        )

    @staticmethod
    def core_reason(story: Story) -> str:
        return (
            NO_KEY_REASON if story.key is None else CORE_REASONS[story.index % len(CORE_REASONS)]
        ) + MARK

    def book_entry(self, story: Story, slot: Slot) -> dict[str, object] | None:
        client_id = self.client_id(story.index)
        if client_id is None or slot.meeting_id is None:
            return None
        return self.entry(
            slot.booked_by,
            "book meeting",
            "meeting",
            slot.meeting_id,
            None,
            {
                "client_id": client_id,
                "starts_at": slot.starts,
                "ends_at": slot.ends,
                "place_kind": slot.place_kind,
                "place_detail": slot.place_detail,
                "status": MeetingStatus.booked.value,
                "staff": sorted(slot.staff),
                "network": self.network_ids(story.index),
            },
            slot.booked_at,
        )

    def came(self, story: Story, slot: Slot) -> list[int]:
        rng = random.Random(slot.meeting_id)
        return [m for m in self.network_ids(story.index) if rng.random() < slot.network_attended]

    def settle_entry(self, story: Story, slot: Slot) -> dict[str, object] | None:
        if self.client_id(story.index) is None or slot.meeting_id is None:
            return None
        assert slot.outcome_at is not None
        actor = slot.booked_by
        if slot.outcome == MeetingStatus.cancelled.value:
            return self.entry(
                actor,
                "cancel meeting",
                "meeting",
                slot.meeting_id,
                {"status": MeetingStatus.booked.value, "cancelled_by": None, "cancel_reason": None},
                {
                    "status": slot.outcome,
                    "cancelled_by": slot.cancelled_by,
                    "cancel_reason": slot.cancel_reason,
                },
                slot.outcome_at,
            )
        happened = slot.outcome == MeetingStatus.happened.value
        attended = sorted(slot.attended) if happened else []
        before = {
            "status": MeetingStatus.booked.value,
            "staff_attended": [],
            "staff_absent": [],
            "network_attended": [],
        }
        after = {
            "status": slot.outcome,
            "staff_attended": attended,
            "staff_absent": sorted(set(slot.staff) - set(attended)) if happened else [],
            "network_attended": self.came(story, slot) if happened else [],
        }
        if slot.outcome == MeetingStatus.did_not_attend.value:  # issue 12 (meeting)
            after["follow_up"] = dna_follow_up(slot.meeting_id)
        if attended:
            actor = attended[0]
        action = "record happened" if happened else "record did not attend"
        return self.entry(actor, action, "meeting", slot.meeting_id, before, after, slot.outcome_at)

    def discharge_values(self, story: Story) -> dict[str, object]:
        assert story.discharge_at is not None
        day = timeutil.to_local(story.discharge_at, self.tz).date()
        return {
            "status": ClientStatus.discharged.value,
            "discharged_at": timeutil.local_to_utc(dt.datetime.combine(day, dt.time()), self.tz),
            "discharge_kind": DischargeKind.primary_care.value,
            "discharge_reason": DISCHARGE_REASON + MARK,
            "discharged_by_id": self.staff_id(self.discharger(story)),
        }

    @staticmethod
    def discharger(story: Story) -> str:
        return story.key or story.accepter

    def discharge_entry(self, story: Story) -> dict[str, object] | None:
        """As the board's discharge audits it (the day it ended; recorded that afternoon)."""
        client_id = self.client_id(story.index)
        if client_id is None or story.discharge_at is None:
            return None
        login = self.discharger(story)
        return self.entry(
            login,
            "discharge",
            "client",
            client_id,
            {"status": ClientStatus.open.value},
            {
                "status": ClientStatus.discharged.value,
                "discharged_on": timeutil.to_local(story.discharge_at, self.tz).date(),
                "discharge_kind": DischargeKind.primary_care.value,
                "discharge_reason": DISCHARGE_REASON + MARK,
                "discharged_by": login,
            },
            story.discharge_at,
        )

    # -- the tables, at the end --------------------------------------------------------------------
    def write_tables(self, session: Session) -> None:
        """Every row in its final state (versions counted as the repository would)."""
        for _when, login, capacity in self.capacities:
            session.execute(
                update(STAFF_T)
                .where(STAFF.id == self.staff_id(login))
                .values(capacity=capacity, version=STAFF.version + 1)
            )
        if self.absences:
            session.execute(
                insert(_table(Absence)),
                [
                    {
                        "id": n,
                        "staff_id": self.staff_id(a.login),
                        "starts_on": a.starts_on,
                        "ends_on": a.ends_on,
                        "kind": a.kind,
                        "note": a.note,
                        "created_at": a.recorded_at,
                        "created_by": a.recorded_by,
                        "cancelled": False,
                        "version": 1,
                    }
                    for n, a in enumerate(self.absences, start=1)
                ],
            )
        core, meetings, staff, network = [], [], [], []
        for story in self.stories:
            client_id = self.client_id(story.index)
            if client_id is None:
                continue
            core += [
                {
                    "client_id": client_id,
                    "staff_id": self.staff_id(login),
                    "added_at": story.core_at,
                }
                for login in story.core
            ]
            values: dict[str, object] = {
                "key_worker_id": self.staff_id(story.key) if story.key else None
            }
            bumps = 1
            if story.discharge_at is not None:
                values |= self.discharge_values(story)
                bumps += 1
            session.execute(
                update(CLIENT_T)
                .where(CLIENT.id == client_id)
                .values(**values, version=CLIENT.version + bumps)
            )
            for slot in story.meetings:
                settled = slot.outcome != MeetingStatus.booked.value
                meetings.append(
                    {
                        "id": slot.meeting_id,
                        "client_id": client_id,
                        "starts_at": slot.starts,
                        "ends_at": slot.ends,
                        "place_kind": slot.place_kind,
                        "place_detail": slot.place_detail,
                        "status": slot.outcome,
                        "cancelled_by": slot.cancelled_by,
                        "cancel_reason": slot.cancel_reason,
                        "override_reason": None,
                        "follow_up": dna_follow_up(slot.meeting_id or 0)  # issue 12 (meeting)
                        if slot.outcome == MeetingStatus.did_not_attend.value
                        else None,
                        "created_at": slot.booked_at,
                        "created_by": slot.booked_by,
                        "version": 2 if settled else 1,
                    }
                )
                happened = slot.outcome == MeetingStatus.happened.value
                staff += [
                    {
                        "meeting_id": slot.meeting_id,
                        "staff_id": self.staff_id(login),
                        "attended": (login in slot.attended) if happened else None,
                    }
                    for login in slot.staff
                ]
                came = self.came(story, slot)
                network += [
                    {
                        "meeting_id": slot.meeting_id,
                        "network_member_id": member,
                        "attended": (member in came) if happened else None,
                    }
                    for member in self.network_ids(story.index)
                ]
        for table, rows in (
            (CoreTeamMember, core),
            (Meeting, meetings),
            (MeetingStaff, staff),
            (MeetingNetwork, network),
        ):
            if rows:
                session.execute(insert(_table(table)), rows)
        refresh_all_continuity(session)  # the board's precomputed figures


AUDIT: Table = AuditLog.__table__  # type: ignore[attr-defined]
STAFF_T: Table = Staff.__table__  # type: ignore[attr-defined]
CLIENT_T: Table = Client.__table__  # type: ignore[attr-defined]
STAFF = STAFF_T.c
CLIENT = CLIENT_T.c
