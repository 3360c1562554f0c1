"""Raising and closing a safeguarding flag (issue 12, guard): two small forms.

:class:`RaiseFlagDialog` names the person as fully as the screen knows them (name, date of
birth, NHS number: a flag on the wrong person is a hazard, H60), shows the flags already
open, and takes a kind (from ``[safeguarding] kinds``) and a note. :class:`CloseFlagDialog`
takes the flag (when the person has several open), the end date (today unless changed)
and the reason; the flag stays in the history with who closed it, when and why.

Both are opened by the queue (``g`` / ``G``) and the client record's Crisis & risk section
(``g`` / ``x``); the caller passes the blocking repository call, run in the form's worker,
so the dialogs are testable on their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Select, Static

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.errors import InputErrors
from duty_desk.nhs import format_nhs_number
from duty_desk.views import SafeguardingFlagView

from .absence_form import read_date
from .flag_marker import kinds_words, subject
from .forms import FormScreen
from .literal import assemble, literal, visible
from .widgets import TextInput

RaiseCall = Callable[[str, str], object]  # (kind, note) -> the new flag's id
CloseCall = Callable[[SafeguardingFlagView, dt.date, str], object]  # (flag, ends on, reason)


def person_words(
    name: str, kinds: Sequence[str], config: Config, born: dt.date | None, nhs: str | None
) -> Text:
    """The person, as fully as known, and the flags they already have open."""
    out = subject("Person", name, kinds, config)
    facts = []
    if born is not None:
        facts.append(f"born {timeutil.fmt_date(born)}")
    facts.append(f"NHS {format_nhs_number(nhs) if nhs else 'not given'}")
    out.append_text(assemble("\n", literal(", ".join(facts))))
    return out


def flag_words(flag: SafeguardingFlagView, config: Config) -> Text:
    """One flag in a line: kind, who raised it and when, the note."""
    tz = config.team.timezone
    out = assemble(
        (visible(config.safeguarding.label(flag.kind)), "bold"),
        f", raised by {visible(flag.raised_by)} {timeutil.fmt_local(flag.raised_at, tz, 'day')}",
    )
    if not flag.own:
        out.append(" (on another referral of the same person)")
    out.append_text(assemble(": ", literal(flag.note)))
    return out


class RaiseFlagDialog(FormScreen[int]):
    """Dismisses with the new flag's id once saved, None when cancelled."""

    FIELDS = ("kind", "note")
    CONFIRM = "Raise flag"

    def __init__(
        self,
        name: str,
        save: RaiseCall,
        *,
        config: Config,
        open_kinds: Sequence[str] = (),
        born: dt.date | None = None,
        nhs: str | None = None,
    ) -> None:
        super().__init__("Raise a safeguarding flag")
        self.person = person_words(name, open_kinds, config, born, nhs)
        self.kinds = config.safeguarding.kinds
        self._save_call = save

    def compose_intro(self) -> ComposeResult:
        intro = self.person.copy()
        intro.append(
            "\nCheck it is the right person. The flag shows as SG wherever they appear "
            "until it is closed."
        )
        yield Static(intro, id="intro")

    def compose_fields(self) -> ComposeResult:
        options = [(label, key) for key, label in self.kinds.items()]
        yield from self.field(
            "kind", "Kind", Select(options, prompt="(choose the kind)", compact=True)
        )
        yield from self.field(
            "note",
            "Note",
            TextInput(placeholder="the concern, and what was done", compact=True),
        )

    def save_values(self, values: Mapping[str, str]) -> int:
        result = self._save_call(values["kind"], values["note"])
        assert isinstance(result, int)
        return result


class CloseFlagDialog(FormScreen[bool]):
    """Dismisses with True once saved, None when cancelled."""

    FIELDS = ("flag", "ends_on", "reason")
    ALIASES = {"date": "ends_on", "on": "ends_on"}
    CONFIRM = "Close flag"

    def __init__(
        self,
        name: str,
        flags: Sequence[SafeguardingFlagView],
        save: CloseCall,
        *,
        config: Config,
    ) -> None:
        super().__init__("Close a safeguarding flag")
        self.name_shown = name
        self.flags = {str(flag.id): flag for flag in flags if flag.is_open}
        self.config = config
        self._save_call = save

    def compose_intro(self) -> ComposeResult:
        kinds = list(dict.fromkeys(flag.kind for flag in self.flags.values()))
        intro = subject("Person", self.name_shown, kinds, self.config)
        for flag in self.flags.values():
            intro.append("\n")
            intro.append_text(flag_words(flag, self.config))
        intro.append(
            "\nClosing keeps the flag in the history with who closed it, when and why. "
            "A flag closed by mistake is raised again."
        )
        yield Static(intro, id="intro")

    def compose_fields(self) -> ComposeResult:
        options = [
            (
                f"{kinds_words([flag.kind], self.config)}, "
                f"{timeutil.fmt_local(flag.raised_at, self.config.team.timezone, 'short')}",
                key,
            )
            for key, flag in self.flags.items()
        ]
        first = next(iter(self.flags), None)
        picker: Select[str] = (
            Select(options, value=first, allow_blank=False, compact=True)
            if len(options) == 1 and first is not None
            else Select(options, prompt="(choose the flag)", compact=True)
        )
        yield from self.field("flag", "Flag", picker)
        yield from self.field(
            "ends_on",
            "Ended on",
            TextInput(value="today", placeholder="today, fri, 28/11", compact=True),
        )
        yield from self.field(
            "reason",
            "Reason",
            TextInput(placeholder="why it no longer applies", compact=True),
        )

    def save_values(self, values: Mapping[str, str]) -> bool:
        errors: dict[str, str] = {}
        flag = self.flags.get(values["flag"])
        if flag is None:
            errors["flag"] = "choose the flag to close"
        try:
            on = read_date(values["ends_on"], "ends_on", self.config.team.timezone)
        except InputErrors as exc:
            errors.update(exc.errors)
        if errors:
            raise InputErrors(errors)
        assert flag is not None
        self._save_call(flag, on, values["reason"])
        return True
