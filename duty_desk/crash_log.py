"""The private log of internal errors: where the details of an unexpected failure go.

When the app meets an error nobody foresaw, the person at the terminal gets one sentence
(``screens/textual_private.py``); the details go here, and only here: the exception's
class, message and traceback (file names, line numbers and source lines), **never the
local variables** (they hold names, NHS numbers and dates of birth). The file is
``crash.log`` in the user's state folder (``platformdirs.user_state_path("duty-desk")``,
e.g. ``~/.local/state/duty-desk/crash.log``); the folder is created 0700 and the file
0600 (and put back to 0600 if someone widened it), whatever the umask.
"""

from __future__ import annotations

import datetime as dt
import os
import traceback
from pathlib import Path

FILE_NAME = "crash.log"


def crash_log_path() -> Path:
    import platformdirs

    return platformdirs.user_state_path("duty-desk") / FILE_NAME


def record_crash(error: BaseException, where: str = "app") -> Path:
    """Append ``error``'s traceback (no local variables) to the private log; its path."""
    path = crash_log_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    text = f"--- {stamp} duty-desk {where}: internal error\n{''.join(lines)}\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode("utf-8", "backslashreplace"))
    finally:
        os.close(fd)
    return path
