"""The ``duty-desk`` command.

Commands that need no screen (init, staff, import, export) never import
Textual; the app is imported only by the commands that open it. The core is
imported inside each command so that ``--help`` is quick.

Every expected failure (settings, database, permission, a file) is one
sentence on stderr and exit status 1, never a traceback. Usage mistakes
(an unknown option, a missing argument) are click's usual message with
exit status 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar, NoReturn, TypeVar

import click

from .heap import resume_collection
from .vocabulary import ROLE_LONG

if TYPE_CHECKING:
    import datetime as dt

    from .config import Config
    from .db import Database
    from .repository import Repository

PROG = "duty-desk"
DEBUG_ENV = "DUTY_DESK_DEBUG"

ROLE_WORDS = ROLE_LONG


class Failure(click.ClickException):
    """One plain sentence on stderr, exit status 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"{PROG}: {_sentence(self.message)}", file=file or sys.stderr, err=True)


def _sentence(message: str) -> str:
    message = " ".join(message.split())  # one line
    if message and message[-1] not in ".!?)":
        message += "."
    return message


def _plain_message(exc: BaseException) -> str | None:
    """The one-sentence message of an expected error, or None for anything else.

    Classes are looked up only in modules already imported: an exception cannot
    belong to a module that was never loaded, and --help stays light.
    """
    expected: list[type[BaseException]] = []
    for module, name in (
        ("duty_desk.errors", "DutyDeskError"),
        ("duty_desk.config", "ConfigError"),
        ("duty_desk.db", "DatabaseError"),
        ("duty_desk.timeutil", "TimeInputError"),
    ):
        loaded = sys.modules.get(module)
        if loaded is not None:
            expected.append(getattr(loaded, name))
    if expected and isinstance(exc, tuple(expected)):
        return str(exc)
    if isinstance(exc, BrokenPipeError):
        return None  # click's own handling: exit quietly
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        reason = exc.strerror or exc.__class__.__name__
        return f"cannot use{where}: {reason}"
    return None


class DutyDeskGroup(click.Group):
    """A click group that turns the core's errors into one sentence and exit status 1.

    Commands named in :attr:`LATER` live in modules of their own, imported when the command
    is named or listed (click's lazy-loading pattern): a start of the app does not load
    them (issue 15: ``export`` and the report registry behind it)."""

    LATER: ClassVar[dict[str, str]] = {"export": "duty_desk.cli_export"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LATER})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.LATER and cmd_name not in self.commands:
            module = import_module(self.LATER[cmd_name])
            self.add_command(getattr(module, cmd_name), cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            message = _plain_message(exc)
            if message is None:
                raise
            raise Failure(message) from None


class State:
    """What the group's options chose; settings and database are opened on first use."""

    def __init__(self, config_path: str | None, db_arg: str | None) -> None:
        self.config_path = config_path
        self.db_arg = db_arg
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            from .config import load_config

            self._config = load_config(self.config_path)
        return self._config

    def open_db(self, *, create: bool = False) -> Database:
        from .db import open_database

        return open_database(self.config, self.db_arg, create=create)

    def repo(self, db: Database) -> Repository:
        from .repository import Repository

        return Repository(db, self.config)


pass_state = click.make_pass_decorator(State)


def _run_app(config: Config, db: Database) -> None:
    """Open the Textual app on ``db`` (the only place the CLI imports the UI)."""
    try:
        from screens.app import create_app
    except ImportError as exc:
        if exc.name not in ("screens", "screens.app", "textual"):
            raise
        raise Failure(
            "the terminal screens are not installed with this copy of duty-desk "
            f"(cannot import {exc.name})"
        ) from None
    try:
        app = create_app(config, db)
        app.run()
    finally:
        db.dispose()
    if app.return_code:  # stopped by an internal error (told in one sentence, details logged)
        raise click.exceptions.Exit(app.return_code)


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=DutyDeskGroup, invoke_without_command=True, context_settings=CONTEXT)
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    help="Settings file (TOML). Default: $DUTY_DESK_CONFIG, else "
    "~/.config/duty-desk/config.toml, else /etc/xdg/duty-desk/config.toml, "
    "else the built-in example team.",
)
@click.option(
    "--db",
    "db_arg",
    metavar="PATH_OR_URL",
    help="Database: a file path or an SQLAlchemy URL. Default: $DUTY_DESK_DB, "
    "else [database] url in the settings, else ~/.local/share/duty-desk/duty-desk.db.",
)
@click.version_option(package_name="duty-desk", prog_name=PROG)
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, db_arg: str | None) -> None:
    """Duty desk for a Peer-supported Open Dialogue team.

    With no command, opens the referral queue on the configured database.
    You act as your operating-system login; a login that is not on the
    staff list can look but not change anything.

    Errors are one sentence on stderr with exit status 1.
    """
    ctx.obj = State(config_path, db_arg)
    if ctx.invoked_subcommand is not None:  # no screen: collect as usual (duty_desk/heap.py)
        resume_collection()
    else:
        state: State = ctx.obj
        _run_app(state.config, state.open_db())


