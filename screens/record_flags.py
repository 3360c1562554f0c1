"""The client record's safeguarding flags (issue 12, guard): a part of the "Crisis & risk"
section (``c``), after the crisis plan and the risk summary (safety part), with the same
columns (``what``, ``when``, ``about``); rows keyed ``flag<id>``.

Every flag of the person is listed, open ones first: those raised on this client's
referral and on their other referrals with the same NHS number (said so in the pane). An
open flag is ``SG OPEN`` in bold reverse in the table and puts ``SG`` and its kind in the
record's header (whichever section is shown). The note and the reason for closing are
hidden in privacy mode; the kind is not.

Keys (only while this section is shown): ``g`` raises a flag (kind and note), ``x`` closes
the selected open flag (end date and reason): ``screens/flag_dialogs.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.binding import Binding

from duty_desk import timeutil
from duty_desk.views import ClientRecordView, SafeguardingFlagView

from .flag_marker import MARKER, MARKER_STYLE, marker
from .literal import assemble, cell, literal, visible
from .record_section import RecordContext, RecordSection, SectionRow

if TYPE_CHECKING:
    from duty_desk.repository import Repository

    from .record import RecordScreen

KEY = "flag"  # row keys: flag<id>
EMPTY = "No safeguarding flags. g raises one (a kind and a note)."


def what_cell(flag: SafeguardingFlagView) -> Text:
    if flag.is_open:
        out = Text(" ", end="", no_wrap=True, overflow="ellipsis")
        out.append(MARKER, style=MARKER_STYLE)
        out.append(" OPEN", style="bold")
        return out
    return cell("SG closed")


def when_cell(flag: SafeguardingFlagView, ctx: RecordContext) -> Text:
    raised = timeutil.to_local(flag.raised_at, ctx.tz).format("DD/MM/YY")
    if flag.is_open or flag.ends_on is None:
        return cell(f"raised {raised}")
    return cell(f"{raised} to {flag.ends_on:%d/%m/%y}")


def about_cell(flag: SafeguardingFlagView, ctx: RecordContext) -> Text:
    label = ctx.config.safeguarding.label(flag.kind)
    first = flag.note.strip().splitlines()[0] if flag.note.strip() else ""
    return cell(f"{label}: {first}", "bold" if flag.is_open else "")


def flag_detail(flag: SafeguardingFlagView, ctx: RecordContext) -> Text:
    """One flag in full: kind, state, who raised it and when, the note; once closed, the
    end date, who closed it, when and why."""
    tz = ctx.tz
    text = Text(end="")
    if flag.is_open:
        text.append_text(marker([flag.kind], ctx.config))
        text.append("  OPEN", style="bold")
    else:
        text.append(f"{MARKER} {visible(ctx.config.safeguarding.label(flag.kind))}", style="bold")
        text.append("  closed")
    text.append("\n")
    text.append("Raised: ", style="bold")
    text.append(f"{timeutil.fmt_local(flag.raised_at, tz, 'day')} by {visible(flag.raised_by)}")
    if not flag.own:
        text.append(" (on another referral of the same person, by NHS number)")
    text.append("\n")
    text.append("Note: ", style="bold")
    text.append_text(literal(flag.note, multiline=True))
    text.append("\n")
    if flag.is_open:
        text.append("x closes it (end date and reason); g raises another.")
    else:
        ended = f"{flag.ends_on:%d/%m/%Y}" if flag.ends_on else "-"
        closed = timeutil.fmt_local(flag.closed_at, tz, "day") if flag.closed_at else "-"
        text.append_text(
            assemble(
                ("Ended: ", "bold"),
                f"{ended} (closed by {visible(flag.closed_by or '-')} at {closed})\n",
                ("Why: ", "bold"),
                literal(flag.close_reason or "-", multiline=True),
            )
        )
    return text


class FlagsSection(RecordSection):
    """The person's safeguarding flags, open ones first."""

    name = "flags"
    key = "c"
    title = "Crisis & risk"
    MARKER_RANK = 0  # the SG marker right after the name (H57)
    COLUMNS = (
        ("what", "What", 13),
        ("when", "When", 27),
        ("about", "About", 30),
    )
    BINDINGS = [
        Binding(
            "g",
            "raise_flag",
            "Raise flag",
            id="record_flag_raise",
            tooltip="Raise a safeguarding flag",
        ),
        Binding(
            "x",
            "close_flag",
            "Close flag",
            id="record_flag_close",
            tooltip="Close the selected safeguarding flag",
        ),
    ]
    EMPTY = EMPTY

    def read(self, repo: Repository, record: ClientRecordView) -> tuple[SafeguardingFlagView, ...]:
        return tuple(repo.flags(client_id=record.client_id))

    def rows(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[SectionRow]:
        return [
            (
                f"{KEY}{flag.id}",
                flag,
                {
                    "what": what_cell(flag),
                    "when": when_cell(flag, ctx),
                    "about": about_cell(flag, ctx),
                },
            )
            for flag in extra or ()
        ]

    def detail(self, item: Any, record: ClientRecordView, extra: Any, ctx: RecordContext) -> Text:
        if not isinstance(item, SafeguardingFlagView):
            return Text(EMPTY, end="")
        return flag_detail(item, ctx)

    def markers(self, record: ClientRecordView, extra: Any, ctx: RecordContext) -> list[Text]:
        kinds = list(dict.fromkeys(flag.kind for flag in extra or () if flag.is_open))
        return [marker(kinds, ctx.config)] if kinds else []

    # -- actions --------------------------------------------------------------------------------
    def action_raise_flag(self, screen: RecordScreen) -> None:
        record = screen.record
        assert record is not None
        app = screen.duty_app
        open_kinds = [f.kind for f in screen.extra(self) or () if f.is_open]

        def opened() -> None:
            from .flag_dialogs import RaiseFlagDialog

            def done(flag_id: int | None) -> None:
                if flag_id is not None:
                    screen.saved("Safeguarding flag raised")

            dialog = RaiseFlagDialog(
                screen.subject,
                lambda kind, note: app.repo.raise_flag(kind, note, client_id=record.client_id),
                config=app.config,
                open_kinds=list(dict.fromkeys(open_kinds)),
                born=record.episode.date_of_birth,
                nhs=record.episode.nhs_number,
            )
            screen.app.push_screen(dialog, done)

        screen.when_permitted(opened)

    def action_close_flag(self, screen: RecordScreen) -> None:
        flag = screen.selected(self)
        if not isinstance(flag, SafeguardingFlagView) or not flag.is_open:
            screen.notify(
                "Select an open safeguarding flag (SG OPEN) in this section; x closes it.",
                severity="warning",
                markup=False,
            )
            return
        app = screen.duty_app

        def opened() -> None:
            from .flag_dialogs import CloseFlagDialog

            def done(saved: bool | None) -> None:
                if saved:
                    screen.saved("Safeguarding flag closed")

            dialog = CloseFlagDialog(
                screen.subject,
                [flag],
                lambda chosen, on, reason: app.repo.close_flag(
                    chosen.id, on, reason, expected_version=chosen.version
                ),
                config=app.config,
            )
            screen.app.push_screen(dialog, done)

        screen.when_permitted(opened)
