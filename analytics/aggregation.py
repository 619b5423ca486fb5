"""An indicator's value over a span of periods, computed in the database
from the figures of validated reports (and submitted ones, when asked), by
the indicator's own rule:

| type | across units | across the periods of the span |
|---|---|---|
| count, amount | sum | periodic: sum; cumulative: each unit's latest |
| percentage | Σ numerators / Σ denominators | the same, never an average of percentages |
| yes/no, ordinal | units per answer | each unit's latest answer |
| narrative | not aggregated | — |

"No data" is never 0: units that said "no data" and units that have not
reported are counted apart, beside the value. Figures are read when asked:
a report validated a moment ago counts at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from actors.models import ReportingUnit
from plans.models import Accumulation, Indicator, IndicatorType
from reporting.content import TOTAL
from reporting.entries import percentage
from reporting.models import IndicatorValue, PeriodKind, SubmissionStatus

SUMMED = frozenset({IndicatorType.COUNT, IndicatorType.CURRENCY, IndicatorType.PERCENTAGE})
ANSWERS = frozenset({IndicatorType.YES_NO, IndicatorType.ORDINAL})


@dataclass(frozen=True)
class Span:
    """Quarters from (year, quarter) to (year, quarter), both included."""

    first: tuple[int, int]
    last: tuple[int, int]

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Span:
        return cls((year, quarter), (year, quarter))

    @classmethod
    def year(cls, year: int) -> Span:
        return cls((year, 1), (year, 4))

    @classmethod
    def years(cls, first: int, last: int) -> Span:
        """The plan to date: from its first year to `last`."""
        return cls((first, 1), (last, 4))

    def periods(self) -> Q:
        (y0, q0), (y1, q1) = self.first, self.last
        after = Q(submission__period__year__gt=y0) | Q(
            submission__period__year=y0, submission__period__quarter__gte=q0
        )
        before = Q(submission__period__year__lt=y1) | Q(
            submission__period__year=y1, submission__period__quarter__lte=q1
        )
        return Q(submission__period__kind=PeriodKind.QUARTER) & after & before


@dataclass
class Aggregate:
    value: Decimal | None = None  # the number, a percentage's included
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    answers: dict[int, int] = field(default_factory=dict)  # answer → units
    reported: int = 0  # units with a figure
    no_data: int = 0  # units that said "no data"
    expected: int = 0  # units responsible for the indicator

    @property
    def missing(self) -> int:
        """Units expected that have not reported this figure at all."""
        return max(self.expected - self.reported - self.no_data, 0)


def counted_statuses(include_submitted: bool) -> list[str]:
    statuses: list[str] = [SubmissionStatus.VALIDATED]
    if include_submitted:
        statuses.append(SubmissionStatus.SUBMITTED)
    return statuses


def figures(
    indicator: Indicator, span: Span, *, cell: str = TOTAL, include_submitted: bool = False
) -> QuerySet[IndicatorValue]:
    """The figures that count: one cell of the indicator, in the span, from
    validated (or also submitted) reports of the plan."""
    return IndicatorValue.objects.filter(
        span.periods(),
        indicator=indicator,
        cell=cell,
        submission__period__plan=indicator.plan_id,
        submission__status__in=counted_statuses(include_submitted),
    ).exclude(value__isnull=True, numerator__isnull=True, no_data=False)


def latest_per_unit(rows: QuerySet[IndicatorValue]) -> QuerySet[IndicatorValue]:
    """Each unit's most recent figure among `rows`."""
    newest = rows.filter(submission__unit=OuterRef("submission__unit")).order_by(
        "-submission__period__year", "-submission__period__quarter"
    )
    return rows.filter(pk=Subquery(newest.values("pk")[:1]))


def expected_units(indicator: Indicator) -> int:
    return (
        ReportingUnit.objects.filter(active=True, institution__indicators=indicator)
        .distinct()
        .count()
    )


def aggregate(
    indicator: Indicator, span: Span, *, cell: str = TOTAL, include_submitted: bool = False
) -> Aggregate:
    rows = figures(indicator, span, cell=cell, include_submitted=include_submitted)
    given = rows.filter(no_data=False)
    if indicator.accumulation == Accumulation.CUMULATIVE or indicator.type in ANSWERS:
        given = latest_per_unit(given)
    counts = given.aggregate(
        reported=Count("submission__unit", distinct=True),
        value=Sum("value"),
        numerator=Sum("numerator"),
        denominator=Sum("denominator"),
    )
    result = Aggregate(
        expected=expected_units(indicator),
        reported=counts["reported"],
        # Units whose only word in the span is "no data".
        no_data=rows.filter(no_data=True)
        .exclude(submission__unit__in=rows.filter(no_data=False).values("submission__unit"))
        .values("submission__unit")
        .distinct()
        .count(),
    )
    if indicator.type == IndicatorType.PERCENTAGE:
        result.numerator, result.denominator = counts["numerator"], counts["denominator"]
        result.value = percentage(result.numerator, result.denominator)
    elif indicator.type in SUMMED:
        result.value = counts["value"]
    elif indicator.type in ANSWERS:
        result.answers = {
            int(answer): units
            for answer, units in given.values_list("value")
            .annotate(units=Count("submission__unit", distinct=True))
            .order_by("value")
        }
    return result
