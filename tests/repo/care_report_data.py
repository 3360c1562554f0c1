"""A small world for the team report's care parts (issue 14): network, peer support,
continuity, admissions, satisfaction and DIALOG, built through the real repository on a
real SQLite file. Every figure the tests check is worked out by hand from what is here.

Time: accepted on Monday 2 November 2026; the report's week is Monday 16 to Sunday 22
November; "now" is Monday 23 November 10:00 (tests/conftest.py's MONDAY_10; London is
UTC+0 in November, so local times equal UTC).

Episodes (all accepted 2 Nov 09:30):
- A, Canterbury: network Mum and Friend; core team duty1 + peer1 (peer support), key
  worker duty1. Meetings (10:00): 13 Nov happened (duty1, peer1; Mum) - before the week;
  16 Nov happened (duty1, peer1; Mum, Friend); 17 Nov happened (duty1; Mum; peer1
  expected, did not come); 18 Nov cancelled; 19 Nov happened with clin2 alone, as cover
  (duty1 expected, did not come; no network).
- B, Whitstable: core team clin2 (key worker) + clin3. Meetings 12 Nov and 18 Nov 14:00 happened
  (clin2; no network).
- C, Canterbury: no core team, no key worker, no meetings.
- D, Canterbury: core team peer1 (key worker) + clin3; no meetings; discharged 20 Nov.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pendulum

from duty_desk import timeutil
from duty_desk.repository import Repository
from duty_desk.team_report import Period
from tests.conftest import MONDAY_10, referral_input
from tests.dialog_answers import LIFE, TREATMENT

TZ = "Europe/London"
WEEK = Period.week(dt.date(2026, 11, 16))  # Mon 16 - Sun 22 Nov 2026
EMPTY_WEEK = Period.week(dt.date(2026, 10, 5))  # before anyone was accepted
ACCEPTED = pendulum.datetime(2026, 11, 2, 9, 30, tz=TZ)


def at(day: int, hour: int = 10) -> pendulum.DateTime:
    return pendulum.datetime(2026, 11, day, hour, tz=TZ)


@dataclass
class World:
    repo: Repository
    duty: int
    peer: int
    clin2: int
    a: int
    b: int
    c: int
    d: int
    mum: int
    friend: int


def _accept(repo: Repository, name: str, nhs: str, **more: str) -> tuple[int, int]:
    referral = repo.add_referral(
        referral_input(name=name, nhs_number=nhs, received_at="02/11/2026 09:00", **more)
    )
    return referral, repo.accept(referral)


def build(repo: Repository) -> World:
    duty = repo.acting_staff()
    assert duty is not None
    peer = repo.add_staff("peer1", "Peer Worker (test)", "peer_support").id
    clin2 = repo.add_staff("clin2", "Clinician Two (test)", "clinician").id
    clin3 = repo.add_staff("clin3", "Clinician Three (test)", "clinician").id
    with timeutil.frozen(ACCEPTED):
        ref_a, a = _accept(repo, "Alex Able (test)", "999 000 0018")
        mum = repo.add_network_member(ref_a, "Mum (test)", "mother")
        friend = repo.add_network_member(ref_a, "Friend (test)", "friend")
        _, b = _accept(
            repo,
            "Bo Beta (test)",
            "",
            area="whitstable",
            gp_practice="Harbour Street Surgery (example)",
        )
        _, c = _accept(repo, "Cy Gamma (test)", "")
        _, d = _accept(repo, "Di Delta (test)", "")
        repo.set_core_team(a, [duty.id, peer], duty.id, "Team (test)")
        repo.set_core_team(b, [clin2, clin3], clin2, "Team (test)")
        repo.set_core_team(d, [peer, clin3], peer, "Team (test)")
        booked = {
            day: repo.book(a, at(day), 60, [duty.id, peer], "base", network_ids=[mum, friend])
            for day in (13, 16, 17, 18)
        }
        booked[19] = repo.book(a, at(19), 60, [duty.id], "base")
        b12 = repo.book(b, at(12, 14), 60, [clin2], "base")
        b18 = repo.book(b, at(18, 14), 60, [clin2], "base")
    with timeutil.frozen(MONDAY_10):
        repo.record_happened(booked[13], [duty.id, peer], [mum])
        repo.record_happened(booked[16], [duty.id, peer], [mum, friend])
        repo.record_happened(booked[17], [duty.id], [mum])
        repo.cancel_meeting(booked[18], "client", "Not today (test)")
        repo.record_meeting(booked[19], [clin2], [], "Covered for duty1 (test)")  # cover
        repo.record_happened(b12, [clin2], [])
        repo.record_happened(b18, [clin2], [])
        repo.discharge(d, "primary_care", dt.date(2026, 11, 20), "Back to the GP (test)")
    return World(repo, duty.id, peer, clin2, a, b, c, d, mum, friend)


def add_admissions(w: World) -> None:
    """A: 2-5 Nov informal (before the week); 10-18 Nov informal (spans the week's start:
    nights 16, 17 in the week). B: 20 Nov detained under section 2, still in hospital
    (nights 20, 21, 22 in the week; 23 Nov too, today, in a period holding it)."""
    with timeutil.frozen(MONDAY_10):
        w.repo.add_admission(w.a, dt.date(2026, 11, 2), dt.date(2026, 11, 5), "informal", None, "H")
        w.repo.add_admission(
            w.a, dt.date(2026, 11, 10), dt.date(2026, 11, 18), "informal", None, "H"
        )
        w.repo.add_admission(w.b, dt.date(2026, 11, 20), None, "detained", "s2", "H")


ANSWERS = (  # (episode, day in November, answer, comment)
    ("a", 12, "very_poor", "Before the week (test)"),
    ("a", 17, "very_good", "Felt heard (test)"),
    ("b", 18, "dont_know", None),
    ("c", 19, "poor", "   "),  # a blank comment is no comment
    ("a", 20, "good", "Quick to come (test)"),
)


def add_answers(w: World) -> None:
    """Friends and Family Test answers, written as the table holds them (the recording
    form is i14-fft's; the report only reads the table)."""
    from duty_desk.models import SatisfactionAnswer

    with w.repo.db.session(write=True) as session:
        for who, day, answer, comment in ANSWERS:
            session.add(
                SatisfactionAnswer(
                    client_id=getattr(w, who),
                    answered_on=dt.date(2026, 11, day),
                    answer=answer,
                    comment=comment,
                    recorded_by="duty1",
                    recorded_at=MONDAY_10,
                )
            )


def answers(
    life: int | None,
    treatment: int | None,
    *,
    life_rated: int = 8,
    treatment_rated: int = 3,
    help_on: tuple[str, ...] = (),
) -> dict[str, tuple[int | None, bool]]:
    """Every life item ``life`` (the first ``life_rated`` of them; the rest unrated), every
    treatment item ``treatment`` likewise; help wanted on ``help_on``."""
    out: dict[str, tuple[int | None, bool]] = {}
    for i, key in enumerate(LIFE):
        out[key] = (life if i < life_rated else None, key in help_on)
    for i, key in enumerate(TREATMENT):
        out[key] = (treatment if i < treatment_rated else None, key in help_on)
    return out


def add_ratings(w: World) -> None:
    """DIALOG ratings (scores: QoL = mean of the life items, treatment = mean of the
    treatment items; at least 6 of 8 and 2 of 3 rated to be shown):
    A: 2 Nov QoL 3, treatment 4 (help: mental health); 17 Nov QoL 5, treatment 4 (help:
       mental health, job).
    B: one rating only, 18 Nov: QoL 4, treatment none rated.
    C: 3 Nov only 5 life items rated (too few: no QoL), treatment 3 (2 of 3 rated);
       19 Nov QoL 4, treatment 5 (help: job).
    D: 4 Nov QoL 6 and 6 Nov QoL 5, no treatment rated: its latest is before the week.
    """
    with timeutil.frozen(MONDAY_10):
        save = w.repo.save_dialog_rating
        nov = lambda day: dt.date(2026, 11, day)  # noqa: E731
        save(w.a, answers(3, 4, help_on=("mental_health",)), rated_on=nov(2))
        save(w.a, answers(5, 4, help_on=("mental_health", "job")), rated_on=nov(17))
        save(w.b, answers(4, None, treatment_rated=0), rated_on=nov(18))
        save(w.c, answers(2, 3, life_rated=5, treatment_rated=2), rated_on=nov(3))
        save(w.c, answers(4, 5, help_on=("job",)), rated_on=nov(19))
        save(w.d, answers(6, None, treatment_rated=0), rated_on=nov(4))
        save(w.d, answers(5, None, treatment_rated=0), rated_on=nov(6))
