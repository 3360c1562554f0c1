"""The demo's year behind the week (issue 14: "demo data spans a year so every chart has a
shape"): the 52 weeks before today, for the team report.

Referrals arrive every week, more in some weeks than others, from every source and both
areas (a few on Friday evenings, a few in the night the clocks change); some are
redirected (to which service, why) or declined (why); the rest are accepted within the
weekly places, a few out of order (a later referral first, with the reason). Each episode
accepted has its core team, a first meeting that happened (most within 24 hours; the
misses booked late with their reason), meetings about weekly with network members and peer
support workers present in varying shares, some cancelled or not attended, DIALOG ratings
every few weeks (mostly improving), a few hospital admissions (informal and detained), and
an ending of each kind, most with a Friends and Family Test answer at discharge (mostly
positive, some with a comment, some "don't know"), a few answered later.

Episodes accepted up to 15 weeks ago, all ended 13 weeks ago: the week in front
(``duty_desk.demo``) holds the episodes under way, and nothing here touches its places, its
staff calendars or its board. In the last 13 weeks this layer adds only referrals that were
redirected or declined, so intake has a shape to the end.

Written straight through the tables (one pass, ids as the database gives them), every
change with its audit row at the time it happened by the staff member who did it, merged
into the demo's audit log in time order. Its own random generator, seeded from the demo's:
the week in front is the same with or without it. Synthetic people only, marked "(demo)".
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pendulum
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from . import rules, timeutil
from .config import DAY_NAMES, Config
from .models import (
    Admission,
    Client,
    CoreTeamMember,
    DialogAnswer,
    DialogRating,
    Meeting,
    MeetingNetwork,
    MeetingStaff,
    NetworkMember,
    Referral,
    SatisfactionAnswer,
    Staff,
    table_of,
)
from .nhs import nhs_check_digit

MARK = " (demo)"
WEEKS = 52
CARE_ENDS_WEEKS = 13  # every episode of this layer ended this many weeks ago
LAST_ACCEPTED_WEEKS = 15
INITIALS = "ABCDEFGHJKLMNPRSTW"
FIRST_MISSED = (  # why a first meeting was booked after its respond-by time
    "Team closed over the weekend; first meeting on the next working morning.",
    "The person declined a visit the first day; met the day after at their choice.",
    "No two staff free within the day; first meeting the next morning.",
)
REDIRECTS = (
    ("cmht", "Not a POD referral route; CMHT to assess this week."),
    ("crht", "Outside the POD age range; CRHT crisis assessment arranged."),
    ("cmht", "Already open to a CMHT care coordinator who will see them."),
    ("crht", "No POD places left this week; CRHT to follow up."),
)
DECLINES = (
    "Duplicate of a referral received the same morning.",
    "Referrer withdrew the referral after speaking with the person.",
    "Person said they do not want contact from mental-health services at present.",
)
ENDINGS = (
    ("primary_care", "Network agreed they no longer need the team; GP continues care."),
    ("primary_care", "Doing well; transfer to the GP with a letter, re-referral explained."),
    ("other", "Moved out of the area; care passed to the local team."),
    ("other", "Declined further contact after talking it over with the family."),
)
ORDER_REASON = "Taken first: more urgent (crisis at home); the earlier one seen next day."
HOSPITALS = ("St Placeholder Hospital, Willow Ward (demo)", "Harbour Example Hospital (demo)")
FFT_WEIGHTS = (
    ("very_good", 46),
    ("good", 26),
    ("neither", 7),
    ("poor", 4),
    ("very_poor", 2),
    ("dont_know", 7),
)
FFT_COMMENTS = {
    "very_good": (
        "They came to our home and listened to all of us.",
        "Same two faces every time; I never had to repeat my story.",
        "The peer worker understood what it was like.",
    ),
    "good": ("Helpful, though some meetings were moved at short notice.",),
    "neither": ("Hard to say; some weeks helped more than others.",),
    "poor": ("Too many different staff in the first fortnight.",),
    "very_poor": ("I did not feel heard in the meetings.",),
    "dont_know": ("",),
}
CANCEL_REASONS = (
    "Client unwell; asked to meet later in the week.",
    "Family away; the network asked to move the meeting.",
)


@dataclass
class _Episode:
    referral: int
    accepted: pendulum.DateTime
    accepter: str
    core: list[str]
    key: str | None
    members: list[int]
    ends: pendulum.DateTime
    kind: str
    reason: str
    client: int = 0
    ratings: int = 0
    meetings: list[int] = field(default_factory=list)


class YearBuilder:
    """Plans and writes the year; ``audit`` collects (when, row) for the demo's log."""

    def __init__(
        self,
        config: Config,
        now: pendulum.DateTime,
        seed: int,
        *,
        lead: str,
        clinicians: Sequence[str],
        peers: Sequence[str],
        names_seen: set[str],
        nhs_seen: set[str],
        weeks: int = WEEKS,
        first_meeting_id: int = 1,
    ) -> None:
        # The week in front numbers its meetings itself (1...): this layer's come after.
        self.next_meeting = first_meeting_id
        self.config = config
        self.tz = config.team.timezone
        self.now = now
        self.rng = random.Random(f"year {seed}")
        self.lead = lead
        self.clinicians = list(clinicians)
        self.peers = list(peers)
        self.names_seen = names_seen
        self.nhs_seen = nhs_seen
        self.weeks = weeks
        self.audit: list[tuple[pendulum.DateTime, int, dict[str, Any]]] = []
        self.busy: set[tuple[str, dt.datetime]] = set()  # (login, local start) taken
        self.staff: dict[str, int] = {}
        self.seq = 0
        self._members: dict[int, list[int]] = {}  # referral -> its network member ids

    # -- small pieces ----------------------------------------------------------------------
    def log(
        self,
        at: pendulum.DateTime,
        actor: str,
        action: str,
        entity: str,
        entity_id: int,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        from .demo_care import CareWriter

        self.seq += 1
        row = CareWriter.entry(actor, action, entity, entity_id, before, after, at)
        self.audit.append((at, self.seq, row))

    def local(self, day: dt.date, hour: int, minute: int = 0) -> pendulum.DateTime:
        return timeutil.local_to_utc(dt.datetime.combine(day, dt.time(hour, minute)), self.tz)

    def open_at(self, at: pendulum.DateTime) -> pendulum.DateTime:
        """``at`` or the next quarter hour the team is working."""
        probe = at
        for _ in range(4 * 24 * 5):
            if timeutil.within_team_hours(probe, self.config.team):
                return probe
            probe = probe.add(minutes=15)
        return at

    def name(self) -> str:
        while True:
            first, surname = self.rng.choice(_FIRST), self.rng.choice(_SURNAMES)
            name = f"{first} {self.rng.choice(INITIALS)}. {surname}{MARK}"
            if name not in self.names_seen:
                self.names_seen.add(name)
                return name

    def nhs(self) -> str:
        while True:
            stem = f"999{self.rng.randrange(10**6):06d}"
            check = nhs_check_digit(stem)
            if check is not None and stem + str(check) not in self.nhs_seen:
                self.nhs_seen.add(stem + str(check))
                return stem + str(check)

    def slot(self, logins: list[str], day: dt.date, not_before: pendulum.DateTime) -> Any:
        """The first free hour on ``day`` or a following working day (within a week)."""
        team = self.config.team
        for offset in range(8):
            probe = day + dt.timedelta(days=offset)
            if DAY_NAMES[probe.weekday()] not in team.days:
                continue
            for hour in range(team.opens.hour + 1, team.closes.hour - 1):
                starts = self.local(probe, hour)
                key = dt.datetime.combine(probe, dt.time(hour))
                if starts < not_before or not timeutil.within_team_hours(starts, team):
                    continue
                if not timeutil.within_team_hours(starts.add(minutes=59), team):
                    continue
                if all((login, key) not in self.busy for login in logins):
                    for login in logins:
                        self.busy.add((login, key))
                    return starts
        return None

    # -- the plan ------------------------------------------------------------------------------
    def write(self, connection: Connection) -> None:
        """Everything, in one transaction (the caller's)."""
        staff = table_of(Staff)
        self.staff = {
            login: id_ for login, id_ in connection.execute(select(staff.c.login, staff.c.id))
        }
        monday = timeutil.week_start_local(self.now, self.tz)
        accepted_in: dict[tuple[str, int], int] = {}
        areas = [key for key, area in self.config.areas.items() if area.gp_practices]
        for weeks_ago in range(self.weeks, 0, -1):
            week = monday.subtract(weeks=weeks_ago)
            seasonal = 1 + 0.35 * _wave(weeks_ago)
            count = max(2, round(self.rng.gauss(6.5 * seasonal, 1.6)))
            if weeks_ago < LAST_ACCEPTED_WEEKS:  # the week in front accepts these weeks'
                count = max(1, count // 2)
            received = sorted(self._receipt(week) for _ in range(count))
            if weeks_ago % 9 == 4:
                received.append(self._friday_evening(week))
            received += self._clock_change(week)
            order_swap = weeks_ago % 7 == 3
            swapped: list[tuple[int, pendulum.DateTime]] = []
            for when in sorted(received):
                area = self.rng.choice(areas)
                can_accept = weeks_ago >= LAST_ACCEPTED_WEEKS
                cap = self.config.areas[area].weekly_cap
                taken = accepted_in.get((area, weeks_ago), 0)
                roll = self.rng.random()
                if can_accept and taken < cap and roll < 0.55:
                    fate = "accept"
                    accepted_in[(area, weeks_ago)] = taken + 1
                elif roll < 0.85:
                    fate = "redirect"
                else:
                    fate = "decline"
                referral = self._referral(connection, when, area, fate)
                if fate == "accept":
                    swapped.append((referral, when))
                    continue
                self._decide(connection, referral, when, fate)
            if order_swap and len(swapped) >= 2:
                (first, first_at), (second, second_at) = swapped[0], swapped[1]
                decided = self._accept(connection, second, second_at, None, ORDER_REASON + MARK)
                self._accept(connection, first, first_at, decided.add(hours=1), None)
                swapped = swapped[2:]
            for referral, when in swapped:
                self._accept(connection, referral, when, None, None)
        self.audit.sort(key=lambda item: (item[0], item[1]))

    def _receipt(self, week: pendulum.DateTime) -> pendulum.DateTime:
        day = week.add(days=self.rng.choice([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6]))
        hour = self.rng.choice([8, 9, 9, 10, 10, 11, 12, 13, 14, 15, 16, 17, 20])
        return day.add(hours=hour, minutes=self.rng.choice([0, 10, 25, 40, 55])).in_timezone("UTC")

    def _friday_evening(self, week: pendulum.DateTime) -> pendulum.DateTime:
        return week.add(days=4, hours=19, minutes=35).in_timezone("UTC")

    def _clock_change(self, week: pendulum.DateTime) -> list[pendulum.DateTime]:
        """One referral in the small hours of the Sunday the clocks change, if this week has
        one (00:30 and 03:30 local are unambiguous on both change days)."""
        sunday = week.add(days=6)
        before = timeutil.local_to_utc(dt.datetime.combine(sunday.date(), dt.time(0, 30)), self.tz)
        after = timeutil.local_to_utc(dt.datetime.combine(sunday.date(), dt.time(3, 30)), self.tz)
        if (after - before).total_seconds() != 3 * 3600:
            return [after]
        return []

    def _referral(
        self, connection: Connection, received: pendulum.DateTime, area: str, fate: str
    ) -> int:
        rng = self.rng
        config = self.config
        sources = list(config.sources)
        eligible = [s for s in sources if config.sources[s].eligible] or sources
        source = rng.choice(eligible if fate == "accept" or rng.random() < 0.6 else sources)
        urgency = rng.choice(["C", "C", "C", "B", "D"])
        if urgency not in config.urgency:
            urgency = next(iter(config.urgency))
        adder = rng.choice([self.lead, *self.clinicians])
        team = config.team
        age = rng.randint(max(team.min_age, 19), min(team.max_age, 62))
        born = received.date().replace(year=received.year - age) - dt.timedelta(
            days=rng.randint(1, 360)
        )
        name = self.name()
        values: dict[str, Any] = {
            "name": name,
            "date_of_birth": born,
            "nhs_number": self.nhs() if rng.random() < 0.9 else None,
            "phone": f"07700 900{rng.randrange(1000):03d}",
            "area": area,
            "gp_practice": rng.choice(config.areas[area].gp_practices),
            "source": source,
            "urgency": urgency,
            "reason": rng.choice(_REASONS) + MARK,
            "notes": "",
            "address": f"{rng.randint(1, 120)} {rng.choice(_STREETS)}{MARK}",
            "postcode": f"ZZ99 {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}Z",
            "referrer_name": f"Dr {rng.choice(_SURNAMES)}{MARK}",
            "referrer_contact": f"gp.referrals{rng.randint(1, 99)}@example.org",
            "language": "",
            "interpreter": False,
            "received_at": received,
            "respond_by": rules.respond_by(received, urgency, config),
            "status": "new",
            "created_at": received,
            "created_by": adder,
            "version": 1,
        }
        referral = _insert(connection, Referral, values)
        self.log(received, adder, "add referral", "referral", referral, None, _public(values))
        members = []
        for n in range(rng.choice([0, 1, 1, 2, 2, 3]) if fate == "accept" else 0):
            member = {
                "referral_id": referral,
                "name": f"{rng.choice(_FIRST)} {name.split(' ')[2]}{MARK}",
                "relationship": rng.choice(_RELATIONSHIPS),
                "phone": f"07700 900{rng.randrange(1000):03d}",
                "created_at": received.add(minutes=20 + n),
                "consent": "yes",
                "consent_at": received.add(minutes=20 + n),
                "consent_by": adder,
                "version": 1,
            }
            member_id = _insert(connection, NetworkMember, member)
            members.append(member_id)
            self.log(
                received.add(minutes=20 + n),
                adder,
                "add network member",
                "network_member",
                member_id,
                None,
                {"referral_id": referral, "relationship": member["relationship"]},
            )
        self._members[referral] = members
        return referral

    def _claim(self, referral: int, received: pendulum.DateTime, who: str) -> pendulum.DateTime:
        claimed = self.open_at(received.add(minutes=self.rng.choice([20, 45, 90, 150])))
        self.log(
            claimed, who, "claim", "referral", referral, {"status": "new"}, {"status": "triaging"}
        )
        return claimed

    def _decide(
        self, connection: Connection, referral: int, received: pendulum.DateTime, fate: str
    ) -> None:
        who = self.rng.choice(self.clinicians)
        decided = self._claim(referral, received, who).add(minutes=30)
        if fate == "redirect":
            onward, reason = self.rng.choice(REDIRECTS)
            if onward not in self.config.onward:
                onward = next(iter(self.config.onward))
            values = {"status": "redirected", "onward": onward, "decision_reason": reason + MARK}
        else:
            values = {"status": "declined", "decision_reason": self.rng.choice(DECLINES) + MARK}
        _update(
            connection,
            Referral,
            referral,
            {**values, "decided_by_id": self.staff[who], "decided_at": decided, "version": 3},
        )
        self.log(decided, who, fate, "referral", referral, {"status": "triaging"}, values)

    def _accept(
        self,
        connection: Connection,
        referral: int,
        received: pendulum.DateTime,
        not_before: pendulum.DateTime | None,
        order_reason: str | None,
    ) -> pendulum.DateTime:
        rng = self.rng
        who = rng.choice(self.clinicians)
        claimed = self._claim(referral, received, who)
        decided = self.open_at(max(claimed.add(minutes=25), not_before or claimed))
        _update(
            connection,
            Referral,
            referral,
            {
                "status": "accepted",
                "decided_by_id": self.staff[who],
                "decided_at": decided,
                "order_reason": order_reason,
                "version": 3,
            },
        )
        self.log(
            decided,
            who,
            "accept",
            "referral",
            referral,
            {"status": "triaging"},
            {"status": "accepted", "order_reason": order_reason},
        )
        client = _insert(
            connection,
            Client,
            {
                "referral_id": referral,
                "accepted_at": decided,
                "accepted_by_id": self.staff[who],
                "status": "open",
                "version": 1,
            },
        )
        self.log(decided, who, "open episode", "client", client, None, {"referral_id": referral})
        self._care(connection, referral, client, decided, who)
        return decided

    def _care(
        self,
        connection: Connection,
        referral: int,
        client: int,
        accepted: pendulum.DateTime,
        accepter: str,
    ) -> None:
        rng = self.rng
        clinicians = rng.sample(self.clinicians, rng.choice([1, 1, 2]))
        peer = [rng.choice(self.peers)] if self.peers and rng.random() < 0.8 else []
        core = clinicians + peer
        if len(core) < 2:
            core = rng.sample(self.clinicians, 2)
        key = core[0]
        core_at = accepted.add(minutes=5)
        connection.execute(
            insert(table_of(CoreTeamMember)),
            [{"client_id": client, "staff_id": self.staff[s], "added_at": core_at} for s in core],
        )
        self.log(
            core_at,
            accepter,
            "core team",
            "client",
            client,
            {"core_team": [], "key_worker": None},
            {"core_team": sorted(core), "key_worker": key},
        )
        limit = timeutil.week_start_local(self.now, self.tz).subtract(weeks=CARE_ENDS_WEEKS)
        ends = min(accepted.add(weeks=rng.randint(3, 14)), limit.in_timezone("UTC"))
        kind, reason = rng.choice(ENDINGS)
        members = self._members.get(referral, [])
        network_share = rng.choice([0.2, 0.5, 0.7, 0.9])
        respond_by = connection.execute(
            select(table_of(Referral).c.respond_by).where(table_of(Referral).c.id == referral)
        ).scalar_one()
        respond_by = timeutil.as_utc(respond_by)
        missed = rng.random() < 0.18
        day = timeutil.to_local(accepted, self.tz).date()
        not_before = accepted.add(hours=1)
        if missed:
            not_before = max(not_before, respond_by.add(hours=1))
            day = timeutil.to_local(not_before, self.tz).date()
        first = True
        ratings = 0
        last_end: pendulum.DateTime | None = None
        while True:
            starts = self.slot(core, day, not_before)
            if starts is None or starts.add(hours=1) >= ends:
                break
            booked_at = (last_end or accepted).add(minutes=10)
            status = "happened"
            roll = rng.random()
            if not first and roll < 0.07:
                status = "cancelled"
            elif not first and roll < 0.12:
                status = "did_not_attend"
            late = FIRST_MISSED[client % len(FIRST_MISSED)] + MARK if first and missed else None
            meeting = self.next_meeting
            self.next_meeting += 1
            _insert(
                connection,
                Meeting,
                {
                    "id": meeting,
                    "client_id": client,
                    "starts_at": starts,
                    "ends_at": starts.add(hours=1),
                    "place_kind": rng.choice(["home", "home", "home", "base", "phone"]),
                    "place_detail": "",
                    "status": status,
                    "cancelled_by": "client" if status == "cancelled" else None,
                    "cancel_reason": rng.choice(CANCEL_REASONS) + MARK
                    if status == "cancelled"
                    else None,
                    "late_reason": late,
                    "follow_up": "Phoned the same day; next meeting agreed." + MARK
                    if status == "did_not_attend"
                    else None,
                    "created_at": booked_at,
                    "created_by": key,
                    "version": 2,
                },
            )
            self.log(
                booked_at,
                key,
                "book meeting",
                "meeting",
                meeting,
                None,
                {"client_id": client, "starts_at": starts, "staff": sorted(core)},
            )
            happened = status == "happened"
            came = [s for s in core if rng.random() < 0.85] or core[:1] if happened else []
            network = [m for m in members if rng.random() < network_share] if happened else []
            connection.execute(
                insert(table_of(MeetingStaff)),
                [
                    {
                        "meeting_id": meeting,
                        "staff_id": self.staff[s],
                        "attended": (s in came) if happened else None,
                        "cover": False,
                    }
                    for s in core
                ],
            )
            if members:
                connection.execute(
                    insert(table_of(MeetingNetwork)),
                    [
                        {
                            "meeting_id": meeting,
                            "network_member_id": m,
                            "attended": (m in network) if happened else None,
                        }
                        for m in members
                    ],
                )
            settled = starts.add(hours=1, minutes=5)
            if status == "cancelled":
                settled = starts.subtract(hours=rng.choice([3, 20]))
            action = {
                "happened": "record happened",
                "cancelled": "cancel meeting",
                "did_not_attend": "record did not attend",
            }[status]
            self.log(
                settled,
                (came or [key])[0],
                action,
                "meeting",
                meeting,
                {"status": "booked"},
                {"status": status, "staff_attended": sorted(came), "network_attended": network},
            )
            if happened and (first or rng.random() < 0.22):
                ratings += 1
                self._rating(connection, client, meeting, starts, key, ratings)
            if happened and rng.random() < 0.015:
                self._admission(connection, client, starts, key, ends)
            first = first and not happened
            last_end = starts.add(hours=1)
            gap = rng.choice([2, 3, 4, 7, 7, 7, 10])
            day = timeutil.to_local(starts, self.tz).date() + dt.timedelta(days=gap)
            not_before = last_end.add(hours=2)
        ended_day = timeutil.to_local(ends, self.tz).date()
        ended = self.local(ended_day, 0)
        _update(
            connection,
            Client,
            client,
            {
                "key_worker_id": self.staff[key],
                "status": "discharged",
                "discharged_at": ended,
                "discharge_kind": kind,
                "discharge_reason": reason + MARK,
                "discharged_by_id": self.staff[key],
                "version": 3,
            },
        )
        recorded = self.open_at(self.local(ended_day, 9))
        self.log(
            recorded,
            key,
            "discharge",
            "client",
            client,
            {"status": "open"},
            {"status": "discharged", "discharged_on": ended_day, "discharge_kind": kind},
        )
        if rng.random() < 0.7:
            later = rng.random() < 0.12
            self._fft(connection, client, recorded.add(days=rng.randint(3, 12) if later else 0),
                      key, at_discharge=not later)  # fmt: skip

    def _rating(
        self,
        connection: Connection,
        client: int,
        meeting: int,
        starts: pendulum.DateTime,
        who: str,
        turn: int,
    ) -> None:
        rng = self.rng
        rated_on = timeutil.to_local(starts, self.tz).date()
        at = starts.add(minutes=50)
        rating = _insert(
            connection,
            DialogRating,
            {
                "client_id": client,
                "meeting_id": meeting,
                "rated_on": rated_on,
                "created_at": at,
                "created_by": who,
                "version": 1,
            },
        )
        base = rng.uniform(2.6, 4.2) + 0.55 * (turn - 1) + rng.uniform(-0.4, 0.4)
        answers = []
        for item in self.config.dialog.items:
            score = round(min(7, max(1, rng.gauss(base, 0.9))))
            unrated = rng.random() < 0.04
            answers.append(
                {
                    "rating_id": rating,
                    "item_key": item.key,
                    "score": None if unrated else score,
                    "help_wanted": score <= 3 and rng.random() < 0.6,
                }
            )
        connection.execute(insert(table_of(DialogAnswer)), answers)
        self.log(
            at,
            who,
            "rate DIALOG",
            "dialog_rating",
            rating,
            None,
            {"client_id": client, "rated_on": rated_on, "items": len(answers)},
        )

    def _admission(
        self,
        connection: Connection,
        client: int,
        starts: pendulum.DateTime,
        who: str,
        ends: pendulum.DateTime,
    ) -> None:
        rng = self.rng
        admitted = timeutil.to_local(starts, self.tz).date() + dt.timedelta(days=1)
        left = admitted + dt.timedelta(days=rng.randint(4, 20))
        last = timeutil.to_local(ends, self.tz).date()
        if left >= last:
            return
        detained = rng.random() < 0.4
        created = self.open_at(self.local(admitted, 10))
        values: dict[str, Any] = {
            "client_id": client,
            "admitted_on": admitted,
            "discharged_on": left,
            "legal_status": "detained" if detained else "informal",
            "mha_section": rng.choice(["s2", "s2", "s3"]) if detained else None,
            "hospital": rng.choice(HOSPITALS),
            "created_at": created,
            "created_by": who,
            "version": 1,
        }
        admission = _insert(connection, Admission, values)
        self.log(
            created,
            who,
            "add admission",
            "admission",
            admission,
            None,
            {k: v for k, v in values.items() if k not in ("created_at", "created_by", "version")},
        )

    def _fft(
        self,
        connection: Connection,
        client: int,
        at: pendulum.DateTime,
        who: str,
        *,
        at_discharge: bool,
    ) -> None:
        rng = self.rng
        answer = rng.choices([a for a, _ in FFT_WEIGHTS], [w for _, w in FFT_WEIGHTS])[0]
        comment = rng.choice(FFT_COMMENTS[answer]) if rng.random() < 0.45 else ""
        answered_on = timeutil.to_local(at, self.tz).date()
        values = {
            "client_id": client,
            "answered_on": answered_on,
            "answer": answer,
            "comment": (comment + MARK) if comment else None,
            "at_discharge": at_discharge,
            "recorded_by": who,
            "recorded_at": at,
            "version": 1,
        }
        answer_id = _insert(connection, SatisfactionAnswer, values)
        self.log(
            at,
            who,
            "record FFT answer",
            "satisfaction_answer",
            answer_id,
            None,
            {
                "client_id": client,
                "answer": answer,
                "comment": values["comment"],
                "answered_on": answered_on,
                "at_discharge": at_discharge,
            },
        )


def _wave(weeks_ago: int) -> float:
    """A yearly rise and fall (busier in winter), -1 to 1."""
    import math

    return math.cos(2 * math.pi * weeks_ago / 52)


def _insert(connection: Connection, model: type, values: dict[str, Any]) -> int:
    result = connection.execute(insert(table_of(model)).values(**values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _update(connection: Connection, model: type, row_id: int, values: dict[str, Any]) -> None:
    table = table_of(model)
    connection.execute(table.update().where(table.c.id == row_id).values(**values))


def _public(values: dict[str, Any]) -> dict[str, Any]:
    keep = ("area", "source", "urgency", "received_at", "respond_by")
    return {k: values[k] for k in keep}


_FIRST = (
    "Alex", "Sam", "Robin", "Jo", "Charlie", "Morgan", "Kit", "Ash", "Rowan", "Jules",
    "Frankie", "Remi", "Toby", "Nia", "Priya", "Tomasz", "Aisha", "Callum", "Bea", "Olu",
)  # fmt: skip
_SURNAMES = (
    "Example", "Sample", "Placeholder", "Demo", "Specimen", "Testcase", "Mockford",
    "Fictional", "Dummy", "Madeup",
)  # fmt: skip
_STREETS = ("Example Street", "Sample Road", "Placeholder Lane", "Test Close", "Demo Avenue")
_RELATIONSHIPS = ("mother", "father", "partner", "sister", "brother", "friend", "son", "aunt")
_REASONS = (
    "Crisis referral via SPoA: low mood, not sleeping, family worried.",
    "Hearing voices for two weeks, stopped going to work; partner called SPoA.",
    "Seen in A&E after a crisis last night; wants help at home with family.",
    "Paranoid thoughts about neighbours; family want to be involved.",
    "Recent bereavement, not coping, sister staying with them.",
)


def year_events(
    builder: Any, weeks: int = WEEKS
) -> tuple[Callable[[], None], Callable[[], list[tuple[pendulum.DateTime, int, dict[str, Any]]]]]:
    """(write, rows): ``write()`` puts the year in the tables (call it once the staff
    exist); ``rows()`` then gives its audit rows (when, order, row), for the demo to merge
    into its log in time order."""
    year = YearBuilder(
        builder.config,
        builder.now,
        builder.seed,
        lead=builder.lead,
        clinicians=[c for c in builder.clinicians],
        peers=builder.peers,
        names_seen=builder.names_seen,
        nhs_seen=builder.nhs_seen,
        weeks=weeks,
        first_meeting_id=1
        + max(
            (slot.meeting_id or 0 for story in builder.writer.stories for slot in story.meetings),
            default=0,
        ),
    )

    def write() -> None:
        with builder.db.session(write=True) as session:
            year.write(session.connection())

    return write, lambda: year.audit
