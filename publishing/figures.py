"""What dashboards, downloads and reports show: the figures of a scope (the
whole plan, a priority, an institution, a region) over a span, read one way
for every output so that the same number appears everywhere, and protected
on public outputs.

- Scope: a priority takes the indicators under it; an institution, the
  indicators it is responsible for and the reports of its units; a region,
  the reports of the units located in it (or in its cercles).
- Span: a year, or the year to the end of a quarter (Q1…Qn), so that the
  actual is comparable with the year's target.
- Public outputs (`public=True`) show validated figures of published years
  only, and every sensitive indicator passes through small-cell
  suppression (analytics.suppression) over all its figures at once: total,
  breakdown cells, their margins and the places, so that no number hidden
  in one table can be recomputed from another.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from actors.models import Institution, ReportingUnit
from analytics.aggregation import (
    BY_CELL,
    BY_PLACE,
    Aggregate,
    Span,
    aggregates_by,
    combined,
)
from analytics.progress import IndicatorProgress, progress_rows
from analytics.suppression import suppressed, threshold
from places.geography import open_between, parents_on, region_of, within
from places.models import Place
from plans.models import (
    DimensionKind,
    FrameworkElement,
    Indicator,
    IndicatorDisaggregation,
    IndicatorType,
    Plan,
    in_plan_order,
)
from reporting.content import TOTAL

TOTAL_KEY = "total"


@dataclass(frozen=True)
class Scope:
    plan: Plan
    element: FrameworkElement | None = None
    institution: Institution | None = None
    region: Place | None = None

    @property
    def kind(self) -> str:
        if self.element:
            return "priority"
        if self.institution:
            return "institution"
        if self.region:
            return "region"
        return "national"

    def indicators(self) -> list[Indicator]:
        rows = self.plan.indicators.select_related("element", "anchor").prefetch_related(
            "targets",
            Prefetch(
                "indicatordisaggregation_set",
                queryset=IndicatorDisaggregation.objects.select_related("dimension")
                .prefetch_related("dimension__categories")
                .order_by("position"),
            ),
        )
        if self.element:
            path = self.element.sort_path
            rows = rows.filter(
                Q(element__sort_path=path) | Q(element__sort_path__startswith=path + ".")
            )
        if self.institution:
            rows = rows.filter(responsible=self.institution).distinct()
        return list(rows.order_by(*in_plan_order()))

    def units(self) -> QuerySet[ReportingUnit] | None:
        if self.institution:
            return ReportingUnit.objects.filter(institution=self.institution)
        if self.region:
            return ReportingUnit.objects.filter(within(self.region, "place__"))
        return None


@dataclass(frozen=True)
class Reading:
    year: int
    quarter: int | None = None
    include_submitted: bool = False
    public: bool = False

    @property
    def span(self) -> Span:
        return Span((self.year, 1), (self.year, self.quarter or 4))


@dataclass
class Shown:
    """A figure as an output shows it: its aggregate, or hidden."""

    aggregate: Aggregate
    hidden: bool = False

    @property
    def value(self) -> Decimal | None:
        return None if self.hidden else self.aggregate.value


@dataclass
class Category:
    key: str
    name: str


@dataclass
class Breakdown:
    """An indicator's figures by the categories of one dimension."""

    dimension: Any
    categories: list[Category]
    shown: dict[str, Shown]  # category key → figure


@dataclass
class Row:
    """One indicator: its progress, its breakdowns and places, protected."""

    progress: IndicatorProgress
    hidden: bool = False  # the total is suppressed (percent and band with it)
    breakdowns: list[Breakdown] = field(default_factory=list)
    places: dict[str, Shown] = field(default_factory=dict)  # region code → figure
    # For a breakdown by a place below the region: region → its cells' keys.
    place_parts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def indicator(self) -> Indicator:
        return self.progress.indicator

    @property
    def number(self) -> Decimal | None:
        return None if self.hidden else self.progress.number

    @property
    def percent(self) -> Decimal | None:
        return None if self.hidden else self.progress.percent

    @property
    def band(self) -> str:
        return SUPPRESSED if self.hidden else self.progress.band


