"""The demo database: a realistic week at a POD team's duty desk, with fictional people.

Everyone in it is synthetic and obviously so: surnames such as "Example",
"Sample" and "Placeholder", every name marked "(demo)", NHS numbers from
the 999 range NHS England keeps for testing (with a valid Modulus 11 check
digit), phone numbers from Ofcom's ranges for drama (01632 960xxx,
07700 900xxx), addresses on streets such as "Example Street (demo)" with the NHS's
pseudo-postcodes (ZZ99: no real address), referrers' emails at example.org.

:func:`build_demo` writes everything through the Repository, each action
as the staff member who would have done it and at the time it would have
happened (the core's clock is fixed for each step), so the audit log reads
like a real week. It is deterministic for a given ``now``. The weekly intake
cap is enforced by the Repository as always: a planned acceptance that
finds the week full is redirected to treatment as usual, as a duty worker
would.

:func:`prepare_demo` is what ``duty-desk demo`` runs: build a new demo
database (in a temporary file, renamed into place when complete) or reuse
the one already there.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pendulum
from sqlalchemy import func
from sqlmodel import select

from . import audit_chain, crisis, rules, timeutil
from .config import Config
from .db import (
    CRISIS_PLANS_SINCE,
    Database,
    DatabaseError,
    demo_database_path,
    open_database,
    resolve_url,
)
from .demo_care import CarePlanner, CareWriter, Story
from .demo_meetings import DemoMeetingRecord
from .errors import Conflict, DutyDeskError, InputErrors, NoPlacesLeft, NotEligible
from .folders import TEAM_DIR_MODE, private_dir
from .identity import os_login
from .models import Client, Meeting, Meta
from .nhs import nhs_check_digit
from .repository import Repository

DEMO_META_KEY = "demo"
DEMO_SEED = 20261123
MARK = " (demo)"
STREETS = ("Example Street", "Sample Road", "Placeholder Lane", "Test Close", "Demo Avenue")
# Most people prefer English (no entry); some another language, some with an interpreter.
LANGUAGES: tuple[tuple[str, bool], ...] = (
    *(("", False),) * 7,
    ("Polish", True),
    ("Romanian", False),
    ("Nepali", True),
    ("British Sign Language", True),
)

FIRST_NAMES = (
    "Alex",
    "Sam",
    "Robin",
    "Jo",
    "Charlie",
    "Morgan",
    "Kit",
    "Ash",
    "Rowan",
    "Jules",
    "Frankie",
    "Remi",
    "Toby",
    "Nia",
    "Priya",
    "Tomasz",
    "Aisha",
    "Callum",
    "Bea",
    "Olu",
)
SURNAMES = (
    "Example",
    "Sample",
    "Placeholder",
    "Demo",
    "Specimen",
    "Testcase",
    "Mockford",
    "Fictional",
    "Dummy",
    "Madeup",
)
RELATIONSHIPS = (
    "mother",
    "father",
    "partner",
    "sister",
    "brother",
    "friend",
    "son",
    "aunt",
    "flatmate",
    "grandmother",
)

# (login, name, role): the demo team. The first is the team lead who set it up.
STAFF: tuple[tuple[str, str, str], ...] = (
    ("demo-lead", "Morgan Placeholder (demo team lead)", "team_lead"),
    ("demo-asample", "Ash Sample (demo)", "clinician"),
    ("demo-rexample", "Robin Example (demo)", "clinician"),
    ("demo-jdemo", "Jules Demo (demo)", "clinician"),
    ("demo-kspecimen", "Kit Specimen (demo)", "clinician"),
    ("demo-ntestcase", "Nia Testcase (demo)", "clinician"),
    ("demo-pmockford", "Priya Mockford (demo)", "clinician"),
    ("demo-cfictional", "Callum Fictional (demo)", "clinician"),
    ("demo-bdummy", "Bea Dummy (demo peer support)", "peer_support"),
    ("demo-omadeup", "Olu Madeup (demo peer support)", "peer_support"),
    ("demo-fsample", "Frankie Sample (demo peer support)", "peer_support"),
    ("demo-rplaceholder", "Remi Placeholder (demo peer support)", "peer_support"),
)
FORMER_STAFF = ("demo-tformer", "Toby Former (demo, left the team)", "clinician")

REASONS = (
    "Crisis referral via SPoA: low mood, not sleeping, family worried.",
    "First episode of psychosis suspected; EIP asked for a network meeting.",
    "Hearing voices for two weeks, stopped going to work; partner called SPoA.",
    "Seen in A&E after a crisis last night; wants help at home with family.",
    "Sudden change in behaviour, not eating; mother rang the GP.",
    "Panic and thoughts of self-harm; open to meeting with a friend present.",
    "Paranoid thoughts about neighbours; family want to be involved.",
    "Recent bereavement, not coping, sister staying with them.",
)
NOTES = (
    "Prefers meetings at home in the afternoon.",
    "Please call the partner first; phone off during the day.",
    "Speaks Polish at home; brother will interpret if wanted.",
    "",
    "",
)
REDIRECT_REASONS = {
    "not_route": ("cmht", "Not a POD referral route; CMHT to assess this week."),
    "age": ("crht", "Outside the POD age range; CRHT crisis assessment arranged."),
    "open_cmht": ("cmht", "Already open to a CMHT care coordinator who will see them."),
    "cap": ("crht", "No POD places left this week (first {cap} taken); CRHT to follow up."),
    "fallback": ("cmht", "Could not be taken into POD; CMHT to assess."),
}
DECLINE_REASONS = (
    "Duplicate of a referral received the same morning.",
    "Referrer withdrew the referral after speaking with the person.",
    "Person said they do not want contact from mental-health services at present.",
)
OVERRIDE_REASON = "Network meetings already under way with EIP; team lead agreed to take on."


# (when, order, action, direct): a direct action writes through the table models in a
# session shared with its neighbours; the others run through the Repository at ``when``.
_Event = tuple[pendulum.DateTime, int, Callable[..., object], bool]


def _later(at: pendulum.DateTime, hours: float) -> pendulum.DateTime:
    """``hours`` after ``at``, to the whole minute."""
    return at.add(minutes=int(round(hours * 60)))


@dataclass(frozen=True)
class DemoSummary:
    referrals: int
    staff: int
    by_status: dict[str, int]
    duty_login: str
    episodes: int = 0  # open episodes of care
    meetings: int = 0


@dataclass
class _Plan:
    """One referral's story: what arrives, and what the team does with it."""

    received: pendulum.DateTime
    area: str
    source: str
    urgency: str
    age: int
    fate: str  # new | claim | accept | override | redirect | decline
    actor: str = ""  # who claims or decides
    after_hours: float = 3.0  # decision this long after receipt (nudged into team hours)
    reason_key: str = ""
    nhs: bool = True
    network: int = 0
    story: str = ""  # what happens after acceptance (see duty_desk.demo_care)
    decided: pendulum.DateTime | None = None
    events: list[_Event] = field(default_factory=list)


