"""Privacy mode: client and network names shown as initials, NHS numbers as their last
three digits, for a shared screen or a screen share.

``mask(value)`` takes whatever the repository returned (a view, a list of views, the
board or the day) and gives back the same shapes with those details hidden. Staff
names are not hidden: they are the team's own, and the screens need them to work.
Masking happens on the way out of the repository, so every screen, dialog, palette
entry and notification built from the data shows the masked form.

What to hide is not listed here view by view: each view's personal fields carry their
:class:`~duty_desk.views.Mask` (``duty_desk.views.marks``), and :data:`RULES` says
what each mask does. Views holding other views (the board, the day, a referral's
network) are walked into. Nothing here rewrites sentences: the views carry data, and
the words with names are made where they are shown.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Callable, Iterator
from typing import Any

from msgspec import Struct, structs

from .views import Attendee, AuditEntry, Mask, View, marks

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
HIDDEN_KEYS = frozenset({"name", "nhs_number", "client_name"})
# Keys of an audit entry's before/after hidden as a Mask hides the view field of that name.
HIDDEN_DETAILS = frozenset({"address", "referrer_contact"})
# Issue 12 (guard): keys hidden in the audit entries of one kind of record only (a
# safeguarding flag's note and the reason it was closed; its kind stays, as the marker does).
HIDDEN_IN_ENTITY = {
    "safeguarding_flag": frozenset({"note", "close_reason"}),
    "satisfaction_answer": frozenset({"comment"}),  # issue 14 (fft): the person's "why"
}
INITIALS_KEYS = frozenset({"name", "client_name", "referrer_name"})
HIDDEN = "(hidden)"


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


def mask_postcode(postcode: str | None) -> str | None:
    """``CT1 1AA`` -> ``CT1 ***``: the outward code (a district) only."""
    if not postcode:
        return postcode
    return f"{postcode.split()[0] if ' ' in postcode else postcode[:-3]} ***"


def _hidden(value: Any, owner: Any) -> Any:
    return HIDDEN if value else value


def _postcode(value: Any, owner: Any) -> Any:
    return mask_postcode(value) if isinstance(value, str) else value


def _name(value: Any, owner: Any) -> Any:
    return initials(value) if isinstance(value, str) else value


def _nhs(value: Any, owner: Any) -> Any:
    return mask_nhs(value)


def _network(value: Any, owner: Any) -> Any:
    return tuple(
        structs.replace(member, name=initials(member.name))
        if isinstance(member, Attendee)
        else mask(member)
        for member in value
    )


def _audit(values: Any, owner: Any) -> Any:
    if values is None or (isinstance(owner, AuditEntry) and owner.entity == "staff"):
        return values
    hidden = (
        HIDDEN_IN_ENTITY.get(owner.entity, frozenset()) if isinstance(owner, AuditEntry) else ()
    )
    return {
        key: _hidden(value, None) if key in hidden else _audit_value(key, value)
        for key, value in values.items()
    }


def _audit_value(key: str, value: Any) -> Any:
    if key in INITIALS_KEYS:
        return initials(str(value)) if value else value
    if key == "nhs_number":
        return mask_nhs(str(value)) if value else value
    if key in HIDDEN_DETAILS:
        return _hidden(value, None)
    if key == "postcode":
        return _postcode(value, None)
    return value


def _kept(value: Any, owner: Any) -> Any:
    return value


# What each mask does to a field's value (``owner``: the view holding it).
RULES: dict[Mask, Callable[[Any, Any], Any]] = {
    Mask.initials: _name,
    Mask.nhs: _nhs,
    Mask.network: _network,
    Mask.audit: _audit,
    Mask.hidden: _hidden,
    Mask.postcode: _postcode,
    Mask.kept: _kept,
}


def _walked(cls: type) -> bool:
    """A view, or another struct or dataclass that may hold views (walked into)."""
    return issubclass(cls, Struct) or dataclasses.is_dataclass(cls)


def _views_in(hint: Any) -> Iterator[type]:
    """The view classes a type hint mentions (``tuple[EpisodeView, ...]`` -> EpisodeView)."""
    if isinstance(hint, type) and _walked(hint):
        yield hint
    for arg in typing.get_args(hint):
        yield from _views_in(arg)


Plan = tuple[tuple[tuple[str, Mask], ...], tuple[str, ...]]
_PLANS: dict[type, Plan] = {}


def plan(cls: type) -> Plan:
    """For a view class: its masked fields with their masks (not ``kept`` ones), and the
    fields that hold views with something to mask (worked out once per class)."""
    found = _PLANS.get(cls)
    if found is None:
        found = _PLANS[cls] = _plan(cls)
    return found


def _plan(cls: type) -> Plan:
    try:
        hints = typing.get_type_hints(cls)
    except NameError:  # a dataclass from elsewhere naming types it cannot resolve: no views
        hints = {}
    names: tuple[str, ...] = ()
    found: dict[str, Mask] = {}
    if issubclass(cls, Struct):  # only a View has marks; another struct may hold views
        names, found = cls.__struct_fields__, marks(cls) if issubclass(cls, View) else {}
    elif dataclasses.is_dataclass(cls):  # no marks of its own, but it may hold views
        names = tuple(item.name for item in dataclasses.fields(cls))
    masked: list[tuple[str, Mask]] = []
    nested: list[str] = []
    for name in names:
        how = found.get(name)
        if how is not None:
            if how is not Mask.kept:
                masked.append((name, how))
        elif any(plan(inner) != ((), ()) for inner in _views_in(hints.get(name))):
            nested.append(name)
    return tuple(masked), tuple(nested)


def _mask_view(value: Any) -> Any:
    masked, nested = plan(type(value))
    if not masked and not nested:
        return value
    changes = {name: RULES[how](getattr(value, name), value) for name, how in masked}
    changes.update({name: mask(getattr(value, name)) for name in nested})
    if isinstance(value, Struct):
        return structs.replace(value, **changes)
    return dataclasses.replace(value, **changes)


def mask(value: Any) -> Any:
    """``value`` with client and network names and NHS numbers hidden, same shape."""
    if isinstance(value, Struct) or (
        dataclasses.is_dataclass(value) and not isinstance(value, type)
    ):
        return _mask_view(value)
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


__all__ = [
    "HIDDEN",
    "RULES",
    "MaskedRepository",
    "initials",
    "mask",
    "mask_nhs",
    "mask_postcode",
    "plan",
]
