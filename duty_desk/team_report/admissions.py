"""Hospital admissions: admissions to hospital during episodes of care.

An admission (``admission``, recorded on the client record) always falls inside its episode
(the repository refuses one before the acceptance or after the discharge), so every
admission of an episode in the area counts. Admitted and discharged are local dates; an
admission counts in the period when the person was in hospital on at least one of its
days. This module is the one place these figures are worked out: the team report and
``Repository.admissions_summary`` both read :func:`summary`.

Definitions:

- admissions (Admissions): admissions with at least one day in hospital in the period
  (admitted on or before its last day, and not discharged before its first day; still in
  hospital counts), for episodes in the area.
- new (New admissions): of those, the admissions made on a day of the period.
- people (People admitted): how many episodes those admissions belong to (a person admitted
  twice counts once).
- informal (Informal admissions): of the admissions, those informal (voluntary).
- detained (Detained admissions): of the admissions, those detained under the Mental Health
  Act 1983.
- by_section (Detained admissions by section): the detained admissions by the section of
  the Act recorded, in the order of the sections' list; sections with none left out.
- bed_days (Bed days): nights in hospital within the period: each date from the admission
  up to the day before the discharge, clipped to the period's days; an admission still
  open counts up to today (or the period's last day, if that is earlier). Admitted and
  discharged on the same day: 0.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import distinct, func, or_, select
from sqlmodel import col

from duty_desk import timeutil
from duty_desk.models import Admission
from duty_desk.views import AdmissionSummary, nights_in_hospital
from duty_desk.vocabulary import LegalStatus, MhaSection

from .care_sql import count_if, in_area
from .model import Figure, Part, Table

if TYPE_CHECKING:
    from sqlmodel import Session

    from .model import Scope

TITLE = "Hospital admissions"


def compute(session: Session, scope: Scope) -> Part:
    today = timeutil.to_local(scope.now, scope.tz).date()
    found = summary(session, scope.period.start, scope.period.end, today, scope.area)
    return Part(
        "admissions",
        figures=(
            Figure("admissions.admissions", found.admissions, "count"),
            Figure("admissions.new", found.new, "count"),
            Figure("admissions.people", found.people, "count"),
            Figure("admissions.informal", found.informal, "count"),
            Figure("admissions.detained", found.detained, "count"),
            Figure("admissions.bed_days", found.bed_days, "days"),
        ),
        tables=(
            Table(
                "admissions.by_section",
                ("section", "admissions"),
                tuple((section.value, n) for section, n in found.sections),
            ),
        ),
    )


def summary(
    session: Session, start: dt.date, end: dt.date, today: dt.date, area: str | None = None
) -> AdmissionSummary:
    """The admission figures over local dates ``start`` to ``end`` (inclusive), still-open
    admissions counted up to ``today``, for episodes in ``area`` (None: every area); in a
    few aggregate queries (see the definitions above)."""
    connection = session.connection()
    admitted_on, discharged_on = col(Admission.admitted_on), col(Admission.discharged_on)
    where = [
        admitted_on <= end,
        or_(discharged_on.is_(None), discharged_on >= start),
    ]
    if area is not None:
        where.append(in_area(area, col(Admission.client_id)))
    detained = col(Admission.legal_status) == LegalStatus.detained.value
    admissions, new, people, detained_n = connection.execute(
        select(
            func.count(),
            count_if(admitted_on >= start),
            func.count(distinct(col(Admission.client_id))),
            count_if(detained),
        ).where(*where)
    ).one()
    by_section = dict(
        connection.execute(
            select(col(Admission.mha_section), func.count())
            .where(*where, detained, col(Admission.mha_section).is_not(None))
            .group_by(col(Admission.mha_section))
        ).all()
    )
    # Bed days: one row per distinct (admitted, discharged) pair, so the dates are clipped
    # in Python without portable date arithmetic in SQL, and never one row per admission.
    bed_days = 0
    for first, last, n in connection.execute(
        select(admitted_on, discharged_on, func.count())
        .where(*where)
        .group_by(admitted_on, discharged_on)
    ).all():
        bed_days += n * nights_in_hospital(first, last, start, end, today)
    clients = connection.execute(
        select(col(Admission.client_id)).where(*where).distinct().order_by(col(Admission.client_id))
    ).scalars()
    return AdmissionSummary(
        start=start,
        end=end,
        admissions=int(admissions),
        new=int(new),
        people=int(people),
        informal=int(admissions) - int(detained_n),
        detained=int(detained_n),
        sections=tuple(
            (section, int(by_section[section.value]))
            for section in MhaSection
            if by_section.get(section.value)
        ),
        bed_days=bed_days,
        client_ids=tuple(int(c) for c in clients),
    )
