"""``duty-desk export care-plan CLIENT`` (issue 13): the personalised care and support plan
from real database files, by the real command in real processes: the JSON's content, the
Word document opened back with python-docx, the file's mode, an existing file refused
unless --force, an unknown client refused with nothing written."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pendulum
import pytest

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.documents import docx_text
from duty_desk.repository import Repository
from tests.dialog_answers import answers
from tests.system.record_data import ME, TZ, RecordData, build


@pytest.fixture
def data(tmp_path: Path) -> RecordData:
    """The record data (``Robin Example (test)``, key worker clin1) and, for Robin, two
    DIALOG ratings, one chosen item with its steps and two actions (one done)."""
    found = build(tmp_path / "team.db")
    config = Config()
    db = open_database(config, str(found.path))
    repo = Repository(db, config, actor=ME)
    try:
        with timeutil.frozen(pendulum.datetime(2026, 11, 10, 10, 0, tz=TZ)):
            repo.set_staff_phone("clin1", "01632 960555")
            repo.save_dialog_rating(found.robin, answers([3] * 11), rated_on=dt.date(2026, 10, 9))
            latest = repo.save_dialog_rating(
                found.robin,
                answers([5, 5, 4, 4, 4, 4, 4, None, 6, None, None], help_on=("job",)),
            )
            (topic,) = repo.choose_dialog_items(latest, ["job"])
            repo.save_dialog_steps(
                topic,
                understanding="Mornings are good (test)",
                looking_forward="Some work by spring (test)",
                options="Ask the job centre (test)",
                expected_version=1,
            )
            repo.add_dialog_action(
                topic, "Ring the job centre (test)", owner="person", due_on=dt.date(2026, 11, 17)
            )
            done = repo.add_dialog_action(
                topic, "Find the form (test)", owner="network", owner_id=found.sister,
                due_on=dt.date(2026, 11, 12),
            )  # fmt: skip
            repo.review_dialog_action(done, "done", "Found (test)", expected_version=1)
    finally:
        db.dispose()
    return found


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "duty_desk", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


def test_the_plan_as_json(data: RecordData) -> None:
    proc = run(data.path, "export", "care-plan", str(data.robin))
    assert proc.returncode == 0, proc.stderr
    plan = json.loads(proc.stdout)
    assert plan["format"] == "duty-desk care plan"
    assert plan["client"]["name"] == "Robin Example (test)"
    assert plan["key_worker"] == {
        "name": "Clinician One (test)",
        "role": "clinician",
        "phone": "01632 960555",
        "active": True,
    }
    assert [(m["name"], m["key_worker"]) for m in plan["core_team"]] == [
        ("Clinician One (test)", True),
        ("Peer Worker One (test)", False),
    ]
    assert [m["name"] for m in plan["network"]] == ["Jo Example (test)", "Lee Friend (test)"]
    ratings = plan["ratings"]
    assert ratings["latest"]["rated_on"] == "2026-11-10"
    assert ratings["latest"]["quality_of_life"] == 4.29  # 30/7
    assert ratings["latest"]["treatment_satisfaction"] is None  # 1 of 3: too few
    assert ratings["previous"]["rated_on"] == "2026-10-09"
    assert ratings["previous"]["quality_of_life"] == 3.0
    job = next(i for i in ratings["items"] if i["key"] == "job")
    assert (job["latest"], job["previous"], job["help_wanted"]) == (4, 3, True)
    safety = next(i for i in ratings["items"] if i["key"] == "personal_safety")
    assert (safety["latest"], safety["previous"]) == (None, 3)
    (chosen,) = plan["chosen_items"]["items"]
    assert chosen["label"] == "Job situation"
    assert chosen["understanding"] == "Mornings are good (test)"
    assert [a["what"] for a in chosen["actions"]] == [
        "Ring the job centre (test)",
        "Find the form (test)",
    ]
    assert plan["open_actions"] == [
        {
            "item": "Job situation",
            "what": "Ring the job centre (test)",
            "who": "the person",
            "due_on": "2026-11-17",
            "status": "open",
        }
    ]
    assert plan["crisis_plan"]["early_signs"] == "Not sleeping (test)"


def test_the_plan_as_a_word_document_private_and_audited(data: RecordData, tmp_path: Path) -> None:
    target = tmp_path / "plan.docx"
    proc = run(data.path, "export", "care-plan", "Robin Example (test)", "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        f"Wrote the care and support plan of client number {data.robin} (docx) to {target}.\n"
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = docx_text(str(target))
    for expected in (
        "Care and support plan: Robin Example (test)",
        "NHS number 999 000 0018.",  # 3-3-4, as on every NHS letter (found by the probe)
        "Clinician One (test) (clinician)",
        "Phone: 01632 960555",
        "Jo Example (test) (sister)",
        "Latest (10/11/2026): quality of life 4.29, treatment satisfaction not given "
        "(too few items rated)",
        "Job situation | 4 in the middle | yes | 3 fairly dissatisfied",
        "  1 Understanding: Mornings are good (test)",
        "  4 Agreeing on actions: Ring the job centre (test) (the person, by 17/11/2026, open); "
        "Find the form (test) (Jo Example (test), by 12/11/2026, done)",
        "Ring the job centre (test) | the person | 17/11/2026 | Job situation",
        "Early signs: Not sleeping (test)",
    ):
        assert expected in text, expected
    config = Config()
    database = open_database(config, str(data.path))
    try:
        entries = Repository(database, config, actor=ME).history("client", data.robin)
    finally:
        database.dispose()
    assert (entries[-1].action, (entries[-1].after or {}).get("written_to")) == (
        "care plan",
        str(target),
    )


def test_an_existing_file_is_refused_unless_forced(data: RecordData, tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("someone's edited plan\n", encoding="utf-8")
    proc = run(data.path, "export", "care-plan", str(data.robin), "--output", str(target))
    assert proc.returncode == 1 and "already exists" in proc.stderr
    assert "nothing was written" in proc.stderr
    assert target.read_text(encoding="utf-8") == "someone's edited plan\n"
    proc = run(
        data.path, "export", "care-plan", str(data.robin), "--output", str(target), "--force"
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["client"]["client_id"] == data.robin
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_unknown_client_or_bad_options_are_refused(data: RecordData, tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    for args, told in (
        (("Nobody Here (test)", "-o", str(target)), "No client with that name"),
        (("999", "-o", str(target)), "No client number 999"),
        (("1", "--format", "csv"), "--format csv is not for export care-plan"),
        (("1", "--format", "docx"), "--format docx needs --output FILE.docx"),
    ):
        proc = run(data.path, "export", "care-plan", *args)
        assert proc.returncode == 1 and told in proc.stderr, args
        assert not target.exists()
