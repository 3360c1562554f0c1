"""Textual's private names stay in one file (screens/textual_private.py), and that file's
names still exist in the installed Textual: an upgrade that renames them fails here, not
on a duty worker's screen.

"Private" is found, not listed: for every class under screens/ that extends a Textual
class, any ``_name`` it uses or defines that a Textual base class also has (in its class
body or as ``self._name`` in its source) is a private name of Textual's.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

SCREENS = Path(__file__).resolve().parents[2] / "screens"
THE_ONE_FILE = "textual_private.py"


def textual_private_names(cls: type) -> set[str]:
    names: set[str] = set()
    for base in cls.__mro__:
        if not base.__module__.startswith("textual"):
            continue
        names |= {n for n in vars(base) if n.startswith("_") and not n.startswith("__")}
        try:
            source = inspect.getsource(base)
        except (OSError, TypeError):
            continue
        names |= set(re.findall(r"self\.(_[A-Za-z]\w*)", source))
    return names


def private_names_used(node: ast.ClassDef) -> set[str]:
    """``self._x`` / ``cls._x`` read or written, and ``_x`` defined, in a class body."""
    used: set[str] = set()
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.value, ast.Name)
            and sub.value.id in ("self", "cls")
        ):
            used.add(sub.attr)
        elif isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef):
            used.add(sub.name)
        elif isinstance(sub, ast.AnnAssign) and isinstance(sub.target, ast.Name):
            used.add(sub.target.id)
        elif isinstance(sub, ast.Assign):
            used |= {t.id for t in sub.targets if isinstance(t, ast.Name)}
    return {n for n in used if n.startswith("_") and not n.startswith("__")}


def shared_with_textual(path: Path) -> dict[str, set[str]]:
    """For each class in ``path`` extending a Textual class: the private names it shares."""
    module = importlib.import_module(f"screens.{path.stem}")
    found: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(module, node.name, None)
        if isinstance(cls, type):
            shared = private_names_used(node) & textual_private_names(cls)
            if shared:
                found[node.name] = shared
    return found


def private_textual_imports(path: Path) -> list[str]:
    bad = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual"):
            parts = (node.module or "").split(".") + [alias.name for alias in node.names]
            if any(part.startswith("_") for part in parts):
                bad.append(node.module or "")
        elif isinstance(node, ast.Import):
            bad += [
                alias.name
                for alias in node.names
                if alias.name.startswith("textual")
                and any(part.startswith("_") for part in alias.name.split("."))
            ]
    return bad


@pytest.mark.parametrize(
    "path",
    sorted(p for p in SCREENS.glob("*.py") if p.name != THE_ONE_FILE),
    ids=lambda p: p.name,
)
def test_no_private_textual_name_outside_the_one_file(path: Path) -> None:
    assert private_textual_imports(path) == []
    assert shared_with_textual(path) == {}


def test_the_one_file_uses_exactly_the_names_it_declares() -> None:
    """If Textual renames or drops one of them, this fails (and so does the import)."""
    from textual.app import App

    from screens import textual_private

    assert private_textual_imports(SCREENS / THE_ONE_FILE) == []
    assert shared_with_textual(SCREENS / THE_ONE_FILE) == {
        "LastResort": {"_handle_exception"},
    }
    assert textual_private.PRIVATE_NAMES == (
        "App._handle_exception",
        "App._display",
        "App._batch_count",
        "App._driver",
    )
    # App._handle_exception still exists, takes the error, and is what Textual calls with
    # an unhandled exception (its message pump routes a failing handler there).
    assert "_handle_exception" in vars(App)
    assert list(inspect.signature(App._handle_exception).parameters) == ["self", "error"]
    pump = inspect.getsource(importlib.import_module("textual.message_pump"))
    assert "app._handle_exception(" in pump
    # The benchmarks' frame hook and key sender (after_each_frame, send_as_terminal): the
    # screen writes its frame through App._display (None: nothing written), and the app's
    # driver, once running, is App._driver with send_message.
    assert list(inspect.signature(App._display).parameters) == ["self", "screen", "renderable"]
    screen_source = inspect.getsource(importlib.import_module("textual.screen"))
    assert "app._display(" in screen_source
    assert "self._driver" in inspect.getsource(App)
    # A frame held back by App.batch_update (screens/closing.py) is not written: _display
    # returns early while App._batch_count is set.
    assert "if self._batch_count:" in inspect.getsource(App._display)
    from textual.driver import Driver

    assert callable(Driver.send_message)


def test_the_scan_finds_a_private_name() -> None:
    """The scan itself works: a DataTable subclass touching ``_row_locations`` is caught."""
    from textual.widgets import DataTable

    tree = ast.parse("class T(DataTable):\n    def f(self):\n        return self._row_locations\n")
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef))
    assert private_names_used(node) & textual_private_names(DataTable) == {"_row_locations"}
