"""Hospital admissions during an episode of care (issue 12, docs): recording and correcting
one, a client's admissions, and the figures the team report reads for a period.

Every write checks the acting staff member, validates (``validation.validate_admission``:
dates, legal status and section, the hospital) against the episode (not before it was
accepted nor after it ended) and the client's other admissions (no overlap), checks the
version read, and writes its audit row against the admission (``entity`` "admission", the
client's id in the row) in the same transaction.

Errors: InputErrors (fields ``admitted_on``, ``discharged_on``, ``legal_status``,
``mha_section``, ``hospital``); Conflict (changed by someone else since it was read,
naming who); NotFound; NotPermitted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from duty_desk import timeutil
from duty_desk.errors import InputErrors, NotFound
from duty_desk.models import Admission, Client
from duty_desk.validation import AdmissionInput, validate_admission
from duty_desk.views import AdmissionSummary, AdmissionView
from duty_desk.vocabulary import LegalStatus, MhaSection

from .base import Aggregate
from .record import RELATED

ENTITY = "admission"


def admission_view(row: Admission) -> AdmissionView:
    assert row.id is not None
    return AdmissionView(
        id=row.id,
        client_id=row.client_id,
        admitted_on=row.admitted_on,
        discharged_on=row.discharged_on,
        legal_status=LegalStatus(row.legal_status),
        mha_section=MhaSection(row.mha_section) if row.mha_section else None,
        hospital=row.hospital,
        created_by=row.created_by,
        created_at=timeutil.as_utc(row.created_at),
        version=row.version,
    )


def _overlaps(new: AdmissionInput, other: Admission) -> bool:
    """Two stays overlap when each begins before the other ends (a discharge and a new
    admission on the same day do not overlap: a transfer); no discharge: still there."""
    new_end = new.discharged_on or dt.date.max
    other_end = other.discharged_on or dt.date.max
    return new.admitted_on < other_end and other.admitted_on < new_end


class AdmissionRepository(Aggregate):
    def _checked(
        self,
        session: Session,
        client_id: int,
        values: tuple[Any, ...],
        today: dt.date,
        moving: int | None = None,
    ) -> AdmissionInput:
        client = session.get(Client, client_id)
        if client is None:
            raise NotFound(f"No client number {client_id}")
        accepted_on = timeutil.to_local(client.accepted_at, self.ctx.tz).date()
        ended_on = (
            timeutil.to_local(client.discharged_at, self.ctx.tz).date()
            if client.discharged_at is not None
            else None
        )
        checked = validate_admission(
            *values, today=today, accepted_on=accepted_on, episode_ended_on=ended_on
        )
        query = select(Admission).where(Admission.client_id == client_id)
        if moving is not None:
            query = query.where(Admission.id != moving)
        others = session.exec(query).all()
        clash = next((other for other in others if _overlaps(checked, other)), None)
        if clash is not None:
            until = (
                f"to {clash.discharged_on:%d/%m/%Y}"
                if clash.discharged_on
                else "and not discharged yet"
            )
            raise InputErrors(
                {
                    "admitted_on": "this overlaps another admission of the same client "
                    f"(from {clash.admitted_on:%d/%m/%Y} {until})"
                }
            )
        return checked

    def add_admission(
        self,
        client_id: int,
        admitted_on: dt.date | None,
        discharged_on: dt.date | None,
        legal_status: str | None,
        mha_section: str | None,
        hospital: str | None,
    ) -> int:
        """Record an admission of client ``client_id``; returns its id."""
        now = timeutil.now()
        today = self.ctx.today(now)
        values = (admitted_on, discharged_on, legal_status, mha_section, hospital)
        validate_admission(*values, today=today)  # input errors before any lookup
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            checked = self._checked(session, client_id, values, today)
            row = Admission(
                client_id=client_id,
                admitted_on=checked.admitted_on,
                discharged_on=checked.discharged_on,
                legal_status=checked.legal_status,
                mha_section=checked.mha_section,
                hospital=checked.hospital,
                created_at=now,
                created_by=self.ctx.actor,
            )
            return self.ctx.insert(
                session,
                row,
                "add admission",
                ENTITY,
                {
                    "client_id": client_id,
                    "admitted_on": checked.admitted_on,
                    "discharged_on": checked.discharged_on,
                    "legal_status": checked.legal_status,
                    "mha_section": checked.mha_section,
                    "hospital": checked.hospital,
                },
                now,
            )

    def edit_admission(
        self,
        admission_id: int,
        admitted_on: dt.date | None,
        discharged_on: dt.date | None,
        legal_status: str | None,
        mha_section: str | None,
        hospital: str | None,
        *,
        expected_version: int | None = None,
    ) -> None:
        """Correct an admission, or record the discharge from hospital. Refused (naming who
        changed what) when it changed since ``expected_version`` was read."""
        now = timeutil.now()
        today = self.ctx.today(now)
        values = (admitted_on, discharged_on, legal_status, mha_section, hospital)
        validate_admission(*values, today=today)
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            row = session.get(Admission, admission_id)
            if row is None:
                raise NotFound(f"No admission number {admission_id}")
            if expected_version is not None and row.version != expected_version:
                raise self.ctx.stale(session, ENTITY, admission_id, "admission")
            checked = self._checked(session, row.client_id, values, today, moving=admission_id)
            self.ctx.change(
                session,
                row,
                ENTITY,
                "edit admission",
                now,
                admitted_on=checked.admitted_on,
                discharged_on=checked.discharged_on,
                legal_status=checked.legal_status,
                mha_section=checked.mha_section,
                hospital=checked.hospital,
            )

    def admission(self, admission_id: int) -> AdmissionView:
        with self.ctx.unit() as session:
            row = session.get(Admission, admission_id)
            if row is None:
                raise NotFound(f"No admission number {admission_id}")
            return admission_view(row)

    def admissions(self, client_id: int) -> list[AdmissionView]:
        """A client's admissions, newest first."""
        with self.ctx.unit() as session:
            rows = session.exec(
                select(Admission)
                .where(Admission.client_id == client_id)
                .order_by(col(Admission.admitted_on).desc(), col(Admission.id).desc())
            ).all()
            return [admission_view(row) for row in rows]

    def admissions_in(self, start: dt.date, end: dt.date) -> list[AdmissionView]:
        """Every admission with a day in hospital on local dates ``start`` to ``end``."""
        with self.ctx.unit() as session:
            rows = session.exec(
                select(Admission)
                .where(
                    col(Admission.admitted_on) <= end,
                    (col(Admission.discharged_on).is_(None))
                    | (col(Admission.discharged_on) >= start),
                )
                .order_by(col(Admission.admitted_on), col(Admission.id))
            ).all()
            return [admission_view(row) for row in rows]

    def admissions_summary(self, start: dt.date, end: dt.date) -> AdmissionSummary:
        """The figures for the team report over ``start`` to ``end`` (local dates,
        inclusive), every area: see :class:`~duty_desk.views.AdmissionSummary`. Worked out
        once, in the team report's admissions part (``team_report.admissions.summary``)."""
        from duty_desk.team_report.admissions import summary

        today = self.ctx.today()
        with self.ctx.unit() as session:
            return summary(session, start, end, today)


def admission_records(
    session: Session, client_id: int, referral_id: int
) -> list[tuple[str, list[int]]]:
    """A client's admissions, for the history on the client record (``record.RELATED``)."""
    ids = session.exec(select(Admission.id).where(Admission.client_id == client_id)).all()
    return [(ENTITY, [i for i in ids if i is not None])]


# The client record's history shows the admissions' audit rows too (one registration, here,
# so that the record's own module needs no line for each part).
RELATED.append(admission_records)
