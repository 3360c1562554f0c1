"""The duty-desk command: init, staff, settings and database errors, help, no Textual.

Real SQLite files in tmp_path; CliRunner for most commands, real processes
(``python -m duty_desk``) where exit status, stderr and imports matter.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.identity import os_login
from duty_desk.repository import Repository

ME = os_login()
REPO_ROOT = Path(__file__).resolve().parents[2]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def run_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m duty_desk ARGS`` in a real process, with this test's environment."""
    return subprocess.run(
        [sys.executable, "-m", "duty_desk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=dict(os.environ),
    )


def assert_one_sentence(stderr: str, *fragments: str) -> None:
    """Exactly one line on stderr, the duty-desk prefix, no traceback, and the fragments."""
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("duty-desk: "), stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, stderr)


def audit_count(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn, conn:
        return conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]


def staff_db(path: Path, *logins: str) -> Path:
    """A database whose staff list holds ``logins`` (the first one bootstraps)."""
    config = Config()
    db = open_database(config, str(path), create=True)
    try:
        first = logins[0]
        lead = Repository(db, config, actor=first)
        lead.add_staff(first, f"{first} (test)", "team_lead", bootstrap=True)
        for login in logins[1:]:
            lead.add_staff(login, f"{login} (test)", "clinician")
    finally:
        db.dispose()
    return path


