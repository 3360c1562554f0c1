"""The layers: the import contracts hold, and at run time the core leaves Textual unloaded
(the CLI and scripts stay light)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import duty_desk

CORE = Path(duty_desk.__file__).resolve().parent
ROOT = Path(__file__).resolve().parents[2]
UI_PACKAGES = {"textual", "screens"}


def python_prints(code: str) -> str:
    """What a fresh Python process running ``code`` prints (it must succeed)."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_import_contracts_hold() -> None:
    """The layers in pyproject.toml ([tool.importlinter], run by .ci/run as ``lint-imports``):
    the core never imports ``screens`` (except ``duty_desk.cli -> screens.app``, the command
    that opens the app) nor Textual, at any depth; ``screens`` never imports SQLAlchemy,
    SQLModel, the models or the database module itself."""
    code = (
        "import sys\nfrom importlinter.cli import lint_imports\n"
        "sys.exit(lint_imports(no_cache=True, no_logo=True))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_the_ui_entry_point_is_imported_lazily() -> None:
    """The one import from the core into the UI sits inside the function that starts the app,
    so ``import duty_desk.cli`` (every CLI command) does not load Textual."""
    tree = ast.parse((CORE / "cli.py").read_text(encoding="utf-8"))
    top_level = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    names = {
        alias.name for node in top_level if isinstance(node, ast.Import) for alias in node.names
    }
    names |= {node.module or "" for node in top_level if isinstance(node, ast.ImportFrom)}
    assert not {name for name in names if name.split(".")[0] in UI_PACKAGES}


def test_importing_the_core_leaves_textual_unloaded() -> None:
    code = (
        "import sys, json\n"
        "import duty_desk.repository, duty_desk.config, duty_desk.db, duty_desk.rules\n"
        "import duty_desk.validation, duty_desk.timeutil, duty_desk.views, duty_desk.nhs\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'screens', 'rich'))))\n"
    )
    out = python_prints(code)
    loaded = json.loads(out)
    assert [m for m in loaded if m.split(".")[0] in ("textual", "screens")] == []


def test_opening_a_database_and_reading_leaves_textual_unloaded(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from duty_desk.config import Config\n"
        "from duty_desk.db import open_database\n"
        "from duty_desk.repository import Repository\n"
        f"db = open_database(Config(), {str(tmp_path / 'x.db')!r}, create=True)\n"
        "repo = Repository(db, Config(), actor='nobody')\n"
        "repo.open_referrals(); repo.intake(); db.watcher().changed()\n"
        "print('textual' in sys.modules)\n"
    )
    out = python_prints(code)
    assert out.strip() == "False"


@pytest.mark.skipif(not (CORE / "cli.py").exists(), reason="no CLI module yet")
def test_importing_the_cli_leaves_textual_unloaded() -> None:
    """CLI commands that need no screen (import, export, staff) must not pay for Textual."""
    code = "import sys\nimport duty_desk.cli\nprint('textual' in sys.modules)\n"
    out = python_prints(code)
    assert out.strip() == "False"


@pytest.mark.skipif(not (CORE / "cli.py").exists(), reason="no CLI module yet")
def test_the_export_command_and_its_reports_load_when_named() -> None:
    """A start (``duty-desk`` imports its CLI) does not load ``export`` nor the report
    registry behind it (issue 15); naming the command, or listing the commands, does."""
    code = (
        "import sys, click\n"
        "from duty_desk.cli import cli\n"
        "before = 'duty_desk.reports' in sys.modules\n"
        "listed = cli.list_commands(click.Context(cli))\n"
        "found = cli.get_command(click.Context(cli), 'export')\n"
        "print(before, 'export' in listed, found.name, 'duty_desk.reports' in sys.modules)\n"
    )
    out = python_prints(code)
    assert out.split() == ["False", "True", "export", "True"]


def test_the_core_reaches_the_ui_in_one_place_without_a_circle() -> None:
    """The core reaches the UI in exactly one place, the command that opens the app
    (``duty_desk.cli`` imports ``screens.app`` inside it), and nothing in ``screens`` leads
    back to that command: no import circle between the layers."""
    import grimp

    graph = grimp.build_graph("duty_desk", "screens", include_external_packages=False)
    core = {m for m in graph.modules if m.split(".")[0] == "duty_desk"}
    ui = {m for m in graph.modules if m.split(".")[0] == "screens"}
    into_ui = sorted(
        (a, b) for a in core for b in graph.find_modules_directly_imported_by(a) if b in ui
    )
    assert into_ui == [("duty_desk.cli", "screens.app")]
    assert all(graph.find_shortest_chain(m, "duty_desk.cli") is None for m in ui)
