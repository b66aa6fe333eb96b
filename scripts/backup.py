"""Backups that restore (issue 17 §4): an encrypted archive of the database and the private files, and the drill
that proves it restores.

    python scripts/backup.py backup --database-url URL --private-files DIR --out DIR --passphrase-file FILE
                                    [--keep-days 30] [--keep-at-least 7]
    python scripts/backup.py drill  --archive FILE --passphrase-file FILE --admin-url URL

backup: in one REPEATABLE READ snapshot, counts the rows of every table and digests the audit log, and has
pg_dump (custom format) dump that same snapshot; tars the private files with their SHA-256; writes
manifest.json; packs the three into one tar, encrypted with gpg (AES-256, passphrase from a file readable only
by the backup user), written under a temporary name and renamed when complete. Then applies retention: archives
older than --keep-days are removed, but never the newest --keep-at-least.

drill: decrypts and unpacks the archive, restores the dump into a new scratch database (created through
--admin-url, dropped afterwards), and checks, against the manifest: the row count of every table, the audit
log's digest, that the restored audit log still refuses an UPDATE (its append-only trigger came back), and every
private file's SHA-256. Any difference exits 1 naming it. Needs PostgreSQL's client programs (pg_dump,
pg_restore), tar and gpg: Debian's postgresql-client and gpg.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

PREFIX = "shokuba-backup-"
SUFFIX = ".tar.gpg"
AUDIT_TABLE = "core_auditentry"


class DrillFailed(Exception):
    pass


def _tables(cursor: psycopg.Cursor[Any]) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    )
    return [str(row[0]) for row in cursor.fetchall()]


def _counts(cursor: psycopg.Cursor[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in _tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        row = cursor.fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


def _audit_digest(cursor: psycopg.Cursor[Any]) -> str:
    digest = hashlib.sha256()
    columns = "id, at, actor_id, actor_username, action, target_type, target_id, target_label, member_code"
    query = f"SELECT {columns}, before::text, after::text FROM {AUDIT_TABLE} ORDER BY id"  # noqa: S608 - constants
    cursor.execute(query)
    for row in cursor:
        digest.update(json.dumps([str(v) for v in row], ensure_ascii=False).encode())
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _program(name: str) -> str:
    """The client program's full path (Debian: postgresql-client, gpg, tar), or a clear error."""
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"backup: {name} is not installed (Debian: postgresql-client / gpg)")
    return found


def _gpg(passphrase_file: Path, *args: str) -> list[str]:
    return [
        _program("gpg"),
        "--batch",
        "--yes",
        "--quiet",
        "--pinentry-mode",
        "loopback",
        "--passphrase-file",
        str(passphrase_file),
        *args,
    ]


