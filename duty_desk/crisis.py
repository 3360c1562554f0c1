"""The crisis and contingency plan and the risk summary (issue 12, safety): their fields,
how a plan's input is checked, the review date offered for a new one, and the state of a
review date (overdue, due soon, in time). Pure functions, no database and no UI: the
repository (``duty_desk.repo.crisis``), the CLI and the screens all read them here.

Review dates are local dates (the team's zone). A review date is overdue the day after
it; on the day itself it is due. Saving refuses a review date in the past (it would be
overdue as it is saved: a plan needs a real next review, not a date that hides it) and
one more than :data:`MAX_REVIEW_AHEAD_DAYS` ahead (a plan relied on in a crisis is
reviewed at least yearly).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping

from msgspec import Struct

from . import timeutil
from .config import Config
from .errors import InputErrors
from .validation import clean_text

MAX_PLAN_FIELD = 2000  # characters in each part of a crisis plan
MAX_RISK = 4000  # characters in a risk summary
MAX_REVIEW_AHEAD_DAYS = 366

PLAN_FIELDS: tuple[str, ...] = (
    "early_signs",
    "what_helps",
    "what_to_avoid",
    "contact_in_hours",
    "contact_out_of_hours",
)
"""The parts of a crisis plan, in the order they are written and shown."""

PLAN_LABELS: Mapping[str, str] = {
    "early_signs": "Early signs",
    "what_helps": "What helps",
    "what_to_avoid": "What to avoid",
    "contact_in_hours": "Contact in team hours",
    "contact_out_of_hours": "Contact out of hours",
    "review_on": "Review date",
}
RISK_LABELS: Mapping[str, str] = {"summary": "Risk summary", "review_on": "Review date"}


class ReviewState(enum.StrEnum):
    overdue = "overdue"  # the review date has passed
    due_soon = "due_soon"  # today, or within [record] review_due_soon_days
    in_time = "in_time"


class Review(Struct, frozen=True):
    """A review date seen from one day: its state and the whole days to (or since) it."""

    on: dt.date
    state: ReviewState
    days: int  # days until the review (negative: days overdue)

    @property
    def words(self) -> str:
        """``review overdue by 3 days`` / ``review due today`` / ``review due in 5 days`` /
        ``review on 12/01/2027``: the state in words, never by colour alone."""
        if self.state is ReviewState.overdue:
            late = -self.days
            return f"REVIEW OVERDUE by {late} day{'s' if late != 1 else ''}"
        if self.days == 0:
            return "review due today"
        if self.state is ReviewState.due_soon:
            return f"review due in {self.days} day{'s' if self.days != 1 else ''}"
        return f"review by {timeutil.fmt_date(self.on)}"


def review(on: dt.date, today: dt.date, due_soon_days: int) -> Review:
    """The state of a review date ``on`` seen from local ``today``."""
    days = (on - today).days
    if days < 0:
        state = ReviewState.overdue
    elif days <= due_soon_days:
        state = ReviewState.due_soon
    else:
        state = ReviewState.in_time
    return Review(on=on, state=state, days=days)


def default_review(today: dt.date, weeks: int) -> dt.date:
    """The review date offered for a new plan or summary: ``weeks`` ahead of ``today``."""
    return today + dt.timedelta(weeks=weeks)


def default_out_of_hours(config: Config) -> str:
    """The out-of-hours contact offered for a new plan, from the settings
    (``[handover] out_of_hours_service`` and ``out_of_hours_contact``)."""
    service = config.handover.out_of_hours_service
    contact = config.handover.out_of_hours_contact
    if not contact:
        return service
    if service.casefold() in contact.casefold():
        return contact
    return f"{service}: {contact}"


def contact_differs(plan_text: str, config: Config) -> bool:
    """Whether a plan's out-of-hours contact no longer holds the settings' current one
    (the service's number changed since the plan was written, or the plan names another):
    the record then shows the settings' contact beside it (hazard H54)."""
    contact = config.handover.out_of_hours_contact.strip()
    if not contact:
        return False
    return contact.casefold() not in plan_text.casefold()


def check_review_on(value: dt.date | None, today: dt.date) -> dt.date:
    """A review date to save, or ValueError with the sentence for the person."""
    if value is None:
        raise ValueError("a review date is required (when will it be looked at again?)")
    problem = timeutil.date_problem(value)
    if problem:
        raise ValueError(problem)
    if value < today:
        raise ValueError(
            f"the review date {timeutil.fmt_date(value)} has passed: give the date of the "
            "next review (today or later)"
        )
    if (value - today).days > MAX_REVIEW_AHEAD_DAYS:
        raise ValueError(
            f"the review date {timeutil.fmt_date(value)} is more than a year ahead: "
            "a crisis plan or risk summary is reviewed at least once a year"
        )
    return value


def validate_plan(
    fields: Mapping[str, str | None], review_on: dt.date | None, today: dt.date
) -> tuple[dict[str, str], dt.date]:
    """A crisis plan's parts (trimmed) and its review date, or ``InputErrors`` with one
    message per field. At least one part must be written (an empty plan is no plan)."""
    errors: dict[str, str] = {}
    unknown = sorted(set(fields) - set(PLAN_FIELDS))
    if unknown:
        raise InputErrors({"plan": f"no such part of a crisis plan: {', '.join(unknown)}"})
    cleaned: dict[str, str] = {}
    for name in PLAN_FIELDS:
        label = PLAN_LABELS[name].lower()
        try:
            cleaned[name] = clean_text(
                fields.get(name),
                label=label,
                required=False,
                max_len=MAX_PLAN_FIELD,
                multiline=True,
            )
        except ValueError as exc:
            errors[name] = str(exc)
    if not errors and not any(cleaned.values()):
        errors["early_signs"] = (
            "the plan is empty: write at least one part with the person (early signs, "
            "what helps, what to avoid or who to contact)"
        )
    day = _review(review_on, today, errors)
    if errors:
        raise InputErrors(errors)
    assert day is not None
    return cleaned, day


def validate_risk(
    summary: str | None, review_on: dt.date | None, today: dt.date
) -> tuple[str, dt.date]:
    """A risk summary (trimmed) and its review date, or ``InputErrors``."""
    errors: dict[str, str] = {}
    text = ""
    try:
        text = clean_text(
            summary, label="risk summary", required=True, max_len=MAX_RISK, multiline=True
        )
    except ValueError as exc:
        errors["summary"] = str(exc)
    day = _review(review_on, today, errors)
    if errors:
        raise InputErrors(errors)
    assert day is not None
    return text, day


def _review(value: dt.date | None, today: dt.date, errors: dict[str, str]) -> dt.date | None:
    try:
        return check_review_on(value, today)
    except ValueError as exc:
        errors["review_on"] = str(exc)
        return None
