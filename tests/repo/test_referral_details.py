"""Referral details: the new fields saved and read back, correcting a referral (versioned,
audited with the changed fields only, stale saves refused, bad input writing nothing,
what is fixed after a decision) and finding decided referrals and discharged clients."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pendulum
import pytest

from duty_desk import timeutil
from duty_desk.errors import Conflict, InputErrors
from duty_desk.repository import Repository
from duty_desk.views import ClientFilter, ReferralFilter
from tests.conftest import MONDAY_10, referral_input

DETAILS = {
    "address": "1 Example Street (test)",
    "postcode": "ct1 1aa",
    "language": "Polish",
    "interpreter": "yes",
    "referrer_name": "Dr Rowan Sample (test)",
    "referrer_contact": "rowan@example.org",
}


def audit_count(repo: Repository, referral_id: int) -> int:
    return len(repo.history("referral", referral_id))


def test_new_fields_are_saved_normalised_and_read_back(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    referral = repo.referral(make_referral(**DETAILS))
    assert referral.address == "1 Example Street (test)"
    assert referral.postcode == "CT1 1AA"
    assert (referral.language, referral.interpreter) == ("Polish", True)
    assert referral.referrer_name == "Dr Rowan Sample (test)"
    assert referral.referrer_contact == "rowan@example.org"
    assert referral.full_address == "1 Example Street (test), CT1 1AA"
    added = repo.history("referral", referral.id)[0]
    assert added.after is not None and added.after["postcode"] == "CT1 1AA"


def test_a_referral_without_the_new_fields_has_them_empty(
    repo: Repository, make_referral: Callable[..., int]
) -> None:
    referral = repo.referral(make_referral())
    assert (referral.address, referral.postcode, referral.language) == ("", "", "")
    assert referral.interpreter is False and referral.full_address == ""


def test_correcting_details_is_versioned_and_audited_with_the_changed_fields_only(
    repo: Repository, make_referral: Callable[..., int], frozen_now: pendulum.DateTime
) -> None:
    referral = repo.referral(make_referral())
    changed = repo.update_referral(
        referral.id,
        {
            "name": "Alex Examplar (test)",
            "phone": "01632 960001",  # the same as saved: not a change
            "postcode": "me1 2ab",
            "interpreter": "no",  # the same as saved
        },
        expected_version=referral.version,
    )
    assert changed.name == "Alex Examplar (test)" and changed.postcode == "ME1 2AB"
    assert changed.version == referral.version + 1
    entry = repo.history("referral", referral.id)[-1]
    assert entry.action == "correct details" and entry.actor == "duty1"
    assert entry.before == {"name": "Alex Example (test)", "postcode": ""}
    assert entry.after == {"name": "Alex Examplar (test)", "postcode": "ME1 2AB"}


def test_saving_nothing_new_writes_nothing(
    repo: Repository, make_referral: Callable[..., int], frozen_now: pendulum.DateTime
) -> None:
    referral = repo.referral(make_referral())
    entries = audit_count(repo, referral.id)
    same = repo.update_referral(
        referral.id, {"name": referral.name, "urgency": "C"}, expected_version=referral.version
    )
    assert same.version == referral.version and audit_count(repo, referral.id) == entries


def test_a_stale_save_is_refused_naming_who_changed_it(
    repo: Repository,
    repo_as: Callable[[str], Repository],
    make_referral: Callable[..., int],
    frozen_now: pendulum.DateTime,
) -> None:
    repo.add_staff("duty2", "Duty Worker Two (test)", "clinician")
    referral = repo.referral(make_referral())
    repo_as("duty2").update_referral(
        referral.id, {"phone": "01632 960999"}, expected_version=referral.version
    )
    with pytest.raises(Conflict, match=r"changed by duty2 .*correct details \(phone\)"):
        repo.update_referral(
            referral.id, {"name": "Alex Other (test)"}, expected_version=referral.version
        )
    assert repo.referral(referral.id).name == "Alex Example (test)"


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("name", "", "name is required"),
        ("name", "x" * 121, "too long"),
        ("name", "Alex\x1b[31m", "control characters"),
        ("date_of_birth", "31/02/1990", ""),
        ("nhs_number", "999 000 0019", ""),
        ("postcode", "CT1", "not a UK postcode"),
        ("referrer_contact", "ring the GP", "phone number"),
        ("referrer_contact", "a@b", "email address"),
        ("interpreter", "maybe", "yes or no"),
        ("area", "margate", "unknown area"),
        ("received_at", "01/01/2026 09:00", "cannot be corrected"),
    ],
)
def test_bad_input_writes_nothing(
    repo: Repository,
    make_referral: Callable[..., int],
    frozen_now: pendulum.DateTime,
    field: str,
    typed: str,
    message: str,
) -> None:
    referral = repo.referral(make_referral())
    entries = audit_count(repo, referral.id)
    with pytest.raises(InputErrors) as caught:
        repo.update_referral(
            referral.id, {field: typed, "phone": "01632 960777"}, expected_version=referral.version
        )
    assert field in caught.value.errors and message in caught.value.errors[field]
    after = repo.referral(referral.id)
    assert after == referral and audit_count(repo, referral.id) == entries


def test_an_interpreter_needs_a_language_even_when_only_the_language_is_cleared(
    repo: Repository, make_referral: Callable[..., int], frozen_now: pendulum.DateTime
) -> None:
    referral = repo.referral(make_referral(**DETAILS))
    with pytest.raises(InputErrors) as caught:
        repo.update_referral(referral.id, {"language": ""}, expected_version=referral.version)
    assert "language" in caught.value.errors
    cleared = repo.update_referral(
        referral.id, {"language": "", "interpreter": "no"}, expected_version=referral.version
    )
    assert (cleared.language, cleared.interpreter) == ("", False)


def test_a_new_urgency_moves_an_open_referrals_deadline(
    repo: Repository, make_referral: Callable[..., int], frozen_now: pendulum.DateTime
) -> None:
    referral = repo.referral(make_referral(urgency="D"))
    changed = repo.update_referral(referral.id, {"urgency": "B"}, expected_version=referral.version)
    assert changed.respond_by < referral.respond_by
    entry = repo.history("referral", referral.id)[-1]
    assert entry.after is not None and set(entry.after) == {"urgency", "respond_by"}


def test_a_new_area_needs_a_practice_of_that_area(
    repo: Repository, make_referral: Callable[..., int], frozen_now: pendulum.DateTime
) -> None:
    referral = repo.referral(make_referral())
    with pytest.raises(InputErrors) as caught:
        repo.update_referral(referral.id, {"area": "whitstable"})
    assert "gp_practice" in caught.value.errors
    moved = repo.update_referral(
        referral.id,
        {"area": "whitstable", "gp_practice": "harbour street surgery (example)"},
        expected_version=referral.version,
    )
    assert (moved.area, moved.gp_practice) == ("whitstable", "Harbour Street Surgery (example)")


def test_area_and_urgency_are_fixed_after_a_decision_but_details_can_be_corrected(
    repo: Repository, make_referral: Callable[..., int], frozen_now: pendulum.DateTime
) -> None:
    accepted = make_referral()
    repo.accept(accepted)
    declined = make_referral(name="Sam Sample (test)", nhs_number="")
    repo.decline(declined, "Not for POD (test)")
    with pytest.raises(InputErrors) as caught:
        repo.update_referral(
            accepted,
            {"area": "whitstable", "gp_practice": "Harbour Street Surgery (example)"},
        )
    assert "weekly places" in caught.value.errors["area"]
    with pytest.raises(InputErrors) as caught:
        repo.update_referral(declined, {"urgency": "A"})
    assert "deadline" in caught.value.errors["urgency"]
    assert repo.referral(accepted).area == "canterbury"
    fixed = repo.update_referral(accepted, {"name": "Alex Examplar (test)", **DETAILS})
    assert fixed.status == "accepted" and fixed.postcode == "CT1 1AA"


def decide_three(repo: Repository) -> dict[str, int]:
    """One referral of each decision and one still open, received an hour apart."""
    ids = {}
    for hour, (who, nhs) in enumerate(
        [
            ("Open Example (test)", ""),
            ("Accepted Example (test)", ""),
            ("Redirected Example (test)", ""),
            ("Declined Example (test)", "9990000026"),
        ]
    ):
        ids[who.split()[0].lower()] = repo.add_referral(
            referral_input(name=who, nhs_number=nhs, received_at=f"23/11/2026 0{hour + 5}:00")
        )
    repo.accept(ids["accepted"])
    repo.redirect(ids["redirected"], "cmht", "Routine (test)")
    repo.decline(ids["declined"], "Not for POD (test)")
    return ids


def test_finding_referrals_by_status(repo: Repository, frozen_now: pendulum.DateTime) -> None:
    ids = decide_three(repo)
    open_ = repo.find_referrals("", ReferralFilter.open)
    assert [r.id for r in open_] == [ids["open"]]
    decided = repo.find_referrals("", "decided")
    assert [r.id for r in decided] == [ids["declined"], ids["redirected"], ids["accepted"]]
    assert {r.status for r in decided} == {"accepted", "redirected", "declined"}
    assert [r.id for r in repo.find_referrals("", "all")] == [
        ids["declined"],
        ids["redirected"],
        ids["accepted"],
        ids["open"],
    ]
    found = repo.find_referrals("declined ex", ReferralFilter.decided)
    assert [r.name for r in found] == ["Declined Example (test)"]
    assert [r.id for r in repo.find_referrals("000 0026", "all")] == [ids["declined"]]
    assert [r.id for r in repo.find_referrals("declined", "all")] == [ids["declined"]]
    assert repo.find_referrals("Declined", ReferralFilter.open) == []
    accepted = repo.find_referrals("Accepted", "decided")
    assert accepted[0].client_status == "open" and decided[0].client_status is None
    assert repo.find_referrals("%", "all") == []  # a typed wildcard is literal


def test_finding_is_bounded(
    repo: Repository, frozen_now: pendulum.DateTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from duty_desk.repo import referrals

    monkeypatch.setattr(referrals, "FIND_LIMIT", 2)
    for n in range(3):
        repo.decline(repo.add_referral(referral_input(nhs_number="", name=f"N{n} (test)")), "x")
    assert len(repo.find_referrals("", "decided")) == 2


def discharge_one(repo: Repository) -> tuple[int, int]:
    """Two clients: one still open, one discharged (the day after acceptance)."""
    stays = repo.accept(repo.add_referral(referral_input(name="Stays Example (test)")))
    leaves = repo.accept(
        repo.add_referral(
            referral_input(name="Leaves Example (test)", nhs_number="", postcode="ct2 7nz")
        )
    )
    with timeutil.frozen(MONDAY_10.add(days=2)):
        repo.discharge(leaves, "primary_care", dt.date(2026, 11, 24), "Back to the GP (test)")
    return stays, leaves


def test_finding_discharged_clients(repo: Repository, frozen_now: pendulum.DateTime) -> None:
    stays, leaves = discharge_one(repo)
    assert [e.client_id for e in repo.find_clients("", ClientFilter.open)] == [stays]
    found = repo.find_clients("leaves", ClientFilter.discharged)
    assert [e.client_id for e in found] == [leaves]
    assert found[0].status == "discharged" and found[0].discharge_kind == "primary_care"
    assert repo.find_clients("leaves", "open") == []
    assert {e.client_id for e in repo.find_clients("example", "all")} == {stays, leaves}
    assert [e.client_id for e in repo.find_clients("CT2 7", "all")] == [leaves]
    referral = repo.find_referrals("Leaves", "decided")[0]
    assert referral.client_status == "discharged"


def test_the_home_address_is_a_booking_default(
    repo: Repository, frozen_now: pendulum.DateTime
) -> None:
    client = repo.accept(repo.add_referral(referral_input(**DETAILS)))
    defaults = repo.booking_defaults(client)
    assert defaults.home_address == "1 Example Street (test), CT1 1AA"
    assert defaults.place_kind == "base"  # a first meeting still defaults to the base


PLANS = {
    "decided": (
        "SELECT id FROM referral WHERE status IN ('accepted', 'redirected', 'declined') "
        "ORDER BY received_at DESC, id DESC LIMIT 200",
        "ix_referral_status_respond_by",
    ),
    "all": (
        "SELECT id FROM referral ORDER BY received_at DESC, id DESC LIMIT 200",
        "ix_referral_received_at",
    ),
    "discharged": (
        "SELECT client.id FROM client JOIN referral ON client.referral_id = referral.id "
        "WHERE client.status = 'discharged' ORDER BY referral.name LIMIT 200",
        "ix_client_status",
    ),
}


@pytest.mark.parametrize("which", list(PLANS))
def test_the_filters_use_indexes(repo: Repository, which: str) -> None:
    """The finds' shapes (as the repository builds them) read an index (SQLite's plan)."""
    from sqlalchemy import text

    query, index = PLANS[which]
    with repo.db.engine.connect() as connection:
        plan = " ".join(
            str(row[-1]) for row in connection.execute(text(f"EXPLAIN QUERY PLAN {query}"))
        )
    assert index in plan


# -- the same on PostgreSQL ------------------------------------------------------------------


@pytest.mark.slow
def test_edits_and_finds_on_postgresql(pg: object) -> None:
    from duty_desk.config import Config
    from duty_desk.db import Database

    assert isinstance(pg, Database)
    lead = Repository(pg, Config(), actor="duty1")
    lead.add_staff("duty1", "Duty One (test)", "team_lead", bootstrap=True)
    lead.add_staff("duty2", "Duty Two (test)", "clinician")
    other = Repository(pg, Config(), actor="duty2")
    with timeutil.frozen(MONDAY_10):
        ids = decide_three(lead)
        stays, leaves = discharge_one(lead)
        referral = lead.referral(ids["declined"])
        fixed = lead.update_referral(
            referral.id,
            {**DETAILS, "name": "Declined Examplar (test)"},
            expected_version=referral.version,
        )
        assert fixed.postcode == "CT1 1AA" and fixed.version == referral.version + 1
        entry = lead.history("referral", referral.id)[-1]
        assert entry.before is not None and "urgency" not in entry.before
        with pytest.raises(Conflict, match="changed by duty1"):
            other.update_referral(
                referral.id, {"phone": "01632 960123"}, expected_version=referral.version
            )
        with pytest.raises(InputErrors):
            lead.update_referral(referral.id, {"urgency": "A"})
        assert [r.id for r in lead.find_referrals("examplar", "decided")] == [referral.id]
        assert [r.id for r in lead.find_referrals("", "open")] == [ids["open"]]
        assert len(lead.find_referrals("", "all")) == 6
        assert lead.find_referrals("100%", "all") == []
        assert [e.client_id for e in lead.find_clients("leaves", "discharged")] == [leaves]
        open_clients = [e.client_id for e in lead.board().episodes]
        assert [e.client_id for e in lead.find_clients("", "open")] == open_clients
        assert stays in open_clients and leaves not in open_clients


def test_the_export_and_the_import_carry_the_details(
    repo: Repository, make_referral: Callable[..., int], frozen_now: pendulum.DateTime
) -> None:
    from duty_desk.config import Config
    from duty_desk.csv_import import HEADER, parse_referrals
    from duty_desk.reports.referrals import COLUMNS, record

    row = record(repo.referral(make_referral(**DETAILS)), "Europe/London")
    assert list(row) == list(COLUMNS)
    assert {k: row[k] for k in DETAILS} == {**DETAILS, "postcode": "CT1 1AA"}
    text = (
        f"{HEADER},postcode,interpreter,language,referrer_contact\n"
        "23/11/2026 08:00,Sam Sample (test),05/05/1985,,,canterbury,"
        "Cathedral View Surgery (example),gp,D,Low mood (test),me1 2ab,Y,Nepali,01632 960123\n"
    )
    (parsed,) = parse_referrals(text, "f.csv", Config(), MONDAY_10)
    new = parsed.referral
    assert (new.postcode, new.interpreter, new.language) == ("ME1 2AB", True, "Nepali")
    assert (new.address, new.referrer_name, new.referrer_contact) == ("", "", "01632 960123")
