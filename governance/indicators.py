"""Indicators computed from the platform's own records instead of typed into
reports. analytics.aggregation asks `computed()` and puts these aggregates in
place of the reported ones, so dashboards, the briefing and the annual report
read them like any other indicator.

Two kinds:

- Meetings held: a registry from a plan's indicator key to the kinds of
  bodies whose meetings it counts. Mali's NAP 2019-2023: coordination.I1,
  "Number of meetings held by the Monitoring Committee and Steering
  Committee", disaggregated by committee (the plan's `committee` dimension).
- Shares of women observed: a percentage indicator that observatory bodies
  name in their `indicators` ("plan:indicator", set in the observatory file)
  is Σ women / Σ members over the latest observation of each of those bodies
  in the span that has counts (a figure known only as a published share
  cannot be added up, and stays on the observatory page). An observation
  dated to a year or a month belongs to every span that overlaps it. When
  no body of the indicator has counts in the span, the reported figures
  stand, so a focal point's figure is never replaced by nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
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


def is_computed(indicator: Indicator) -> bool:
    return indicator.key in REGISTRY and indicator.type == IndicatorType.COUNT


def computed_cells(indicators: list[Indicator]) -> list[str]:
    """The cells (the total first) that the computed indicators among
    `indicators` have; none when there is no computed indicator."""
    entries = [REGISTRY[i.key] for i in indicators if is_computed(i)]
    if entries:
        return [TOTAL, *sorted({cell for entry in entries for cell in entry.cells})]
    if any(i.type == IndicatorType.PERCENTAGE for i in indicators):
        return [TOTAL]  # observed shares have a total only
    return []


def computed(indicators: list[Indicator], span: Span, cell: str) -> dict[int, Aggregate]:
    """The aggregates of the computed indicators among `indicators` for one
    cell: meetings held, then shares observed."""
    results = meetings_held(indicators, span, cell)
    if cell == TOTAL:
        results.update(shares_observed(indicators, span))
    return results


def meetings_held(indicators: list[Indicator], span: Span, cell: str) -> dict[int, Aggregate]:
    """Meetings held, in one query whatever the number of indicators. An
    indicator whose cell the registry does not know is left out (its
    reported figures stand)."""
    from analytics.aggregation import Aggregate
    from governance.models import Meeting

    wanted = {
        indicator.pk: (indicator, kinds)
        for indicator in indicators
        if is_computed(indicator) and (kinds := REGISTRY[indicator.key].kinds_of(cell)) is not None
    }
    if not wanted:
        return {}
    first, last = span.first_day(), span.last_day()
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


def fed_bodies(indicators: list[Indicator]) -> dict[int, set[int]]:
    """The observatory bodies that feed each percentage indicator, by the
    indicator's primary key (one query, two when some body feeds one)."""
    from governance.models import SeatBody
    from plans.models import Plan

    shares = [i for i in indicators if i.type == IndicatorType.PERCENTAGE]
    if not shares:
        return {}
    feeding = list(SeatBody.objects.exclude(indicators=[]).values_list("pk", "indicators"))
    if not feeding:
        return {}
    plans = dict(Plan.objects.filter(pk__in={i.plan_id for i in shares}).values_list("pk", "key"))
    wanted = {f"{plans[i.plan_id]}:{i.key}": i.pk for i in shares}
    fed: dict[int, set[int]] = {}
    for body, names in feeding:
        for name in names or []:
            if name in wanted:
                fed.setdefault(wanted[name], set()).add(body)
    return fed


def observation_end(observed_on: date, precision: str) -> date:
    """The last day an observation dated to a year, a month or a day covers."""
    if precision == "year":
        return date(observed_on.year, 12, 31)
    if precision == "month":
        following = date(observed_on.year + observed_on.month // 12, observed_on.month % 12 + 1, 1)
        return following - timedelta(days=1)
    return observed_on


def shares_observed(indicators: list[Indicator], span: Span) -> dict[int, Aggregate]:
    """Σ women / Σ members of the fed bodies' latest counted observation in
    the span, for each percentage indicator the observatory feeds."""
    from analytics.aggregation import Aggregate
    from governance.models import Observation
    from reporting.entries import percentage

    fed = fed_bodies(indicators)
    if not fed:
        return {}
    first, last = span.first_day(), span.last_day()
    latest: dict[int, Observation] = {}
    for observation in Observation.objects.filter(
        body__in={body for bodies in fed.values() for body in bodies},
        observed_on__lte=last,
        women__isnull=False,
    ).order_by("observed_on", "pk"):
        if (
            observation.seats
            and observation_end(observation.observed_on, observation.precision) >= first
        ):
            latest[observation.body_id] = observation  # the later one wins
    results = {}
    for pk, bodies in fed.items():
        counted = [latest[body] for body in bodies if body in latest]
        if not counted:
            continue  # the reported figures stand
        women = Decimal(sum(observation.women or 0 for observation in counted))
        seats = Decimal(sum(observation.seats or 0 for observation in counted))
        results[pk] = Aggregate(
            value=percentage(women, seats), numerator=women, denominator=seats,
            reported=len(counted), expected=len(bodies),
        )  # fmt: skip
    return results
