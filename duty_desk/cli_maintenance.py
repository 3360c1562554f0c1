"""The ``backup``, ``restore`` and ``check`` commands (registered on the main group)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import Failure, State, cli, pass_state


def _maintenance():  # type: ignore[no-untyped-def]
    from . import maintenance

    return maintenance


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it already exists.")
@pass_state
def backup(state: State, file: Path, force: bool) -> None:
    """Copy the database to FILE, online, while others keep working.

    The copy is checked and written under a temporary name first, readable
    by the owner and the team group only.
    """
    db = state.open_db()
    try:
        facts = _maintenance().backup(db, file, force=force)
    finally:
        db.dispose()
    click.echo(f"Backed up to {file} ({facts.changes} audited changes).")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Restore even though the database has changes the backup lacks, or the backup is "
    "of another database (never one whose audit log has lost its guard).",
)
@pass_state
def restore(state: State, file: Path, force: bool) -> None:
    """Replace the database's contents with the backup FILE (team leads only).

    Other processes keep the database open: their changes wait until the
    restore is done, so none is lost. Refuses, unless --force, a backup
    older than the database's newest change, one whose history does not
    lead to the database's, and a backup of another database. The replaced
    contents are always saved beside the database first, and the restore
    is recorded in the restored audit log.
    """
    db = state.open_db()
    try:
        done = _maintenance().restore(db, file, zone=state.config.team.timezone, force=force)
    finally:
        db.dispose()
    for stray in done.cleaned:
        click.echo(f"Removed {stray}, a temporary copy left by a stopped backup or restore.")
    click.echo(f"Restored from {file}. What it replaced is kept at {done.safety_copy}.")


@cli.command()
@pass_state
def check(state: State) -> None:
    """Check the database: integrity, the service's rules, and file permissions.

    Exit status 1 when something is broken; warnings alone exit 0.
    """
    db = state.open_db()
    try:
        report = _maintenance().check(db, state.config)
    finally:
        db.dispose()
    for line in report.passed:
        click.echo(f"ok       {line}")
    for line in report.warnings:
        click.echo(f"warning  {line}")
    for line in report.problems:
        click.echo(f"PROBLEM  {line}")
    if not report.ok:
        click.echo(f"duty-desk: {len(report.problems)} problems found.", err=True)
        sys.exit(1)


__all__ = ["Failure", "backup", "check", "restore"]


@cli.command()
@pass_state
def upgrade(state: State) -> None:
    """Bring the database's schema up to this duty-desk's, backing it up first.

    Run it once after installing a newer duty-desk, when nobody has the app
    open. A database from a newer duty-desk is never touched.
    """
    from .db import open_database
    from .migrate import upgrade as run_upgrade

    db = open_database(state.config, state.db_arg, check=False)
    try:
        done = run_upgrade(db)
        db.check_schema()
    finally:
        db.dispose()
    if done.before == done.after:
        click.echo(f"Already up to date (revision {done.after}).")
        return
    saved = f" The database before the upgrade is kept at {done.backup}." if done.backup else ""
    click.echo(f"Upgraded from revision {done.before} to {done.after}.{saved}")
