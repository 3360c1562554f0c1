"""The crisis and contingency plan and the risk summary of an episode (issue 12, safety):
reading them, saving them (versioned, stale saves refused naming who changed what, every
change audited with the fields before and after), their earlier versions rebuilt from the
audit log, and the board's breaks for them (an overdue review, an episode with no plan)
in one indexed read.

The input rules (parts, lengths, the review date) are in ``duty_desk.crisis``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import String, cast, literal, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from duty_desk import crisis, timeutil
from duty_desk.db import CRISIS_PLANS_SINCE
from duty_desk.errors import Conflict, NotFound
from duty_desk.models import AuditLog, Client, ClientStatus, CrisisPlan, Meta, RiskSummary
from duty_desk.views import (
    ContinuityBreak,
    CrisisPlanView,
    CrisisRecordView,
    EpisodeView,
    PlanVersion,
    RiskSummaryView,
)
from duty_desk.vocabulary import BreakKind

from .base import Aggregate, Context
from .sql import cols, day, plain, run, utc

PLAN = "crisis_plan"
RISK = "risk_summary"
_RISK_FIELDS = ("summary",)
_SINCE = "since"  # the union's row holding duty_desk.db.CRISIS_PLANS_SINCE


_Saved = TypeVar("_Saved", CrisisPlanView, RiskSummaryView)
_Row = TypeVar("_Row", CrisisPlan, RiskSummary)


def _saved_view(view: type[_Saved], row: CrisisPlan | RiskSummary) -> _Saved:
    """The plan's or the summary's view: every field of the view read from the row of the
    same name, its two instants as UTC (one mapping for both, so neither drifts)."""
    assert row.id is not None
    values = {name: getattr(row, name) for name in view.__struct_fields__}
    values["created_at"] = utc(row.created_at)
    values["updated_at"] = utc(row.updated_at)
    return view(**values)


def _plan_view(row: CrisisPlan) -> CrisisPlanView:
    return _saved_view(CrisisPlanView, row)


def _risk_view(row: RiskSummary) -> RiskSummaryView:
    return _saved_view(RiskSummaryView, row)


class CrisisRepository(Aggregate):
    # -- reading ---------------------------------------------------------------------------
    def crisis_plan(self, client_id: int) -> CrisisPlanView | None:
        """The episode's crisis plan, or None when none has been written."""
        with self.ctx.unit() as session:
            row = session.exec(select(CrisisPlan).where(CrisisPlan.client_id == client_id)).first()
            return _plan_view(row) if row is not None else None

    def risk_summary(self, client_id: int) -> RiskSummaryView | None:
        """The episode's risk summary, or None when none has been written."""
        with self.ctx.unit() as session:
            row = session.exec(
                select(RiskSummary).where(RiskSummary.client_id == client_id)
            ).first()
            return _risk_view(row) if row is not None else None

    def crisis_plan_history(self, client_id: int) -> list[PlanVersion]:
        """Every saved version of the episode's crisis plan, oldest first."""
        with self.ctx.unit() as session:
            row = session.exec(select(CrisisPlan).where(CrisisPlan.client_id == client_id)).first()
            if row is None:
                return []
            assert row.id is not None
            return _versions(session, PLAN, row.id, (*crisis.PLAN_FIELDS, "review_on"))

    def risk_summary_history(self, client_id: int) -> list[PlanVersion]:
        """Every saved version of the episode's risk summary, oldest first."""
        with self.ctx.unit() as session:
            row = session.exec(
                select(RiskSummary).where(RiskSummary.client_id == client_id)
            ).first()
            if row is None:
                return []
            assert row.id is not None
            return _versions(session, RISK, row.id, (*_RISK_FIELDS, "review_on"))

    def crisis_record(self, client_id: int) -> CrisisRecordView:
        """The plan, the risk summary and their versions, in one unit of work."""
        with self.ctx.unit() as session:
            plan = session.exec(select(CrisisPlan).where(CrisisPlan.client_id == client_id)).first()
            risk = session.exec(
                select(RiskSummary).where(RiskSummary.client_id == client_id)
            ).first()
            plan_versions: list[PlanVersion] = []
            risk_versions: list[PlanVersion] = []
            if plan is not None and plan.id is not None:
                plan_versions = _versions(
                    session, PLAN, plan.id, (*crisis.PLAN_FIELDS, "review_on")
                )
            if risk is not None and risk.id is not None:
                risk_versions = _versions(session, RISK, risk.id, (*_RISK_FIELDS, "review_on"))
            return CrisisRecordView(
                client_id=client_id,
                plan=_plan_view(plan) if plan is not None else None,
                risk=_risk_view(risk) if risk is not None else None,
                plan_versions=tuple(plan_versions),
                risk_versions=tuple(risk_versions),
            )

    # -- saving ----------------------------------------------------------------------------
    def save_crisis_plan(
        self,
        client_id: int,
        fields: Mapping[str, str | None],
        review_on: dt.date | None,
        *,
        expected_version: int | None,
    ) -> CrisisPlanView:
        """Write or change the episode's crisis plan. ``expected_version``: the version the
        person opened (None: they saw no plan). A plan changed (or written) by someone else
        since is refused, naming who changed what; nothing is written then. Saving with
        nothing changed writes nothing."""
        now = timeutil.now()
        parts, review_day = crisis.validate_plan(fields, review_on, self.ctx.today(now))
        values: dict[str, Any] = {**parts, "review_on": review_day}
        row = self._save(CrisisPlan, PLAN, "crisis plan", client_id, values, expected_version, now)
        return _plan_view(row)

    def save_risk_summary(
        self,
        client_id: int,
        summary: str | None,
        review_on: dt.date | None,
        *,
        expected_version: int | None,
    ) -> RiskSummaryView:
        """Write or change the episode's risk summary, as :meth:`save_crisis_plan`."""
        now = timeutil.now()
        text, review_day = crisis.validate_risk(summary, review_on, self.ctx.today(now))
        values: dict[str, Any] = {"summary": text, "review_on": review_day}
        row = self._save(
            RiskSummary, RISK, "risk summary", client_id, values, expected_version, now
        )
        return _risk_view(row)

    def _save(
        self,
        model: type[_Row],
        entity: str,
        what: str,
        client_id: int,
        values: dict[str, Any],
        expected_version: int | None,
        now: dt.datetime,
    ) -> _Row:
        """Write (``write <what>``) or change (``change <what>``) the episode's one row of
        ``model``, audited; a version other than the one opened is refused naming who
        changed what; nothing changed writes nothing. One path for the plan and the risk
        summary, so neither's checks can drift from the other's."""
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            self._open_episode(session, client_id)
            row = session.exec(select(model).where(model.client_id == client_id)).first()
            if row is None:
                if expected_version is not None:
                    raise Conflict(f"This {what} is no longer there; nothing was saved, look again")
                row = model(
                    client_id=client_id,
                    created_at=now,
                    created_by=self.ctx.actor,
                    updated_at=now,
                    updated_by=self.ctx.actor,
                    **values,
                )
                self.ctx.insert(
                    session, row, f"write {what}", entity, {"client_id": client_id, **values}, now
                )
                return row
            assert row.id is not None
            if expected_version != row.version:
                raise self.ctx.stale(session, entity, row.id, what)
            if all(getattr(row, key) == value for key, value in values.items()):
                return row
            row.updated_at = now
            row.updated_by = self.ctx.actor
            self.ctx.change(session, row, entity, f"change {what}", now, **values)
            return row

    def _open_episode(self, session: Session, client_id: int) -> None:
        status = session.exec(select(Client.status).where(Client.id == client_id)).first()
        if status is None:
            raise NotFound(f"No client number {client_id}")
        if status != ClientStatus.open.value:
            raise Conflict(
                "This episode is closed (discharged or reversed): its crisis plan and risk "
                "summary are kept as they were; nothing was saved"
            )


