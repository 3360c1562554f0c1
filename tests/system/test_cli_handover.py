"""``duty-desk handover``: the handover as plain text from the CLI (``--date`` for the rota
and the meetings), the same content as the handover screen."""

from __future__ import annotations

from pathlib import Path

import pendulum
from click.testing import CliRunner

from duty_desk import timeutil
from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.repository import Repository
from tests.conftest import MONDAY_10, referral_input

SATURDAY = pendulum.datetime(2026, 11, 28, 10, 0, tz="Europe/London")


def seed(path: Path) -> None:
    db = open_database(Config(), str(path), create=True)
    try:
        repo = Repository(db, Config(), actor="duty1")
        repo.add_staff("duty1", "Duty One (test)", "team_lead", bootstrap=True)
        repo.add_staff("duty2", "Duty Two (test)", "peer_support")
        with timeutil.frozen(SATURDAY):
            late = repo.add_referral(referral_input(received_at="28/11/2026 09:00"))
            Repository(db, Config(), actor="duty2").claim(late)
            repo.add_note("Phone CRHT at noon (test)", referral_id=late)
            repo.hand_over_out_of_hours(late, "CRHT visiting (test)")
            monday = MONDAY_10.add(days=7).date()
            repo.set_rota(monday, [s.id for s in repo.list_staff() if s.login == "duty1"])
    finally:
        db.dispose()


def test_the_handover_command_prints_what_the_next_duty_worker_must_know(
    tmp_path: Path,
) -> None:
    path = tmp_path / "duty.db"
    seed(path)
    with timeutil.frozen(SATURDAY.add(hours=2)):
        result = CliRunner().invoke(cli, ["--db", str(path), "handover"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Team closed: reopens Mon 30 Nov 08:00" in out
    assert "Out of hours: CRHT duty line (example): 01632 960999" in out
    assert "due while closed: Alex Example (test), respond by Sun 29 Nov 09:00" in out
    assert "handed over to CRHT" in out
    assert "Alex Example (test): Duty Two (test) (duty2) for 2h00; FLAGGED: held long" in out
    assert "Phone CRHT at noon (test) (duty1, Sat 10:00)" in out
    assert "nobody recorded" in out
    with timeutil.frozen(SATURDAY.add(hours=2)):
        dated = CliRunner().invoke(cli, ["--db", str(path), "handover", "--date", "30/11/2026"])
    assert dated.exit_code == 0, dated.output
    assert "On duty 30/11/2026:\n  Duty One (test) (duty1)\n" in dated.output


def test_a_bad_date_is_one_sentence_naming_the_option(tmp_path: Path) -> None:
    path = tmp_path / "duty.db"
    seed(path)
    result = CliRunner().invoke(cli, ["--db", str(path), "handover", "--date", "31/02/2026"])
    assert result.exit_code != 0
    assert "--date: '31/02/2026' is not a real date" in result.output
