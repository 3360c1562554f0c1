"""The repository's part for the clinician continuity board: core teams, key
workers, absences, discharges, caseloads and continuity figures.

Continuity figures (``duty_desk.continuity``) come from the meetings that
happened. They are precomputed per episode in ``client_continuity`` so a
board refresh never reads the past meetings: :func:`refresh_continuity`
rewrites one episode's row and must run in the same transaction as any change
to attendance (the meetings part calls it from ``record_happened`` and
``record_did_not_attend``) or to the core team (:meth:`set_core_team`). An
episode without a row yet is computed on the fly when read;
:func:`refresh_all_continuity` fills every row (for data written straight
into the tables, such as generated benchmark or demo data).

Reads use a few set-based queries for all episodes at once, never one query
per episode.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pendulum
from sqlalchemy import String, and_, func, type_coerce
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from . import continuity, timeutil
from .errors import Conflict, InputErrors, NotFound
from .models import (
    Absence,
    CancelledBy,
    Client,
    ClientContinuity,
    ClientStatus,
    CoreTeamMember,
    Meeting,
    MeetingStaff,
    MeetingStatus,
    Referral,
    Staff,
)
from .repo_base import RepositoryBase, staff_view
from .validation import (
    validate_absence,
    validate_capacity,
    validate_core_team,
    validate_discharge,
)
from .views import (
    AbsenceView,
    BoardData,
    Continuity,
    ContinuityBreak,
    EpisodeView,
    MeetingView,
    StaffLoad,
    StaffView,
)

CHUNK = 500  # ids per IN (...) list
EXPORT_PAGE = 500  # episodes read per unit of work when exporting
OTHER_COVER = 3  # cover suggested from outside the core team, most room first
DISCHARGE_CANCEL_REASON = "episode discharged"

# Breaks, most pressing first.
BREAK_ORDER = ("no_key_worker", "key_worker_left", "core_member_absent", "no_core_at_meeting",
               "not_seen")


def _run(session: Session, query: Any) -> Any:
    """Run a read of plain columns as Core on the session's connection: for thousands of
    rows the ORM's row handling costs several times the query itself. (No autoflush:
    callers that wrote first flush before.)"""
    return session.connection().execute(query)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@cache
def _zoneinfo(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for at in range(0, len(ids), CHUNK):
        yield ids[at:at + CHUNK]


# -- precomputed continuity figures ----------------------------------------------------------


NO_CORE_KEPT = 50  # meetings without a core-team member kept per episode, newest first
NoCore = list[tuple[int, dt.datetime, tuple[int, ...]]]  # (meeting id, start, staff who came)


@dataclass(frozen=True)
class _Computed:
    figures: continuity.Figures
    last_met_at: dt.datetime | None
    no_core: NoCore  # newest first


def _instant(value: Any) -> dt.datetime | None:
    """A stored instant read as text (SQLite) or a datetime (servers), as aware UTC.

    The board reads thousands; ``fromisoformat`` is several times quicker than the
    column type's own parsing."""
    if value is None:
        return None
    if isinstance(value, str):  # stored as UTC without an offset: parse it with one
        return dt.datetime.fromisoformat(value + "+00:00")
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _plain(value: dt.datetime) -> dt.datetime:
    """An aware instant as a plain stdlib datetime in UTC: comparing and subtracting
    thousands of them is far quicker than with pendulum's subclass."""
    return dt.datetime.fromtimestamp(value.timestamp(), dt.UTC)


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _raw(column: Any) -> Any:
    """A date or time column read without the type's result processing (see _instant)."""
    return type_coerce(column, String)


def _compute(session: Session, client_ids: Sequence[int]) -> dict[int, _Computed]:
    """Figures, last meeting and meetings without a core member for each of ``client_ids``,
    from the meetings that happened."""
    out: dict[int, _Computed] = {}
    for chunk in _chunks(sorted(set(client_ids))):
        key_workers = dict(_run(
            session, select(Client.id, Client.key_worker_id).where(Client.id.in_(chunk))  # type: ignore[union-attr]
        ).all())
        core: dict[int, set[int]] = defaultdict(set)
        for client_id, staff_id in _run(
            session, select(CoreTeamMember.client_id, CoreTeamMember.staff_id)
            .where(CoreTeamMember.client_id.in_(chunk))  # type: ignore[attr-defined]
        ).all():
            core[client_id].add(staff_id)
        meetings: dict[int, list[tuple[int, Any, frozenset[int]]]] = defaultdict(list)
        rows = _run(
            session,
            select(Meeting.client_id, Meeting.id, _raw(Meeting.starts_at), MeetingStaff.staff_id)
            .outerjoin(MeetingStaff, and_(
                MeetingStaff.meeting_id == Meeting.id,  # type: ignore[arg-type]
                MeetingStaff.attended == True,  # noqa: E712
            ))
            .where(Meeting.client_id.in_(chunk),  # type: ignore[attr-defined]
                   Meeting.status == MeetingStatus.happened.value)
            .order_by(Meeting.client_id, Meeting.starts_at, Meeting.id)
        ).all()
        current: tuple[int, int, Any] | None = None
        attended: set[int] = set()
        for client_id, meeting_id, starts_at, staff_id in rows:
            if current is None or current[:2] != (client_id, meeting_id):
                if current is not None:
                    meetings[current[0]].append((current[1], current[2], frozenset(attended)))
                current, attended = (client_id, meeting_id, starts_at), set()
            if staff_id is not None:
                attended.add(staff_id)
        if current is not None:
            meetings[current[0]].append((current[1], current[2], frozenset(attended)))
        for client_id in chunk:
            if client_id not in key_workers:
                continue
            held = meetings[client_id]
            team = core[client_id]
            no_core = [(mid, _instant(at), tuple(sorted(came)))
                       for mid, at, came in reversed(held) if not came & team][:NO_CORE_KEPT]
            out[client_id] = _Computed(
                figures=continuity.figures([came for _, _, came in held], team,
                                           key_workers[client_id]),
                last_met_at=_instant(held[-1][1]) if held else None,
                no_core=no_core,  # type: ignore[arg-type]
            )
    return out