# -- demo ---------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--fresh",
    is_flag=True,
    help="Throw the demo database away and build a new one around the current time.",
)
@click.option(
    "--no-open",
    is_flag=True,
    help="Build (or reuse) the demo database and print where it is; do not open the app.",
)
@pass_state
def demo(state: State, fresh: bool, no_open: bool) -> None:
    """Open the app on a demo database of fictional people.

    Builds the demo database on first use (a week of referrals: new, being
    triaged, overdue, due soon, accepted, redirected and declined, with
    network members; episodes of care with core teams, meetings held and
    booked around today, absences and a discharge) and reuses it afterwards. Everyone in it is synthetic:
    names marked "(demo)", NHS numbers from the 999 test range, phone
    numbers from Ofcom's drama ranges. Your login is on its staff list as
    the duty worker.

    The demo lives in ~/.local/share/duty-desk/demo.db unless --db names
    another file; DUTY_DESK_DB and the settings' database are not used, and
    a database that is not a demo is never filled or removed.
    """
    from . import timeutil
    from .demo import prepare_demo

    outcome = prepare_demo(state.config, state.db_arg, fresh=fresh)
    where = outcome.db.describe()
    if outcome.built and outcome.summary is not None:
        counts = ", ".join(
            f"{n} {status}" for status, n in sorted(outcome.summary.by_status.items())
        )
        click.echo(
            f"Built a demo database at {where}: {outcome.summary.referrals} referrals "
            f"({counts}), {outcome.summary.staff} staff, "
            f"{outcome.summary.episodes} open episodes of care, "
            f"{outcome.summary.meetings} network meetings."
        )
    else:
        built = timeutil.fmt_local(outcome.built_at, state.config.team.timezone, "day")
        click.echo(
            f"Using the demo database at {where} (built {built}; "
            "'duty-desk demo --fresh' builds a new one around the current time)."
        )
    if no_open:
        outcome.db.dispose()
        return
    _run_app(state.config, outcome.db)


# -- init -----------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--name", metavar="NAME", help="Your full name for the staff list (default: your login)."
)
@pass_state
def init(state: State, name: str | None) -> None:
    """Create an empty database, with you as its first team lead.

    The database is the one --db, DUTY_DESK_DB or the settings name. An
    existing database that holds staff or referrals is left untouched.
    """
    from .db import open_database, resolve_url
    from .identity import os_login

    config = state.config
    url = resolve_url(state.db_arg, config)
    existing = (
        url.get_backend_name() == "sqlite"
        and url.database
        and Path(url.database).exists()
        and Path(url.database).stat().st_size > 0
    )
    db = open_database(config, state.db_arg, create=not existing)
    try:
        repo = state.repo(db)
        if repo.list_staff(include_inactive=True) or not db.is_empty():
            leads = [s for s in repo.list_staff() if s.role == "team_lead"]
            hint = (
                ""
                if leads or not repo.list_staff(include_inactive=True)
                else "; no team lead is left: the file's owner or root names one with "
                f"'{PROG} staff add LOGIN NAME --role team_lead --bootstrap'"
            )
            raise Failure(
                f"{db.describe()} already holds staff or referrals; "
                f"init leaves an existing database as it is{hint}"
            )
        login = os_login()
        me = repo.add_staff(login, name or login, "team_lead", bootstrap=True)
        verb = "Set up the empty" if existing else "Created the"
        click.echo(f"{verb} duty-desk database at {db.describe()}.")
        click.echo(
            f"{me.login} ({me.name}) is its team lead; add the team with "
            f"'{PROG} staff add LOGIN NAME'."
        )
    finally:
        db.dispose()


