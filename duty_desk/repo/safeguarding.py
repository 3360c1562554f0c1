"""Safeguarding flags (issue 12, guard): raising one on a referral (and so on its client),
closing it with an end date and a reason, reading a person's flags, and the markers.

A flag belongs to the referral it was raised on; the client of that referral carries it
(the episode is the referral's). A person referred again later carries the flags of their
earlier referrals too, matched by NHS number (the safer default: a missed flag costs more
than a flag shown on a re-referral; without an NHS number nothing is matched, since names
and birth dates are not a safe match). Flags are never deleted; every change is audited
and versioned.

The markers: :meth:`SafeguardingRepository.marks` reads every open flag (a small table,
``closed_at`` indexed) and who it applies to in ONE query, keyed by referral id and client
id; :meth:`SafeguardingRepository.marked` puts the kinds into the ``safeguarding`` field of
the views a list load returns (queue, board, day, dialogs), never a query per row.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any, TypeVar

from msgspec import Struct, field
from msgspec.structs import replace
from sqlalchemy import and_, literal_column, union_all
from sqlmodel import Session, col, select

from duty_desk import timeutil
from duty_desk.errors import Conflict, InputErrors, NotFound
from duty_desk.models import Client, Referral, SafeguardingFlag
from duty_desk.validation import MAX_REASON, clean_text
from duty_desk.views import (
    AcceptPreview,
    AwaitingSetup,
    BoardData,
    BookingDefaults,
    ClientHit,
    ClientRecordView,
    DayData,
    EpisodeView,
    MeetingView,
    ReferralView,
    SafeguardingFlagView,
    UnbookedFirst,
)

from .base import Aggregate
from .sql import utc

ENTITY = "safeguarding_flag"
MAX_FLAG_NOTE = 2000  # what the concern is and what was done: a paragraph, not a letter

T = TypeVar("T")


def validate_flag(kind: str | None, note: str | None, kinds: Mapping[str, str]) -> tuple[str, str]:
    """A new flag's kind (a key of ``[safeguarding] kinds``, or its label) and note."""
    errors: dict[str, str] = {}
    typed = (kind or "").strip()
    chosen = next(
        (key for key, label in kinds.items() if typed.casefold() in (key, label.casefold())),
        None,
    )
    if not typed:
        errors["kind"] = "kind of flag is required"
    elif chosen is None:
        errors["kind"] = (
            f"unknown kind of flag {visible_key(typed)!r} (expected one of: {', '.join(kinds)})"
        )
    try:
        text = clean_text(note, label="note", required=True, max_len=MAX_FLAG_NOTE, multiline=True)
    except ValueError as exc:
        errors["note"] = str(exc)
    if errors:
        raise InputErrors(errors)
    assert chosen is not None
    return chosen, text


