"""Backup and restore of the whole platform: the database and the uploaded
files, in one archive (docs/production.md#backups).

    nap1325-backup-20261123-0700.tar.gz
      manifest.json        what it holds: engine, time, migrations, checksums
      database.sqlite3     SQLite: a consistent copy (SQLite's backup API)
      database.pgdump      PostgreSQL: pg_dump's custom format
      media/…              evidence files and other uploads

A restore checks the whole archive (checksums, engine, migrations) before
it touches anything; then it replaces the database and the files."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """A backup that cannot be made or restored, and why."""


@dataclass
class Summary:
    path: Path
    engine: str
    files: int
    size: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_environment() -> dict[str, str]:
    options = connection.settings_dict
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                      ("PASSWORD", "PGPASSWORD")):  # fmt: skip
        if options.get(key):
            env[name] = str(options[key])
    return env


def _run(command: list[str]) -> None:
    try:
        done = subprocess.run(
            command, env=_pg_environment(), capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise BackupError(
            _("%(program)s is not installed (Debian: apt-get install postgresql-client).")
            % {"program": command[0]}
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]}: {done.stderr.strip()[:2000]}")


def _dump_database(target: Path) -> None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)  # consistent even while others write
        finally:
            copy.close()
    elif connection.vendor == "postgresql":
        name = str(connection.settings_dict["NAME"])
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              f"--file={target}", name])  # fmt: skip
    else:
        raise BackupError(
            _("No backup for the database %(engine)s.") % {"engine": connection.vendor}
        )


def _migrations() -> list[str]:
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


def make_backup(folder: Path | str) -> Summary:
    """Write an archive of the database and the uploaded files into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"nap1325-backup-{stamp}.tar.gz"
    partial = path.with_suffix(".partial")
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DUMPS.get(connection.vendor, "database")
        _dump_database(dump)
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        manifest = {
            "format": FORMAT,
            "engine": connection.vendor,
            "created": timezone.now().isoformat(),
            "migrations": _migrations(),
            "database": {"name": dump.name, "sha256": _sha256(dump)},
            "media": {str(p.relative_to(media)): _sha256(p) for p in files},
        }
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=dump.name)
            for file in files:
                archive.add(file, arcname=f"media/{file.relative_to(media)}")
    partial.rename(path)  # a half-written archive never looks like a backup
    return Summary(path, connection.vendor, len(files), path.stat().st_size)


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(
                _("The archive holds an unsafe entry: %(name)s.") % {"name": member.name}
            )
        members.append(member)
    return members


def _check(work: Path) -> dict[str, Any]:
    """The unpacked archive's manifest, once everything in it is verified."""
    try:
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(_("This is not a backup of the platform: no manifest.")) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("Unknown backup format."))
    if manifest.get("engine") != connection.vendor:
        raise BackupError(
            _("This backup is of a %(theirs)s database; this platform runs on %(ours)s.")
            % {"theirs": manifest.get("engine"), "ours": connection.vendor}
        )
    dump = work / manifest["database"]["name"]
    if not dump.is_file() or _sha256(dump) != manifest["database"]["sha256"]:
        raise BackupError(_("The database copy in the backup is damaged (checksum)."))
    for name, digest in manifest["media"].items():
        file = work / "media" / name
        if not file.is_file() or _sha256(file) != digest:
            raise BackupError(
                _("The file %(name)s in the backup is damaged (checksum).") % {"name": name}
            )
    from django.db.migrations.loader import MigrationLoader

    known = {
        f"{app}.{name}"
        for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    }
    newer = sorted(set(manifest["migrations"]) - known)
    if newer:
        raise BackupError(
            _("This backup comes from a newer version of the platform (%(migrations)s): "
              "upgrade the platform first.") % {"migrations": ", ".join(newer[:5])}
        )  # fmt: skip
    return manifest


def _restore_database(dump: Path) -> None:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        name = str(connection.settings_dict["NAME"])
        connection.close()  # hold no lock on the tables being replaced
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", f"--dbname={name}", str(dump)])  # fmt: skip


def _restore_media(source: Path) -> None:
    """Swap the uploaded files for the backup's in two renames."""
    media = Path(settings.MEDIA_ROOT)
    media.parent.mkdir(parents=True, exist_ok=True)
    incoming = media.parent / f".{media.name}-restore-{uuid.uuid4().hex[:8]}"
    if source.exists():
        shutil.copytree(source, incoming)
    else:
        incoming.mkdir()
    old = media.parent / f".{media.name}-old-{uuid.uuid4().hex[:8]}"
    if media.exists():
        media.rename(old)
    incoming.rename(media)
    shutil.rmtree(old, ignore_errors=True)


def restore_backup(path: Path | str) -> dict[str, Any]:
    """Replace the database and the uploaded files with the archive's."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        try:
            with tarfile.open(path, "r:gz") as archive:
                archive.extractall(work, members=_safe_members(archive), filter="data")
        except (OSError, tarfile.TarError, EOFError):
            raise BackupError(_("This file is not a readable backup archive.")) from None
        manifest = _check(work)
        _restore_database(work / manifest["database"]["name"])
        _restore_media(work / "media")
    from nap1325.models import AuditEntry

    AuditEntry.objects.create(
        action="backup.restore",
        object_type="nap1325.backup",
        object_id=path.name[:60],
        summary=path.name[:300],
        after={"created": manifest["created"], "files": len(manifest["media"])},
    )
    return manifest
