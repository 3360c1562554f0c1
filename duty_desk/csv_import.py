"""Importing referrals from a CSV file: every row checked, then all rows or none.

The file is UTF-8 (a byte-order mark is fine) with this header, in any order::

    received_at,name,date_of_birth,nhs_number,phone,area,gp_practice,source,urgency,reason

and optionally the columns ``notes``, ``address``, ``postcode`` (a UK postcode, written
back as ``CT1 1AA``), ``language`` (preferred), ``interpreter`` (yes or no: yes needs a
language), ``referrer_name`` and ``referrer_contact`` (a phone number or an email
address). An optional column left out, or a cell left empty, means "not given". Each row
goes through
:func:`duty_desk.validation.validate_referral`, the same checks as the
add-referral form. Every problem is collected and reported as
``line N: field: problem`` (the header is line 1; a record holding a quoted
line break is numbered by the line it starts on). Only when every row is
good are they inserted, in one transaction (:meth:`Repository.add_referrals`).

Messages say which line and column (by its header name) and why, never the value:
when the columns are shifted a column may hold anyone's name, NHS number or date of
birth. Only the team's own settings (area, source, urgency, GP practice and onward
service names) are repeated (:func:`without_values`).

The same file is imported once: its SHA-256 goes into the audit entry of the import,
and a file with the same bytes is refused later. A referral already in the database
(the same received time and the same person: NHS number, or name and date of birth
where a side has no NHS number) is refused as ``line N: this referral is already in the
database (received ...)``; both are checked inside the write transaction, so two
imports at once cannot both pass them. Within a file, a repeated row or the same
person at the same received time is refused too.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import timeutil
from .errors import AlreadyImported, DuplicateReferrals, DutyDeskError, InputErrors
from .nhs import format_nhs_number, normalise_nhs_number
from .repo.referrals import ImportedFile, same_referral
from .timeutil import TimeInputError, parse_date
from .validation import DETAIL_FIELDS, REFERRAL_FIELDS

if TYPE_CHECKING:
    from .config import Config
    from .repository import Repository
    from .validation import NewReferral

OPTIONAL_COLUMNS: tuple[str, ...] = ("notes", *DETAIL_FIELDS)
# The documented header: the form's fields, in the form's order, less the optional ones.
REQUIRED_COLUMNS: tuple[str, ...] = tuple(
    field for field in REFERRAL_FIELDS if field not in OPTIONAL_COLUMNS
)
HEADER = ",".join(REQUIRED_COLUMNS)
OPTIONAL_WORDS = ", ".join(OPTIONAL_COLUMNS)
MAX_BYTES = 64 * 2**20  # far more than any referral batch; stops a wrong file (or /dev/zero)


class CsvFileError(DutyDeskError):
    """The file as a whole cannot be imported (unreadable, not UTF-8, wrong header, empty)."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    field: str
    problem: str

    def __str__(self) -> str:
        if not self.field:  # about the referral as a whole
            return f"line {self.line}: {self.problem}"
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
    wanted = f"expected the header {HEADER} (and optionally {OPTIONAL_WORDS})"
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


# A repr()'d value: quotes that open and close on word boundaries (not "it's ... isn't").
_QUOTED = re.compile(r"(?<!\w)(?:'(?:[^'\\]|\\.)*'" + r'|"(?:[^"\\]|\\.)*")(?!\w)')
_LONG_NUMBER = re.compile(r"(?<!\w)\d(?:[ -]?\d){6,}(?!\w)")  # phone, NHS number
_GONE = "\0"  # where a value was, until the sentence is tidied


def team_words(config: Config) -> frozenset[str]:
    """The team's own settings, which a message may repeat (compared without case)."""
    words: set[str] = set(config.urgency)
    for key, area in config.areas.items():
        words.update((key, area.name, *area.gp_practices))
    for key, source in config.sources.items():
        words.update((key, source.name))
    for key, onward in config.onward.items():
        words.update((key, onward.name))
    return frozenset(" ".join(word.split()).casefold() for word in words)


