"""The board's DIALOG reads: every open episode's latest rating with its quality of life
and change (one query, answers read only for ratings not seen before), and the "no DIALOG
for N weeks" breaks.

Apart from ``duty_desk.repo.dialog`` (saving and correcting ratings, DIALOG+) so that a
start on the board builds only the rating tables it reads, not DIALOG+'s (issue 15).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import sqlalchemy as sa
from sqlalchemy import case, func
from sqlmodel import Session

from duty_desk import models
from duty_desk.dialog_scale import ItemKind, change
from duty_desk.dialog_views import LatestDialog
from duty_desk.models import Client, ClientStatus, DialogRating, table_of
from duty_desk.views import ContinuityBreak, EpisodeView
from duty_desk.vocabulary import BreakKind

from .base import Context
from .sql import cols, must_instant, plain, raw, run
from .sql import day as as_day


class ScoreCache:
    """Each rating's rated life-domain items (sum, count) as last read, by rating id with
    its version (a correction moves the version on), for the life items as set then: the
    board reads the answers only of ratings it has not seen (one repository, one process;
    only ever a shortcut, every rating's version is read again on each call)."""

    def __init__(self) -> None:
        self.life: tuple[str, ...] = ()
        self.sums: dict[int, tuple[int, int, int]] = {}  # rating id -> (version, sum, count)
        # client id -> (what it was made from, the board's value): exact arithmetic once
        self.latest: dict[int, tuple[Any, LatestDialog]] = {}


ANSWER_PAGE = 500  # rating ids per IN list (SQLite's limit on bound values)


def latest_ratings(
    ctx: Context,
    session: Session,
    accepted: Mapping[int, dt.datetime],
    cache: ScoreCache | None = None,
) -> dict[int, LatestDialog]:
    """For the board: each open episode of ``accepted`` (client id -> accepted at) with
    its latest rating, quality of life and change since the rating before.

    ONE query for every open episode at once: its two newest ratings (id, date, version)
    and how many it has, found through the (client, rated_on) index; then the rated
    life-domain items of only those ratings ``cache`` has not seen at that version (none
    on most board reads; all of them on the first), a page of ids at a time."""
    if not accepted:
        return {}
    dialog = ctx.config.dialog
    life = tuple(item.key for item in dialog.scale() if item.kind is ItemKind.life)
    cache = cache if cache is not None else ScoreCache()
    if cache.life != life:
        cache.life, cache.sums, cache.latest = life, {}, {}

    rating, client = cols(DialogRating), cols(Client)

    def newest(offset: int) -> Any:
        other = table_of(DialogRating).alias().c
        return (
            sa.select(other.id)
            .where(other.client_id == rating.client_id)
            .order_by(other.rated_on.desc(), other.id.desc())
            .limit(1)
            .offset(offset)
            .scalar_subquery()
        )

    # driven from the ratings (grouped by client on the (client, rated_on) index), so a
    # database with few or no ratings costs next to nothing however many open episodes
    last = (
        sa.select(
            rating.client_id.label("client_id"),
            newest(0).label("last_id"),
            newest(1).label("before_id"),
            func.count().label("ratings"),
        )
        .join(table_of(Client), client.id == rating.client_id)
        .where(client.status == ClientStatus.open.value)
        .group_by(rating.client_id)
        .subquery()
    )
    began = (  # when the database began to hold ratings: the first one's creation
        sa.select(raw(rating.created_at)).order_by(rating.id).limit(1).scalar_subquery()
    )
    query = (
        sa.select(
            last.c.client_id,
            last.c.ratings,
            rating.id,
            raw(rating.rated_on),  # text on SQLite: made a date once, below
            rating.version,
            began,
        )
        .select_from(last)
        .join(
            table_of(DialogRating),
            sa.or_(rating.id == last.c.last_id, rating.id == last.c.before_id),
        )
    )
    # per client: [(rated on, rating id, version)], and how many ratings
    found: dict[int, list[tuple[Any, int, int]]] = {}
    counts: dict[int, int] = {}
    first: Any = None  # None: no rating at all (DIALOG not in use yet)
    for client_id, count, rating_id, rated_on, version, created in run(session, query).all():
        found.setdefault(client_id, []).append((rated_on, rating_id, version))
        counts[client_id] = count
        first = created
    began_on = ctx.local(must_instant(first)).date() if first is not None else None
    wanted = [
        rating_id
        for two in found.values()
        for _, rating_id, version in two
        if cache.sums.get(rating_id, (0,))[0] != version
    ]
    versions = {rating_id: version for two in found.values() for _, rating_id, version in two}
    for start in range(0, len(wanted), ANSWER_PAGE):
        page = wanted[start : start + ANSWER_PAGE]
        answer = cols(models.DialogAnswer)  # built only when there are ratings to sum
        life_score = case((answer.item_key.in_(life), answer.score))
        sums = run(
            session,
            sa.select(answer.rating_id, func.sum(life_score), func.count(life_score))
            .where(answer.rating_id.in_(page))
            .group_by(answer.rating_id),
        ).all()
        for rating_id in page:
            cache.sums[rating_id] = (versions[rating_id], 0, 0)  # no answers: nothing rated
        for rating_id, total, rated in sums:
            cache.sums[rating_id] = (versions[rating_id], int(total or 0), int(rated or 0))

    def qol(rating_id: int) -> Fraction | None:
        _, total, rated = cache.sums[rating_id]
        return Fraction(total, rated) if rated >= max(dialog.min_life_rated, 1) else None

    if len(cache.latest) > 2 * len(accepted) + 100:  # episodes closed since: forget them
        cache.latest = {k: v for k, v in cache.latest.items() if k in accepted}
    out: dict[int, LatestDialog] = {}
    held_latest = cache.latest
    for client_id, accepted_at in accepted.items():
        rows = found.get(client_id)
        made_from: Any
        if rows is None:  # never rated (most of the board on the day DIALOG starts)
            made_from = (accepted_at, began_on)
            held = held_latest.get(client_id)
            if held is not None and held[0] == made_from:
                out[client_id] = held[1]
                continue
            out[client_id] = LatestDialog(
                client_id=client_id,
                ratings=0,
                last_rated_on=None,
                quality_of_life=None,
                change_since_previous=None,
                since=max(ctx.local(accepted_at).date(), began_on or dt.date.min),
                in_use=began_on is not None,
            )
            held_latest[client_id] = (made_from, out[client_id])
            continue
        two = sorted(rows, reverse=True)  # newest first
        made_from = (tuple(two), counts[client_id], dialog.min_life_rated)
        held = held_latest.get(client_id)
        if held is not None and held[0] == made_from:
            out[client_id] = held[1]
            continue
        last_on, last_id = as_day(two[0][0]), two[0][1]
        last_qol = qol(last_id)
        out[client_id] = LatestDialog(
            client_id=client_id,
            ratings=counts[client_id],
            last_rated_on=last_on,
            quality_of_life=last_qol,
            change_since_previous=change(qol(two[1][1]), last_qol) if len(two) > 1 else None,
            since=last_on,
        )
        cache.latest[client_id] = (made_from, out[client_id])
    return out


def dialog_breaks(
    ctx: Context,
    episodes: Mapping[int, EpisodeView],
    latest: Mapping[int, LatestDialog],
    now: dt.datetime,
) -> list[ContinuityBreak]:
    """The board's "no DIALOG for N weeks": an open episode whose latest rating (or, never
    rated, its acceptance or the first rating in the database, whichever is later) is
    ``[dialog] overdue_weeks`` weeks old or more; none while no rating exists at all. ``at`` is that
    day's local midnight, ``days`` the whole days since, ``met`` whether it was ever rated."""
    weeks = ctx.config.dialog.overdue_weeks
    today = ctx.today(now)
    midnights: dict[dt.date, dt.datetime] = {}  # many episodes share a day: pendulum once
    out: list[ContinuityBreak] = []
    for client_id, e in episodes.items():
        summary = latest.get(client_id)
        if summary is None:
            continue
        days = summary.overdue_days(today, weeks)
        if days is None:
            continue
        out.append(
            ContinuityBreak(
                kind=BreakKind.dialog_overdue,
                client_id=client_id,
                client_name=e.name,
                at=midnights.get(summary.since)
                or midnights.setdefault(summary.since, plain(ctx.midnight(summary.since))),
                days=days,
                met=summary.ratings > 0,
            )
        )
    return out
