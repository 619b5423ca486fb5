"""Progress against targets, counted from the baseline, in both directions."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from analytics.progress import Band, Bands, band, reached


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "direction", "percent", "expected_band"),
    [
        (10, 30, 20, "increase", "50.0", Band.BEHIND),
        (10, 30, 27, "increase", "85.0", Band.ON_TRACK),  # the edge of "on track"
        (10, 30, 30, "increase", "100.0", Band.ON_TRACK),
        (10, 30, 33, "increase", "115.0", Band.ON_TRACK),
        (10, 30, 40, "increase", "150.0", Band.ABOVE),
        (10, 30, 10, "increase", "0.0", Band.NOT_STARTED),
        (10, 30, 5, "increase", "-25.0", Band.NOT_STARTED),
        (140, 0, 70, "decrease", "50.0", Band.BEHIND),  # cases reported, halved
        (140, 0, 0, "decrease", "100.0", Band.ON_TRACK),
        (140, 0, 150, "decrease", "-7.1", Band.NOT_STARTED),
        (None, 4, 3, "increase", "75.0", Band.BEHIND),  # no baseline: from 0
        (None, 0, 3, "decrease", None, Band.NO_DATA),  # cannot be measured
        (5, 5, 5, "maintain", "100", Band.ON_TRACK),
        (5, 5, 4, "maintain", "80.0", Band.BEHIND),
        (5, 5, 6, "decrease", "83.3", Band.BEHIND),
        (10, 30, None, "increase", None, Band.NO_DATA),
    ],
)  # fmt: skip
def test_reached(baseline: int | None, target: int, actual: int | None, direction: str,
                 percent: str | None, expected_band: Band) -> None:  # fmt: skip
    def dec(n: int | None) -> D | None:
        return None if n is None else D(n)

    result = reached(dec(actual), dec(target), dec(baseline), direction)
    assert result == (None if percent is None else D(percent))
    assert band(result) == expected_band


def test_bands_are_configurable() -> None:
    strict = Bands(on_track_from=D(95), above_over=D(105))
    assert band(D(90), strict) == Band.BEHIND and band(D(110), strict) == Band.ABOVE


def test_a_measured_indicator_without_a_target_is_no_target_not_no_data() -> None:
    assert band(None, target=None, measured=True) == Band.NO_TARGET
    assert band(None, target=None, measured=False) == Band.NO_DATA
    assert band(None, target=D(10), measured=False) == Band.NO_DATA