def visible_key(text: str) -> str:
    """A typed kind as it may be repeated in a message: short, no control characters."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in text)
    return shown if len(shown) <= 40 else shown[:39] + "..."


def validate_close(
    ends_on: dt.date | None, reason: str | None, *, raised_on: dt.date, today: dt.date
) -> tuple[dt.date, str]:
    """When a flag ended (a local date, not before it was raised nor in the future) and why."""
    errors: dict[str, str] = {}
    if ends_on is None:
        errors["ends_on"] = "the end date is required"
    elif ends_on > today:
        errors["ends_on"] = "the end date is in the future"
    elif ends_on < raised_on:
        errors["ends_on"] = f"the end date is before the flag was raised ({raised_on:%d/%m/%Y})"
    try:
        text = clean_text(reason, label="reason", required=True, max_len=MAX_REASON, multiline=True)
    except ValueError as exc:
        errors["reason"] = str(exc)
    if errors:
        raise InputErrors(errors)
    assert ends_on is not None
    return ends_on, text


class FlagMarks(Struct, frozen=True):
    """The kinds of the open flags that apply to each referral and each client."""

    by_referral: dict[int, tuple[str, ...]] = field(default_factory=dict)
    by_client: dict[int, tuple[str, ...]] = field(default_factory=dict)


def _add(marks: dict[int, list[str]], key: int | None, kind: str) -> None:
    if key is not None:
        found = marks.setdefault(key, [])
        if kind not in found:
            found.append(kind)


def flags_related(
    session: Session, client_id: int, referral_id: int
) -> list[tuple[str, list[int]]]:
    """The flags raised on a client's referral, for the record's history
    (``duty_desk.repo.record.RELATED``)."""
    ids = session.exec(
        select(SafeguardingFlag.id).where(SafeguardingFlag.referral_id == referral_id)
    ).all()
    return [(ENTITY, [i for i in ids if i is not None])]


@functools.cache
def _marks_query() -> Any:
    """The query of :meth:`SafeguardingRepository.marks`, built once: every screen's read
    asks for the marks, and building this union (aliases, a subquery and its columns) cost
    more than running it."""
    flag = SafeguardingFlag.__table__.alias("f")  # type: ignore[attr-defined]
    own = Referral.__table__.alias("own")  # type: ignore[attr-defined]
    other = Referral.__table__.alias("other")  # type: ignore[attr-defined]
    is_open = flag.c.closed_at.is_(None)
    direct = select(
        flag.c.referral_id.label("rid"), flag.c.kind, flag.c.raised_at, flag.c.id
    ).where(is_open)
    same_person = (
        select(other.c.id.label("rid"), flag.c.kind, flag.c.raised_at, flag.c.id)
        .select_from(flag)
        .join(own, own.c.id == flag.c.referral_id)
        .join(
            other,
            and_(
                own.c.nhs_number.is_not(None),
                own.c.nhs_number != literal_column("''"),
                other.c.nhs_number == own.c.nhs_number,
                other.c.id != own.c.id,
            ),
        )
        .where(is_open)
    )
    applies = union_all(direct, same_person).subquery("applies")
    client = Client.__table__  # type: ignore[attr-defined]
    query = (
        select(applies.c.rid, client.c.id, applies.c.kind)
        .select_from(applies)
        .outerjoin(client, client.c.referral_id == applies.c.rid)
        .order_by(applies.c.raised_at, applies.c.id)
    )
    return query


class SafeguardingRepository(Aggregate):
    # -- writes -------------------------------------------------------------------------------
    def raise_flag(
        self,
        kind: str,
        note: str,
        *,
        referral_id: int | None = None,
        client_id: int | None = None,
    ) -> int:
        """Raise a flag on a referral, or on a client (its referral); returns its id."""
        chosen, text = validate_flag(kind, note, self.config.safeguarding.kinds)
        if (referral_id is None) == (client_id is None):
            raise InputErrors({"flag": "a flag is raised on one referral or one client"})
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            if client_id is not None:
                client = session.get(Client, client_id)
                if client is None:
                    raise NotFound(f"No client number {client_id}")
                referral_id = client.referral_id
            assert referral_id is not None
            if session.get(Referral, referral_id) is None:
                raise NotFound(f"No referral number {referral_id}")
            row = SafeguardingFlag(
                referral_id=referral_id,
                kind=chosen,
                note=text,
                raised_at=now,
                raised_by=self.ctx.actor,
            )
            return self.ctx.insert(
                session,
                row,
                "raise safeguarding flag",
                ENTITY,
                {"referral_id": referral_id, "kind": chosen, "note": text},
                now,
            )

    def close_flag(
        self,
        flag_id: int,
        ends_on: dt.date | None,
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> None:
        """Close a flag: the local date it ended and why (who and when are recorded)."""
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            row = session.get(SafeguardingFlag, flag_id)
            if row is None:
                raise NotFound(f"No safeguarding flag number {flag_id}")
            if expected_version is not None and row.version != expected_version:
                raise self.ctx.stale(session, ENTITY, flag_id, "safeguarding flag")
            if row.closed_at is not None:
                when = timeutil.fmt_local(row.closed_at, self.ctx.tz, "day")
                raise Conflict(
                    f"This flag was already closed by {row.closed_by} at {when}; "
                    "nothing was changed"
                )
            raised_on = self.ctx.today(utc(row.raised_at))
            day, why = validate_close(
                ends_on, reason, raised_on=raised_on, today=self.ctx.today(now)
            )
            self.ctx.change(
                session,
                row,
                ENTITY,
                "close safeguarding flag",
                now,
                ends_on=day,
                closed_at=now,
                closed_by=self.ctx.actor,
                close_reason=why,
            )

    # -- reads --------------------------------------------------------------------------------
    def flag(self, flag_id: int) -> SafeguardingFlagView:
        with self.ctx.unit() as session:
            found = self._flags(session, [SafeguardingFlag.id == flag_id], None)
            if not found:
                raise NotFound(f"No safeguarding flag number {flag_id}")
            return found[0]

    def flags(
        self,
        *,
        referral_id: int | None = None,
        client_id: int | None = None,
        open_only: bool = False,
    ) -> list[SafeguardingFlagView]:
        """The flags of the person of one referral or one client: those raised on it and on
        their other referrals with the same NHS number (``own`` False); open ones first,
        newest first."""
        if (referral_id is None) == (client_id is None):
            raise InputErrors({"flag": "flags are read for one referral or one client"})
        with self.ctx.unit() as session:
            if client_id is not None:
                client = session.get(Client, client_id)
                if client is None:
                    raise NotFound(f"No client number {client_id}")
                referral_id = client.referral_id
            person = session.get(Referral, referral_id)
            if person is None:
                raise NotFound(f"No referral number {referral_id}")
            same = [person.id]
            if person.nhs_number:
                same = list(
                    session.exec(
                        select(Referral.id).where(Referral.nhs_number == person.nhs_number)
                    ).all()
                )
            where = [col(SafeguardingFlag.referral_id).in_(same)]
            if open_only:
                where.append(col(SafeguardingFlag.closed_at).is_(None))
            found = self._flags(session, where, person.id)
        return sorted(
            found,
            key=lambda f: (not f.is_open, -f.raised_at.timestamp(), -f.id),
        )

    def _flags(
        self, session: Session, where: list[Any], own: int | None
    ) -> list[SafeguardingFlagView]:
        rows = session.exec(
            select(SafeguardingFlag, Referral.name, Client.id)
            .join(Referral, col(Referral.id) == SafeguardingFlag.referral_id)
            .outerjoin(Client, col(Client.referral_id) == SafeguardingFlag.referral_id)
            .where(*where)
        ).all()
        out = []
        for row, name, client_id in rows:
            assert row.id is not None
            out.append(
                SafeguardingFlagView(
                    id=row.id,
                    referral_id=row.referral_id,
                    client_id=client_id,
                    name=name,
                    kind=row.kind,
                    note=row.note,
                    raised_at=utc(row.raised_at),
                    raised_by=row.raised_by,
                    ends_on=row.ends_on,
                    closed_at=utc(row.closed_at) if row.closed_at else None,
                    closed_by=row.closed_by,
                    close_reason=row.close_reason,
                    version=row.version,
                    own=own is None or row.referral_id == own,
                )
            )
        return out

    # -- markers ------------------------------------------------------------------------------
    def marks(self) -> FlagMarks:
        """Every open flag's kind by the referrals (and clients) it applies to: one query.

        A flag applies to its own referral and to every referral with the same NHS number;
        a client carries the marks of its referral.
        """
        query = _marks_query()
        by_referral: dict[int, list[str]] = {}
        by_client: dict[int, list[str]] = {}
        with self.ctx.unit() as session:
            for referral_id, client_id, kind in session.execute(query).all():
                _add(by_referral, referral_id, kind)
                _add(by_client, client_id, kind)
        return FlagMarks(
            {key: tuple(kinds) for key, kinds in by_referral.items()},
            {key: tuple(kinds) for key, kinds in by_client.items()},
        )

    def marked(self, value: T, marks: FlagMarks | None = None) -> T:
        """``value`` (a view, a list or tuple of views, the board, the day...) with each
        person's open flag kinds in its ``safeguarding`` field; one :meth:`marks` read."""
        if marks is None:
            marks = self.marks()
        if not marks.by_referral:
            return value  # nobody is flagged: nothing to change
        return _mark(value, marks)


