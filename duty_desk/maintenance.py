"""Keeping the shared database safe: online backup, restore, and the health check.

Backups use SQLite's online backup API, so they are consistent while other
duty workers keep working. Every file is written beside its destination
under a temporary name (owner and group only), checked, flushed to disk and
only then renamed into place: a failure never leaves a half-written file.
A restore (a team lead's action) holds the write lock from its checks to its
commit, first copies what it replaces, refuses to throw away changes newer
than the backup or to bring in another database's unless forced, and records
itself in the restored audit log (see the restore section below).

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
import json
import os
import re
import secrets
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
from .db import APP_ID, DATABASE_ID, SCHEMA_VERSION, Database, new_database_id
from .errors import DutyDeskError
from .folders import TEAM_DIR_MODE, private_dir
from .identity import os_login
from .reports.writers import output_target
from .vocabulary import Role

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


# -- restore --------------------------------------------------------------------------------------
# One connection takes the database's write lock (BEGIN IMMEDIATE) before anything is read
# and keeps it until the new contents are committed: the checks, the safety copy (read by a
# second connection, which sees exactly the committed state nobody can change meanwhile), the
# replacement and the restore's own audit entry happen while no other process can commit.
# Writers wait on their busy timeout, or are told the database is busy. The replacement is
# one transaction: a restore that is stopped half-way leaves the database as it was.

RESTORE_ACTION = "restore backup"
INCOMING = "incoming"  # the backup file, attached read-only to the locked connection
SAFETY_MODE = 0o600  # a full copy of everyone's records: the restoring login only
# A temporary copy being written: ".NAME.PID.partial" (backup) or ".NAME.PID.TOKEN.partial",
# with SQLite's own side files. Once its process has gone it is a stray.
_TEMPORARY = re.compile(r"^\.(?P<of>.+)\.(?P<pid>\d+)(\.[0-9a-f]+)?\.partial(-journal|-wal|-shm)?$")


@dataclass(frozen=True)
class Restored:
    backup: FileFacts
    replaced: FileFacts
    safety_copy: Path
    audit_id: int = 0  # the restore's own entry in the restored audit log
    cleaned: tuple[Path, ...] = ()  # stray temporaries removed first


@dataclass(frozen=True)
class Problem:
    """Why a backup should not replace the database: one sentence; ``kind`` names it in the
    restore's audit entry when ``--force`` overrides it (``forceable``)."""

    sentence: str
    kind: str
    forceable: bool = False


def restore(
    db: Database,
    backup_file: Path,
    *,
    zone: str,
    force: bool = False,
    actor: str | None = None,
) -> Restored:
    """Replace the contents of ``db`` with ``backup_file``, online, as ``actor`` (a team lead).

    Refuses (one sentence, nothing changed) a login that is not an active team lead, a file
    that is not a duty-desk database of this schema or fails its checks, and one whose audit
    log has lost its guard; without ``force`` also a backup of another database, one whose
    history does not lead to this database's, or one older than the database's newest
    change. What is replaced is first copied beside the database under a name of its own.
    """
    target = sqlite_file(db)
    backup_file = backup_file.expanduser()
    actor = actor if actor is not None else os_login()
    if not backup_file.is_file():
        raise MaintenanceError(f"no file at {backup_file}")
    if os.path.samefile(backup_file, target):
        raise MaintenanceError("the backup file is the database itself; nothing was changed")
    try:
        with closing(_open(target, readonly=True)) as look:  # refuse early, before any lock
            _refuse_unless_lead(look, actor)
    except sqlite3.Error as exc:
        raise MaintenanceError(_sqlite_sentence(exc, target, 0)) from None
    cleaned = clean_stray_temporaries(target.parent)
    with _locked(target, backup_file, db.settings.busy_timeout_seconds) as live:
        _refuse_unless_lead(live, actor)  # again, under the lock: the staff list as it is now
        problems = backup_problems(live, backup_file, zone=zone)
        for problem in problems:
            if not (force and problem.forceable):
                raise MaintenanceError(problem.sentence)
        replaced, incoming = _facts(live, "main"), _facts(live, INCOMING)
        identity = _meta(live, "main").get(DATABASE_ID)
        safety = _safety_copy(target, replaced)
        _replace_contents(live)
        audit_id = _record_restore(
            live, actor, backup_file, safety, replaced, identity, [p.kind for p in problems]
        )
        live.execute("COMMIT")
    return Restored(incoming, replaced, safety, audit_id, cleaned)