class _Builder:
    def __init__(
        self, db: Database, config: Config, now: dt.datetime, seed: int, history_weeks: int = 0
    ) -> None:
        self.history_weeks = history_weeks  # issue 14 (fft): the year behind (demo_year)
        self.db = db
        self.config = config
        self.tz = config.team.timezone
        self.now = timeutil.as_utc(now).replace(second=0, microsecond=0)
        self.rng = random.Random(seed)
        self.seed = seed
        self.login = os_login()
        self.repos: dict[str, Repository] = {}
        self.ids: dict[int, int] = {}
        self.clients: dict[int, int] = {}  # plan index -> client (episode) id
        self.network_ids: dict[int, list[int]] = {}
        self.nhs_seen: set[str] = set()
        self.phone_seen: set[str] = set()
        self.names_seen: set[str] = set()
        self.seq = 0
        self.meeting_record = DemoMeetingRecord()  # issue 12 (meeting)
        staff_logins = [s[0] for s in STAFF if s[0] != self.login]
        self.lead = staff_logins[0]
        self.clinicians = [s[0] for s in STAFF if s[2] == "clinician" and s[0] != self.login]
        self.peers = [s[0] for s in STAFF if s[2] == "peer_support" and s[0] != self.login]
        self._choose_settings()

    # -- the team's settings, read generically ------------------------------------------
    def _choose_settings(self) -> None:
        config = self.config
        areas = [key for key, area in config.areas.items() if area.gp_practices]
        if not areas:
            raise DutyDeskError(
                "The settings have no area with GP practices, so no demo referral can be made"
            )
        self.area_main = areas[0]
        self.area_busy = areas[1] if len(areas) > 1 else areas[0]
        eligible = [key for key, s in config.sources.items() if s.eligible]
        others = [key for key, s in config.sources.items() if not s.eligible]
        self.sources_ok = eligible or list(config.sources)
        self.sources_not = others or self.sources_ok
        hours = config.team.response_hours

        def effective(code: str) -> float:
            within = config.urgency[code].respond_within_hours
            return hours if within is None else min(hours, within)

        codes = list(config.urgency)
        standard = [c for c in codes if effective(c) == hours]
        self.u_std = "C" if "C" in standard else (standard[0] if standard else codes[0])
        quick = sorted((c for c in codes if 0 < effective(c) < hours), key=effective)
        self.u_high = "B" if "B" in quick else (quick[0] if quick else self.u_std)
        self.u_mod = "D" if "D" in standard else self.u_std
        onward = list(config.onward)
        self.onward = {
            key: (code if code in config.onward else onward[0], text)
            for key, (code, text) in REDIRECT_REASONS.items()
        }
        self.hours = hours
        self.high_hours = effective(self.u_high)

    # -- making people up --------------------------------------------------------------------
    def person_name(self) -> str:
        """A fictional name not used before in this demo (so no two people look alike)."""
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}{MARK}"
            if name not in self.names_seen:
                self.names_seen.add(name)
                return name

    def nhs_number(self) -> str:
        while True:
            stem = f"999{self.rng.randrange(10**6):06d}"
            check = nhs_check_digit(stem)
            if check is not None and stem + str(check) not in self.nhs_seen:
                number = stem + str(check)
                self.nhs_seen.add(number)
                return number

    def phone(self, mobile: bool) -> str:
        while True:
            number = (
                f"07700 900{self.rng.randrange(1000):03d}"
                if mobile
                else f"01632 960{self.rng.randrange(1000):03d}"
            )
            if number not in self.phone_seen:
                self.phone_seen.add(number)
                return number

    def date_of_birth(self, age: int, received: dt.datetime) -> dt.date:
        """A birthday that makes the person exactly ``age`` on the day of referral."""
        day = timeutil.to_local(received, self.tz).date()
        try:
            anniversary = day.replace(year=day.year - age)
        except ValueError:  # 29 February
            anniversary = day.replace(year=day.year - age, day=28)
        return anniversary - dt.timedelta(days=self.rng.randint(1, 360))

    def eligible_age(self) -> int:
        team = self.config.team
        low, high = max(team.min_age, 19), min(team.max_age, 62)
        return self.rng.randint(low, high) if low <= high else team.min_age

    # -- time ----------------------------------------------------------------------------------
    def ago(self, hours: float) -> pendulum.DateTime:
        return self.now.subtract(minutes=int(round(hours * 60)))

    def in_team_hours(self, at: pendulum.DateTime) -> pendulum.DateTime:
        """``at`` or the next moment the team is working (within four days)."""
        probe = at
        for _ in range(4 * 24 * 4):
            if timeutil.within_team_hours(probe, self.config.team):
                return probe
            probe = probe.add(minutes=15)
        return at

    def not_after_now(self, at: pendulum.DateTime) -> pendulum.DateTime:
        latest = self.now.subtract(minutes=2)
        return at if at <= latest else latest

    # -- repositories, one per login ------------------------------------------------------------
    def repo(self, login: str) -> Repository:
        if login not in self.repos:
            self.repos[login] = Repository(self.db, self.config, actor=login)
        return self.repos[login]

    def at(self, when: dt.datetime, action: Callable[[], object]) -> object:
        with timeutil.frozen(when):
            return action()

    # -- the team ----------------------------------------------------------------------------------
    def staff_events(self) -> list[_Event]:
        """The team: set up by the lead 90 days ago; the duty worker joined, one left."""
        events: list[_Event] = []

        def at(when: pendulum.DateTime, action: Callable[[], object]) -> None:
            self.seq += 1
            events.append((when, self.seq, action, False))

        start = self.now.subtract(days=90)
        if self.history_weeks:  # issue 14 (fft): the team began before the year behind
            start = self.now.subtract(weeks=self.history_weeks + 2)
        lead = self.repo(self.lead)
        first = next(s for s in STAFF if s[0] == self.lead)
        at(start, lambda: lead.add_staff(*first, bootstrap=True))
        for index, (login, name, role) in enumerate(STAFF):
            if login in (self.lead, self.login):
                continue
            at(start.add(hours=1, minutes=index), partial(lead.add_staff, login, name, role))
        former = FORMER_STAFF[0] != self.login
        if former:
            at(start.add(hours=2), lambda: lead.add_staff(*FORMER_STAFF))
        at(self.now.subtract(days=30), lambda: add_duty_worker(self.db, self.config, self.lead))
        if former:
            at(self.now.subtract(days=20), lambda: lead.deactivate_staff(FORMER_STAFF[0]))
        return events

    # -- the week's referrals ------------------------------------------------------------------------
    def plans(self) -> list[_Plan]:
        rng = self.rng
        team = self.config.team
        plans: list[_Plan] = []
        ok = self.sources_ok
        busy_cap = self.config.areas[self.area_busy].weekly_cap

        # Still open: new and being triaged, from overdue to just in.
        plans += [
            _Plan(
                self.ago(self.hours + 6),
                self.area_main,
                ok[0],
                self.u_std,
                self.eligible_age(),
                "new",
                network=1,
            ),
            _Plan(
                self.ago(self.hours + 3),
                self.area_busy,
                ok[-1],
                self.u_std,
                self.eligible_age(),
                "claim",
                actor=self.peers[0],
                after_hours=1.5,
            ),
            _Plan(
                self.ago(self.high_hours + 2),
                self.area_main,
                ok[0],
                self.u_high,
                self.eligible_age(),
                "new",
                nhs=False,
            ),
            _Plan(
                self.ago(self.hours - team.due_soon_hours / 2),
                self.area_main,
                ok[0],
                self.u_std,
                self.eligible_age(),
                "new",
                network=2,
            ),
            _Plan(
                self.ago(self.hours - team.due_soon_hours + 0.75),
                self.area_busy,
                ok[0],
                self.u_std,
                self.eligible_age(),
                "claim",
                actor=self.login,
                after_hours=0.5,
            ),
            _Plan(
                self.ago(5),
                self.area_main,
                ok[0],
                self.u_std,
                self.eligible_age(),
                "claim",
                actor=self.clinicians[0],
                after_hours=1,
                network=2,
            ),
            _Plan(
                self._receipt_with(rules.ClockState.plenty) or self.ago(2),
                self.area_main,
                ok[-1],
                self.u_std,
                self.eligible_age(),
                "new",
            ),
            _Plan(
                self.ago(1),
                self.area_busy,
                self.sources_not[0],
                self.u_mod,
                self.eligible_age(),
                "new",
                network=1,
            ),
            _Plan(
                self.ago(0.5),
                self.area_main,
                ok[0],
                self.u_std,
                max(team.min_age - 1, 0),
                "new",
                nhs=False,
            ),
            _Plan(self.ago(3.5), self.area_busy, ok[-1], self.u_std, team.max_age + 4, "new"),
        ]
        ooh = self._receipt_with(rules.ClockState.out_of_hours)
        if ooh is not None:
            plans.append(
                _Plan(ooh, self.area_main, ok[0], self.u_std, self.eligible_age(), "new", network=1)
            )

        # Decided over the past week: accepted, redirected, declined.
        stories = {6.2: "recent", 4.3: "one_meeting", 3.2: "recent", 1.7: "unbooked_late"}
        for days, area, fate, key in (
            (6.2, self.area_main, "accept", ""),
            (5.8, self.area_main, "redirect", "not_route"),
            (5.1, self.area_main, "decline", "0"),
            (4.3, self.area_main, "accept", ""),
            (3.9, self.area_main, "redirect", "open_cmht"),
            (3.2, self.area_main, "override", ""),
            (2.6, self.area_main, "redirect", "age"),
            (2.2, self.area_main, "decline", "1"),
            (1.7, self.area_main, "accept", ""),
            (1.3, self.area_main, "decline", "2"),
        ):
            age = self.eligible_age()
            source = rng.choice(ok)
            if key == "not_route":
                source = self.sources_not[0]
            if key == "age":
                age = team.max_age + 7
            if fate == "override":
                age = team.max_age + 1
            plans.append(
                _Plan(
                    self.ago(days * 24),
                    area,
                    source,
                    rng.choice([self.u_std, self.u_std, self.u_high, self.u_mod]),
                    age,
                    fate,
                    actor=rng.choice(self.clinicians + self.peers[:1]),
                    after_hours=rng.uniform(1, 6),
                    reason_key=key,
                    network=rng.choice([0, 1, 2]),
                    story=stories.get(days, ""),
                )
            )
        if fate_override := [p for p in plans if p.fate == "override"]:
            fate_override[0].actor = self.lead

        # A busy week in the second area: one more eligible referral than it has places.
        week_start, week_end = self._busy_week()
        count = busy_cap + 1 if busy_cap <= 6 else 3
        span = (week_end - week_start).total_seconds()
        for i in range(count):
            received = week_start.add(minutes=int(span / 60 * (i + 0.5) / count))
            plans.append(
                _Plan(
                    received,
                    self.area_busy,
                    rng.choice(ok),
                    self.u_std,
                    self.eligible_age(),
                    "accept",
                    actor=rng.choice(self.clinicians),
                    after_hours=rng.uniform(1, 4),
                    network=rng.choice([0, 1]),
                    story="recent",
                )
            )

        # Accepted hours ago: no first meeting booked yet, still within its deadline.
        plans.append(
            _Plan(
                self.ago(4),
                self.area_main,
                ok[0],
                self.u_std,
                self.eligible_age(),
                "accept",
                actor=self.clinicians[1 % len(self.clinicians)],
                after_hours=1.5,
                network=1,
                story="unbooked",
            )
        )
        # Episodes under way: one acceptance per area per week, two to ten weeks ago.
        plans += self.older_plans()
        return plans

    def older_plans(self) -> list[_Plan]:
        rng = self.rng
        monday = timeutil.week_start_local(self.now, self.tz)
        kinds = [
            ("steady", "breaks"),
            ("steady", "no_peer"),
            ("breaks", "steady"),
            ("steady", "no_key"),
            ("not_seen", "steady"),
            ("steady", "breaks"),
            ("key_left", "steady"),
            ("steady", "steady"),
            ("discharged", None),
        ]
        plans = []
        for weeks, pair in enumerate(kinds, start=2):
            for area, story in zip((self.area_main, self.area_busy), pair, strict=True):
                if story is None:
                    continue
                local = monday.subtract(weeks=weeks).add(
                    days=rng.randint(0, 4),
                    hours=rng.randint(9, 15),
                    minutes=rng.choice([0, 15, 30, 45]),
                )
                plans.append(
                    _Plan(
                        local.in_timezone("UTC"),
                        area,
                        rng.choice(self.sources_ok),
                        self.u_std,
                        self.eligible_age(),
                        "accept",
                        actor=rng.choice(self.clinicians),
                        after_hours=rng.uniform(1, 4),
                        network=rng.choice([0, 1, 1, 2]),
                        story=story,
                    )
                )
        return plans

    def _receipt_with(self, state: rules.ClockState) -> pendulum.DateTime | None:
        """The latest receipt time (on the half hour back from now) whose response clock
        shows ``state`` now: e.g. a deadline outside team hours, or plenty of time."""
        received = self.now.subtract(minutes=30)
        earliest = _later(self.now, self.config.team.due_soon_hours - self.hours)
        while received > earliest:
            deadline = rules.respond_by(received, self.u_std, self.config)
            if rules.response_clock(deadline, self.now, self.config).state is state:
                return received
            received = received.subtract(minutes=30)
        return None

    def _busy_week(self) -> tuple[pendulum.DateTime, pendulum.DateTime]:
        """The part of one intake week that lies between 7 days and 26 hours ago."""
        earliest, latest = self.ago(7 * 24), self.ago(26)
        start, end = timeutil.week_bounds_utc(self.ago(3.5 * 24), self.tz)
        return max(start, earliest), min(end, latest)

    # -- turning plans into events -----------------------------------------------------------------
    def schedule(self, index: int, plan: _Plan) -> None:
        last = plan.received

        def add(when: pendulum.DateTime, action: Callable[[], None]) -> pendulum.DateTime:
            nonlocal last
            when = self.not_after_now(max(when, last))
            last = when
            self.seq += 1
            plan.events.append((when, self.seq, action, False))
            return when

        adder = self.rng.choice(self.clinicians + [self.lead])
        raw = self.referral_input(plan)
        add(plan.received, lambda: self.ids.__setitem__(index, self.repo(adder).add_referral(raw)))
        for n in range(plan.network):
            member = self.network_member(raw["name"], n)
            add(
                plan.received.add(minutes=20 + 10 * n),
                partial(self._add_member, index, adder, member),
            )
        if plan.fate == "new":
            return
        claimer = plan.actor or adder

        def claim() -> None:
            self.repo(claimer).claim(self.ids[index])

        if plan.fate == "claim":
            add(_later(plan.received, plan.after_hours), claim)
            return
        # Decisions happen while the team is at work: claim, then decide a little later.
        claimed = self.in_team_hours(_later(plan.received, min(plan.after_hours / 2, 1)))
        add(claimed, claim)
        decided = self.in_team_hours(
            max(_later(plan.received, plan.after_hours), claimed.add(minutes=25))
        )
        plan.decided = add(decided, lambda: self.decide(index, plan, claimer))

    def details(self, plan: _Plan) -> dict[str, str]:
        """Address, referrer and language: from a generator of their own (seeded by the
        received time), so the rest of the demo is the same with or without them."""
        rng = random.Random(f"details {plan.received.isoformat()}")
        language, interpreter = rng.choice(LANGUAGES)
        if plan.source.startswith("gp"):
            referrer = f"Dr {rng.choice(SURNAMES)}{MARK}"
            contact = f"gp.referrals{rng.randint(1, 99)}@example.org"
        else:
            referrer = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}{MARK}"
            contact = f"01632 960{rng.randint(500, 999):03d}"
        return {
            "address": f"{rng.randint(1, 120)} {rng.choice(STREETS)}{MARK}",
            "postcode": f"ZZ99 {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}Z",
            "language": language,
            "interpreter": "yes" if interpreter else "no",
            "referrer_name": referrer,
            "referrer_contact": contact,
        }

    def referral_input(self, plan: _Plan) -> dict[str, str]:
        area = self.config.areas[plan.area]
        return {
            **self.details(plan),
            "received_at": plan.received.isoformat(),
            "name": self.person_name(),
            "date_of_birth": self.date_of_birth(plan.age, plan.received).isoformat(),
            "nhs_number": self.nhs_number() if plan.nhs else "",
            "phone": self.phone(mobile=self.rng.random() < 0.6),
            "area": plan.area,
            "gp_practice": self.rng.choice(area.gp_practices),
            "source": plan.source,
            "urgency": plan.urgency,
            "reason": self.rng.choice(REASONS) + MARK,
            "notes": (note + MARK) if (note := self.rng.choice(NOTES)) else "",
        }

    def _add_member(self, index: int, adder: str, member: tuple[str, str, str]) -> None:
        self.network_ids.setdefault(index, []).append(
            self.repo(adder).add_network_member(self.ids[index], *member)
        )

    def network_member(self, person: str, n: int) -> tuple[str, str, str]:
        own_first, surname = person.split(" ")[:2]
        first = self.rng.choice([name for name in FIRST_NAMES if name != own_first])
        relationship = RELATIONSHIPS[(len(person) + n) % len(RELATIONSHIPS)]
        return f"{first} {surname}{MARK}", relationship, self.phone(mobile=True)

    def decide(self, index: int, plan: _Plan, login: str) -> None:
        repo = self.repo(login)
        referral_id = self.ids[index]
        if plan.fate in ("accept", "override"):
            try:
                self.clients[index] = repo.accept(
                    referral_id,
                    override_reason=OVERRIDE_REASON + MARK if plan.fate == "override" else None,
                )
                return
            except NoPlacesLeft:
                key = "cap"
            except NotEligible:
                key = "fallback"
            onward, text = self.onward[key]
            cap = self.config.areas[plan.area].weekly_cap
            repo.redirect(referral_id, onward, text.format(cap=cap) + MARK)
        elif plan.fate == "redirect":
            onward, text = self.onward[plan.reason_key]
            repo.redirect(referral_id, onward, text + MARK)
        elif plan.fate == "decline":
            repo.decline(referral_id, DECLINE_REASONS[int(plan.reason_key)] + MARK)

    # -- after acceptance: core teams, meetings, absences (duty_desk.demo_care) --------------------
    def care_events(self, plans: list[_Plan]) -> list[_Event]:
        stories = [
            Story(
                index=index,
                kind=plan.story,
                accepted_at=plan.decided,
                accepter=plan.actor or self.lead,
                area_name=self.config.areas[plan.area].name,
            )
            for index, plan in enumerate(plans)
            if plan.story and plan.decided is not None
        ]
        former = FORMER_STAFF[0] if FORMER_STAFF[0] != self.login else None
        planner = CarePlanner(
            self.config,
            self.now,
            self.rng,
            lead=self.lead,
            clinicians=self.clinicians,
            peers=self.peers,
            me=self.login,
            me_since=self.now.subtract(days=30),
            former=former,
            former_left=self.now.subtract(days=20),
        )
        planner.clinicians = [*self.clinicians, self.login]  # the duty worker holds a few too
        planner.plan(stories)

        self.writer = CareWriter(
            self.db, self.tz, self.lead, self.clients.get, lambda i: self.network_ids.get(i, [])
        )
        events: list[_Event] = []
        for when, entry in planner.events(stories, self.writer):
            self.seq += 1
            events.append((when, self.seq, entry, True))
        # issue 12 (meeting): notes on past meetings, at the time each was recorded
        for when, entry in self.meeting_record.events(stories, self.writer, self.now):
            self.seq += 1
            events.append((when, self.seq, entry, True))
        from .demo_dialog import dialog_events  # issue 13: DIALOG and DIALOG+

        for when, action in dialog_events(
            stories, self.repo, self.clients.get, self.config, self.now, self.seed, {former or ""}
        ):
            self.seq += 1
            events.append((when, self.seq, action, False))
        return events

    def arrange_cover(self) -> None:
        """For the colleague who rang in sick: the lead works the absence worklist as a
        duty worker would, arranging cover for the first affected meeting someone can cover
        and keeping the next one as booked (the rest stay to decide)."""
        repo = self.repo(self.lead)
        for absence in repo.absences():
            if absence.kind != "sickness":
                continue
            impact = repo.absence_impact(absence.id)
            meetings = sorted(
                (
                    m
                    for _, found, _ in impact
                    for m in found
                    if m.status == "booked" and m.starts_at >= self.now
                ),
                key=lambda m: (m.starts_at, m.id),
            )
            suggested = {e.client_id: cover for e, _, cover in impact}
            covered = None
            for meeting in meetings:
                there = {a.id for a in meeting.staff}
                for load in suggested.get(meeting.client_id, ()):
                    if load.staff.id in there:
                        continue
                    try:
                        repo.assign_cover(absence.id, meeting.id, load.staff.id)
                    except (InputErrors, Conflict):
                        continue
                    covered = meeting.id
                    break
                if covered is not None:
                    break
            kept = next((m for m in meetings if m.id != covered), None)
            if kept is not None:
                repo.decide_absence_meeting(absence.id, kept.id, "keep")
            return

    # -- issue 12 (network): consent, taking part and removal after acceptance -------------------
    def network_events(self, plans: list[_Plan]) -> list[_Event]:
        """After acceptance, for the first four accepted clients with a network: consent
        recorded (yes; one no), one member who does not take part in meetings, one member
        added later with consent, and one added later then removed with a reason (kept in
        the history). Every other member stays "not asked yet", as triage left them.

        Its own random generator, so the rest of the demo is the same with or without it;
        run as events in time order, as a duty worker would."""
        rng = random.Random("network consent")
        self.network_removed: dict[int, int] = {}  # plan index -> the member removed later
        chosen = [
            (index, plan.decided)
            for index, plan in enumerate(plans)
            if plan.story and plan.decided is not None and plan.network
        ][:4]
        events: list[_Event] = []

        def at(when: pendulum.DateTime, action: Callable[[], object]) -> None:
            self.seq += 1
            events.append((self.not_after_now(self.in_team_hours(when)), self.seq, action, False))

        for n, (index, accepted) in enumerate(chosen):
            login = self.lead if n % 2 == 0 else rng.choice(self.clinicians)
            first = partial(self._network_first, index, login)
            if n == 0:
                at(accepted.add(days=1), partial(first, {"consent": "yes"}))
                at(accepted.add(days=2), partial(self._network_later, index, login, rng, None))
                at(accepted.add(days=4), partial(self._network_remove, index, login))
            elif n == 1:
                at(accepted.add(days=1), partial(first, {"consent": "no"}))
            elif n == 2:
                at(accepted.add(days=1), partial(first, {"consent": "yes", "takes_part": "no"}))
            else:
                at(accepted.add(days=2), partial(self._network_later, index, login, rng, "yes"))
        return events

    def _network_first(self, index: int, login: str, changes: dict[str, str]) -> None:
        member_ids = self.network_ids.get(index) or []
        if index not in self.clients or not member_ids:
            return
        repo = self.repo(login)
        member = repo.network_member(member_ids[0])
        repo.edit_network_member(member.id, changes, expected_version=member.version)

    def _network_later(
        self, index: int, login: str, rng: random.Random, consent: str | None
    ) -> None:
        """A member added after acceptance: with consent (``consent`` "yes"), or a former
        partner, not asked, removed two days later at the client's request."""
        if index not in self.clients:
            return
        repo = self.repo(login)
        referral_id = self.ids[index]
        surname = repo.referral(referral_id).name.split(" ")[1]
        name = f"{rng.choice(FIRST_NAMES)} {surname}{MARK}"
        phone = f"07700 900{rng.randint(0, 999):03d}"  # Ofcom's drama range, as the others
        if consent is not None:
            repo.add_network_member(referral_id, name, "friend", phone, consent=consent)
            return
        self.network_removed[index] = repo.add_network_member(
            referral_id, name, "former partner", phone
        )

    def _network_remove(self, index: int, login: str) -> None:
        member = self.network_removed.get(index)
        if member is not None:
            self.repo(login).remove_network_member(
                member, "The client asked that they no longer be involved (demo)."
            )

    def run(self) -> DemoSummary:
        events = self.staff_events()
        plans = self.plans()
        for index, plan in enumerate(plans):
            self.schedule(index, plan)
            events += plan.events
        events += self.care_events(plans)
        events += self.network_events(plans)  # issue 12 (network)
        events += crisis_plan_events(self, plans)  # issue 12 (safety)
        if self.history_weeks:  # issue 14 (fft): the year behind, after the team was set up
            events = self.year_behind(events)
        batch: list[Callable[..., object]] = []  # care-plan entries: an audit row or None

        def flush() -> None:
            # Neighbouring entries of the care plan go in together, in time order.
            rows = [row for entry in batch if isinstance(row := entry(), dict)]
            batch.clear()
            if rows:
                with self.db.session(write=True) as session:
                    audit_chain.append(session.connection(), rows)

        for when, _seq, action, direct in sorted(events, key=lambda e: (e[0], e[1])):
            if direct:
                batch.append(action)
            else:
                flush()
                self.at(when, action)
        flush()
        with self.db.session(write=True) as session:
            self.writer.write_tables(session)
            self.meeting_record.write(session)  # issue 12 (meeting)
        self.at(self.now, self.arrange_cover)
        self.at(self.now, lambda: record_demo(self))  # issue 12 (record)
        self.meeting_record.today(self.now, self.repo(self.lead))  # issue 12 (meeting)
        demo_safeguarding(self.repo(self.lead), self.now)  # issue 12 (guard)
        self.at(self.now, partial(demo_admissions, self.repo(self.lead)))  # issue 12 (docs)
        self.at(self.now, partial(demo_fft, self.repo(self.lead)))  # issue 14 (fft)
        repo = self.repo(self.login)
        statuses = Counter(r.status for r in repo.referrals_for_export())
        with self.db.session() as session:
            episodes = session.exec(
                select(func.count()).select_from(Client).where(Client.status == "open")
            ).one()
            meetings = session.exec(select(func.count()).select_from(Meeting)).one()
        return DemoSummary(
            referrals=sum(statuses.values()),
            staff=len(repo.list_staff()),
            by_status={str(status): count for status, count in statuses.items()},
            duty_login=self.login,
            episodes=int(episodes),
            meetings=int(meetings),
        )

    def year_behind(self, events: list[_Event]) -> list[_Event]:
        """Set up the team (the events before the year began), write the year behind
        (``duty_desk.demo_year``), and give back the rest of the events with the year's
        audit rows among them, each at its time."""
        from .demo_year import year_events

        began = timeutil.week_start_local(self.now, self.tz).subtract(weeks=self.history_weeks)
        ordered = sorted(events, key=lambda e: (e[0], e[1]))
        for when, _seq, action, direct in ordered:
            if when < began:
                assert not direct, "only the team's set-up comes before the year"
                self.at(when, action)
        write, rows = year_events(self, self.history_weeks)
        write()
        rest = [event for event in ordered if event[0] >= began]
        for when, _order, row in rows():
            self.seq += 1
            rest.append((when, self.seq, partial(_row, row), True))
        return rest