def _mark(value: Any, marks: FlagMarks) -> Any:
    if isinstance(value, list):
        return [_mark(item, marks) for item in value]
    if isinstance(value, tuple):
        return tuple(_mark(item, marks) for item in value)
    if isinstance(value, ReferralView):
        return _set(value, marks.by_referral.get(value.id, ()))
    if isinstance(value, EpisodeView | UnbookedFirst):
        return _set(value, marks.by_referral.get(value.referral_id, ()))
    if isinstance(value, MeetingView | BookingDefaults | ClientHit):
        return _set(value, marks.by_client.get(value.client_id, ()))
    if isinstance(value, AcceptPreview | AwaitingSetup):
        return replace(value, referral=_mark(value.referral, marks))
    if isinstance(value, BoardData):
        return replace(value, episodes=_mark(value.episodes, marks))
    if isinstance(value, ClientRecordView):
        return replace(
            value, episode=_mark(value.episode, marks), meetings=_mark(value.meetings, marks)
        )
    if isinstance(value, DayData):
        return replace(
            value, meetings=_mark(value.meetings, marks), unbooked=_mark(value.unbooked, marks)
        )
    return value


def _set(view: Any, kinds: tuple[str, ...]) -> Any:
    return view if view.safeguarding == kinds else replace(view, safeguarding=kinds)
