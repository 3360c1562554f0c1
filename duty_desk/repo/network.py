"""The person's network (issue 12): adding members (at triage or any time after acceptance),
editing them (relationship, phone, whether they take part in meetings, the person's consent
to share information with them), removing them with a reason, and listing them (removed
ones included, flagged).

Consent is never typed as a time or a name: when the answer changes, this module records
when (the clock) and by whom (the acting login). Edits are versioned: a save made on an old
read is refused naming who changed what, nothing written. Every change is audited (the
changed fields only, before and after). Removal keeps the row, so the history and past
meetings' attendance still name them; a removed member is not offered for new meetings
(``current_member_ids``, used by booking).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, or_, select

from duty_desk import models, timeutil
from duty_desk.errors import Conflict, NotFound
from duty_desk.models import Client, Referral, table_of
from duty_desk.validation import (
    check_consent,
    validate_network_edit,
    validate_network_member,
    validate_reason,
)
from duty_desk.views import AuditEntry, NetworkMemberView
from duty_desk.vocabulary import Consent

from .audit import entry
from .base import Aggregate
from .sql import cols, run

ENTITY = "network_member"
WHAT = "network member"
ADD_ACTION = "add network member"  # audited against the referral (the person's record)
EDIT_ACTION = "edit network member"
REMOVE_ACTION = "remove network member"


def member_view(row: Any) -> NetworkMemberView:
    """The view of one network member row (removed ones included): a NetworkMember or a
    row of its columns."""
    return NetworkMemberView(
        id=row.id or 0,
        name=row.name,
        relationship=row.relationship,
        phone=row.phone,
        takes_part=row.takes_part,
        consent=Consent(row.consent),
        consent_at=timeutil.as_utc(row.consent_at) if row.consent_at else None,
        consent_by=row.consent_by,
        removed_at=timeutil.as_utc(row.removed_at) if row.removed_at else None,
        removed_by=row.removed_by,
        removed_reason=row.removed_reason,
        version=row.version,
        referral_id=row.referral_id,
    )


def member_rows(
    session: Session, referral_id: int, *, include_removed: bool = True
) -> Sequence[Any]:
    """A referral's network members in the order they were added (removed ones too, unless
    ``include_removed`` is False), as rows of their columns (Core: see repo/sql.py)."""
    members = cols(models.NetworkMember)
    query = sa_select(*table_of(models.NetworkMember).columns).where(
        members.referral_id == referral_id
    )
    if not include_removed:
        query = query.where(members.removed_at.is_(None))
    session.flush()  # members this unit added or changed are read too, as the ORM would
    return run(session, query.order_by(members.id)).all()


def current_members(session: Session, referral_id: int) -> tuple[NetworkMemberView, ...]:
    """The members not removed: the ones offered for new meetings, and shown on the queue."""
    return tuple(member_view(r) for r in member_rows(session, referral_id, include_removed=False))


def current_member_ids(session: Session, referral_id: int) -> tuple[list[int], set[int]]:
    """For booking: the current members who take part (invited when nobody is chosen), and
    the ids of every current member (those that may be chosen)."""
    rows = member_rows(session, referral_id, include_removed=False)
    return [r.id for r in rows if r.id is not None and r.takes_part], {
        r.id for r in rows if r.id is not None
    }


def removed_member_refusal() -> str:
    return "someone chosen was removed from this client's network; they are not invited again"


class NetworkRepository(Aggregate):
    """Adding, editing, removing and listing the members of a person's network."""

    # -- reading ------------------------------------------------------------------------------
    def members(self, referral_id: int, *, include_removed: bool = True) -> list[NetworkMemberView]:
        with self.ctx.unit() as session:
            if session.get(Referral, referral_id) is None:
                raise NotFound(f"No referral number {referral_id}")
            return [
                member_view(r)
                for r in member_rows(session, referral_id, include_removed=include_removed)
            ]

    def client_members(
        self, client_id: int, *, include_removed: bool = True
    ) -> list[NetworkMemberView]:
        with self.ctx.unit() as session:
            client = session.get(Client, client_id)
            if client is None:
                raise NotFound(f"No client number {client_id}")
            return [
                member_view(r)
                for r in member_rows(session, client.referral_id, include_removed=include_removed)
            ]

    def member(self, member_id: int) -> NetworkMemberView:
        with self.ctx.unit() as session:
            return member_view(self._row(session, member_id))

    def history(self, referral_id: int) -> list[AuditEntry]:
        """Every audited change to the network of one referral, oldest first: members added
        (entries on the referral) and their edits and removals (entries on each member)."""
        from duty_desk.models import AuditLog  # the audit table: not built for a plain read

        with self.ctx.unit() as session:
            ids = [r.id for r in member_rows(session, referral_id) if r.id is not None]
            rows = session.exec(
                select(AuditLog)
                .where(
                    or_(
                        (col(AuditLog.entity) == "referral")
                        & (col(AuditLog.entity_id) == referral_id)
                        & (col(AuditLog.action) == ADD_ACTION),
                        (col(AuditLog.entity) == ENTITY) & col(AuditLog.entity_id).in_(ids),
                    )
                )
                .order_by(col(AuditLog.id))
            ).all()
            return [entry(row) for row in rows]

    # -- writing ------------------------------------------------------------------------------
    def add(
        self,
        referral_id: int,
        name: str,
        relationship: str = "",
        phone: str = "",
        *,
        takes_part: bool | str = True,
        consent: Consent | str = Consent.not_asked,
    ) -> int:
        """A new member; the consent, when given, is recorded as the actor's, now."""
        name, relationship, phone = validate_network_member(name, relationship, phone)
        extra = validate_network_edit({"takes_part": takes_part, "consent": consent})
        part, answer = bool(extra["takes_part"]), Consent(str(extra["consent"]))
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            me = self.ctx.me(session)
            if session.get(Referral, referral_id) is None:
                raise NotFound(f"No referral number {referral_id}")
            asked = answer is not Consent.not_asked
            member = models.NetworkMember(
                referral_id=referral_id,
                name=name,
                relationship=relationship,
                phone=phone,
                created_at=now,
                takes_part=part,
                consent=answer.value,
                consent_at=now if asked else None,
                consent_by=me.login if asked else None,
            )
            session.add(member)
            session.flush()
            assert member.id is not None
            after: dict[str, Any] = {
                "network_member_id": member.id,
                "name": name,
                "relationship": relationship,
                "phone": phone,
            }
            if not part:
                after["takes_part"] = False
            if asked:
                after.update(consent=answer.value, consent_at=now, consent_by=me.login)
            self.ctx.audit(session, ADD_ACTION, "referral", referral_id, None, after, now)
            return member.id

    def edit(
        self,
        member_id: int,
        changes: Mapping[str, object],
        *,
        expected_version: int | None = None,
    ) -> NetworkMemberView:
        """Change the given fields (``validation.NETWORK_EDIT_FIELDS``). A change of consent
        records when and by whom. Refused, nothing written: bad input (InputErrors), a
        member changed since ``expected_version`` was read (who changed what), a removed
        member."""
        values = validate_network_edit(changes)
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            me = self.ctx.me(session)
            row = self._row(session, member_id)
            if expected_version is not None and row.version != expected_version:
                raise self.ctx.stale(session, ENTITY, member_id, WHAT)
            if row.removed_at is not None:
                raise Conflict(self._removed_words(row, "cannot be edited; nothing was changed"))
            if "consent" in values:
                values["consent"] = check_consent(values["consent"]).value
            changed = {k: v for k, v in values.items() if getattr(row, k) != v}
            if "consent" in changed:
                changed.update(consent_at=now, consent_by=me.login)
            if changed:
                self.ctx.change(session, row, ENTITY, EDIT_ACTION, now, **changed)
            return member_view(row)

    def remove(
        self, member_id: int, reason: str, *, expected_version: int | None = None
    ) -> NetworkMemberView:
        """Take a member out of the network, with a reason: kept for the history and past
        meetings, no longer offered for new ones."""
        why = validate_reason(reason)
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            me = self.ctx.me(session)
            row = self._row(session, member_id)
            if expected_version is not None and row.version != expected_version:
                raise self.ctx.stale(session, ENTITY, member_id, WHAT)
            if row.removed_at is not None:
                raise Conflict(self._removed_words(row, "nothing was changed"))
            self.ctx.change(
                session,
                row,
                ENTITY,
                REMOVE_ACTION,
                now,
                removed_at=now,
                removed_by=me.login,
                removed_reason=why,
            )
            return member_view(row)

    # -- helpers ------------------------------------------------------------------------------
    def _row(self, session: Session, member_id: int) -> models.NetworkMember:
        row = session.get(models.NetworkMember, member_id)
        if row is None:
            raise NotFound(f"No network member number {member_id}")
        return row

    def _removed_words(self, row: models.NetworkMember, then: str) -> str:
        assert row.removed_at is not None
        when = timeutil.fmt_local(timeutil.as_utc(row.removed_at), self.ctx.tz, "day")
        return (
            f"This network member was removed from the network by {row.removed_by} at {when}; "
            f"{then}"
        )