def _row(row: dict[str, object]) -> dict[str, object]:
    return row


# -- issue 12 (record) --


def record_demo(builder: _Builder) -> None:
    """Work phones for the active staff (a key worker's contact in the client record), set
    by the lead; the numbers from Ofcom's drama range like every phone in the demo."""
    lead = builder.repo(builder.lead)
    for member in lead.list_staff():
        lead.set_staff_phone(member.login, builder.phone(mobile=False))


# -- issue 12 (guard): safeguarding flags ------------------------------------------------------
FLAG_NOTES = (
    "Two young children at home; the health visitor is aware (demo)",
    "Concern raised by a neighbour, looked into by the team (demo)",
    "Referrer mentions a partner at the address (demo)",
)


def demo_safeguarding(repo: Repository, now: dt.datetime) -> None:
    """As the team lead, at ``now`` (after everything else, so the audit log stays in time
    order): an open flag on an open client, a flag raised on the wrong client and closed
    (the H60 story: closed with the reason, kept in the history), and a flag on a referral
    still in the queue."""
    kinds = list(repo.config.safeguarding.kinds)
    with timeutil.frozen(timeutil.as_utc(now)):
        clients = sorted(repo.board().episodes, key=lambda e: e.client_id)
        waiting = sorted(repo.open_referrals(), key=lambda r: r.id)
        if clients:
            repo.raise_flag(kinds[0], FLAG_NOTES[0], client_id=clients[0].client_id)
        if len(clients) > 1:
            flag = repo.raise_flag(
                kinds[1 % len(kinds)], FLAG_NOTES[1], client_id=clients[1].client_id
            )
            repo.close_flag(
                flag,
                timeutil.to_local(now, repo.config.team.timezone).date(),
                "Raised on the wrong client by mistake; the concern is about someone else (demo)",
            )
        if waiting:
            repo.raise_flag(kinds[-1], FLAG_NOTES[2], referral_id=waiting[0].id)


