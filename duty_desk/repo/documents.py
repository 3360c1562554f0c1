"""Documents made from a client's record (issue 12, docs): ``duty-desk export client``
and the GP transfer letter. duty-desk never sends them; it records in the audit log, against
the client, that one was written, by whom, when and where to (hazard H61: a record that
left the system can be traced).

Errors: NotFound (no such client); NotPermitted (a login not on the staff list may look,
but not take a person's record away as a file).
"""

from __future__ import annotations

from duty_desk import timeutil
from duty_desk.errors import NotFound
from duty_desk.models import Client

from .base import Aggregate

DOCUMENT_ACTIONS = {
    "export": "export record",
    "gp_letter": "gp transfer letter",
    "care_plan": "care plan",  # issue 13: the care and support plan
}


class DocumentRepository(Aggregate):
    def check_can_write(self, client_id: int) -> None:
        """Refuse before anything is written: no such client, or not on the staff list."""
        with self.ctx.unit() as session:
            self.ctx.me(session)
            if session.get(Client, client_id) is None:
                raise NotFound(f"No client number {client_id}")

    def record_document(self, client_id: int, what: str, where: str) -> None:
        """Audit that document ``what`` (a key of :data:`DOCUMENT_ACTIONS`) about the client
        was written to ``where`` (a path, as the person gave it)."""
        action = DOCUMENT_ACTIONS[what]
        now = timeutil.now()
        with self.ctx.unit(write=True) as session:
            self.ctx.me(session)
            if session.get(Client, client_id) is None:
                raise NotFound(f"No client number {client_id}")
            self.ctx.audit(session, action, "client", client_id, None, {"written_to": where}, now)