# -- staff ----------------------------------------------------------------------------------


@cli.group(context_settings=CONTEXT)
def staff() -> None:
    """The staff list: who may change things (by operating-system login)."""


@staff.command("add")
@click.argument("login")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice([str(role) for role in ROLE_WORDS]),
    default="clinician",
    show_default=True,
    help="clinician, peer_support (peer support worker) or team_lead.",
)
@click.option(
    "--bootstrap",
    is_flag=True,
    help="Only when no active team lead is left: make LOGIN a team lead (with --role "
    "team_lead). For the database file's owner or root; audited.",
)
@click.option("--phone", default="", help="Their work phone (shown as how to reach a key worker).")
@pass_state
def staff_add(state: State, login: str, name: str, role: str, bootstrap: bool, phone: str) -> None:
    """Add LOGIN (their operating-system user name) as NAME.

    Only a team lead can add people. If no active team lead is left (they have all
    left the team), the owner of the database file or root names one with
    --role team_lead --bootstrap (LOGIN may already be on the list: they become an
    active team lead and keep their name); that is recorded in the audit log.
    """
    db = state.open_db()
    try:
        repo = state.repo(db)
        before = {person.login: person for person in repo.list_staff(include_inactive=True)}
        added = repo.add_staff(login, name, role, bootstrap=bootstrap, phone=phone)
    finally:
        db.dispose()
    role_words = ROLE_WORDS.get(added.role, added.role)
    if added.login in before:
        click.echo(f"{added.login} ({added.name}) is now an active {role_words}.")
    else:
        click.echo(f"Added {added.login} ({added.name}) as {role_words}.")


@staff.command("list")
@click.option("--all", "include_all", is_flag=True, help="Include deactivated staff.")
@pass_state
def staff_list(state: State, include_all: bool) -> None:
    """List the staff: login, name, role (and 'inactive' with --all).

    Tab-separated, one person a line, sorted by name.
    """
    db = state.open_db()
    try:
        people = state.repo(db).list_staff(include_inactive=include_all)
    finally:
        db.dispose()
    for person in people:
        fields = [person.login, person.name, person.role]
        if include_all:
            fields.append("active" if person.active else "inactive")
        click.echo("\t".join(fields))


@staff.command("deactivate")
@click.argument("login")
@pass_state
def staff_deactivate(state: State, login: str) -> None:
    """Deactivate LOGIN: they can still look, but no longer change anything.

    Their past work keeps their name in the record.
    """
    db = state.open_db()
    try:
        person = state.repo(db).deactivate_staff(login)
    finally:
        db.dispose()
    click.echo(f"Deactivated {person.login} ({person.name}).")


@staff.command("capacity")
@click.argument("login")
@click.argument("episodes", type=int, metavar="N")
@pass_state
def staff_capacity(state: State, login: str, episodes: int) -> None:
    """Set how many episodes LOGIN can hold as core-team member (0 to 200).

    The board compares their caseload against it and suggests people with the
    most room first.
    """
    db = state.open_db()
    try:
        state.repo(db).set_capacity(login, episodes)
    finally:
        db.dispose()
    click.echo(f"Capacity of {login} set to {episodes} episode{'s' if episodes != 1 else ''}.")


@staff.command("phone")
@click.argument("login")
@click.argument("phone")
@pass_state
def staff_phone(state: State, login: str, phone: str) -> None:
    """Set LOGIN's work phone ("" clears it): how to reach them as a key worker.

    A team lead sets anyone's; everyone may set their own. Shown in the client record.
    """
    db = state.open_db()
    try:
        state.repo(db).set_staff_phone(login, phone)
    finally:
        db.dispose()
    click.echo(f"Phone of {login} set." if phone.strip() else f"Phone of {login} cleared.")


# -- import ---------------------------------------------------------------------------------


@cli.group("import", context_settings=CONTEXT)
def import_() -> None:
    """Load records from files."""


