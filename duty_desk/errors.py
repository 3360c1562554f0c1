"""What can go wrong in a unit of work, each with one plain sentence for the person."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .views import ScheduleProblem


class DutyDeskError(Exception):
    """Base: ``str(error)`` is a complete sentence fit for the screen or stderr."""


class NotPermitted(DutyDeskError):
    """The acting login may look but not change (not staff, or not active)."""


class NotFound(DutyDeskError):
    pass


class Conflict(DutyDeskError):
    """Someone else got there first (claimed, decided or changed the record)."""


class NoPlacesLeft(DutyDeskError):
    """The area's weekly intake cap is reached; the cap is never exceeded."""


class NotEligible(DutyDeskError):
    """Outside the client group; a duty worker may override with a recorded reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Not eligible for POD: " + "; ".join(problems) + ".")


class OutOfOrder(DutyDeskError):
    """Issue 11 (decisions): an earlier eligible referral in the same area and intake week
    still waits; the weekly rule takes referrals in order, so accepting this one needs a
    recorded reason. ``earlier`` holds their ids and received times (no names)."""

    def __init__(self, earlier: list[tuple[int, str]]) -> None:
        self.earlier = earlier
        when = ", ".join(f"number {ref} received {at}" for ref, at in earlier)
        super().__init__(
            f"An earlier eligible referral in this area still waits ({when}): the weekly "
            "places go to referrals in the order they arrive, so give a reason to accept "
            "this one first."
        )


class InputErrors(DutyDeskError):
    """Bad input: one message per field, keyed by field name; nothing was saved."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field}: {problem}" for field, problem in errors.items()))


class BookingWarnings(DutyDeskError):
    """A booking has warnings that may be booked over only with a recorded reason."""

    def __init__(self, problems: list[ScheduleProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(problem.text for problem in problems))


class AlreadyImported(Conflict):
    """The very same file (same bytes) was imported before; nothing was imported."""

    def __init__(self, actor: str, at: str, count: int) -> None:
        self.actor, self.at, self.count = actor, at, count
        super().__init__(
            f"this file was already imported by {actor} at {at} ({count} referral"
            f"{'s' if count != 1 else ''}); nothing was imported"
        )


class DuplicateReferrals(Conflict):
    """Referrals of a batch that are already in the database (same person, same received
    time): ``matches`` holds (position in the batch, referral id, received at) for each.
    Nothing was saved."""

    def __init__(self, matches: list[tuple[int, int, str]]) -> None:
        self.matches = matches
        n = len(matches)
        super().__init__(
            f"{n} referral{'s are' if n != 1 else ' is'} already in the database; nothing was saved"
        )
