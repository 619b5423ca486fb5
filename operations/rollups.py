"""Money and schedule roll-ups of an operational-plan version.

Sums are computed in the database, one grouped query per kind of figure
(planned budget, funding records, links to the framework); what is combined
in Python is the aggregated cells — one per activity, year and source — never
the budget lines themselves.

Roll-up rules (docs/operational-plan.md):
- an activity linked to several framework elements counts fully under each
  of them, and once under each of their common ancestors (never twice);
- the funding gap is planned minus pledged;
- a stakeholder's share is its part of the planned budget (and of the
  pledges), computed from the amounts, never averaged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from django.db.models import Sum

from operations.models import (
    ActivityVersion,
    BudgetLine,
    ExchangeRate,
    FundingRecord,
    FundingSource,
    OperationalPlan,
)
from plans.models import FrameworkElement, Plan


@dataclass
class Money:
    planned: int = 0
    pledged: int = 0
    disbursed: int = 0
    spent: int = 0

    @property
    def gap(self) -> int:
        return self.planned - self.pledged

    def add(self, other: Money) -> None:
        self.planned += other.planned
        self.pledged += other.pledged
        self.disbursed += other.disbursed
        self.spent += other.spent


@dataclass
class Cell:
    """The money of one activity for one year and one source."""

    activity_id: int
    year: int
    source_id: int
    money: Money = field(default_factory=Money)


def money_cells(operational_plan: OperationalPlan) -> list[Cell]:
    cells: dict[tuple[int, int, int], Cell] = {}

    def cell(activity_id: int, year: int, source_id: int) -> Cell:
        key = (activity_id, year, source_id)
        if key not in cells:
            cells[key] = Cell(activity_id, year, source_id)
        return cells[key]

    planned = (
        BudgetLine.objects.filter(activity_version__operational_plan=operational_plan)
        .values("activity_version__activity_id", "year", "source_id")
        .annotate(total=Sum("amount"))
    )
    for row in planned:
        cell(
            row["activity_version__activity_id"], row["year"], row["source_id"]
        ).money.planned = row["total"]
    activity_ids = operational_plan.activities.values("activity_id")
    moved = (
        FundingRecord.objects.filter(activity_id__in=activity_ids)
        .values("activity_id", "year", "source_id", "stage")
        .annotate(total=Sum("amount"))
    )
    for record in moved:
        money = cell(record["activity_id"], record["year"], record["source_id"]).money
        setattr(money, record["stage"], record["total"])
    return sorted(cells.values(), key=lambda c: (c.activity_id, c.year, c.source_id))


K = TypeVar("K", bound=Hashable)


def totals(cells: Iterable[Cell], key: Callable[[Cell], K]) -> dict[K, Money]:
    result: dict[K, Money] = defaultdict(Money)
    for item in cells:
        result[key(item)].add(item.money)
    return dict(result)


def plan_total(cells: Iterable[Cell]) -> Money:
    total = Money()
    for item in cells:
        total.add(item.money)
    return total


def activities_under(operational_plan: OperationalPlan) -> dict[int, set[int]]:
    """For each framework element, the activities linked to it or to an
    element below it."""
    elements = list(
        FrameworkElement.objects.filter(plan=operational_plan.plan).values_list("pk", "sort_path")
    )
    links = ActivityVersion.elements.through.objects.filter(
        activityversion__operational_plan=operational_plan
    ).values_list("activityversion__activity_id", "frameworkelement__sort_path")
    under: dict[int, set[int]] = {pk: set() for pk, _path in elements}
    for activity_id, linked_path in links:
        for pk, path in elements:
            if linked_path == path or linked_path.startswith(path + "."):
                under[pk].add(activity_id)
    return under


def totals_by_element(operational_plan: OperationalPlan, cells: list[Cell]) -> dict[int, Money]:
    per_activity = totals(cells, lambda c: c.activity_id)
    result: dict[int, Money] = {}
    for element_id, activity_ids in activities_under(operational_plan).items():
        money = Money()
        for activity_id in activity_ids:
            if activity_id in per_activity:
                money.add(per_activity[activity_id])
        result[element_id] = money
    return result


def stakeholder_of(source: FundingSource) -> tuple[str, str]:
    """(key, label) of the stakeholder a source's money counts for."""
    if source.institution is not None:
        return f"institution:{source.institution.key}", str(source.institution)
    return f"source:{source.key}", source.name


