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

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Sum, When, Window
from django.db.models.functions import RowNumber

from actors.models import ReportingUnit
from operations.schedule import quarter_bounds
from places.geography import open_between
from plans.models import Accumulation, Indicator, IndicatorLink, IndicatorType, LinkRule
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

    def first_day(self) -> date:
        return quarter_bounds(*self.first)[0]

    def last_day(self) -> date:
        return quarter_bounds(*self.last)[1]

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
    cell: str | None = TOTAL,
    include_submitted: bool = False,
    units: QuerySet[ReportingUnit] | None = None,
    links: dict[int, int] | None = None,
) -> QuerySet[IndicatorValue]:
    """The figures that count: one cell (or every cell, with `cell=None`) of
    the indicators, in the span, from validated (or also submitted) reports
    of their plan, by every unit or the `units` given, each annotated with
    the indicator it counts for (`target`: itself, or the national indicator
    a regional or local one is linked to, `links` from `linked_indicators`)."""
    which = Q(indicator__in=indicators)
    target: Any = F("indicator")
    if links is None:
        links = linked_indicators(indicators)
    if links:
        # Regional and local plans' figures count under the national
        # indicator they are linked to: every cell when it is the same
        # indicator, the total only when it sums into it.
        linked = Q(indicator__rolls_up__national__in=indicators) & (
            Q(indicator__rolls_up__rule=LinkRule.SAME)
            | Q(indicator__rolls_up__rule=LinkRule.SUM, cell=TOTAL)
        )
        which |= linked
        target = Case(
            When(indicator__in=indicators, then=F("indicator")),
            default=F("indicator__rolls_up__national"),
        )
    rows = (
        IndicatorValue.objects.filter(
            span.periods(),
            which,
            submission__period__plan=F("indicator__plan"),
            submission__status__in=counted_statuses(include_submitted),
        )
        .exclude(value__isnull=True, numerator__isnull=True, no_data=False)
        .annotate(target=target)
    )
    if cell is not None:
        rows = rows.filter(cell=cell)
    if units is not None:
        rows = rows.filter(submission__unit__in=units)
    return rows


def linked_indicators(indicators: QuerySet[Indicator] | list[Indicator]) -> dict[int, int]:
    """Regional and local indicators counted under one of `indicators`:
    local primary key → national primary key (one query)."""
    return dict(
        IndicatorLink.objects.filter(national__in=indicators)
        .exclude(rule=LinkRule.RELATED)
        .values_list("local", "national")
    )


def newest(rows: QuerySet[IndicatorValue]) -> QuerySet[Any, Any]:
    """The primary keys of each unit's newest figure of each indicator and
    cell among `rows`: one pass of a window function, not a lookup per row."""
    ranked = rows.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("submission__unit"), F("target"), F("cell")],
            order_by=[
                F("submission__period__year").desc(),
                F("submission__period__quarter").desc(),
                F("pk").desc(),
            ],
        )
    )
    return ranked.filter(rank=1).values("pk")


# What a breakdown groups by, besides the indicator.
BY_CELL = "cell"
BY_PLACE = "submission__unit__place__code"  # the place of the reporting unit


