"""Step 1 of accepting a referral into POD: a confirmation that shows what the decision uses.

Shown by ``a`` on the queue, before anything is saved: the referral (name, urgency,
received, respond-by), the places used this week in its area ("3 of 5 used"), any
eligibility problem (accepting anyway needs an override reason) and any earlier eligible
referral in the same area and week still waiting ("the first 5 new referrals each week":
accepting this one first needs a reason, stored on the referral and counted by the
report). Escape changes nothing. Confirming accepts in one write transaction that checks
the cap, the eligibility and the order again; the dialog dismisses with the new client's
id, and the same worker reads the week's places again just after that commit
(:attr:`AcceptDialog.intake_after`), so the queue paints the row gone and the places
recounted in one frame. Steps 2 and 3 (core team, first meeting) follow in
``screens.accept_flow``.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Button, Static

from duty_desk import rules, timeutil
from duty_desk.config import Config
from duty_desk.errors import InputErrors, OutOfOrder
from duty_desk.views import AcceptPreview, AreaIntake

from .flag_marker import marker
from .forms import FormScreen
from .literal import assemble, literal
from .widgets import TextInput


def preview_text(preview: AcceptPreview, config: Config) -> Text:
    """The words of the confirmation: the referral, the places, problems, who waits."""
    tz = config.team.timezone
    referral = preview.referral
    instant = timeutil.now()
    text = Text(end="")
    text.append("Referral: ", style="bold")
    text.append_text(literal(referral.name, "bold"))
    if referral.safeguarding:
        text.append("  ")
        text.append_text(marker(referral.safeguarding, config))
    urgency = config.urgency.get(referral.urgency)
    text.append(f"\nUrgency {referral.urgency}")
    if urgency is not None:
        text.append(" ")
        text.append_text(literal(urgency.name))
    text.append(f", received {timeutil.fmt_local(referral.received_at, tz, 'day')}")
    clock = rules.response_clock(referral.respond_by, instant, config)
    text.append(f"\nRespond by {timeutil.fmt_local(referral.respond_by, tz, 'day')} ")
    text.append(f"({clock.cell()})", style="bold")
    intake = preview.intake
    if intake is not None:
        text.append("\nPlaces this week in ")
        text.append_text(literal(intake.name))
        text.append(f": {intake.taken} of {intake.cap} used", style="bold")
        if intake.places_left <= 0:
            text.append("\nNO PLACES LEFT", style="bold reverse")
            text.append(": this cannot be accepted; redirect instead (r).")
        else:
            text.append(f" ({intake.places_left - 1} left after this)")
    if preview.problems:
        text.append("\nNOT ELIGIBLE", style="bold reverse")
        text.append_text(assemble(": ", literal("; ".join(preview.problems)), "."))
        text.append("\nAccepting anyway needs an override reason.")
    if preview.earlier:
        count = len(preview.earlier)
        text.append("\nWAITING EARLIER", style="bold reverse")
        text.append(f": {count} eligible, same area and week, still open:")
        for waiting in preview.earlier[:2]:
            text.append("\n  ")
            text.append_text(literal(waiting.name))
            text.append(f", received {timeutil.fmt_local(waiting.received_at, tz, 'day')}")
        if count > 2:
            text.append(f"\n  and {count - 2} more")
        text.append("\nPlaces go in order of arrival: accepting this first needs a reason.")
    return text


class AcceptDialog(FormScreen[int]):
    """Confirm an accept; dismisses with the new client's id, or None (nothing changed)."""

    ALIASES = {"override reason": "override", "order reason": "order"}
    CONFIRM = "Accept"

    def __init__(self, preview: AcceptPreview) -> None:
        super().__init__("Accept into POD?")
        self.preview = preview
        # The places read again just after the accept committed (None: not read).
        self.intake_after: tuple[AreaIntake, ...] | None = None
        fields = []
        if preview.problems:
            fields.append("override")
        if preview.earlier:
            fields.append("order")
        self.FIELDS = tuple(fields)  # type: ignore[misc]

    def compose_intro(self) -> ComposeResult:
        config = self.app.config  # type: ignore[attr-defined]
        yield Static(preview_text(self.preview, config), id="intro")

    def compose_fields(self) -> ComposeResult:
        if "override" in self.FIELDS:
            yield from self.field(
                "override",
                "Override reason",
                TextInput(placeholder="why accept although not eligible", compact=True),
            )
        if "order" in self.FIELDS:
            yield from self.field(
                "order",
                "Order reason",
                TextInput(placeholder="why this one before the earlier one", compact=True),
            )

    def on_mount(self) -> None:
        self.query_one("#intro").styles.max_height = 13  # the forms' 8 lines are too few here
        if not self.FIELDS:
            self.query_one("#save", Button).focus()  # Enter confirms

    def save_values(self, values: Mapping[str, str]) -> int:
        from duty_desk.validation import validate_reason

        errors: dict[str, str] = {}
        reasons: dict[str, str | None] = {"override": None, "order": None}
        for name in self.FIELDS:
            try:
                reasons[name] = validate_reason(values[name], f"{name} reason")
            except InputErrors as exc:
                errors.update(exc.errors)
        if errors:
            raise InputErrors(errors)
        referral = self.preview.referral
        repo = self.app.repo  # type: ignore[attr-defined]
        try:
            client_id: int = repo.accept(
                referral.id,
                override_reason=reasons["override"],
                order_reason=reasons["order"],
                enforce_order=True,
                expected_version=referral.version,
            )
        except OutOfOrder as exc:  # someone earlier arrived or was reopened meanwhile
            raise InputErrors({"form": str(exc)}) from None
        # Committed: the places as they are now (another accept may be in them too), read
        # here so the queue shows the recount with the row gone, not a round trip later.
        # The accept is saved whatever happens here: a failed read must not keep the form
        # open (a second try would be refused), so the queue then reads the places itself.
        try:
            self.intake_after = tuple(repo.intake())
        except Exception:  # see above: the queue reads the places itself (and says if not)
            self.intake_after = None
        return client_id
