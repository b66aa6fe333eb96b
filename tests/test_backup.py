"""Backups that restore (issue 17 §4): scripts/backup.py on a real PostgreSQL database — the encrypted archive, the
restore drill into a scratch database, what the drill catches, and retention. Runs in the PostgreSQL pass of CI."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest

from tests.live_site import LiveSite

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "backup.py"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)  # noqa: S603


@pytest.fixture
def site(live_postgresql_site: LiveSite) -> LiveSite:
    return live_postgresql_site


@pytest.fixture
def passphrase(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase"
    path.write_text("a long passphrase only the backup user can read\n")
    path.chmod(0o600)
    return path


def _admin_url(site: LiveSite) -> str:
    return site.database_url.rsplit("/", 1)[0] + "/postgres"


def _backup(site: LiveSite, private: Path, out: Path, passphrase: Path) -> Path:
    made = _run("backup", "--database-url", site.database_url, "--private-files", str(private), "--out", str(out),
                "--passphrase-file", str(passphrase))  # fmt: skip
    assert made.returncode == 0, made.stderr
    (archive,) = sorted(out.glob("shokuba-backup-*.tar.gpg"))
    return archive


def test_an_encrypted_backup_restores_with_every_row_the_audit_log_and_the_files(
    site: LiveSite, tmp_path: Path, passphrase: Path
) -> None:
    private = tmp_path / "private"
    (private / "evidence").mkdir(parents=True)
    (private / "evidence" / "報告書.pdf").write_bytes(b"%PDF-1.4 evidence")
    (private / "survey-exports").mkdir()
    (private / "survey-exports" / "a.csv").write_text("回答ID\n", encoding="utf-8")
    archive = _backup(site, private, tmp_path / "out", passphrase)

    assert archive.stat().st_mode & 0o777 == 0o600
    (wave_name,) = site.query("SELECT name FROM surveys_wave WHERE id = %s", [site.waves[0]])[0]
    assert str(wave_name).encode() not in archive.read_bytes()  # encrypted: no readable content
    drilled = _run(
        "drill", "--archive", str(archive), "--passphrase-file", str(passphrase), "--admin-url", _admin_url(site)
    )
    assert drilled.returncode == 0, drilled.stderr
    ((audit,),) = site.query("SELECT count(*) FROM core_auditentry")
    tables = [t for (t,) in site.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    rows = sum(int(site.query(f'SELECT count(*) FROM "{t}"')[0][0]) for t in tables)  # noqa: S608 - catalogue names
    assert audit > 0 and rows > 0
    assert (
        f"restore drill: passed — {len(tables)} tables, {rows:,} rows, {audit:,} audit entries and 2 private files"
        in (drilled.stdout)
    )
    # The scratch database is gone afterwards.
    with psycopg.connect(_admin_url(site)) as admin:
        left = admin.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'shokuba_drill_%'").fetchone()
    assert left == (0,)


def test_the_drill_fails_on_a_wrong_passphrase_and_on_a_manifest_the_restore_does_not_match(
    site: LiveSite, tmp_path: Path, passphrase: Path
) -> None:
    archive = _backup(site, tmp_path / "none", tmp_path / "out", passphrase)
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase\n")
    refused = _run("drill", "--archive", str(archive), "--passphrase-file", str(wrong), "--admin-url", _admin_url(site))
    assert refused.returncode == 1
    assert "the archive could not be decrypted" in refused.stderr

    # A backup whose manifest says one more response than its dump holds: the drill names the table.
    work = tmp_path / "edit"
    work.mkdir()
    gpg = ["gpg", "--batch", "--yes", "--quiet", "--pinentry-mode", "loopback", "--passphrase-file", str(passphrase)]
    subprocess.run([*gpg, "--decrypt", "--output", str(work / "b.tar"), str(archive)], check=True)  # noqa: S603
    with tarfile.open(work / "b.tar") as bundle:
        bundle.extractall(work, filter="data")
    manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    manifest["row_counts"]["surveys_response"] += 1
    (work / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with tarfile.open(work / "c.tar", "w") as bundle:
        for name in ("manifest.json", "database.dump", "private.tar"):
            bundle.add(work / name, arcname=name)
    edited = tmp_path / "edited.tar.gpg"
    subprocess.run([*gpg, "--symmetric", "--output", str(edited), str(work / "c.tar")], check=True)  # noqa: S603
    caught = _run(
        "drill", "--archive", str(edited), "--passphrase-file", str(passphrase), "--admin-url", _admin_url(site)
    )
    assert caught.returncode == 1
    assert "row counts differ" in caught.stderr and "surveys_response" in caught.stderr


def test_retention_removes_old_archives_but_keeps_the_newest(tmp_path: Path) -> None:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import backup  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(SCRIPT.parent))
    now = dt.datetime(2026, 12, 6, tzinfo=dt.UTC)
    ages = [1, 5, 31, 40, 60]
    for age in ages:
        path = tmp_path / f"shokuba-backup-{age:03d}.tar.gpg"
        path.write_bytes(b"x")
        stamp = (now - dt.timedelta(days=age)).timestamp()
        os.utime(path, (stamp, stamp))
    removed = backup.retention(tmp_path, keep_days=30, keep_at_least=2, now=now)
    assert sorted(p.name for p in removed) == ["shokuba-backup-031.tar.gpg", "shokuba-backup-040.tar.gpg",
                                               "shokuba-backup-060.tar.gpg"]  # fmt: skip
    # Never fewer than keep_at_least, however old.
    assert backup.retention(tmp_path, keep_days=0, keep_at_least=2, now=now + dt.timedelta(days=400)) == []
