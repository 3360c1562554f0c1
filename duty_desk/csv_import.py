"""Importing referrals from a CSV file: every row checked, then all rows or none.

The file is UTF-8 (a byte-order mark is fine) with this header, in any order::

    received_at,name,date_of_birth,nhs_number,phone,area,gp_practice,source,urgency,reason

and optionally a ``notes`` column. Each row goes through
:func:`duty_desk.validation.validate_referral`, the same checks as the
add-referral form. Every problem is collected and reported as
``line N: field: problem`` (the header is line 1; a record holding a quoted
line break is numbered by the line it starts on). Only when every row is
good are they inserted, in one transaction (:meth:`Repository.add_referrals`).

Messages avoid repeating personal values (names, dates of birth, NHS numbers,
phones, free text): they name the line and field instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import timeutil
from .errors import DutyDeskError, InputErrors
from .validation import REFERRAL_FIELDS

if TYPE_CHECKING:
    from .config import Config
    from .repository import Repository
    from .validation import NewReferral

OPTIONAL_COLUMNS: tuple[str, ...] = ("notes",)
# The documented header: the form's fields, in the form's order, less the optional ones.
REQUIRED_COLUMNS: tuple[str, ...] = tuple(
    field for field in REFERRAL_FIELDS if field not in OPTIONAL_COLUMNS
)
HEADER = ",".join(REQUIRED_COLUMNS)
MAX_BYTES = 64 * 2**20  # far more than any referral batch; stops a wrong file (or /dev/zero)

# Values that are about the person: never repeated back in a message.
PERSONAL_FIELDS = frozenset({"name", "date_of_birth", "nhs_number", "phone", "reason", "notes"})


class CsvFileError(DutyDeskError):
    """The file as a whole cannot be imported (unreadable, not UTF-8, wrong header, empty)."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.problem}"


class CsvRowErrors(DutyDeskError):
    """Some rows are bad: nothing was imported. ``problems`` lists every one."""

    def __init__(self, label: str, problems: list[RowProblem], rows: int) -> None:
        self.problems = problems
        self.rows = rows
        bad = len({p.line for p in problems})
        n = len(problems)
        super().__init__(
            f"{label}: {n} problem{'s' if n != 1 else ''} in {bad} of {rows} "
            f"row{'s' if rows != 1 else ''}; nothing was imported"
        )


@dataclass(frozen=True)
class ParsedRow:
    line: int
    referral: NewReferral


def _line_of_offset(data: bytes, offset: int) -> int:
    """1-based line number of byte ``offset`` (any of LF, CRLF, CR ends a line)."""
    return len(re.split(rb"\r\n|\r|\n", data[:offset]))


def decode(data: bytes, label: str) -> str:
    """UTF-8 text (a leading byte-order mark is dropped), or a CsvFileError naming the line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvFileError(f'{label} is UTF-16 text, not UTF-8 (save it as "CSV UTF-8")')
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = _line_of_offset(data, exc.start)
        raise CsvFileError(
            f'{label} is not UTF-8 text (byte at line {line}); save it as "CSV UTF-8"'
        ) from None


def _header_problem(names: list[str], label: str) -> str | None:
    expected = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    lowered = [name.lower() for name in names]
    wanted = f"expected the header {HEADER} (and optionally notes)"
    if not any(name in expected for name in lowered):
        hint = ""
        if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
            hint = " (the columns must be separated by commas, not semicolons or tabs)"
        return f"{label}: the first line is not the header{hint}; {wanted}"
    parts: list[str] = []
    missing = [col for col in REQUIRED_COLUMNS if col not in lowered]
    if missing:
        parts.append(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    unknown = [name for name in names if name.lower() not in expected]
    if unknown:
        shown = ", ".join(
            repr(name[:40]) if name else "'' (an empty name: a stray comma?)" for name in unknown
        )
        parts.append(f"unknown column{'s' if len(unknown) > 1 else ''} {shown}")
    twice = sorted({name for name in lowered if lowered.count(name) > 1 and name in expected})
    if twice:
        parts.append(f"column{'s' if len(twice) > 1 else ''} given twice: {', '.join(twice)}")
    if not parts:
        return None
    return f"{label}: the header is wrong ({'; '.join(parts)}); {wanted}"


def _plain(field: str, value: str | None, problem: str) -> str:
    """The validation message without the personal value it may quote."""
    if field not in PERSONAL_FIELDS or not value or not value.strip():
        return problem
    quoted = repr(value.strip())
    if problem.startswith(quoted + " is "):
        return problem[len(quoted) + 4 :]
    return problem.replace(quoted, "the value")


_CSV_ERRORS = {
    "unexpected end of data": 'a double-quoted value starting here is never closed (a missing ")',
    "',' expected after '\"'": "a closing double quote must be followed by a comma "
    '(write a quote inside a quoted value as "")',
}


def _records(text: str) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """(start line, fields, error) for each record; blank lines are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    end = 0  # last physical line consumed so far
    while True:
        start = end + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            message = str(exc)
            yield start, None, _CSV_ERRORS.get(message, f"cannot be read as CSV ({message})")
            if reader.line_num <= end:
                return  # no progress: stop rather than loop
            end = reader.line_num
            continue
        end = reader.line_num
        if not any(field.strip() for field in fields):
            continue
        yield start, fields, None


