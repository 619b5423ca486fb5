"""The quarterly briefing of the National Monitoring Committee: what changed
since the last quarter, what is late, what is overdue. A reading of the
database, no writes; a fixed number of queries whatever the size of the plan.

- **Values that changed**: each indicator's value for the quarter alone
  against the previous quarter's (`analytics.aggregation`, the dashboards'
  rules). Listed when the two differ, a figure that appeared or went
  included.
- **Newly on track / off track**: the status band of the year to date (Q1 to
  the quarter, as the dashboards read it) against the band at the end of the
  previous quarter. On track is "on track" or "above target"; off track is
  "behind" or "not started". In a first quarter the previous one is the
  last of the year before, measured against that year's target.
- **Reports late**: reports of quarterly periods up to the quarter whose
  deadline has passed and that are still with their unit (draft, returned).
- **Reports waiting for validation**: submitted, not yet validated.
- **Activities overdue**: in the operational plan version in force for the
  year (`analytics.execution.version_in_force`), the activities late at the
  end of the quarter by the schedule's rule (`operations.schedule.is_late`),
  with the status last reported on them in counted reports up to the
  quarter; an activity nobody reported on counts as not started.
- **Recommendations overdue**: the plan's recommendations due before the
  end of the quarter and still open or in progress
  (`governance.meetings.overdue`).

Reports are read as they stand today: "late" is late on the day the page is
opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from analytics.aggregation import Aggregate, Span, aggregates, counted_statuses
from analytics.execution import version_in_force
from analytics.progress import Band, compared_number
from nap1325.tables import TEXT, Column, Table, yes_no
from operations.models import ActivityStatus, ActivityVersion, OperationalPlan
from operations.schedule import is_late, quarter_end, quarter_of
from plans.models import Indicator, IndicatorType, Plan
from publishing.figures import Reading, Row, Scope, figures
from publishing.iptt import answers_text
from reporting.models import (
    WITH_THE_UNIT,
    ActivityReport,
    PeriodKind,
    Submission,
    SubmissionStatus,
)

ON_TRACK = frozenset({Band.ON_TRACK, Band.ABOVE})
OFF_TRACK = frozenset({Band.BEHIND, Band.NOT_STARTED})


@dataclass
class ValueChange:
    indicator: Indicator
    previous: Decimal | str | None  # a number, several units' answers, or no data
    current: Decimal | str | None

    @property
    def change(self) -> Decimal | None:
        if isinstance(self.previous, Decimal) and isinstance(self.current, Decimal):
            return self.current - self.previous
        return None


@dataclass
class BandChange:
    previous: Row
    current: Row

    @property
    def indicator(self) -> Indicator:
        return self.current.indicator

    @property
    def previous_band(self) -> Band:
        return Band(self.previous.band)

    @property
    def current_band(self) -> Band:
        return Band(self.current.band)


@dataclass
class LateReport:
    submission: Submission
    days: int  # since the deadline, or since it was submitted


@dataclass
class OverdueActivity:
    activity: ActivityVersion
    scheduled: list[tuple[int, int]]
    status: str | None  # the status last reported; None: never reported
    new: bool  # not overdue at the end of the previous quarter

    @property
    def status_label(self) -> str | None:
        return str(ActivityStatus(self.status).label) if self.status else None


@dataclass
class Briefing:
    plan: Plan
    year: int
    quarter: int
    previous: tuple[int, int]
    today: date
    include_submitted: bool
    changed: list[ValueChange]
    newly_on_track: list[BandChange]
    newly_off_track: list[BandChange]
    late_reports: list[LateReport]
    waiting: list[LateReport]
    version: OperationalPlan | None
    overdue_activities: list[OverdueActivity]
    overdue_recommendations: list[Any] | None


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def default_quarter(plan: Plan, today: date) -> tuple[int, int]:
    """The latest quarter whose reporting deadline has passed, else the
    latest quarterly period, else today's quarter within the plan's years."""
    quarters = plan.periods.filter(kind=PeriodKind.QUARTER).order_by("-year", "-quarter")
    period = quarters.filter(deadline__lt=today).first() or quarters.first()
    if period is not None and period.quarter is not None:
        return period.year, period.quarter
    year, quarter = quarter_of(today)
    if year > plan.end_year:
        return plan.end_year, 4
    if year < plan.start_year:
        return plan.start_year, 1
    return year, quarter


def up_to(year: int, quarter: int, path: str = "period__") -> Q:
    """Quarterly periods up to (year, quarter), both included."""
    return Q(**{f"{path}kind": PeriodKind.QUARTER}) & (
        Q(**{f"{path}year__lt": year}) | Q(**{f"{path}year": year, f"{path}quarter__lte": quarter})
    )


def shown_value(indicator: Indicator, aggregate: Aggregate) -> Decimal | str | None:
    number = compared_number(indicator, aggregate)
    if number is not None:
        return number
    return answers_text(aggregate.answers) if aggregate.answers else None


def value_changes(
    indicators: list[Indicator], year: int, quarter: int, *, include_submitted: bool
) -> list[ValueChange]:
    measured = [i for i in indicators if i.type != IndicatorType.NARRATIVE]
    before = aggregates(
        measured, Span.quarter(*previous_quarter(year, quarter)),
        include_submitted=include_submitted,
    )  # fmt: skip
    now = aggregates(measured, Span.quarter(year, quarter), include_submitted=include_submitted)
    changes = []
    for indicator in measured:
        previous = shown_value(indicator, before[indicator.pk])
        current = shown_value(indicator, now[indicator.pk])
        if previous != current:
            changes.append(ValueChange(indicator, previous, current))
    return changes


def band_changes(
    plan: Plan, year: int, quarter: int, *, include_submitted: bool
) -> tuple[list[Row], list[BandChange], list[BandChange]]:
    """The rows of the year to date, and the indicators newly on and off track."""
    scope = Scope(plan)
    earlier_year, earlier_quarter = previous_quarter(year, quarter)
    current = figures(scope, Reading(year, quarter, include_submitted), breakdowns=False)
    previous = {
        row.indicator.pk: row
        for row in figures(
            scope, Reading(earlier_year, earlier_quarter, include_submitted), breakdowns=False
        )
    }
    on, off = [], []
    for row in current:
        before = previous[row.indicator.pk]
        if row.band in ON_TRACK and before.band not in ON_TRACK:
            on.append(BandChange(before, row))
        elif row.band in OFF_TRACK and before.band not in OFF_TRACK:
            off.append(BandChange(before, row))
    return current, on, off


def late_reports(plan: Plan, year: int, quarter: int, today: date) -> list[LateReport]:
    rows = reports(plan, year, quarter).filter(status__in=WITH_THE_UNIT, period__deadline__lt=today)
    return [LateReport(s, (today - s.period.deadline).days) for s in rows]


def waiting_reports(plan: Plan, year: int, quarter: int, today: date) -> list[LateReport]:
    rows = reports(plan, year, quarter).filter(status=SubmissionStatus.SUBMITTED)
    return [
        LateReport(s, (today - s.submitted_at.date()).days if s.submitted_at else 0) for s in rows
    ]


def reports(plan: Plan, year: int, quarter: int) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(up_to(year, quarter), period__plan=plan)
        .select_related("period", "unit__institution", "unit__place")
        .order_by("period__year", "period__quarter", "unit__institution__acronym", "pk")
    )


def last_reported_status(
    version: OperationalPlan, year: int, quarter: int, *, include_submitted: bool
) -> Subquery:
    """For the outer activity version, the status last reported on its
    activity in counted reports up to the quarter (a later quarter wins; in
    one quarter, the latest submitted), as `analytics.execution` reads it."""
    return Subquery(
        ActivityReport.objects.filter(
            up_to(year, quarter, "submission__period__"),
            activity=OuterRef("activity_id"),
            submission__period__plan=version.plan_id,
            submission__status__in=counted_statuses(include_submitted),
            status__in=ActivityStatus.values,
        )
        .order_by(
            "-submission__period__year",
            "-submission__period__quarter",
            F("submission__submitted_at").desc(nulls_last=True),
            "-pk",
        )
        .values("status")[:1]
    )


def overdue_activities(
    version: OperationalPlan, year: int, quarter: int, *, include_submitted: bool
) -> list[OverdueActivity]:
    earlier = previous_quarter(year, quarter)
    rows = (
        version.activities.filter(unplanned=False)
        .select_related("lead", "activity", "operational_plan__plan")
        .prefetch_related("schedule")
        .annotate(
            now=last_reported_status(version, year, quarter, include_submitted=include_submitted),
            before=last_reported_status(version, *earlier, include_submitted=include_submitted),
        )
        .order_by("position", "code")
    )

    def status(reported: str | None, activity: ActivityVersion) -> str | None:
        if reported:
            return reported
        return ActivityStatus.CANCELLED if activity.status == ActivityStatus.CANCELLED else None

    def late(scheduled: list[tuple[int, int]], status: str | None, at: tuple[int, int]) -> bool:
        day_after = quarter_end(*at) + timedelta(days=1)
        return is_late(scheduled, status or ActivityStatus.PLANNED, day_after)

    overdue = []
    for activity in rows:
        scheduled = sorted((s.year, s.quarter) for s in activity.schedule.all())
        now = status(activity.now, activity)
        if late(scheduled, now, (year, quarter)):
            before = status(activity.before, activity)
            overdue.append(
                OverdueActivity(activity, scheduled, now, not late(scheduled, before, earlier))
            )
    return overdue


@dataclass
class OverdueRecommendation:
    recommendation: Any  # governance.models.Recommendation

    def __str__(self) -> str:
        r = self.recommendation
        return _("%(text)s — %(owner)s, due on %(date)s (%(status)s)") % {
            "text": r.text,
            "owner": r.owner.acronym or r.owner.name,
            "date": date_format(r.due_on),
            "status": r.get_status_display(),
        }


def overdue_recommendations(plan: Plan, year: int, quarter: int) -> list[Any] | None:
    """The plan's recommendations past their due date at the end of the
    quarter and not carried out (open or in progress today; see
    governance.meetings.overdue)."""
    from governance.meetings import overdue

    day_after = quarter_end(year, quarter) + timedelta(days=1)
    return [OverdueRecommendation(r) for r in overdue(plan, day_after)]


def briefing(
    plan: Plan, year: int, quarter: int, *, today: date, include_submitted: bool = False
) -> Briefing:
    rows, on, off = band_changes(plan, year, quarter, include_submitted=include_submitted)
    indicators = [row.indicator for row in rows]
    version = version_in_force(plan, year)
    return Briefing(
        plan=plan,
        year=year,
        quarter=quarter,
        previous=previous_quarter(year, quarter),
        today=today,
        include_submitted=include_submitted,
        changed=value_changes(indicators, year, quarter, include_submitted=include_submitted),
        newly_on_track=on,
        newly_off_track=off,
        late_reports=late_reports(plan, year, quarter, today),
        waiting=waiting_reports(plan, year, quarter, today),
        version=version,
        overdue_activities=(
            overdue_activities(version, year, quarter, include_submitted=include_submitted)
            if version is not None
            else []
        ),
        overdue_recommendations=overdue_recommendations(plan, year, quarter),
    )


def briefing_tables(b: Briefing) -> list[Table]:
    """The briefing's tables, as its page shows them, for its downloads."""
    from governance.tables import recommendation_table

    before = _("Q%(quarter)s %(year)s") % {"quarter": b.previous[1], "year": b.previous[0]}
    now = _("Q%(quarter)s %(year)s") % {"quarter": b.quarter, "year": b.year}
    changed = Table(
        "changed",
        _("Indicator values that changed since the previous quarter"),
        [
            Column(_("Code"), TEXT),
            Column(_("Indicator"), TEXT),
            Column(before),
            Column(now),
            Column(_("Change")),
        ],
    )
    for change in b.changed:
        changed.add(
            change.indicator.reference,
            change.indicator.title,
            change.previous,
            change.current,
            change.change,
        )
    tables = [changed]
    for key, title, changes in (
        ("on_track", _("Indicators newly on track"), b.newly_on_track),
        ("off_track", _("Indicators newly off track"), b.newly_off_track),
    ):
        table = Table(
            key,
            title,
            [
                Column(_("Code"), TEXT),
                Column(_("Indicator"), TEXT),
                Column(_("Target")),
                Column(_("Status before"), TEXT),
                Column(_("Percent of target before")),
                Column(_("Status now"), TEXT),
                Column(_("Percent of target now")),
            ],
        )
        for band_change in changes:
            table.add(
                band_change.indicator.reference,
                band_change.indicator.title,
                band_change.current.progress.target,
                str(band_change.previous_band.label),
                band_change.previous.percent,
                str(band_change.current_band.label),
                band_change.current.percent,
            )
        tables.append(table)
    for key, title, reports, late in (
        ("late", _("Reports late"), b.late_reports, True),
        ("waiting", _("Reports waiting for validation"), b.waiting, False),
    ):
        table = Table(
            key,
            title,
            [
                Column(_("Period"), TEXT),
                Column(_("Reporting unit"), TEXT),
                Column(_("Status"), TEXT),
                Column(_("Deadline") if late else _("Submitted"), TEXT),
                Column(_("Days late") if late else _("Days waiting")),
            ],
        )
        for report in reports:
            submission = report.submission
            submitted = submission.submitted_at
            table.add(
                str(submission.period),
                str(submission.unit),
                submission.get_status_display(),
                submission.period.deadline
                if late
                else (timezone.localtime(submitted).date() if submitted else None),
                report.days,
            )
        tables.append(table)
    activities = Table(
        "activities",
        _("Activities overdue"),
        [
            Column(_("Code"), TEXT),
            Column(_("Activity"), TEXT),
            Column(_("Lead institution"), TEXT),
            Column(_("Scheduled"), TEXT),
            Column(_("Last reported status"), TEXT),
            Column(_("New this quarter"), TEXT),
        ],
    )
    for row in b.overdue_activities:
        lead = row.activity.lead
        activities.add(
            row.activity.code,
            row.activity.title,
            (lead.acronym or lead.name) if lead else None,
            ", ".join(_("Q%(quarter)s %(year)s") % {"quarter": q, "year": y}
                      for y, q in row.scheduled) or None,
            row.status_label or _("Not reported"),
            yes_no(row.new),
        )  # fmt: skip
    tables.append(activities)
    if b.overdue_recommendations is not None:
        tables.append(
            recommendation_table(
                [r.recommendation for r in b.overdue_recommendations],
                "recommendations",
                _("Recommendations overdue"),
            )
        )
    return tables
