"""The core (``duty_desk/``) never imports Textual: the CLI and scripts stay light."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import duty_desk

CORE = Path(duty_desk.__file__).resolve().parent
UI_PACKAGES = {"textual", "screens"}


def imported_top_levels(source: str) -> set[str]:
    """Every top-level package an ``import`` or ``from ... import`` names, at any depth
    (inside functions too), plus ``importlib.import_module("...")`` with a literal name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, (ast.Attribute, ast.Name))
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value.split(".")[0])
    return found


def test_the_scanner_finds_imports_wherever_they_are() -> None:
    source = (
        "import os\n"
        "def later():\n"
        "    from textual.app import App\n"
        "    import importlib\n"
        "    importlib.import_module('screens.queue')\n"
    )
    assert imported_top_levels(source) >= {"os", "textual", "screens"}


def core_modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_core_modules_are_found() -> None:
    names = {path.name for path in core_modules()}
    assert {"config.py", "db.py", "repository.py", "models.py", "timeutil.py"} <= names


# The CLI opens the app (``duty-desk`` with no command), so it may import the UI package
# ``screens``, but only lazily, inside the function that starts it. Textual itself: never.
UI_ENTRY_POINTS = {"cli.py", "__main__.py"}


@pytest.mark.parametrize("path", core_modules(), ids=lambda p: p.name)
def test_no_core_module_imports_textual(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    names = imported_top_levels(source)
    assert "textual" not in names, f"{path.name} imports textual"
    if path.name in UI_ENTRY_POINTS:
        tree = ast.parse(source)
        top_level = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        at_import = imported_top_levels("\n".join(ast.unparse(n) for n in top_level))
        assert "screens" not in at_import, f"{path.name} imports the UI at module level"
    else:
        assert "screens" not in names, f"{path.name} imports the UI package"


def test_importing_the_core_leaves_textual_unloaded() -> None:
    code = (
        "import sys, json\n"
        "import duty_desk.repository, duty_desk.config, duty_desk.db, duty_desk.rules\n"
        "import duty_desk.validation, duty_desk.timeutil, duty_desk.views, duty_desk.nhs\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'screens', 'rich'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)
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
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@pytest.mark.skipif(not (CORE / "cli.py").exists(), reason="no CLI module yet")
def test_importing_the_cli_leaves_textual_unloaded() -> None:
    """CLI commands that need no screen (import, export, staff) must not pay for Textual."""
    code = "import sys\nimport duty_desk.cli\nprint('textual' in sys.modules)\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