def _dump_no_core(no_core: NoCore) -> str | None:
    if not no_core:
        return None
    return json.dumps([[mid, at.isoformat(), list(came)] for mid, at, came in no_core])


def _load_no_core(text: str | None) -> NoCore:
    if not text:
        return []
    return [(mid, dt.datetime.fromisoformat(at), tuple(came)) for mid, at, came in json.loads(text)]


def _store(session: Session, computed: dict[int, _Computed]) -> None:
    for client_id, found in computed.items():
        row = session.get(ClientContinuity, client_id) or ClientContinuity(client_id=client_id)
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
    _store(session, _compute(session, [client_id]))


def refresh_all_continuity(session: Session, client_ids: Iterable[int] | None = None) -> int:
    """Recompute the figures of ``client_ids`` (default: every episode). Returns how many."""
    session.flush()
    ids = list(client_ids) if client_ids is not None else list(session.exec(select(Client.id)).all())
    count = 0
    for chunk in _chunks(sorted({i for i in ids if i is not None})):
        computed = _compute(session, chunk)
        _store(session, computed)
        count += len(computed)
    return count


# -- reading episodes ------------------------------------------------------------------------


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


_NOT_ENOUGH = Continuity(meetings=0, with_core=None, with_key_worker=None, upc=None, coc=None,
                         secon=None)


def _problems(core: Sequence[StaffView], key_worker: StaffView | None) -> tuple[str, ...]:
    """Plain sentences about what is missing in an episode's core team."""
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
            problems.append(f"Core team has {len(core)} member{'s' if len(core) != 1 else ''}; "
                            "it should have 2 or 3")
    left = [m for m in core if not m.active and (key_worker is None or m.id != key_worker.id)]
    for member in left:
        problems.append(f"Core team member {member.name} ({member.login}) has left the team")
    return tuple(problems)


