"""Checks on everything people type or import, before it reaches a table.

Each check returns a clean value or raises :class:`InputErrors` with one
plain message per field. The same checks serve the add-referral form, the
CSV import and the CLI, so the messages agree everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from msgspec import Struct

from .config import Config
from .errors import InputErrors
from .models import AbsenceKind, Consent, DischargeKind, Role
from .nhs import nhs_number_problem, normalise_nhs_number
from .timeutil import (
    TimeInputError,
    age_on,
    as_utc,
    date_problem,
    meeting_day_problem,
    parse_date,
    parse_datetime,
    to_local,
)

REFERRAL_FIELDS = (
    "received_at",
    "name",
    "date_of_birth",
    "nhs_number",
    "phone",
    "area",
    "gp_practice",
    "source",
    "urgency",
    "reason",
    "notes",
)
# Added later (all optional; older files and forms leave them out): where the person lives,
# who referred them and how to reach the referrer, and the language they prefer.
DETAIL_FIELDS = (
    "address",
    "postcode",
    "language",
    "interpreter",
    "referrer_name",
    "referrer_contact",
)
# What a duty worker may correct after the referral is in (``validate_referral_edit``); the
# received time, source and reason are what arrived, and stay as they came.
EDIT_FIELDS = (
    "name",
    "date_of_birth",
    "nhs_number",
    "phone",
    "address",
    "postcode",
    "language",
    "interpreter",
    "area",
    "gp_practice",
    "urgency",
    "referrer_name",
    "referrer_contact",
    "notes",
)
# Fields that may not change once a referral is decided (``referral_edit_refusal``).
FIXED_AFTER_DECISION = ("area", "urgency")

MAX_NAME = 120
MAX_ADDRESS = 200
MAX_LANGUAGE = 60
MAX_CONTACT = 120
MAX_REASON = 2000
MAX_NOTES = 4000
MAX_AGE = 120
CLOCK_SKEW = dt.timedelta(minutes=5)
_PHONE = re.compile(r"^\+?[0-9 ()-]+$")
# A UK postcode, spaces taken out: the outward code (area, district) and the inward code
# (sector digit, two unit letters: any letters, so the NHS's pseudo-postcodes such as
# ZZ99 3VZ, "no fixed abode", pass). GIR 0AA is the one historic exception still in use.
_POSTCODE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}|GIR0AA)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0", ""})
_LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]*\$?$", re.IGNORECASE)


class NewReferral(Struct, frozen=True):
    received_at: dt.datetime
    name: str
    date_of_birth: dt.date
    nhs_number: str | None
    phone: str
    area: str
    gp_practice: str
    source: str
    urgency: str
    reason: str
    notes: str
    address: str = ""
    postcode: str = ""
    language: str = ""
    interpreter: bool = False
    referrer_name: str = ""
    referrer_contact: str = ""


# Line breaks of every kind (\r, \n, \v, \f, NEL, LINE and PARAGRAPH SEPARATOR).
_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def _has_control(text: str, allow_newlines: bool) -> bool:
    for char in text:
        if allow_newlines and char in "\n\t":
            continue
        # Cs: a lone surrogate cannot even be stored (it is not valid UTF-8).
        if unicodedata.category(char) in ("Cc", "Cf", "Cs") and char not in "\u200d":
            return True
    return False


def clean_text(
    value: str | None, *, label: str, required: bool, max_len: int, multiline: bool = False
) -> str:
    """Trimmed text, or a ValueError whose message is fit for the person."""
    text = (value or "").strip()
    if multiline:  # pasted or imported text may carry Windows (or old Mac) line ends
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if required and not text:
        raise ValueError(f"{label} is required")
    if len(text) > max_len:
        raise ValueError(f"{label} is too long ({len(text)} characters, at most {max_len})")
    if not multiline and any(char in _LINE_BREAKS for char in text):
        raise ValueError(f"{label} must be on one line")
    if _has_control(text, allow_newlines=multiline):
        raise ValueError(
            f"{label} contains control characters (such as an escape sequence); retype it"
        )
    return text


def _choice(
    value: str | None, options: Mapping[str, object], label: str, names: Mapping[str, str]
) -> str:
    """A config key, given as the key or its display name (any case)."""
    text = (value or "").strip()
    if not text:
        raise ValueError(f"{label} is required")
    lowered = text.lower()
    for key in options:
        if key.lower() == lowered or names[key].lower() == lowered:
            return key
    known = ", ".join(options)
    raise ValueError(f"unknown {label} {text!r} (expected one of: {known})")


def normalise_postcode(value: str | None) -> str:
    """A UK postcode in its usual form (``ct1 1aa`` -> ``CT1 1AA``), ``""`` for none, or a
    ValueError saying what a postcode looks like."""
    text = clean_text(value, label="postcode", required=False, max_len=20)
    if not text:
        return ""
    compact = "".join(text.split()).upper()
    if not _POSTCODE.match(compact):
        raise ValueError("postcode is not a UK postcode (like CT1 1AA)")
    return f"{compact[:-3]} {compact[-3:]}"


def check_phone(value: str | None, label: str = "phone") -> str:
    text = clean_text(value, label=label, required=False, max_len=40)
    if text:
        digits = sum(ch.isdigit() for ch in text)
        if not _PHONE.match(text) or not 7 <= digits <= 15:
            raise ValueError(f"{label} takes digits, spaces, + ( ) and -, 7 to 15 digits")
    return text


def check_contact(value: str | None) -> str:
    """The referrer's phone number or email address (or nothing)."""
    label = "referrer's contact"
    text = clean_text(value, label=label, required=False, max_len=MAX_CONTACT)
    if not text:
        return ""
    if "@" in text:
        if not _EMAIL.match(text):
            raise ValueError(f"{label} is not an email address (like name@example.nhs.uk)")
        return text
    try:
        return check_phone(text, label)
    except ValueError:
        raise ValueError(
            f"{label} is a phone number (7 to 15 digits) or an email address"
        ) from None


