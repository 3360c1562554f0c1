"""Every personal field of every view has a privacy rule: it is marked with a Mask
(``duty_desk.views``), privacy mode has a rule for every Mask, masking a view made of
sample values really hides the names and NHS numbers it holds, and its ``repr`` leaves
the marked fields out."""

import dataclasses
import datetime as dt
import enum
import inspect
import types
import typing
from fractions import Fraction
from typing import Annotated, Any

import pytest
from msgspec import Struct, structs

from duty_desk import dialog_views, handover_views, privacy, record_views, views
from duty_desk.views import AS_INITIALS, Mask, View, marks

NAME = "Alex Example (test)"
NHS = "9434765919"

# Field names that hold personal details wherever they appear...
PERSONAL_NAMES = frozenset(
    {
        "name",
        "client_name",
        "nhs_number",
        "phone",
        "date_of_birth",
        "notes",
        "note",
        "reason",
        "relationship",
        "place_detail",
        "address",
        "home_address",
        "postcode",
        "referrer_contact",
        "language",
    }
)
# ...except where they are the team's own (staff) or not a person's.
NOT_PERSONAL = frozenset(
    {("StaffView", "name"), ("AbsenceView", "staff_name"), ("ReferralView", "triage_by_name")}
)


# Every module of views the repository hands out.
VIEW_MODULES = (views, record_views, handover_views, dialog_views)


def view_classes(*modules: types.ModuleType) -> list[type]:
    return [
        cls
        for module in modules or VIEW_MODULES
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, View) and cls.__module__ == module.__name__
    ]


def unmarked(cls: type[View]) -> list[str]:
    """The fields of ``cls`` that look personal without a Mask."""
    return [
        f"{cls.__name__}.{name}"
        for name in cls.__struct_fields__
        if (name in PERSONAL_NAMES or name.endswith(("_name", "_reason")))
        and (cls.__name__, name) not in NOT_PERSONAL
        and name not in marks(cls)
    ]


def test_there_are_views_to_check() -> None:
    names = {cls.__name__ for cls in view_classes()}
    assert {"ReferralView", "EpisodeView", "ContinuityBreak", "MeetingView", "BoardData"} <= names
    assert len(names) >= 50  # every view of the four modules is a View
    for module in VIEW_MODULES:  # and no dataclass is left among them
        found = inspect.getmembers(module, dataclasses.is_dataclass)
        assert [name for name, c in found if c.__module__ == module.__name__] == []


@pytest.mark.parametrize("cls", view_classes(), ids=lambda cls: cls.__name__)
def test_every_personal_field_is_marked(cls: type) -> None:
    assert unmarked(cls) == []


def test_an_unmarked_personal_field_is_caught() -> None:
    class NewView(View):
        id: int
        client_name: str  # forgot the mark
        phone: Annotated[str, "kept"]  # a mark that is not a Mask
        name: Annotated[str, AS_INITIALS]

    assert unmarked(NewView) == ["NewView.client_name", "NewView.phone"]
    assert marks(NewView) == {"name": Mask.initials}


def test_a_view_with_string_annotations_is_refused() -> None:
    """``from __future__ import annotations`` in a view module would turn every mark into
    text: the marks would be lost, so :func:`marks` refuses such a view."""

    class Late(View):
        id: int
        name: "Annotated[str, AS_INITIALS]"

    with pytest.raises(TypeError, match="Late.name"):
        marks(Late)


@pytest.mark.parametrize("cls", view_classes(), ids=lambda cls: cls.__name__)
def test_repr_leaves_out_every_marked_field(cls: type[View]) -> None:
    view = build(cls)
    kept = [n for n in cls.__struct_fields__ if n not in marks(cls)]
    shown = ", ".join(f"{n}={getattr(view, n)!r}" for n in kept)
    assert repr(view) == f"{cls.__name__}({shown})"
    # rich's pretty printer (Textual's log, rich tracebacks) shows the same fields
    assert list(view.__rich_repr__()) == [(n, getattr(view, n)) for n in kept]


def test_rich_shows_no_personal_detail() -> None:
    from rich.pretty import pretty_repr

    shown = pretty_repr(build(views.ReferralView))
    assert NHS not in shown and "nhs_number" not in shown and "date_of_birth" not in shown
    assert "respond_by=" in shown


def test_privacy_has_a_rule_for_every_mask() -> None:
    assert set(privacy.RULES) == set(Mask)


# -- masking real instances ------------------------------------------------------------------


