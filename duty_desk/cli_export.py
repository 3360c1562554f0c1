"""``duty-desk export``: referrals, the audit log, meetings and the team's figures (the
report registry, ``duty_desk.reports``), and one client's record or care plan.

In a module of its own, imported when the command is named (``cli.DutyDeskGroup``): the
registry's modules are not loaded by a start of the app (issue 15).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import reports
from .cli import Failure, State, client_file, option_area, option_date, pass_state, write_to

if TYPE_CHECKING:
    import datetime as dt

_EXPORT_HELP = "\n".join(
    [
        "Export referrals, the audit log or meetings as JSON or CSV (UTF-8), or meetings",
        "as iCalendar (.ics) for a calendar program.",
        "",
        "\b",
        *(line for found in reports.REPORTS.values() for line in found.help.splitlines()),
        "",
        "Times are ISO 8601 in the team's time zone with its offset",
        "(2026-06-01T09:00:00+01:00); dates are YYYY-MM-DD; logins identify staff.",
        "JSON is one list of objects. The output holds personal data: a FILE is",
        "created readable by you only, written under a temporary name and renamed",
        "into place when complete, so a failure never leaves half a file.",
        "",
        "\b",
        "client CLIENT: one client's whole record (CLIENT: the client number, the NHS",
        "  number or the exact name), as one JSON object (--format json, the default)",
        "  or an editable Word document (--format docx, with --output FILE.docx).",
        "",
        "\b",
        "care-plan CLIENT: the personalised care and support plan (issue 13): the key",
        "  worker and how to reach them, the core team, the network members who take",
        "  part, the latest DIALOG ratings beside the previous ones, the chosen items",
        "  with the four steps, the open actions and the crisis plan; JSON or docx.",
    ]
)
CLIENT_RECORD = "client"  # `export client CLIENT` (issue 12, docs): not a report of many rows
CARE_PLAN = "care-plan"  # `export care-plan CLIENT` (issue 13): one client's plan
_FORMATS = [
    *dict.fromkeys(fmt for found in reports.REPORTS.values() for fmt in found.formats),
    "docx",
]


@click.command(help=_EXPORT_HELP)
@click.argument("what", type=click.Choice([*reports.REPORTS, CLIENT_RECORD, CARE_PLAN]))
@click.argument("client", metavar="[CLIENT]", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(_FORMATS),
    default=None,
    help="json (the default) or csv, or for meetings ics, or for a client docx; with "
    "--output FILE.csv (or .ics, .docx), that format.",
)
@click.option(
    "--output",
    "--out",
    "-o",
    "output",
    metavar="FILE",
    help="Write to FILE instead of standard output: a regular file is replaced only once "
    "complete, a pipe or device (/dev/stdout) is written in place; see the README.",
)
@click.option(
    "--from",
    "date_from",
    metavar="DATE",
    help="meetings: the first local date (DD/MM/YYYY or YYYY-MM-DD, years 1900 to 2200).",
)
@click.option("--to", "date_to", metavar="DATE", help="meetings: the last local date, inclusive.")
@click.option(
    "--staff",
    "staff_login",
    metavar="LOGIN",
    help="meetings: only those this staff member is expected at.",
)
@click.option(
    "--include-discharged/--open-only",
    "include_discharged",
    default=None,
    help="clients: with discharged episodes (the default) or open ones only.",
)
@click.option(
    "--force",
    is_flag=True,
    help="client, care-plan: replace an existing FILE (a client's record or plan is never "
    "replaced unasked).",
)
@click.option("--area", metavar="AREA", help="team: one area of the settings (default: all).")
@pass_state
def export(
    state: State,
    what: str,
    client: str | None,
    fmt: str | None,
    output: str | None,
    date_from: str | None = None,
    date_to: str | None = None,
    staff_login: str | None = None,
    include_discharged: bool | None = None,
    force: bool = False,
    area: str | None = None,
) -> None:

    if fmt is None:
        suffix = Path(output).suffix.lower() if output else ""
        fmt = {".csv": "csv", ".ics": "ics", ".docx": "docx"}.get(suffix, "json")
    if what in (CLIENT_RECORD, CARE_PLAN):
        if date_from or date_to or staff_login or include_discharged is not None or area:
            raise Failure(
                "--from, --to, --area, --staff and --include-discharged are not for a client"
            )
        _export_client(state, client, fmt, output, force, what)
        return
    if force:
        raise Failure(f"--force is for export client, not {what} (which always replaces)")
    if client is not None:
        raise Failure(f"export {what} takes no CLIENT (only export client does)")
    if fmt == "docx":
        raise Failure(f"--format docx is for export client, not {what}")
    found = reports.report(what)
    params = _export_params(found, fmt, date_from, date_to, staff_login, include_discharged)
    if area is not None:  # issue 14: the team report's area
        if reports.AREA not in found.params:
            raise Failure(f"--area is for {' or '.join(reports.taking(reports.AREA))}, not {what}")
        params = replace(params, area=option_area(state, area))
    if output and Path(output).is_dir():
        raise Failure(f"cannot write {output}: it is a folder")
    db = state.open_db()
    try:
        repo = state.repo(db)
        count, in_place = write_to(output, lambda out: reports.run(found, fmt, repo, out, params))
        if output:
            click.echo(f"Wrote {found.count_words(count)} to {output} ({fmt}).", err=in_place)
    finally:
        db.dispose()


def _export_params(
    found: reports.Report,
    fmt: str,
    date_from: str | None,
    date_to: str | None,
    staff_login: str | None,
    include_discharged: bool | None,
) -> reports.Params:
    """The report's parameters from the options, each refused where the report takes none."""

    start: dt.date | None = None
    end: dt.date | None = None
    what = found.name
    if reports.DATES in found.params or reports.SPAN in found.params:
        if reports.DATES in found.params and (not date_from or not date_to):
            raise Failure(
                f"export {what} needs --from DATE and --to DATE (DD/MM/YYYY or YYYY-MM-DD)"
            )
        start = option_date("--from", date_from) if date_from else None
        end = option_date("--to", date_to) if date_to else None
        if start is not None and end is not None and end < start:
            raise Failure(f"--to {date_to} is before --from {date_from}")
        if staff_login and reports.STAFF not in found.params:
            owners = " or ".join(reports.taking(reports.STAFF))
            raise Failure(f"--staff is for {owners}, not {what}")
    elif date_from or date_to:
        owners = " or ".join(reports.taking(reports.DATES) + reports.taking(reports.SPAN))
        raise Failure(f"--from and --to are for {owners}, not {what}")
    elif fmt not in found.formats or staff_login:
        owners = " or ".join(reports.taking(reports.STAFF))
        raise Failure(f"--format ics, --from, --to and --staff are for {owners}, not {what}")
    if fmt not in found.formats:
        raise Failure(f"--format {fmt} is not for {what} (use one of: {', '.join(found.formats)})")
    if reports.DISCHARGED not in found.params and include_discharged is not None:
        owners = " or ".join(reports.taking(reports.DISCHARGED))
        raise Failure(f"--include-discharged and --open-only are for {owners}, not {what}")
    return reports.Params(
        start=start,
        end=end,
        staff_login=staff_login,
        include_discharged=include_discharged is not False,
    )


# -- issue 12 (docs): one client's record -----------------------------------------------------


def _export_client(
    state: State,
    client: str | None,
    fmt: str,
    output: str | None,
    replace: bool = False,
    what: str = CLIENT_RECORD,
) -> None:
    from .documents import RECORD_FORMATS

    if fmt not in RECORD_FORMATS:
        raise Failure(f"--format {fmt} is not for export {what} (use json or docx)")
    if fmt == "docx" and output is None:
        raise Failure("--format docx needs --output FILE.docx (a Word document is not text)")
    if what == CARE_PLAN:  # issue 13
        words = "the care and support plan of client number {} (" + fmt + ")"
        client_file(state, client, output, "care_plan", fmt, words, replace)
        return
    words = "the record of client number {} (" + fmt + ")"
    client_file(state, client, output, "export", fmt, words, replace)
