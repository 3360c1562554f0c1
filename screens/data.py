"""What the queue screen reads in one go: the acting login, intake and open referrals.

Runs in worker threads only (it calls the repository, which blocks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from duty_desk.views import AreaIntake, ReferralFilter, ReferralView, StaffView

if TYPE_CHECKING:
    from duty_desk.repository import Repository


@dataclass(frozen=True)
class Detail:
    referral: ReferralView
    problems: tuple[str, ...]
    week: AreaIntake | None


@dataclass(frozen=True)
class Snapshot:
    staff: StaffView | None
    intake: tuple[AreaIntake, ...]
    referrals: tuple[ReferralView, ...]
    search: str
    detail: Detail | None = None  # of the referral shown first, when asked for


def read_detail(repo: Repository, referral_id: int) -> Detail:
    referral = repo.referral(referral_id)
    return Detail(referral, tuple(repo.eligibility(referral)), repo.intake_for(referral))


def read_snapshot(
    repo: Repository,
    search: str = "",
    *,
    with_detail: bool = False,
    status: ReferralFilter = ReferralFilter.open,
    first: int | None = None,
) -> Snapshot:
    """The acting login, the week's intake and the open (or, with ``status``, the decided
    or all) referrals, filtered in SQL; ``with_detail``, the details of the referral shown
    first too: ``first`` (a row above the referrals), else the first referral."""
    staff = repo.acting_staff()
    intake = tuple(repo.intake())
    referrals = tuple(repo.find_referrals(search, status))
    if first is None and referrals:
        first = referrals[0].id
    detail = read_detail(repo, first) if with_detail and first is not None else None
    return Snapshot(staff, intake, referrals, search, detail)
