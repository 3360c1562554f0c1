"""``duty-desk report`` (issue 14): golden files for the text, CSV and JSON outputs on a small
fixed data set built through the repository with time frozen; no name or NHS number from
the data in any output (text, csv, json, html with and without comments); bad input
refused through real processes, naming the option, nothing written; ``export team``.

The golden files are ``tests/system/golden/team_report.*``. After a change to what the
report holds (a part built, a figure added), look at the difference, then write them
again with ONE command::

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/system/test_report_cli.py -n0 -k golden

and read the new files before committing them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner, Result

from duty_desk import timeutil
from duty_desk.cli import cli
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.repository import Repository
from tests.conftest import referral_input
from tests.dialog_answers import LIFE
from tests.system import record_data

GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("UPDATE_GOLDEN"))
TZ = "Europe/London"
NOW = pendulum.datetime(2026, 12, 2, 9, 0, tz=TZ)
NAMES = (
    "Robin Example (test)",
    "Sam Twin (test)",
    "Kit Elsewhere (test)",
    "Jo Example (test)",
    "Lee Friend (test)",
    "Casey Rated (test)",
    "Friday Evening (test)",
    "Dee Clined (test)",
    "Red Irected (test)",
)
NHS_NUMBERS = ("999 000 0018", "9990000018", "999 000 0026", "9990000026")


def build(path: Path) -> Path:
    """record_data's clients (accepted, met, admitted, discharged), and: a client rated
    twice on DIALOG, a referral received on a Friday evening, one declined, one redirected."""
    record_data.build(path)
    config = Config()
    db = open_database(config, str(path), create=True)
    repo = Repository(db, config, actor=record_data.ME)
    try:
        with timeutil.frozen(pendulum.datetime(2026, 10, 5, 10, 0, tz=TZ)):
            rated = repo.accept(
                repo.add_referral(
                    referral_input(
                        name="Casey Rated (test)",
                        nhs_number="999 000 0026",
                        received_at="05/10/2026 09:00",
                        area="whitstable",
                        gp_practice="Harbour Street Surgery (example)",
                    )
                )
            )
            repo.save_dialog_rating(rated, {key: (3, key == "job") for key in LIFE})
        with timeutil.frozen(pendulum.datetime(2026, 11, 16, 10, 0, tz=TZ)):
            repo.save_dialog_rating(rated, {key: (5, False) for key in LIFE})
        with timeutil.frozen(pendulum.datetime(2026, 11, 30, 10, 0, tz=TZ)):
            repo.add_referral(
                referral_input(name="Friday Evening (test)", received_at="27/11/2026 19:30")
            )
            declined = repo.add_referral(
                referral_input(
                    name="Dee Clined (test)", nhs_number="", received_at="26/11/2026 10:00"
                )
            )
            repo.decline(declined, "Not in the team's area (test)")
            redirected = repo.add_referral(
                referral_input(
                    name="Red Irected (test)", nhs_number="", received_at="25/11/2026 10:00"
                )
            )
            repo.redirect(redirected, "cmht", "Longer-term care needed (test)")
    finally:
        db.dispose()
    return path


@pytest.fixture(scope="module")
def report_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("report") / "report.db")


def invoke(db: Path, *args: str) -> Result:
    """The CLI in this process with the clock at NOW (the report's "made at" and today)."""
    with timeutil.frozen(NOW):
        return CliRunner().invoke(cli, ["--db", str(db), "report", *args])


def check_golden(name: str, produced: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(produced, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with UPDATE_GOLDEN=1 (module docstring)"
    expected = path.read_text(encoding="utf-8")
    assert produced == expected, f"{name} differs from its golden file (module docstring)"


GOLDEN_CASES = [
    ("team_report.txt", ("--period", "quarter", "--on", "2026-11-23")),
    ("team_report.csv", ("--from", "01/10/2026", "--to", "31/10/2026", "--format", "csv")),
    (
        "team_report.json",
        ("--period", "quarter", "--on", "23/11/2026", "--area", "canterbury", "--format", "json"),
    ),
]


@pytest.mark.parametrize(("name", "args"), GOLDEN_CASES, ids=[c[0] for c in GOLDEN_CASES])
def test_report_output_matches_its_golden_file(
    report_db: Path, name: str, args: tuple[str, ...]
) -> None:
    result = invoke(report_db, *args)
    assert result.exit_code == 0, result.output
    check_golden(name, result.stdout)


def test_json_holds_the_whole_report_with_its_definitions(report_db: Path) -> None:
    result = invoke(report_db, "--period", "week", "--on", "2026-11-25", "--format", "json")
    data = json.loads(result.stdout)
    assert data["period"] == {
        "start": "2026-11-23",
        "end": "2026-11-29",
        "kind": "week",
        "name": "week of 23 Nov 2026",
    }
    assert data["area"] is None and data["area_name"] == "all areas"
    assert [part["key"] for part in data["parts"]][:2] == ["intake", "response"]
    assert data["comments_included"] is False
    assert isinstance(data["definitions"], dict)


def test_the_default_is_this_month_as_text(report_db: Path) -> None:
    result = invoke(report_db)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith("team report, December 2026, all areas")


def _outputs(db: Path, tmp_path: Path) -> dict[str, str]:
    produced: dict[str, str] = {}
    for fmt in ("text", "csv", "json", "html"):
        for comments in ((), ("--with-comments",)):
            out = tmp_path / f"report-{fmt}-{len(comments)}.{fmt}"
            result = invoke(
                db, "--period", "quarter", "--on", "2026-11-23", "--format", fmt, "-o", str(out)
            ) if not comments else invoke(
                db, "--period", "quarter", "--on", "2026-11-23", "--format", fmt, "-o", str(out),
                *comments,
            )  # fmt: skip
            assert result.exit_code == 0, result.output
            produced[out.name] = out.read_text(encoding="utf-8")
    return produced


def test_no_report_output_holds_a_name_or_an_nhs_number(report_db: Path, tmp_path: Path) -> None:
    outputs = _outputs(report_db, tmp_path)
    assert len(outputs) == 8
    for where, text in outputs.items():
        for name in NAMES:
            assert name not in text, f"{name!r} in {where}"
            surname = name.split()[1]
            assert not re.search(rf"\b{surname}\b", text), f"{surname!r} in {where}"
        for number in NHS_NUMBERS:
            assert number not in text, f"an NHS number in {where}"


def test_the_html_page_is_self_contained(report_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "board.html"
    result = invoke(report_db, "--period", "quarter", "--on", "2026-11-23", "-o", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<script" not in page and "src=" not in page and "<link" not in page
    assert "What each figure means" in page
    assert (out.stat().st_mode & 0o777) == 0o600


def test_an_existing_output_is_replaced_only_with_force(report_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "kept.txt"
    out.write_text("the board's copy\n", encoding="utf-8")
    result = invoke(report_db, "-o", str(out))
    assert result.exit_code == 1
    assert "--output" in result.output and "--force" in result.output
    assert out.read_text(encoding="utf-8") == "the board's copy\n"
    result = invoke(report_db, "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert "team report" in out.read_text(encoding="utf-8")


def test_a_format_and_a_file_named_for_another_are_refused_naming_both(
    report_db: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    result = invoke(report_db, "--format", "json", "--output", str(folder / "x.csv"))
    assert result.exit_code == 1
    assert "--format json does not match --output" in result.output
    assert "give --format csv, or a FILE ending .json" in result.output
    assert not list(folder.iterdir()), "nothing written, not even a temporary file"
    for name, fmt in (("x.csv", "csv"), ("x.htm", "html"), ("x.dat", "json")):  # these match
        result = invoke(report_db, "--format", fmt, "--output", str(folder / name))
        assert result.exit_code == 0, result.output


def test_export_team_is_the_same_report_through_the_registry(report_db: Path) -> None:
    with timeutil.frozen(NOW):
        exported = CliRunner().invoke(
            cli,
            ["--db", str(report_db), "export", "team", "--from", "2026-10-01", "--to",
             "2026-10-31", "--format", "csv"],
        )  # fmt: skip
    assert exported.exit_code == 0, exported.output
    assert (
        exported.stdout
        == invoke(report_db, "--from", "2026-10-01", "--to", "2026-10-31", "--format", "csv").stdout
    )


# -- bad input, through real processes --------------------------------------------------------------

BAD_INPUT = [
    (("--from", "31/02/2026", "--to", "01/03/2026"), "--from"),
    (("--from", "2026-11-30", "--to", "2026-11-01"), "--to 2026-11-01 is before --from"),
    (("--from", "2026-11-01"), "--from and --to go together"),
    (("--period", "month", "--on", "someday"), "--on"),
    (("--area", "atlantis"), "--area: no area called 'atlantis'"),
    (("--format", "pdf"), "'--format'"),
    (("--period", "fortnight"), "'--period'"),
    (("--from", "2026-11-01", "--to", "2026-11-30", "--period", "week"), "not both"),
    # found by the probe: JSON written into never.txt (a .csv too) without a word
    (("--format", "json"), "--format json does not match --output"),
]


def run_process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "duty_desk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


@pytest.mark.parametrize(("args", "told"), BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_report_options_are_refused_naming_the_option(
    report_db: Path, tmp_path: Path, args: tuple[str, ...], told: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "never.txt"
    proc = run_process("--db", str(report_db), "report", *args, "-o", str(out))
    assert proc.returncode != 0
    assert told in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not list(folder.iterdir())  # nothing written, not even a temporary file
