"""Replace the database and the uploaded files with a backup archive's."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nap1325.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive: replaces ALL data and uploaded files. Stop the site first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm that all current data is replaced."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError(
                _("A restore replaces all data and uploaded files: run it again with --yes.")
            )
        try:
            manifest = restore_backup(options["archive"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            _("Restored the backup of %(created)s. Run manage.py migrate if the platform is newer.")
            % {"created": manifest["created"]}
        )
