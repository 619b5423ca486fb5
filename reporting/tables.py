"""The tables of the reporting pages (periods, who has reported, my reports,
the validation rules, a figure's history), built from the rows the page
shows, for its downloads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _

from nap1325.tables import TEXT, Column, Table, yes_no
from reporting import reminders
from reporting.models import ReportingPeriod, Submission, ValidationRule


def period_table(periods: Iterable[ReportingPeriod]) -> Table:
    """A plan's periods (annotated with `expected` and `validated`)."""
    table = Table(
        "periods",
        _("Reporting periods"),
        [
            Column(_("Period"), TEXT),
            Column(_("Opens on"), TEXT),
            Column(_("Deadline"), TEXT),
            Column(_("Status"), TEXT),
            Column(_("Validated")),
            Column(_("Expected")),
            Column(_("Year"), grouping=False),
            Column(_("Quarter")),
        ],
    )
    for period in periods:
        table.add(
            str(period),
            period.opens_on,
            period.deadline,
            period.get_status_display(),
            period.validated,  # type: ignore[attr-defined]
            period.expected,  # type: ignore[attr-defined]
            period.year,
            period.quarter,
        )
    return table


def submission_table(rows: Sequence[tuple[Submission, bool, bool]]) -> Table:
    """Who has reported for a period: (report, overdue, readable) rows."""
    table = Table(
        "reports",
        _("Who has reported"),
        [
            Column(_("Reporting unit"), TEXT),
            Column(_("Status"), TEXT),
            Column(_("Submitted"), TEXT),
            Column(_("Validated"), TEXT),
            Column(_("Last reminder"), TEXT),
            Column(_("Sent on"), TEXT),
            Column(_("Overdue"), TEXT),
        ],
    )
    for submission, overdue, _readable in rows:
        reminder = reminders.last_reminder(submission)
        kind = reminder.kind if reminder else ""
        table.add(
            str(submission.unit),
            submission.get_status_display(),
            submission.submitted_at,
            submission.validated_at,
            str(reminders.ReminderKind(kind).label)
            if kind in reminders.ReminderKind.values
            else kind or None,
            reminder.sent_at.date() if reminder else None,
            yes_no(overdue),
        )
    return table


def report_table(reports: Iterable[Submission], title: str) -> Table:
    table = Table(
        "reports",
        title,
        [
            Column(_("Plan"), TEXT),
            Column(_("Period"), TEXT),
            Column(_("Reporting unit"), TEXT),
            Column(_("Status"), TEXT),
            Column(_("Deadline"), TEXT),
        ],
    )
    for report in reports:
        table.add(
            report.period.plan.key,
            str(report.period),
            str(report.unit),
            report.get_status_display(),
            report.period.deadline,
        )
    return table


def rule_table(rules: Iterable[ValidationRule]) -> Table:
    table = Table(
        "rules",
        _("Validation rules"),
        [
            Column(_("Indicator"), TEXT),
            Column(_("Applies to"), TEXT),
            Column(_("Kind"), TEXT),
            Column(_("Severity"), TEXT),
            Column(_("Minimum")),
            Column(_("Maximum")),
            Column(_("Factor")),
            Column(_("Message"), TEXT),
            Column(_("Active"), TEXT),
        ],
    )
    for rule in rules:
        indicator = rule.indicator
        table.add(
            indicator.reference if indicator else None,
            indicator.title if indicator else _("Every indicator"),
            rule.get_kind_display(),
            rule.get_severity_display(),
            rule.minimum,
            rule.maximum,
            rule.factor,
            rule.message,
            yes_no(rule.active),
        )
    return table


Lines = list[tuple[str, str]]


def history_table(changes: Sequence[tuple[Any, Lines, Lines, Any]]) -> Table:
    """Every change of a figure: (audit entry, before, after, reason) rows,
    before and after as (label, value) lines."""
    table = Table(
        "history",
        _("History"),
        [
            Column(_("When"), TEXT),
            Column(_("Who"), TEXT),
            Column(_("Before"), TEXT),
            Column(_("After"), TEXT),
            Column(_("Reason"), TEXT),
        ],
    )

    def lines(pairs: Lines) -> str | None:
        return "; ".join(f"{label}: {value}" for label, value in pairs) or None

    for entry, before, after, reason in changes:
        table.add(
            entry.at,
            str(entry.user) if entry.user else None,
            lines(before),
            lines(after),
            str(reason or ""),
        )
    return table