SUPPRESSED = "suppressed"


def parse_cell(cell: str) -> dict[str, str]:
    """ "sex:female|age:15-24" → {"sex": "female", "age": "15-24"}."""
    if not cell:
        return {}
    return dict(part.split(":", 1) for part in cell.split("|"))


def regions_of(plan: Plan, span: Span | None = None) -> dict[str, Place]:
    """The plan's country's regions (top-level places), by code: those open
    at some time in `span` when one is given (a region closed by a reform
    keeps its figures of before the reform)."""
    regions = Place.objects.filter(country=plan.country, parent__isnull=True)
    if span is not None:
        regions = regions.filter(open_between(span.first_day(), span.last_day()))
    return {place.code: place for place in regions.order_by("code")}


def figures(
    scope: Scope, reading: Reading, *, breakdowns: bool = True, places: bool = True
) -> list[Row]:
    """Every indicator of the scope: progress against the year's target and,
    with `breakdowns`, its figures by each of its dimensions and by region.
    Without `places` (no map to draw), the regions are read only where the
    public's small-cell protection needs them: a sensitive indicator's."""
    indicators = scope.indicators()
    units = scope.units()
    progress = progress_rows(
        indicators,
        reading.span,
        reading.year,
        units=units,
        include_submitted=reading.include_submitted,
    )
    rows = [Row(item) for item in progress]
    additive = [i for i in indicators if i.type in (IndicatorType.COUNT, IndicatorType.CURRENCY,
                                                      IndicatorType.PERCENTAGE)]  # fmt: skip
    if breakdowns and additive:
        cells = aggregates_by(
            additive, reading.span, BY_CELL, include_submitted=reading.include_submitted,
            units=units,
        )  # fmt: skip
        mapped = [i for i in additive if places or (reading.public and i.sensitive)]
        by_place = aggregates_by(
            mapped, reading.span, BY_PLACE, include_submitted=reading.include_submitted,
            units=units,
        ) if mapped else {}  # fmt: skip
        # The map of the period's last day: a cercle moved by a reform counts
        # in the region it belonged to then.
        parents = parents_on(scope.plan.country, reading.span.last_day()) if mapped else {}
        place_names = names_of_places(scope.plan.country)
        for row in rows:
            indicator = row.indicator
            if indicator.pk not in cells:
                continue
            row.breakdowns = breakdowns_of(indicator, cells[indicator.pk], place_names)
            if indicator.pk in by_place:
                row.places = places_of(indicator, row, by_place[indicator.pk], parents)
    if reading.public:
        for row in rows:
            if not row.indicator.sensitive:
                continue
            if units is not None:
                hide(row)
            else:
                protect(row)
    return rows


def hide(row: Row) -> None:
    """Hide every figure of a sensitive indicator. For the public, these are
    shown for the whole plan only: a region's or an institution's figures,
    set beside the national ones, would let a suppressed count be
    recomputed by subtraction."""
    row.hidden = True
    for breakdown in row.breakdowns:
        for shown in breakdown.shown.values():
            shown.hidden = True
    for shown in row.places.values():
        shown.hidden = True


def names_of_places(country: str) -> dict[str, str]:
    return {p.code: p.name for p in Place.objects.filter(country=country)}


