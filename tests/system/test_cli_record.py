"""The command line for the client record's part (issue 12): a staff member's work phone,
``staff add --phone`` and ``staff phone LOGIN PHONE``, on a real database file."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.identity import os_login
from duty_desk.repository import Repository


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def phones(path: Path) -> dict[str, str]:
    from sqlmodel import select

    from duty_desk.models import Staff

    db = open_database(Config(), str(path))
    try:
        with db.session() as session:
            return dict(session.exec(select(Staff.login, Staff.phone)).all())
    finally:
        db.dispose()


def test_staff_phone_set_at_adding_changed_and_cleared(tmp_path: Path) -> None:
    path = tmp_path / "duty.db"
    assert invoke("--db", str(path), "init").exit_code == 0
    added = invoke(
        "--db", str(path), "staff", "add", "clin1", "Clin One (test)", "--phone", "01632 960123"
    )
    assert added.exit_code == 0, added.output
    assert phones(path)["clin1"] == "01632 960123"
    changed = invoke("--db", str(path), "staff", "phone", "clin1", "01632 960124")
    assert changed.exit_code == 0 and "Phone of clin1 set." in changed.output
    cleared = invoke("--db", str(path), "staff", "phone", "clin1", "")
    assert cleared.exit_code == 0 and "cleared" in cleared.output
    assert phones(path)["clin1"] == ""
    me = os_login()
    assert invoke("--db", str(path), "staff", "phone", me, "01632 960125").exit_code == 0
    db = open_database(Config(), str(path))
    try:
        history = Repository(db, Config()).history("staff", 2)
    finally:
        db.dispose()
    assert [e.action for e in history] == ["add staff", "set phone", "set phone"]


def test_a_bad_staff_phone_is_refused_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "duty.db"
    assert invoke("--db", str(path), "init").exit_code == 0
    result = invoke("--db", str(path), "staff", "phone", os_login(), "call [b]me[/b]")
    assert result.exit_code != 0
    assert "phone takes digits" in result.output
    assert "[b]" not in phones(path).values()