DEMO_HISTORY_WEEKS = 52  # issue 14 (fft): what 'duty-desk demo' builds behind the week
MIN_HISTORY_WEEKS = 16  # the year's episodes end 13 weeks ago, before the week's team began


def build_demo(
    db: Database,
    config: Config,
    now: dt.datetime | None = None,
    *,
    seed: int = DEMO_SEED,
    history_weeks: int = 0,
) -> DemoSummary:
    """Fill an empty duty-desk database with the demo team and a week of referrals.

    Deterministic for a given ``now`` (default: the core's clock) and ``seed``.
    The current OS login is added as an active staff member (the duty worker).
    Marks the database as a demo (``duty_desk_meta``) once complete. ``history_weeks``
    (issue 14): that many weeks of referrals, episodes, meetings, DIALOG ratings,
    admissions and Friends and Family Test answers behind the week
    (``duty_desk.demo_year``; ``duty-desk demo`` builds :data:`DEMO_HISTORY_WEEKS`).
    """
    if Repository(db, config).list_staff(include_inactive=True) or not db.is_empty():
        raise DutyDeskError(
            f"{db.describe()} already holds staff or referrals; the demo only fills an empty database"
        )
    if history_weeks and not MIN_HISTORY_WEEKS <= history_weeks <= 520:
        raise ValueError(f"history_weeks: 0, or {MIN_HISTORY_WEEKS} to 520 (behind the week)")
    when = now or timeutil.now()
    summary = _Builder(db, config, when, seed, history_weeks).run()
    set_demo_marker(db, timeutil.as_utc(when))
    return summary


