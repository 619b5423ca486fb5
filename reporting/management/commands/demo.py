"""manage.py demo: fictitious operational plan and quarterly reports for the
default plan, with named demonstration users of each role, clearly marked."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from operations.demo import make_demo_operational_plan, remove_demo_data
from plans.models import Plan
from reporting.demo import has_demo_reports, make_demo_reports, remove_demo_reports
from reporting.synthetic import PLAN_KEY, has_synthetic, make_synthetic, remove_synthetic


class Command(BaseCommand):
    help = (
        "Fill a plan with a fictitious operational plan (two versions, activities, schedule, "
        "budget, money) and two years of quarterly reports in every state, with named "
        "demonstration users, all marked as demonstration data. --synthetic N loads instead a "
        "synthetic plan with N validated figures, to try the platform at national scale. "
        "--remove takes it all away."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--plan", default=settings.DEFAULT_PLAN)
        parser.add_argument("--seed", type=int, default=1325)
        parser.add_argument("--remove", action="store_true")
        parser.add_argument(
            "--synthetic",
            type=int,
            metavar="FIGURES",
            help="Load the synthetic plan with about this many validated figures "
            "(100 indicators × 10 cells a report, 20 quarters, units as needed).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["synthetic"] is not None:
            self.synthetic(options["synthetic"], options["seed"])
            return
        if options["remove"] and remove_synthetic():
            self.stdout.write(self.style.SUCCESS(_("Synthetic plan removed.")))
            if not Plan.objects.filter(key=options["plan"]).exists():
                return
        plan = Plan.objects.filter(key=options["plan"]).first()
        if plan is None:
            raise CommandError(
                _("No plan %(plan)s: load it first (manage.py loadplan).")
                % {"plan": options["plan"]}
            )
        if options["remove"]:
            remove_demo_reports(plan)
            remove_demo_data(plan)
            self.stdout.write(
                self.style.SUCCESS(
                    _("Demonstration data removed from %(plan)s.") % {"plan": plan.key}
                )
            )
            return
        if plan.operational_plans.exists():
            self.stdout.write(
                _("%(plan)s already has an operational plan: nothing added.") % {"plan": plan.key}
            )
        else:
            report = make_demo_operational_plan(plan, seed=options["seed"])
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Demonstration data for %(plan)s: %(activities)d activities, "
                        "%(lines)d budget lines, %(records)d funding records."
                    )
                    % {
                        "plan": plan.key,
                        "activities": report.activities,
                        "lines": report.budget_lines,
                        "records": report.funding_records,
                    }
                )
            )
        if has_demo_reports(plan):
            self.stdout.write(_("Demonstration reports exist already: nothing added."))
            return
        reports = make_demo_reports(plan, seed=options["seed"])
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Demonstration reports: %(periods)d quarters, %(validated)d validated, "
                    "%(submitted)d submitted, %(returned)d returned, %(draft)d drafts "
                    "(%(values)d changes), %(users)d demonstration users."
                )
                % {
                    "periods": reports.periods,
                    "values": reports.values,
                    "users": reports.users,
                    **reports.reports,
                }
            )
        )

    def synthetic(self, figures: int, seed: int) -> None:
        if figures < 1:
            raise CommandError(_("--synthetic needs a number of figures above 0."))
        if has_synthetic():
            self.stdout.write(
                _("The synthetic plan %(plan)s exists already: nothing added.") % {"plan": PLAN_KEY}
            )
            return
        made = make_synthetic(figures, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Synthetic plan %(plan)s: %(figures)s validated figures, %(reports)d reports "
                    "of %(units)d units (seed %(seed)d)."
                )
                % {
                    "plan": PLAN_KEY,
                    "figures": f"{made.figures:,}",
                    "reports": made.reports,
                    "units": made.units,
                    "seed": seed,
                }
            )
        )
