"""One client's record in one read (the record screen's loader): the episode, the
network, every meeting with attendance, and the history from the audit log.

A handful of set-wise queries whatever the size of the record (300 meetings and 20
network members cost the same number of queries as one): the episode as the board reads
it, the network members, the meetings and their attendees (``meetings.meeting_views``),
and the audit entries of the client and everything that belongs to it.

What belongs to a client, for its history, is listed in :data:`RELATED`: functions
returning ``(entity, ids)`` pairs for one client. A part that adds a table with audited
rows of a client (a crisis plan, a flag, an admission) appends one function there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Select, and_, case, or_
from sqlmodel import Session, col, select

from duty_desk import timeutil
from duty_desk.errors import NotFound
from duty_desk.models import (
    AuditLog,
    Client,
    HandoverNote,
    Meeting,
    NetworkMember,
    Referral,
    Staff,
)
from duty_desk.views import ClientHit, ClientRecordView, NetworkMemberView
from duty_desk.vocabulary import ClientStatus

from .audit import entry
from .base import Aggregate
from .crisis import crisis_related
from .dialog import dialog_related  # issue 13
from .episode_rows import read_episodes
from .meetings import _MEETING_COLUMNS, meeting_views
from .safeguarding import flags_related  # issue 12 (guard)
from .satisfaction import fft_related  # issue 14 (fft)
from .sql import chunks, cols, day, instant, raw, run
from .staff import all_staff

# (entity, ids) pairs of a client's audited records, given the session, the client id and
# its referral id. One function per kind of record; append yours. The ids are a list, or a
# query selecting them (read inside the history's one query: no list of hundreds of ids
# to build and bind, as a client's meetings would be).
RelatedIds = Sequence[int] | Select[Any]
RelatedFn = Callable[[Session, int, int], Iterable[tuple[str, RelatedIds]]]


def _own(session: Session, client_id: int, referral_id: int) -> Iterable[tuple[str, RelatedIds]]:
    return [("client", [client_id]), ("referral", [referral_id])]


def _network(
    session: Session, client_id: int, referral_id: int
) -> Iterable[tuple[str, RelatedIds]]:
    return [
        ("network_member", select(NetworkMember.id).where(NetworkMember.referral_id == referral_id))
    ]


def _meetings(
    session: Session, client_id: int, referral_id: int
) -> Iterable[tuple[str, RelatedIds]]:
    return [("meeting", select(Meeting.id).where(Meeting.client_id == client_id))]


def _notes(session: Session, client_id: int, referral_id: int) -> Iterable[tuple[str, RelatedIds]]:
    # Two queries, not one with OR: each is then looked up by its own index.
    return [
        ("handover_note", select(HandoverNote.id).where(HandoverNote.client_id == client_id)),
        ("handover_note", select(HandoverNote.id).where(HandoverNote.referral_id == referral_id)),
    ]


RELATED: list[RelatedFn] = [_own, _network, _meetings, _notes, flags_related]
RELATED.append(crisis_related)  # issue 12 (safety): the crisis plan and risk summary
RELATED.append(fft_related)  # issue 14 (fft): the Friends and Family Test answers
RELATED.append(dialog_related)  # issue 13: DIALOG ratings, DIALOG+ items and actions


def history_of(session: Session, client_id: int, referral_id: int) -> list[Any]:
    """The audit entries of the client and everything :data:`RELATED` names, oldest first."""
    wanted: list[Any] = []
    for related in RELATED:
        for entity, ids in related(session, client_id, referral_id):
            if isinstance(ids, Select):
                wanted.append(
                    and_(col(AuditLog.entity) == entity, col(AuditLog.entity_id).in_(ids))
                )
                continue
            for chunk in chunks(list(ids)):
                if chunk:
                    wanted.append(
                        and_(col(AuditLog.entity) == entity, col(AuditLog.entity_id).in_(chunk))
                    )
    if not wanted:
        return []
    rows = session.exec(select(AuditLog).where(or_(*wanted)).order_by(col(AuditLog.id))).all()
    return [entry(row) for row in rows]


def staff_phone(session: Session, staff_id: int | None) -> str:
    """A staff member's work phone ("" when none is recorded)."""
    if staff_id is None:
        return ""
    found = session.exec(select(Staff.phone).where(Staff.id == staff_id)).first()
    return found or ""


HIT_LIMIT = 20  # the palette's hits: a few, by name; type more to narrow them


class RecordReader(Aggregate):
    def client_hits(self, search: str, limit: int = HIT_LIMIT) -> list[ClientHit]:
        """Open and discharged clients whose name contains ``search`` or whose NHS number
        contains its digits (spaces ignored): open ones first, then by name; at most
        ``limit``. Nothing for fewer than two characters. One indexed join, a LIKE scan of
        the referrals' names and numbers: cheap at thousands of clients."""
        term = search.strip()
        if len(term) < 2:
            return []
        digits = "".join(term.split())
        matches: list[Any] = [col(Referral.name).icontains(term, autoescape=True)]
        if digits.isdigit():
            matches.append(col(Referral.nhs_number).contains(digits, autoescape=True))
        is_open = case((col(Client.status) == ClientStatus.open.value, 0), else_=1)
        columns: tuple[Any, ...] = (
            Client.id,
            Referral.name,
            raw(Referral.date_of_birth),
            Referral.nhs_number,
            Client.status,
            raw(Client.discharged_at),
        )
        query = (
            select(*columns)
            .join(Referral, col(Client.referral_id) == Referral.id)
            .where(col(Client.status) != ClientStatus.reversed.value, or_(*matches))
            .order_by(is_open, col(Referral.name), col(Client.id))
            .limit(limit)
        )
        with self.ctx.unit() as session:
            rows = run(session, query).all()
        return [
            ClientHit(
                client_id=cid,
                name=name,
                date_of_birth=day(dob),
                nhs_number=nhs,
                status=ClientStatus(status),
                discharged_at=instant(discharged),
            )
            for cid, name, dob, nhs, status, discharged in rows
        ]

    def client_record(self, client_id: int) -> ClientRecordView:
        """Everything the record screen shows for one client (open or discharged)."""
        now = timeutil.now()
        with self.ctx.unit() as session:
            staff = all_staff(session)
            found = read_episodes(session, cols(Client).id == client_id, now, staff)
            if not found:
                raise NotFound(f"No client number {client_id}")
            episode = found[0]
            members = session.exec(
                select(NetworkMember)
                .where(NetworkMember.referral_id == episode.referral_id)
                .order_by(col(NetworkMember.id))
            ).all()
            rows = session.exec(
                select(*_MEETING_COLUMNS)
                .where(Meeting.client_id == client_id)
                .order_by(col(Meeting.starts_at), col(Meeting.id))
            ).all()
            meetings = meeting_views(session, rows, of_client=client_id)
            history = history_of(session, client_id, episode.referral_id)
            phone = staff_phone(
                session, episode.key_worker.id if episode.key_worker is not None else None
            )
        return ClientRecordView(
            episode=episode,
            network=tuple(
                NetworkMemberView(
                    id=m.id or 0, name=m.name, relationship=m.relationship, phone=m.phone
                )
                for m in members
            ),
            meetings=tuple(meetings),
            history=tuple(history),
            staff=tuple(sorted(staff.values(), key=lambda s: (s.name.casefold(), s.id))),
            key_worker_phone=phone,
        )