@import_.command("referrals")
@click.argument("file", metavar="FILE.csv")
@pass_state
def import_referrals(state: State, file: str) -> None:
    """Import referrals from a CSV file: all rows, or none.

    \b
    UTF-8 (a byte-order mark is fine), comma-separated, first line the header:
      received_at,name,date_of_birth,nhs_number,phone,area,gp_practice,source,urgency,reason
    and optionally a notes column.

    \b
      received_at    ISO 8601 (2026-11-23T09:15, 2026-11-23T09:15+00:00) or
                     DD/MM/YYYY HH:MM; without an offset, in the team's time zone.
                     A time the clock change skips or repeats needs an offset.
      name           required, one line
      date_of_birth  YYYY-MM-DD or DD/MM/YYYY
      nhs_number     blank, or 10 digits with a valid check digit (spaces allowed)
      phone          optional; digits, spaces, + ( ) -
      area           an area key from the settings (e.g. canterbury)
      gp_practice    one of that area's GP practices
      source         a source key from the settings (e.g. spoa-urgent, eip-new, gp, other)
      urgency        a triage-scale code from the settings (A to G)
      reason, notes  optional free text (line breaks inside double quotes)

    Every row is checked as the add-referral form checks it. Each problem is
    reported on stderr as "line N: field: problem" (the header is line 1),
    saying why but not repeating the value; if there is any, nothing is
    imported and the exit status is 1.

    A file is imported once (the same bytes under any name are refused), and
    a referral already in the database (same received time, same NHS number,
    or same name and date of birth without one) is refused as "line N: this
    referral is already in the database (received ...)".
    """
    from .csv_import import CsvRowErrors
    from .csv_import import import_referrals as run_import

    db = state.open_db()
    try:
        count = run_import(file, state.repo(db))
    except CsvRowErrors as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise Failure(str(exc)) from None
    finally:
        db.dispose()
    if count == 0:
        click.echo(f"{file} has no referrals after the header; nothing was imported.")
    else:
        click.echo(f"Imported {count} referral{'s' if count != 1 else ''} from {file}.")


# -- issue 12 (docs): one client's record, and the GP transfer letter ----------------------------


def client_file(
    state: State,
    client: str | None,
    output: str | None,
    kind: str,
    fmt: str,
    words: str,
    replace: bool = False,
) -> None:
    """Find the client, make the document, write it where asked (atomically, owner only;
    standard output for JSON without --output), and record in the audit log that it was
    written and where to (``duty_desk.documents.save_client_document``)."""
    from .client_export import find_client
    from .documents import DocumentPathProblem, client_writer, save_client_document

    if not client:
        raise Failure("give the client: their client number, NHS number or exact name")
    if output and Path(output).is_dir():
        raise Failure(f"cannot write {output}: it is a folder")
    db = state.open_db()
    try:
        repo = state.repo(db)
        client_id = find_client(repo, client)
        if output is None:
            repo.check_can_write_document(client_id)
            write = client_writer(repo, client_id, kind, fmt)
            sys.stdout.flush()
            write(sys.stdout.buffer)
            sys.stdout.buffer.flush()
            repo.record_document(client_id, kind, "standard output")
            return
        try:
            in_place = save_client_document(repo, client_id, kind, output, fmt, replace=replace)
        except DocumentPathProblem as exc:
            raise Failure(f"{exc}; nothing was written (--force replaces a file)") from None
        except OSError as exc:
            raise Failure(
                f"cannot write {output}: {exc.strerror or exc.__class__.__name__}; "
                "nothing was written"
            ) from None
        click.echo(f"Wrote {words.format(client_id)} to {output}.", err=in_place)
    finally:
        db.dispose()


@cli.group(context_settings=CONTEXT)
def letter() -> None:
    """Letters made from a client's record, as editable Word documents. duty-desk never
    sends them: check and edit the letter, then send it the usual way."""


@letter.command("gp")
@click.argument("client", metavar="CLIENT")
@click.option(
    "--output",
    "--out",
    "-o",
    "output",
    metavar="FILE.docx",
    required=True,
    help="Where to write the letter (created readable by you only, renamed into place "
    "when complete).",
)
@click.option(
    "--force", is_flag=True, help="Replace an existing FILE.docx (never replaced unasked)."
)
@pass_state
def letter_gp(state: State, client: str, output: str, force: bool = False) -> None:
    """The GP transfer letter for CLIENT (client number, NHS number or exact name),
    discharged or being discharged to primary care: the episode, the key worker, who was
    involved (network members only with the client's consent), what helped, the crisis plan
    and whom to contact if things get worse. What the record does not hold is left as
    "[to complete]" for the key worker."""

    words = "the GP transfer letter for client number {}"
    client_file(state, client, output, "gp_letter", "docx", words, force)


