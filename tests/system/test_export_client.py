"""``duty-desk export client CLIENT`` and ``duty-desk letter gp CLIENT`` (issue 12, docs):
real database files, the real command in real processes, real files (their mode, their
atomic replacement), Word documents opened back with python-docx."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.documents import docx_text
from duty_desk.repository import Repository
from tests.system.record_data import ME, RecordData, build


@pytest.fixture
def data(tmp_path: Path) -> RecordData:
    return build(tmp_path / "team.db")


def run(db: Path, *args: str, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``duty-desk --db DB ARGS`` in a real process."""
    settings = ["--config", str(config)] if config else []
    return subprocess.run(
        [sys.executable, "-m", "duty_desk", *settings, "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


def invoke(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def history(db: Path, client_id: int) -> list[tuple[str, object]]:
    config = Config()
    database = open_database(config, str(db))
    try:
        entries = Repository(database, config, actor=ME).history("client", client_id)
    finally:
        database.dispose()
    return [(e.action, (e.after or {}).get("written_to")) for e in entries]


def test_the_record_as_json_on_standard_output(data: RecordData) -> None:
    proc = run(data.path, "export", "client", "Robin Example (test)")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert list(record) == [
        "format",
        "format_version",
        "exported_at",
        "exported_by",
        "team",
        "client",
        "safeguarding_flags",
        "crisis_plan",
        "risk_summary",
        "network",
        "meetings",
        "admissions",
    ]
    client = record["client"]
    assert (client["client_id"], client["name"], client["nhs_number"]) == (
        data.robin,
        "Robin Example (test)",
        "9990000018",
    )
    assert client["accepted_at"] == "2026-10-01T10:00:00+01:00"
    assert (client["status"], client["discharged_on"]) == ("discharged", "2026-11-20")
    assert client["key_worker"]["login"] == "clin1"
    assert [m["login"] for m in client["core_team"]] == ["clin1", "peer1"]
    assert [(m["name"], m["relationship"]) for m in record["network"]] == [
        ("Jo Example (test)", "sister"),
        ("Lee Friend (test)", "friend"),
    ]
    first, second, booked = record["meetings"]
    assert first["starts_at"] == "2026-10-02T08:30:00+01:00" and first["status"] == "happened"
    assert [(p["name"], p["attended"]) for p in first["network"]] == [
        ("Jo Example (test)", True),
        ("Lee Friend (test)", False),
    ]
    assert [(p["name"], p["attended"]) for p in second["staff"]] == [
        ("Clinician One (test)", True),
        ("Peer Worker One (test)", False),
    ]
    assert booked["status"] == "cancelled" and booked["cancel_reason"] == "episode discharged"
    (admission,) = record["admissions"]
    assert admission["admitted_on"] == "2026-10-03" and admission["discharged_on"] == "2026-10-08"
    assert (admission["legal_status"], admission["mha_section"]) == ("detained", "s2")
    assert admission["hospital"] == "St Example Hospital (test)"
    assert history(data.path, data.robin)[-1] == ("export record", "standard output")


def test_the_client_by_number_nhs_number_or_name(data: RecordData) -> None:
    by = {
        what: json.loads(invoke(data.path, "export", "client", what).stdout)["client"]["client_id"]
        for what in (str(data.robin), "999 000 0018", "ROBIN  example (test)")
    }
    assert set(by.values()) == {data.robin}


def test_an_ambiguous_or_unknown_client_is_refused(data: RecordData, tmp_path: Path) -> None:
    target = tmp_path / "record.json"
    proc = run(data.path, "export", "client", "Sam Twin (test)", "--out", str(target))
    assert proc.returncode == 1 and not target.exists()
    first, second = data.twins
    assert proc.stderr.strip() == (
        "duty-desk: 2 clients have that name: "
        f"number {first}, born 01/02/1990, accepted 01/10/2026 (open); "
        f"number {second}, born 03/04/1991, accepted 01/10/2026 (open); "
        "give the client number instead."
    )
    for typed, told in (
        ("Nobody Here (test)", "No client with that name (open or discharged)"),
        ("999", "No client number 999"),
        ("9990000026", "No client with that NHS number"),
        ("Robin", "No client with that name"),  # a name is typed exactly, not searched
    ):
        result = invoke(data.path, "export", "client", typed)
        assert result.exit_code == 1 and told in result.stderr, typed
    result = invoke(data.path, "export", "client")
    assert result.exit_code == 1 and "give the client" in result.stderr


def test_the_record_as_a_word_document_private_and_complete(
    data: RecordData, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "robin.docx"
    target.parent.mkdir()
    proc = run(data.path, "export", "client", str(data.robin), "--out", str(target))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"Wrote the record of client number {data.robin} (docx) to {target}.\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["robin.docx"]
    text = docx_text(str(target))
    for expected in (
        "Client record: Robin Example (test)",
        "NHS number: 999 000 0018",  # 3-3-4, as on NHS letters
        "Key worker: Clinician One (test) (clinician)",
        "Discharged: 20/11/2026",
        "Network: Jo Example (test) (came); Lee Friend (test) (did not come)",
        "Jo Example (test) | sister | 01632 960123",
        "03/10/2026 | 08/10/2026 | detained (Mental Health Act), section 2 (assessment) | "
        "St Example Hospital (test)",
    ):
        assert expected in text
    assert history(data.path, data.robin)[-1] == ("export record", str(target))


def test_a_failed_export_leaves_the_previous_file_and_no_part_file(
    data: RecordData, tmp_path: Path
) -> None:
    target = tmp_path / "robin.json"
    target.write_text("the previous export\n", encoding="utf-8")
    target.chmod(0o600)
    with closing(sqlite3.connect(data.path)) as conn, conn:
        conn.execute("UPDATE meeting SET starts_at = 'Robin 01/02/1990' WHERE id = 1")
    proc = run(data.path, "export", "client", str(data.robin), "-o", str(target), "--force")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "Robin" not in proc.stderr and "1990" not in proc.stderr
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    assert ("export record", str(target)) not in history(data.path, data.robin)


def test_a_file_is_replaced_whole_and_stays_private(data: RecordData, tmp_path: Path) -> None:
    target = tmp_path / "robin.json"
    target.write_text("an older, longer export " * 1000, encoding="utf-8")
    os.chmod(target, 0o644)
    proc = run(data.path, "export", "client", str(data.robin), "--output", str(target))
    assert proc.returncode == 1 and "already exists" in proc.stderr  # never unasked
    proc = run(data.path, "export", "client", str(data.robin), "--output", str(target), "--force")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["client"]["client_id"] == data.robin
    assert stat.S_IMODE(target.stat().st_mode) == 0o600, "a new file, readable by you only"


def test_export_client_refusals(data: RecordData, tmp_path: Path) -> None:
    for args, told in (
        (("client", "1", "--format", "docx"), "--format docx needs --output FILE.docx"),
        (("client", "1", "--format", "csv"), "--format csv is not for export client"),
        (("client", "1", "--from", "01/10/2026"), "are not for a client"),
        (("referrals", "1"), "export referrals takes no CLIENT"),
        (("referrals", "--format", "docx"), "--format docx is for export client, not referrals"),
        (("client", "1", "--output", str(tmp_path)), "it is a folder"),
        (
            ("client", "1", "--output", str(tmp_path / "no" / "such.json")),
            "No such file or directory; nothing was written",
        ),
    ):
        result = invoke(data.path, "export", *args)
        assert result.exit_code == 1, args
        assert told in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".toml") == ["team.db"]


def test_a_login_not_on_the_staff_list_cannot_take_a_record_away(tmp_path: Path) -> None:
    data = build(tmp_path / "team.db", actor="lead1")
    target = tmp_path / "robin.json"
    proc = run(data.path, "export", "client", str(data.robin), "--out", str(target))
    assert proc.returncode == 1 and "is not on the staff list" in proc.stderr
    assert not target.exists() and proc.stdout == ""
    proc = run(data.path, "letter", "gp", str(data.robin), "--out", str(target))
    assert proc.returncode == 1 and not target.exists()


def test_the_gp_letter(data: RecordData, tmp_path: Path) -> None:
    settings = tmp_path / "config.toml"
    settings.write_text(
        '[handover]\nout_of_hours_service = "Night Line (test)"\n'
        'out_of_hours_contact = "Night Line (test): 01632 960555"\n'
        '[documents]\nteam_contact = "Day Team (test): 01632 960444"\n',
        encoding="utf-8",
    )
    target = tmp_path / "letters" / "robin-gp.docx"
    target.parent.mkdir()
    proc = run(
        data.path, "letter", "gp", "Robin Example (test)", "--out", str(target), config=settings
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        proc.stdout == f"Wrote the GP transfer letter for client number {data.robin} to {target}.\n"
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["robin-gp.docx"]
    text = docx_text(str(target))
    for expected in (
        "Cathedral View Surgery (example)",
        "Transfer of care to primary care",
        "Re: Robin Example (test)",
        "Date of birth: 01/02/1990",
        "NHS number: 999 000 0018",  # 3-3-4, as on NHS letters
        "from 01/10/2026 and is discharged to your care on 20/11/2026.",
        "Clinician One (test) (clinician)",
        "Core team: Clinician One (test) (clinician), Peer Worker One (test) (peer support worker)",
        "03/10/2026 to 08/10/2026: St Example Hospital (test), detained (Mental Health Act), "
        "section 2 (assessment)",
        "In the team's hours: Day Team (test): 01632 960444.",
        "Out of hours: Night Line (test), Night Line (test): 01632 960555.",
    ):
        assert expected in text, expected
    # what helped and the plan come from the crisis plan; the sister consented and came,
    # the friend neither: only she is named (H63)
    assert "What helped\nWalking with Jo (test)" in text
    assert "Crisis and contingency plan: [to complete]" not in text
    assert "Jo Example (test)" in text and "Lee Friend" not in text
    assert history(data.path, data.robin)[-1] == ("gp transfer letter", str(target))


def test_a_gp_letter_for_a_client_still_open_or_ended_another_way(
    data: RecordData, tmp_path: Path
) -> None:
    target = tmp_path / "letter.docx"
    proc = run(data.path, "letter", "gp", str(data.twins[0]), "--out", str(target))
    assert proc.returncode == 0, proc.stderr
    assert "is being discharged to your care on [to complete]." in docx_text(str(target))
    other = tmp_path / "other.docx"
    result = invoke(data.path, "letter", "gp", str(data.elsewhere), "--out", str(other))
    assert result.exit_code == 1 and "ended another way" in result.stderr
    assert not other.exists()
    result = invoke(data.path, "letter", "gp", str(data.robin))
    assert result.exit_code == 2 and "--out" in result.stderr  # click: the option is required


def test_the_record_holds_consent_notes_the_crisis_plan_and_flags(data: RecordData) -> None:
    proc = run(data.path, "export", "client", str(data.robin))
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    [flag] = record["safeguarding_flags"]
    assert (flag["kind"], flag["note"], flag["ends_on"]) == (
        "adult",
        "Concern noted at triage (test)",
        None,
    )
    assert record["crisis_plan"]["what_helps"] == "Walking with Jo (test)"
    assert record["crisis_plan"]["review_on"] == "2026-11-30"
    assert record["risk_summary"] is None
    members = {m["name"]: m for m in record["network"]}
    assert members["Jo Example (test)"]["consent"] == "yes"
    assert members["Jo Example (test)"]["may_share"] is True
    assert members["Lee Friend (test)"]["consent"] == "not_asked"
    first = record["meetings"][0]
    assert [n["text"] for n in first["notes"]] == [
        "Talked about sleep; agreed a walk each day (test)"
    ]


def test_the_gp_letter_names_only_consenting_members_and_holds_the_crisis_plan(
    data: RecordData, tmp_path: Path
) -> None:
    out = tmp_path / "letter.docx"
    proc = run(data.path, "letter", "gp", str(data.robin), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    text = docx_text(out)
    assert "Jo Example (test)" in text and "Lee Friend (test)" not in text
    assert "Walking with Jo (test)" in text and "Not sleeping (test)" in text
    assert "agreed a walk each day" not in text  # meeting notes are not copied in (H63)


def test_a_client_document_never_replaces_a_file_unasked_nor_takes_another_name(
    data: RecordData, tmp_path: Path
) -> None:
    """Found by trying it: a second letter silently replaced the first (perhaps edited, or
    another client's); a .txt name got a Word document."""
    target = tmp_path / "letter.docx"
    target.write_bytes(b"the key worker's edited letter")
    proc = run(data.path, "letter", "gp", str(data.robin), "--out", str(target))
    assert proc.returncode == 1 and "already exists" in proc.stderr and "--force" in proc.stderr
    assert target.read_bytes() == b"the key worker's edited letter"
    proc = run(data.path, "letter", "gp", str(data.robin), "--out", str(target), "--force")
    assert proc.returncode == 0, proc.stderr
    assert "Walking with Jo (test)" in docx_text(target)
    wrong = tmp_path / "letter.txt"
    proc = run(data.path, "letter", "gp", str(data.robin), "--out", str(wrong))
    assert proc.returncode == 1 and "does not end in .docx" in proc.stderr
    assert not wrong.exists()
    record = tmp_path / "record.csv"
    proc = run(
        data.path, "export", "client", str(data.robin), "--output", str(record), "--format", "json"
    )
    assert proc.returncode == 1 and "does not end in .json" in proc.stderr
    proc = run(data.path, "export", "referrals", "--output", str(tmp_path / "r.csv"), "--force")
    assert proc.returncode == 1 and "--force is for export client" in proc.stderr
