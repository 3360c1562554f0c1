"""Releasing someone else's flagged claim, with a reason (queue: c on a flagged claim;
handover view: c on a claim row). One dialog for both: why the claim is flagged, who holds
it and since when; the release is version-checked and audited by the repository."""

from __future__ import annotations

from typing import TYPE_CHECKING

from duty_desk import timeutil
from duty_desk.handover_views import ClaimHeld
from duty_desk.handover_words import flag_words, held_for

from .reason_dialog import ReasonDialog

if TYPE_CHECKING:
    from duty_desk.repository import Repository


def release_dialog(claim: ClaimHeld, repo: Repository, tz: str) -> ReasonDialog:
    """The dialog; dismisses with True once the claim is released."""

    def save(_choice: str | None, reason: str) -> bool:
        repo.release_claim(claim.referral_id, reason, expected_version=claim.version)
        return True

    since = timeutil.fmt_local(claim.since, tz, "short")
    return ReasonDialog(
        title="Release a flagged claim",
        subject=claim.name,
        explanation=[
            f"{claim.holder} ({claim.login}) is triaging this since {since} "
            f"({held_for(claim, timeutil.now())}).",
            flag_words(claim),
            "Releasing it lets another duty worker claim it; the reason is recorded.",
        ],
        reason_label="Reason",
        confirm="Release",
        save=save,
    )
