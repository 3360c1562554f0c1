"""The referral form: a new referral (``ReferralForm``), or the details of one already in
corrected (``ReferralEditForm``); every field checked by the core, errors inline.

The fields come in three groups under a heading each (the person; where they live and
their language; the referral), in a scrolling list, so the form works at 80x24. The GP
practice list follows the chosen area. A new referral is saved with
``Repository.add_referral`` from the strings as typed. A correction sends only the fields
that differ from what was loaded, with the version it was loaded at, to
``Repository.update_referral``: a stale save is refused naming who changed it, bad input
comes back per field, and the form keeps everything typed either way. Once a referral
is decided its area and urgency are fixed (shown, not editable; the repository refuses
them too).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Select, Static

from duty_desk import timeutil
from duty_desk.nhs import format_nhs_number
from duty_desk.validation import DETAIL_FIELDS, EDIT_FIELDS, REFERRAL_FIELDS
from duty_desk.views import ReferralView

from .forms import FormScreen, R
from .literal import assemble, literal
from .widgets import NotesArea, TextInput

INTERPRETER = [(Text("no"), "no"), (Text("YES, an interpreter is needed"), "yes")]


def _hours(hours: float | None) -> str:
    if hours is None:
        return "team target"
    if hours == 0:
        return "now"
    return f"{hours:g} h"


def typed_values(referral: ReferralView) -> dict[str, str]:
    """A saved referral's editable fields as the form shows them (and as they would be
    typed: what the checks read back to the same values)."""
    return {
        "name": referral.name,
        "date_of_birth": timeutil.fmt_date(referral.date_of_birth),
        "nhs_number": format_nhs_number(referral.nhs_number),
        "phone": referral.phone,
        "address": referral.address,
        "postcode": referral.postcode,
        "language": referral.language,
        "interpreter": "yes" if referral.interpreter else "no",
        "area": referral.area,
        "gp_practice": referral.gp_practice,
        "urgency": referral.urgency,
        "referrer_name": referral.referrer_name,
        "referrer_contact": referral.referrer_contact,
        "notes": referral.notes,
    }


class ReferralFields(FormScreen[R]):
    """The fields of a referral, grouped; subclasses say which are shown and how it saves."""

    DEFAULT_CSS = """
    ReferralFields .section {
        height: 1;
        text-style: bold underline;
        color: $text-accent;
    }
    """
    SHOWN: ClassVar[tuple[str, ...]] = ()

    def __init__(self, title: str, prefill: Mapping[str, str] | None = None) -> None:
        super().__init__(title)
        self.prefill = dict(prefill or {})
        self._practice_area: str | None = None  # the area whose practices are listed
        self.fixed: frozenset[str] = frozenset()  # shown but not editable

    def _section(self, title: str) -> Iterator[Widget]:
        yield Static(Text(title, end=""), classes="section")

    def _text(self, name: str, label: str, placeholder: str) -> Iterator[Widget]:
        if name in self.SHOWN:
            widget = TextInput(self.prefill.get(name, ""), placeholder=placeholder, compact=True)
            yield from self.field(name, label, widget)

    def compose_fields(self) -> ComposeResult:
        config: Any = self.app.config  # type: ignore[attr-defined]
        tz = config.team.timezone
        areas = [(literal(area.name), key) for key, area in config.areas.items()]
        sources = [
            (literal(f"{source.name}{'' if source.eligible else ' (not a POD route)'}"), key)
            for key, source in config.sources.items()
        ]
        urgencies = [
            (literal(f"{code} {level.name} ({_hours(level.respond_within_hours)})"), code)
            for code, level in config.urgency.items()
        ]
        area = self.prefill.get("area")
        practices: list[tuple[Text, str]] = []
        if area in config.areas:
            practices = [(literal(name), name) for name in config.areas[area].gp_practices]
            self._practice_area = area
        yield from self._section("The person")
        if "received_at" in self.SHOWN:
            now = timeutil.to_local(timeutil.now(), tz).format("DD/MM/YYYY HH:mm")
            yield from self.field(
                "received_at",
                "Received at",
                TextInput(value=now, placeholder="DD/MM/YYYY HH:MM, team time", compact=True),
            )
        yield from self._text("name", "Name", "as the person gives it")
        yield from self._text("date_of_birth", "Date of birth", "DD/MM/YYYY")
        yield from self._text(
            "nhs_number", "NHS number", "10 digits; may be left blank in a crisis"
        )
        yield from self._text("phone", "Phone", "optional")
        yield from self._section("Where they live, their language")
        yield from self._text("address", "Address", "house, street, town (a home visit goes here)")
        yield from self._text("postcode", "Postcode", "e.g. CT1 1AA")
        yield from self._text("language", "Language", "preferred language, if not English")
        yield from self.field(
            "interpreter",
            "Interpreter",
            Select(
                INTERPRETER,
                allow_blank=False,
                value=self.prefill.get("interpreter", "no"),
                compact=True,
            ),
        )
        yield from self._section("The referral")
        yield from self.field(
            "area",
            "Area",
            Select(
                areas,
                prompt="(choose the area)",
                compact=True,
                value=area if area in config.areas else Select.NULL,
                disabled="area" in self.fixed,
            ),
        )
        practice = self.prefill.get("gp_practice")
        yield from self.field(
            "gp_practice",
            "GP practice",
            Select(
                practices,
                prompt="(choose the GP practice)" if practices else "(choose the area first)",
                compact=True,
                value=practice if any(p == practice for _, p in practices) else Select.NULL,
            ),
        )
        if "source" in self.SHOWN:
            yield from self.field(
                "source", "Source", Select(sources, prompt="(choose the source)", compact=True)
            )
        urgency = self.prefill.get("urgency")
        yield from self.field(
            "urgency",
            "Urgency",
            Select(
                urgencies,
                prompt="(choose A to G)",
                compact=True,
                value=urgency if urgency in config.urgency else Select.NULL,
                disabled="urgency" in self.fixed,
            ),
        )
        yield from self._text("referrer_name", "Referred by", "the referrer's name (optional)")
        yield from self._text("referrer_contact", "Referrer contact", "their phone or email")
        yield from self._text("reason", "Reason", "why they were referred")
        notes = NotesArea(self.prefill.get("notes", ""), compact=True)
        yield from self.field("notes", "Notes", notes)

    @on(Select.Changed, "#field-area")
    def _area_changed(self, event: Select.Changed) -> None:
        """The GP practice list follows the area."""
        if event.value == self._practice_area:
            return  # the list already shown (a correction opens with it)
        config: Any = self.app.config  # type: ignore[attr-defined]
        practices = self.query_one("#field-gp_practice", Select)
        area = config.areas.get(event.value) if isinstance(event.value, str) else None
        self._practice_area = event.value if area is not None else None  # type: ignore[assignment]
        if area is None:
            practices.set_options([])
            practices.prompt = "(choose the area first)"
            return
        practices.set_options([(literal(name), name) for name in area.gp_practices])
        practices.prompt = "(choose the GP practice)"
        if len(area.gp_practices) == 1:
            practices.value = area.gp_practices[0]


class ReferralForm(ReferralFields[int]):
    """A new referral. Dismisses with the new referral's id, or None when cancelled."""

    FIELDS = (*REFERRAL_FIELDS, *DETAIL_FIELDS)
    SHOWN = FIELDS
    CONFIRM = "Add referral"

    def __init__(self) -> None:
        super().__init__("Add a referral")

    def save_values(self, values: Mapping[str, str]) -> int:
        return self.app.repo.add_referral(dict(values))  # type: ignore[attr-defined,no-any-return]