def _aggregates(
    indicators: list[Indicator],
    span: Span,
    *,
    by: str | None,
    cell: str | None,
    include_submitted: bool,
    units: QuerySet[ReportingUnit] | None,
) -> dict[tuple[int, str], Aggregate]:
    """Aggregates keyed by (indicator, group), in five queries at most (one
    more when governance computes some of the indicators from its records)."""
    links = linked_indicators(indicators)
    rows = figures(
        indicators, span, cell=cell, include_submitted=include_submitted, units=units,
        links=links,
    )  # fmt: skip
    grouping = [by] if by else []
    given = rows.filter(no_data=False)
    latest = Q(indicator__accumulation=Accumulation.CUMULATIVE) | Q(indicator__type__in=ANSWERS)
    # Periodic figures are all summed; the others, each unit's latest only.
    chosen = given.filter(~latest | Q(pk__in=newest(given.filter(latest))))
    results: dict[tuple[int, str], Aggregate] = defaultdict(Aggregate)

    def key(row: dict[str, Any]) -> tuple[int, str]:
        return row["target"], (row[by] or "") if by else ""

    for row in chosen.values("target", *grouping).annotate(
        reported=Count("submission__unit", distinct=True),
        total=Sum("value"),
        numerators=Sum("numerator"),
        denominators=Sum("denominator"),
    ):
        result = results[key(row)]
        result.reported = row["reported"]
        result.value, result.numerator, result.denominator = (
            row["total"],
            row["numerators"],
            row["denominators"],
        )
    # Units whose only word in the group and span is "no data".
    same_group = {by: OuterRef(by)} if by else {}
    for row in (
        rows.filter(no_data=True)
        .exclude(
            Exists(
                given.filter(
                    submission__unit=OuterRef("submission__unit"),
                    **{"target": OuterRef("target")},  # an annotation of `figures`
                    **same_group,
                )
            )
        )
        .values("target", *grouping)
        .annotate(units=Count("submission__unit", distinct=True))
    ):
        results[key(row)].no_data = row["units"]
    answers = chosen.filter(indicator__type__in=ANSWERS)
    for row in (
        answers.values("target", *grouping, "value")
        .annotate(units=Count("submission__unit", distinct=True))
        .order_by("target", *grouping, "value")
    ):
        results[key(row)].answers[int(row["value"])] = row["units"]
    # A unit is expected while its place is open: a region closed by a
    # reform is not expected after it, nor a new one before (places.geography).
    expected = ReportingUnit.objects.filter(
        open_between(span.first_day(), span.last_day(), "place__"),
        active=True,
        institution__indicators__in=[*(i.pk for i in indicators), *links],
    )
    if units is not None:
        expected = expected.filter(pk__in=units)
    place = ["place__code"] if by == BY_PLACE else []
    responsible: dict[tuple[int, str], int] = defaultdict(int)
    for row in expected.values("institution__indicators", *place).annotate(
        units=Count("pk", distinct=True)
    ):
        indicator_id = row["institution__indicators"]
        # The units responsible for a linked local indicator are expected
        # for the national one too.
        responsible[
            (links.get(indicator_id, indicator_id), (row["place__code"] or "") if place else "")
        ] += row["units"]
    if place or not by:
        for group_key in responsible:
            results.setdefault(group_key, Aggregate())  # a place not reported is still shown
    for (indicator_id, group), result in results.items():
        # Every cell is expected from every unit responsible for the indicator.
        result.expected = responsible.get((indicator_id, group if place or not by else ""), 0)
    types = {indicator.pk: indicator.type for indicator in indicators}
    for (indicator_id, _group), result in results.items():
        finish(result, types[indicator_id])
    if units is None and ((by is None and cell is not None) or by == BY_CELL):
        # Governance indicators computed from the platform's records (meetings
        # held…) stand in place of reported figures, in the total and in the
        # breakdown cells alike: one more query per cell at most.
        from governance.indicators import computed, computed_cells

        cells = computed_cells(indicators) if by == BY_CELL else [cell or TOTAL]
        for one in cells:
            for indicator_id, result in computed(indicators, span, one).items():
                results[(indicator_id, one if by == BY_CELL else "")] = result
    return results


def finish(result: Aggregate, type: str) -> None:
    """Keep the number the indicator's type gives meaning to."""
    if type == IndicatorType.PERCENTAGE:
        result.value = percentage(result.numerator, result.denominator)
    else:
        result.numerator = result.denominator = None
    if type not in SUMMED:
        result.value = None


def aggregates(
    indicators: list[Indicator],
    span: Span,
    *,
    cell: str = TOTAL,
    include_submitted: bool = False,
    units: QuerySet[ReportingUnit] | None = None,
) -> dict[int, Aggregate]:
    """Each indicator's aggregate, in a fixed number of queries however many
    indicators and figures there are."""
    results = _aggregates(
        indicators, span, by=None, cell=cell, include_submitted=include_submitted, units=units
    )
    return {indicator.pk: results.get((indicator.pk, ""), Aggregate()) for indicator in indicators}


def aggregates_by(
    indicators: list[Indicator],
    span: Span,
    by: str,
    *,
    cell: str = TOTAL,
    include_submitted: bool = False,
    units: QuerySet[ReportingUnit] | None = None,
) -> dict[int, dict[str, Aggregate]]:
    """Each indicator's aggregates per breakdown cell (`BY_CELL`: every cell
    stored, the total included) or per place of the reporting units
    (`BY_PLACE`, for the indicator's `cell`). Groups without any figure and
    not expected are absent."""
    results = _aggregates(
        indicators,
        span,
        by=by,
        cell=None if by == BY_CELL else cell,
        include_submitted=include_submitted,
        units=units,
    )
    grouped: dict[int, dict[str, Aggregate]] = {indicator.pk: {} for indicator in indicators}
    for (indicator_id, group), result in results.items():
        grouped[indicator_id][group] = result
    return grouped


def combined(parts: list[Aggregate], type: str, *, other_units: bool = False) -> Aggregate:
    """The aggregate of several disjoint cells (e.g. every cell of one sex):
    sums of values, numerators and denominators, the percentage recomputed.
    The parts' units are the same units (cells of one breakdown: the counts
    of units are the largest part's), or with `other_units` different ones
    (places: the counts add up)."""
    total = Aggregate()
    for part in parts:
        for name in ("value", "numerator", "denominator"):
            number = getattr(part, name)
            if number is not None:
                setattr(total, name, (getattr(total, name) or 0) + number)
        for name in ("reported", "no_data", "expected"):
            mine, theirs = getattr(total, name), getattr(part, name)
            setattr(total, name, mine + theirs if other_units else max(mine, theirs))
    finish(total, type)
    return total


def aggregate(
    indicator: Indicator,
    span: Span,
    *,
    cell: str = TOTAL,
    include_submitted: bool = False,
    units: QuerySet[ReportingUnit] | None = None,
) -> Aggregate:
    return aggregates(
        [indicator], span, cell=cell, include_submitted=include_submitted, units=units
    )[indicator.pk]
