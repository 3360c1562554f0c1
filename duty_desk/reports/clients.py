"""Report ``clients``: one row per episode of care with its continuity figures (see
``duty_desk.continuity``): shares and indices are empty (null) with fewer than two
meetings that happened."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .base import DISCHARGED, Params, Report, local_time

if TYPE_CHECKING:
    from duty_desk.repository import Repository
    from duty_desk.views import EpisodeView

COLUMNS: tuple[str, ...] = (
    "client_id",
    "referral_id",
    "name",
    "nhs_number",
    "area",
    "accepted_at",
    "status",
    "core_team",
    "key_worker",
    "meetings",
    "with_core",
    "with_key_worker",
    "upc",
    "coc",
    "secon",
    "last_meeting",
    "discharged_on",
    "discharge_kind",
    "discharge_reason",
)


def _figure(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def record(episode: EpisodeView, tz: str) -> dict[str, Any]:
    from duty_desk import timeutil

    figures = episode.continuity
    discharged = (
        timeutil.to_local(episode.discharged_at, tz).date().isoformat()
        if episode.discharged_at is not None
        else None
    )
    return {
        "client_id": episode.client_id,
        "referral_id": episode.referral_id,
        "name": episode.name,
        "nhs_number": episode.nhs_number or None,
        "area": episode.area,
        "accepted_at": local_time(episode.accepted_at, tz),
        "status": episode.status,
        "core_team": [member.login for member in episode.core_team],
        "key_worker": episode.key_worker.login if episode.key_worker else None,
        "meetings": figures.meetings,
        "with_core": _figure(figures.with_core),
        "with_key_worker": _figure(figures.with_key_worker),
        "upc": _figure(figures.upc),
        "coc": _figure(figures.coc),
        "secon": _figure(figures.secon),
        "last_meeting": local_time(episode.last_meeting, tz),
        "discharged_on": discharged,
        "discharge_kind": episode.discharge_kind,
        "discharge_reason": episode.discharge_reason,
    }


def rows(repo: Repository, params: Params) -> Iterator[dict[str, Any]]:
    tz = repo.config.team.timezone
    return (record(e, tz) for e in repo.clients_for_export(params.include_discharged))


REPORT = Report(
    name="clients",
    noun="episode",
    plural="episodes",
    columns=COLUMNS,
    rows=rows,
    params=frozenset({DISCHARGED}),
    help="""clients [--open-only]: one row per episode of care: client_id,
  referral_id, name, nhs_number, area, accepted_at, status (open,
  discharged), core_team and key_worker (logins), meetings (that took
  place), with_core, with_key_worker, upc, coc, secon (continuity shares
  and indices 0-1, empty with fewer than two meetings), last_meeting,
  discharged_on, discharge_kind, discharge_reason.""",
)