# -- the marker and the duty worker ---------------------------------------------------------------


def demo_built_at(db: Database) -> dt.datetime | None:
    """When this database was built as a demo, or None when it is not a demo database."""
    from .models import Meta

    with db.session() as session:
        row = session.get(Meta, DEMO_META_KEY)
        if row is None:
            return None
        try:
            return dt.datetime.fromisoformat(row.value)
        except ValueError:
            return dt.datetime.min.replace(tzinfo=dt.UTC)


def set_demo_marker(db: Database, built_at: dt.datetime) -> None:
    """Record (in duty_desk_meta, beside the schema version) that this is a demo database."""
    from .models import Meta

    with db.session(write=True) as session:
        row = session.get(Meta, DEMO_META_KEY) or Meta(key=DEMO_META_KEY, value="")
        row.value = timeutil.as_utc(built_at).isoformat()
        session.add(row)


def add_duty_worker(db: Database, config: Config, lead_login: str | None = None) -> bool:
    """Put the current OS login on a demo database's staff list (as the team lead would).

    Returns True when the login was added, False when it was already there.
    """
    login = os_login()
    repo = Repository(db, config, actor=login)
    staff = repo.list_staff(include_inactive=True)
    if any(member.login == login for member in staff):
        return False
    if lead_login is None:
        leads = [m.login for m in staff if m.active and m.role == "team_lead"]
        actives = [m.login for m in staff if m.active]
        lead_login = (leads or actives or [login])[0]
    Repository(db, config, actor=lead_login).add_staff(
        login, f"You ({login}), duty worker", "clinician", bootstrap=not staff
    )
    return True