def backup(database_url: str, private_files: Path, out: Path, passphrase_file: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    with tempfile.TemporaryDirectory(prefix="shokuba-backup-") as folder:
        work = Path(folder)
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = str(cursor.fetchone()[0])  # type: ignore[index]
                counts = _counts(cursor)
                audit = _audit_digest(cursor) if AUDIT_TABLE in counts else ""
            # pg_dump reads the very snapshot the counts were taken in, while this transaction holds it.
            subprocess.run(  # noqa: S603 - fixed program and arguments
                [
                    _program("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    f"--snapshot={snapshot}",
                    f"--file={work / 'database.dump'}",
                    database_url,
                ],
                check=True,
            )
            connection.execute("COMMIT")
        files: dict[str, str] = {}
        with tarfile.open(work / "private.tar", "w") as archive:
            if private_files.is_dir():
                for path in sorted(p for p in private_files.rglob("*") if p.is_file()):
                    name = path.relative_to(private_files).as_posix()
                    files[name] = _sha256(path)
                    archive.add(path, arcname=name)
        manifest = {
            "created_at": stamp,
            "row_counts": counts,
            "audit_digest": audit,
            "audit_rows": counts.get(AUDIT_TABLE, 0),
            "private_files": files,
            "database_dump_sha256": _sha256(work / "database.dump"),
        }
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        with tarfile.open(work / "backup.tar", "w") as bundle:
            for name in ("manifest.json", "database.dump", "private.tar"):
                bundle.add(work / name, arcname=name)
        target = out / f"{PREFIX}{stamp}{SUFFIX}"
        partial = out / f".{target.name}.{secrets.token_hex(4)}.part"
        try:
            subprocess.run(  # noqa: S603
                _gpg(
                    passphrase_file,
                    "--symmetric",
                    "--cipher-algo",
                    "AES256",
                    "--output",
                    str(partial),
                    str(work / "backup.tar"),
                ),
                check=True,
            )
            os.chmod(partial, 0o600)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return target


def retention(out: Path, keep_days: int, keep_at_least: int, now: dt.datetime | None = None) -> list[Path]:
    """Remove archives older than keep_days, never the newest keep_at_least; returns what was removed."""
    now = now or dt.datetime.now(dt.UTC)
    archives = sorted(out.glob(f"{PREFIX}*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    removed = []
    for path in archives[keep_at_least:]:
        age = now - dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        if age > dt.timedelta(days=keep_days):
            path.unlink()
            removed.append(path)
    return removed


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def drill(archive: Path, passphrase_file: Path, admin_url: str) -> dict[str, Any]:
    """Restore into a scratch database and compare with the manifest; raises DrillFailed naming the difference."""
    with tempfile.TemporaryDirectory(prefix="shokuba-drill-") as folder:
        work = Path(folder)
        decrypted = subprocess.run(  # noqa: S603
            _gpg(passphrase_file, "--decrypt", "--output", str(work / "backup.tar"), str(archive)),
            capture_output=True,
            text=True,
        )
        if decrypted.returncode:
            raise DrillFailed(f"the archive could not be decrypted: {decrypted.stderr.strip()[-300:]}")
        with tarfile.open(work / "backup.tar") as bundle:
            bundle.extractall(work, filter="data")
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        if _sha256(work / "database.dump") != manifest["database_dump_sha256"]:
            raise DrillFailed("the database dump does not match its checksum")
        scratch = f"shokuba_drill_{secrets.token_hex(4)}"
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
        try:
            scratch_url = _with_database(admin_url, scratch)
            restored = subprocess.run(  # noqa: S603
                [
                    _program("pg_restore"),
                    "--no-owner",
                    "--exit-on-error",
                    f"--dbname={scratch_url}",
                    str(work / "database.dump"),
                ],
                capture_output=True,
                text=True,
            )
            if restored.returncode:
                raise DrillFailed(f"pg_restore failed: {restored.stderr.strip()[-500:]}")
            with psycopg.connect(scratch_url, autocommit=True) as connection, connection.cursor() as cursor:
                counts = _counts(cursor)
                differing = {
                    t: (manifest["row_counts"].get(t), counts.get(t))
                    for t in set(counts) | set(manifest["row_counts"])
                    if counts.get(t) != manifest["row_counts"].get(t)
                }
                if differing:
                    raise DrillFailed(f"row counts differ (backup, restored): {dict(sorted(differing.items()))}")
                if manifest["audit_digest"]:
                    if _audit_digest(cursor) != manifest["audit_digest"]:
                        raise DrillFailed("the restored audit log differs from the backed-up one")
                    if not _audit_refuses_update(connection):
                        raise DrillFailed("the restored audit log accepts an UPDATE: its append-only trigger is gone")
        finally:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(scratch)))
        files = work / "files"
        with tarfile.open(work / "private.tar") as private:
            private.extractall(files, filter="data")
        for name, digest in manifest["private_files"].items():
            path = files / name
            if not path.is_file() or _sha256(path) != digest:
                raise DrillFailed(f"private file {name} is missing or differs")
        return {
            "tables": len(counts),
            "rows": sum(counts.values()),
            "audit_rows": manifest["audit_rows"],
            "private_files": len(manifest["private_files"]),
            "created_at": manifest["created_at"],
        }


def _audit_refuses_update(connection: psycopg.Connection[Any]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {AUDIT_TABLE} LIMIT 1")  # noqa: S608 - a constant
        row = cursor.fetchone()
        if row is None:
            return True  # nothing to try it on
        try:
            with connection.transaction():
                cursor.execute(f"UPDATE {AUDIT_TABLE} SET target_label = target_label WHERE id = %s", [row[0]])  # noqa: S608
                raise _Refused  # the UPDATE went through: roll it back and say so
        except _Refused:
            return False
        except psycopg.Error:
            return True


class _Refused(Exception):
    pass


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup")
    make.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    make.add_argument(
        "--private-files", type=Path, default=Path(os.environ.get("SHOKUBA_PRIVATE_FILES_DIR", "var/private"))
    )
    make.add_argument("--out", type=Path, required=True)
    make.add_argument("--passphrase-file", type=Path, required=True)
    make.add_argument("--keep-days", type=int, default=30)
    make.add_argument("--keep-at-least", type=int, default=7)
    check = commands.add_parser("drill")
    check.add_argument("--archive", type=Path, required=True)
    check.add_argument("--passphrase-file", type=Path, required=True)
    check.add_argument("--admin-url", required=True, help="a database URL of the server to restore into")
    args = parser.parse_args(argv)
    if args.command == "backup":
        if not args.database_url.startswith("postgres"):
            parser.error("--database-url (or DATABASE_URL) must be a PostgreSQL URL")
        target = backup(args.database_url, args.private_files, args.out, args.passphrase_file)
        removed = retention(args.out, args.keep_days, args.keep_at_least)
        print(f"backup: {target} ({target.stat().st_size:,} bytes); removed {len(removed)} old archive(s)")
        return 0
    try:
        report = drill(args.archive, args.passphrase_file, args.admin_url)
    except DrillFailed as exc:
        print(f"restore drill: FAILED — {exc}", file=sys.stderr)
        return 1
    print(
        f"restore drill: passed — {report['tables']} tables, {report['rows']:,} rows, {report['audit_rows']:,} audit "
        f"entries and {report['private_files']} private files as backed up at {report['created_at']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
