"""manage.py checkplan FILE|PLAN: lint a plan file or a loaded plan as an M&E officer would."""

import json
from argparse import ArgumentParser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from plans.check import SEVERITY_ORDER, CheckResult, Severity, check_plan_data, findings_from_errors
from plans.loading import export_plan
from plans.management.commands._language import activate_language, add_language_argument
from plans.models import Plan
from plans.planfile import PlanFileInvalid, parse_yaml


class Command(BaseCommand):
    help = (
        "Check a plan file or a loaded plan: numbering, duplicate codes, missing baselines, "
        "targets, sources, frequencies, responsibilities, definitions. Exits 1 on errors."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("plan", help="a plan file (YAML) or the id of a loaded plan")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        activate_language(options)
        result = self.run_check(options["plan"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        else:
            self.write_text(result)
        if result.has_errors:
            raise SystemExit(1)

    def run_check(self, target: str) -> CheckResult:
        path = Path(target)
        if path.is_dir():
            raise CommandError(_("%(path)s is a folder, not a plan file.") % {"path": target})
        if path.is_file():
            try:
                data = parse_yaml(path.read_text(encoding="utf-8"))
            except PlanFileInvalid as exc:
                return CheckResult(None, {}, findings_from_errors(exc.errors))
            except UnicodeDecodeError as exc:
                raise CommandError(_("The file is not UTF-8 text.")) from exc
            return check_plan_data(data)
        plan = Plan.objects.filter(key=target).first()
        if plan is None:
            raise CommandError(
                _("“%(target)s” is neither a file nor the id of a loaded plan.")
                % {"target": target}
            )
        return check_plan_data(export_plan(plan))

    def write_text(self, result: CheckResult) -> None:
        self.stdout.write(_("Plan: %(plan)s") % {"plan": result.plan or "?"})
        if result.counts:
            counts = ", ".join(f"{name} {count}" for name, count in result.counts.items())
            self.stdout.write(_("Counts: %(counts)s") % {"counts": counts})
        styles: dict[str, Callable[[str], str]] = {
            Severity.ERROR: self.style.ERROR,
            Severity.WARNING: self.style.WARNING,
            Severity.INFO: str,
        }
        for finding in result.findings:
            where = finding.location or _("file")
            if finding.line:
                where = _("%(where)s (line %(line)d)") % {"where": where, "line": finding.line}
            label = Severity(finding.severity).label
            self.stdout.write(
                styles[Severity(finding.severity)](f"{label} [{finding.code}] {where}: ")
                + finding.message
            )
        self.stdout.write("")
        self.stdout.write(_("Findings per code:"))
        for (severity, code), count in sorted(
            result.counts_by_code().items(),
            key=lambda item: (SEVERITY_ORDER[Severity(item[0][0])], item[0][1]),
        ):
            self.stdout.write(f"  {Severity(severity).label:8} {code:28} {count}")
        if not result.findings:
            self.stdout.write(_("  none"))
