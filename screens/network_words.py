"""How a network member reads on screen: the consent to share information beside every
member wherever members are listed (the queue's and board's detail panes, the booking
dialog, the client record's network section, the network form), taking part, removal.

Names and relationships are the person's text: always ``Text`` through ``screens.literal``.
"""

from __future__ import annotations

from rich.text import Text

from duty_desk import timeutil
from duty_desk.views import NetworkMemberView
from duty_desk.vocabulary import CONSENT_LONG, CONSENT_SHORT, Consent, words

from .literal import assemble, literal

# How each answer stands out without colour too (NO_COLOR, 256 colours): "NO" in capitals,
# bold; "not asked" in italics; only "yes" is plain.
CONSENT_STYLE = {Consent.yes: "", Consent.no: "bold", Consent.not_asked: "italic"}


def consent_short(member: NetworkMemberView) -> Text:
    """``share: yes`` / ``share: NO`` / ``share: not asked`` (a removed member: ``removed``)."""
    if member.removed:
        return Text("removed", style="dim")
    return Text(words(CONSENT_SHORT, member.consent), style=CONSENT_STYLE[member.consent])


def consent_long(member: NetworkMemberView, tz: str) -> Text:
    """The answer in words, and when and by whom it was recorded."""
    text = Text(words(CONSENT_LONG, member.consent), style=CONSENT_STYLE[member.consent])
    if member.consent_at is not None:
        text.append(f" (recorded {timeutil.fmt_local(member.consent_at, tz, 'day')}")
        text.append_text(assemble(" by ", literal(member.consent_by or "?"), ")"))
    return text


def removed_words(member: NetworkMemberView, tz: str) -> Text:
    """``removed Mon 23 Nov 10:00 by duty1: REASON`` (empty for a current member)."""
    if member.removed_at is None:
        return Text()
    text = Text(f"removed {timeutil.fmt_local(member.removed_at, tz, 'day')} by ")
    text.append_text(literal(member.removed_by or "?"))
    if member.removed_reason:
        text.append_text(assemble(": ", literal(member.removed_reason)))
    return text


def member_label(member: NetworkMemberView) -> Text:
    """``Name (relationship)`` then the consent: one line for a list or a tick box."""
    text = literal(member.name)
    if member.relationship:
        text.append_text(assemble(" (", literal(member.relationship), ")"))
    text.append("  ")
    text.append_text(consent_short(member))
    if not member.takes_part and not member.removed:
        text.append("  not in meetings")
    return text