def _versions(
    session: Session, entity: str, entity_id: int, names: tuple[str, ...]
) -> list[PlanVersion]:
    """The versions of one plan or summary, replaying its audit entries (the first holds
    every field; each later one the fields it changed)."""
    rows = session.exec(
        select(AuditLog)
        .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
        .order_by(col(AuditLog.id))
    ).all()
    values = dict.fromkeys(names, "")
    out: list[PlanVersion] = []
    for row in rows:
        after = json.loads(row.after) if row.after else {}
        changed = tuple(name for name in names if name in after)
        if not changed:
            continue
        for name in changed:
            values[name] = str(after[name]) if after[name] is not None else ""
        out.append(
            PlanVersion(
                number=len(out) + 1,
                at=utc(row.at),
                by=row.actor,
                action=row.action,
                changed=changed,
                values=dict(values),
            )
        )
    return out


def review_breaks(
    ctx: Context, session: Session, episodes: Mapping[int, EpisodeView], now: dt.datetime
) -> list[ContinuityBreak]:
    """The board's breaks for crisis plans and risk summaries of ``episodes``: a review
    date that has passed, and (``[record] no_crisis_plan_days`` > 0) an episode accepted
    that many days ago or more with no crisis plan (not one accepted before the database
    held crisis plans: ``duty_desk.db.CRISIS_PLANS_SINCE``). One read over the
    ``review_on`` indexes (every plan's client and date, overdue risk summaries only, and
    that marker): no read per client."""
    if not episodes:
        return []
    settings = ctx.config.record
    today = ctx.today(now)
    missing = settings.no_crisis_plan_days > 0
    plan, risk, meta = cols(CrisisPlan), cols(RiskSummary), cols(Meta)
    plans = sa_select(literal(PLAN).label("what"), plan.client_id, cast(plan.review_on, String))
    if not missing:
        plans = plans.where(plan.review_on < today)
    risks = sa_select(
        literal(RISK).label("what"), risk.client_id, cast(risk.review_on, String)
    ).where(risk.review_on < today)
    parts = [plans, risks]
    if missing:
        parts.append(
            sa_select(literal(_SINCE).label("what"), literal(0), meta.value).where(
                meta.key == CRISIS_PLANS_SINCE
            )
        )
    found = run(session, union_all(*parts)).all()
    out: list[ContinuityBreak] = []
    with_plan: set[int] = set()
    since: dt.datetime | None = None
    for what, client_id, value in found:
        if what == _SINCE:
            since = _instant(value)
            continue
        if what == PLAN:
            with_plan.add(client_id)
        e = episodes.get(client_id)
        if e is None:
            continue
        on = day(value)
        if on >= today:
            continue
        out.append(
            ContinuityBreak(
                kind=BreakKind.crisis_plan_overdue
                if what == PLAN
                else BreakKind.risk_review_overdue,
                client_id=client_id,
                client_name=e.name,
                at=plain(ctx.midnight(on)),
                days=(today - on).days,
            )
        )
    if missing:
        latest = now - dt.timedelta(days=settings.no_crisis_plan_days)
        for e in episodes.values():
            if e.client_id in with_plan or e.accepted_at > latest:
                continue
            if since is not None and e.accepted_at < since:
                continue  # accepted before plans were kept here: the record says so
            out.append(
                ContinuityBreak(
                    kind=BreakKind.crisis_plan_missing,
                    client_id=e.client_id,
                    client_name=e.name,
                    at=e.accepted_at,
                    days=(now - e.accepted_at).days,
                )
            )
    return out


def _instant(value: str) -> dt.datetime | None:
    try:
        found = dt.datetime.fromisoformat(value)
    except ValueError:
        return None  # not readable: every episode is checked
    return found if found.tzinfo is not None else found.replace(tzinfo=dt.UTC)


def crisis_related(
    session: Session, client_id: int, referral_id: int
) -> list[tuple[str, list[int]]]:
    """The client's crisis plan and risk summary, for the record's history
    (``duty_desk.repo.record.RELATED``)."""
    plans = [
        i
        for i in session.exec(select(CrisisPlan.id).where(CrisisPlan.client_id == client_id))
        if i is not None
    ]
    risks = [
        i
        for i in session.exec(select(RiskSummary.id).where(RiskSummary.client_id == client_id))
        if i is not None
    ]
    return [(PLAN, plans), (RISK, risks)]
