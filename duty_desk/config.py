"""The team's settings: a validated model of config.toml, and how it is found and loaded.

The defaults in these models *are* the shipped settings: a missing file means
``Config()``. The documented ``config.toml`` at the top of the repository
describes the same example team, and a test checks the two agree.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_NAMES: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=40)]
Name = Annotated[str, Field(min_length=1, max_length=80)]
_HH_MM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
# [team] holidays: the bank holidays of one UK nation, as the `holidays` package's
# subdivisions of "GB" (England and Wales share theirs); "none" keeps no bank holidays.
HOLIDAY_REGIONS: dict[str, str | None] = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern-ireland": "NIR",
    "none": None,
}

if TYPE_CHECKING:
    from .dialog_scale import Item

ENV_CONFIG = "DUTY_DESK_CONFIG"
ENV_DB = "DUTY_DESK_DB"


class ConfigError(Exception):
    """A settings file that cannot be used; the message names the key and what was expected."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TeamSettings(_Strict):
    name: Name = "Canterbury POD team (example)"
    timezone: str = "Europe/London"
    response_hours: Annotated[float, Field(gt=0, le=24 * 14)] = 24
    due_soon_hours: Annotated[float, Field(gt=0, le=24 * 7)] = 4
    days: list[Day] = ["mon", "tue", "wed", "thu", "fri"]
    opens: dt.time = dt.time(8, 0)
    closes: Annotated[dt.time, Field(validate_default=True)] = dt.time(20, 0)
    holidays: str = "england"
    min_age: Annotated[int, Field(ge=0, le=130)] = 18
    max_age: Annotated[int, Field(ge=0, le=130, validate_default=True)] = 65

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        import pendulum

        try:
            pendulum.timezone(value)
        except Exception as exc:  # pendulum raises its own InvalidTimezone
            raise ValueError(
                f"{value!r} is not a known time zone (expected an IANA name such as Europe/London)"
            ) from exc
        return value

    @field_validator("holidays")
    @classmethod
    def _known_region(cls, value: str) -> str:
        if value not in HOLIDAY_REGIONS:
            raise ValueError(
                f"{value!r} is not a bank-holiday region (expected one of "
                f"{', '.join(repr(r) for r in HOLIDAY_REGIONS)})"
            )
        return value

    @field_validator("opens", "closes", mode="before")
    @classmethod
    def _hh_mm(cls, value: object) -> object:
        if isinstance(value, dt.time) and value.tzinfo is None:
            return value  # a TOML local time, 08:00:00
        if isinstance(value, str):
            match = _HH_MM.match(value)
            try:
                if match:
                    return dt.time(int(match[1]), int(match[2]))
            except ValueError:
                pass
        raise ValueError(f'{value!r} is not a time of day (expected "HH:MM", e.g. "08:00")')

    @field_validator("days")
    @classmethod
    def _some_days(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("at least one working day is needed")
        if len(set(value)) != len(value):
            raise ValueError("a day is listed twice")
        return value

    # Field validators (not a model validator) so that the message names the key:
    # "team.closes: ..." rather than "team: ...".
    @field_validator("closes")
    @classmethod
    def _closes_after_opens(cls, value: dt.time, info: ValidationInfo) -> dt.time:
        opens = info.data.get("opens")
        if opens is not None and value <= opens:
            raise ValueError(f"closes must be later than opens ({opens:%H:%M})")
        return value

    @field_validator("max_age")
    @classmethod
    def _max_after_min(cls, value: int, info: ValidationInfo) -> int:
        min_age = info.data.get("min_age")
        if min_age is not None and value < min_age:
            raise ValueError(f"max_age must not be less than min_age ({min_age})")
        return value


class DatabaseSettings(_Strict):
    url: str = ""
    refresh_seconds: Annotated[float, Field(ge=0.1, le=60)] = 0.5
    busy_timeout_seconds: Annotated[float, Field(ge=1, le=600)] = 15
    synchronous: Literal["FULL", "NORMAL"] = "FULL"


class MeetingSettings(_Strict):
    default_minutes: Annotated[int, Field(ge=5, le=8 * 60)] = 60
    travel_buffer_minutes: Annotated[int, Field(ge=0, le=4 * 60)] = 30
    slot_step_minutes: Annotated[int, Field(ge=5, le=120)] = 15
    team_base: Name = "Team base (example)"


class ContinuitySettings(_Strict):
    not_seen_days: Annotated[int, Field(ge=1, le=365)] = 14
    default_capacity: Annotated[int, Field(ge=0, le=200)] = 12


class HandoverSettings(_Strict):
    """Closed hours and shift handover (duty_desk.opening, duty_desk.repo.handover)."""

    out_of_hours_service: Name = "CRHT"
    out_of_hours_contact: Annotated[str, Field(max_length=200)] = (
        "CRHT duty line (example): 01632 960999"
    )
    claim_stale_minutes: Annotated[int, Field(ge=5, le=7 * 24 * 60)] = 60


class TriageSettings(_Strict):
    """Issue 11 (decisions): how long a triage decision can be reversed."""

    # Hours after a decision (accept, redirect, decline) during which any staff member
    # may reverse it with a reason. 72 covers a decision made on a Friday evening and
    # noticed at Monday's handover; older decisions have been acted on (letters, onward
    # services, meetings) and are put right another way (discharge, a new referral).
    reverse_within_hours: Annotated[float, Field(gt=0, le=24 * 28)] = 72
    # A client's first meeting booked to start after the referral's respond-by time is
    # booked only with a recorded reason (the 24-hour promise, kept visible).
    late_first_meeting_needs_reason: bool = True


# -- issue 12 (safety) --
class RecordSettings(_Strict):
    """Issue 12 (safety): review dates of the crisis plan and risk summary
    (duty_desk.crisis, duty_desk.repo.crisis). See config.toml for why these defaults."""

    crisis_plan_review_weeks: Annotated[int, Field(ge=1, le=52)] = 6
    risk_review_weeks: Annotated[int, Field(ge=1, le=52)] = 6
    review_due_soon_days: Annotated[int, Field(ge=0, le=90)] = 7
    no_crisis_plan_days: Annotated[int, Field(ge=0, le=365)] = 7


class SafeguardingSettings(_Strict):
    """Issue 12 (guard): the kinds of safeguarding flag a referral or client can carry.

    ``kinds``: key -> label (``child = "Child safeguarding"``). Keys are stored with each
    flag; labels are what the screens show beside the ``SG`` marker. At least one kind;
    labels are unique (ignoring case) so a picker never shows two the same.
    """

    kinds: dict[Key, Name] = Field(
        default_factory=lambda: {
            "child": "Child safeguarding",
            "adult": "Adult at risk",
            "domestic": "Domestic abuse",
        }
    )

    @field_validator("kinds")
    @classmethod
    def _some_unique_kinds(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("at least one kind of safeguarding flag is needed")
        labels = [label.strip().casefold() for label in value.values()]
        if any(not label for label in labels):
            raise ValueError("a kind's label is empty")
        if len(set(labels)) != len(labels):
            raise ValueError("two kinds have the same label")
        return value

    def label(self, key: str) -> str:
        """The label of kind ``key`` (the key itself for a kind no longer in the settings)."""
        return self.kinds.get(key, key)


class DialogItemSettings(_Strict):
    """One DIALOG item: its stable key (stored with each rating: never rename it once in
    use), what is asked about ("How satisfied are you with <subject>?") and its kind."""

    key: Key
    subject: Annotated[str, Field(min_length=1, max_length=120)]
    kind: Literal["life", "treatment"]
    label: Annotated[str, Field(max_length=24)] = ""  # short, for tables


def _standard_dialog_items() -> list[DialogItemSettings]:
    from .dialog_scale import STANDARD_ITEMS

    return [
        DialogItemSettings(
            key=item.key, subject=item.subject, kind=item.kind.value, label=item.label
        )
        for item in STANDARD_ITEMS
    ]


class DialogSettings(_Strict):
    """Issue 13: the DIALOG scale's items (wording and order) and when a score is shown."""

    items: list[DialogItemSettings] = Field(default_factory=_standard_dialog_items)
    # A score is shown only when at least this many of its items are rated: 6 of the 8
    # life domains, 2 of the 3 treatment aspects (three quarters, and two thirds: a mean of
    # fewer items says more about which items were skipped than about the person).
    min_life_rated: Annotated[int, Field(ge=1, le=20)] = 6
    min_treatment_rated: Annotated[int, Field(ge=1, le=20)] = 2
    # "No DIALOG for N weeks" shows as a break on the board after this many weeks
    # without a rating in an open episode (never rated: from the acceptance or the
    # team's first rating in the database, whichever is later; none before any rating).
    overdue_weeks: Annotated[int, Field(ge=1, le=104)] = 12

    @model_validator(mode="after")
    def _a_usable_scale(self) -> DialogSettings:
        keys = [item.key for item in self.items]
        twice = sorted({key for key in keys if keys.count(key) > 1})
        if twice:
            raise ValueError(f"each item key once (repeated: {', '.join(twice)})")
        life = sum(item.kind == "life" for item in self.items)
        treatment = len(self.items) - life
        if self.min_life_rated > life:
            raise ValueError(
                f"min_life_rated is {self.min_life_rated} but only {life} life items are set"
            )
        if self.min_treatment_rated > treatment:
            raise ValueError(
                f"min_treatment_rated is {self.min_treatment_rated} but only {treatment} "
                "treatment items are set"
            )
        return self

    def scale(self) -> tuple[Item, ...]:
        """The items as the core's :class:`duty_desk.dialog_scale.Item`, in order."""
        from .dialog_scale import Item, ItemKind

        return tuple(Item(i.key, i.subject, ItemKind(i.kind), i.label) for i in self.items)


class AreaSettings(_Strict):
    name: Name
    weekly_cap: Annotated[int, Field(ge=0, le=1000)] = 5
    gp_practices: list[Name] = []


class SourceSettings(_Strict):
    name: Name
    eligible: bool = False


class OnwardSettings(_Strict):
    name: Name


class UrgencySettings(_Strict):
    name: Name
    respond_within_hours: Annotated[float, Field(ge=0, le=24 * 365)] | None = None


def _default_areas() -> dict[str, AreaSettings]:
    return {
        "canterbury": AreaSettings(
            name="Canterbury",
            weekly_cap=5,
            gp_practices=[
                "Cathedral View Surgery (example)",
                "Westgate Towers Practice (example)",
                "Stour Valley Medical Centre (example)",
            ],
        ),
        "whitstable": AreaSettings(
            name="Whitstable",
            weekly_cap=5,
            gp_practices=[
                "Harbour Street Surgery (example)",
                "Tankerton Slopes Practice (example)",
            ],
        ),
    }


def _default_sources() -> dict[str, SourceSettings]:
    return {
        "spoa-urgent": SourceSettings(name="SPoA urgent", eligible=True),
        "eip-new": SourceSettings(name="EIP new", eligible=True),
        "gp": SourceSettings(name="GP", eligible=False),
        "other": SourceSettings(name="Other", eligible=False),
    }


def _default_onward() -> dict[str, OnwardSettings]:
    return {
        "cmht": OnwardSettings(name="CMHT"),
        "crht": OnwardSettings(name="CRHT"),
        "other": OnwardSettings(name="Other service"),
    }


def _default_urgency() -> dict[str, UrgencySettings]:
    # UK Mental Health Triage Scale.
    return {
        "A": UrgencySettings(name="Emergency", respond_within_hours=0),
        "B": UrgencySettings(name="Very high risk", respond_within_hours=4),
        "C": UrgencySettings(name="High risk", respond_within_hours=24),
        "D": UrgencySettings(name="Moderate risk", respond_within_hours=72),
        "E": UrgencySettings(name="Low risk", respond_within_hours=672),
        "F": UrgencySettings(name="Advice, not face to face", respond_within_hours=None),
        "G": UrgencySettings(name="Information only", respond_within_hours=None),
    }


# -- issue 12 (docs) --
class DocumentSettings(_Strict):
    """Documents made from a client's record (``duty-desk export client``, the GP transfer
    letter): how the team is reached in its own hours, printed in the letter beside the
    out-of-hours service of ``[handover]``."""

    team_contact: Annotated[str, Field(max_length=200)] = (
        "Canterbury POD team (example): 01632 960000"
    )


class Config(_Strict):
    team: TeamSettings = TeamSettings()
    database: DatabaseSettings = DatabaseSettings()
    meetings: MeetingSettings = MeetingSettings()
    continuity: ContinuitySettings = ContinuitySettings()
    handover: HandoverSettings = HandoverSettings()
    triage: TriageSettings = TriageSettings()
    dialog: DialogSettings = DialogSettings()
    record: RecordSettings = RecordSettings()  # issue 12 (safety)
    safeguarding: SafeguardingSettings = SafeguardingSettings()  # issue 12 (guard)
    areas: dict[Key, AreaSettings] = Field(default_factory=_default_areas)
    sources: dict[Key, SourceSettings] = Field(default_factory=_default_sources)
    onward: dict[Key, OnwardSettings] = Field(default_factory=_default_onward)
    urgency: dict[Annotated[str, Field(pattern=r"^[A-Z]$")], UrgencySettings] = Field(
        default_factory=_default_urgency
    )
    keys: dict[Key, str] = {}
    documents: DocumentSettings = DocumentSettings()  # issue 12 (docs)

    @model_validator(mode="after")
    def _non_empty(self) -> Config:
        for table in ("areas", "sources", "onward", "urgency"):
            if not getattr(self, table):
                raise ValueError(f"[{table}] needs at least one entry")
        return self

    # -- conveniences used across the core ------------------------------------
    @property
    def source_keys_eligible(self) -> set[str]:
        return {key for key, source in self.sources.items() if source.eligible}

    def area_name(self, key: str) -> str:
        area = self.areas.get(key)
        return area.name if area else key

    def source_name(self, key: str) -> str:
        source = self.sources.get(key)
        return source.name if source else key

    def onward_name(self, key: str | None) -> str:
        if key is None:
            return ""
        onward = self.onward.get(key)
        return onward.name if onward else key


def _line_of(text: str, loc: tuple[int | str, ...]) -> int | None:
    """The line of ``text`` setting the key at ``loc`` (``("team", "holidays")``), if found."""
    if not loc:
        return None
    section, key = ".".join(str(p) for p in loc[:-1]), str(loc[-1])
    current = ""
    pattern = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=')
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[([^\[\]]+)\]\s*(#.*)?$", line)
        if header:
            current = header[1].strip()
        elif current == section and pattern.match(line):
            return number
    return None


def _describe(error: ValidationError, origin: str, text: str = "") -> str:
    first = error.errors()[0]
    loc = ".".join(str(part) for part in first["loc"]) or "(top level)"
    line = _line_of(text, tuple(first["loc"])) if text else None
    msg = first["msg"]
    if first["type"] == "extra_forbidden":
        msg = "unknown key (check the spelling against the documented config.toml)"
    elif msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    more = len(error.errors()) - 1
    tail = f" ({more} more problem{'s' if more > 1 else ''} after this one)" if more else ""
    where = f" (line {line})" if line is not None else ""
    return f"{origin}: {loc}: {msg}{where}{tail}"


def parse_config(text: str, origin: str = "config.toml") -> Config:
    import tomllib  # only when there is a file to read (a start with none never needs it)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    try:
        # strict: a TOML value of the wrong type ("5" or true for a number, "yes" for
        # true/false) is refused, not coerced.
        return Config.model_validate(data, strict=True)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, origin, text)) from None


def config_search_path() -> list[Path]:
    """Where a settings file is looked for when none is named, first found wins."""
    import platformdirs

    return [
        platformdirs.user_config_path("duty-desk") / "config.toml",
        platformdirs.site_config_path("duty-desk") / "config.toml",
    ]


def find_config_file(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The file named by ``--config``, else ``DUTY_DESK_CONFIG``, else the search path."""
    named = explicit or os.environ.get(ENV_CONFIG)
    if named:
        return Path(named)
    for candidate in config_search_path():
        if candidate.is_file():
            return candidate
    return None


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    path = find_config_file(explicit)
    if path is None:
        return Config()
    try:
        # utf-8-sig: a file saved by Windows Notepad starts with a byte-order mark
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: settings file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read settings file ({exc.__class__.__name__})") from None
    return parse_config(text, origin=str(path))