def backup_problems(live: sqlite3.Connection, backup_file: Path, *, zone: str) -> list[Problem]:
    """What stands against restoring ``backup_file`` (attached to ``live`` as ``incoming``,
    under the write lock). A problem that is not ``forceable`` comes alone: the file cannot
    be trusted, so nothing more is read from it."""
    try:
        absolute = (
            _schema_problem(live, backup_file)
            or _integrity_problem(live, backup_file)
            or _chain_problem(backup_file)  # the audit triggers and the hash chain
            or _layout_problem(live, backup_file)
        )
        if absolute:
            return [absolute]
        other = _identity_problem(live, backup_file)  # then its history says nothing more
        history = other or _history_problem(live, backup_file, zone)
        return [history] if history else []
    except sqlite3.DatabaseError:
        damaged = f"{backup_file} is not a duty-desk database (or is damaged); nothing was changed"
        return [Problem(damaged, "damaged")]


def _schema_problem(live: sqlite3.Connection, backup_file: Path) -> Problem | None:
    meta = _meta(live, INCOMING)
    if meta.get("app") != APP_ID:
        return Problem(
            f"{backup_file} is not a duty-desk database; nothing was changed", "not duty-desk"
        )
    if meta.get("schema_version") != SCHEMA_VERSION:
        return Problem(
            f"{backup_file} has schema version {meta.get('schema_version')}, this duty-desk "
            f"knows {SCHEMA_VERSION}; nothing was changed",
            "schema",
        )
    return None


def _integrity_problem(live: sqlite3.Connection, backup_file: Path) -> Problem | None:
    if live.execute(f"PRAGMA {INCOMING}.integrity_check").fetchone()[0] != "ok":
        return Problem(f"{backup_file} fails its integrity check; nothing was changed", "damaged")
    return None


def _layout_problem(live: sqlite3.Connection, backup_file: Path) -> Problem | None:
    ours = {table: set(_columns(live, "main", table)) for table in _tables(live, "main")}
    theirs = {table: set(_columns(live, INCOMING, table)) for table in _tables(live, INCOMING)}
    if ours != theirs:
        return Problem(
            f"{backup_file} does not hold the same tables as this database; nothing was changed",
            "layout",
        )
    return None


def _identity_problem(live: sqlite3.Connection, backup_file: Path) -> Problem | None:
    ours, theirs = _meta(live, "main").get(DATABASE_ID), _meta(live, INCOMING).get(DATABASE_ID)
    if ours and theirs and ours != theirs:
        return Problem(
            f"{backup_file} is a backup of a different database (another team's, or one set up "
            "separately); nothing was changed (--force restores it anyway; a copy of this "
            "database is kept first)",
            "different database",
            forceable=True,
        )
    return None


def _history_problem(live: sqlite3.Connection, backup_file: Path, zone: str) -> Problem | None:
    """The audit logs (append-only: ids only grow) must agree, entry for entry, as far as the
    shorter goes; then the database must not be the longer one."""
    ours, theirs = _facts(live, "main"), _facts(live, INCOMING)
    parted = _first_difference(live, min(ours.last_change_id, theirs.last_change_id))
    if parted is not None:
        return Problem(
            f"the history in {backup_file} does not lead to this database's (their audit logs "
            f"part at entry {parted}); nothing was changed (--force restores it anyway; a copy "
            "of this database is kept first)",
            "different history",
            forceable=True,
        )
    if ours.last_change_id > theirs.last_change_id:
        assert ours.last_change is not None
        return Problem(
            f"the database has changes newer than this backup (latest "
            f"{timeutil.fmt_local(ours.last_change, zone, style='long')}); "
            "nothing was changed (--force replaces them; a copy is kept first)",
            "newer changes",
            forceable=True,
        )
    return None


def _first_difference(live: sqlite3.Connection, upto: int) -> int | None:
    """The first audit id up to ``upto`` where the two logs differ (id and every column)."""
    columns = ", ".join(_quoted(c) for c in _columns(live, "main", "audit_log"))
    one_way = (
        f"SELECT {columns} FROM main.audit_log WHERE id <= :upto "
        f"EXCEPT SELECT {columns} FROM {INCOMING}.audit_log WHERE id <= :upto"
    )
    other_way = (
        f"SELECT {columns} FROM {INCOMING}.audit_log WHERE id <= :upto "
        f"EXCEPT SELECT {columns} FROM main.audit_log WHERE id <= :upto"
    )
    row = live.execute(
        f"SELECT min(id) FROM ({one_way}) UNION ALL SELECT min(id) FROM ({other_way})",
        {"upto": upto},
    ).fetchall()
    found = [value for (value,) in row if value is not None]
    return min(found) if found else None