# -- duty-desk demo ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoOutcome:
    db: Database
    built: bool  # False: an existing demo database was reused
    built_at: dt.datetime | None
    summary: DemoSummary | None


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


def _build_file(config: Config, path: Path, now: dt.datetime | None) -> DemoSummary:
    """Build into a temporary file beside ``path``, then rename: never a half-built demo."""
    try:
        private_dir(path.parent, TEAM_DIR_MODE)
    except OSError as exc:
        raise DatabaseError(f"cannot create {path.parent}: {exc.strerror}") from None
    building = path.with_name(f".{path.name}.{os.getpid()}.building")
    _remove_sqlite_files(building)
    # A file nobody else sees until it is complete: no need to wait on the disk for every
    # commit (the final checkpoint writes it all out before the rename).
    quick = config.model_copy(
        update={"database": config.database.model_copy(update={"synchronous": "NORMAL"})}
    )
    try:
        db = open_database(quick, str(building), create=True)
        try:
            summary = build_demo(db, config, now, history_weeks=DEMO_HISTORY_WEEKS)
            raw = db.engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()
        finally:
            db.dispose()
        for suffix in ("-wal", "-shm"):
            with suppress(FileNotFoundError):
                os.unlink(f"{building}{suffix}")
        for suffix in ("-wal", "-shm"):
            with suppress(FileNotFoundError):
                os.unlink(f"{path}{suffix}")
        os.replace(building, path)
    except BaseException:
        _remove_sqlite_files(building)
        raise
    return summary


