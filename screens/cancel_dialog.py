"""Cancel a booked meeting: by the client (or their network) or by the team, with a reason."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.widgets import Select, Static

from duty_desk.errors import InputErrors
from duty_desk.views import MeetingView

from .flag_marker import subject
from .forms import FormScreen
from .literal import assemble
from .widgets import TextInput

BY = (("By the client or their network", "client"), ("By the team", "team"))


class CancelDialog(FormScreen[bool]):
    """Dismisses with True once cancelled, None when closed without."""

    FIELDS = ("by", "reason")
    ALIASES = {"cancelled_by": "by", "cancel_reason": "reason"}
    CONFIRM = "Cancel meeting"

    def __init__(self, meeting: MeetingView, tz: str) -> None:
        super().__init__("Cancel a meeting")
        self.meeting = meeting
        self.tz = tz

    def compose_intro(self) -> ComposeResult:
        from duty_desk.timeparse import describe_slot

        meeting = self.meeting
        yield Static(
            assemble(
                subject(
                    "Client",
                    meeting.client_name,
                    meeting.safeguarding,
                    self.app.config,  # type: ignore[attr-defined]
                ),
                "\n",
                ("When: ", "bold"),
                describe_slot(meeting.starts_at, meeting.ends_at, self.tz),
            ),
            id="intro",
        )

    def compose_fields(self) -> ComposeResult:
        yield from self.field(
            "by", "Cancelled", Select(BY, prompt="(who cancelled?)", compact=True)
        )
        yield from self.field(
            "reason",
            "Reason",
            TextInput(placeholder="recorded with the cancellation", compact=True),
        )

    def save_values(self, values: Mapping[str, str]) -> bool:
        errors = {}
        if values["by"] not in ("client", "team"):
            errors["by"] = "Say who cancelled: the client or their network, or the team."
        if not values["reason"].strip():
            errors["reason"] = "A reason is needed to cancel a meeting."
        if errors:
            raise InputErrors(errors)
        self.app.repo.cancel_meeting(  # type: ignore[attr-defined]
            self.meeting.id,
            values["by"],
            values["reason"].strip(),
            expected_version=self.meeting.version,
        )
        return True
