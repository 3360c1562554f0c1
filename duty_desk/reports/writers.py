"""Writing a report's rows: JSON (one list, streamed) and CSV (a header line, RFC 4180
quoting, text cells that a spreadsheet would run as a formula made inert), and the
one place every export and backup decides how to write to a path
(:func:`output_target`, :func:`atomic_output`).

What is at the output path decides how it is written:

- nothing, or a regular file: written under a temporary name beside it (owner only),
  flushed to disk and renamed over it, so it appears only when complete;
- a FIFO (named pipe) or a character device (``/dev/stdout``, ``/dev/null``, a
  terminal): written in place, never replaced (opening a FIFO waits for its reader);
  refused for a FIFO that another login made in a shared sticky folder such as ``/tmp``
  (the kernel's ``protected_fifos`` rule: they would read what we write);
- a symbolic link: followed, and the same rules applied to what it points at (a
  regular file is replaced at its real place, the link stays a link). Refused when it
  points at nothing, or when it sits in a shared sticky folder such as ``/tmp`` and
  was made by another login (the kernel's ``protected_symlinks`` rule: a planted link
  must not make us overwrite a file of ours elsewhere);
- a folder, a disk (block device) or a socket: refused, nothing is written.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


def write_json(rows: Iterable[Mapping[str, Any]], out: IO[bytes]) -> int:
    """A JSON list, one object per line, written as the rows arrive. Returns how many."""
    count = 0
    for row in rows:
        out.write(b"[\n  " if count == 0 else b",\n  ")
        out.write(json.dumps(row, ensure_ascii=False).encode("utf-8"))
        count += 1
    out.write(b"\n]\n" if count else b"[]\n")
    return count


# A text cell starting with one of these is a formula to Excel, LibreOffice and Google
# Sheets (OWASP, "CSV Injection"): such a cell gets a leading apostrophe, which the
# spreadsheet shows as text and does not display.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` made safe to open in a spreadsheet (a leading ``'`` where it would run)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_value(value: object) -> object:
    """One cell. Numbers (a column of ints or floats: ids, counts, figures) stay numbers,
    whatever their sign; every other value is text and is neutralised. The kind comes
    from the column's type (what the report puts in it), never from reading the value."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict | list):
        return neutralise(json.dumps(value, ensure_ascii=False))
    return neutralise(str(value))


def write_csv(columns: tuple[str, ...], rows: Iterable[Mapping[str, Any]], out: IO[bytes]) -> int:
    """CSV with a header line; nested values (audit before/after) as JSON text; text
    cells neutralised against formula injection (:func:`neutralise`)."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow(columns)
        count = 0
        for row in rows:
            writer.writerow([_csv_value(row.get(column)) for column in columns])
            count += 1
        text.flush()
        return count
    finally:
        text.detach()  # leave the underlying stream open (it may be stdout)


class UnsafeOutput(OSError):
    """An output path that is not written to; ``strerror`` says why in a few words."""

    def __init__(self, path: str | os.PathLike[str], why: str) -> None:
        super().__init__(errno.EINVAL, why, str(path))


@dataclass(frozen=True)
class OutputTarget:
    """How to write to an output path (see the module docstring)."""

    path: Path  # the file to replace (a link's target, resolved) or the path to open
    in_place: bool  # a FIFO or character device: opened and written, never replaced
    kind: str  # "new file", "regular file", "FIFO", "character device"


def _kind(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "regular file"
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISBLK(mode):
        return "disk device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _planted(path: Path, owner: int) -> bool:
    """Something another login made in a sticky, world-writable folder (``/tmp``) that is
    not theirs either: the kernel's ``protected_symlinks`` / ``protected_fifos`` rule. A
    link there would let them choose what we overwrite; a FIFO, read what we write."""
    folder = os.stat(path.parent)
    shared = folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH
    return bool(shared) and owner not in (os.geteuid(), folder.st_uid)


def output_target(path: str | os.PathLike[str]) -> OutputTarget:
    """What is at ``path`` and so how to write there; :class:`UnsafeOutput` (an OSError)
    or IsADirectoryError for what must not be written (see the module docstring)."""
    given = Path(path)
    try:
        found = os.lstat(given)
    except FileNotFoundError:
        return OutputTarget(given, in_place=False, kind="new file")
    if stat.S_ISLNK(found.st_mode):
        if _planted(given, found.st_uid):
            raise UnsafeOutput(given, "it is a symbolic link another login made in a shared folder")
        try:
            found = os.stat(given)
        except FileNotFoundError:
            raise UnsafeOutput(given, "it is a symbolic link to nothing") from None
        if stat.S_ISREG(found.st_mode):
            return OutputTarget(Path(os.path.realpath(given)), in_place=False, kind="regular file")
    kind = _kind(found.st_mode)
    if stat.S_ISREG(found.st_mode):
        return OutputTarget(given, in_place=False, kind=kind)
    if stat.S_ISFIFO(found.st_mode) and _planted(Path(os.path.realpath(given)), found.st_uid):
        raise UnsafeOutput(given, "it is a FIFO another login made in a shared folder")
    if stat.S_ISFIFO(found.st_mode) or stat.S_ISCHR(found.st_mode):
        return OutputTarget(given, in_place=True, kind=kind)
    if stat.S_ISDIR(found.st_mode):
        raise IsADirectoryError(errno.EISDIR, "it is a folder", str(given))
    raise UnsafeOutput(given, f"it is a {kind}, not a file")


@contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Where the output goes; it appears at ``path`` only when everything was written.

    A new or regular file is written under a temporary name in the same folder
    (readable by the owner only, it holds personal data), flushed to disk, then
    renamed over ``path``; on any failure the temporary file is removed and ``path``
    is left as it was. A FIFO or character device is written in place (nothing to
    rename; a reader may have seen part of it when writing fails). Anything else is
    refused before anything is written (:func:`output_target`).
    """
    where = output_target(path)
    if where.in_place:
        fd = os.open(where.path, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
        return
    target = where.path
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent if str(target.parent) else "."
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        # Something else put there meanwhile (a FIFO, a link) is never renamed over.
        now = output_target(target)
        if now.in_place or now.path != target:
            raise UnsafeOutput(target, f"a {now.kind} appeared there while writing")
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
