"""What a submission holds and what it expects: for a reporting unit and a
period, the indicators it is responsible for (with the cells of their
disaggregation, the target, and the values of previous periods), the
activities it leads and their budget lines for the year. A fixed number of
queries whatever the size of the report (see bench/reporting.py)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from operations.models import BudgetLine, OperationalPlan, VersionStatus
from places.models import Place
from plans.models import (
    DimensionKind,
    Indicator,
    IndicatorDisaggregation,
    IndicatorType,
    ScaleLevel,
    in_plan_order,
)
from reporting.entries import percentage
from reporting.models import (
    ActivityReport,
    IndicatorValue,
    ReportingPeriod,
    Spending,
    Submission,
    SubmissionStatus,
)

# Types whose disaggregated figures add up to the total.
ADDITIVE = frozenset({IndicatorType.COUNT, IndicatorType.CURRENCY, IndicatorType.PERCENTAGE})
TOTAL = ""


@dataclass(frozen=True)
class Cell:
    key: str  # TOTAL, or "dimension:category|dimension:category"
    label: str


@dataclass
class ExpectedIndicator:
    indicator: Indicator
    cells: list[Cell]  # the total first
    scale: list[ScaleLevel]
    target: Decimal | None
    target_year: int | None  # None: the end-of-plan target
    history: list[Decimal] = field(default_factory=list)  # earlier totals, oldest first

    @property
    def previous(self) -> Decimal | None:
        return self.history[-1] if self.history else None

    @property
    def disaggregated(self) -> bool:
        return len(self.cells) > 1


@dataclass
class ExpectedActivity:
    version: object  # operations.ActivityVersion
    budget_lines: list[BudgetLine]


@dataclass
class Expected:
    submission: Submission
    indicators: list[ExpectedIndicator]
    activities: list[ExpectedActivity]
    operational_plan: OperationalPlan | None

    def indicator(self, pk: int) -> ExpectedIndicator | None:
        return next((e for e in self.indicators if e.indicator.pk == pk), None)

    @property
    def budget_lines(self) -> list[BudgetLine]:
        return [line for a in self.activities for line in a.budget_lines]


def cell_key(parts: list[tuple[str, str]]) -> str:
    return "|".join(f"{dimension}:{category}" for dimension, category in parts)


def cells_of(
    indicator: Indicator,
    disaggregations: list[IndicatorDisaggregation],
    places: dict[str, list[Place]],
) -> list[Cell]:
    """The total, then every combination of the indicator's categories."""
    cells = [Cell(TOTAL, _("Total"))]
    if indicator.type not in ADDITIVE or not disaggregations:
        return cells
    axes: list[list[tuple[str, str, str]]] = []
    for link in disaggregations:
        dimension = link.dimension
        if dimension.kind == DimensionKind.PLACE:
            options = [
                (dimension.key, p.code, p.name) for p in places.get(dimension.place_level, [])
            ]
        else:
            options = [(dimension.key, c.key, c.name) for c in dimension.categories.all()]
        if options:
            axes.append(options)
    if not axes:  # dimensions without categories (no places of that level yet)
        return cells
    for combination in itertools.product(*axes):
        cells.append(
            Cell(
                cell_key([(d, c) for d, c, _name in combination]),
                " · ".join(name for _d, _c, name in combination),
            )
        )
    return cells


def operational_plan_for(period: ReportingPeriod) -> OperationalPlan | None:
    """The adopted version in force for the period's year: the latest adopted
    for that year or before, else the earliest adopted one."""
    adopted = OperationalPlan.objects.filter(plan=period.plan, status=VersionStatus.ADOPTED)
    return (
        adopted.filter(year__lte=period.year).order_by("-year", "-number").first()
        or adopted.order_by("year", "number").first()
    )


def earlier_periods(period: ReportingPeriod) -> Q:
    earlier = Q(year__lt=period.year)
    if period.quarter:
        earlier |= Q(year=period.year, quarter__lt=period.quarter)
    return Q(plan=period.plan, kind=period.kind) & earlier


