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
