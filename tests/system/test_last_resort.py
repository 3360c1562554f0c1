"""The app's last line of defence, in a real process under a pseudo-terminal: an error nobody
foresaw ends ``duty-desk`` with one sentence, a non-zero exit status and the details only in
a private log (mode 0600, the traceback, never the local variables).

The fault is put in by the child process itself (an action replaced by one that raises
with personal data in a local variable); everything else is the real CLI and the real app.
"""

from __future__ import annotations

import os
import select
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from duty_desk.config import Config
from duty_desk.crash_log import FILE_NAME
from duty_desk.db import open_database
from duty_desk.identity import os_login
from duty_desk.repository import Repository

SECRET = "Zebedee Secretname (test) 943 476 5919"

CHILD = textwrap.dedent("""
    import sys

    from screens.app import DutyDeskApp


    def broken(self) -> None:
        client_name = sys.argv[2]  # a local variable holding personal data
        raise RuntimeError("failed on purpose (test)")


    DutyDeskApp.action_toggle_privacy = broken  # the key p
    sys.argv = ["duty-desk", "--db", sys.argv[1]]
    from duty_desk.cli import main

    main()
""")


def read_until(fd: int, proc: subprocess.Popen[bytes], want: bytes | None, seconds: float) -> bytes:
    """What the terminal shows, until ``want`` appears (or the process ends, or time is up)."""
    out = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
            if want is not None and want in out:
                return out
        elif proc.poll() is not None:
            break
    return out


def test_an_internal_error_is_one_sentence_a_private_log_and_a_failure_status(
    tmp_path: Path,
) -> None:
    path = tmp_path / "duty.db"
    config = Config()
    db = open_database(config, str(path), create=True)
    Repository(db, config).add_staff(os_login(), "Duty Lead (test)", "team_lead", bootstrap=True)
    db.dispose()
    state = Path(os.environ["XDG_STATE_HOME"])
    master, slave = os.openpty()
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24")
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), SECRET],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    try:
        shown = read_until(master, proc, b"Queue", 60)
        assert b"Queue" in shown, shown[-2000:]
        time.sleep(0.5)  # let the first load settle before the key
        os.write(master, b"p")
        shown += read_until(master, proc, None, 60)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    text = shown.decode("utf-8", "replace")
    log = state / "duty-desk" / FILE_NAME
    assert code != 0
    assert "duty-desk stopped after an internal error" in text
    assert str(log) in text.replace("\r\n", "").replace("\n", "")
    for leak in ("Traceback", "client_name", "Zebedee", "943 476 5919", "locals"):
        assert leak not in text, leak
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    details = log.read_text(encoding="utf-8")
    assert "Traceback" in details and "RuntimeError: failed on purpose (test)" in details
    assert "line 9, in broken" in details  # where it failed, not the values it held
    assert "Zebedee" not in details
