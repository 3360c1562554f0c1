"""The repository's side of importing: a batch with its source file is refused when that
file (by SHA-256) was imported before or when a referral is already in the database, all
inside the write transaction, and the import is audited with the file's name and hash."""

from __future__ import annotations

import hashlib

import pendulum
import pytest

from duty_desk.errors import AlreadyImported, DuplicateReferrals
from duty_desk.repo.referrals import ImportedFile, same_referral
from duty_desk.repository import Repository
from duty_desk.validation import NewReferral, validate_referral
from tests.conftest import MONDAY_10, referral_input

FILE = ImportedFile(name="monday.csv", sha256=hashlib.sha256(b"monday").hexdigest())


def new(repo: Repository, **overrides: str) -> NewReferral:
    return validate_referral(referral_input(**overrides), repo.config, MONDAY_10)


def test_a_file_is_imported_once_and_audited(repo: Repository, frozen_now: object) -> None:
    ids = repo.add_referrals(
        [new(repo), new(repo, name="Sam Sample (test)", nhs_number="")], source=FILE
    )
    [entry] = repo.history("import", ids[0])
    assert (entry.action, entry.actor) == ("import referrals", "duty1")
    assert entry.after == {
        "file": "monday.csv",
        "sha256": FILE.sha256,
        "referrals": 2,
        "referral_ids": ids,
    }
    renamed = ImportedFile(name="other-name.csv", sha256=FILE.sha256)
    with pytest.raises(AlreadyImported, match="already imported by duty1") as caught:
        repo.add_referrals([new(repo, received_at="22/11/2026 09:00")], source=renamed)
    assert caught.value.count == 2
    assert len(list(repo.referrals_for_export())) == 2


def test_referrals_already_in_the_database_are_refused_all_or_none(
    repo: Repository, frozen_now: object
) -> None:
    first = repo.add_referral(referral_input())
    second = repo.add_referral(referral_input(name="Sam Sample (test)", nhs_number=""))
    repo.decline(second, "Not for us (test)")  # a decided referral is still in the database
    batch = [
        new(repo, name="Kit Demo (test)", nhs_number=""),
        new(repo, name="Someone Else (test)"),  # Alex's NHS number and time: the same person
        new(repo, name="  SAM   sample (test) ", nhs_number=""),
        new(repo, received_at="23/11/2026 09:01"),  # Alex, another time: new
    ]
    other = ImportedFile(name="b.csv", sha256="0" * 64)
    with pytest.raises(DuplicateReferrals) as caught:
        repo.add_referrals(batch, source=other)
    assert [(pos, ref) for pos, ref, _ in caught.value.matches] == [(1, first), (2, second)]
    assert caught.value.matches[0][2] == "Monday 23 November 2026, 09:00"
    assert len(list(repo.referrals_for_export())) == 2
    assert repo.history("import", first) == []
    ok = repo.add_referrals([batch[0], batch[3]], source=other)
    assert len(ok) == 2


def test_same_referral() -> None:
    at = pendulum.datetime(2026, 11, 23, 9, tz="UTC")
    born = pendulum.date(1990, 2, 1)
    alex = ("9990000018", "Alex Example (test)", born, at)
    assert same_referral(alex, ("9990000018", "Other Name", pendulum.date(1991, 1, 1), at))
    assert not same_referral(alex, ("9990000026", "Alex Example (test)", born, at))
    assert same_referral(
        alex, (None, "alex  EXAMPLE (test)", born, at.in_timezone("Europe/London"))
    )
    assert not same_referral(alex, (None, "Alex Example (test)", born, at.add(minutes=1)))
    assert not same_referral(alex, (None, "Alex Example (test)", pendulum.date(1990, 2, 2), at))
