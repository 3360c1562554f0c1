"""Reading the continuity board: open episodes, their breaks and every active staff
member's caseload in one read; one episode; caseload suggestions; episodes for export.

Reads use a few set-based queries for all episodes at once, never one query per
episode (tests/test_repo_board.py counts them); a read after a few changes re-reads only
the episodes they touched (``board_changes``, tests/repo/test_repo_board_partial.py)."""

from __future__ import annotations

import bisect
import datetime as dt
import time
from collections.abc import Iterator

from msgspec import Struct
from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from duty_desk import timeutil
from duty_desk.errors import NotFound
from duty_desk.models import Client, ClientStatus, CoreTeamMember, Referral
from duty_desk.views import BoardData, ClientFilter, EpisodeView, StaffLoad, StaffView

from .base import Aggregate, Context
from .board_changes import AuditMark, touched_since
from .breaks import find_breaks
from .dialog_latest import ScoreCache, latest_ratings
from .episode_rows import BoardCache, NoCoreFound, read_episodes
from .loads import absence_rows, by_room, loads
from .sql import cols, plain
from .staff import all_staff

FULL_SECONDS = 300.0  # every episode read again at least this often (a write not audited)
EXPORT_PAGE = 500  # episodes read per unit of work when exporting
FIND_LIMIT = 200  # a find among clients: at most this many, by name


def _by_name(e: EpisodeView) -> tuple[str, int]:
    return e.name.casefold(), e.client_id


class HeldBoard(Struct, frozen=True):
    """What the last board read found, for the next to re-read only what changed: the
    newest audit row then, the local day, the staff list, every open episode (by name) and
    their meetings without a core-team member, and when every episode was last read."""

    mark: AuditMark | None
    today: dt.date
    staff: tuple[StaffView, ...]
    episodes: list[EpisodeView]
    no_core: NoCoreFound
    read_at: float  # time.monotonic()