def _refuse_unless_lead(con: sqlite3.Connection, actor: str) -> None:
    """Restoring replaces everyone's work: an active team lead of this database only."""
    row = con.execute("SELECT role, active FROM main.staff WHERE login = ?", (actor,)).fetchone()
    if row is None:
        raise MaintenanceError(
            f"login {actor!r} is not on this database's staff list: only a team lead can "
            "restore a backup; nothing was changed"
        )
    role, active = row
    if role != Role.team_lead:
        raise MaintenanceError(
            f"only a team lead can restore a backup; login {actor!r} is on the staff list as "
            f"{str(role).replace('_', ' ')}, nothing was changed (ask a team lead)"
        )
    if not active:
        raise MaintenanceError(
            f"login {actor!r} is deactivated on the staff list: only an active team lead can "
            "restore a backup; nothing was changed"
        )


@contextmanager
def _locked(target: Path, backup_file: Path, busy_seconds: float) -> Iterator[sqlite3.Connection]:
    """A connection to ``target`` holding the write lock, with ``backup_file`` attached
    read-only; rolled back unless the body commits. SQLite's failures become one sentence."""
    try:
        with closing(_open(target, timeout=busy_seconds)) as live:
            try:
                live.execute(
                    f"ATTACH DATABASE ? AS {INCOMING}", (_uri(backup_file, readonly=True),)
                )
            except sqlite3.DatabaseError as exc:
                if "not a database" not in str(exc):
                    raise
                raise MaintenanceError(
                    f"{backup_file} is not a duty-desk database (or is damaged); nothing was changed"
                ) from None
            live.execute("BEGIN IMMEDIATE")
            try:
                yield live
            finally:
                if live.in_transaction:
                    live.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise MaintenanceError(_sqlite_sentence(exc, target, busy_seconds)) from None


def _sqlite_sentence(exc: sqlite3.Error, target: Path, busy_seconds: float) -> str:
    message = str(exc).lower()
    if "locked" in message or "busy" in message:
        return (
            f"the database stayed busy for more than {busy_seconds:g} s (another process is "
            "holding it); nothing was changed, try again"
        )
    if "readonly" in message or "read-only" in message:
        return f"{target} is read-only for this login; nothing was changed"
    if "full" in message:
        return f"the disk holding {target} is full; nothing was changed"
    if "unable to open" in message:
        return f"cannot open {target} or the backup (missing or no permission); nothing was changed"
    return f"the restore failed ({exc.__class__.__name__}); nothing was changed"


def _safety_copy(target: Path, replaced: FileFacts) -> Path:
    """Copy what is about to be replaced (the committed state: the caller holds the write
    lock) to ``NAME.before-restore-STAMP-TOKEN`` beside ``target``, owner only.

    Written as a hidden temporary first (owner only from its first byte, named with this
    process's id so a stray is recognised), checked, flushed, then linked to a name nobody
    else can have taken: never a half-written or overwritten copy."""
    temp = _owner_only_temp(target)
    try:
        with (
            closing(_open(target, readonly=True)) as source,
            closing(sqlite3.connect(temp, isolation_level=None)) as copy,
        ):
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            ok = copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            newest = copy.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
        if not ok or newest != replaced.last_change_id:
            raise MaintenanceError("the copy of the database failed its check; nothing was changed")
        _fsync(temp)
        stamp = timeutil.now().format("YYYYMMDD-HHmmss-SSSSSS")
        while True:
            safety = target.with_name(
                f"{target.name}.before-restore-{stamp}-{secrets.token_hex(4)}"
            )
            try:
                _place(temp, safety)
            except FileExistsError:
                continue
            break
        _fsync(safety)
        return safety
    finally:
        with suppress(FileNotFoundError):
            temp.unlink()


def _place(temp: Path, name: Path) -> None:
    """Give ``temp`` the new ``name``; FileExistsError rather than replace anything there."""
    try:
        os.link(temp, name)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: claim the name, then move onto it
        os.close(os.open(name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, SAFETY_MODE))
        os.replace(temp, name)


def _owner_only_temp(beside: Path) -> Path:
    temp = beside.with_name(f".{beside.name}.{os.getpid()}.{secrets.token_hex(4)}.partial")
    os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, SAFETY_MODE))
    return temp


def _replace_contents(live: sqlite3.Connection) -> None:
    """Every table's rows from the attached backup, in the locked transaction. The triggers
    (the audit log's guard) stand aside for the copy and are put back as they were."""
    triggers = live.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in triggers:
        live.execute(f"DROP TRIGGER main.{_quoted(name)}")
    for table in _tables(live, "main", with_sequence=True):
        columns = ", ".join(_quoted(c) for c in _columns(live, "main", table))
        live.execute(f"DELETE FROM main.{_quoted(table)}")
        if table in _tables(live, INCOMING, with_sequence=True):
            live.execute(
                f"INSERT INTO main.{_quoted(table)} ({columns}) "
                f"SELECT {columns} FROM {INCOMING}.{_quoted(table)}"
            )
    for _name, sql in triggers:
        live.execute(sql)