def sample(hint: Any, name: str) -> Any:
    """A value of type ``hint`` for field ``name``: names and NHS numbers are recognisable."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        return sample(next(a for a in args if a is not type(None)), name)
    if origin is tuple:
        return (sample(args[0], name),) if args and args[-1] is Ellipsis else ()
    if origin is dict or hint is dict:
        return {"name": NAME, "nhs_number": NHS, "kind": "x"}
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return next(iter(hint))
    if isinstance(hint, type) and (issubclass(hint, Struct) or dataclasses.is_dataclass(hint)):
        return build(hint)
    if hint is str:
        return NHS if name == "nhs_number" else NAME
    if hint is bool:
        return True
    if hint is int:
        return 1
    if hint is float:
        return 0.5
    if hint is Fraction:
        return Fraction(9, 2)
    if isinstance(hint, type) and issubclass(hint, dt.datetime):  # pendulum's too
        return hint(2026, 11, 23, 10, tzinfo=dt.UTC)
    if hint is dt.date:
        return dt.date(1990, 2, 1)
    if hint is dt.time:
        return dt.time(13, 0)
    raise AssertionError(f"no sample for {hint!r} ({name})")


def build(cls: type) -> Any:
    """An object of a view class (or of a struct or dataclass a view holds) made of sample
    values."""
    hints = typing.get_type_hints(cls)
    if issubclass(cls, Struct):
        names = cls.__struct_fields__
    else:
        names = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    return cls(**{name: sample(hints[name], name) for name in names})


def hidden(value: Any, mask: Mask) -> list[str]:
    """What is still shown that ``mask`` should hide (empty when all is well)."""
    if mask is Mask.initials:
        return [] if value == "A.E." else [repr(value)]
    if mask is Mask.nhs:
        return [] if value == "*******919" else [repr(value)]
    if mask is Mask.network:
        return [repr(v.name) for v in value if v.name != "A.E."]
    if mask is Mask.hidden:
        return [] if value == privacy.HIDDEN else [repr(value)]
    if mask is Mask.postcode:
        return [] if value == "Alex ***" else [repr(value)]
    return []


@pytest.mark.parametrize("cls", view_classes(), ids=lambda cls: cls.__name__)
def test_masking_hides_every_marked_field(cls: type) -> None:
    view = build(cls)
    masked = privacy.mask(view)
    shown = []
    for name, mark in marks(cls).items():
        shown += [f"{name}: {s}" for s in hidden(getattr(masked, name), mark)]
    assert shown == []


def test_masking_walks_into_views_that_hold_views() -> None:
    board = privacy.mask(build(views.BoardData))
    assert board.episodes[0].name == "A.E." and board.breaks[0].client_name == "A.E."
    assert board.episodes[0].core_team[0].name == NAME  # staff names are kept
    referral = privacy.mask(build(views.ReferralView))
    assert referral.network[0].name == "A.E." and referral.nhs_number == "*******919"
    entry = privacy.mask(build(views.AuditEntry))
    assert entry.before == {"name": "A.E.", "nhs_number": "*******919", "kind": "x"}


def test_masking_walks_into_a_plain_struct_or_dataclass_holding_views() -> None:
    """What the repository returns may wrap views in a struct that is not a View (no
    marks of its own) or in a dataclass: the views inside are masked all the same."""

    class Wrapper(Struct, frozen=True):
        referral: views.ReferralView
        count: int

    @dataclasses.dataclass(frozen=True)
    class Old:
        referrals: tuple[views.ReferralView, ...]

    wrapped = privacy.mask(Wrapper(build(views.ReferralView), 3))
    assert (wrapped.referral.name, wrapped.count) == ("A.E.", 3)
    assert privacy.mask(Old((build(views.ReferralView),))).referrals[0].name == "A.E."


def test_referral_details_are_masked_in_views_and_audit_entries() -> None:
    referral = structs.replace(
        build(views.ReferralView),
        address="1 Example Row (test)",
        postcode="CT1 1AA",
        referrer_name="Dr Rowan Example (test)",
        referrer_contact="rowan@example.nhs.uk",
        language="Polish",
        interpreter=True,
    )
    masked = privacy.mask(referral)
    assert (masked.address, masked.postcode) == (privacy.HIDDEN, "CT1 ***")
    assert (masked.referrer_name, masked.referrer_contact) == ("D.R.E.", privacy.HIDDEN)
    assert (masked.language, masked.interpreter) == ("Polish", True)  # the desk needs these
    assert privacy.mask(structs.replace(referral, postcode="")).postcode == ""
    entry = structs.replace(
        build(views.AuditEntry),
        entity="referral",
        before={"address": "1 Example Row (test)", "postcode": "ME1 2AB", "urgency": "C"},
        after={"referrer_contact": "01632 960001", "referrer_name": "Rowan Example"},
    )
    shown = privacy.mask(entry)
    assert shown.before == {"address": privacy.HIDDEN, "postcode": "ME1 ***", "urgency": "C"}
    assert shown.after == {"referrer_contact": privacy.HIDDEN, "referrer_name": "R.E."}
