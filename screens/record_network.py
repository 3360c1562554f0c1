"""The client record's network section (``n``): the people the client chose, with the
person's consent to share information with each, and its actions (issue 12, network).

Columns: name, relationship, phone, whether they take part in meetings, the consent
(yes, NO, not asked: never assumed), and when and by whom it was recorded. Removed members
are listed apart (after the current ones) and dimmed: they stay for the history and past
meetings' attendance, and are no longer offered for new meetings.

Actions (only while this section is shown):

| key | id                    | action                                                |
|-----|-----------------------|-------------------------------------------------------|
| a   | record_network_add    | add a member (name, relationship, phone, consent)     |
| e   | record_network_edit   | edit the selected member, consent included            |
| x   | record_network_remove | remove the selected member, with a reason             |

The members are read with their consent and removal in the load worker
(``Repository.client_network``: one query). Editing and removing are refused in privacy
mode (the form would show initials), as correcting a referral is on the board.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding

from duty_desk import timeutil
from duty_desk.views import ClientRecordView, NetworkMemberView
from duty_desk.vocabulary import Consent, words

from .literal import cell, literal, visible
from .network_words import CONSENT_STYLE, consent_long, removed_words
from .record_section import RecordContext, RecordSection, SectionRow

if TYPE_CHECKING:
    from duty_desk.repository import Repository

    from .record import RecordScreen

DIM = "dim"
CONSENT_CELL: dict[str, str] = {
    Consent.yes: "yes",
    Consent.no: "NO",
    Consent.not_asked: "not asked",
}


def came_to(record: ClientRecordView, member_id: int) -> tuple[int, int]:
    """(meetings recorded that the member came to, meetings they were expected at)."""
    came = expected = 0
    for meeting in record.meetings:
        for person in meeting.network:
            if person.id == member_id:
                expected += 1
                came += person.attended is True
    return came, expected


def recorded(member: NetworkMemberView, tz: str) -> str:
    """``23 Nov duty1``: when and by whom the consent was recorded ("-" when not asked); for
    a removed member, when and by whom they were removed."""
    at, by = (
        (member.removed_at, member.removed_by)
        if member.removed_at is not None
        else (member.consent_at, member.consent_by)
    )
    if at is None:
        return "-"
    day = timeutil.to_local(at, tz)
    return f"{day.day} {day.strftime('%b')} {by or '?'}"


def consent_cell(member: NetworkMemberView) -> Text:
    """The consent column: ``yes``, ``NO``, ``not asked`` (its header says what), or
    ``removed`` (dimmed)."""
    if member.removed:
        return cell("removed", DIM)
    return cell(words(CONSENT_CELL, member.consent), CONSENT_STYLE[member.consent])


class NetworkSection(RecordSection):
    name = "network"
    key = "n"
    title = "Network"
    # The consent right after the name, so it stays on screen at 60 columns.
    COLUMNS = (
        ("name", "Name", 18),
        ("consent", "Consent", 10),
        ("recorded", "Recorded", 12),
        ("part", "Meets", 5),
        ("relationship", "Relationship", 13),
        ("phone", "Phone", 13),
    )
    BINDINGS: ClassVar[list[Binding]] = [
        Binding("a", "add", "Add", id="record_network_add", tooltip="Add a network member"),
        Binding(
            "e",
            "edit",
            "Edit",
            id="record_network_edit",
            tooltip="Edit the network member (consent too)",
        ),
        Binding(
            "x",
            "remove",
            "Remove",
            id="record_network_remove",
            tooltip="Remove the network member, with a reason",
        ),
    ]
    EMPTY = "No network members recorded. a adds one (with the person's consent to share)."

    def read(self, repo: Repository, record: ClientRecordView) -> Any:
        """Every member, removed ones too, with consent and removal."""
        return tuple(repo.client_network(record.client_id))

    def members(self, record: ClientRecordView, extra: Any) -> tuple[NetworkMemberView, ...]:
        """Current members first, then the removed ones (apart)."""
        found: tuple[NetworkMemberView, ...] = extra if extra is not None else record.network
        return tuple(m for m in found if not m.removed) + tuple(m for m in found if m.removed)

    def rows(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[SectionRow]:
        rows: list[SectionRow] = []
        for member in self.members(record, extra):
            style = DIM if member.removed else ""
            consent = consent_cell(member)
            rows.append(
                (
                    str(member.id),
                    member,
                    {
                        "name": cell(member.name, style),
                        "relationship": cell(member.relationship or "-", style),
                        "phone": cell(member.phone or "-", style),
                        "part": cell("yes" if member.takes_part else "no", style),
                        "consent": consent,
                        "recorded": cell(recorded(member, ctx.tz), style),
                    },
                )
            )
        return rows

    def detail(self, item: Any, record: ClientRecordView, extra: Any, ctx: RecordContext) -> Text:
        if not isinstance(item, NetworkMemberView):
            return Text(self.EMPTY, end="")
        text = Text(end="")
        text.append_text(literal(item.name, "bold"))
        if item.removed:
            text.append("  REMOVED", style="bold")
        text.append("\nConsent to share: ", style="bold")
        text.append_text(consent_long(item, ctx.tz))
        text.append("\nRelationship: ", style="bold")
        text.append_text(literal(item.relationship or "not recorded"))
        text.append("\nPhone: ", style="bold")
        text.append_text(literal(item.phone or "not recorded"))
        text.append("\nMeetings: ", style="bold")
        came, expected = came_to(record, item.id)
        part = "takes part" if item.takes_part else "does not take part"
        text.append(f"{part}; came to {came} of {expected} they were expected at")
        if item.removed:
            text.append("\nRemoved: ", style="bold")
            text.append_text(removed_words(item, ctx.tz))
            text.append("\nKept for the history and past meetings; not invited to new ones.")
        else:
            text.append("\ne edits (consent too), x removes", style=DIM)
        return text

    # -- actions ----------------------------------------------------------------------------------
    def action_add(self, screen: RecordScreen) -> None:
        record = screen.record
        if record is None:
            return
        from .network_form import NetworkForm

        def added(member_id: int | None) -> None:
            if member_id is not None:
                screen.saved("Network member added")

        referral_id, subject = record.episode.referral_id, screen.subject
        flags = record.episode.safeguarding
        screen.when_permitted(
            lambda: screen.app.push_screen(NetworkForm(referral_id, subject, None, flags), added)
        )

    def action_edit(self, screen: RecordScreen) -> None:
        member = self.chosen(screen, "edit")
        if member is None or screen.record is None:
            return
        from .network_form import NetworkForm

        def edited(member_id: int | None) -> None:
            if member_id is not None:
                screen.saved("Network member saved")

        referral_id, subject = screen.record.episode.referral_id, screen.subject
        flags = screen.record.episode.safeguarding
        screen.when_permitted(
            lambda: screen.app.push_screen(NetworkForm(referral_id, subject, member, flags), edited)
        )

    def action_remove(self, screen: RecordScreen) -> None:
        member = self.chosen(screen, "remove")
        if member is None:
            return
        from .network_remove import RemoveNetworkMember

        def removed(done: bool | None) -> None:
            if done:
                screen.saved("Network member removed")

        subject = screen.subject
        screen.when_permitted(
            lambda: screen.app.push_screen(RemoveNetworkMember(subject, member), removed)
        )

    def chosen(self, screen: RecordScreen, verb: str) -> NetworkMemberView | None:
        """The selected current member, or None after telling the person why not."""
        member = screen.selected(self)
        if not isinstance(member, NetworkMemberView):
            screen.notify(
                "Choose a network member first (n shows the network).",
                severity="warning",
                markup=False,
            )
            return None
        if member.removed:
            screen.notify(
                f"{visible(member.name)} was removed from the network: nothing to {verb}.",
                severity="warning",
                markup=False,
            )
            return None
        if screen.duty_app.privacy:
            from .queue import PRIVACY_EDIT

            screen.notify(PRIVACY_EDIT, severity="warning", markup=False)
            return None
        return member
