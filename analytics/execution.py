"""How far the operational plan got in a year: activity completion per
priority, and budget execution (planned → pledged → disbursed → spent) per
priority, funding source and stakeholder, for the dashboards and the annual
national report. Computed in the database when asked, in a fixed number of
queries however many activities, lines and reports there are.

The rules (docs/analytics.md, "Execution of the operational plan"):

- **The version read** is the one in force for the year, by the rule the
  reports use (`reporting.content.operational_plan_for`): the latest adopted
  version for that year or before, else the earliest adopted one. A draft
  is never in force: without an adopted version everything is empty
  (`version` is None, counts and amounts 0, rates None).
- **Priorities** are the plan's top-level framework elements. An activity
  linked to several elements counts fully under each priority it reaches
  and once under a priority reached through two of its elements
  (`operations.rollups.activities_under`); the total counts it once. An
  activity linked to no element counts in the total only.
- **Only validated reports count**, unless `include_submitted`; drafts and
  returned reports never do. Reports are read from the year's quarterly
  periods (as `analytics.aggregation`); yearly periods are not read.

Completion:

- The activities counted are those the version schedules in a quarter of
  the year, except those "carried out without being planned" (`unplanned`).
- An activity's status for the year is the latest status reported on it in
  a counted report of a quarter of that year (a later quarter wins; in one
  quarter, the latest submitted). A report that leaves the status blank
  says nothing. The report form offers an activity only to the units of its
  lead institution, so these are the lead's reports.
- Nothing reported in the year is **not reported**, counted apart like
  missing data, never as not done: the version's own status is not used,
  since it is the latest word on the activity, possibly of another year.
- A **cancelled** activity is out of `planned` and counted in `cancelled`:
  its latest reported status is "cancelled", or nothing was reported and
  the version marks it cancelled (the TMU cancels activities nobody reports
  on).
- `planned` = completed + ongoing + delayed + not started ("planned" and
  "not started" reported) + not reported; `rate` = completed ÷ planned, in
  % to one decimal, None when nothing is planned.

Budget execution, in whole XOF:

- `planned`: the budget lines of the year in the version in force;
  `pledged`, `disbursed`, `spent`: the funding records of that budget year
  (`operations.models.FundingRecord`), for the activities of that version
  (as `operations.rollups.money_cells`); `gap` = planned − pledged.
- `reported_spent`: what the units reported spending on the budget lines of
  the year in counted reports, summed over the quarters (each quarter's
  figure is that quarter's spending). Kept apart from `spent`: the funding
  records are the money path recorded by the TMU and the partners, the
  reported spending is the units' word, and the two need not agree. It is
  None when no figure was reported (a reported 0 is 0). `reported_lines`
  counts the budget lines with a figure; `no_data_lines` those whose only
  word in the year is "no data" — never summed as 0.
- `execution_rate` = spent ÷ planned, `disbursement_rate` = disbursed ÷
  pledged, `reported_execution_rate` = reported spent ÷ planned, in % to
  one decimal, None when the base is 0 (or nothing was reported).
- Every priority and every funding source of the plan is listed, with
  zeros when it has no money in the year; a source counts for its
  stakeholder (`operations.rollups.stakeholder_of`); stakeholders are listed
  by planned amount, largest first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum

from analytics.aggregation import counted_statuses
from operations.models import (
    ActivityStatus,
    FundingSource,
    OperationalPlan,
    ScheduledQuarter,
)
from operations.rollups import Money, activities_under, money_cells, percent, stakeholder_of
from plans.models import FrameworkElement, Plan
from reporting.content import operational_plan_for
from reporting.models import ActivityReport, PeriodKind, ReportingPeriod, Spending

# Reported statuses by the count they fall in; "cancelled" is apart.
COUNTED_AS: dict[str, str] = {
    ActivityStatus.COMPLETED: "completed",
    ActivityStatus.ONGOING: "ongoing",
    ActivityStatus.DELAYED: "delayed",
    ActivityStatus.NOT_STARTED: "not_started",
    ActivityStatus.PLANNED: "not_started",
}


def version_in_force(plan: Plan, year: int) -> OperationalPlan | None:
    """The adopted version that governs `year`, by the rule the reports use."""
    # The rule reads only the period's plan and year: asking it with an
    # unsaved period keeps one rule, so reports and figures never disagree.
    version = operational_plan_for(ReportingPeriod(plan=plan, year=year))
    if version is not None:
        version.plan = plan  # the same plan: spares reading it again
    return version


def priorities(plan: Plan) -> list[FrameworkElement]:
    return list(plan.elements.filter(parent=None).order_by("sort_path"))


@dataclass
class ActivityCompletion:
    planned: int = 0  # scheduled in the year, not cancelled, not unplanned
    completed: int = 0
    ongoing: int = 0
    delayed: int = 0
    not_started: int = 0
    not_reported: int = 0
    cancelled: int = 0  # scheduled but cancelled: not in `planned`

    @property
    def rate(self) -> Decimal | None:
        return percent(self.completed, self.planned)

    def count(self, status: str | None) -> None:
        """Count one activity by its status for the year (None: not reported)."""
        if status == ActivityStatus.CANCELLED:
            self.cancelled += 1
            return
        self.planned += 1
        name = COUNTED_AS.get(status or "", "not_reported")
        setattr(self, name, getattr(self, name) + 1)


@dataclass
class YearCompletion:
    plan: Plan
    year: int
    version: OperationalPlan | None
    total: ActivityCompletion
    by_priority: list[tuple[FrameworkElement, ActivityCompletion]]


def statuses_of_year(
    version: OperationalPlan, year: int, *, include_submitted: bool = False
) -> dict[int, str | None]:
    """For each activity the version schedules in `year` (unplanned ones
    left out), its status for the year: the latest reported, else
    "cancelled" if the version says so, else None (not reported)."""
    latest = (
        ActivityReport.objects.filter(
            activity=OuterRef("activity_id"),
            submission__period__plan=version.plan_id,
            submission__period__kind=PeriodKind.QUARTER,
            submission__period__year=year,
            submission__status__in=counted_statuses(include_submitted),
            status__in=ActivityStatus.values,
        )
        .order_by(
            "-submission__period__quarter",
            F("submission__submitted_at").desc(nulls_last=True),
            "-pk",
        )
        .values("status")[:1]
    )
    scheduled = ScheduledQuarter.objects.filter(activity_version=OuterRef("pk"), year=year)
    rows = (
        version.activities.filter(Exists(scheduled), unplanned=False)
        .annotate(reported=Subquery(latest))
        .values_list("activity_id", "status", "reported")
    )
    return {
        activity_id: reported
        or (ActivityStatus.CANCELLED if status == ActivityStatus.CANCELLED else None)
        for activity_id, status, reported in rows
    }


def activity_completion(
    plan: Plan, year: int, *, include_submitted: bool = False
) -> YearCompletion:
    """Activities planned and where they stand in `year`, per priority and in total."""
    version = version_in_force(plan, year)
    statuses: dict[int, str | None] = {}
    under: dict[int, set[int]] = defaultdict(set)
    if version is not None:
        statuses = statuses_of_year(version, year, include_submitted=include_submitted)
        under.update(activities_under(version))
    total = ActivityCompletion()
    for status in statuses.values():
        total.count(status)
    by_priority = []
    for element in priorities(plan):
        completion = ActivityCompletion()
        for activity_id in under[element.pk] & statuses.keys():
            completion.count(statuses[activity_id])
        by_priority.append((element, completion))
    return YearCompletion(plan, year, version, total, by_priority)


@dataclass
class Execution(Money):
    """Money of a year (planned, pledged, disbursed, spent, and the gap, as
    `Money`) with the spending the units reported beside it."""

    reported_spent: int | None = None  # None: no figure reported
    reported_lines: int = 0  # budget lines with a reported figure
    no_data_lines: int = 0  # budget lines whose only word is "no data"

    def add(self, other: Money) -> None:
        super().add(other)
        if isinstance(other, Execution):
            if other.reported_spent is not None:
                self.reported_spent = (self.reported_spent or 0) + other.reported_spent
            self.reported_lines += other.reported_lines
            self.no_data_lines += other.no_data_lines

    @property
    def execution_rate(self) -> Decimal | None:
        return percent(self.spent, self.planned)

    @property
    def disbursement_rate(self) -> Decimal | None:
        return percent(self.disbursed, self.pledged)

    @property
    def reported_execution_rate(self) -> Decimal | None:
        if self.reported_spent is None:
            return None
        return percent(self.reported_spent, self.planned)


@dataclass(frozen=True)
class Stakeholder:
    key: str  # "institution:<key>", or "source:<key>" for a source of no institution
    label: str


@dataclass
class YearExecution:
    plan: Plan
    year: int
    version: OperationalPlan | None
    total: Execution
    by_priority: list[tuple[FrameworkElement, Execution]]
    by_source: list[tuple[FundingSource, Execution]]
    by_stakeholder: list[tuple[Stakeholder, Execution]]


def execution_cells(
    version: OperationalPlan, year: int, *, include_submitted: bool = False
) -> dict[tuple[int, int], Execution]:
    """The year's money per activity and funding source: a few grouped
    queries, combined here cell by cell."""
    cells: dict[tuple[int, int], Execution] = defaultdict(Execution)
    for cell in money_cells(version):
        if cell.year == year:
            cells[cell.activity_id, cell.source_id].add(cell.money)
    counted = Spending.objects.filter(
        submission__period__plan=version.plan_id,
        submission__period__kind=PeriodKind.QUARTER,
        submission__period__year=year,
        submission__status__in=counted_statuses(include_submitted),
        budget_line__year=year,
        # Lines of any version: a line reported under an earlier version of
        # the year is the same activity's money.
        budget_line__activity_version__activity__in=version.activities.values("activity_id"),
    )
    figures = counted.filter(amount__isnull=False)  # "no data" has no amount
    for row in (
        counted.values(
            activity=F("budget_line__activity_version__activity_id"),
            source=F("budget_line__source_id"),
        )
        .annotate(
            total=Sum("amount"),
            lines=Count("budget_line", distinct=True, filter=Q(amount__isnull=False)),
            silent=Count(
                "budget_line",
                distinct=True,
                filter=Q(no_data=True) & ~Q(budget_line__in=figures.values("budget_line")),
            ),
        )
        .order_by()
    ):
        execution = cells[row["activity"], row["source"]]
        execution.reported_spent = row["total"]
        execution.reported_lines = row["lines"]
        execution.no_data_lines = row["silent"]
    return dict(cells)


def budget_execution(plan: Plan, year: int, *, include_submitted: bool = False) -> YearExecution:
    """The year's budget execution per priority, funding source and
    stakeholder, and in total."""
    version = version_in_force(plan, year)
    elements = priorities(plan)
    sources = list(FundingSource.objects.filter(plan=plan).select_related("institution"))
    by_source = {source.pk: Execution() for source in sources}
    stakeholder_key: dict[int, str] = {}
    by_stakeholder: dict[str, tuple[Stakeholder, Execution]] = {}
    for source in sources:
        key, label = stakeholder_of(source)
        stakeholder_key[source.pk] = key
        by_stakeholder.setdefault(key, (Stakeholder(key, label), Execution()))
    total = Execution()
    per_activity: dict[int, Execution] = defaultdict(Execution)
    under: dict[int, set[int]] = defaultdict(set)
    if version is not None:
        cells = execution_cells(version, year, include_submitted=include_submitted)
        for (activity_id, source_id), cell in cells.items():
            total.add(cell)
            per_activity[activity_id].add(cell)
            by_source[source_id].add(cell)
            by_stakeholder[stakeholder_key[source_id]][1].add(cell)
        under.update(activities_under(version))
    by_priority = []
    for element in elements:
        execution = Execution()
        for activity_id in under[element.pk] & per_activity.keys():
            execution.add(per_activity[activity_id])
        by_priority.append((element, execution))
    return YearExecution(
        plan,
        year,
        version,
        total,
        by_priority,
        [(source, by_source[source.pk]) for source in sources],
        sorted(by_stakeholder.values(), key=lambda row: (-row[1].planned, row[0].label)),
    )
