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

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum

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
    indicators: QuerySet[Indicator] | list[Indicator],
    span: Span,
    *,
    cell: str = TOTAL,
    include_submitted: bool = False,
) -> QuerySet[IndicatorValue]:
    """The figures that count: one cell of the indicators, in the span, from
    validated (or also submitted) reports of their plan."""
    return IndicatorValue.objects.filter(
        span.periods(),
        indicator__in=indicators,
        cell=cell,
        submission__period__plan=F("indicator__plan"),
        submission__status__in=counted_statuses(include_submitted),
    ).exclude(value__isnull=True, numerator__isnull=True, no_data=False)


def newest_of(rows: QuerySet[IndicatorValue]) -> QuerySet[IndicatorValue]:
    """For the outer figure's unit and indicator, `rows` newest first."""
    return rows.filter(
        submission__unit=OuterRef("submission__unit"), indicator=OuterRef("indicator")
    ).order_by("-submission__period__year", "-submission__period__quarter")


def aggregates(
    indicators: list[Indicator],
    span: Span,
    *,
    cell: str = TOTAL,
    include_submitted: bool = False,
) -> dict[int, Aggregate]:
    """Each indicator's aggregate, in a fixed number of queries however many
    indicators and figures there are."""
    rows = figures(indicators, span, cell=cell, include_submitted=include_submitted)
    given = rows.filter(no_data=False)
    latest = Q(indicator__accumulation=Accumulation.CUMULATIVE) | Q(indicator__type__in=ANSWERS)
    # Periodic figures are all summed; the others, each unit's latest only.
    chosen = given.filter(~latest | Q(pk=Subquery(newest_of(given).values("pk")[:1])))
    results = {indicator.pk: Aggregate() for indicator in indicators}
    for indicator_id, units in (
        ReportingUnit.objects.filter(active=True, institution__indicators__in=indicators)
        .values_list("institution__indicators")
        .annotate(units=Count("pk", distinct=True))
    ):
        results[indicator_id].expected = units
    for row in chosen.values("indicator").annotate(
        reported=Count("submission__unit", distinct=True),
        total=Sum("value"),
        numerators=Sum("numerator"),
        denominators=Sum("denominator"),
    ):
        result = results[row["indicator"]]
        result.reported = row["reported"]
        result.value, result.numerator, result.denominator = (
            row["total"],
            row["numerators"],
            row["denominators"],
        )
    # Units whose only word in the span is "no data".
    for indicator_id, units in (
        rows.filter(no_data=True)
        .exclude(
            Exists(
                given.filter(
                    indicator=OuterRef("indicator"), submission__unit=OuterRef("submission__unit")
                )
            )
        )
        .values_list("indicator")
        .annotate(units=Count("submission__unit", distinct=True))
    ):
        results[indicator_id].no_data = units
    answers = chosen.filter(indicator__type__in=ANSWERS)
    for indicator_id, answer, units in (
        answers.values_list("indicator", "value")
        .annotate(units=Count("submission__unit", distinct=True))
        .order_by("indicator", "value")
    ):
        results[indicator_id].answers[int(answer)] = units
    for indicator in indicators:
        result = results[indicator.pk]
        if indicator.type == IndicatorType.PERCENTAGE:
            result.value = percentage(result.numerator, result.denominator)
        else:
            result.numerator = result.denominator = None
        if indicator.type not in SUMMED:
            result.value = None
    return results


def aggregate(
    indicator: Indicator, span: Span, *, cell: str = TOTAL, include_submitted: bool = False
) -> Aggregate:
    return aggregates([indicator], span, cell=cell, include_submitted=include_submitted)[
        indicator.pk
    ]
