"""Report ``referrals``: every referral, oldest first, with its decision."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .base import Params, Report, local_time

if TYPE_CHECKING:
    from duty_desk.repository import Repository
    from duty_desk.views import ReferralView

COLUMNS: tuple[str, ...] = (
    "id",
    "received_at",
    "respond_by",
    "name",
    "date_of_birth",
    "nhs_number",
    "phone",
    "address",
    "postcode",
    "language",
    "interpreter",
    "referrer_name",
    "referrer_contact",
    "area",
    "gp_practice",
    "source",
    "urgency",
    "reason",
    "notes",
    "status",
    "triage_by",
    "triage_since",
    "onward",
    "decision_reason",
    "eligibility_override",
    "decided_by",
    "decided_at",
    # issue 11 (decisions): accepted before an earlier eligible referral, and reversals
    "order_reason",
    "reversed_by",
    "reversed_at",
    "reversal_reason",
)


def record(referral: ReferralView, tz: str) -> dict[str, Any]:
    return {
        "id": referral.id,
        "received_at": local_time(referral.received_at, tz),
        "respond_by": local_time(referral.respond_by, tz),
        "name": referral.name,
        "date_of_birth": referral.date_of_birth.isoformat(),
        "nhs_number": referral.nhs_number or None,
        "phone": referral.phone,
        "address": referral.address,
        "postcode": referral.postcode,
        "language": referral.language,
        "interpreter": "yes" if referral.interpreter else "no",
        "referrer_name": referral.referrer_name,
        "referrer_contact": referral.referrer_contact,
        "area": referral.area,
        "gp_practice": referral.gp_practice,
        "source": referral.source,
        "urgency": referral.urgency,
        "reason": referral.reason,
        "notes": referral.notes,
        "status": referral.status,
        "triage_by": referral.triage_by,
        "triage_since": local_time(referral.triage_since, tz),
        "onward": referral.onward,
        "decision_reason": referral.decision_reason,
        "eligibility_override": referral.eligibility_override,
        "decided_by": referral.decided_by,
        "decided_at": local_time(referral.decided_at, tz),
        "order_reason": referral.order_reason,
        "reversed_by": referral.reversed_by,
        "reversed_at": local_time(referral.reversed_at, tz),
        "reversal_reason": referral.reversal_reason,
    }


def rows(repo: Repository, params: Params) -> Iterator[dict[str, Any]]:
    tz = repo.config.team.timezone
    return (record(r, tz) for r in repo.referrals_for_export())


REPORT = Report(
    name="referrals",
    noun="referral",
    plural="referrals",
    columns=COLUMNS,
    rows=rows,
    help="""referrals: id, received_at, respond_by, name, date_of_birth, nhs_number,
  phone, address, postcode, language, interpreter (yes/no), referrer_name,
  referrer_contact, area, gp_practice, source, urgency, reason, notes,
  status (new, triaging, accepted, redirected, declined), triage_by,
  triage_since, onward, decision_reason, eligibility_override,
  decided_by, decided_at.""",
)