def check_interpreter(value: str | None) -> bool:
    text = (value or "").strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError("interpreter needed is yes or no")


def _checks(config: Config, now: dt.datetime) -> dict[str, Any]:
    """The check of each referral field as typed (one field at a time)."""
    tz = config.team.timezone

    def received(value: str | None) -> dt.datetime:
        text = (value or "").strip()
        if not text:
            raise ValueError("received time is required")
        when = parse_datetime(text, tz)
        if when > as_utc(now) + CLOCK_SKEW:
            raise ValueError("received time is in the future")
        return when

    def dob(value: str | None) -> dt.date:
        text = (value or "").strip()
        if not text:
            raise ValueError("date of birth is required")
        born = parse_date(text, bounded=False)  # the age below says more than the year
        today = to_local(now, tz).date()
        if born > today:
            raise ValueError("date of birth is in the future")
        age = age_on(born, today)
        if age > MAX_AGE:
            raise ValueError(f"date of birth makes them {age}; check the year")
        problem = date_problem(born)
        if problem:  # pragma: no cover - MAX_AGE and "in the future" come first
            raise ValueError(problem)
        return born

    def nhs(value: str | None) -> str | None:
        text = (value or "").strip()
        if not text:
            return None
        problem = nhs_number_problem(text)
        if problem:
            raise ValueError(problem)
        return normalise_nhs_number(text)

    area_names = {key: area.name for key, area in config.areas.items()}
    source_names = {key: source.name for key, source in config.sources.items()}
    urgency_names = {key: key for key in config.urgency}

    def one_line(label: str, max_len: int, required: bool = False) -> Any:
        return lambda v: clean_text(v, label=label, required=required, max_len=max_len)

    def free_text(label: str, max_len: int) -> Any:
        return lambda v: clean_text(v, label=label, required=False, max_len=max_len, multiline=True)

    return {
        "received_at": received,
        "name": one_line("name", MAX_NAME, required=True),
        "date_of_birth": dob,
        "nhs_number": nhs,
        "phone": check_phone,
        "area": lambda v: _choice(v, config.areas, "area", area_names),
        "source": lambda v: _choice(v, config.sources, "source", source_names),
        "urgency": lambda v: _choice(v, config.urgency, "urgency", urgency_names),
        "reason": free_text("reason", MAX_REASON),
        "notes": free_text("notes", MAX_NOTES),
        "address": one_line("address", MAX_ADDRESS),
        "postcode": normalise_postcode,
        "language": one_line("preferred language", MAX_LANGUAGE),
        "interpreter": check_interpreter,
        "referrer_name": one_line("referrer's name", MAX_NAME),
        "referrer_contact": check_contact,
    }


