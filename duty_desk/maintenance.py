"""Keeping the shared database safe: online backup, restore, and the health check.

Backups use SQLite's online backup API, so they are consistent while other
duty workers keep working. Every file is written beside its destination
under a temporary name (owner and group only), checked, flushed to disk and
only then renamed into place: a failure never leaves a half-written file.
A restore first backs up what it replaces, and refuses to throw away
changes newer than the backup unless forced.

``check`` runs SQLite's integrity and foreign-key checks, the domain's
invariants (no week over its cap, no staff member double-booked, every
accepted referral has its episode, every open episode has a key worker) and
warns when the files are readable beyond the owner and the team group, or the
folder is writable by others. ``check`` never writes to the file it looks at.
Paths reach SQLite as quoted ``file:`` URIs: "#", "?" and "%" stay part of the name.

Both ``check`` and restore verify that the audit log's append-only triggers are in place
and its hash chain holds end to end (``duty_desk.audit_chain``); restore refuses a file
that fails, whatever ``--force`` says.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
import stat
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.exc import DBAPIError

from . import audit_chain, timeutil
from .config import Config
from .db import APP_ID, SCHEMA_VERSION, Database
from .errors import DutyDeskError
from .folders import TEAM_DIR_MODE, private_dir
from .reports.writers import output_target

FILE_MODE = 0o660  # owner and the team group; the umask may make it stricter
WIDEST_ALLOWED = 0o660


class MaintenanceError(DutyDeskError):
    """A backup, restore or check that could not be done; one plain sentence."""


# -- files --------------------------------------------------------------------------------------


def sqlite_file(db: Database) -> Path:
    path = db.sqlite_path
    if path is None:
        raise MaintenanceError(
            f"{db.describe()} is not an SQLite file: back it up with the server's own tools "
            "(for PostgreSQL, pg_dump)"
        )
    return path


def _fresh_temp(dest: Path) -> Path:
    """An empty file beside ``dest`` with the team's mode (never world-readable)."""
    private_dir(dest.parent, TEAM_DIR_MODE)
    temp = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    with suppress(FileNotFoundError):
        temp.unlink()
    os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    return temp


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    # A URI, so quoted: a path with "#", "?" or "%" names exactly that file.
    uri = f"file:{quote(str(path))}" + ("?mode=ro" if readonly else "")
    con = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=15)
    return con


SQLITE_FULL = 13
SQLITE_IOERR = 10


