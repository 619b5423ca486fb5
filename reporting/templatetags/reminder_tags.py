"""Template helpers for reminders: the last one sent about a report."""

from django import template

from reporting import reminders
from reporting.models import Reminder, Submission

register = template.Library()


@register.filter
def last_reminder(submission: Submission) -> Reminder | None:
    return reminders.last_reminder(submission)


@register.filter
def reminder_label(reminder: Reminder) -> str:
    if reminder.kind in reminders.ReminderKind.values:
        return str(reminders.ReminderKind(reminder.kind).label)
    return reminder.kind
