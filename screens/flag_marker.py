"""The safeguarding marker (issue 12, guard): how a person with an open safeguarding flag is
named on every screen and dialog, in one place.

``SG`` in bold reverse before the name in a table row (queue, board, day view), and
``SG`` with the kinds' labels in a detail pane, a dialog's "Client:" line and the record's
header. The word reads the same without colour (``NO_COLOR``, a monochrome terminal) and
stays in privacy mode: the marker and the kind are not personal, the note is (the views
hide it). The kinds come from the views' ``safeguarding`` field (read once per load by the
repository); their labels from ``[safeguarding] kinds``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from duty_desk.config import Config

from .literal import assemble, cell, literal, visible

MARKER = "SG"
MARKER_STYLE = "bold reverse"


def kinds_words(kinds: Sequence[str], config: Config) -> str:
    """``Child safeguarding, Domestic abuse``: the labels of the kinds, in order."""
    return ", ".join(visible(config.safeguarding.label(kind)) for kind in kinds)


def name_cell(name: str, kinds: Sequence[str], style: str = "") -> Text:
    """A table cell naming a person: `` SG Alex Example`` when a flag is open (the marker
    in bold reverse), else the usual `` Alex Example``."""
    if not kinds:
        return cell(name, style)
    out = Text(" ", style=style, end="", no_wrap=True, overflow="ellipsis")
    out.append(MARKER, style=MARKER_STYLE)
    out.append(" ")
    out.append(visible(name))
    return out


def marker(kinds: Sequence[str], config: Config) -> Text:
    """``SG Child safeguarding`` in bold reverse (empty when no flag is open)."""
    if not kinds:
        return Text("", end="")
    return Text(f"{MARKER} {kinds_words(kinds, config)}", style=MARKER_STYLE, end="")


def marker_line(text: Text, kinds: Sequence[str], config: Config) -> None:
    """A detail pane's safeguarding line (nothing when no flag is open)."""
    if kinds:
        text.append_text(assemble(marker(kinds, config), ("  open safeguarding flag", "bold")))
        text.append("s\n" if len(kinds) > 1 else "\n")


def subject(label: str, name: str, kinds: Sequence[str], config: Config, style: str = "") -> Text:
    """How a dialog names the person it is about: ``Client: Alex Example  SG Child
    safeguarding`` (``label`` and the name as given; the marker only when a flag is open)."""
    out = assemble((f"{label}: ", "bold"), literal(name, style))
    if kinds:
        out.append("  ")
        out.append_text(marker(kinds, config))
    return out