def _write_failure(dest: Path, exc: sqlite3.Error | OSError) -> MaintenanceError:
    """One sentence for a copy that could not be written (the disk full, above all)."""
    if isinstance(exc, OSError):
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
        why = "the disk is full" if full else (exc.strerror or exc.__class__.__name__)
    else:
        code = getattr(exc, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        if primary == SQLITE_FULL or "full" in str(exc).lower():
            why = "the disk is full"
        elif primary == SQLITE_IOERR:
            why = "the disk could not be written (full or failing)"
        else:
            why = f"a database error ({getattr(exc, 'sqlite_errorname', None) or 'unknown'})"
    return MaintenanceError(f"cannot write {dest}: {why}; nothing was written")


def _copy(source: sqlite3.Connection, dest: Path) -> None:
    """Online copy of ``source`` into a new file at ``dest`` (written aside, then renamed).

    Any failure (a full disk above all) is one sentence and leaves no partial file."""
    temp: Path | None = None
    try:
        try:
            temp = _fresh_temp(dest)
            with closing(_connect(temp)) as target:
                source.backup(target)
                target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise MaintenanceError(
                        "the copy failed its integrity check; nothing was written"
                    )
            _fsync(temp)
        except (sqlite3.Error, OSError) as exc:
            raise _write_failure(dest, exc) from None
        os.replace(temp, dest)
    except BaseException:
        if temp is not None:
            for leftover in (temp, temp.with_name(temp.name + "-journal")):
                with suppress(FileNotFoundError):
                    leftover.unlink()
        raise


@dataclass(frozen=True)
class FileFacts:
    """What a duty-desk database file says about itself."""

    schema_version: str | None
    last_change: dt.datetime | None  # the newest audit entry's time
    last_change_id: int  # the newest audit entry (the log is append-only: ids only grow)
    changes: int


def read_facts(path: Path) -> FileFacts:
    """Facts from a duty-desk SQLite file, or MaintenanceError if it is not one."""
    if not path.exists():
        raise MaintenanceError(f"no file at {path}")
    try:
        with closing(_connect(path, readonly=True)) as con:
            meta = dict(con.execute("SELECT key, value FROM duty_desk_meta").fetchall())
            count = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
            newest = con.execute("SELECT id, at FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.DatabaseError:
        raise MaintenanceError(f"{path} is not a duty-desk database (or is damaged)") from None
    if meta.get("app") != APP_ID:
        raise MaintenanceError(f"{path} is not a duty-desk database")
    newest_id, newest_at = newest or (0, None)
    last = timeutil.as_utc(_instant(newest_at)) if newest_at else None
    return FileFacts(meta.get("schema_version"), last, int(newest_id), int(count))


# -- backup and restore ---------------------------------------------------------------------------


def backup(db: Database, dest: Path, *, force: bool = False) -> FileFacts:
    """An online, consistent copy of ``db`` at ``dest``."""
    source = sqlite_file(db)
    given = dest.expanduser()
    try:
        where = output_target(given)  # the one rule for what is at an output path
    except OSError as exc:
        raise MaintenanceError(
            f"cannot write {given}: {exc.strerror}; nothing was written"
        ) from None
    if where.in_place:
        raise MaintenanceError(
            f"{given} is a {where.kind}: a backup is written only to a regular file "
            "(it is checked once written); nothing was written"
        )
    dest = where.path  # a link to a regular file: the file it points at
    if dest.resolve() == source.resolve():
        raise MaintenanceError("the backup file is the database itself; give another path")
    if where.kind != "new file" and not force:
        raise MaintenanceError(f"{given} already exists; give a new file name (or --force)")
    try:
        with closing(_connect(source)) as con:
            _copy(con, dest)
    except sqlite3.Error as exc:  # the database's side: busy, unreadable
        raise MaintenanceError(
            f"cannot read {source} ({getattr(exc, 'sqlite_errorname', None) or 'error'}); "
            "nothing was written"
        ) from None
    return read_facts(dest)


@dataclass(frozen=True)
class Restored:
    backup: FileFacts
    replaced: FileFacts
    safety_copy: Path


def restore(db: Database, backup_file: Path, *, zone: str, force: bool = False) -> Restored:
    """Replace the contents of ``db`` with ``backup_file``, online.

    Refuses a file that is not a duty-desk database, one from a newer
    duty-desk, and (without ``force``) a backup older than the database's
    newest change. What is replaced is first saved beside the database.
    """
    target = sqlite_file(db)
    backup_file = backup_file.expanduser()
    incoming = read_facts(backup_file)
    current = read_facts(target)
    if incoming.schema_version != SCHEMA_VERSION:
        raise MaintenanceError(
            f"{backup_file} has schema version {incoming.schema_version}, this duty-desk "
            f"knows {SCHEMA_VERSION}; nothing was changed"
        )
    with closing(_connect(backup_file, readonly=True)) as con:
        if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise MaintenanceError(f"{backup_file} fails its integrity check; nothing was changed")
    refuse_tampered(backup_file)
    # The audit log is append-only, so its newest id says how far a file's history goes.
    newer = current.last_change_id > incoming.last_change_id
    if newer and not force:
        assert current.last_change is not None
        raise MaintenanceError(
            f"the database has changes newer than this backup (latest "
            f"{timeutil.fmt_local(current.last_change, zone, style='long')}); "
            "nothing was changed (--force replaces them; a copy is kept first)"
        )
    stamp = timeutil.now().format("YYYYMMDD-HHmmss")
    safety = target.with_name(f"{target.name}.before-restore-{stamp}")
    with closing(_connect(target)) as live:
        _copy(live, safety)
        with closing(_connect(backup_file, readonly=True)) as src:
            src.backup(live)  # the live file, under SQLite's own locking
    return Restored(incoming, current, safety)


# -- check -------------------------------------------------------------------------------------------


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)  # broken: exit status 1
    warnings: list[str] = field(default_factory=list)  # worth a look
    passed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def mode_warning(path: Path) -> str | None:
    """A sentence when ``path`` is readable or writable beyond owner and group."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None
    if mode & ~WIDEST_ALLOWED:
        return (
            f"{path} has mode {mode:04o}: others can read or change it "
            f"(run: chmod {WIDEST_ALLOWED:o} '{path}')"
        )
    return None


def folder_warning(folder: Path) -> str | None:
    """A sentence when others (not the owner, not the team group) can write ``folder``:
    they could then remove or replace the database and its journal files."""
    try:
        mode = stat.S_IMODE(folder.stat().st_mode)
    except FileNotFoundError:
        return None
    if mode & stat.S_IWOTH:
        return (
            f"the database's folder {folder} has mode {mode:04o}: others can remove or "
            f"replace the database (run: chmod o-w '{folder}')"
        )
    return None


@contextmanager
def _raw(db: Database) -> Iterator[sqlite3.Connection]:
    with closing(_connect(sqlite_file(db), readonly=True)) as con:
        yield con


def check(db: Database, config: Config) -> CheckReport:
    report = CheckReport()
    path = db.sqlite_path
    if path is not None:
        with _raw(db) as con:
            result = [row[0] for row in con.execute("PRAGMA integrity_check").fetchall()]
            if result == ["ok"]:
                report.passed.append("SQLite integrity check: ok")
            else:
                report.problems.append(f"SQLite integrity check failed ({len(result)} findings)")
            broken = con.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                report.problems.append(f"{len(broken)} rows point at records that do not exist")
            else:
                report.passed.append("references between records: ok")
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            warning = mode_warning(file)
            if warning:
                report.warnings.append(warning)
        warning = folder_warning(path.parent)
        if warning:
            report.warnings.append(warning)
    _check_invariants(db, config, report)
    _check_audit(db, report)
    return report


# -- the audit log's triggers and hash chain ----------------------------------------------------

_CHAIN_KINDS = {
    "changed": "changed",
    "gap": "rows deleted before it",
    "no_hash": "no hash: not written by duty-desk",
}
_TRIGGER_KINDS = {"missing": "missing", "altered": "altered", "disabled": "disabled"}


def audit_findings(con: audit_chain.AnyConnection) -> list[str]:
    """One sentence for the audit triggers and one for the hash chain, where they fail."""
    found = []
    triggers = audit_chain.trigger_problems(con)
    if triggers:
        named = ", ".join(f"{p.name} ({_TRIGGER_KINDS[p.kind]})" for p in triggers)
        found.append(f"audit log triggers are not as duty-desk made them: {named}")
    try:
        chain = audit_chain.chain_problems(con)
    except (sqlite3.DatabaseError, DBAPIError):  # no hash column: a file older than schema 3
        return [*found, "audit log has no hash chain to verify (run 'duty-desk upgrade' on it)"]
    if chain:
        shown = ", ".join(f"{p.row_id} ({_CHAIN_KINDS[p.kind]})" for p in chain[:10])
        more = f" and {len(chain) - 10} more" if len(chain) > 10 else ""
        found.append(
            f"audit log history was rewritten: its hash chain breaks at {len(chain)} "
            f"rows (ids {shown}{more})"
        )
    return found


def _check_audit(db: Database, report: CheckReport) -> None:
    """The append-only triggers and the hash chain over the whole audit log."""
    if db.sqlite_path is not None:
        with _raw(db) as con:
            found = audit_findings(con)
    else:
        with db.engine.connect() as connection:
            found = audit_findings(connection)
            connection.rollback()
    if found:
        report.problems.extend(found)
    else:
        report.passed.append("audit log: triggers in place, hash chain verifies end to end")


def refuse_tampered(backup_file: Path) -> None:
    """MaintenanceError when the file's audit triggers are gone or its history was rewritten
    (never restored, whatever --force says)."""
    with closing(_connect(backup_file, readonly=True)) as con:
        found = audit_findings(con)
    if found:
        raise MaintenanceError(
            f"{backup_file} cannot be restored, even with --force: {'; '.join(found)}; "
            "nothing was changed"
        )


def _check_invariants(db: Database, config: Config, report: CheckReport) -> None:
    from sqlalchemy import text

    zone = config.team.timezone
    with db.session() as session:
        conn = session.connection()
        # 1. No area's week over its cap (counted by the week the referral was RECEIVED).
        weeks: Counter[tuple[str, dt.date]] = Counter()
        for area, received in conn.execute(
            text("SELECT area, received_at FROM referral WHERE status = 'accepted'")
        ):
            instant = timeutil.as_utc(_instant(received))
            weeks[(area, timeutil.week_start_local(instant, zone).date())] += 1
        over = [
            f"{config.areas[area].name if area in config.areas else area} took {count} in the week "
            f"of {week:%d %b %Y} (cap {config.areas[area].weekly_cap})"
            for (area, week), count in sorted(weeks.items())
            if area in config.areas and count > config.areas[area].weekly_cap
        ]
        _record(report, over, "weekly caps: no week over its cap", "week over its cap")
        # 2. No staff member in two meetings at once.
        clashes = conn.execute(
            text(
                "SELECT a.staff_id, count(*) FROM meeting_staff a "
                "JOIN meeting ma ON ma.id = a.meeting_id "
                "JOIN meeting_staff b ON b.staff_id = a.staff_id AND b.meeting_id > a.meeting_id "
                "JOIN meeting mb ON mb.id = b.meeting_id "
                "WHERE ma.status IN ('booked', 'happened') AND mb.status IN ('booked', 'happened') "
                "AND ma.starts_at < mb.ends_at AND mb.starts_at < ma.ends_at "
                "GROUP BY a.staff_id"
            )
        ).fetchall()
        _record(
            report,
            [f"staff record {staff} has {n} overlapping meetings" for staff, n in clashes],
            "meetings: no staff member double-booked",
            "double booking",
        )
        # 3. Every accepted referral has its episode of care.
        orphans = conn.execute(
            text(
                "SELECT count(*) FROM referral r LEFT JOIN client c ON c.referral_id = r.id "
                "WHERE r.status = 'accepted' AND c.id IS NULL"
            )
        ).scalar_one()
        _record(
            report,
            [f"{orphans} accepted referrals have no episode of care"] if orphans else [],
            "accepted referrals: each has its episode",
            "missing episode",
        )
        # 4. Every open episode has a key worker (the board flags those without one).
        no_key = conn.execute(
            text("SELECT count(*) FROM client WHERE status = 'open' AND key_worker_id IS NULL")
        ).scalar_one()
        if no_key:
            report.warnings.append(
                f"{no_key} open episodes have no key worker (shown as a problem on the board)"
            )
        else:
            report.passed.append("open episodes: each has a key worker")


def _instant(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC)


def _record(report: CheckReport, found: list[str], ok_text: str, what: str) -> None:
    if found:
        report.problems.extend(f"{what}: {item}" for item in found)
    else:
        report.passed.append(ok_text)
