"""Reading episodes of care (the board's rows) set-wise: a few queries for all the
episodes matching a condition, never one query per episode, and an optional cache
that hands out an unchanged episode again rather than rebuilding it."""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import select as sa_select
from sqlmodel import Session

from duty_desk.models import (
    Client,
    ClientContinuity,
    CoreTeamMember,
    Meeting,
    MeetingStatus,
    Referral,
    table_of,
)
from duty_desk.views import Continuity, EpisodeView, StaffView
from duty_desk.vocabulary import ClientStatus

from .continuity import Computed, NoCore, compute
from .sql import CHUNK, chunks, cols, day, instant, must_instant, raw, run
from .staff import all_staff

_NOT_ENOUGH = Continuity(
    meetings=0, with_core=None, with_key_worker=None, upc=None, coc=None, secon=None
)
_STATUS = {status.value: status for status in ClientStatus}
# Per episode, its newest meeting without a core-team member and all of them (newest
# first; stored JSON text until needed).
NoCoreFound = dict[int, tuple[dt.datetime, "str | NoCore"]]


@dataclass
class _Row:
    client_id: int
    referral_id: int
    name: str
    nhs_number: str | None
    date_of_birth: dt.date
    area: str
    accepted_at: dt.datetime
    status: str
    key_worker_id: int | None
    version: int
    discharged_at: dt.datetime | None
    discharge_kind: str | None
    discharge_reason: str | None
    continuity: Continuity | None
    last_met_at: dt.datetime | None
    no_core: str | NoCore | None  # stored JSON, or computed on the fly
    no_core_last_at: dt.datetime | None
    language: str = ""
    interpreter: bool = False


def _problems(core: Sequence[StaffView], key_worker: StaffView | None) -> tuple[str, ...]:
    """Plain sentences about what is missing in an episode's core team (staff names only)."""
    problems: list[str] = []
    if key_worker is None:
        problems.append("No key worker named")
    elif not key_worker.active:
        problems.append(f"Key worker {key_worker.name} ({key_worker.login}) has left the team")
    if not core:
        problems.append("No core team yet")
    else:
        if not any(member.is_peer_support for member in core):
            problems.append("No peer support worker in the core team")
        if not 2 <= len(core) <= 3:
            problems.append(
                f"Core team has {len(core)} member{'s' if len(core) != 1 else ''}; "
                "it should have 2 or 3"
            )
    left = [m for m in core if not m.active and (key_worker is None or m.id != key_worker.id)]
    for member in left:
        problems.append(f"Core team member {member.name} ({member.login}) has left the team")
    return tuple(problems)


