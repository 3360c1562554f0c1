"""The GP transfer letter's words (issue 12, docs), from a record as ``client_document``
makes it: who is named from the network (consent only), what is left to complete, and
when a letter is refused."""

from __future__ import annotations

from typing import Any

import pytest

from duty_desk.config import Config
from duty_desk.gp_letter import TO_COMPLETE, NotForGp, consented, gp_letter


def record(**client: Any) -> dict[str, Any]:
    """A record with a sister who came (consent as given), a friend who came (no consent
    recorded) and a neighbour who never came (consent yes)."""
    base = {
        "client_id": 7,
        "name": "Robin Example (test)",
        "date_of_birth": "1990-02-01",
        "nhs_number": "9990000018",
        "address": "",
        "gp_practice": "Cathedral View Surgery (example)",
        "status": "discharged",
        "accepted_at": "2026-10-01T10:00:00+01:00",
        "discharged_on": "2026-11-20",
        "discharge_kind": "primary_care",
        "key_worker": {"name": "Clinician One (test)", "role": "clinician"},
        "core_team": [{"name": "Clinician One (test)", "role": "clinician"}],
    }
    base.update(client)
    return {
        "client": base,
        "network": [
            {"id": 1, "name": "Jo Example (test)", "relationship": "sister", "consent": True},
            {"id": 2, "name": "Lee Friend (test)", "relationship": "friend"},
            {"id": 3, "name": "Pat Neighbour (test)", "relationship": "", "consent": True},
        ],
        "meetings": [
            {
                "status": "happened",
                "network": [{"id": 1, "attended": True}, {"id": 2, "attended": True}],
            },
            {"status": "booked", "network": [{"id": 3, "attended": None}]},
        ],
        "admissions": [],
    }


def test_only_network_members_who_took_part_and_consented_are_named() -> None:
    text = gp_letter(record(), Config()).text()
    assert "From their network (shared with their consent): Jo Example (test) (sister)" in text
    assert "Lee Friend" not in text, "no consent recorded: not named"
    assert "Pat Neighbour" not in text, "never took part: not named"


@pytest.mark.parametrize(
    "consent, named",
    [
        (True, True),
        (False, False),
        (None, False),
        ("yes", True),
        ("no", False),
        ("not_asked", False),
        ({"given": True}, True),
    ],
)
def test_only_a_recorded_yes_is_consent(consent: object, named: bool) -> None:
    assert consented({"consent": consent}) is named
    # the record's own word when it has one: yes, and still in the network
    assert consented({"consent": "yes", "may_share": False}) is False


def test_what_the_record_lacks_is_left_visibly_to_complete() -> None:
    letter = gp_letter(record(status="open", discharged_on=None, discharge_kind=None), Config())
    text = letter.text()
    assert f"being discharged to your care on {TO_COMPLETE}" in text
    assert f"What helped\n{TO_COMPLETE}" in text
    assert f"Crisis and contingency plan: {TO_COMPLETE}" in text


def test_a_crisis_plan_fills_what_helped_and_the_plan() -> None:
    found = record()
    found["crisis_plan"] = {
        "early_signs": "Not sleeping (test)",
        "what_helps": "Walks with Jo (test)",
        "what_to_avoid": "",
        "contact_in_hours": "Clinician One (test)",
        "contact_out_of_hours": "CRHT (test)",
        "review_on": "2027-01-31",
    }
    text = gp_letter(found, Config()).text()
    assert "What helped\nWalks with Jo (test)" in text
    assert "Early signs: Not sleeping (test)" in text
    assert f"What to avoid: {TO_COMPLETE}" in text
    assert "Who to contact out of hours: CRHT (test)" in text
    assert "To be reviewed by: 31/01/2027" in text


def test_who_to_contact_comes_from_the_settings() -> None:
    config = Config.model_validate(
        {
            "handover": {"out_of_hours_service": "Night Line (test)"},
            "documents": {"team_contact": "Day Team (test): 01632 960444"},
        }
    )
    text = gp_letter(record(), config).text()
    assert "Out of hours: Night Line (test)," in text
    assert "In the team's hours: Day Team (test): 01632 960444." in text


@pytest.mark.parametrize(
    "client, told",
    [
        ({"discharge_kind": "other"}, "ended another way"),
        ({"status": "reversed", "discharge_kind": None}, "reversed"),
    ],
)
def test_a_letter_is_refused_for_another_ending(client: dict[str, Any], told: str) -> None:
    with pytest.raises(NotForGp) as caught:
        gp_letter(record(**client), Config())
    assert told in str(caught.value)