def with_disaggregations() -> Prefetch[Any]:
    """An indicator's disaggregations in their order, with their categories:
    what cells_of reads."""
    return Prefetch(
        "indicatordisaggregation_set",
        queryset=IndicatorDisaggregation.objects.select_related("dimension")
        .prefetch_related("dimension__categories")
        .order_by("position"),
    )


def places_for(country: str, indicators: Iterable[Indicator]) -> dict[str, list[Place]]:
    """The places of the levels these indicators (fetched with
    with_disaggregations) are disaggregated by, by level, in code order."""
    levels = {
        link.dimension.place_level
        for indicator in indicators
        for link in indicator.indicatordisaggregation_set.all()
        if link.dimension.kind == DimensionKind.PLACE
    }
    places: dict[str, list[Place]] = defaultdict(list)
    if levels:
        for place in Place.objects.filter(country=country, level__in=levels).order_by("code"):
            places[place.level].append(place)
    return places


def unit_indicators(submission: Submission) -> list[Indicator]:
    unit = submission.unit
    if unit.institution_id is None:
        return []
    return list(
        submission.period.plan.indicators.filter(responsible=unit.institution_id)
        .select_related("element", "anchor")
        .prefetch_related(with_disaggregations(), "scale", "targets")
        .order_by(*in_plan_order())
        .distinct()
    )


def expected(submission: Submission) -> Expected:
    period = submission.period
    plan = period.plan
    indicators = unit_indicators(submission)
    places = places_for(plan.country, indicators)

    history: dict[int, list[Decimal]] = defaultdict(list)
    # Demonstration periods and real ones never feed each other's history.
    earlier = ReportingPeriod.objects.filter(earlier_periods(period)).filter(
        demonstration=period.demonstration
    )
    for indicator_id, value, numerator, denominator in (
        IndicatorValue.objects.filter(
            submission__unit=submission.unit_id,
            submission__period__in=earlier,
            submission__status__in=(SubmissionStatus.SUBMITTED, SubmissionStatus.VALIDATED),
            indicator__in=[i.pk for i in indicators],
            cell=TOTAL,
            no_data=False,
        )
        .order_by("submission__period__year", "submission__period__quarter")
        .values_list("indicator_id", "value", "numerator", "denominator")
    ):
        number = value if value is not None else percentage(numerator, denominator)
        if number is not None:
            history[indicator_id].append(number)

    rows = []
    for indicator in indicators:
        targets = {t.year: t.value for t in indicator.targets.all()}
        target_year: int | None = period.year
        target = targets.get(period.year)
        if target is None:
            target, target_year = indicator.end_target, None
        rows.append(
            ExpectedIndicator(
                indicator=indicator,
                cells=cells_of(
                    indicator, list(indicator.indicatordisaggregation_set.all()), places
                ),
                scale=list(indicator.scale.all()),
                target=target,
                target_year=target_year,
                history=history[indicator.pk],
            )
        )

    version = operational_plan_for(period)
    activities: list[ExpectedActivity] = []
    if version is not None and submission.unit.institution_id is not None:
        for activity_version in (
            version.activities.filter(lead=submission.unit.institution_id)
            .select_related("activity")
            .prefetch_related(
                Prefetch(
                    "budget_lines",
                    queryset=BudgetLine.objects.filter(year=period.year).select_related("source"),
                )
            )
            .order_by("position")
        ):
            activities.append(
                ExpectedActivity(activity_version, list(activity_version.budget_lines.all()))
            )
    return Expected(submission, rows, activities, version)


@dataclass
class Stored:
    """What a submission holds now, keyed as the inputs are."""

    values: dict[tuple[int, str], IndicatorValue]
    activities: dict[int, ActivityReport]
    spending: dict[int, Spending]


def stored(submission: Submission) -> Stored:
    return Stored(
        values={(v.indicator_id, v.cell): v for v in submission.values.all()},
        activities={a.activity_id: a for a in submission.activity_reports.all()},
        spending={s.budget_line_id: s for s in submission.spending.all()},
    )
