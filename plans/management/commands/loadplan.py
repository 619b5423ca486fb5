"""manage.py loadplan FILE: create or update a plan from its plan file, all or nothing."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

from plans.loading import load_plan
from plans.management.commands._language import activate_language, add_language_argument
from plans.planfile import PlanFileInvalid, digest, read_plan_bytes


class Command(BaseCommand):
    help = (
        "Create or update a plan from a plan file (docs/plan-file.md). "
        "On any error nothing is written."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="path to the plan file (YAML)")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, write nothing"
        )
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        activate_language(options)
        path = options["file"]
        try:
            content = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": exc.strerror}
            ) from exc
        try:
            report = load_plan(
                read_plan_bytes(content),
                dry_run=options["dry_run"],
                file_name=str(Path(path).resolve()),
                file_sha256=digest(content),
            )
        except DatabaseError as exc:
            # A limit the file checks missed: the transaction is rolled back whole.
            raise CommandError(
                _("The database refused the plan (%(reason)s): nothing was written.")
                % {"reason": exc}
            ) from exc
        except PlanFileInvalid as exc:
            # Errors found while writing (e.g. an unknown place) roll the whole load back.
            for error in exc.errors:
                self.stderr.write(f"{path}: {error}")
            raise CommandError(
                _("%(count)d error(s): the plan was not loaded, nothing was written.")
                % {"count": len(exc.errors)}
            ) from exc
        verb = _("would be loaded") if options["dry_run"] else _("loaded")
        self.stdout.write(
            self.style.SUCCESS(
                _("Plan %(plan)s %(verb)s (%(summary)s).")
                % {"plan": report.plan.key, "verb": verb, "summary": report.summary()}
            )
        )
