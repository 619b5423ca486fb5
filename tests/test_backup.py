"""Backup and restore round-trip: the archive of the database and the
uploaded files, restored after changes, gives back identical data and
files; a damaged or foreign archive is refused before anything changes.
Runs on SQLite and on PostgreSQL (pg_dump and pg_restore)."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from nap1325.models import AuditEntry
from plans.models import Plan
from tests.support import files_in

pytestmark = pytest.mark.django_db(transaction=True)


def everything() -> str:
    """Every row of every table, as Django serialises them."""
    out = io.StringIO()
    call_command("dumpdata", "--exclude=sessions", stdout=out)
    return out.getvalue()


def test_a_backup_restored_gives_back_identical_data_and_files(
    settings: Any, tmp_path: Path, small_plan: dict[str, Any]
) -> None:
    import yaml

    from plans.loading import load_plan
    from plans.planfile import read_plan_text

    load_plan(read_plan_text(yaml.safe_dump(small_plan)))
    media = Path(settings.MEDIA_ROOT)
    (media / "evidence" / "2021").mkdir(parents=True)
    (media / "evidence" / "2021" / "minutes.pdf").write_bytes(b"%PDF-1.4 minutes")
    before, before_files = everything(), files_in(media)

    out = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out)
    [archive] = (tmp_path / "backups").glob("nap1325-backup-*.tar.gz")
    assert str(archive) in out.getvalue()

    # A bad day: a plan deleted, a file lost, another added.
    Plan.objects.filter(key="xx-2020-2024").delete()
    (media / "evidence" / "2021" / "minutes.pdf").unlink()
    (media / "stray.txt").write_text("not in the backup")
    assert everything() != before

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    call_command("restore", str(archive), "--yes", stdout=io.StringIO())
    restored = AuditEntry.objects.get(action="backup.restore")
    restored.delete()  # the restore is recorded; the rest is as it was
    assert everything() == before
    assert files_in(media) == before_files
    assert Plan.objects.filter(key="xx-2020-2024").exists()


def test_a_damaged_or_foreign_archive_changes_nothing(settings: Any, tmp_path: Path) -> None:
    call_command("backup", str(tmp_path), stdout=io.StringIO())
    [archive] = tmp_path.glob("nap1325-backup-*.tar.gz")
    before = everything()

    # The same archive with its database copy altered.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member)
            content = data.read() if data else b""
            if member.name.startswith("database"):
                content = content[:-1] + bytes([content[-1] ^ 1])
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), "--yes")

    (tmp_path / "plain.tar.gz").write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a readable backup"):
        call_command("restore", str(tmp_path / "plain.tar.gz"), "--yes")

    escaping = tmp_path / "escaping.tar.gz"
    with tarfile.open(escaping, "w:gz") as target:
        info = tarfile.TarInfo("../outside.txt")
        info.size = 1
        target.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(CommandError, match="unsafe"):
        call_command("restore", str(escaping), "--yes")
    assert not (tmp_path.parent / "outside.txt").exists()
    assert everything() == before
    assert connection.vendor in ("sqlite", "postgresql")
