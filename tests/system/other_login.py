"""Running the real CLI as another login (``nobody``), for the tests that need one:
storage faults, restore's roles and the team-lead recovery.

The child process imports what duty-desk will need while it is still root (the code and
zone files may be under /root, or a private temporary folder), then drops to ``nobody`` and
runs the CLI. duty-desk imports its table groups and repositories on first use, so all of
them are imported first.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

AS_NOBODY = """
import os, pwd, sys, json, re, secrets
import duty_desk.cli, duty_desk.cli_maintenance, duty_desk.maintenance, duty_desk.config
import duty_desk.db, duty_desk.identity, duty_desk.vocabulary, duty_desk.repository
import duty_desk.export, duty_desk.csv_import
import sqlalchemy.dialects.sqlite.pysqlite, sqlalchemy.orm, sqlite3, encodings.utf_8_sig
import importlib, pkgutil, duty_desk.models, duty_desk.repo
duty_desk.models.load_all()  # the table groups and the repository's parts load on first use
for part in pkgutil.iter_modules(duty_desk.repo.__path__, "duty_desk.repo."):
    importlib.import_module(part.name)
from duty_desk import config, timeutil
timeutil.zone(config.load_config().team.timezone)  # zone files may be under /root too
nobody = pwd.getpwnam("nobody")
os.setgroups([])
os.setgid(nobody.pw_gid)
os.setuid(nobody.pw_uid)
sys.argv = ["duty-desk", *sys.argv[1:]]
duty_desk.cli.main()
"""


def run_cli(
    args: list[str], env: dict[str, str], as_nobody: bool = False
) -> subprocess.CompletedProcess[str]:
    """``duty-desk ARGS`` in a real process, as this login or as ``nobody``."""
    command = (
        [sys.executable, "-c", AS_NOBODY] if as_nobody else [sys.executable, "-m", "duty_desk"]
    )
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=120, env=env, cwd=ROOT
    )


@contextmanager
def shared_folder(prefix: str, mode: int) -> Iterator[Path]:
    """A folder another login can reach (pytest's tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(mode)
    try:
        yield folder
    finally:
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()


def cli_env(folder: Path, busy_timeout_seconds: float) -> dict[str, str]:
    """The environment for :func:`run_cli`: settings readable by everyone in ``folder``,
    which is also HOME; no database from the machine."""
    settings = folder / "settings.toml"
    settings.write_text(
        f"[database]\nbusy_timeout_seconds = {busy_timeout_seconds}\n", encoding="utf-8"
    )
    settings.chmod(0o644)
    environment = dict(os.environ)
    environment.update(
        DUTY_DESK_CONFIG=str(settings),
        HOME=str(folder),
        PYTHONPATH=str(ROOT),
        PYTHONDONTWRITEBYTECODE="1",
    )
    environment.pop("DUTY_DESK_DB", None)
    return environment
