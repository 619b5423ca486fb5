"""manage.py exportplan PLAN: write a loaded plan as a plan file that loads back to it."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plans.loading import export_plan
from plans.management.commands._language import activate_language, add_language_argument
from plans.models import Plan
from plans.yaml_out import dump_plan


class Command(BaseCommand):
    help = "Write a loaded plan as a plan file (YAML) that loads back to the same plan."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("plan", help="the plan's id, e.g. ml-2019-2023")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        activate_language(options)
        plan = Plan.objects.filter(key=options["plan"]).first()
        if plan is None:
            raise CommandError(_("No plan with the id “%(plan)s”.") % {"plan": options["plan"]})
        text = dump_plan(export_plan(plan))
        if options["output"]:
            try:
                Path(options["output"]).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(
                    _("Cannot write %(path)s: %(reason)s")
                    % {"path": options["output"], "reason": exc.strerror}
                ) from exc
        else:
            self.stdout.write(text, ending="")