class _BoardCache:
    """The last board's episodes and what each was built from, for one repository (one
    process). Only ever a shortcut: every input is read again and compared on each call."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # board() may be called from several worker threads
        self.staff: tuple[StaffView, ...] | None = None
        self.episodes: dict[int, tuple[Any, EpisodeView]] = {}
        self.versions: dict[int, int] = {}  # client version when its core team was read
        self.teams: dict[int, list[int]] = {}


class BoardRepository(RepositoryBase):
    """Board reads and writes; mixed into ``duty_desk.repository.Repository``.

    Errors: InputErrors (fields ``core_team``, ``key_worker``, ``reason``, ``staff``,
    ``starts_on``, ``ends_on``, ``kind``, ``note``, ``on``, ``capacity``); Conflict
    (someone else changed the record first, or the episode has ended); NotFound;
    NotPermitted.
    """

    # -- small helpers -----------------------------------------------------------------------
    @property
    def _board_cache(self) -> _BoardCache:
        cache = self.__dict__.get("_board_cache_held")
        if cache is None:
            cache = self.__dict__.setdefault("_board_cache_held", _BoardCache())
        return cache

    @property
    def _tz(self) -> str:
        return self.config.team.timezone

    def _today(self, now: dt.datetime | None = None) -> dt.date:
        return timeutil.to_local(now or timeutil.now(), self._tz).date()

    def _midnight(self, day: dt.date) -> dt.datetime:
        """The UTC instant a local date starts."""
        start = pendulum.datetime(day.year, day.month, day.day, tz=timeutil.zone(self._tz))
        return timeutil.as_utc(start)

    def _local(self, value: dt.datetime) -> dt.datetime:
        """An aware instant in the team's zone (stdlib zoneinfo: the board converts
        thousands of these per refresh, where pendulum costs about 20 times more)."""
        return value.astimezone(_zoneinfo(self._tz))

    def _when(self, value: dt.datetime | None) -> str:
        """``Fri 20 Nov 10:00``: the same text as ``timeutil.fmt_local(value, tz, "day")``
        (English names from tables: strftime costs six times more)."""
        if value is None:
            return ""
        local = self._local(value)
        return (f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} "
                f"{local.hour:02d}:{local.minute:02d}")

    @staticmethod
    def _staff(session: Session) -> dict[int, StaffView]:
        return {row.id or 0: staff_view(row) for row in session.exec(select(Staff))}

    def _rows(self, session: Session, where: ColumnElement[bool]) -> tuple[list[Any], dict[int, _Computed]]:
        """The raw rows of the episodes matching ``where``, and figures computed on the fly
        for those without stored ones (a read writes nothing)."""
        rows = _run(
            session,
            select(Client.id, Client.referral_id, Referral.name, Referral.nhs_number,
                   _raw(Referral.date_of_birth), Referral.area, _raw(Client.accepted_at),
                   Client.status, Client.key_worker_id, Client.version,
                   _raw(Client.discharged_at), Client.discharge_kind, Client.discharge_reason,
                   ClientContinuity.client_id, ClientContinuity.meetings,
                   ClientContinuity.with_core, ClientContinuity.with_key_worker,
                   ClientContinuity.upc, ClientContinuity.coc, ClientContinuity.secon,
                   _raw(ClientContinuity.last_met_at), ClientContinuity.no_core,
                   _raw(ClientContinuity.no_core_last_at))
            .join(Referral, Client.referral_id == Referral.id)  # type: ignore[arg-type]
            .outerjoin(ClientContinuity, ClientContinuity.client_id == Client.id)  # type: ignore[arg-type]
            .where(where)
        ).all()
        missing = [row[0] for row in rows if row[13] is None]
        return rows, (_compute(session, missing) if missing else {})

    @staticmethod
    def _row(raw: Any, computed: _Computed | None) -> _Row:
        (cid, rid, name, nhs, dob, area, accepted, status, key, version, discharged,
         kind, reason, has, meetings, core, keyw, upc, coc, secon, last, no_core,
         no_core_last) = raw
        if computed is not None:
            return _Row(cid, rid, name, nhs, _day(dob), area, _instant(accepted),  # type: ignore[arg-type]
                        status, key, version, _instant(discharged), kind, reason,
                        computed.figures.as_view(), computed.last_met_at, computed.no_core,
                        computed.no_core[0][1] if computed.no_core else None)
        figures = (Continuity(meetings=meetings, with_core=core, with_key_worker=keyw,
                              upc=upc, coc=coc, secon=secon) if has is not None else None)
        return _Row(cid, rid, name, nhs, _day(dob), area, _instant(accepted),  # type: ignore[arg-type]
                    status, key, version, _instant(discharged), kind, reason, figures,
                    _instant(last), no_core, _instant(no_core_last))

    def _core(self, session: Session, where: ColumnElement[bool]) -> dict[int, list[int]]:
        core: dict[int, list[int]] = defaultdict(list)
        for client_id, staff_id in _run(session,
            select(CoreTeamMember.client_id, CoreTeamMember.staff_id)
            .join(Client, CoreTeamMember.client_id == Client.id)  # type: ignore[arg-type]
            .where(where)
        ).all():
            core[client_id].append(staff_id)
        return core

    def _core_cached(self, session: Session, where: ColumnElement[bool], rows: Sequence[Any],
                     cache: _BoardCache) -> dict[int, list[int]]:
        """Core teams, read again only for episodes whose version changed since the last
        board: every change of core team bumps the client's version (set_core_team)."""
        versions = {row[0]: row[9] for row in rows}
        changed = [cid for cid, version in versions.items() if cache.versions.get(cid) != version]
        if len(changed) > len(rows) // 4:
            core = self._core(session, where)
        else:
            core = defaultdict(list, {cid: cache.teams.get(cid, []) for cid in versions})
            for chunk in _chunks(changed):
                fresh = self._core(session, Client.id.in_(chunk))  # type: ignore[union-attr]
                for cid in chunk:
                    core[cid] = fresh.get(cid, [])
        cache.teams = {cid: core.get(cid, []) for cid in versions}
        cache.versions = versions
        return core

    def _next_meetings(self, session: Session, now: dt.datetime,
                       client_ids: Sequence[int] | None = None) -> dict[int, Any]:
        """Each client's next booked meeting from ``now`` (raw: see _instant). The minimum
        is taken here, not with GROUP BY, which leads SQLite to walk every meeting."""
        query = (
            select(Meeting.client_id, _raw(Meeting.starts_at))
            .where(Meeting.status == MeetingStatus.booked.value, Meeting.starts_at >= now)
            .order_by(Meeting.starts_at.desc())  # type: ignore[attr-defined]
        )
        if client_ids is not None and len(client_ids) <= CHUNK:
            query = query.where(Meeting.client_id.in_(client_ids))  # type: ignore[attr-defined]
        return dict(_run(session, query).all())  # type: ignore[arg-type]  # the earliest wins

    def _episodes(self, session: Session, where: ColumnElement[bool], now: dt.datetime,
                  staff: dict[int, StaffView] | None = None,
                  no_core: dict[int, tuple[dt.datetime, str | NoCore]] | None = None,
                  cache: _BoardCache | None = None,
                  ) -> list[EpisodeView]:
        """Episodes matching ``where`` (on Client), by client name.

        ``no_core``, when given, receives each episode's newest meeting without a core-team
        member and all of them (newest first; JSON text until needed). With ``cache``, an
        episode whose inputs (its row, core team, next meeting, the staff list) are what they
        were at the last call is handed out again rather than rebuilt.
        """
        rows, computed = self._rows(session, where)
        if not rows:
            return []
        staff = staff if staff is not None else self._staff(session)
        core = self._core_cached(session, where, rows, cache) if cache else self._core(session, where)
        nexts = self._next_meetings(session, now, [row[0] for row in rows])
        order = {sid: (member.name.casefold(), sid) for sid, member in staff.items()}
        staff_stamp = tuple(staff.values())
        if cache is not None:
            if cache.staff == staff_stamp:
                staff_stamp = cache.staff  # the same object: later comparisons are by identity
            cache.staff = staff_stamp
        episodes = []
        for raw in rows:
            client_id = raw[0]
            if no_core is not None and raw[22] is not None:
                no_core[client_id] = (_instant(raw[22]), raw[21])  # type: ignore[assignment]
            team_ids = tuple(sorted((s for s in core.get(client_id, ()) if s in staff),
                                    key=order.__getitem__))
            stamp = (raw, team_ids, nexts.get(client_id), staff_stamp)
            if cache is not None and client_id not in computed:
                hit = cache.episodes.get(client_id)
                if hit is not None and hit[0] == stamp:
                    episodes.append(hit[1])
                    continue
            found = computed.get(client_id)
            row = self._row(raw, found)
            if no_core is not None and found is not None and row.no_core_last_at is not None:
                no_core[client_id] = (row.no_core_last_at, row.no_core)  # type: ignore[assignment]
            team = tuple(staff[s] for s in team_ids)
            key = staff.get(row.key_worker_id) if row.key_worker_id is not None else None
            episode = EpisodeView(
                client_id=client_id, referral_id=row.referral_id, name=row.name,
                nhs_number=row.nhs_number, date_of_birth=row.date_of_birth, area=row.area,
                accepted_at=row.accepted_at, status=row.status, core_team=team,
                key_worker=key, last_meeting=row.last_met_at,
                next_meeting=_instant(nexts.get(client_id)),
                continuity=row.continuity or _NOT_ENOUGH,
                problems=_problems(team, key), version=row.version,
                discharged_at=row.discharged_at, discharge_kind=row.discharge_kind,
                discharge_reason=row.discharge_reason,
            )
            if cache is not None and found is None:
                cache.episodes[client_id] = (stamp, episode)
            episodes.append(episode)
        if cache is not None:  # forget episodes no longer read (discharged, filtered out)
            seen = {row[0] for row in rows}
            for stale in [c for c in cache.episodes if c not in seen]:
                del cache.episodes[stale]
        episodes.sort(key=lambda e: (e.name.casefold(), e.client_id))
        return episodes

    def _absence_rows(self, session: Session, from_day: dt.date,
                      staff_id: int | None = None) -> list[AbsenceView]:
        query = (
            select(Absence, Staff.login, Staff.name)
            .join(Staff, Absence.staff_id == Staff.id)  # type: ignore[arg-type]
            .where(Absence.cancelled == False, Absence.ends_on >= from_day)  # noqa: E712
            .order_by(Absence.starts_on, Staff.name, Absence.id)
        )
        if staff_id is not None:
            query = query.where(Absence.staff_id == staff_id)
        return [
            AbsenceView(id=row.id or 0, staff_id=row.staff_id, staff_login=login, staff_name=name,
                        starts_on=row.starts_on, ends_on=row.ends_on, kind=row.kind,
                        note=row.note, version=row.version)
            for row, login, name in session.exec(query)
        ]

    def _loads(self, session: Session, staff: dict[int, StaffView], today: dt.date,
               absences: Sequence[AbsenceView] | None = None,
               open_episodes: Sequence[EpisodeView] | None = None) -> dict[int, StaffLoad]:
        """Every active staff member's open caseload and current and future absences
        (counted from ``open_episodes`` when the caller has read every open one)."""
        if open_episodes is not None:
            core_counts: dict[Any, int] = defaultdict(int)
            key_counts: dict[Any, int] = defaultdict(int)
            for e in open_episodes:
                for member in e.core_team:
                    core_counts[member.id] += 1
                if e.key_worker is not None:
                    key_counts[e.key_worker.id] += 1
        else:
            core_counts, key_counts = self._counts(session)
        away: dict[int, list[AbsenceView]] = defaultdict(list)
        for absence in absences if absences is not None else self._absence_rows(session, today):
            away[absence.staff_id].append(absence)
        return {
            sid: StaffLoad(staff=member, core_count=int(core_counts.get(sid, 0)),
                           key_count=int(key_counts.get(sid, 0)), absences=tuple(away[sid]))
            for sid, member in staff.items() if member.active
        }

    @staticmethod
    def _counts(session: Session) -> tuple[dict[Any, int], dict[Any, int]]:
        """Open episodes per staff member: in the core team, and as key worker."""
        core_counts = dict(_run(session,
            select(CoreTeamMember.staff_id, func.count())
            .join(Client, CoreTeamMember.client_id == Client.id)  # type: ignore[arg-type]
            .where(Client.status == ClientStatus.open.value)
            .group_by(CoreTeamMember.staff_id)
        ).all())
        key_counts = dict(_run(session,
            select(Client.key_worker_id, func.count())
            .where(Client.status == ClientStatus.open.value,
                   Client.key_worker_id.is_not(None))  # type: ignore[union-attr]
            .group_by(Client.key_worker_id)
        ).all())
        return core_counts, key_counts

    @staticmethod
    def _away_on(load: StaffLoad, day: dt.date) -> bool:
        return any(a.starts_on <= day <= a.ends_on for a in load.absences)

    def _by_room(self, loads: Iterable[StaffLoad], today: dt.date) -> list[StaffLoad]:
        return sorted(loads, key=lambda load: (self._away_on(load, today), -load.room,
                                               load.staff.name.casefold(), load.staff.id))

    # -- the board ---------------------------------------------------------------------------
    def board(self, staff_id: int | None = None) -> BoardData:
        """Open episodes (filtered to those where ``staff_id`` is core team or key worker),
        the continuity breaks, and every active staff member's load, as of ``timeutil.now()``.

        Episodes are ordered by client name; breaks most pressing first (no key worker,
        key worker left, core member absent, meeting without core team, not seen); staff by
        name.
        """
        now = _plain(timeutil.now())
        today = self._today(now)
        is_open = Client.status == ClientStatus.open.value
        cache = self._board_cache
        with cache.lock, self._unit() as session:
            staff = self._staff(session)
            no_core: dict[int, tuple[dt.datetime, str | NoCore]] = {}
            every = self._episodes(session, is_open, now, staff, no_core, cache)
            episodes = every
            if staff_id is not None:
                episodes = [e for e in every if staff_id in {m.id for m in e.core_team}
                            or (e.key_worker is not None and e.key_worker.id == staff_id)]
            absences = self._absence_rows(session, today)
            loads = self._loads(session, staff, today, absences, every)
            breaks = self._breaks(session, episodes, staff, absences, no_core, now)
        ordered = sorted(loads.values(), key=lambda load: (load.staff.name.casefold(), load.staff.id))
        return BoardData(episodes=tuple(episodes), breaks=tuple(breaks), staff=tuple(ordered))

    def _breaks(self, session: Session, episodes: Sequence[EpisodeView],
                staff: dict[int, StaffView], absences: Sequence[AbsenceView],
                no_core: dict[int, tuple[dt.datetime, str | NoCore]],
                now: dt.datetime) -> list[ContinuityBreak]:
        by_id = {e.client_id: e for e in episodes}
        breaks: list[ContinuityBreak] = []
        not_seen = dt.timedelta(days=self.config.continuity.not_seen_days)
        since = now - not_seen
        for e in episodes:
            if e.key_worker is None:
                breaks.append(ContinuityBreak(
                    kind="no_key_worker", client_id=e.client_id, client_name=e.name,
                    text=f"{e.name} has no key worker named", at=e.accepted_at))
            elif not e.key_worker.active:
                breaks.append(ContinuityBreak(
                    kind="key_worker_left", client_id=e.client_id, client_name=e.name,
                    text=f"{e.name}'s key worker {e.key_worker.name} ({e.key_worker.login}) "
                         "has left the team", staff_id=e.key_worker.id))
            seen = e.last_meeting or e.accepted_at
            if seen < since:
                days = (now - seen).days
                if e.last_meeting is not None:
                    text = (f"{e.name} not seen for {days} days (last meeting "
                            f"{self._when(e.last_meeting)})")
                else:
                    text = (f"{e.name} not seen since accepted {self._when(e.accepted_at)} "
                            f"({days} days, no meeting has taken place)")
                breaks.append(ContinuityBreak(kind="not_seen", client_id=e.client_id,
                                              client_name=e.name, text=text, at=seen))
        breaks.extend(self._meetings_without_core(by_id, staff, no_core, since, now))
        breaks.extend(self._absent_core(session, by_id, staff, absences, now))
        order = {kind: i for i, kind in enumerate(BREAK_ORDER)}
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        breaks.sort(key=lambda b: (order[b.kind], b.at or far, b.client_name.casefold(),
                                   b.client_id))
        return breaks

    def _meetings_without_core(self, episodes: dict[int, EpisodeView],
                               staff: dict[int, StaffView],
                               no_core: dict[int, tuple[dt.datetime, str | NoCore]],
                               since: dt.datetime, now: dt.datetime) -> list[ContinuityBreak]:
        """From the precomputed meetings without a core-team member: those since ``since``
        (the stored list is only parsed when its newest entry is recent enough)."""
        out = []
        for client_id, (newest, stored) in no_core.items():
            e = episodes.get(client_id)
            if e is None or newest < since:
                continue
            held = _load_no_core(stored) if isinstance(stored, str) else stored
            for meeting_id, starts_at, came in held:  # newest first
                if starts_at < since:
                    break
                if starts_at > now:
                    continue
                names = sorted(staff[s].name for s in came if s in staff)
                who = (f"attended by {', '.join(names)}" if names
                       else "no staff recorded as attending")
                out.append(ContinuityBreak(
                    kind="no_core_at_meeting", client_id=client_id, client_name=e.name,
                    text=f"{e.name}'s meeting on {self._when(starts_at)} had no core-team "
                         f"member ({who})",
                    at=starts_at, meeting_id=meeting_id))
        return out

    def _absent_core(self, session: Session, episodes: dict[int, EpisodeView],
                     staff: dict[int, StaffView], absences: Sequence[AbsenceView],
                     now: dt.datetime) -> list[ContinuityBreak]:
        if not absences:
            return []
        away: dict[int, list[AbsenceView]] = defaultdict(list)
        for absence in absences:
            away[absence.staff_id].append(absence)
        until = self._midnight(max(a.ends_on for a in absences) + dt.timedelta(days=1))
        rows = _run(session,
            select(Meeting.id, Meeting.client_id, _raw(Meeting.starts_at), MeetingStaff.staff_id)
            .join(MeetingStaff, MeetingStaff.meeting_id == Meeting.id)  # type: ignore[arg-type]
            .where(Meeting.status == MeetingStatus.booked.value,
                   Meeting.starts_at >= now, Meeting.starts_at < until)
            .order_by(Meeting.starts_at, Meeting.id)
        ).all()  # booked meetings in the next few weeks: few; no staff filter in SQL, so the
        # planner walks the starts_at index rather than every meeting of the absent staff
        out = []
        for meeting_id, client_id, raw_start, staff_id in rows:
            if staff_id not in away:
                continue
            e = episodes.get(client_id)
            if e is None or staff_id not in {m.id for m in e.core_team}:
                continue
            starts_at = _instant(raw_start)
            assert starts_at is not None
            day = self._local(starts_at).date()
            absence = next((a for a in away[staff_id] if a.starts_on <= day <= a.ends_on), None)
            if absence is None:
                continue
            member = staff[staff_id]
            out.append(ContinuityBreak(
                kind="core_member_absent", client_id=client_id, client_name=e.name,
                text=f"{member.name} ({member.login}) is away ({absence.kind}) for {e.name}'s "
                     f"meeting on {self._when(starts_at)}",
                at=starts_at, meeting_id=meeting_id, staff_id=staff_id))
        return out

    def episode(self, client_id: int) -> EpisodeView:
        with self._unit() as session:
            found = self._episodes(session, Client.id == client_id, timeutil.now())
        if not found:
            raise NotFound(f"No client number {client_id}")
        return found[0]

    def client_for_referral(self, referral_id: int) -> int | None:
        """The episode opened from this referral, if it was accepted."""
        with self._unit() as session:
            return session.exec(select(Client.id).where(Client.referral_id == referral_id)).first()

    def suggest_staff(self, client_id: int | None = None) -> list[StaffLoad]:
        """Active staff, the most room in their caseload first (absent today last).

        With ``client_id``, that episode does not count against its own core team's room
        (they already hold it), so changing a team does not push its members down.
        """
        now = timeutil.now()
        today = self._today(now)
        with self._unit() as session:
            staff = self._staff(session)
            loads = self._loads(session, staff, today)
            if client_id is not None:
                members = set(session.exec(
                    select(CoreTeamMember.staff_id).where(CoreTeamMember.client_id == client_id)
                ).all())
                is_open = session.exec(select(Client.status).where(Client.id == client_id)).first()
                if is_open is None:
                    raise NotFound(f"No client number {client_id}")
                if is_open == ClientStatus.open.value:
                    for sid in members & set(loads):
                        load = loads[sid]
                        loads[sid] = StaffLoad(staff=load.staff, core_count=load.core_count - 1,
                                               key_count=load.key_count, absences=load.absences)
        return self._by_room(loads.values(), today)

    # -- core team ---------------------------------------------------------------------------
    def _client_for_change(self, session: Session, client_id: int,
                           expected_version: int | None) -> Client:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFound(f"No client number {client_id}")
        if expected_version is not None and client.version != expected_version:
            raise self._stale(session, "client", client_id, "episode")
        if client.status != ClientStatus.open.value:
            when = timeutil.fmt_local(client.discharged_at, self._tz, "day") \
                if client.discharged_at else "earlier"
            raise Conflict(f"This episode of care has ended (discharged {when}); "
                           "nothing was changed")
        return client

    def set_core_team(self, client_id: int, staff_ids: Sequence[int], key_worker_id: int,
                      reason: str, *, expected_version: int | None = None) -> None:
        """Replace the core team (2-3 active staff) and key worker (one of them), with a reason.
        Audited against the client ("core team") with before/after staff logins."""
        ids, key, text = validate_core_team(staff_ids, key_worker_id, reason)
        now = timeutil.now()
        with self._unit(write=True) as session:
            self._me(session)
            client = self._client_for_change(session, client_id, expected_version)
            chosen = {row.id: row for row in session.exec(
                select(Staff).where(Staff.id.in_(ids)))}  # type: ignore[union-attr]
            missing = [i for i in ids if i not in chosen]
            if missing:
                raise InputErrors({"core_team": f"no staff member number {missing[0]}"})
            left = [chosen[i] for i in ids if not chosen[i].active]
            if left:
                raise InputErrors({"core_team": f"{left[0].name} ({left[0].login}) has left "
                                                "the team and cannot join a core team"})
            current = session.exec(
                select(CoreTeamMember).where(CoreTeamMember.client_id == client_id)).all()
            logins = dict(session.exec(select(Staff.id, Staff.login).where(
                Staff.id.in_({c.staff_id for c in current} | {client.key_worker_id or 0}))  # type: ignore[union-attr]
            ).all())
            before = {
                "core_team": sorted(logins.get(c.staff_id, str(c.staff_id)) for c in current),
                "key_worker": logins.get(client.key_worker_id) if client.key_worker_id else None,
            }
            after = {
                "core_team": sorted(chosen[i].login for i in ids),
                "key_worker": chosen[key].login,
                "reason": text,
            }
            for row in current:
                if row.staff_id not in ids:
                    session.delete(row)
            have = {row.staff_id for row in current}
            session.add_all([CoreTeamMember(client_id=client_id, staff_id=i, added_at=now)
                             for i in ids if i not in have])
            client.key_worker_id = key
            flag_modified(client, "key_worker_id")  # always a new version: the team changed
            session.add(client)
            session.flush()
            self._audit(session, "core team", "client", client_id, before, after, now)
            refresh_continuity(session, client_id)

    # -- absences ----------------------------------------------------------------------------
    def record_absence(self, staff_id: int, starts_on: dt.date, ends_on: dt.date, kind: str,
                       note: str = "") -> int:
        """A staff member away for whole local days, ``starts_on`` to ``ends_on`` inclusive.
        Refused when it overlaps another absence of theirs. Audited against the staff member."""
        starts_on, ends_on, kind, note = validate_absence(starts_on, ends_on, kind, note)
        now = timeutil.now()
        with self._unit(write=True) as session:
            me = self._me(session)
            member = session.get(Staff, staff_id)
            if member is None:
                raise InputErrors({"staff": f"no staff member number {staff_id}"})
            clash = session.exec(select(Absence).where(
                Absence.staff_id == staff_id, Absence.cancelled == False,  # noqa: E712
                Absence.starts_on <= ends_on, Absence.ends_on >= starts_on)).first()
            if clash is not None:
                raise InputErrors({"starts_on": (
                    f"{member.name} is already recorded away ({clash.kind}) "
                    f"{clash.starts_on:%d/%m/%Y} to {clash.ends_on:%d/%m/%Y}")})
            row = Absence(staff_id=staff_id, starts_on=starts_on, ends_on=ends_on, kind=kind,
                          note=note, created_at=now, created_by=me.login)
            session.add(row)
            session.flush()
            assert row.id is not None
            self._audit(session, "record absence", "staff", staff_id, None,
                        {"absence_id": row.id, "starts_on": starts_on, "ends_on": ends_on,
                         "kind": kind, "note": note}, now)
            return row.id

    def cancel_absence(self, absence_id: int, *, expected_version: int | None = None) -> None:
        """Withdraw an absence recorded in error (or leave not taken). Audited against the
        staff member."""
        now = timeutil.now()
        with self._unit(write=True) as session:
            self._me(session)
            row = session.get(Absence, absence_id)
            if row is None:
                raise NotFound(f"No absence number {absence_id}")
            if expected_version is not None and row.version != expected_version:
                raise self._stale(session, "staff", row.staff_id, "absence")
            if row.cancelled:
                raise Conflict("This absence was already cancelled; nothing was changed")
            row.cancelled = True
            session.add(row)
            session.flush()
            self._audit(session, "cancel absence", "staff", row.staff_id,
                        {"absence_id": absence_id, "starts_on": row.starts_on,
                         "ends_on": row.ends_on, "kind": row.kind, "cancelled": False},
                        {"absence_id": absence_id, "cancelled": True}, now)

    def absences(self, staff_id: int | None = None) -> list[AbsenceView]:
        """Current and future absences (not cancelled), soonest first."""
        with self._unit() as session:
            return self._absence_rows(session, self._today(), staff_id)

    def absence_impact(self, absence_id: int) -> list[tuple[EpisodeView, tuple[MeetingView, ...],
                                                           tuple[StaffLoad, ...]]]:
        """Each affected open episode (the absent person is in its core team), its booked
        meetings in the absence with that person expected, and suggested cover from the
        rest of the core team (then anyone with room).

        Cover: the other core-team members first (most room first), then up to three other
        staff with the most room; nobody away on a day of those meetings is suggested (for an
        episode with no meetings in the absence, nobody away for the whole of it).
        Episodes with booked meetings in the absence come first, then by client name.
        """
        now = timeutil.now()
        today = self._today(now)
        with self._unit() as session:
            absence = session.get(Absence, absence_id)
            if absence is None:
                raise NotFound(f"No absence number {absence_id}")
            absent_id = absence.staff_id
            client_ids = list(session.exec(
                select(CoreTeamMember.client_id)
                .join(Client, CoreTeamMember.client_id == Client.id)  # type: ignore[arg-type]
                .where(CoreTeamMember.staff_id == absent_id,
                       Client.status == ClientStatus.open.value)
            ).all())
            if not client_ids:
                return []
            staff = self._staff(session)
            episodes: list[EpisodeView] = []
            for chunk in _chunks(sorted(client_ids)):
                episodes.extend(self._episodes(
                    session, Client.id.in_(chunk), now, staff))  # type: ignore[union-attr]
            start, end = self._midnight(absence.starts_on), \
                self._midnight(absence.ends_on + dt.timedelta(days=1))
            meeting_rows = session.exec(
                select(Meeting)
                .join(MeetingStaff, MeetingStaff.meeting_id == Meeting.id)  # type: ignore[arg-type]
                .where(MeetingStaff.staff_id == absent_id,
                       Meeting.status == MeetingStatus.booked.value,
                       Meeting.starts_at >= start, Meeting.starts_at < end,
                       Meeting.client_id.in_(client_ids))  # type: ignore[attr-defined]
                .order_by(Meeting.starts_at, Meeting.id)
            ).all()
            views: Any = getattr(self, "_views", None)
            meeting_views: list[MeetingView] = views(session, meeting_rows) if views else []
            by_client: dict[int, list[MeetingView]] = defaultdict(list)
            for view in meeting_views:
                by_client[view.client_id].append(view)
            all_absences = self._absence_rows(session, min(today, absence.starts_on))
            loads = self._loads(session, staff, today, all_absences)

        def free(load: StaffLoad, days: set[dt.date]) -> bool:
            """Not the absent person, and not away on a day that needs cover (``days``:
            the meeting days; with no meetings, away for the whole absence rules them out)."""
            if load.staff.id == absent_id:
                return False
            if days:
                return not any(self._away_on(load, day) for day in days)
            return not any(a.starts_on <= absence.starts_on and a.ends_on >= absence.ends_on
                           for a in load.absences)

        out = []
        for e in episodes:
            meetings = tuple(by_client[e.client_id])
            days = {timeutil.to_local(m.starts_at, self._tz).date() for m in meetings}
            candidates = [load for load in loads.values() if free(load, days)]
            team = {m.id for m in e.core_team}
            rest = self._by_room([c for c in candidates if c.staff.id in team], today)
            others = self._by_room([c for c in candidates if c.staff.id not in team
                                    and c.room > 0], today)[:OTHER_COVER]
            out.append((e, meetings, tuple(rest + others)))
        out.sort(key=lambda item: (not item[1], item[0].name.casefold(), item[0].client_id))
        return out

    # -- discharge and capacity --------------------------------------------------------------
    def discharge(self, client_id: int, kind: str, on: dt.date, reason: str, *,
                  expected_version: int | None = None) -> None:
        """End the episode (transfer to primary care, or other) on a local date, with a reason.

        The date may not be in the future nor before the episode began. Meetings still
        booked from now on are cancelled "by team" with the reason "episode discharged",
        each audited against its meeting. The core team is kept, for the record.
        """
        now = timeutil.now()
        today = self._today(now)
        validate_discharge(kind, on, reason, today=today)  # input errors before any lookup
        with self._unit(write=True) as session:
            me = self._me(session)
            client = self._client_for_change(session, client_id, expected_version)
            accepted_on = timeutil.to_local(client.accepted_at, self._tz).date()
            kind, on, text = validate_discharge(kind, on, reason, today=today,
                                                accepted_on=accepted_on)
            booked = session.exec(
                select(Meeting).where(Meeting.client_id == client_id,
                                      Meeting.status == MeetingStatus.booked.value,
                                      Meeting.starts_at >= now)
                .order_by(Meeting.starts_at, Meeting.id)
            ).all()
            for meeting in booked:
                self._change(session, meeting, "meeting", "cancel meeting", now,
                             status=MeetingStatus.cancelled.value,
                             cancelled_by=CancelledBy.team.value,
                             cancel_reason=DISCHARGE_CANCEL_REASON)
            client.status = ClientStatus.discharged.value
            client.discharged_at = self._midnight(on)
            client.discharge_kind = kind
            client.discharge_reason = text
            client.discharged_by_id = me.id
            session.add(client)
            session.flush()
            self._audit(session, "discharge", "client", client_id, {"status": ClientStatus.open.value},
                        {"status": client.status, "discharged_on": on, "discharge_kind": kind,
                         "discharge_reason": text, "discharged_by": me.login}, now)
            if booked:
                self._audit(session, "cancel meetings", "client", client_id, None,
                            {"meetings_cancelled": [m.id for m in booked],
                             "reason": DISCHARGE_CANCEL_REASON}, now)

    def set_capacity(self, login: str, capacity: int) -> None:
        """How many episodes ``login`` can hold as core-team member (0 to 200). Audited
        against the staff member."""
        value = validate_capacity(capacity)
        now = timeutil.now()
        with self._unit(write=True) as session:
            self._lead(session, "change a caseload capacity")
            row = session.exec(select(Staff).where(Staff.login == login)).first()
            if row is None:
                raise NotFound(f"No staff member with login {login!r}")
            if row.capacity != value:
                self._change(session, row, "staff", "set capacity", now, capacity=value)

    # -- export ------------------------------------------------------------------------------
    def clients_for_export(self, include_discharged: bool = True) -> Iterator[EpisodeView]:
        """Every episode (or only open ones), in order of acceptance, read a page at a time."""
        query = select(Client.id).order_by(Client.accepted_at, Client.id)
        if not include_discharged:
            query = query.where(Client.status == ClientStatus.open.value)
        with self._unit() as session:
            ids = list(session.exec(query).all())
        now = timeutil.now()
        for at in range(0, len(ids), EXPORT_PAGE):
            page = ids[at:at + EXPORT_PAGE]
            with self._unit() as session:
                found = {e.client_id: e for e in self._episodes(
                    session, Client.id.in_(page), now)}  # type: ignore[union-attr]
            for client_id in page:
                if client_id in found:
                    yield found[client_id]