class BoardRepository(Aggregate):
    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.cache = BoardCache()
        self.held: HeldBoard | None = None  # under cache.lock
        self.scores = ScoreCache()  # issue 13: DIALOG scores by rating (under cache.lock)

    def board(self, staff_id: int | None = None) -> BoardData:
        """Open episodes (filtered to those where ``staff_id`` is core team or key worker),
        the continuity breaks, and every active staff member's load, as of ``timeutil.now()``.

        Episodes are ordered by client name; breaks most pressing first (no key worker,
        key worker left, core member absent, meeting without core team, not seen); staff by
        name.

        Only the episodes changed since the last read are read again, when the audit log
        can tell which (``board_changes``), on the same local day, with the same staff
        list, at most ``FULL_SECONDS`` after the last read of every episode; and those whose
        next meeting has begun since. The rest (staff loads, absences, breaks, DIALOG) is
        found anew each time, as of now.
        """
        is_open = cols(Client).status == ClientStatus.open.value
        with self.cache.lock, self.ctx.unit() as session:
            # The time is taken once the lock is held: a read that waited for another never
            # builds on it with an older "now" than that one used.
            now = plain(timeutil.now())
            today = self.ctx.today(now)
            held = self.held
            touched = touched_since(session, held.mark if held is not None else None)
            staff = all_staff(session)
            changed = touched.clients
            if (
                held is None
                or changed is None
                or held.today != today
                or time.monotonic() - held.read_at > FULL_SECONDS
                or held.staff != tuple(staff.values())
            ):
                no_core: NoCoreFound = {}
                every = read_episodes(session, is_open, now, staff, no_core, self.cache)
                read_at = time.monotonic()
            else:
                every, no_core = self._read_changed(session, held, changed, now, staff)
                read_at = held.read_at
            self.held = HeldBoard(
                touched.mark, today, tuple(staff.values()), every, no_core, read_at
            )
            episodes = every
            if staff_id is not None:
                episodes = [
                    e
                    for e in every
                    if staff_id in {m.id for m in e.core_team}
                    or (e.key_worker is not None and e.key_worker.id == staff_id)
                ]
            absences = absence_rows(session, today)
            found = loads(session, staff, today, absences, every)
            # issue 13 (board): the latest DIALOG of every open episode, one query
            accepted = {e.client_id: e.accepted_at for e in every}
            dialog = latest_ratings(self.ctx, session, accepted, self.scores)
            breaks = find_breaks(self.ctx, session, episodes, staff, absences, no_core, now, dialog)
        ordered = sorted(
            found.values(), key=lambda load: (load.staff.name.casefold(), load.staff.id)
        )
        return BoardData(
            episodes=tuple(episodes),
            breaks=tuple(breaks),
            staff=tuple(ordered),
            dialog=tuple(dialog.values()),
            everyone=tuple(staff.values()),
        )

    def _read_changed(
        self,
        session: Session,
        held: HeldBoard,
        changed: frozenset[int],
        now: dt.datetime,
        staff: dict[int, StaffView],
    ) -> tuple[list[EpisodeView], NoCoreFound]:
        """Every open episode, ``held`` with the episodes of ``changed`` clients, and those
        whose next meeting has begun since (a later one is next now), read again."""
        again = set(changed)
        again.update(
            e.client_id
            for e in held.episodes
            if e.next_meeting is not None and e.next_meeting < now
        )
        if not again:
            return held.episodes, held.no_core
        read_no_core: NoCoreFound = {}
        fresh = read_episodes(
            session,
            cols(Client).id.in_(sorted(again)),
            now,
            staff,
            read_no_core,
            self.cache,
            whole=False,
        )
        opened = [e for e in fresh if e.status is ClientStatus.open]
        is_open = {e.client_id for e in opened}
        no_core = {c: found for c, found in held.no_core.items() if c not in again}
        no_core.update((c, found) for c, found in read_no_core.items() if c in is_open)
        every = [e for e in held.episodes if e.client_id not in again]
        for e in opened:  # into its place by name, as read_episodes orders them
            bisect.insort(every, e, key=_by_name)
        return every, no_core

    def episode(self, client_id: int) -> EpisodeView:
        with self.ctx.unit() as session:
            found = read_episodes(session, cols(Client).id == client_id, timeutil.now())
        if not found:
            raise NotFound(f"No client number {client_id}")
        return found[0]

    def find_clients(
        self, search: str = "", status: ClientFilter | str = ClientFilter.open
    ) -> list[EpisodeView]:
        """Clients (episodes) whose name, NHS number or postcode matches ``search`` among the
        open, the discharged or all episodes, by name, at most ``FIND_LIMIT``.

        The ids are found first (the client status index, then the referral by its key),
        then read set-wise as the board reads them.
        """
        which = ClientFilter(status)
        query = select(Client.id).join(Referral, col(Client.referral_id) == Referral.id)
        if which is not ClientFilter.all:
            query = query.where(col(Client.status) == which.value)
        term = search.strip()
        if term:
            matches: list[ColumnElement[bool]] = [
                col(Referral.name).icontains(term, autoescape=True),
                col(Referral.nhs_number).contains(term.replace(" ", ""), autoescape=True),
            ]
            if any(ch.isdigit() for ch in term) and len(term) >= 2:
                matches.append(col(Referral.postcode).icontains(term, autoescape=True))
            query = query.where(or_(*matches))
        query = query.order_by(col(Referral.name), col(Client.id)).limit(FIND_LIMIT)
        with self.ctx.unit() as session:
            ids = [i for i in session.exec(query).all() if i is not None]
            if not ids:
                return []
            return read_episodes(session, cols(Client).id.in_(ids), timeutil.now())

    def client_for_referral(self, referral_id: int) -> int | None:
        """The episode opened from this referral, if it was accepted."""
        with self.ctx.unit() as session:
            return session.exec(select(Client.id).where(Client.referral_id == referral_id)).first()

    def suggest_staff(self, client_id: int | None = None) -> list[StaffLoad]:
        """Active staff, the most room in their caseload first (absent today last).

        With ``client_id``, that episode does not count against its own core team's room
        (they already hold it), so changing a team does not push its members down.
        """
        today = self.ctx.today(timeutil.now())
        with self.ctx.unit() as session:
            found = loads(session, all_staff(session), today)
            if client_id is not None:
                members = set(
                    session.exec(
                        select(CoreTeamMember.staff_id).where(CoreTeamMember.client_id == client_id)
                    ).all()
                )
                status = session.exec(select(Client.status).where(Client.id == client_id)).first()
                if status is None:
                    raise NotFound(f"No client number {client_id}")
                if status == ClientStatus.open.value:
                    for sid in members & set(found):
                        load = found[sid]
                        found[sid] = StaffLoad(
                            staff=load.staff,
                            core_count=load.core_count - 1,
                            key_count=load.key_count,
                            absences=load.absences,
                        )
        return by_room(found.values(), today)

    def clients_for_export(self, include_discharged: bool = True) -> Iterator[EpisodeView]:
        """Every episode (or only open ones), in order of acceptance, read a page at a time."""
        query = select(Client.id).order_by(col(Client.accepted_at), col(Client.id))
        if not include_discharged:
            query = query.where(Client.status == ClientStatus.open.value)
        with self.ctx.unit() as session:
            ids = [i for i in session.exec(query).all() if i is not None]
        now = timeutil.now()
        for at in range(0, len(ids), EXPORT_PAGE):
            page = ids[at : at + EXPORT_PAGE]
            with self.ctx.unit() as session:
                found = {
                    e.client_id: e for e in read_episodes(session, cols(Client).id.in_(page), now)
                }
            for client_id in page:
                if client_id in found:
                    yield found[client_id]
