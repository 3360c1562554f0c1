"""A database for the client-record exports and the GP letter (issue 12, docs): real files.

``Robin Example (test)``, accepted 1 October 2026 with a core team (key worker ``clin1``),
two network members (a sister who came to a meeting and consented to sharing, a friend who
did not come), two meetings that happened (a note on the first) and one booked, an
admission under section 2 (discharged), a crisis plan, an open safeguarding flag, then
discharged to primary care on 20 November. ``Sam Twin (test)`` twice (two episodes, one name), and
``Kit Elsewhere (test)`` discharged another way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pendulum

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.identity import os_login
from duty_desk.repository import Repository
from tests.conftest import referral_input

ME = os_login()
TZ = "Europe/London"
NOW = pendulum.datetime(2026, 11, 23, 10, 0, tz=TZ)


@dataclass(frozen=True)
class RecordData:
    path: Path
    robin: int
    twins: tuple[int, int]
    elsewhere: int
    sister: int
    friend: int


def build(path: Path, actor: str = ME) -> RecordData:
    """The data above, recorded by ``actor`` (the team lead; another login than this
    process's to see what a login not on the staff list may do)."""
    config = Config()
    db = open_database(config, str(path), create=True)
    repo = Repository(db, config, actor=actor)
    try:
        with timeutil.frozen(pendulum.datetime(2026, 10, 1, 10, 0, tz=TZ)):
            repo.add_staff(actor, "Team Lead (test)", "team_lead", bootstrap=True)
            clin = repo.add_staff("clin1", "Clinician One (test)", "clinician").id
            peer = repo.add_staff("peer1", "Peer Worker One (test)", "peer_support").id
            referral = repo.add_referral(
                referral_input(name="Robin Example (test)", received_at="01/10/2026 09:00")
            )
            sister = repo.add_network_member(
                referral, "Jo Example (test)", "sister", "01632 960123"
            )
            friend = repo.add_network_member(referral, "Lee Friend (test)", "friend")
            robin = repo.accept(referral)
            repo.set_core_team(robin, [clin, peer], clin, "Team (test)")
            first = repo.book(
                robin,
                pendulum.datetime(2026, 10, 2, 8, 30, tz=TZ),
                60,
                [clin, peer],
                "home",
                "1 Example Road (test)",
                [sister, friend],
            )
            second = repo.book(
                robin, pendulum.datetime(2026, 10, 9, 11, 0, tz=TZ), 60, [clin, peer], "base"
            )
            twins = tuple(
                repo.accept(
                    repo.add_referral(
                        referral_input(
                            name="Sam Twin (test)",
                            nhs_number="",
                            date_of_birth=born,
                            received_at="01/10/2026 09:00",
                        )
                    )
                )
                for born in ("01/02/1990", "03/04/1991")
            )
            elsewhere = repo.accept(
                repo.add_referral(
                    referral_input(
                        name="Kit Elsewhere (test)", nhs_number="", received_at="01/10/2026 09:00"
                    )
                )
            )
        with timeutil.frozen(pendulum.datetime(2026, 10, 10, 10, 0, tz=TZ)):
            repo.record_happened(first, [clin, peer], [sister])
            repo.record_happened(second, [clin])
            repo.add_admission(
                robin, dt.date(2026, 10, 3), dt.date(2026, 10, 8), "detained", "s2",
                "St Example Hospital (test)",
            )  # fmt: skip
            # the other parts of the record (issue 12): consent, a note, the crisis plan, a flag
            repo.edit_network_member(sister, {"consent": "yes"}, expected_version=1)
            repo.add_meeting_note(first, "Talked about sleep; agreed a walk each day (test)")
            repo.save_crisis_plan(
                robin,
                {"early_signs": "Not sleeping (test)", "what_helps": "Walking with Jo (test)"},
                dt.date(2026, 11, 30),
                expected_version=None,
            )
            repo.raise_flag("adult", "Concern noted at triage (test)", referral_id=referral)
        with timeutil.frozen(NOW):
            repo.book(robin, NOW.add(days=2), 60, [clin], "phone")
            repo.discharge(robin, "primary_care", dt.date(2026, 11, 20), "Back to GP (test)")
            repo.discharge(elsewhere, "other", dt.date(2026, 11, 20), "Moved away (test)")
    finally:
        db.dispose()
    return RecordData(path, robin, (twins[0], twins[1]), elsewhere, sister, friend)