@cli.command()
@click.option(
    "--date",
    "on",
    metavar="DATE",
    help="The local date for the rota and the meetings (DD/MM/YYYY or YYYY-MM-DD; default today).",
)
@pass_state
def handover(state: State, on: str | None) -> None:
    """What the next duty worker must know, as plain text: whether the team is open, who is
    on duty, overdue and due-soon referrals (and those due before the team reopens), claims
    held, first meetings not booked, meetings with a staff member away, open handover notes.
    """
    from .handover_words import handover_lines

    day = option_date("--date", on) if on else None
    db = state.open_db()
    try:
        data = state.repo(db).handover(day)
    finally:
        db.dispose()
    for line in handover_lines(data, state.config):
        click.echo(line)


# -- issue 14 (screen): the team report -----------------------------------------------------------

REPORT_SUFFIXES = {".csv": "csv", ".json": "json", ".html": "html", ".htm": "html", ".txt": "text"}


@cli.command("report")
@click.option("--from", "date_from", metavar="DATE", help="The first local date (with --to).")
@click.option("--to", "date_to", metavar="DATE", help="The last local date, inclusive.")
@click.option(
    "--period",
    type=click.Choice(["week", "month", "quarter"]),
    default=None,
    help="The week (Monday to Sunday), month or quarter holding --on (default: this month).",
)
@click.option("--on", "on", metavar="DATE", help="A day in the --period (default: today).")
@click.option("--area", metavar="AREA", help="One area of the settings (default: all areas).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv", "json", "html"]),
    default=None,
    help="text (the default), csv, json or html; with --output FILE.csv (.json, .html, "
    ".txt) that format.",
)
@click.option(
    "--output", "--out", "-o", "output", metavar="FILE", help="Write to FILE (owner only)."
)
@click.option(
    "--with-comments",
    is_flag=True,
    help="Include the Friends and Family Test comments (free text) and the missed respond-by "
    "times listed referral by referral (left out by default: not aggregates).",
)
@click.option("--force", is_flag=True, help="Replace an existing FILE (never replaced unasked).")
@pass_state
def report_command(
    state: State,
    date_from: str | None,
    date_to: str | None,
    period: str | None,
    on: str | None,
    area: str | None,
    fmt: str | None,
    output: str | None,
    with_comments: bool,
    force: bool,
) -> None:
    """The team's outcomes report for a period and an area: intake, immediate response,
    network involvement, peer support, continuity, admissions, satisfaction, DIALOG,
    caseload. Aggregates only: no names or NHS numbers in any format. The Friends and
    Family Test comments (people's own words) and the list of missed respond-by times
    (one row per referral) are left out unless --with-comments.

    \b
    The period: --from DATE --to DATE, or --period week|month|quarter [--on DATE]
    (the one holding that day, default today); neither: this month so far.
    Formats: text (aligned, for a terminal or an email), csv (one row per figure,
    as `export team`), json (the whole report with its definitions), html (one
    self-contained page with charts, for the board). A FILE is written readable
    by you only, renamed into place when complete; an existing one is replaced
    only with --force.
    """
    from . import reports, timeutil
    from .team_report import Period, PeriodKind

    if fmt is None:
        suffix = Path(output).suffix.lower() if output else ""
        fmt = REPORT_SUFFIXES.get(suffix, "text")
    elif output:
        _check_report_format(output, fmt)
    if (date_from or date_to) and (period or on):
        raise Failure("give --from and --to, or --period (and --on), not both")
    if bool(date_from) != bool(date_to):
        raise Failure("--from and --to go together: give both (DD/MM/YYYY or YYYY-MM-DD)")
    if date_from and date_to:
        start, end = option_date("--from", date_from), option_date("--to", date_to)
        if end < start:
            raise Failure(f"--to {date_to} is before --from {date_from}")
    else:
        today = timeutil.to_local(timeutil.now(), state.config.team.timezone).date()
        day = option_date("--on", on) if on else today
        whole = Period.of(PeriodKind(period or "month"), day)
        start, end = whole.start, whole.end
    chosen_area = option_area(state, area) if area is not None else None
    if output:
        _check_report_output(output, force)
    params = reports.Params(start=start, end=end, area=chosen_area, with_comments=with_comments)
    found = reports.report("team")
    from .reports.team import write_report_json

    def write(found: reports.Report, fmt: str, repo: Repository, out: Any, params: Any) -> None:
        """The registry's report (csv, text, html); json: the whole report as one object."""
        if fmt == "json":
            write_report_json(repo, params, out)
        else:
            reports.run(found, fmt, repo, out, params)

    db = state.open_db()
    try:
        repo = state.repo(db)
        _, in_place = write_to(output, lambda out: write(found, fmt, repo, out, params))
        if output:
            click.echo(f"Wrote the team report to {output} ({fmt}).", err=in_place)
    finally:
        db.dispose()


