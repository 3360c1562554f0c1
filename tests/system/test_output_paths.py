"""What is at an output path decides how ``export -o`` and ``backup`` write there
(``duty_desk.reports.writers.output_target``): a FIFO or a character device is written
in place and stays what it is; a regular file is replaced by a rename; a symbolic link
is followed by the same rules (refused when it points at nothing or was planted in a
shared sticky folder by another login); a folder, a socket is refused. Real processes,
real FIFOs with a reader on the other end."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pendulum
import pytest

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.db import open_database
from duty_desk.identity import os_login
from duty_desk.repository import Repository
from tests.conftest import referral_input

ME = os_login()
ROOT = Path(__file__).resolve().parents[2]
HEADER = b"id,received_at,respond_by,name"


@pytest.fixture
def team(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    db = open_database(Config(), str(path), create=True)
    repo = Repository(db, Config(), actor=ME)
    try:
        with timeutil.frozen(pendulum.datetime(2026, 11, 23, 9, 0, tz="Europe/London")):
            repo.add_staff(ME, "Duty Worker (test)", "team_lead", bootstrap=True)
            repo.add_referral(referral_input())
    finally:
        db.dispose()
    return path


def run(db: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "duty_desk", "--db", str(db), *args],
        capture_output=True,
        timeout=120,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        cwd=ROOT,
    )


def export_csv(db: Path, target: str | Path) -> subprocess.CompletedProcess[bytes]:
    return run(db, "export", "referrals", "--format", "csv", "--output", str(target))


def one_sentence(proc: subprocess.CompletedProcess[bytes], *fragments: str) -> None:
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    for fragment in fragments:
        assert fragment in err, err


def test_a_fifo_is_written_in_place_and_stays_a_fifo(team: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo, 0o600)
    received: list[bytes] = []

    def reader() -> None:
        with open(fifo, "rb") as stream:  # waits for the writer, reads to its end
            received.append(stream.read())

    thread = threading.Thread(target=reader, daemon=True)  # never holds up the run
    thread.start()
    proc = export_csv(team, fifo)
    thread.join(timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received and received[0].startswith(HEADER)
    assert b"Alex Example (test)" in received[0]
    # The note about what was written is not mixed into the pipe's data.
    assert proc.stdout == b""
    assert b"Wrote 1 referral" in proc.stderr
    assert not list(tmp_path.glob(".out.csv*"))  # no temporary file beside it


def test_dev_null_and_dev_stdout_are_written_in_place(team: Path) -> None:
    before = os.stat("/dev/null")
    proc = export_csv(team, "/dev/null")
    assert proc.returncode == 0, proc.stderr.decode()
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert proc.stdout == b""
    # /dev/stdout is a link to this process's standard output (a pipe here).
    proc = export_csv(team, "/dev/stdout")
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.startswith(HEADER)
    assert b"Wrote" not in proc.stdout and b"Wrote 1 referral" in proc.stderr


def test_a_regular_file_is_replaced_by_a_rename(team: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    old_inode = target.stat().st_ino
    proc = export_csv(team, target)
    assert proc.returncode == 0, proc.stderr.decode()
    assert target.read_bytes().startswith(HEADER)
    assert target.stat().st_ino != old_inode  # a new file, renamed into place
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".out.csv.*"))


def test_a_link_to_a_regular_file_replaces_the_file_and_stays_a_link(
    team: Path, tmp_path: Path
) -> None:
    real = tmp_path / "real" / "out.csv"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    proc = export_csv(team, link)
    assert proc.returncode == 0, proc.stderr.decode()
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes().startswith(HEADER)
    assert not list(real.parent.glob(".*")) and not list(tmp_path.glob(".link*"))
    # backup follows the same rule
    proc = run(team, "backup", "--force", str(link))
    assert proc.returncode == 0, proc.stderr.decode()
    assert link.is_symlink() and real.read_bytes().startswith(b"SQLite format 3")


def test_a_link_to_a_fifo_is_written_in_place(team: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo, 0o600)
    link = tmp_path / "link.csv"
    link.symlink_to(fifo)
    received: list[bytes] = []
    thread = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    thread.start()
    proc = export_csv(team, link)
    thread.join(timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    assert link.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert received[0].startswith(HEADER)


def test_a_dangling_link_is_refused(team: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.csv"
    nowhere = tmp_path / "nowhere.csv"
    link.symlink_to(nowhere)
    proc = export_csv(team, link)
    one_sentence(proc, "symbolic link to nothing", "nothing was written")
    assert link.is_symlink() and not nowhere.exists()
    proc = run(team, "backup", str(link))
    one_sentence(proc, "symbolic link to nothing")
    assert not nowhere.exists()


@pytest.fixture
def sticky_dir() -> Iterator[Path]:
    """A shared folder like /tmp (world-writable, sticky) that another login can reach."""
    folder = Path(tempfile.mkdtemp(prefix="duty-desk-sticky-"))
    folder.chmod(0o1777)
    yield folder
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()


@pytest.mark.skipif(os.geteuid() != 0, reason="making a link owned by another login needs root")
def test_a_link_or_fifo_planted_by_another_login_in_a_shared_folder_is_refused(
    team: Path, sticky_dir: Path
) -> None:
    import pwd

    mine = sticky_dir / "mine.txt"
    mine.write_bytes(b"precious")
    planted = sticky_dir / "export.csv"
    planted.symlink_to(mine)
    nobody = pwd.getpwnam("nobody")
    os.lchown(planted, nobody.pw_uid, nobody.pw_gid)
    proc = export_csv(team, planted)
    one_sentence(proc, "symbolic link another login made in a shared folder")
    assert mine.read_bytes() == b"precious"
    proc = run(team, "backup", "--force", str(planted))
    one_sentence(proc, "symbolic link another login made")
    assert mine.read_bytes() == b"precious"
    # a FIFO another login made there would hand them what we write: refused too
    fifo = sticky_dir / "pipe.csv"
    os.mkfifo(fifo, 0o666)
    os.chown(fifo, nobody.pw_uid, nobody.pw_gid)
    proc = export_csv(team, fifo)  # no reader: refused before it would wait for one
    one_sentence(proc, "it is a FIFO another login made in a shared folder")
    # our own link in the same folder is followed as usual
    own = sticky_dir / "own.csv"
    own.symlink_to(mine)
    proc = export_csv(team, own)
    assert proc.returncode == 0, proc.stderr.decode()
    assert mine.read_bytes().startswith(HEADER)


def test_a_folder_and_a_socket_are_refused(team: Path, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    proc = export_csv(team, folder)
    one_sentence(proc, "it is a folder")
    assert folder.is_dir() and not list(folder.iterdir())
    short = Path(tempfile.mkdtemp(prefix="dd-sock-"))  # a socket's path must be short
    try:
        path = short / "s"
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(path))
            proc = export_csv(team, path)
            one_sentence(proc, "it is a socket, not a file", "nothing was written")
            assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        for child in short.iterdir():
            child.unlink()
        short.rmdir()


def test_backup_to_a_fifo_or_device_is_refused_and_leaves_it_alone(
    team: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "backup.db"
    os.mkfifo(fifo, 0o600)
    proc = run(team, "backup", "--force", str(fifo))
    one_sentence(proc, "is a FIFO", "only to a regular file")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    proc = run(team, "backup", "--force", "/dev/null")
    one_sentence(proc, "is a character device")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not list(tmp_path.glob(".backup.db*"))
