"""Continuity-of-care figures for one episode: pure functions, no database.

Input: the meetings that HAPPENED (status "happened"), in time order, each
given as the frozenset of staff ids recorded as attended
(``MeetingStaff.attended`` true). M is the number of such meetings.

How a meeting counts (several staff may attend one meeting):

- ``with_core``: share of the M meetings with at least one *current*
  core-team member attending.
- ``with_key_worker``: share of the M meetings the current key worker
  attended (0 when the episode has no key worker).
- UPC, Usual Provider of Care: the largest share of the M meetings that one
  staff member attended, max over staff j of (meetings j attended) / M.
  Counted per meeting, so with one staff member per meeting it equals the
  classic n_max / N.
- COC, Bice-Boxerman Continuity of Care, counted over *staff-visits*: every
  staff member attending a meeting is one visit. N = total staff-visits,
  n_j = visits by staff member j, COC = (sum n_j^2 - N) / (N (N - 1)). With
  one staff member per meeting it is the classic index (visits
  A,A,A,A,B,B,B,C give (16 + 9 + 1 - 8) / (8 * 7) = 18/56). Because each
  attending person is a visit, a pair who always come together scores about
  0.5 (two people sharing the visits evenly), not 1: this is why UPC and the
  core-team share are shown beside it. None when N < 2.
- SECON, Sequential Continuity: share of the M - 1 consecutive pairs of
  meetings that have at least one attending staff member in common.
- A meeting with nobody recorded as attending still counts in M (it had no
  core-team member), adds no staff-visits, and breaks the sequence.
- With M < 2 every share and index is None: the screen says "not enough
  meetings yet", never a number.
- Cover (``MeetingStaff.cover``: there for an absent colleague) counts as NOT
  core: a cover visit is a visit by a one-off stranger. It still counts as a
  staff-visit (N), but never as the core team or the key worker, never as the
  same person as any other visit (so it never makes anyone the usual provider,
  and never links two meetings in the sequence), whoever made it.
  :func:`with_cover` makes that substitution before the figures are counted.
  Worked example: core team {A, B}, key worker A; meetings A | C (cover for A)
  | A,B | A. Counted as A | x1 | A,B | A: M = 4; with_core 3/4; with_key_worker
  3/4; UPC 3/4 (A); visits A x3, B, x1 -> N = 5, COC = (9 + 1 + 1 - 5) / 20 =
  3/10; SECON: pairs (A|x1) no, (x1|A,B) no, (A,B|A) yes -> 1/3. Had C come as
  an ordinary (not cover) visit every meeting C attended would count as C's.

Arithmetic is exact (``fractions.Fraction``); :meth:`Figures.as_view` gives
the floats the board shows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from fractions import Fraction

from msgspec import Struct

from .views import Continuity

Attended = frozenset[int]  # staff ids recorded as attending one meeting

MIN_MEETINGS = 2


def with_cover(meetings: Sequence[Attended], cover: Sequence[Attended]) -> list[Attended]:
    """The meetings with each cover visit (``cover[i]``: who came to meeting i as cover)
    replaced by a one-off stranger (a negative id never used again), so the figures count
    it as a visit but never as core, key worker or a repeat provider."""
    out: list[Attended] = []
    stranger = 0
    for position, attended in enumerate(meetings):
        covering = cover[position] if position < len(cover) else frozenset()
        if not covering & attended:
            out.append(attended)
            continue
        kept = set(attended - covering)
        for _ in sorted(covering & attended):
            stranger -= 1
            kept.add(stranger)
        out.append(frozenset(kept))
    return out


def share_with(meetings: Sequence[Attended], staff: Collection[int]) -> Fraction | None:
    """Share of meetings with at least one of ``staff`` attending (None when M < 2)."""
    if len(meetings) < MIN_MEETINGS:
        return None
    wanted = frozenset(staff)
    return Fraction(sum(1 for attended in meetings if attended & wanted), len(meetings))


def upc(meetings: Sequence[Attended]) -> Fraction | None:
    """Usual Provider of Care: max over staff of (meetings attended) / M."""
    if len(meetings) < MIN_MEETINGS:
        return None
    counts = Counter(staff for attended in meetings for staff in attended)
    best = max(counts.values(), default=0)
    return Fraction(best, len(meetings))


def coc(meetings: Sequence[Attended]) -> Fraction | None:
    """Bice-Boxerman COC over staff-visits; None when M < 2 or fewer than two visits."""
    if len(meetings) < MIN_MEETINGS:
        return None
    counts = Counter(staff for attended in meetings for staff in attended)
    visits = sum(counts.values())
    if visits < 2:
        return None
    return Fraction(sum(n * n for n in counts.values()) - visits, visits * (visits - 1))


def secon(meetings: Sequence[Attended]) -> Fraction | None:
    """Sequential Continuity: share of the M - 1 consecutive pairs sharing a staff member."""
    if len(meetings) < MIN_MEETINGS:
        return None
    shared = sum(1 for before, after in zip(meetings, meetings[1:], strict=False) if before & after)
    return Fraction(shared, len(meetings) - 1)


class Figures(Struct, frozen=True):
    """All the figures for one episode, exact."""

    meetings: int
    with_core: Fraction | None
    with_key_worker: Fraction | None
    upc: Fraction | None
    coc: Fraction | None
    secon: Fraction | None

    def as_view(self) -> Continuity:
        def num(value: Fraction | None) -> float | None:
            return float(value) if value is not None else None

        return Continuity(
            meetings=self.meetings,
            with_core=num(self.with_core),
            with_key_worker=num(self.with_key_worker),
            upc=num(self.upc),
            coc=num(self.coc),
            secon=num(self.secon),
        )


def figures(
    meetings: Sequence[Attended],
    core_team: Collection[int],
    key_worker: int | None,
    cover: Sequence[Attended] = (),
) -> Figures:
    """Every figure for the meetings that happened (time order), the current core team
    and key worker; ``cover``: per meeting, who attended it as cover (not core)."""
    if cover:
        meetings = with_cover(meetings, cover)
    return Figures(
        meetings=len(meetings),
        with_core=share_with(meetings, core_team),
        with_key_worker=share_with(meetings, () if key_worker is None else (key_worker,)),
        upc=upc(meetings),
        coc=coc(meetings),
        secon=secon(meetings),
    )


def describe(value: float | None) -> str:
    """A share or index for a table cell: ``0.75``, or ``-`` when there is none."""
    return "-" if value is None else f"{value:.2f}"