class ReferralEditForm(ReferralFields[ReferralView]):
    """Correct a saved referral's details. Dismisses with the referral as saved (the same
    one when nothing changed), or None when cancelled."""

    FIELDS = EDIT_FIELDS
    SHOWN = EDIT_FIELDS
    CONFIRM = "Save corrections"
    FIELDS_HEIGHT = 13  # the intro takes room from the fields: the buttons stay on at 80x24

    def __init__(self, referral: ReferralView) -> None:
        super().__init__("Correct referral details", typed_values(referral))
        self.referral = referral
        if not referral.is_open:
            self.fixed = frozenset({"area", "urgency"})

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#fields").styles.max_height = self.FIELDS_HEIGHT

    def first_field(self) -> Widget | None:
        """A correction starts at the top (the name), not at the first empty field: what
        is typed goes where the person is looking."""
        fields = [self.query_one(f"#field-{name}") for name in self.FIELDS]
        return next((widget for widget in fields if widget.focusable), None)

    def compose_intro(self) -> ComposeResult:
        referral = self.referral
        tz: str = self.app.config.team.timezone  # type: ignore[attr-defined]
        intro = assemble(
            ("Referral of ", "bold"),
            literal(referral.name, "bold"),
            f", received {timeutil.fmt_local(referral.received_at, tz, 'day')}, {referral.status}.",
        )
        if self.fixed:
            intro.append("\nDecided: the area and urgency stay as they were decided on.")
        yield Static(intro, id="intro")

    def values(self) -> dict[str, str]:
        """Only what was changed: a field left as loaded is not sent (nor checked again)."""
        typed = super().values()
        return {
            name: value
            for name, value in typed.items()
            if name not in self.fixed and value != self.prefill.get(name, "")
        }

    def save_values(self, values: Mapping[str, str]) -> ReferralView:
        repo: Any = self.app.repo  # type: ignore[attr-defined]
        if not values:
            return self.referral
        saved: ReferralView = repo.update_referral(
            self.referral.id, dict(values), expected_version=self.referral.version
        )
        return saved
