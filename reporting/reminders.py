"""Reminders to the units whose report is not in: which reminder is due on a
day (a pure function of the deadline), and the action that e-mails each one
once. Run daily (manage.py send_reminders): a second run, even at the same
time, sends nothing more — the database keeps one Reminder per kind."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from nap1325.i18n import in_both_languages
from nap1325.models import audit
from reporting.models import WITH_THE_UNIT, PeriodStatus, Reminder, Submission, SubmissionStatus
from reporting.notify import report_url, unit_reporters

log = logging.getLogger(__name__)

WAITING = WITH_THE_UNIT


class ReminderKind(models.TextChoices):
    # In the order a report meets them.
    BEFORE = "before", gettext_lazy("Deadline approaching")
    DEADLINE = "deadline", gettext_lazy("Deadline reached")
    OVERDUE = "overdue", gettext_lazy("Overdue")


STAGES = list(ReminderKind)


def due_reminder(
    deadline: date,
    today: date,
    sent: Collection[str] = (),
    *,
    days_before: int,
    days_after: int,
) -> ReminderKind | None:
    """The reminder due on `today` for a report that is not in, given the
    kinds already sent, or None. Only the latest stage reached counts: after
    a week without runs, one overdue reminder goes out, not three."""
    if today >= deadline + timedelta(days=days_after):
        stage = ReminderKind.OVERDUE
    elif today >= deadline:
        stage = ReminderKind.DEADLINE
    elif today >= deadline - timedelta(days=days_before):
        stage = ReminderKind.BEFORE
    else:
        return None
    later = STAGES[STAGES.index(stage) :]
    return None if any(kind in sent for kind in later) else stage


@dataclass(frozen=True)
class Due:
    submission: Submission
    kind: ReminderKind
    recipients: list[str]


@dataclass
class Run:
    """What a run did: the reminders recorded (for a dry run, due), those due
    that nobody could receive, and those whose e-mail failed (to retry)."""

    sent: list[Due] = field(default_factory=list)
    unreachable: list[Due] = field(default_factory=list)
    failed: list[Due] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        by_kind = Counter(due.kind for due in self.sent if due not in self.failed)
        return {kind.value: by_kind[kind] for kind in ReminderKind}

    @property
    def emails(self) -> int:
        return sum(len(due.recipients) for due in self.sent if due not in self.failed)


def waiting_reports(today: date, days_before: int) -> QuerySet[Submission]:
    """Reports of open periods still to come in whose deadline is near or past."""
    return (
        Submission.objects.filter(
            period__status=PeriodStatus.OPEN,
            period__demonstration=False,  # fictitious reports: nobody to remind
            status__in=WAITING,
            period__deadline__lte=today + timedelta(days=days_before),
        )
        .select_related("period__plan", "unit__institution", "unit__place", "submitted_by")
        .prefetch_related("reminders")
        .order_by("period__deadline", "pk")
    )


def due_reminders(today: date) -> list[Due]:
    days_before, days_after = settings.REMINDER_DAYS_BEFORE, settings.REMINDER_DAYS_AFTER
    due = []
    for submission in waiting_reports(today, days_before):
        sent = {reminder.kind for reminder in submission.reminders.all()}
        kind = due_reminder(
            submission.period.deadline,
            today,
            sent,
            days_before=days_before,
            days_after=days_after,
        )
        if kind is not None:
            due.append(Due(submission, kind, unit_reporters(submission)))
    return due


def send_reminders(today: date | None = None, *, dry_run: bool = False) -> Run:
    """E-mail each unit's reporters the reminder due today, once per kind."""
    today = today or timezone.localdate()
    run = Run()
    for due in due_reminders(today):
        if not due.recipients:
            run.unreachable.append(due)
        elif dry_run or _record(due, today, run):
            run.sent.append(due)
    return run


def _record(due: Due, today: date, run: Run) -> bool:
    """Record the reminder and send it once committed; False if it is no
    longer due (the report came in, or another run has just sent it)."""
    submission = due.submission
    try:
        with transaction.atomic():
            still_waiting = Submission.objects.filter(
                pk=submission.pk, status__in=WAITING, period__status=PeriodStatus.OPEN
            ).exists()
            if not still_waiting:
                return False
            reminder = Reminder.objects.create(
                submission=submission, kind=due.kind, recipients=len(due.recipients)
            )
            audit(
                "submission.remind",
                submission,
                after={"kind": due.kind.value, "recipients": len(due.recipients)},
                summary=f"{due.kind.label}: {submission}",
            )
            transaction.on_commit(lambda: _mail(due, reminder.pk, today, run))
    except IntegrityError:  # reminder_once_per_kind: another run got there first
        return False
    return True


def _mail(due: Due, reminder_pk: int, today: date, run: Run) -> None:
    subject, body = in_both_languages(lambda language: message(due, today, language))
    try:
        send_mass_mail([(subject, body, None, [address]) for address in due.recipients])
    except OSError:  # the mail server is down: forget the reminder, the next run retries
        log.exception("could not send the %s reminder for %s", due.kind, due.submission.uuid)
        run.failed.append(due)
        with transaction.atomic():
            Reminder.objects.filter(pk=reminder_pk).delete()
            audit("submission.remind_failed", due.submission, after={"kind": due.kind.value})


def message(due: Due, today: date, language: str) -> tuple[str, str]:
    """Subject and body in the active language."""
    submission = due.submission
    deadline = formats.date_format(submission.period.deadline, "DATE_FORMAT")
    names = {"unit": submission.unit, "period": submission.period, "deadline": deadline}
    if due.kind == ReminderKind.BEFORE:
        subject = _("Report due soon")
        text = _(
            "The report of %(unit)s for %(period)s is due on %(deadline)s "
            "and has not been submitted yet."
        )
    elif due.kind == ReminderKind.DEADLINE:
        subject = _("Report deadline reached")
        text = _(
            "The deadline for the report of %(unit)s for %(period)s is %(deadline)s "
            "and the report has not been submitted yet."
        )
    else:
        late = (today - submission.period.deadline).days
        subject = _("Overdue report")
        text = ngettext(
            "The report of %(unit)s for %(period)s was due on %(deadline)s: "
            "it is %(days)d day late.",
            "The report of %(unit)s for %(period)s was due on %(deadline)s: "
            "it is %(days)d days late.",
            late,
        )
        names["days"] = late
    lines = [text % names]
    if submission.status == SubmissionStatus.RETURNED and submission.return_reason:
        lines.append(
            _("It was returned for revision: %(reason)s") % {"reason": submission.return_reason}
        )
    lines += [_("Fill it in and submit it here:"), report_url(submission, language)]
    return f"{subject}: {submission.unit} — {submission.period}", "\n".join(lines)


def last_reminder(submission: Submission) -> Reminder | None:
    """The latest reminder sent about a report (no query when the view
    prefetched `reminders`)."""
    return max(submission.reminders.all(), key=lambda r: r.sent_at, default=None)
