"""DIALOG: change in DIALOG scores from each person's first rating to their latest.

A rating's two scores follow ``duty_desk.dialog_scale``: subjective quality of life is the
mean of its rated life-domain items, treatment satisfaction the mean of its rated treatment
items, each only when at least ``[dialog] min_life_rated`` / ``min_treatment_rated`` of
its items are rated (a score from too few items is not a score: it counts nowhere here).
Items are the settings' ``[dialog] items``; an answer to an item no longer in the settings
is ignored. "A person" is an episode (one accepted referral) in the area; ratings are by
the local day they were made (``rated_on``).

Definitions:

- ratings (Ratings): DIALOG ratings made on a day of the period, in the area.
- pairs (People with a first and a latest rating): episodes whose latest rating up to the
  period's last day was made in the period and that had at least two ratings by then: the
  first is the episode's earliest rating, the latest its last one up to the period's end.
- qol_pairs (Quality of life: people compared): of those episodes, the ones with a quality
  of life score on both the first and the latest rating.
- qol_change (Quality of life: mean change): the mean of (latest score - first score) over
  those episodes, on the 1-7 scale; none when there are none.
- qol_improved (Quality of life: share improved): the share of those episodes whose latest
  score is higher than their first (unchanged is not improved); none when there are none.
- treatment_pairs (Treatment satisfaction: people compared): of the episodes in ``pairs``,
  the ones with a treatment satisfaction score on both the first and the latest rating.
- treatment_change (Treatment satisfaction: mean change): the mean of (latest - first)
  treatment satisfaction over those episodes; none when there are none.
- treatment_improved (Treatment satisfaction: share improved): the share of those episodes
  whose latest treatment satisfaction is higher than their first; none when there are none.
- help_wanted (Help wanted, by item): for each item of the scale, how many of the period's
  ratings said the person wants more help with it, most often first (ties in the scale's
  order); items never asked for left out. Column ``item``: the item's key.
- monthly (Mean scores by month): for each calendar month the period touches, the mean
  quality of life and the mean treatment satisfaction of the ratings made in it (within the
  period), each over the ratings with that score; none for a month without one.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import Float, and_, case, cast, extract, func, select
from sqlmodel import col

from duty_desk.dialog_scale import ItemKind
from duty_desk.models import DialogAnswer, DialogRating

from .care_sql import count_if, in_area, share
from .model import Figure, Number, Part, Series, Table

if TYPE_CHECKING:
    from sqlmodel import Session

    from .model import Scope

TITLE = "DIALOG"
SCORES = ("qol", "treatment")


def _per_rating(
    scope: Scope, until: dt.date, since: dt.date | None = None, *, rated_in_period: bool = False
) -> Any:
    """One row per rating up to ``until`` (from ``since``), in the area: its id, episode,
    day, and its two scores (NULL: too few of its items rated). ``rated_in_period``: only
    the ratings of episodes rated on a day of the period."""
    dialog = scope.config.dialog
    items = dialog.scale()
    life = [i.key for i in items if i.kind is ItemKind.life]
    treatment = [i.key for i in items if i.kind is ItemKind.treatment]

    def score(keys: list[str], minimum: int) -> Any:
        rated = and_(col(DialogAnswer.item_key).in_(keys), col(DialogAnswer.score).is_not(None))
        total = func.sum(case((rated, col(DialogAnswer.score)), else_=0))
        n = count_if(rated)
        return case((n >= max(minimum, 1), cast(total, Float) / n), else_=None)

    where = [col(DialogRating.rated_on) <= until, in_area(scope.area, col(DialogRating.client_id))]
    if since is not None:
        where.append(col(DialogRating.rated_on) >= since)
    if rated_in_period:
        rated = select(col(DialogRating.client_id)).where(
            col(DialogRating.rated_on) >= scope.period.start,
            col(DialogRating.rated_on) <= scope.period.end,
        )
        where.append(col(DialogRating.client_id).in_(rated))
    return (
        select(
            col(DialogRating.id).label("rating_id"),
            col(DialogRating.client_id).label("client_id"),
            col(DialogRating.rated_on).label("rated_on"),
            score(life, dialog.min_life_rated).label("qol"),
            score(treatment, dialog.min_treatment_rated).label("treatment"),
        )
        .outerjoin(DialogAnswer, col(DialogAnswer.rating_id) == col(DialogRating.id))
        .where(*where)
        .group_by(col(DialogRating.id), col(DialogRating.client_id), col(DialogRating.rated_on))
        .subquery()
    )


def compute(session: Session, scope: Scope) -> Part:
    connection = session.connection()
    start, end = scope.period.start, scope.period.end
    figures = [_ratings(session, scope)]
    figures += _pairs(session, scope)
    # help wanted, per item, over the period's ratings
    keys = [item.key for item in scope.config.dialog.scale()]
    asked = dict(
        connection.execute(
            select(col(DialogAnswer.item_key), func.count())
            .join(DialogRating, col(DialogRating.id) == col(DialogAnswer.rating_id))
            .where(
                col(DialogRating.rated_on) >= start,
                col(DialogRating.rated_on) <= end,
                in_area(scope.area, col(DialogRating.client_id)),
                col(DialogAnswer.help_wanted).is_(True),
                col(DialogAnswer.item_key).in_(keys),
            )
            .group_by(col(DialogAnswer.item_key))
        ).all()
    )
    order = {key: i for i, key in enumerate(keys)}
    help_rows = sorted(asked.items(), key=lambda kv: (-kv[1], order[kv[0]]))
    return Part(
        "dialog",
        figures=tuple(figures),
        tables=(
            Table(
                "dialog.help_wanted",
                ("item", "ratings"),
                tuple((key, int(n)) for key, n in help_rows),
            ),
        ),
        series=(_monthly(session, scope),),
    )


def _ratings(session: Session, scope: Scope) -> Figure:
    n = (
        session.connection()
        .execute(
            select(func.count())
            .select_from(DialogRating)
            .where(
                col(DialogRating.rated_on) >= scope.period.start,
                col(DialogRating.rated_on) <= scope.period.end,
                in_area(scope.area, col(DialogRating.client_id)),
            )
        )
        .scalar_one()
    )
    return Figure("dialog.ratings", int(n), "count")


def _pairs(session: Session, scope: Scope) -> list[Figure]:
    """The paired changes, in one pass over the ratings up to the period's end: per episode,
    its latest rating (``last_rn`` 1) beside its first one's scores (``first_value``)."""
    per = _per_rating(scope, scope.period.end, rated_in_period=True)
    ascending = (per.c.rated_on, per.c.rating_id)
    ranked = select(
        per.c.rated_on,
        per.c.qol,
        per.c.treatment,
        func.first_value(per.c.qol)
        .over(partition_by=per.c.client_id, order_by=ascending)
        .label("first_qol"),
        func.first_value(per.c.treatment)
        .over(partition_by=per.c.client_id, order_by=ascending)
        .label("first_treatment"),
        func.row_number()
        .over(
            partition_by=per.c.client_id,
            order_by=(per.c.rated_on.desc(), per.c.rating_id.desc()),
        )
        .label("last_rn"),
        func.count().over(partition_by=per.c.client_id).label("ratings"),
    ).subquery()
    columns: list[Any] = [func.count()]
    for name in SCORES:
        change = ranked.c[name] - ranked.c[f"first_{name}"]
        columns += [func.count(change), func.avg(change), count_if(change > 0)]
    row = (
        session.connection()
        .execute(
            select(*columns).where(
                ranked.c.last_rn == 1,
                ranked.c.ratings >= 2,
                ranked.c.rated_on >= scope.period.start,
            )
        )
        .one()
    )
    figures = [Figure("dialog.pairs", int(row[0]), "count")]
    for at, name in enumerate(SCORES):
        n, mean, improved = row[1 + 3 * at : 4 + 3 * at]
        n = int(n)
        figures += [
            Figure(f"dialog.{name}_pairs", n, "count"),
            Figure(f"dialog.{name}_change", float(mean) if n else None, "score", n),
            Figure(f"dialog.{name}_improved", share(int(improved), n), "share", n),
        ]
    return figures


def _monthly(session: Session, scope: Scope) -> Series:
    per = _per_rating(scope, scope.period.end, scope.period.start)
    year = extract("year", per.c.rated_on).label("year")
    month = extract("month", per.c.rated_on).label("month")
    found = {
        (int(y), int(m)): (qol, treatment)
        for y, m, qol, treatment in session.connection()
        .execute(
            select(year, month, func.avg(per.c.qol), func.avg(per.c.treatment)).group_by(
                year, month
            )
        )
        .all()
    }
    months: list[dt.date] = []
    day = scope.period.start.replace(day=1)
    while day <= scope.period.end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)

    def line(at: int) -> tuple[Number, ...]:
        values = (found.get((m.year, m.month), (None, None))[at] for m in months)
        return tuple(None if v is None else float(v) for v in values)

    return Series(
        "dialog.monthly",
        tuple(months),
        (("quality_of_life", line(0)), ("treatment", line(1))),
    )
