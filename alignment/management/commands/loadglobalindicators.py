"""manage.py loadglobalindicators [FILE ...]: create or update the reference
lists of global indicators (every list of nap1325/data/alignment by
default), all or nothing."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from alignment.loading import KIND_LABELS, AlignmentFileInvalid, load_reference_lists
from plans.management.commands._language import (
    activate_language,
    add_language_argument,
    file_refused,
)


class Command(BaseCommand):
    help = (
        "Create or update the reference lists of global indicators (docs/alignment.md; "
        "default: every list of nap1325/data/alignment). On any error nothing is written."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="*", help="reference lists (YAML)")
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        activate_language(options)
        paths = [Path(name) for name in options["files"]]
        try:
            report = load_reference_lists(paths or None)
        except AlignmentFileInvalid as exc:
            raise file_refused(self.stderr, exc.errors) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Global indicators loaded (%(summary)s).")
                % {"summary": report.summary(KIND_LABELS)}
            )
        )
