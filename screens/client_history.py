"""A client's (episode of care's) history from the audit log: core team changes,
discharge, and the rest, shown like a referral's history."""

from __future__ import annotations

from .history import HistoryScreen


class ClientHistoryScreen(HistoryScreen):
    """The audit entries recorded against the client (entity ``client``)."""

    ENTITY = "client"
