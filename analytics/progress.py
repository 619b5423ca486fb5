"""Progress against a target, counted from the baseline and aware of the
indicator's direction, and the status band it falls in. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from plans.models import Direction, IndicatorType, in_plan_order

HUNDRED = Decimal(100)


class Band(TextChoices):
    NO_DATA = "no_data", _("No data")
    NO_TARGET = "no_target", _("No target")
    NOT_STARTED = "not_started", _("Not started")
    BEHIND = "behind", _("Behind")
    ON_TRACK = "on_track", _("On track")
    ABOVE = "above", _("Above target")


@dataclass(frozen=True)
class Bands:
    """Where "behind" ends and "above" begins, in % of the target reached."""

    on_track_from: Decimal = Decimal(85)
    above_over: Decimal = Decimal(115)


def reached(
    actual: Decimal | None,
    target: Decimal | None,
    baseline: Decimal | None,
    direction: str = Direction.INCREASE,
) -> Decimal | None:
    """The share of the way from the baseline to the target covered by the
    actual value, in %: 0 at the baseline, 100 at the target, whichever way
    the target lies. Without a baseline an increase counts from 0; a
    decrease cannot be measured. A target equal to the baseline ("maintain")
    is 100 % when the actual holds the line, else how far it fell short."""
    if actual is None or target is None:
        return None
    if baseline is None:
        if direction == Direction.DECREASE:
            return None
        baseline = Decimal(0)
    distance = target - baseline
    if distance == 0:
        worse = actual > target if direction == Direction.DECREASE else actual < target
        if not worse:
            return HUNDRED
        if direction == Direction.DECREASE:
            return (target / actual * HUNDRED).quantize(Decimal("0.1")) if actual else None
        return (actual / target * HUNDRED).quantize(Decimal("0.1")) if target else None
    return ((actual - baseline) / distance * HUNDRED).quantize(Decimal("0.1"))


def band(
    percent: Decimal | None,
    bands: Bands = Bands(),
    *,
    target: Decimal | None = Decimal(0),
    measured: bool = False,
) -> Band:
    """The status band of a % of target reached. Without a target for the
    year, a measured indicator is "no target", not "no data"."""
    if target is None and measured:
        return Band.NO_TARGET
    if percent is None:
        return Band.NO_DATA
    if percent <= 0:
        return Band.NOT_STARTED
    if percent < bands.on_track_from:
        return Band.BEHIND
    if percent <= bands.above_over:
        return Band.ON_TRACK
    return Band.ABOVE


@dataclass
class IndicatorProgress:
    indicator: Any
    target: Decimal | None
    actual: Any  # analytics.aggregation.Aggregate
    number: Decimal | None  # the figure compared with the target
    percent: Decimal | None
    band: Band


def compared_number(indicator: Any, actual: Any) -> Decimal | None:
    """The number set against the target: the aggregate's value, or for a
    yes/no or ordinal indicator the answer when a single unit gave one
    (several units' answers are shown as counts, not turned into a number)."""
    if indicator.type in (IndicatorType.YES_NO, IndicatorType.ORDINAL):
        if sum(actual.answers.values()) == 1:
            return Decimal(next(iter(actual.answers)))
        return None
    return actual.value


def measured(number: Decimal | None, actual: Any) -> bool:
    return number is not None or bool(actual.answers)


def progress_table(
    plan: Any, year: int, *, include_submitted: bool = False, bands: Bands = Bands()
) -> list[IndicatorProgress]:
    """Every indicator of a plan for a year: target, actual, % reached and band."""
    from analytics.aggregation import Span

    indicators = list(
        plan.indicators.select_related("element", "anchor")
        .prefetch_related("targets")
        .order_by(*in_plan_order())
    )
    return progress_rows(
        indicators, Span.year(year), year, include_submitted=include_submitted, bands=bands
    )


def progress_rows(
    indicators: list[Any],
    span: Any,
    year: int,
    *,
    units: Any = None,
    include_submitted: bool = False,
    bands: Bands = Bands(),
) -> list[IndicatorProgress]:
    """The indicators' actual over `span` (by `units`, or all) against the
    target of `year`. Indicators come with their targets prefetched."""
    from analytics.aggregation import aggregates

    actuals = aggregates(indicators, span, include_submitted=include_submitted, units=units)
    rows = []
    for indicator in indicators:
        targets = {t.year: t.value for t in indicator.targets.all()}
        target = targets.get(year)
        actual = actuals[indicator.pk]
        number = compared_number(indicator, actual)
        percent = reached(number, target, indicator.baseline_value, indicator.direction)
        rows.append(
            IndicatorProgress(
                indicator,
                target,
                actual,
                number,
                percent,
                band(percent, bands, target=target, measured=measured(number, actual)),
            )
        )
    return rows


def bands_by_root(rows: list[IndicatorProgress]) -> dict[Any, dict[str, int]]:
    """Per top-level element (a priority), how many indicators in each band:
    counts, never an average of percentages. Anchor indicators under None."""
    counts: dict[Any, dict[str, int]] = {}
    for row in rows:
        element = row.indicator.element
        root = element.sort_path.split(".")[0] if element else None
        counts.setdefault(root, {b.value: 0 for b in Band})[row.band] += 1
    return counts