def percent(part: int, whole: int) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class Share:
    label: str
    money: Money
    planned_share: Decimal | None
    pledged_share: Decimal | None


def stakeholder_shares(operational_plan: OperationalPlan, cells: list[Cell]) -> list[Share]:
    sources = {
        s.pk: s
        for s in FundingSource.objects.filter(plan=operational_plan.plan).select_related(
            "institution"
        )
    }
    by_stakeholder: dict[str, tuple[str, Money]] = {}
    for item in cells:
        key, label = stakeholder_of(sources[item.source_id])
        by_stakeholder.setdefault(key, (label, Money()))[1].add(item.money)
    total = plan_total(cells)
    shares = [
        Share(
            label,
            money,
            percent(money.planned, total.planned),
            percent(money.pledged, total.pledged),
        )
        for label, money in by_stakeholder.values()
    ]
    return sorted(shares, key=lambda s: -s.money.planned)


def rate_on(currency: str, day: date) -> Decimal | None:
    rate = (
        ExchangeRate.objects.filter(currency=currency, valid_from__lte=day)
        .order_by("-valid_from")
        .values_list("xof_per_unit", flat=True)
        .first()
    )
    return rate


def convert(amount_xof: int, rate: Decimal | None) -> Decimal | None:
    if rate is None:
        return None
    return (Decimal(amount_xof) / rate).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass
class Completion:
    planned: int
    completed: int

    @property
    def rate(self) -> Decimal | None:
        return percent(self.completed, self.planned)


def completion_by_element(operational_plan: OperationalPlan) -> dict[int, Completion]:
    """Planned (not cancelled, not unplanned) and completed activities under each element."""
    status = dict(operational_plan.activities.values_list("activity_id", "status"))
    unplanned = set(
        operational_plan.activities.filter(unplanned=True).values_list("activity_id", flat=True)
    )
    result = {}
    for element_id, activity_ids in activities_under(operational_plan).items():
        counted = [a for a in activity_ids if a not in unplanned and status[a] != "cancelled"]
        done = [a for a in counted if status[a] == "completed"]
        result[element_id] = Completion(len(counted), len(done))
    return result


# Published rates are rounded to whole percents; beyond half a point the
# difference is not rounding.
DISCREPANCY_THRESHOLD = Decimal("0.5")


@dataclass
class ReportedRate:
    planned: int
    completed: int
    published: Decimal | None

    @property
    def computed(self) -> Decimal | None:
        return percent(self.completed, self.planned)

    @property
    def discrepancy(self) -> Decimal | None:
        """Published minus computed, when they differ by more than half a point."""
        if self.published is None or self.computed is None:
            return None
        difference = self.published - self.computed
        return difference if abs(difference) > DISCREPANCY_THRESHOLD else None


@dataclass
class PlanSummary:
    plan: Plan
    priorities: list[FrameworkElement]
    activities: int | None
    completion: ReportedRate | None
    budget: int | None
    budget_is_declared: bool
    partial: bool
    reported: list[tuple[FrameworkElement, ReportedRate]]


def plan_summary(plan: Plan) -> PlanSummary:
    """A plan's figures for the side-by-side page: from its latest
    operational-plan version, or from what its review reported."""
    from operations.models import ReportedCompletion

    priorities = list(
        plan.elements.filter(parent=None).select_related("level").order_by("sort_path")
    )
    reported = [
        (r.element, ReportedRate(r.planned, r.completed, r.published_rate))
        for r in ReportedCompletion.objects.filter(element__plan=plan)
        .select_related("element")
        .order_by("element__sort_path")
    ]
    version = plan.operational_plans.order_by("-number").first()
    activities = completion = budget = None
    declared = partial = False
    if reported:
        planned = sum(rate.planned for _e, rate in reported)
        completed = sum(rate.completed for _e, rate in reported)
        activities, completion = planned, ReportedRate(planned, completed, None)
    elif version is not None:
        counted = version.activities.filter(unplanned=False).exclude(status="cancelled")
        if counted.exists() and not version.partial:
            activities = counted.count()
            completion = ReportedRate(activities, counted.filter(status="completed").count(), None)
        elif counted.exists():
            activities = None  # a partial list says nothing of the total
    if version is not None:
        partial = version.partial
        cells = money_cells(version)
        if cells:
            budget = plan_total(cells).planned
        elif version.declared_total is not None:
            budget, declared = version.declared_total, True
    return PlanSummary(
        plan, priorities, activities, completion, budget, declared, partial, reported
    )