def prepare_demo(
    config: Config,
    explicit: str | None = None,
    *,
    fresh: bool = False,
    now: dt.datetime | None = None,
) -> DemoOutcome:
    """Build or reuse the demo database; return it open.

    Without ``explicit`` (``--db``) the per-user demo file is used. An existing
    database is reused only when it is a demo database; ``fresh`` throws a demo
    database away and builds a new one around ``now``. A database that is not a
    demo is never filled or removed.
    """
    default = explicit is None
    url = resolve_url(str(demo_database_path()) if default else explicit, config)
    if url.get_backend_name() != "sqlite":
        return _prepare_server(config, explicit, fresh=fresh, now=now)
    if not url.database or url.database == ":memory:":
        raise DatabaseError("an in-memory database cannot be shared; give a file path")
    path = Path(url.database)
    if path.exists() and path.stat().st_size > 0:
        if fresh and default:
            _remove_sqlite_files(path)
        else:
            try:
                db = open_database(config, str(path))
            except DatabaseError as exc:
                if default:
                    raise DatabaseError(
                        f"{exc}; 'duty-desk demo --fresh' replaces it with a new demo"
                    ) from None
                raise
            built_at = demo_built_at(db)
            if built_at is None:
                db.dispose()
                raise DatabaseError(
                    f"{path} is a duty-desk database but not a demo one; the demo leaves it "
                    f"alone (open it with 'duty-desk --db {path}')"
                )
            if not fresh:
                add_duty_worker(db, config)
                return DemoOutcome(db=db, built=False, built_at=built_at, summary=None)
            db.dispose()
            _remove_sqlite_files(path)
    summary = _build_file(config, path, now)
    db = open_database(config, str(path))
    return DemoOutcome(db=db, built=True, built_at=demo_built_at(db), summary=summary)


def _prepare_server(
    config: Config, explicit: str | None, *, fresh: bool, now: dt.datetime | None
) -> DemoOutcome:
    """A database server (PostgreSQL): built in place, only into an empty database."""
    db = open_database(config, explicit, create=True)
    try:
        built_at = demo_built_at(db)
        if built_at is not None:
            if fresh:
                raise DatabaseError(
                    "--fresh only replaces demo database files; give a new empty database instead"
                )
            add_duty_worker(db, config)
            return DemoOutcome(db=db, built=False, built_at=built_at, summary=None)
        summary = build_demo(db, config, now, history_weeks=DEMO_HISTORY_WEEKS)
    except BaseException:
        db.dispose()
        raise
    return DemoOutcome(db=db, built=True, built_at=demo_built_at(db), summary=summary)