def _is_setting(value: str, settings: frozenset[str]) -> bool:
    return " ".join(value.split()).casefold() in settings


def _forms(value: str) -> set[str]:
    """The ways a message might show a cell's value: as typed, quoted, as digits, and a
    date in the usual spellings."""
    forms = {value, repr(value), repr(value)[1:-1]}
    digits = normalise_nhs_number(value)
    if digits.isdigit() and len(digits) >= 6:
        forms.update((digits, format_nhs_number(digits)))
    try:
        day = parse_date(value)
    except (TimeInputError, ValueError, OverflowError):
        pass
    else:
        forms.update(
            (
                day.isoformat(),
                day.strftime("%d/%m/%Y"),
                f"{day.day}/{day.month}/{day.year}",
                f"{day.day} {day:%b %Y}",
                f"{day.day} {day:%B %Y}",
                day.strftime("%d %b %Y"),
            )
        )
    return {form for form in forms if len(form) >= 2}


def without_values(
    message: str, row: Mapping[str, str | None] | Iterable[str], settings: frozenset[str]
) -> str:
    """A validation message with no value of the row in it (quoted or not, as typed or
    as a date or number), except the team's own settings; what it says about the column
    stays (``'x' is not a real date`` becomes ``not a real date``)."""
    cells = row.values() if isinstance(row, Mapping) else row
    values = {(cell or "").strip() for cell in cells}
    text = _QUOTED.sub(
        lambda m: m.group(0) if _is_setting(_unquote(m.group(0)), settings) else _GONE, message
    )
    forms = set().union(*(_forms(v) for v in values if v and not _is_setting(v, settings)))
    for form in sorted(forms, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", _GONE, text)
    text = _LONG_NUMBER.sub(_GONE, text)
    # Tidy the sentence where values were taken out.
    text = re.sub(f"^{_GONE} (?:is |are )?", "", text)
    text = re.sub(rf"\s*\({_GONE}\)|\s+{_GONE}", "", text)
    text = text.replace(_GONE, "the value")
    return " ".join(text.split()) or "is not valid"


def _unquote(token: str) -> str:
    try:
        value = ast.literal_eval(token)
    except (ValueError, SyntaxError):
        return token[1:-1]
    return value if isinstance(value, str) else token[1:-1]


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

    settings = team_words(config)
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
                problems.append(RowProblem(line, field, without_values(message, raw, settings)))
            continue
        earlier = _same_person(parsed, referral)
        if earlier is not None:
            problems.append(
                RowProblem(line, "row", f"the same person and received time as line {earlier}")
            )
            continue
        parsed.append(ParsedRow(line, referral))
    if problems:
        raise CsvRowErrors(label, problems, rows)
    return parsed


def _same_person(parsed: list[ParsedRow], new: NewReferral) -> int | None:
    """The line of an earlier row that is the same referral (see ``same_referral``)."""
    key = (new.nhs_number, new.name, new.date_of_birth, new.received_at)
    for row in parsed:
        other = row.referral
        if same_referral(
            key, (other.nhs_number, other.name, other.date_of_birth, other.received_at)
        ):
            return row.line
    return None


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
    cannot be read or used as a whole, or was imported before) or CsvRowErrors
    (nothing imported; a row already in the database is one of its problems).
    """
    repo.ensure_can_change()
    label = str(path)
    data = read_bytes(path)
    rows = parse_referrals(decode(data, label), label, repo.config, now or timeutil.now())
    if not rows:
        return 0
    source = ImportedFile(name=Path(path).name, sha256=hashlib.sha256(data).hexdigest())
    try:
        return len(repo.add_referrals([row.referral for row in rows], source=source))
    except AlreadyImported as exc:
        raise CsvFileError(f"{label}: {exc} (a file is imported once)") from None
    except DuplicateReferrals as exc:
        problems = [
            RowProblem(
                rows[position].line,
                "",
                f"this referral is already in the database (received {received}, "
                f"referral number {referral_id})",
            )
            for position, referral_id, received in exc.matches
        ]
        raise CsvRowErrors(label, problems, len(rows)) from None
