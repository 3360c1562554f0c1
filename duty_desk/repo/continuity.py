"""Precomputed continuity figures, one ``client_continuity`` row per episode.

Continuity figures (``duty_desk.continuity``) come from the meetings that happened.
They are precomputed so a board refresh never reads the past meetings:
:func:`refresh_continuity` rewrites one episode's row and must run in the same
transaction as any change to attendance (``record_happened``,
``record_did_not_attend``) or to the core team (``set_core_team``). An episode
without a row yet is computed on the fly when read (:func:`compute`);
:func:`refresh_all_continuity` fills every row (for data written straight into the
tables, such as generated benchmark or demo data).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from msgspec import Struct
from sqlalchemy import and_
from sqlmodel import Session, col, select

from duty_desk import continuity, models
from duty_desk.models import Client, CoreTeamMember, Meeting, MeetingStatus

from .sql import chunks, instant, must_instant, raw, run

NO_CORE_KEPT = 50  # meetings without a core-team member kept per episode, newest first
NoCore = list[tuple[int, dt.datetime, tuple[int, ...]]]  # (meeting id, start, staff who came)


class Computed(Struct, frozen=True):
    figures: continuity.Figures
    last_met_at: dt.datetime | None
    no_core: NoCore  # newest first


Held = tuple[int, Any, frozenset[int], frozenset[int]]  # id, raw start, came, came as cover


def _held(session: Session, chunk: Sequence[int]) -> dict[int, list[Held]]:
    """Per client, the meetings that happened (id, raw start, staff who attended, those of
    them there as cover), oldest first."""
    meetings: dict[int, list[Held]] = defaultdict(list)
    columns: tuple[Any, ...] = (
        Meeting.client_id,
        Meeting.id,
        raw(Meeting.starts_at),
        models.MeetingStaff.staff_id,
        models.MeetingStaff.cover,
    )
    rows = run(
        session,
        select(*columns)
        .outerjoin(
            models.MeetingStaff,
            and_(
                col(models.MeetingStaff.meeting_id) == Meeting.id,
                col(models.MeetingStaff.attended) == True,  # noqa: E712
            ),
        )
        .where(col(Meeting.client_id).in_(chunk), Meeting.status == MeetingStatus.happened.value)
        .order_by(col(Meeting.client_id), col(Meeting.starts_at), col(Meeting.id)),
    ).all()
    current: tuple[int, int, Any] | None = None
    attended: set[int] = set()
    covering: set[int] = set()
    for client_id, meeting_id, starts_at, staff_id, cover in rows:
        if current is None or current[:2] != (client_id, meeting_id):
            if current is not None:
                meetings[current[0]].append(
                    (current[1], current[2], frozenset(attended), frozenset(covering))
                )
            current, attended, covering = (client_id, meeting_id, starts_at), set(), set()
        if staff_id is not None:
            attended.add(staff_id)
            if cover:
                covering.add(staff_id)
    if current is not None:
        meetings[current[0]].append(
            (current[1], current[2], frozenset(attended), frozenset(covering))
        )
    return meetings


def compute(session: Session, client_ids: Sequence[int]) -> dict[int, Computed]:
    """Figures, last meeting and meetings without a core member for each of ``client_ids``,
    from the meetings that happened."""
    out: dict[int, Computed] = {}
    for chunk in chunks(sorted(set(client_ids))):
        key_workers = dict(
            run(
                session, select(Client.id, Client.key_worker_id).where(col(Client.id).in_(chunk))
            ).all()
        )
        core: dict[int, set[int]] = defaultdict(set)
        for client_id, staff_id in run(
            session,
            select(CoreTeamMember.client_id, CoreTeamMember.staff_id).where(
                col(CoreTeamMember.client_id).in_(chunk)
            ),
        ).all():
            core[client_id].add(staff_id)
        meetings = _held(session, chunk)
        for client_id in chunk:
            if client_id not in key_workers:
                continue
            held = meetings[client_id]
            team = core[client_id]
            no_core: NoCore = [
                (mid, must_instant(at), tuple(sorted(came)))
                for mid, at, came, cover in reversed(held)
                if not (came - cover) & team  # cover counts as not core
            ][:NO_CORE_KEPT]
            out[client_id] = Computed(
                figures=continuity.figures(
                    [came for _, _, came, _ in held],
                    team,
                    key_workers[client_id],
                    [cover for _, _, _, cover in held],
                ),
                last_met_at=instant(held[-1][1]) if held else None,
                no_core=no_core,
            )
    return out


def _dump_no_core(no_core: NoCore) -> str | None:
    if not no_core:
        return None
    return json.dumps([[mid, at.isoformat(), list(came)] for mid, at, came in no_core])


def load_no_core(text: str | None) -> NoCore:
    if not text:
        return []
    return [(mid, dt.datetime.fromisoformat(at), tuple(came)) for mid, at, came in json.loads(text)]


def _store(session: Session, computed: dict[int, Computed]) -> None:
    for client_id, found in computed.items():
        row = session.get(models.ClientContinuity, client_id) or models.ClientContinuity(
            client_id=client_id
        )
        view = found.figures.as_view()
        row.meetings = view.meetings
        row.with_core = view.with_core
        row.with_key_worker = view.with_key_worker
        row.upc = view.upc
        row.coc = view.coc
        row.secon = view.secon
        row.last_met_at = found.last_met_at
        row.no_core = _dump_no_core(found.no_core)
        row.no_core_last_at = found.no_core[0][1] if found.no_core else None
        session.add(row)
    session.flush()


def refresh_continuity(session: Session, client_id: int) -> None:
    """Recompute one episode's continuity figures inside the caller's transaction.

    Call it, in the same transaction, after any change to which meetings happened or who
    attended them, and after a change of core team or key worker. It never bumps the
    client's version. On servers with row locks the client row is locked first, so two
    writers refreshing the same episode queue rather than clash.
    """
    if session.get_bind().dialect.name != "sqlite":
        session.exec(select(Client.id).where(Client.id == client_id).with_for_update()).first()
    session.flush()
    _store(session, compute(session, [client_id]))


def refresh_all_continuity(session: Session, client_ids: Iterable[int] | None = None) -> int:
    """Recompute the figures of ``client_ids`` (default: every episode). Returns how many."""
    session.flush()
    ids: list[int | None] = (
        list(client_ids) if client_ids is not None else list(session.exec(select(Client.id)).all())
    )
    count = 0
    for chunk in chunks(sorted({i for i in ids if i is not None})):
        computed = compute(session, chunk)
        _store(session, computed)
        count += len(computed)
    return count