class BoardCache:
    """The last board's episodes and what each was built from, for one repository (one
    process). Only ever a shortcut: every input is read again and compared on each call.

    What an episode was built from is kept as a hash (its row, core team and next meeting):
    2,000 episodes' raw rows would hold ~2 MiB of text and row objects for the life of the
    app only to be compared once a read (issue 15). Any change of a value changes the hash,
    but for a 1-in-2**64 accident (and ``-1``/``-2``, which hash alike in CPython, are no
    value the columns take: ids, counts, versions and 0-1 figures); the staff list is held
    whole, and a new one rebuilds every episode.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()  # board() may be called from several worker threads
        self.staff: tuple[StaffView, ...] | None = None
        self.episodes: dict[int, tuple[int, EpisodeView]] = {}  # client -> (stamp, episode)
        # client -> (its version when its core team was read, the team's staff ids)
        self.teams: dict[int, tuple[int, tuple[int, ...]]] = {}


def _rows(session: Session, where: ColumnElement[bool]) -> tuple[list[Any], dict[int, Computed]]:
    """The raw rows of the episodes matching ``where``, and figures computed on the fly
    for those without stored ones (a read writes nothing)."""
    client, referral, stored = cols(Client), cols(Referral), cols(ClientContinuity)
    columns: tuple[Any, ...] = (
        client.id,
        client.referral_id,
        referral.name,
        referral.nhs_number,
        raw(referral.date_of_birth),
        referral.area,
        raw(client.accepted_at),
        client.status,
        client.key_worker_id,
        client.version,
        raw(client.discharged_at),
        client.discharge_kind,
        client.discharge_reason,
        stored.client_id,
        stored.meetings,
        stored.with_core,
        stored.with_key_worker,
        stored.upc,
        stored.coc,
        stored.secon,
        raw(stored.last_met_at),
        stored.no_core,
        raw(stored.no_core_last_at),
        referral.language,
        referral.interpreter,
    )
    rows = run(
        session,
        sa_select(*columns)
        .join(table_of(Referral), client.referral_id == referral.id)
        .outerjoin(table_of(ClientContinuity), stored.client_id == client.id)
        .where(where),
    ).all()
    missing = [row[0] for row in rows if row[13] is None]
    return rows, (compute(session, missing) if missing else {})


def _row(raw_row: Any, computed: Computed | None) -> _Row:
    (
        cid,
        rid,
        name,
        nhs,
        dob,
        area,
        accepted,
        status,
        key,
        version,
        discharged,
        kind,
        reason,
        has,
        meetings,
        core,
        keyw,
        upc,
        coc,
        secon,
        last,
        no_core,
        no_core_last,
        language,
        interpreter,
    ) = raw_row
    if computed is not None:
        return _Row(
            cid,
            rid,
            name,
            nhs,
            day(dob),
            area,
            must_instant(accepted),
            status,
            key,
            version,
            instant(discharged),
            kind,
            reason,
            computed.figures.as_view(),
            computed.last_met_at,
            computed.no_core,
            computed.no_core[0][1] if computed.no_core else None,
            language or "",
            bool(interpreter),
        )
    figures = (
        Continuity(
            meetings=meetings, with_core=core, with_key_worker=keyw, upc=upc, coc=coc, secon=secon
        )
        if has is not None
        else None
    )
    return _Row(
        cid,
        rid,
        name,
        nhs,
        day(dob),
        area,
        must_instant(accepted),
        status,
        key,
        version,
        instant(discharged),
        kind,
        reason,
        figures,
        instant(last),
        no_core,
        instant(no_core_last),
        language or "",
        bool(interpreter),
    )


def core_teams(session: Session, where: ColumnElement[bool]) -> dict[int, list[int]]:
    core: dict[int, list[int]] = defaultdict(list)
    team, client = cols(CoreTeamMember), cols(Client)
    for client_id, staff_id in run(
        session,
        sa_select(team.client_id, team.staff_id)
        .join(table_of(Client), team.client_id == client.id)
        .where(where),
    ).all():
        core[client_id].append(staff_id)
    return core


def _core_cached(
    session: Session,
    where: ColumnElement[bool],
    rows: Sequence[Any],
    cache: BoardCache,
    whole: bool = True,
) -> Mapping[int, Sequence[int]]:
    """Core teams, read again only for episodes whose version changed since the last
    board: every change of core team bumps the client's version (set_core_team). Not
    ``whole``: ``rows`` are a few of the board's episodes, the others' teams are kept."""
    held = cache.teams
    changed = [row[0] for row in rows if (found := held.get(row[0])) is None or found[0] != row[9]]
    core: dict[int, Sequence[int]]
    if len(changed) > len(rows) // 4:
        core = dict(core_teams(session, where))
    else:
        core = {row[0]: held[row[0]][1] for row in rows if row[0] in held}
        for chunk in chunks(changed):
            fresh = core_teams(session, cols(Client).id.in_(chunk))
            for cid in chunk:
                core[cid] = tuple(fresh.get(cid, ()))
    teams = {row[0]: (row[9], tuple(core.get(row[0], ()))) for row in rows}
    if whole:
        cache.teams = teams
    else:
        held.update(teams)
    return core


def _next_meetings(
    session: Session, now: dt.datetime, client_ids: Sequence[int] | None = None
) -> dict[int, Any]:
    """Each client's next booked meeting from ``now`` (raw: see sql.instant). The minimum
    is taken here, not with GROUP BY, which leads SQLite to walk every meeting."""
    meeting = cols(Meeting)
    query = (
        sa_select(meeting.client_id, raw(meeting.starts_at))
        .where(meeting.status == MeetingStatus.booked.value, meeting.starts_at >= now)
        .order_by(meeting.starts_at.desc())
    )
    if client_ids is not None and len(client_ids) <= CHUNK:
        query = query.where(meeting.client_id.in_(client_ids))
    return {client_id: start for client_id, start in run(session, query).all()}  # earliest wins


def read_episodes(
    session: Session,
    where: ColumnElement[bool],
    now: dt.datetime,
    staff: dict[int, StaffView] | None = None,
    no_core: NoCoreFound | None = None,
    cache: BoardCache | None = None,
    whole: bool = True,
) -> list[EpisodeView]:
    """Episodes matching ``where`` (on Client's Core columns, ``cols(Client)``: see
    repo/sql.py), by client name.

    ``no_core``, when given, receives each episode's newest meeting without a core-team
    member and all of them (newest first; JSON text until needed). With ``cache``, an
    episode whose inputs (its row, core team, next meeting, the staff list) are what they
    were at the last call is handed out again rather than rebuilt; ``whole`` False: these
    are a few of the board's episodes, read again (the cache keeps the others).
    """
    rows, computed = _rows(session, where)
    if not rows:
        return []
    staff = staff if staff is not None else all_staff(session)
    core = _core_cached(session, where, rows, cache, whole) if cache else core_teams(session, where)
    nexts = _next_meetings(session, now, [row[0] for row in rows])
    order = {sid: (member.name.casefold(), sid) for sid, member in staff.items()}
    if cache is not None:
        staff_stamp = tuple(staff.values())
        if cache.staff != staff_stamp:  # a new staff list: every episode built again
            cache.episodes.clear()
            cache.staff = staff_stamp
    episodes = []
    # Values many episodes share (a few areas and languages, the same few problem lists):
    # one object each rather than one per episode, for the 2,000 held (issue 15).
    same: dict[Any, Any] = {}
    for raw_row in rows:
        client_id = raw_row[0]
        if no_core is not None and raw_row[22] is not None:
            no_core[client_id] = (must_instant(raw_row[22]), raw_row[21])
        members = core.get(client_id, ())
        # The stamp takes the team as read (the cache hands back the same tuple for an
        # unchanged team; a new staff list empties the cache), so a hit neither filters
        # nor sorts it.
        stamp = hash((raw_row, tuple(members), nexts.get(client_id))) if cache is not None else 0
        if cache is not None and client_id not in computed:
            hit = cache.episodes.get(client_id)
            if hit is not None and hit[0] == stamp:
                episodes.append(hit[1])
                continue
        team_ids = tuple(sorted((s for s in members if s in staff), key=order.__getitem__))
        found = computed.get(client_id)
        row = _row(raw_row, found)
        if no_core is not None and found is not None and row.no_core_last_at is not None:
            no_core[client_id] = (row.no_core_last_at, row.no_core or [])
        team = tuple(staff[s] for s in team_ids)
        key = staff.get(row.key_worker_id) if row.key_worker_id is not None else None
        episode = EpisodeView(
            client_id=client_id,
            referral_id=row.referral_id,
            name=row.name,
            nhs_number=row.nhs_number,
            date_of_birth=row.date_of_birth,
            area=same.setdefault(row.area, row.area),
            accepted_at=row.accepted_at,
            status=_STATUS[row.status],
            core_team=team,
            key_worker=key,
            last_meeting=row.last_met_at,
            next_meeting=instant(nexts.get(client_id)),
            continuity=row.continuity or _NOT_ENOUGH,
            problems=same.setdefault(problems := _problems(team, key), problems),
            version=row.version,
            discharged_at=row.discharged_at,
            discharge_kind=row.discharge_kind,
            discharge_reason=row.discharge_reason,
            language=same.setdefault(row.language, row.language),
            interpreter=row.interpreter,
        )
        if cache is not None and found is None:
            cache.episodes[client_id] = (stamp, episode)
        episodes.append(episode)
    if cache is not None and whole:  # forget episodes no longer read (discharged, filtered out)
        seen = {row[0] for row in rows}
        for stale in [c for c in cache.episodes if c not in seen]:
            del cache.episodes[stale]
    episodes.sort(key=lambda e: (e.name.casefold(), e.client_id))
    return episodes
