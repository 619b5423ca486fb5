"""Progress against a target, counted from the baseline and aware of the
indicator's direction, and the status band it falls in. Pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from plans.models import Direction

HUNDRED = Decimal(100)


class Band(TextChoices):
    NO_DATA = "no_data", _("No data")
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


def band(percent: Decimal | None, bands: Bands = Bands()) -> Band:
    if percent is None:
        return Band.NO_DATA
    if percent <= 0:
        return Band.NOT_STARTED
    if percent < bands.on_track_from:
        return Band.BEHIND
    if percent <= bands.above_over:
        return Band.ON_TRACK
    return Band.ABOVE