def breakdowns_of(
    indicator: Indicator, cells: dict[str, Aggregate], place_names: Mapping[str, str]
) -> list[Breakdown]:
    """Margins of the stored cells: for each dimension, each category's
    cells combined (sums, percentages recomputed). `place_names`: the
    names of the country's places by code (`names_of_places`)."""
    result = []
    links = list(indicator.indicatordisaggregation_set.all())
    for link in links:
        dimension = link.dimension
        members: dict[str, list[Aggregate]] = defaultdict(list)
        for cell, aggregate in cells.items():
            category = parse_cell(cell).get(dimension.key)
            if category is not None:
                members[category].append(aggregate)
        if dimension.kind == DimensionKind.PLACE:
            categories = [Category(code, place_names.get(code, code)) for code in sorted(members)]
        else:
            categories = [Category(c.key, c.name) for c in dimension.categories.all()]
        shown = {
            category.key: Shown(combined(members.get(category.key, []), indicator.type))
            for category in categories
        }
        result.append(Breakdown(dimension, categories, shown))
    return result


def places_of(
    indicator: Indicator,
    row: Row,
    by_unit_place: dict[str, Aggregate],
    parents: Mapping[str, str | None],
) -> dict[str, Shown]:
    """The indicator's figure per region: from its own breakdown by region
    when it has one, else from the place of the units that reported it
    (a unit in a cercle counts in its region)."""
    for breakdown in row.breakdowns:
        if breakdown.dimension.kind == DimensionKind.PLACE:
            members: dict[str, list[Aggregate]] = defaultdict(list)
            for code, shown in breakdown.shown.items():
                region = region_of(code, parents)
                members[region].append(shown.aggregate)
                row.place_parts[region].append(f"{breakdown.dimension.key}:{code}")
            return {code: Shown(combined(parts, indicator.type)) for code, parts in members.items()}
    regions: dict[str, list[Aggregate]] = defaultdict(list)
    for code, aggregate in by_unit_place.items():
        if code:
            regions[region_of(code, parents)].append(aggregate)
    return {
        code: Shown(combined(parts, indicator.type, other_units=True))
        for code, parts in regions.items()
    }


def protect(row: Row) -> None:
    """Small-cell suppression over every figure of a sensitive indicator."""
    indicator = row.indicator
    percentage = indicator.type == IndicatorType.PERCENTAGE

    def count(aggregate: Aggregate) -> Decimal | None:
        return aggregate.numerator if percentage else aggregate.value

    values: dict[str, Decimal | None] = {TOTAL_KEY: count(row.progress.actual)}
    small_base: set[str] = set()
    sums: list[tuple[str, list[str]]] = []
    minimum = threshold()

    def add(key: str, shown: Shown) -> None:
        values[key] = count(shown.aggregate)
        denominator = shown.aggregate.denominator
        if percentage and denominator is not None and 0 < denominator < minimum:
            small_base.add(key)

    if percentage:
        denominator = row.progress.actual.denominator
        if denominator is not None and 0 < denominator < minimum:
            small_base.add(TOTAL_KEY)
    for breakdown in row.breakdowns:
        parts = []
        for key, shown in breakdown.shown.items():
            add(f"{breakdown.dimension.key}:{key}", shown)
            parts.append(f"{breakdown.dimension.key}:{key}")
        sums.append((TOTAL_KEY, parts))
    if row.places:
        parts = []
        for code, shown in row.places.items():
            add(f"place:{code}", shown)
            parts.append(f"place:{code}")
        # What the regions leave of the total (units without a place) is a
        # part too: shown, it would let the regions be recomputed.
        total = values[TOTAL_KEY]
        listed = sum((values[p] or 0) for p in parts)
        if total is not None and total != listed:
            values["place:elsewhere"] = total - listed
            parts.append("place:elsewhere")
        sums.append((TOTAL_KEY, parts))
        sums.extend((f"place:{region}", cells) for region, cells in row.place_parts.items())
    hidden = suppressed(values, sums, minimum=minimum, also=small_base)
    row.hidden = TOTAL_KEY in hidden
    for breakdown in row.breakdowns:
        for key, shown in breakdown.shown.items():
            shown.hidden = f"{breakdown.dimension.key}:{key}" in hidden
    for code, shown in row.places.items():
        shown.hidden = f"place:{code}" in hidden


__all__ = ["TOTAL", "Reading", "Row", "Scope", "Shown", "figures"]