# -- issue 12 (safety): crisis plans and risk summaries ---------------------------------------------
_DEMO_PLAN = {
    "early_signs": "Sleeps less, stops answering the phone, talks of being watched" + MARK,
    "what_helps": "A walk with their sister; the key worker visiting at home; music" + MARK,
    "what_to_avoid": "Raised voices; being asked the same questions by new people" + MARK,
    "contact_in_hours": "Key worker through the team base (example): 01632 960100" + MARK,
}
_DEMO_RISK = "No risk to others known; self-neglect when unwell, watched by the network" + MARK
_REVIEWED_EVERY = 35  # days: the demo team reviews a little before the 6 weeks offered


def crisis_plan_events(builder: _Builder, plans: list[_Plan]) -> list[_Event]:
    """Crisis plans and risk summaries written with the demo clients a couple of days after
    acceptance and reviewed every five weeks since, through the repository at their time.
    Every third episode under way has none yet (the board lists those past a week as
    "plan missing"), and the first one accepted more than 25 days ago was left unreviewed:
    its plan's review date has passed (the board lists it as "plan overdue")."""
    events: list[_Event] = []
    now = builder.now
    start = now.subtract(days=90)  # the demo team began (and kept plans) 90 days ago
    builder.seq += 1
    events.append((start, builder.seq, partial(_plans_kept_since, builder.db, start), False))
    overdue_done = False
    clinicians = builder.clinicians or [builder.lead]
    for index, plan in enumerate(plans):
        if plan.decided is None or plan.story in ("", "unbooked", "unbooked_late", "recent"):
            continue
        if index % 3 == 2:
            continue  # no plan yet
        written = plan.decided.add(days=2)
        if written >= now:
            continue
        overdue = not overdue_done and written <= now.subtract(days=25)
        overdue_done = overdue_done or overdue
        author = clinicians[index % len(clinicians)]
        times = [written]
        while not overdue and times[-1].add(days=_REVIEWED_EVERY) < now:
            times.append(times[-1].add(days=_REVIEWED_EVERY))
        for turn, when in enumerate(times):
            action = partial(_write_plan, builder, index, author, turn, overdue)
            builder.seq += 1
            events.append((when, builder.seq, action, False))
    return events


def _plans_kept_since(db: Database, when: dt.datetime) -> None:
    """The demo database has held crisis plans since the team began (so the board lists
    the episodes with none as "plan missing")."""
    with db.session(write=True) as session:
        row = session.get(Meta, CRISIS_PLANS_SINCE) or Meta(key=CRISIS_PLANS_SINCE, value="")
        row.value = timeutil.as_utc(when).isoformat()
        session.add(row)


def _write_plan(builder: _Builder, index: int, author: str, turn: int, overdue: bool) -> None:
    client = builder.clients.get(index)
    if client is None:
        return
    repo = builder.repo(author)
    today = timeutil.to_local(timeutil.now(), builder.tz).date()
    weeks = builder.config.record
    plan_review = today + dt.timedelta(days=14 if overdue else weeks.crisis_plan_review_weeks * 7)
    risk_review = today + dt.timedelta(days=weeks.risk_review_weeks * 7)
    parts = dict(_DEMO_PLAN)
    parts["contact_out_of_hours"] = crisis.default_out_of_hours(builder.config)
    if turn:
        parts["what_helps"] = f"{_DEMO_PLAN['what_helps']}; reviewed with them, still right"
    try:
        before = repo.crisis_plan(client)
        repo.save_crisis_plan(
            client, parts, plan_review, expected_version=before.version if before else None
        )
        risk = repo.risk_summary(client)
        repo.save_risk_summary(
            client,
            _DEMO_RISK if not turn else f"{_DEMO_RISK}; reviewed{MARK}",
            risk_review,
            expected_version=risk.version if risk else None,
        )
    except (Conflict, InputErrors):
        return  # the episode ended first: nothing to write


# -- issue 12 (docs): hospital admissions ----------------------------------------------------------
DEMO_HOSPITALS = ("St Placeholder Hospital, Willow Ward (demo)", "Harbour Example Hospital (demo)")


def demo_admissions(repo: Repository) -> None:
    """Two admissions, on the two open episodes accepted longest ago: one detained under
    section 2 for about two weeks and discharged, one informal and still in hospital (IN
    HOSPITAL on the record). Dates fall inside each episode; skipped for an episode too new
    to hold them."""
    today = timeutil.to_local(timeutil.now(), repo.config.team.timezone).date()
    episodes = sorted(repo.board().episodes, key=lambda e: (e.accepted_at, e.client_id))
    tz = repo.config.team.timezone
    first = [(e, timeutil.to_local(e.accepted_at, tz).date()) for e in episodes[:2]]
    if len(first) < 2:
        return
    (detained, since), (informal, since_too) = first
    admitted = since + dt.timedelta(days=2)
    left = min(admitted + dt.timedelta(days=14), today - dt.timedelta(days=1))
    if left > admitted:
        repo.add_admission(detained.client_id, admitted, left, "detained", "s2", DEMO_HOSPITALS[0])
    in_since = max(since_too, today - dt.timedelta(days=3))
    repo.add_admission(informal.client_id, in_since, None, "informal", None, DEMO_HOSPITALS[1])


# -- issue 14 (fft): the Friends and Family Test ------------------------------------------------
DEMO_FFT_COMMENT = "The same two people came every time, and my mum could join in" + MARK


def demo_fft(repo: Repository) -> None:
    """The week's discharged clients answered the Friends and Family Test at discharge
    (very good, with a comment); recorded by the team lead at ``now``, on the day each
    episode ended. The year behind (``duty_desk.demo_year``) holds the rest."""
    tz = repo.config.team.timezone
    since = timeutil.now() - dt.timedelta(days=14)
    for episode in repo.clients_for_export(include_discharged=True):
        if episode.discharged_at is None or episode.discharged_at < since:
            continue
        day = timeutil.to_local(episode.discharged_at, tz).date()
        repo.record_fft_answer(episode.client_id, "very_good", DEMO_FFT_COMMENT, day, True)
