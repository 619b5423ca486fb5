"""manage.py loadplan FILE: create or update a plan from its plan file, all or nothing."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plans.loading import load_plan
from plans.management.commands._language import activate_language, add_language_argument
from plans.planfile import PlanFileInvalid, file_digest, read_plan_file


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
            report = load_plan(
                read_plan_file(path),
                dry_run=options["dry_run"],
                file_name=str(Path(path).resolve()),
                file_sha256=file_digest(path),
            )
        except FileNotFoundError as exc:
            raise CommandError(_("No such file: %(path)s") % {"path": path}) from exc
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
