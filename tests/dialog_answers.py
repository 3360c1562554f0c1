"""The standard DIALOG items' keys, life domains then treatment aspects (from
``duty_desk.dialog_scale``), and a rating's answers built from a list of scores: one helper
for every test that saves a DIALOG rating."""

from __future__ import annotations

from duty_desk.dialog_scale import STANDARD_ITEMS, ItemKind

LIFE = tuple(item.key for item in STANDARD_ITEMS if item.kind is ItemKind.life)
TREATMENT = tuple(item.key for item in STANDARD_ITEMS if item.kind is ItemKind.treatment)


def answers(
    values: list[int | None], help_on: tuple[str, ...] = ()
) -> dict[str, tuple[int | None, bool]]:
    """Item by item in the standard order: a score (None: left unrated) and whether help is
    wanted (the items named in ``help_on``)."""
    return {
        key: (value, key in help_on) for key, value in zip(LIFE + TREATMENT, values, strict=True)
    }
