"""Governance indicators computed from the platform's own records instead of
typed into reports: a registry from a plan's indicator key to the bodies
whose meetings it counts. analytics.aggregation asks `computed()` and puts
these aggregates in place of the reported ones, so dashboards, the briefing
and the annual report read them like any other indicator.

Mali's NAP 2019-2023: coordination.I1, "Number of meetings held by the
Monitoring Committee and Steering Committee", disaggregated by committee
(the plan's `committee` dimension)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count

from actors.models import BodyKind
from plans.models import IndicatorType

if TYPE_CHECKING:
    from analytics.aggregation import Aggregate, Span
    from plans.models import Indicator

TOTAL = ""  # reporting.content.TOTAL


@dataclass(frozen=True)
class MeetingsHeld:
    """Meetings held in the span by the plan's bodies of some kinds; each
    cell of the indicator's disaggregation counts some of those kinds."""

    kinds: frozenset[str]
    cells: dict[str, frozenset[str]]

    def kinds_of(self, cell: str) -> frozenset[str] | None:
        if cell == TOTAL:
            return self.kinds
        return self.cells.get(cell)


MONITORING = frozenset({BodyKind.MONITORING_COMMITTEE.value})
STEERING = frozenset({BodyKind.STEERING_COMMITTEE.value})

REGISTRY: dict[str, MeetingsHeld] = {
    "coordination.I1": MeetingsHeld(
        kinds=MONITORING | STEERING,
        cells={
            "committee:committee-monitoring": MONITORING,
            "committee:committee-steering": STEERING,
        },
    ),
}


def span_dates(span: Span) -> tuple[date, date]:
    from governance.meetings import quarter_bounds

    return quarter_bounds(*span.first)[0], quarter_bounds(*span.last)[1]


def is_computed(indicator: Indicator) -> bool:
    return indicator.key in REGISTRY and indicator.type == IndicatorType.COUNT


def computed_cells(indicators: list[Indicator]) -> list[str]:
    """The cells (the total first) that the computed indicators among
    `indicators` have; none when there is no computed indicator."""
    entries = [REGISTRY[i.key] for i in indicators if is_computed(i)]
    if not entries:
        return []
    return [TOTAL, *sorted({cell for entry in entries for cell in entry.cells})]


def computed(indicators: list[Indicator], span: Span, cell: str) -> dict[int, Aggregate]:
    """The aggregates of the computed indicators among `indicators` for one
    cell, in one query whatever their number. An indicator whose cell the
    registry does not know is left out (its reported figures stand)."""
    from analytics.aggregation import Aggregate
    from governance.models import Meeting

    wanted = {
        indicator.pk: (indicator, kinds)
        for indicator in indicators
        if is_computed(indicator) and (kinds := REGISTRY[indicator.key].kinds_of(cell)) is not None
    }
    if not wanted:
        return {}
    first, last = span_dates(span)
    plans = {indicator.plan_id for indicator, _kinds in wanted.values()}
    held = {
        (row["body__plans"], row["body__kind"]): row["meetings"]
        for row in Meeting.objects.filter(
            held_on__gte=first, held_on__lte=last, body__plans__in=plans
        )
        .values("body__plans", "body__kind")
        .annotate(meetings=Count("pk", distinct=True))
        .order_by()
    }
    results = {}
    for pk, (indicator, kinds) in wanted.items():
        count = sum(held.get((indicator.plan_id, kind), 0) for kind in kinds)
        # The platform is the one "unit" that reports it: never missing.
        results[pk] = Aggregate(value=Decimal(count), reported=1, expected=1)
    return results
