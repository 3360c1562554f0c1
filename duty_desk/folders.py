"""Making folders that are as private as the files put in them.

``Path.mkdir(parents=True)`` follows the umask (0777 under ``umask 000``) and gives
the parents it makes the default mode whatever ``mode`` says. :func:`private_dir`
makes every missing folder on the way with the mode asked for (the umask may
only make it stricter) and leaves folders that already exist as they are.
"""

from __future__ import annotations

import os
from pathlib import Path

TEAM_DIR_MODE = 0o770  # the database and its backups: owner and the team group
OWNER_DIR_MODE = 0o700  # exports: the owner only


def private_dir(path: str | os.PathLike[str], mode: int = TEAM_DIR_MODE) -> Path:
    """``path`` as a folder; each missing folder on the way is made with ``mode``."""
    folder = Path(path)
    missing: list[Path] = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for part in reversed(missing):
        try:
            os.mkdir(part, mode)
        except FileExistsError:
            if not part.is_dir():
                raise
            # made by another process meanwhile: theirs, as it is
    if not folder.is_dir():
        raise NotADirectoryError(20, "Not a directory", str(folder))
    return folder
