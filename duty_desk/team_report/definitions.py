"""Every figure's definition, written once: in the docstring of its part's module, under a
line ``Definitions:``, one item per figure, table or series::

    - name (Label): what is counted, from which records, over which days; how the edges
      are treated (continuation lines indented by two spaces).

The key of an item is ``<part>.<name>``. :func:`definitions` reads them all;
:func:`markdown` writes ``docs/report-definitions.md`` from them
(``python -m duty_desk.team_report.definitions > docs/report-definitions.md``; a test
checks the file is up to date and that every figure a part returns has a definition).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass

_ITEM = re.compile(r"^- (?P<name>[a-z0-9_]+) \((?P<label>[^)]+)\): (?P<text>.+)$")


@dataclass(frozen=True)
class Definition:
    key: str  # part.name
    label: str
    text: str


def parse(part: str, doc: str) -> list[Definition]:
    """The definitions in one part module's docstring."""
    found: list[Definition] = []
    lines = doc.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "Definitions:")
    except StopIteration:
        return found
    for line in lines[start + 1 :]:
        item = _ITEM.match(line)
        if item:
            found.append(Definition(f"{part}.{item['name']}", item["label"], item["text"]))
        elif line.startswith("  ") and found and line.strip():
            last = found[-1]
            found[-1] = Definition(last.key, last.label, f"{last.text} {line.strip()}")
    return found


def definitions() -> dict[str, Definition]:
    """Every definition of every part, by key, in the report's order."""
    from duty_desk.team_report import PARTS

    result: dict[str, Definition] = {}
    for part in PARTS:
        module = importlib.import_module(f"duty_desk.team_report.{part}")
        for definition in parse(part, module.__doc__ or ""):
            result[definition.key] = definition
    return result


def markdown() -> str:
    """docs/report-definitions.md: each part's heading, its summary line, its figures."""
    from duty_desk.team_report import PARTS

    out = [
        "# The team report: what each figure means",
        "",
        "Generated from the part modules' docstrings in `duty_desk/team_report/` by",
        "`python -m duty_desk.team_report.definitions`; do not edit by hand.",
        "",
    ]
    every = definitions()
    for part in PARTS:
        module = importlib.import_module(f"duty_desk.team_report.{part}")
        summary = " ".join((module.__doc__ or "").strip().split("\n\n", 1)[0].split())
        summary = summary.removeprefix(f"{module.TITLE}: ")
        out += [f"## {module.TITLE}", "", summary[:1].upper() + summary[1:], ""]
        for definition in every.values():
            if definition.key.split(".", 1)[0] == part:
                out.append(f"- **{definition.label}** (`{definition.key}`): {definition.text}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