_Written = TypeVar("_Written")


def write_to(output: str | None, write: Callable[[IO[bytes]], _Written]) -> tuple[_Written, bool]:
    """``write`` to FILE (``output``: atomically, readable by the owner only; in place on a
    pipe or a terminal such as /dev/stdout), or to standard output. Returns what ``write``
    returned and whether it was written in place: a note about it then goes to stderr, never
    into the output itself. A FILE that cannot be written is a Failure saying nothing was."""
    if output is None:
        sys.stdout.flush()
        written = write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return written, True
    from .reports.writers import atomic_output, output_target

    try:
        in_place = output_target(output).in_place
        with atomic_output(output) as handle:
            return write(handle), in_place
    except OSError as exc:
        raise Failure(
            f"cannot write {output}: {exc.strerror or exc.__class__.__name__}; nothing was written"
        ) from None


def option_area(state: State, area: str) -> str:
    """An area key of the settings, else a Failure naming --area and the areas there are."""
    if area not in state.config.areas:
        known = ", ".join(sorted(state.config.areas))
        raise Failure(f"--area: no area called {area!r} (the areas: {known})")
    return area


def _check_report_format(output: str, fmt: str) -> None:
    """--format and a FILE named for another format (``--format json -o x.csv``) are
    refused, naming both (found by the probe: JSON was written into a .csv file without a
    word). A name no format claims (``x.dat``), or a pipe or device, takes any format."""
    from .reports.writers import output_target

    named = REPORT_SUFFIXES.get(Path(output).suffix.lower())
    if named is None or named == fmt:
        return
    try:
        if output_target(output).in_place:
            return
    except OSError:
        return  # _check_report_output says why, in its own words
    wanted = next(suffix for suffix, kind in REPORT_SUFFIXES.items() if kind == fmt)
    raise Failure(
        f"--format {fmt} does not match --output {output} (a {Path(output).suffix} file holds "
        f"{named}): give --format {named}, or a FILE ending {wanted}; nothing was written"
    )


def _check_report_output(output: str, force: bool) -> None:
    """Refuse a folder, and an existing file unless --force (before anything is read)."""
    from .reports.writers import output_target

    try:
        target = output_target(output)
    except OSError as exc:
        raise Failure(
            f"cannot write {output}: {exc.strerror or exc.__class__.__name__}; nothing was written"
        ) from None
    if not target.in_place and target.kind != "new file" and not force:
        raise Failure(
            f"--output: {output} already exists; nothing was written (--force replaces it)"
        )


def option_date(option: str, text: str) -> dt.date:
    """A date option (DD/MM/YYYY or YYYY-MM-DD) in the years duty-desk takes
    (``timeutil.EARLIEST_YEAR`` to ``LATEST_YEAR``), else a Failure naming the option."""
    from .timeutil import TimeInputError, parse_date

    try:
        return parse_date(text)
    except TimeInputError as exc:
        raise Failure(f"{option}: {exc}") from None


from . import cli_maintenance as _maintenance_commands  # noqa: E402,F401 - registers them


def _quiet_broken_pipe() -> NoReturn:
    """Output piped into ``head`` and closed early: stop quietly (Python's documented recipe)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(1)


def main() -> None:
    """Console-script entry point: never a traceback for the person at the terminal."""
    try:
        cli.main(prog_name=PROG)
    except BrokenPipeError:
        _quiet_broken_pipe()
    except SystemExit:
        raise
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        from .crash_log import record_crash

        try:
            kept = f"the details are in {record_crash(exc, 'cli')} (private to you)"
        except OSError:
            kept = "the details could not be written down"
        click.echo(
            f"{PROG}: internal error ({exc.__class__.__name__}); nothing more was saved; "
            f"{kept}; run with {DEBUG_ENV}=1 to see them here (they may include personal data).",
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
