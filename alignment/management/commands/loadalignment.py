"""manage.py loadalignment FILE: create or update a plan's tags (which of its
indicators report on which global indicators) from a file, all or nothing."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from alignment.loading import KIND_LABELS, AlignmentFileInvalid, load_tags
from plans.management.commands._language import (
    activate_language,
    add_language_argument,
    file_refused,
)


class Command(BaseCommand):
    help = (
        "Create or update a plan's tags from a tags file (docs/alignment.md), after "
        "loadplan and loadglobalindicators. On any error nothing is written."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the tags file (YAML)")
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        activate_language(options)
        try:
            report = load_tags(options["file"])
        except AlignmentFileInvalid as exc:
            raise file_refused(self.stderr, exc.errors) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Tags loaded (%(summary)s).") % {"summary": report.summary(KIND_LABELS)}
            )
        )