def _record_restore(
    live: sqlite3.Connection,
    actor: str,
    backup_file: Path,
    safety: Path,
    replaced: FileFacts,
    replaced_identity: str | None,
    overridden: list[str],
) -> int:
    """The restore's own entry, last in the restored audit log: who, when, from which file,
    what it replaced (kept where, up to which audit entry) and which refusals --force
    overrode. The restored database keeps an identity: the backup's, else the one it
    replaced, else a new one."""
    if not _meta(live, "main").get(DATABASE_ID):
        live.execute(
            "INSERT OR REPLACE INTO main.duty_desk_meta (key, value) VALUES (?, ?)",
            (DATABASE_ID, replaced_identity or new_database_id()),
        )
    before = {
        "newest_audit_id": replaced.last_change_id,
        "changes": replaced.changes,
        "kept_at": str(safety),
    }
    after = {"from": str(backup_file.resolve()), "forced_past": overridden}
    row = {
        "at": timeutil.as_utc(timeutil.now()),
        "actor": actor,
        "action": RESTORE_ACTION,
        "entity": "database",
        "entity_id": 0,
        "before": json.dumps(before),
        "after": json.dumps(after),
    }
    audit_chain.append(live, [row])  # chained onto the restored history, under the lock
    newest = live.execute("SELECT max(id) FROM main.audit_log").fetchone()[0]
    return int(newest)


# -- restore: SQLite helpers -------------------------------------------------------------------


def _uri(path: Path, *, readonly: bool = False) -> str:
    """A ``file:`` URI naming exactly ``path`` (``#``, ``?`` and ``%`` quoted)."""
    uri = path.resolve().as_uri()
    return f"{uri}?mode=ro" if readonly else uri


def _open(path: Path, *, readonly: bool = False, timeout: float = 15) -> sqlite3.Connection:
    if not path.exists():
        raise MaintenanceError(f"no file at {path}")
    return sqlite3.connect(
        _uri(path, readonly=readonly), uri=True, isolation_level=None, timeout=timeout
    )


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(con: sqlite3.Connection, schema: str, *, with_sequence: bool = False) -> list[str]:
    rows = con.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' ORDER BY name"
    ).fetchall()
    names = [name for (name,) in rows]
    return [
        n
        for n in names
        if not n.startswith("sqlite_") or (with_sequence and n == "sqlite_sequence")
    ]


def _columns(con: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [row[1] for row in con.execute(f"PRAGMA {schema}.table_info({_quoted(table)})")]


def _meta(con: sqlite3.Connection, schema: str) -> dict[str, str]:
    return dict(con.execute(f"SELECT key, value FROM {schema}.duty_desk_meta").fetchall())


def _facts(con: sqlite3.Connection, schema: str) -> FileFacts:
    meta = _meta(con, schema)
    count = con.execute(f"SELECT count(*) FROM {schema}.audit_log").fetchone()[0]
    newest = con.execute(
        f"SELECT id, at FROM {schema}.audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()
    newest_id, newest_at = newest or (0, None)
    last = timeutil.as_utc(_instant(newest_at)) if newest_at else None
    return FileFacts(meta.get("schema_version"), last, int(newest_id), int(count))


# -- stray temporaries ---------------------------------------------------------------------------


def stray_temporaries(folder: Path) -> list[Path]:
    """Temporary copies in ``folder`` whose process has gone: left by a backup or restore
    that was stopped (killed, a power cut). They may hold everyone's records."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    found = []
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if match and not _running(int(match["pid"])) and entry.is_file():
            found.append(entry)
    return found


def clean_stray_temporaries(folder: Path) -> tuple[Path, ...]:
    """Remove the stray temporaries in ``folder`` this login may remove; the ones it may
    not stay for ``check`` to report."""
    removed = []
    for stray in stray_temporaries(folder):
        with suppress(OSError):
            stray.unlink()
            removed.append(stray)
    return tuple(removed)


def stray_problems(folder: Path) -> list[str]:
    """``check``'s sentences for the stray temporaries in ``folder``, each with its fix."""
    return [
        f"{stray} is a temporary copy left by a backup or restore that was stopped "
        f"(run: rm -f '{stray}')"
        for stray in stray_temporaries(folder)
    ]


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another login's process: alive
        return True
    return True


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
        report.problems.extend(stray_problems(path.parent))  # a stopped backup or restore
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


def _chain_problem(backup_file: Path) -> Problem | None:
    """The backup's audit triggers and hash chain, checked end to end (never forceable)."""
    with closing(_connect(backup_file, readonly=True)) as con:
        found = audit_findings(con)
    if not found:
        return None
    return Problem(
        f"{backup_file} cannot be restored, even with --force: {'; '.join(found)}; "
        "nothing was changed",
        "audit chain",
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
