"""Report ``dialog``: one row per DIALOG rating, for analysis: the client and meeting ids
(no names), the local date, each item's rating (empty when left unrated) and whether help
was wanted, both scores (rounded to 4 places; empty when too few items were rated, see
``duty_desk.dialog_scale``) and how many items of each kind were rated. The item columns
follow the settings' ``[dialog] items``: ``<key>`` and ``<key>_help`` in their order."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .base import SPAN, Params, Report

if TYPE_CHECKING:
    from duty_desk.config import Config
    from duty_desk.dialog_views import DialogRatingView
    from duty_desk.repository import Repository

FIRST: tuple[str, ...] = ("rating_id", "client_id", "meeting_id", "rated_on")
LAST: tuple[str, ...] = (
    "quality_of_life",
    "treatment_satisfaction",
    "life_items_rated",
    "treatment_items_rated",
    "rated_by",
)


def columns_of(config: Config) -> tuple[str, ...]:
    items = tuple(
        column for item in config.dialog.items for column in (item.key, f"{item.key}_help")
    )
    return FIRST + items + LAST


def _score(value: Fraction | None) -> float | None:
    return round(float(value), 4) if value is not None else None


def record(rating: DialogRatingView) -> dict[str, Any]:
    row: dict[str, Any] = {
        "rating_id": rating.id,
        "client_id": rating.client_id,
        "meeting_id": rating.meeting_id,
        "rated_on": rating.rated_on.isoformat(),
    }
    for answer in rating.answers:
        row[answer.item_key] = answer.score
        row[f"{answer.item_key}_help"] = answer.help_wanted
    row |= {
        "quality_of_life": _score(rating.quality_of_life),
        "treatment_satisfaction": _score(rating.treatment),
        "life_items_rated": rating.life_rated,
        "treatment_items_rated": rating.treatment_rated,
        "rated_by": rating.created_by,
    }
    return row


def rows(repo: Repository, params: Params) -> Iterator[dict[str, Any]]:
    return (record(r) for r in repo.dialog_ratings(params.start, params.end))


REPORT = Report(
    name="dialog",
    noun="rating",
    plural="ratings",
    columns=FIRST + LAST,  # the item columns come from the settings (columns_of)
    columns_of=columns_of,
    rows=rows,
    params=frozenset({SPAN}),
    help="""dialog [--from DATE] [--to DATE]: one row per DIALOG rating: rating_id,
  client_id, meeting_id, rated_on, then each item of [dialog] items (its
  rating 1-7, empty when unrated) and <item>_help (true/false),
  quality_of_life and treatment_satisfaction (means of the rated items,
  empty with too few rated), life_items_rated, treatment_items_rated,
  rated_by (login). No names.""",
)