def _check(
    raw: Mapping[str, str | None],
    fields: Sequence[str],
    config: Config,
    now: dt.datetime,
    current: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The clean values of ``fields`` in ``raw`` and one problem per bad field; the checks
    across fields read a field not given from ``current`` (the saved referral)."""
    checks = _checks(config, now)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field in fields:
        if field == "gp_practice":
            continue  # checked against the area's list below
        try:
            values[field] = checks[field](raw.get(field))
        except (ValueError, TimeInputError) as exc:
            errors[field] = str(exc)
    known = {**(current or {}), **values}
    tz = config.team.timezone
    # Born after the referral came in: one of the two dates is mistyped.
    born, came = known.get("date_of_birth"), known.get("received_at")
    if "date_of_birth" in values and isinstance(born, dt.date) and isinstance(came, dt.datetime):
        if born > to_local(came, tz).date():
            errors["date_of_birth"] = "date of birth is after the received date; check both"
    # The practice is checked against the area's list once the area is known.
    if "gp_practice" in fields:
        practice = (raw.get("gp_practice") or "").strip()
        if not practice:
            errors["gp_practice"] = "GP practice is required"
        elif "area" not in errors and known.get("area") in config.areas:
            area = config.areas[str(known["area"])]
            match = next((p for p in area.gp_practices if p.lower() == practice.lower()), None)
            if match is None:
                errors["gp_practice"] = f"{practice!r} is not a GP practice of {area.name}"
            else:
                values["gp_practice"] = match
    # An interpreter is for a language: say which.
    touched = "interpreter" in values or "language" in values
    if (
        touched
        and known.get("interpreter")
        and not known.get("language")
        and "language" not in errors
    ):
        errors["language"] = "say which language the interpreter is needed for"
    return values, errors


def _in_order(errors: Mapping[str, str]) -> dict[str, str]:
    order = (*REFERRAL_FIELDS, *DETAIL_FIELDS)
    return {field: errors[field] for field in order if field in errors}


def validate_referral(
    raw: Mapping[str, str | None], config: Config, now: dt.datetime
) -> NewReferral:
    """Check a referral as typed; all problems are reported together. The fields added
    later (``DETAIL_FIELDS``) may be left out."""
    values, errors = _check(raw, (*REFERRAL_FIELDS, *DETAIL_FIELDS), config, now)
    if errors:
        raise InputErrors(_in_order(errors))
    return NewReferral(**values)


def validate_referral_edit(
    raw: Mapping[str, str | None],
    config: Config,
    now: dt.datetime,
    current: Mapping[str, Any],
) -> dict[str, Any]:
    """Check corrections to a saved referral: only the fields in ``raw`` (each one of
    ``EDIT_FIELDS``); ``current`` holds the saved values (the received time, the area)
    for the checks across fields. Returns the clean values of the fields given."""
    unknown = [field for field in raw if field not in EDIT_FIELDS]
    if unknown:
        raise InputErrors({field: f"{field} cannot be corrected here" for field in unknown})
    fields = [field for field in EDIT_FIELDS if field in raw]
    if "area" in raw and "gp_practice" not in raw:
        fields.append("gp_practice")  # a new area needs a practice of that area
    values, errors = _check(raw, fields, config, now, current)
    if errors:
        raise InputErrors(_in_order(errors))
    return values


def referral_edit_refusal(field: str, status: str, area_name: str) -> str:
    """Why ``field`` of a decided referral cannot be corrected (one sentence)."""
    if field == "area":
        if status == "accepted":
            return (
                f"the area cannot change after acceptance: the referral used one of "
                f"{area_name}'s weekly places (reverse the decision first to move it)"
            )
        return f"the area cannot change after the referral was {status} (it was decided on it)"
    return (
        f"the urgency cannot change after the referral was {status}: its response deadline "
        "was worked out from it"
    )


def validate_reason(text: str | None, label: str = "reason") -> str:
    try:
        return clean_text(text, label=label, required=True, max_len=MAX_REASON, multiline=True)
    except ValueError as exc:
        raise InputErrors({label: str(exc)}) from None


def validate_staff(login: str, name: str, role: str) -> tuple[str, str, str]:
    errors: dict[str, str] = {}
    login = (login or "").strip()
    if not login or not _LOGIN.match(login) or len(login) > 64:
        errors["login"] = (
            "a login is the person's operating-system user name (letters, digits, . _ -)"
        )
    try:
        name = clean_text(name, label="name", required=True, max_len=MAX_NAME)
    except ValueError as exc:
        errors["name"] = str(exc)
    roles = [r.value for r in Role]
    if role not in roles:
        errors["role"] = f"unknown role {role!r} (expected one of: {', '.join(roles)})"
    if errors:
        raise InputErrors(errors)
    return login, name, role


def validate_network_member(name: str, relationship: str, phone: str) -> tuple[str, str, str]:
    errors: dict[str, str] = {}
    values: list[str] = []
    for field, value, required, max_len in (
        ("name", name, True, MAX_NAME),
        ("relationship", relationship, False, 60),
        ("phone", phone, False, 40),
    ):
        try:
            values.append(clean_text(value, label=field, required=required, max_len=max_len))
        except ValueError as exc:
            errors[field] = str(exc)
            values.append("")
    if not errors and values[2]:
        digits = sum(ch.isdigit() for ch in values[2])
        if not _PHONE.match(values[2]) or not 7 <= digits <= 15:
            errors["phone"] = "phone takes digits, spaces, + ( ) and -, 7 to 15 digits"
    if errors:
        raise InputErrors(errors)
    return values[0], values[1], values[2]


# -- the continuity board ---------------------------------------------------------------------
MAX_CAPACITY = 200
MAX_ABSENCE_DAYS = 366


def validate_core_team(
    staff_ids: Sequence[int], key_worker_id: int | None, reason: str | None
) -> tuple[list[int], int, str]:
    """Two or three distinct staff, the key worker one of them, and a reason (fields
    ``core_team``, ``key_worker``, ``reason``). Whether they are active staff is checked
    against the database by the repository."""
    errors: dict[str, str] = {}
    ids = list(staff_ids)
    unique = list(dict.fromkeys(ids))
    if len(unique) != len(ids):
        errors["core_team"] = "a staff member is chosen twice"
    elif not 2 <= len(unique) <= 3:
        errors["core_team"] = f"a core team is two or three staff members ({len(unique)} chosen)"
    if key_worker_id is None:
        errors["key_worker"] = "choose the key worker (one of the core team)"
    elif key_worker_id not in unique:
        errors["key_worker"] = "the key worker must be one of the core team"
    try:
        text = clean_text(reason, label="reason", required=True, max_len=MAX_REASON, multiline=True)
    except ValueError as exc:
        errors["reason"] = str(exc)
    if errors:
        raise InputErrors(errors)
    assert key_worker_id is not None
    return unique, key_worker_id, text


def validate_absence(
    starts_on: dt.date | None, ends_on: dt.date | None, kind: str | None, note: str | None
) -> tuple[dt.date, dt.date, str, str]:
    """Whole local days, ``starts_on`` to ``ends_on`` inclusive (fields ``starts_on``,
    ``ends_on``, ``kind``, ``note``)."""
    errors: dict[str, str] = {}
    kinds = [k.value for k in AbsenceKind]
    if starts_on is None:
        errors["starts_on"] = "the first day away is required"
    if ends_on is None:
        errors["ends_on"] = "the last day away is required"
    if starts_on is not None and ends_on is not None:
        if ends_on < starts_on:
            errors["ends_on"] = "the last day away is before the first"
        elif (ends_on - starts_on).days + 1 > MAX_ABSENCE_DAYS:
            errors["ends_on"] = (
                f"an absence is at most {MAX_ABSENCE_DAYS} days; record longer ones in parts"
            )
    if kind not in kinds:
        errors["kind"] = f"unknown kind of absence {kind!r} (expected one of: {', '.join(kinds)})"
    try:
        text = clean_text(note, label="note", required=False, max_len=MAX_REASON, multiline=True)
    except ValueError as exc:
        errors["note"] = str(exc)
        text = ""
    if errors:
        raise InputErrors(errors)
    assert starts_on is not None and ends_on is not None and kind is not None
    return starts_on, ends_on, kind, text


_CLOCK = re.compile(r"^\s*(\d{1,2})(?::|\.|h)?(\d{2})?\s*$")
MIDNIGHT = dt.time(0, 0)


def parse_clock(text: str | None, field: str, *, end: bool = False) -> dt.time | None:
    """A local wall-clock time typed as ``13:30``, ``1330``, ``9`` or ``09.15``; blank is
    None (a whole day). ``24:00`` is allowed for an end (the end of the day: None).
    InputErrors under ``field`` for anything else, such as ``25:00`` or ``12:60``."""
    if text is None or not text.strip():
        return None
    found = _CLOCK.match(text)
    if found is None:
        raise InputErrors({field: f"{text.strip()!r} is not a time of day (e.g. 09:00 or 13:30)"})
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    if end and (hour, minute) == (24, 0):
        return None
    if hour > 23 or minute > 59:
        raise InputErrors(
            {field: f"{text.strip()!r} is outside the day: times run from 00:00 to 23:59"}
        )
    return dt.time(hour, minute)


def validate_absence_times(
    starts_on: dt.date,
    ends_on: dt.date,
    starts_time: dt.time | None,
    ends_time: dt.time | None,
) -> tuple[dt.time | None, dt.time | None]:
    """The hours of a part-day absence (fields ``starts_time``, ``ends_time``): local
    wall-clock times without seconds; from midnight is a whole first day (None); on one day
    the end must come after the start."""
    errors: dict[str, str] = {}
    for name, value in (("starts_time", starts_time), ("ends_time", ends_time)):
        if value is None:
            continue
        if not isinstance(value, dt.time) or value.tzinfo is not None:
            errors[name] = "a time of day is a local wall-clock time (e.g. 13:30)"
        elif value.second or value.microsecond:
            errors[name] = "give the time in hours and minutes (e.g. 13:30)"
    if errors:
        raise InputErrors(errors)
    if starts_time == MIDNIGHT:
        starts_time = None
    if ends_time == MIDNIGHT:
        if ends_on == starts_on:
            raise InputErrors({"ends_time": "the absence ends before it starts"})
        # until midnight at the start of the last day is the whole day before
        raise InputErrors(
            {"ends_time": "until 00:00 is the day before: end on the day before instead"}
        )
    if (
        starts_on == ends_on
        and starts_time is not None
        and ends_time is not None
        and ends_time <= starts_time
    ):
        raise InputErrors(
            {
                "ends_time": (
                    f"the absence ends ({ends_time:%H:%M}) before it starts ({starts_time:%H:%M})"
                )
            }
        )
    return starts_time, ends_time


def validate_discharge(
    kind: str | None,
    on: dt.date | None,
    reason: str | None,
    *,
    today: dt.date,
    accepted_on: dt.date | None = None,
) -> tuple[str, dt.date, str]:
    """How and when an episode ends (fields ``kind``, ``on``, ``reason``): a local date not
    in the future and not before the episode was accepted."""
    errors: dict[str, str] = {}
    kinds = [k.value for k in DischargeKind]
    if kind not in kinds:
        errors["kind"] = f"unknown kind of discharge {kind!r} (expected one of: {', '.join(kinds)})"
    if on is None:
        errors["on"] = "the date of discharge is required"
    elif on > today:
        errors["on"] = "the date of discharge is in the future"
    elif accepted_on is not None and on < accepted_on:
        errors["on"] = f"the date of discharge is before the episode began ({accepted_on:%d/%m/%Y})"
    try:
        text = clean_text(reason, label="reason", required=True, max_len=MAX_REASON, multiline=True)
    except ValueError as exc:
        errors["reason"] = str(exc)
    if errors:
        raise InputErrors(errors)
    assert kind is not None and on is not None
    return kind, on, text


def validate_staff_phone(phone: str | None) -> str:
    """A staff member's work phone (or "" for none): digits, spaces, + ( ) and -."""
    try:
        return check_phone(phone, "phone")
    except ValueError as error:
        raise InputErrors({"phone": str(error)}) from None


def validate_capacity(capacity: int | str | None) -> int:
    """How many episodes a person can hold as core-team member: a whole number 0 to 200."""
    try:
        value = int(str(capacity).strip()) if capacity is not None else None
    except ValueError:
        value = None
    if value is None or not 0 <= value <= MAX_CAPACITY:
        raise InputErrors({"capacity": f"capacity is a whole number from 0 to {MAX_CAPACITY}"})
    return value


# -- dates at the repository's door ------------------------------------------------------------
DateFields = Mapping[str, dt.date | dt.datetime | None]


def validate_dates(fields: DateFields) -> None:
    """Every given date in the years duty-desk takes (``timeutil.EARLIEST``..``LATEST``),
    else InputErrors naming each field: defence in depth behind the parsers."""
    errors = {name: problem for name, value in fields.items() if (problem := _dated(value))}
    if errors:
        raise InputErrors(errors)


def validate_meeting_days(fields: DateFields, today: dt.date) -> None:
    """Every given day (a local date, or an instant read in UTC) inside the meeting window
    of ``today`` (``timeutil.meeting_window``), else InputErrors naming each field."""
    validate_dates(fields)
    errors = {
        name: problem
        for name, value in fields.items()
        if value is not None and (problem := meeting_day_problem(value, today))
    }
    if errors:
        raise InputErrors(errors)


def _dated(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dt.date):
        return "not a date"
    return date_problem(value)


# -- issue 12 (network): editing a network member -------------------------------------------
MAX_RELATIONSHIP = 60
# What can be changed on a network member (``validate_network_edit``); removal has its own
# call, with a reason; consent's when and by whom are set by the repository, never typed.
NETWORK_EDIT_FIELDS = ("name", "relationship", "phone", "takes_part", "consent")
_CONSENT_WORDS = {
    "yes": Consent.yes,
    "y": Consent.yes,
    "no": Consent.no,
    "n": Consent.no,
    "not_asked": Consent.not_asked,
    "not asked": Consent.not_asked,
    "not asked yet": Consent.not_asked,
}


def check_consent(value: object) -> Consent:
    """The person's answer on sharing information: yes, no or not asked yet."""
    if isinstance(value, Consent):
        return value
    text = str(value or "").strip().lower().replace("-", " ")
    found = _CONSENT_WORDS.get(text)
    if found is None:
        raise ValueError("consent to share is yes, no or not asked yet")
    return found


def check_takes_part(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in _YES:
        return True
    if text in _NO - {""}:
        return False
    raise ValueError("takes part in meetings is yes or no")


def validate_network_edit(changes: Mapping[str, object]) -> dict[str, object]:
    """Clean values for the changed fields of a network member, or InputErrors naming each
    bad one (unknown fields included). Only the fields given are checked and returned."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for key, value in changes.items():
        try:
            if key == "name":
                values[key] = clean_text(
                    _text(value, key), label="name", required=True, max_len=MAX_NAME
                )
            elif key == "relationship":
                values[key] = clean_text(
                    _text(value, key),
                    label="relationship",
                    required=False,
                    max_len=MAX_RELATIONSHIP,
                )
            elif key == "phone":
                values[key] = check_phone(_text(value, key))
            elif key == "takes_part":
                values[key] = check_takes_part(value)
            elif key == "consent":
                values[key] = check_consent(value)
            else:
                errors[key] = f"{key.replace('_', ' ')} cannot be changed on a network member"
        except ValueError as exc:
            errors[key] = str(exc)
    if errors:
        raise InputErrors(errors)
    return values


def _text(value: object, label: str) -> str:
    if value is None or isinstance(value, str):
        return value or ""
    raise ValueError(f"{label} is text")


# -- issue 12 (docs): hospital admissions ------------------------------------------------------
MAX_HOSPITAL = 120


class AdmissionInput(Struct, frozen=True):
    """An admission as checked by :func:`validate_admission`."""

    admitted_on: dt.date
    discharged_on: dt.date | None
    legal_status: str
    mha_section: str | None
    hospital: str


def validate_admission(
    admitted_on: dt.date | None,
    discharged_on: dt.date | None,
    legal_status: str | None,
    mha_section: str | None,
    hospital: str | None,
    *,
    today: dt.date,
    accepted_on: dt.date | None = None,
    episode_ended_on: dt.date | None = None,
) -> AdmissionInput:
    """A hospital admission (fields ``admitted_on``, ``discharged_on``, ``legal_status``,
    ``mha_section``, ``hospital``): admitted on a local date not in the future and, when the
    episode is known, not before it was accepted nor after it ended; discharged (or not yet)
    on or after the admission and not in the future; detained with a section of the Act from
    the fixed list, informal with none; the hospital's name on one line."""
    from .vocabulary import LegalStatus, MhaSection

    errors: dict[str, str] = {}
    for name, value in (("admitted_on", admitted_on), ("discharged_on", discharged_on)):
        problem = _dated(value)
        if problem:
            errors[name] = problem
    if admitted_on is None:
        errors["admitted_on"] = "the date of admission is required"
    elif "admitted_on" not in errors:
        if admitted_on > today:
            errors["admitted_on"] = "the date of admission is in the future"
        elif accepted_on is not None and admitted_on < accepted_on:
            errors["admitted_on"] = (
                f"the date of admission is before the episode began ({accepted_on:%d/%m/%Y})"
            )
        elif episode_ended_on is not None and admitted_on > episode_ended_on:
            errors["admitted_on"] = (
                f"the date of admission is after the episode ended ({episode_ended_on:%d/%m/%Y})"
            )
    if discharged_on is not None and "discharged_on" not in errors:
        if discharged_on > today:
            errors["discharged_on"] = "the date of discharge from hospital is in the future"
        elif admitted_on is not None and discharged_on < admitted_on:
            errors["discharged_on"] = (
                f"the date of discharge from hospital is before the admission "
                f"({admitted_on:%d/%m/%Y})"
            )
    statuses = [s.value for s in LegalStatus]
    sections = [s.value for s in MhaSection]
    section = (mha_section or "").strip() or None
    if legal_status not in statuses:
        errors["legal_status"] = (
            f"unknown legal status {legal_status!r} (expected one of: {', '.join(statuses)})"
        )
    elif legal_status == LegalStatus.detained and section is None:
        errors["mha_section"] = "detained: give the section of the Mental Health Act"
    elif legal_status == LegalStatus.informal and section is not None:
        errors["mha_section"] = "an informal admission has no section of the Mental Health Act"
    if section is not None and section not in sections and "mha_section" not in errors:
        errors["mha_section"] = (
            f"unknown section {section!r} (expected one of: {', '.join(sections)})"
        )
    try:
        name = clean_text(hospital, label="hospital", required=True, max_len=MAX_HOSPITAL)
    except ValueError as exc:
        errors["hospital"] = str(exc)
    if errors:
        raise InputErrors(errors)
    assert admitted_on is not None and legal_status is not None
    return AdmissionInput(admitted_on, discharged_on, legal_status, section, name)


# -- issue 14 (fft): the Friends and Family Test ----------------------------------------------
MAX_FFT_COMMENT = 2000


class FftInput(Struct, frozen=True):
    """A Friends and Family Test answer as checked by :func:`validate_fft_answer`."""

    answer: str
    comment: str | None
    answered_on: dt.date


def validate_fft_answer(
    answer: str | None,
    comment: str | None,
    answered_on: dt.date | None,
    *,
    today: dt.date,
    received_on: dt.date | None = None,
) -> FftInput:
    """A Friends and Family Test answer (fields ``answer``, ``comment``, ``answered_on``):
    one of the six answers (``vocabulary.FftAnswer``, by value); an optional comment of at
    most 2000 characters (several lines allowed; empty: none); the local day it was given,
    not in the future and, when known, not before the referral was received (an answer
    after discharge is fine: it may come later)."""
    from .vocabulary import FftAnswer

    errors: dict[str, str] = {}
    answers = [a.value for a in FftAnswer]
    if answer not in answers:
        errors["answer"] = (
            "choose an answer (very good, good, neither good nor poor, poor, very poor or "
            "don't know)"
            if not answer
            else f"unknown answer {answer!r} (expected one of: {', '.join(answers)})"
        )
    try:
        text = clean_text(
            comment, label="comment", required=False, max_len=MAX_FFT_COMMENT, multiline=True
        )
    except ValueError as exc:
        errors["comment"] = str(exc)
        text = ""
    problem = _dated(answered_on)
    if problem:
        errors["answered_on"] = problem
    elif answered_on is None:
        errors["answered_on"] = "the date the answer was given is required"
    elif answered_on > today:
        errors["answered_on"] = "the date the answer was given is in the future"
    elif received_on is not None and answered_on < received_on:
        errors["answered_on"] = (
            f"the date the answer was given is before the referral was received "
            f"({received_on:%d/%m/%Y})"
        )
    if errors:
        raise InputErrors(errors)
    assert answer is not None and answered_on is not None
    return FftInput(answer, text or None, answered_on)
