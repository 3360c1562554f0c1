"""A client's (episode of care's) history from the audit log: core team changes,
discharge, and the rest, shown like a referral's history."""

from __future__ import annotations

from textual import work

from .history import HistoryScreen


class ClientHistoryScreen(HistoryScreen):
    """The audit entries recorded against the client (entity ``client``)."""

    @work(thread=True, exit_on_error=False, group="history", description="load client history")
    def load(self) -> None:
        repo = self.app.repo  # type: ignore[attr-defined]
        entries = tuple(repo.history("client", self.referral_id))  # the client id, here
        staff = {member.id: member.login for member in repo.list_staff(include_inactive=True)}
        self.post_message(self.Loaded(entries, staff))
