"""Safe user text: everything people typed goes on screen literally, as ``rich.text.Text``.

Names, notes, reasons and the like are never parsed as markup, and control
characters (an ESC starting an escape sequence, a bidi override, a NUL)
are replaced by visible stand-ins so the terminal never acts on them:
C0 controls and DEL in caret notation (ESC is ``^[``), other invisible
formatting characters as ``<U+202E>``.
"""

from __future__ import annotations

import unicodedata

from rich.text import Text

_KEEP = {"\u200d"}  # zero-width joiner: part of ordinary emoji sequences


def _stand_in(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return "^" + chr(code + 0x40)
    if code == 0x7F:
        return "^?"
    return f"<U+{code:04X}>"


def visible(value: object, *, multiline: bool = False) -> str:
    """``value`` as a string with every control or invisible format character made visible.

    With ``multiline`` newlines and tabs are kept (for notes and reasons).
    """
    text = "" if value is None else str(value)
    if text.isprintable():  # the common case: nothing to replace
        return text
    out: list[str] = []
    for char in text:
        if multiline and char in "\n\t":
            out.append(char)
        elif char.isprintable() or char == " " or char in _KEEP:
            out.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs"):
            out.append(_stand_in(char))
        else:
            out.append(char)
    return "".join(out)


def literal(value: object, style: str = "", *, multiline: bool = False) -> Text:
    """User text as a ``Text`` that is shown exactly as typed (one line unless ``multiline``)."""
    if multiline:
        return Text(visible(value, multiline=True), style=style, end="")
    return Text(visible(value), style=style, end="", no_wrap=True, overflow="ellipsis")


def cell(value: object, style: str = "") -> Text:
    """A table cell: literal, one line, with a leading space as the column gap."""
    return Text(" " + visible(value), style=style, end="", no_wrap=True, overflow="ellipsis")


def assemble(*parts: str | Text | tuple[str, str]) -> Text:
    """Join fixed strings, ``(fixed, style)`` pairs and ``literal`` texts; nothing is parsed."""
    out = Text(end="")
    for part in parts:
        if isinstance(part, Text):
            out.append_text(part)
        elif isinstance(part, tuple):
            out.append(part[0], style=part[1])
        else:
            out.append(part)
    return out
