"""manage.py loadobservatory [FILE]: create or update the representation
observatory's quotas, bodies and figures from a file, all or nothing."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from governance.observatory import (
    DEFAULT_FILE,
    KIND_LABELS,
    ObservatoryFileInvalid,
    load_observatory,
)
from plans.management.commands._language import (
    activate_language,
    add_language_argument,
    file_refused,
)


class Command(BaseCommand):
    help = (
        "Create or update the representation observatory from a file "
        "(docs/observatory.md; default: the shipped Mali 2020 figures). "
        "On any error nothing is written."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "file", nargs="?", default=str(DEFAULT_FILE), help="path to the file (YAML)"
        )
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        activate_language(options)
        try:
            report = load_observatory(options["file"])
        except ObservatoryFileInvalid as exc:
            raise file_refused(self.stderr, exc.errors) from exc
        except DatabaseError as exc:
            raise CommandError(
                _("The database refused the file (%(reason)s): nothing was written.")
                % {"reason": exc}
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Observatory loaded (%(summary)s).") % {"summary": report.summary(KIND_LABELS)}
            )
        )
