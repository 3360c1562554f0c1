"""Writing a report's rows: JSON (one list, streamed) and CSV (a header line, RFC 4180
quoting), and a file that appears only once complete (:func:`atomic_output`)."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
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


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(columns: tuple[str, ...], rows: Iterable[Mapping[str, Any]], out: IO[bytes]) -> int:
    """CSV with a header line; nested values (audit before/after) as JSON text."""
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


@contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A file that appears at ``path`` only when everything was written.

    Written under a temporary name in the same folder (readable by the owner
    only, it holds personal data), flushed to disk, then renamed over ``path``.
    On any failure the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(target))
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent if str(target.parent) else "."
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
