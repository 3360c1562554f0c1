"""Hospital admissions (issue 12, docs): recording, correcting, refusals that write nothing,
stale saves naming who, the audit rows, and the figures the team report reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pendulum
import pytest

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import Database
from duty_desk.errors import Conflict, InputErrors, NotFound, NotPermitted
from duty_desk.repository import Repository
from duty_desk.vocabulary import LegalStatus, MhaSection
from tests.conftest import referral_input

ACCEPTED = pendulum.datetime(2026, 10, 1, 10, 0, tz="Europe/London")
NOW = pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London")
D = dt.date


@pytest.fixture
def client(repo: Repository) -> Iterator[int]:
    """A client accepted on 1 October 2026; the tests run on 23 November 2026."""
    with timeutil.frozen(ACCEPTED):
        client_id = repo.accept(repo.add_referral(referral_input(received_at="01/10/2026 09:00")))
    with timeutil.frozen(NOW):
        yield client_id


def test_add_and_read_an_admission_with_its_audit_row(repo: Repository, client: int) -> None:
    first = repo.add_admission(
        client, D(2026, 10, 5), D(2026, 10, 19), "detained", "s2", "St Example's (test)"
    )
    second = repo.add_admission(client, D(2026, 11, 20), None, "informal", None, "Ward 9 (test)")
    found = repo.admissions(client)
    assert [a.id for a in found] == [second, first], "newest first"
    older = repo.admission(first)
    assert older.legal_status is LegalStatus.detained and older.mha_section is MhaSection.s2
    assert (older.admitted_on, older.discharged_on) == (D(2026, 10, 5), D(2026, 10, 19))
    assert older.hospital == "St Example's (test)" and older.created_by == "duty1"
    assert not older.in_hospital and found[0].in_hospital and found[0].mha_section is None
    entry = repo.history("admission", first)[-1]
    assert (entry.actor, entry.action) == ("duty1", "add admission")
    assert entry.after is not None and entry.after["client_id"] == client
    assert entry.after["mha_section"] == "s2" and entry.after["admitted_on"] == "2026-10-05"
    assert "Example" not in repr(older), "the hospital stays out of repr"


def test_edit_records_the_discharge_and_audits_only_what_changed(
    repo: Repository, client: int
) -> None:
    admission = repo.add_admission(client, D(2026, 11, 20), None, "informal", "", "Ward (test)")
    before = repo.admission(admission)
    repo.edit_admission(
        admission,
        D(2026, 11, 20),
        D(2026, 11, 22),
        "informal",
        None,
        "Ward (test)",
        expected_version=before.version,
    )
    after = repo.admission(admission)
    assert after.discharged_on == D(2026, 11, 22) and after.version == before.version + 1
    entry = repo.history("admission", admission)[-1]
    assert entry.action == "edit admission"
    assert entry.before == {"discharged_on": None} and entry.after == {
        "discharged_on": "2026-11-22"
    }


def test_a_stale_edit_is_refused_naming_who_changed_what(
    repo: Repository, config: Config, db: Database, client: int
) -> None:
    repo.add_staff("clin1", "Clinician One (test)", "clinician")
    admission = repo.add_admission(client, D(2026, 11, 20), None, "informal", None, "Ward (test)")
    seen = repo.admission(admission)
    other = Repository(db, config, actor="clin1")
    other.edit_admission(
        admission, D(2026, 11, 20), D(2026, 11, 21), "informal", None, "Ward (test)"
    )
    with pytest.raises(Conflict) as caught:
        repo.edit_admission(
            admission,
            D(2026, 11, 20),
            None,
            "detained",
            "s3",
            "Ward (test)",
            expected_version=seen.version,
        )
    message = str(caught.value)
    assert "changed by clin1" in message and "discharged on" in message
    assert "Nothing was saved" in message
    assert repo.admission(admission).legal_status is LegalStatus.informal


BAD = [
    # (what, admitted, discharged, status, section, hospital, field, message)
    ("no admission date", None, None, "informal", None, "W", "admitted_on", "is required"),
    (
        "before the episode",
        D(2026, 9, 30),
        None,
        "informal",
        None,
        "W",
        "admitted_on",
        "before the episode began (01/10/2026)",
    ),
    ("in the future", D(2026, 11, 24), None, "informal", None, "W", "admitted_on", "future"),
    (
        "discharged before admitted",
        D(2026, 11, 10),
        D(2026, 11, 9),
        "informal",
        None,
        "W",
        "discharged_on",
        "before the admission (10/11/2026)",
    ),
    (
        "discharged in the future",
        D(2026, 11, 10),
        D(2026, 11, 30),
        "informal",
        None,
        "W",
        "discharged_on",
        "in the future",
    ),
    (
        "detained without a section",
        D(2026, 11, 10),
        None,
        "detained",
        "",
        "W",
        "mha_section",
        "give the section of the Mental Health Act",
    ),
    (
        "informal with a section",
        D(2026, 11, 10),
        None,
        "informal",
        "s2",
        "W",
        "mha_section",
        "an informal admission has no section",
    ),
    ("unknown section", D(2026, 11, 10), None, "detained", "s99", "W", "mha_section", "'s99'"),
    ("unknown status", D(2026, 11, 10), None, "voluntary", None, "W", "legal_status", "unknown"),
    ("no hospital", D(2026, 11, 10), None, "informal", None, "  ", "hospital", "is required"),
    (
        "hospital too long",
        D(2026, 11, 10),
        None,
        "informal",
        None,
        "x" * 121,
        "hospital",
        "too long (121 characters, at most 120)",
    ),
    (
        "control characters",
        D(2026, 11, 10),
        None,
        "informal",
        None,
        "Ward\x1b[31m (test)",
        "hospital",
        "control characters",
    ),
    (
        "on two lines",
        D(2026, 11, 10),
        None,
        "informal",
        None,
        "Ward\nNine",
        "hospital",
        "on one line",
    ),
    (
        "far out",
        D(1, 1, 1),
        None,
        "informal",
        None,
        "W",
        "admitted_on",
        "outside the dates duty-desk takes",
    ),
]


@pytest.mark.parametrize("case", BAD, ids=[case[0] for case in BAD])
def test_bad_admissions_are_refused_and_nothing_is_written(
    repo: Repository, client: int, case: tuple[object, ...]
) -> None:
    _what, admitted, discharged, status, section, hospital, field, message = case
    with pytest.raises(InputErrors) as caught:
        repo.add_admission(client, admitted, discharged, status, section, hospital)  # type: ignore[arg-type]
    assert field in caught.value.errors and message in caught.value.errors[field]
    assert repo.admissions(client) == []


def test_overlapping_admissions_are_refused(repo: Repository, client: int) -> None:
    first = repo.add_admission(client, D(2026, 10, 5), D(2026, 10, 19), "informal", None, "A")
    with pytest.raises(InputErrors) as caught:
        repo.add_admission(client, D(2026, 10, 18), None, "informal", None, "B")
    assert caught.value.errors == {
        "admitted_on": "this overlaps another admission of the same client "
        "(from 05/10/2026 to 19/10/2026)"
    }
    # discharged and admitted elsewhere the same day: a transfer, not an overlap
    second = repo.add_admission(client, D(2026, 10, 19), None, "detained", "s3", "B")
    with pytest.raises(InputErrors) as caught:
        repo.add_admission(client, D(2026, 11, 1), None, "informal", None, "C")
    assert "and not discharged yet" in caught.value.errors["admitted_on"]
    # an edit does not clash with itself, but may not grow over the other
    repo.edit_admission(first, D(2026, 10, 4), D(2026, 10, 19), "informal", None, "A")
    with pytest.raises(InputErrors):
        repo.edit_admission(first, D(2026, 10, 4), D(2026, 10, 20), "informal", None, "A")
    assert [a.id for a in repo.admissions(client)] == [second, first]


def test_admissions_are_per_client_and_end_with_the_episode(repo: Repository, client: int) -> None:
    with timeutil.frozen(ACCEPTED):
        other = repo.accept(
            repo.add_referral(
                referral_input(
                    name="Sam Sample (test)", nhs_number="", received_at="01/10/2026 09:00"
                )
            )
        )
    repo.add_admission(client, D(2026, 10, 5), None, "informal", None, "A")
    repo.add_admission(other, D(2026, 10, 5), None, "informal", None, "A")  # no clash
    repo.discharge(other, "primary_care", D(2026, 11, 1), "Back to GP (test)")
    with pytest.raises(InputErrors) as caught:
        repo.add_admission(other, D(2026, 11, 2), None, "informal", None, "A")
    assert "after the episode ended (01/11/2026)" in caught.value.errors["admitted_on"]
    with pytest.raises(NotFound):
        repo.add_admission(999, D(2026, 11, 2), None, "informal", None, "A")
    with pytest.raises(NotFound):
        repo.edit_admission(999, D(2026, 11, 2), None, "informal", None, "A")


def test_only_staff_record_admissions(
    repo: Repository, config: Config, db: Database, client: int
) -> None:
    stranger = Repository(db, config, actor="nobody")
    with pytest.raises(NotPermitted):
        stranger.add_admission(client, D(2026, 11, 2), None, "informal", None, "A")
    assert repo.admissions(client) == []


def test_the_team_report_figures_for_a_period(repo: Repository, client: int) -> None:
    with timeutil.frozen(ACCEPTED):
        other = repo.accept(
            repo.add_referral(
                referral_input(
                    name="Sam Sample (test)", nhs_number="", received_at="01/10/2026 09:00"
                )
            )
        )
    # 5-19 Oct detained s2 (14 nights), 19 Oct - 2 Nov s3, 20 Nov - still in (informal)
    repo.add_admission(client, D(2026, 10, 5), D(2026, 10, 19), "detained", "s2", "A")
    repo.add_admission(client, D(2026, 10, 19), D(2026, 11, 2), "detained", "s3", "A")
    repo.add_admission(other, D(2026, 11, 20), None, "informal", None, "B")
    november = repo.admissions_summary(D(2026, 11, 1), D(2026, 11, 30))
    assert (november.admissions, november.new, november.people) == (2, 1, 2)
    assert (november.informal, november.detained) == (1, 1)
    assert november.sections == ((MhaSection.s3, 1),)
    # 1 Nov (s3, discharged on the 2nd) + 20..23 Nov still in hospital up to today
    assert november.bed_days == 1 + 4
    assert november.client_ids == tuple(sorted((client, other)))
    october = repo.admissions_summary(D(2026, 10, 1), D(2026, 10, 31))
    assert (october.admissions, october.new, october.people, october.detained) == (2, 2, 1, 2)
    assert october.sections == ((MhaSection.s2, 1), (MhaSection.s3, 1))
    assert october.bed_days == 14 + 13
    empty = repo.admissions_summary(D(2026, 9, 1), D(2026, 9, 30))
    assert (empty.admissions, empty.bed_days, empty.client_ids) == (0, 0, ())
    with pytest.raises(InputErrors):
        repo.admissions_summary(D(1, 1, 1), D(2026, 9, 30))


@pytest.mark.slow
def test_admissions_on_postgresql(pg: Database) -> None:
    """The same writes, refusals and figures on a real PostgreSQL server."""
    from tests.conftest import test_config

    lead = Repository(pg, test_config(), actor="duty1")
    lead.add_staff("duty1", "Duty One (test)", "team_lead", bootstrap=True)
    with timeutil.frozen(ACCEPTED):
        client_id = lead.accept(lead.add_referral(referral_input(received_at="01/10/2026 09:00")))
    with timeutil.frozen(NOW):
        first = lead.add_admission(
            client_id, D(2026, 10, 5), D(2026, 10, 19), "detained", "s2", "A"
        )
        with pytest.raises(InputErrors):
            lead.add_admission(client_id, D(2026, 10, 10), None, "informal", None, "B")
        seen = lead.admission(first)
        lead.edit_admission(
            first, D(2026, 10, 5), D(2026, 10, 20), "detained", "s2", "A",
            expected_version=seen.version,
        )  # fmt: skip
        with pytest.raises(Conflict):
            lead.edit_admission(
                first, D(2026, 10, 5), None, "detained", "s2", "A", expected_version=seen.version
            )
        summary = lead.admissions_summary(D(2026, 10, 1), D(2026, 10, 31))
    assert (summary.admissions, summary.detained, summary.bed_days) == (1, 1, 15)
    assert [e.action for e in lead.history("admission", first)] == [
        "add admission",
        "edit admission",
    ]