# -- help -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["demo"],
        ["init"],
        ["staff"],
        ["staff", "add"],
        ["staff", "list"],
        ["staff", "deactivate"],
        ["import"],
        ["import", "referrals"],
        ["export"],
    ],
)
def test_every_command_has_help(args: list[str]) -> None:
    result = invoke(*args, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_help_names_the_columns_and_formats() -> None:
    text = invoke("import", "referrals", "--help").output
    assert (
        "received_at,name,date_of_birth,nhs_number,phone,area,gp_practice,source,urgency,reason"
    ) in text
    assert "DD/MM/YYYY HH:MM" in text and "line N: field: problem" in text
    text = invoke("export", "--help").output
    for word in ("json", "csv", "respond_by", "decided_at", "before", "+01:00"):
        assert word in text


def test_help_does_not_need_settings_or_database(isolated_env: Path) -> None:
    isolated_env.write_text("[team]\nresponse_hours = 'soon'\n", encoding="utf-8")
    assert invoke("--help").exit_code == 0
    assert invoke("export", "--help").exit_code == 0


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and "duty-desk" in result.output


# -- init ------------------------------------------------------------------------------------


def test_init_creates_a_database_with_me_as_team_lead(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    result = invoke("--db", str(path), "init", "--name", "Pat Example (test)")
    assert result.exit_code == 0, result.stderr
    assert str(path) in result.output
    listed = invoke("--db", str(path), "staff", "list")
    assert listed.output == f"{ME}\tPat Example (test)\tteam_lead\n"


def test_init_name_defaults_to_the_login(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    assert invoke("--db", str(path), "init").exit_code == 0
    assert invoke("--db", str(path), "staff", "list").output == f"{ME}\t{ME}\tteam_lead\n"


def test_init_uses_duty_desk_db_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "env.db"
    monkeypatch.setenv("DUTY_DESK_DB", str(path))
    assert invoke("init").exit_code == 0
    assert path.exists()


def test_init_refuses_a_database_with_data(tmp_path: Path) -> None:
    path = staff_db(tmp_path / "team.db", "duty1")
    before = path.read_bytes()
    result = invoke("--db", str(path), "init")
    assert result.exit_code == 1
    assert_one_sentence(result.stderr, "already holds staff or referrals")
    assert audit_count(path) == 1
    assert path.read_bytes() == before


def test_init_fills_an_existing_empty_duty_desk_database(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    open_database(Config(), str(path), create=True).dispose()
    result = invoke("--db", str(path), "init")
    assert result.exit_code == 0, result.stderr
    assert "Set up the empty" in result.output


def test_init_refuses_somebody_elses_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    result = invoke("--db", str(path), "init")
    assert result.exit_code == 1
    assert_one_sentence(result.stderr, "not a duty-desk database")
    with closing(sqlite3.connect(path)) as conn, conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert tables == {"invoices"}


# -- staff -------------------------------------------------------------------------------------


def test_staff_add_list_deactivate(tmp_path: Path) -> None:
    path = staff_db(tmp_path / "team.db", ME)
    result = invoke(
        "--db", str(path), "staff", "add", "psample", "Pat Sample (test)", "--role", "peer_support"
    )
    assert result.exit_code == 0, result.stderr
    assert "peer support worker" in result.output
    assert (
        invoke("--db", str(path), "staff", "add", "rexample", "Robin Example (test)").exit_code == 0
    )

    lines = invoke("--db", str(path), "staff", "list").output.splitlines()
    assert "psample\tPat Sample (test)\tpeer_support" in lines
    assert "rexample\tRobin Example (test)\tclinician" in lines

    result = invoke("--db", str(path), "staff", "deactivate", "psample")
    assert result.exit_code == 0, result.stderr
    assert "psample" not in invoke("--db", str(path), "staff", "list").output
    everyone = invoke("--db", str(path), "staff", "list", "--all").output.splitlines()
    assert "psample\tPat Sample (test)\tpeer_support\tinactive" in everyone
    assert "rexample\tRobin Example (test)\tclinician\tactive" in everyone


def test_staff_changes_are_audited_as_me(tmp_path: Path) -> None:
    path = staff_db(tmp_path / "team.db", ME)
    invoke("--db", str(path), "staff", "add", "psample", "Pat Sample (test)")
    with closing(sqlite3.connect(path)) as conn, conn:
        actor, action = conn.execute(
            "SELECT actor, action FROM audit_log ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert (actor, action) == (ME, "add staff")


def test_a_login_not_on_the_staff_list_is_refused(tmp_path: Path) -> None:
    path = staff_db(tmp_path / "team.db", "duty1")
    before = audit_count(path)
    for args in (
        ["staff", "add", "psample", "Pat Sample (test)"],
        ["staff", "deactivate", "duty1"],
    ):
        result = invoke("--db", str(path), *args)
        assert result.exit_code == 1
        assert_one_sentence(result.stderr, repr(ME), "not on the staff list")
    assert audit_count(path) == before
    # Looking is allowed.
    assert invoke("--db", str(path), "staff", "list").exit_code == 0


def test_staff_add_duplicate_and_bad_input(tmp_path: Path) -> None:
    path = staff_db(tmp_path / "team.db", ME)
    result = invoke("--db", str(path), "staff", "add", ME, "Again (test)")
    assert result.exit_code == 1
    assert_one_sentence(result.stderr, "already on the staff list")
    result = invoke("--db", str(path), "staff", "add", "bad login!", "Someone (test)")
    assert result.exit_code == 1
    assert_one_sentence(result.stderr, "login")
    result = invoke("--db", str(path), "staff", "add", "x", "X (test)", "--role", "boss")
    assert result.exit_code == 2  # a usage mistake: click's message
    result = invoke("--db", str(path), "staff", "deactivate", "nobody")
    assert result.exit_code == 1
    assert_one_sentence(result.stderr, "No staff member")


# -- settings and database errors, in real processes -------------------------------------------


@pytest.mark.parametrize(
    ("toml", "fragments"),
    [
        ('[team]\nresponse_hours = "24"\n', ["team.response_hours"]),
        ('[team]\ncolour = "red"\n', ["team.colour", "unknown key"]),
        (
            '[areas.canterbury]\nname = "Canterbury"\nweekly_cap = -1\n',
            ["areas.canterbury.weekly_cap"],
        ),
        ("[team\nname = 1\n", ["not valid TOML"]),
    ],
)
def test_a_bad_settings_file_is_one_sentence(
    tmp_path: Path, toml: str, fragments: list[str]
) -> None:
    path = staff_db(tmp_path / "team.db", ME)
    settings = tmp_path / "config.toml"
    settings.write_text(toml, encoding="utf-8")
    proc = run_process("--config", str(settings), "--db", str(path), "staff", "list")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert_one_sentence(proc.stderr, str(settings), *fragments)


def test_a_missing_settings_file_is_one_sentence(tmp_path: Path) -> None:
    proc = run_process("--config", str(tmp_path / "nope.toml"), "staff", "list")
    assert proc.returncode == 1
    assert_one_sentence(proc.stderr, "nope.toml", "not found")


def test_settings_from_the_environment_are_used(tmp_path: Path, isolated_env: Path) -> None:
    isolated_env.write_text("[team]\nmin_age = 30\nmax_age = 20\n", encoding="utf-8")
    proc = run_process("--db", str(tmp_path / "x.db"), "init")
    assert proc.returncode == 1
    assert_one_sentence(proc.stderr, "team.max_age")
    assert not (tmp_path / "x.db").exists()


def test_a_missing_database_is_one_sentence(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    for args in (["staff", "list"], ["export", "referrals"], []):
        proc = run_process("--db", str(missing), *args)
        assert proc.returncode == 1, proc.stderr
        assert_one_sentence(proc.stderr, "no database at", "duty-desk init")
    assert not missing.exists()


def test_a_file_that_is_not_a_database_is_one_sentence(tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_bytes(b"these are not the tables you are looking for\n" * 200)
    proc = run_process("--db", str(junk), "staff", "list")
    assert proc.returncode == 1
    assert_one_sentence(proc.stderr, "not a duty-desk database")


def test_a_bad_database_url_is_one_sentence() -> None:
    proc = run_process("--db", "postgresql://host:port/x", "staff", "list")
    assert proc.returncode == 1
    assert_one_sentence(proc.stderr, "not a database URL")


def test_non_staff_refusal_in_a_real_process(tmp_path: Path) -> None:
    path = staff_db(tmp_path / "team.db", "duty1")
    proc = run_process("--db", str(path), "staff", "add", "psample", "Pat Sample (test)")
    assert proc.returncode == 1
    assert_one_sentence(proc.stderr, "not on the staff list")


def test_init_and_staff_in_real_processes(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    proc = run_process("--db", str(path), "init", "--name", "Pat Example (test)")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    proc = run_process("--db", str(path), "staff", "add", "rexample", "Robin Example (test)")
    assert proc.returncode == 0, proc.stderr
    proc = run_process("--db", str(path), "staff", "list")
    assert "rexample\tRobin Example (test)\tclinician" in proc.stdout


# -- the CLI never imports Textual unless it opens the app --------------------------------------

_PROBE = textwrap.dedent("""
    import sys
    from duty_desk.cli import cli
    try:
        cli.main(args=sys.argv[1:], prog_name="duty-desk")
    except SystemExit as exc:
        code = exc.code
    print("TEXTUAL-LOADED" if "textual" in sys.modules else "TEXTUAL-ABSENT", file=sys.stderr)
""")


def _probe(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


def test_commands_without_a_screen_never_import_textual(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    csv_file = tmp_path / "in.csv"
    csv_file.write_text(
        "received_at,name,date_of_birth,nhs_number,phone,area,gp_practice,source,urgency,reason\n"
        "01/06/2026 09:00,Alex Example (test),01/02/1990,,,canterbury,"
        "Cathedral View Surgery (example),spoa-urgent,C,\n",
        encoding="utf-8",
    )
    for args in (
        ["--help"],
        ["--db", str(path), "init"],
        ["--db", str(path), "staff", "list"],
        ["--db", str(path), "staff", "add", "rexample", "Robin Example (test)"],
        ["--db", str(path), "import", "referrals", str(csv_file)],
        ["--db", str(path), "export", "referrals"],
        ["--db", str(path), "export", "audit", "--format", "csv"],
        ["--db", str(tmp_path / "missing.db")],  # the app command, failing before the app
    ):
        proc = _probe(*args)
        assert proc.stderr.strip().endswith("TEXTUAL-ABSENT"), (args, proc.stderr)
    # The import above really happened (so the probe exercised the whole command).
    with closing(sqlite3.connect(path)) as conn, conn:
        assert conn.execute("SELECT count(*) FROM referral").fetchone()[0] == 1


def test_the_core_never_imports_textual() -> None:
    code = (
        "import sys, duty_desk.cli, duty_desk.csv_import, duty_desk.export, duty_desk.demo, "
        "duty_desk.repository; print('textual' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "False", proc.stderr


def test_an_internal_error_is_one_sentence_without_a_traceback(tmp_path: Path) -> None:
    """A damaged record (not a user mistake) still gives one sentence, no personal data."""
    path = staff_db(tmp_path / "team.db", ME)
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE staff SET role = 'Alex Example 01/02/1990'")
    proc = run_process("--db", str(path), "staff", "list")
    assert proc.returncode == 1
    assert_one_sentence(proc.stderr, "internal error", "DUTY_DESK_DEBUG", "crash.log")
    assert "Alex" not in proc.stderr
    # The details are kept in the private crash log only (issue 10, inputs).
    log = Path(os.environ["XDG_STATE_HOME"]) / "duty-desk" / "crash.log"
    assert (log.stat().st_mode & 0o777) == 0o600
    assert "Traceback" in log.read_text(encoding="utf-8")