def parse_referrals(text: str, label: str, config: Config, now: dt.datetime) -> list[ParsedRow]:
    """Every row checked; all good rows, or CsvRowErrors with every problem, or CsvFileError."""
    from .validation import validate_referral

    records = _records(text)
    header = next(records, None)
    if header is None:
        raise CsvFileError(f"{label} is empty; expected the header {HEADER} and a row per referral")
    header_line, names, error = header
    if names is None:
        raise CsvFileError(f"{label}: line {header_line}: the header cannot be read: {error}")
    names = [name.strip() for name in names]
    problem = _header_problem(names, label)
    if problem:
        raise CsvFileError(problem)
    columns = [name.lower() for name in names]

    problems: list[RowProblem] = []
    parsed: list[ParsedRow] = []
    seen: dict[tuple[str, ...], int] = {}
    rows = 0
    for line, fields, error in records:
        rows += 1
        if fields is None:
            problems.append(RowProblem(line, "row", error or "cannot be read as CSV"))
            continue
        if len(fields) != len(columns):
            problems.append(
                RowProblem(
                    line,
                    "row",
                    f"has {len(fields)} values but the header has {len(columns)} "
                    "(a value holding a comma, quote or line break must be in double quotes)",
                )
            )
            continue
        key = tuple(field.strip() for field in fields)
        if key in seen:
            problems.append(RowProblem(line, "row", f"the same referral as line {seen[key]}"))
            continue
        seen[key] = line
        raw = dict(zip(columns, fields, strict=True))
        try:
            referral = validate_referral(raw, config, now)
        except InputErrors as exc:
            for field, message in exc.errors.items():
                problems.append(RowProblem(line, field, _plain(field, raw.get(field), message)))
            continue
        parsed.append(ParsedRow(line, referral))
    if problems:
        raise CsvRowErrors(label, problems, rows)
    return parsed


def read_bytes(path: str | os.PathLike[str], limit: int = MAX_BYTES) -> bytes:
    """The file's bytes, or CsvFileError (missing, unreadable, a folder, far too large)."""
    label = str(path)
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise CsvFileError(
            f"cannot read {label}: {exc.strerror or exc.__class__.__name__}"
        ) from None
    if len(data) > limit:
        raise CsvFileError(
            f"{label} is too large to import (more than {limit // 2**20} MB); split it into parts"
        )
    return data


def read_referral_file(
    path: str | os.PathLike[str], config: Config, now: dt.datetime | None = None
) -> list[ParsedRow]:
    """Read and check a referral CSV file."""
    label = str(path)
    data = read_bytes(path)
    text = decode(data, label)
    return parse_referrals(text, label, config, now or timeutil.now())


def import_referrals(
    path: str | os.PathLike[str], repo: Repository, now: dt.datetime | None = None
) -> int:
    """Import a referral CSV file: all rows in one transaction, or none. Returns how many.

    Raises NotPermitted (the login is not active staff), CsvFileError (the file
    cannot be read or used as a whole) or CsvRowErrors (nothing imported).
    """
    repo.ensure_can_change()
    rows = read_referral_file(path, repo.config, now)
    if not rows:
        return 0
    return len(repo.add_referrals([row.referral for row in rows]))
