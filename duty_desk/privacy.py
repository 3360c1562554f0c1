"""Privacy mode: client and network names shown as initials, NHS numbers as their last
three digits, for a shared screen or a screen share.

``mask(value)`` takes whatever the repository returned (a view, a list of views, the
board or the day) and gives back the same shapes with those details hidden. Staff
names are not hidden: they are the team's own, and the screens need them to work.
Masking happens on the way out of the repository, so every screen, dialog, palette
entry and notification built from the data shows the masked form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from .views import (
    AuditEntry,
    BoardData,
    BookingDefaults,
    ContinuityBreak,
    DayData,
    EpisodeView,
    FirstMeeting,
    MeetingView,
    NetworkMemberView,
    ReferralView,
    UnbookedFirst,
)

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
HIDDEN_KEYS = frozenset({"name", "nhs_number", "client_name"})


def initials(name: str) -> str:
    """``Alex Example (test)`` -> ``A.E.``; a name with no letters -> ``?``."""
    words = _BRACKETED.sub(" ", name).split() or name.split()
    letters = [next((ch for ch in word if ch.isalpha()), "") for word in words]
    shown = ".".join(ch.upper() for ch in letters if ch)
    return f"{shown}." if shown else "?"


def mask_nhs(number: str | None) -> str | None:
    """``9434765919`` -> ``*******919`` (shown ``*** *** *919``): the last three digits only."""
    if not number:
        return number
    return "*" * (len(number) - 3) + number[-3:]


def _network(members: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(replace(member, name=initials(member.name)) for member in members)


def _break(item: ContinuityBreak) -> ContinuityBreak:
    short = initials(item.client_name)
    return replace(item, client_name=short, text=item.text.replace(item.client_name, short))


def _audit(entry: AuditEntry) -> AuditEntry:
    if entry.entity == "staff":
        return entry

    def hide(values: dict[str, object] | None) -> dict[str, object] | None:
        if values is None:
            return None
        return {key: (initials(str(value)) if key in HIDDEN_KEYS and key != "nhs_number"
                      else mask_nhs(str(value)) if key == "nhs_number" and value
                      else value)
                for key, value in values.items()}

    return replace(entry, before=hide(entry.before), after=hide(entry.after))


_RULES: dict[type, Callable[[Any], Any]] = {
    ReferralView: lambda r: replace(r, name=initials(r.name), nhs_number=mask_nhs(r.nhs_number),
                                    network=_network(r.network)),
    NetworkMemberView: lambda m: replace(m, name=initials(m.name)),
    EpisodeView: lambda e: replace(e, name=initials(e.name), nhs_number=mask_nhs(e.nhs_number)),
    ContinuityBreak: _break,
    MeetingView: lambda m: replace(m, client_name=initials(m.client_name),
                                   network=_network(m.network)),
    UnbookedFirst: lambda u: replace(u, name=initials(u.name)),
    FirstMeeting: lambda f: replace(f, name=initials(f.name)),
    BookingDefaults: lambda b: replace(b, client_name=initials(b.client_name),
                                       network=_network(b.network)),
    BoardData: lambda b: replace(b, episodes=mask(b.episodes), breaks=mask(b.breaks)),
    DayData: lambda d: replace(d, meetings=mask(d.meetings), unbooked=mask(d.unbooked)),
    AuditEntry: _audit,
}


def mask(value: Any) -> Any:
    """``value`` with client and network names and NHS numbers hidden, same shape."""
    rule = _RULES.get(type(value))
    if rule is not None:
        return rule(value)
    if isinstance(value, list):
        return [mask(item) for item in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(mask(item) for item in value)
    if isinstance(value, Iterator):
        return (mask(item) for item in value)
    return value


class MaskedRepository:
    """A repository whose every answer goes through :func:`mask` (the screens' privacy mode)."""

    def __init__(self, repo: Any) -> None:
        self._repo = repo

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._repo, name)
        if not callable(attribute):
            return attribute

        def masked(*args: Any, **kwargs: Any) -> Any:
            return mask(attribute(*args, **kwargs))

        return masked


__all__ = ["MaskedRepository", "initials", "mask", "mask_nhs"]
