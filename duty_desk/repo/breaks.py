"""Break detection for the board: which open episodes have a break in continuity, as
data (kind, ids, times, the staff concerned). No sentences are made here: the screens
put the words (with names) together, so privacy mode only masks fields."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import Session, col, select

from duty_desk import models, scheduling
from duty_desk.dialog_views import LatestDialog
from duty_desk.models import Meeting, MeetingStatus
from duty_desk.views import AbsenceView, ContinuityBreak, EpisodeView, StaffView
from duty_desk.vocabulary import BreakKind

from .base import Context
from .continuity import load_no_core
from .crisis import review_breaks
from .dialog_latest import dialog_breaks
from .episode_rows import NoCoreFound
from .loads import as_away
from .sql import must_instant, raw, run

_ORDER = {kind: i for i, kind in enumerate(BreakKind)}
_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


def find_breaks(
    ctx: Context,
    session: Session,
    episodes: Sequence[EpisodeView],
    staff: dict[int, StaffView],
    absences: Sequence[AbsenceView],
    no_core: NoCoreFound,
    now: dt.datetime,
    dialog: Mapping[int, LatestDialog] | None = None,
) -> list[ContinuityBreak]:
    """Every break of ``episodes``, most pressing kind first, then by time and client;
    with ``dialog`` (each episode's latest rating) also "no DIALOG for N weeks"."""
    by_id = {e.client_id: e for e in episodes}
    breaks: list[ContinuityBreak] = []
    since = now - dt.timedelta(days=ctx.config.continuity.not_seen_days)
    for e in episodes:
        if e.key_worker is None:
            breaks.append(
                ContinuityBreak(
                    kind=BreakKind.no_key_worker,
                    client_id=e.client_id,
                    client_name=e.name,
                    at=e.accepted_at,
                )
            )
        elif not e.key_worker.active:
            breaks.append(
                ContinuityBreak(
                    kind=BreakKind.key_worker_left,
                    client_id=e.client_id,
                    client_name=e.name,
                    staff_id=e.key_worker.id,
                    staff=(e.key_worker,),
                )
            )
        seen = e.last_meeting or e.accepted_at
        if seen < since:
            breaks.append(
                ContinuityBreak(
                    kind=BreakKind.not_seen,
                    client_id=e.client_id,
                    client_name=e.name,
                    at=seen,
                    days=(now - seen).days,
                    met=e.last_meeting is not None,
                )
            )
    breaks.extend(_meetings_without_core(by_id, staff, no_core, since, now))
    breaks.extend(_absent_core(ctx, session, by_id, staff, absences, now))
    breaks.extend(review_breaks(ctx, session, by_id, now))  # issue 12 (safety)
    if dialog is not None:  # issue 13 (board)
        breaks.extend(dialog_breaks(ctx, by_id, dialog, now))
    breaks.sort(key=break_order)
    return breaks


def break_order(b: ContinuityBreak) -> tuple[int, dt.datetime, str, int]:
    """Most pressing kind first, then by time and client."""
    return (_ORDER[b.kind], b.at or _FAR, b.client_name.casefold(), b.client_id)


def _meetings_without_core(
    episodes: dict[int, EpisodeView],
    staff: dict[int, StaffView],
    no_core: NoCoreFound,
    since: dt.datetime,
    now: dt.datetime,
) -> list[ContinuityBreak]:
    """From the precomputed meetings without a core-team member: those since ``since``
    (the stored list is only parsed when its newest entry is recent enough)."""
    out = []
    for client_id, (newest, stored) in no_core.items():
        e = episodes.get(client_id)
        if e is None or newest < since:
            continue
        held = load_no_core(stored) if isinstance(stored, str) else stored
        for meeting_id, starts_at, came in held:  # newest first
            if starts_at < since:
                break
            if starts_at > now:
                continue
            who = tuple(
                sorted((staff[s] for s in came if s in staff), key=lambda member: member.name)
            )
            out.append(
                ContinuityBreak(
                    kind=BreakKind.no_core_at_meeting,
                    client_id=client_id,
                    client_name=e.name,
                    at=starts_at,
                    meeting_id=meeting_id,
                    staff=who,
                )
            )
    return out


def _absent_core(
    ctx: Context,
    session: Session,
    episodes: dict[int, EpisodeView],
    staff: dict[int, StaffView],
    absences: Sequence[AbsenceView],
    now: dt.datetime,
) -> list[ContinuityBreak]:
    if not absences:
        return []
    away: dict[int, list[AbsenceView]] = defaultdict(list)
    for absence in absences:
        away[absence.staff_id].append(absence)
    until = ctx.midnight(max(a.ends_on for a in absences) + dt.timedelta(days=1))
    columns: tuple[Any, ...] = (
        Meeting.id,
        Meeting.client_id,
        raw(Meeting.starts_at),
        raw(Meeting.ends_at),
        models.MeetingStaff.staff_id,
        models.MeetingStaff.cover_for_id,
    )
    rows = run(
        session,
        select(*columns)
        .join(models.MeetingStaff, col(models.MeetingStaff.meeting_id) == Meeting.id)
        .where(
            Meeting.status == MeetingStatus.booked.value,
            Meeting.starts_at >= now,
            Meeting.starts_at < until,
        )
        .order_by(col(Meeting.starts_at), col(Meeting.id)),
    ).all()  # booked meetings in the next few weeks: few; no staff filter in SQL, so the
    # planner walks the starts_at index rather than every meeting of the absent staff
    covered = {(row[0], row[5]) for row in rows if row[5] is not None}
    out = []
    for meeting_id, client_id, raw_start, raw_end, staff_id, _cover_for in rows:
        if staff_id not in away or (meeting_id, staff_id) in covered:
            continue  # cover arranged for them: no longer a break
        e = episodes.get(client_id)
        if e is None or staff_id not in {m.id for m in e.core_team}:
            continue
        starts_at = must_instant(raw_start)
        ends_at = must_instant(raw_end)
        found = next(
            (
                a
                for a in away[staff_id]
                if scheduling.away_during(as_away(a), starts_at, ends_at, ctx.tz)
            ),
            None,
        )
        if found is None:
            continue
        out.append(
            ContinuityBreak(
                kind=BreakKind.core_member_absent,
                client_id=client_id,
                client_name=e.name,
                at=starts_at,
                meeting_id=meeting_id,
                staff_id=staff_id,
                staff=(staff[staff_id],),
                absence_kind=found.kind,
            )
        )
    return out
