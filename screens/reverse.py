"""The words of reversing a triage decision (``u`` on the queue and on the board).

Both screens open the one reason dialog (``screens.reason_dialog``) with these lines;
the repository (``repo.reverse_decision``) applies the rules: within the settings'
window, not after a meeting took place, audited and version-checked.
"""

from __future__ import annotations

import datetime as dt

from duty_desk import timeutil
from duty_desk.config import Config
from duty_desk.views import ReferralView

ACCEPT_LINES = (
    "The week's place is given back and the episode is closed as reversed:",
    "its booked meetings are cancelled with this reason, its core team cleared.",
)


def _when(config: Config, decided_at: dt.datetime | None) -> str:
    return timeutil.fmt_local(decided_at, config.team.timezone, "day") if decided_at else "?"


def _window(config: Config) -> str:
    return f"A decision can be reversed for {config.triage.reverse_within_hours:g} hours."


def reverse_explanation(referral: ReferralView, config: Config) -> list[str]:
    """Lines for reversing ``referral``'s decision: what it was, what reversing does."""
    lines = [
        f"Decision: {referral.status} by {referral.decided_by or '?'} at "
        f"{_when(config, referral.decided_at)}.",
        "Reversing puts the referral back in the queue as new.",
    ]
    if referral.status == "accepted":
        lines += ACCEPT_LINES
    lines.append(_window(config))
    return lines


def reverse_accept_explanation(accepted_at: dt.datetime, config: Config) -> list[str]:
    """Lines for reversing a client's acceptance from the board."""
    return [
        f"Accepted at {_when(config, accepted_at)}.",
        "Reversing puts the referral back in the queue as new.",
        *ACCEPT_LINES,
        "Refused once a meeting with the client has taken place (discharge instead).",
        _window(config),
    ]
