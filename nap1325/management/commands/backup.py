"""Write a backup archive: the database and the uploaded files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nap1325.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "Write a backup archive (database and uploaded files) into a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="Where the archive goes, e.g. /var/backups/nap1325.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = make_backup(options["folder"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("Backup written: %(path)s (%(engine)s, %(files)d files, %(size)d bytes).")
            % {
                "path": summary.path,
                "engine": summary.engine,
                "files": summary.files,
                "size": summary.size,
            }
        )
