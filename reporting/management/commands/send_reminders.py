"""manage.py send_reminders: e-mail the units whose report is not in. Run
daily from cron; a reminder of each kind goes out once per report."""

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plans.management.commands._language import activate_language, add_language_argument
from reporting.reminders import ReminderKind, send_reminders


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(_("Not a date (YYYY-MM-DD): %(text)s") % {"text": text}) from exc


class Command(BaseCommand):
    help = (
        "E-mail a reminder to the reporters of each unit whose report for an open period "
        "is not in: before the deadline, on it and after it. Safe to run daily."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--date", type=day, help="run as if today were this day (YYYY-MM-DD)")
        parser.add_argument(
            "--dry-run", action="store_true", help="say what is due; send and record nothing"
        )
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        activate_language(options)
        dry_run = options["dry_run"]
        run = send_reminders(options["date"], dry_run=dry_run)
        for due in run.sent:
            if due not in run.failed:
                self.stdout.write(
                    ngettext(
                        "%(kind)s: %(report)s → %(count)d address",
                        "%(kind)s: %(report)s → %(count)d addresses",
                        len(due.recipients),
                    )
                    % {
                        "kind": due.kind.label,
                        "report": due.submission,
                        "count": len(due.recipients),
                    }
                )
        for due in run.unreachable:
            self.stderr.write(
                _("%(kind)s: %(report)s → nobody to remind (no active reporter with an e-mail)")
                % {"kind": due.kind.label, "report": due.submission}
            )
        for due in run.failed:
            self.stderr.write(
                _("%(kind)s: %(report)s → the e-mail failed; the next run tries again")
                % {"kind": due.kind.label, "report": due.submission}
            )
        counts = ", ".join(
            f"{ReminderKind(kind).label}: {count}" for kind, count in run.counts.items()
        )
        if dry_run:
            summary = _("Dry run, nothing sent. Due: %(counts)s.") % {"counts": counts}
        else:
            summary = ngettext(
                "Reminders sent: %(counts)s (%(emails)d e-mail).",
                "Reminders sent: %(counts)s (%(emails)d e-mails).",
                run.emails,
            ) % {
                "counts": counts,
                "emails": run.emails,
            }
        self.stdout.write(self.style.SUCCESS(summary))
