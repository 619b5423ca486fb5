"""publishing.figures: one reading of a scope's figures, protected for the
public: the suppression of a sensitive indicator spans its total, its
breakdown and its regions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from actors.models import Institution, ReportingUnit
from places.models import Place
from plans.models import Indicator, Plan
from publishing.figures import Reading, Scope, figures
from reporting.models import IndicatorValue, ReportingPeriod, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(xx: Plan) -> dict[str, Any]:
    regions = {
        code: Place.objects.create(
            country="XX", code=code, level="region", name_fr=code, name_en=code
        )
        for code in ("XX-N", "XX-S", "XX-E")
    }
    period = ReportingPeriod.objects.create(
        plan=xx, kind="quarter", year=2022, quarter=1,
        opens_on=date(2022, 3, 1), deadline=date(2022, 4, 15),
    )  # fmt: skip
    unit = ReportingUnit.objects.create(
        country="XX", institution=Institution.objects.get(country="XX", key="mwa")
    )
    return {"plan": xx, "regions": regions, "period": period, "unit": unit}


def figures_of(world: dict[str, Any], key: str, *, public: bool) -> Any:
    rows = figures(Scope(world["plan"]), Reading(2022, public=public))
    return next(row for row in rows if row.indicator.key == key)


def test_a_sensitive_percentage_hides_small_numerators_across_regions(
    world: dict[str, Any],
) -> None:
    share = Indicator.objects.get(plan=world["plan"], key="A.I1")  # percentage by region
    share.sensitive = True
    share.save()
    report = Submission.objects.create(
        period=world["period"], unit=world["unit"], status="validated"
    )
    for cell, numerator, denominator in (
        ("", 32, 80), ("region:XX-N", 2, 20), ("region:XX-S", 10, 30), ("region:XX-E", 20, 30),
    ):  # fmt: skip
        IndicatorValue.objects.create(submission=report, indicator=share, cell=cell,
                                      numerator=D(numerator), denominator=D(denominator))  # fmt: skip
    private = figures_of(world, "A.I1", public=False)
    assert private.places["XX-N"].value == D("10.0000") and not private.hidden
    public = figures_of(world, "A.I1", public=True)
    assert public.places["XX-N"].hidden and public.places["XX-N"].value is None
    # 2 hidden alone would be 32 - 10 - 20: the smallest other region goes too.
    assert public.places["XX-S"].hidden and not public.places["XX-E"].hidden
    assert public.number == D("40.0000") and not public.hidden  # 32 / 80
    assert public.progress.actual.numerator == 32


def test_a_small_total_hides_its_percent_of_target_and_band(world: dict[str, Any]) -> None:
    cases = Indicator.objects.get(plan=world["plan"], key="A.2.I1")  # sensitive count
    report = Submission.objects.create(
        period=world["period"], unit=world["unit"], status="validated"
    )
    IndicatorValue.objects.create(submission=report, indicator=cases, value=D(4))
    public = figures_of(world, "A.2.I1", public=True)
    assert (public.hidden, public.number, public.percent, public.band) == (
        True,
        None,
        None,
        "suppressed",
    )
    private = figures_of(world, "A.2.I1", public=False)
    assert (private.hidden, private.number) == (False, 4)


def test_other_indicators_are_never_suppressed(world: dict[str, Any]) -> None:
    meetings = Indicator.objects.get(plan=world["plan"], key="C1")
    report = Submission.objects.create(
        period=world["period"], unit=world["unit"], status="validated"
    )
    IndicatorValue.objects.create(submission=report, indicator=meetings, value=D(2))
    assert figures_of(world, "C1", public=True).number == 2


def test_a_region_counts_the_units_of_all_its_places(world: dict[str, Any]) -> None:
    from places.geography import region_of

    north = world["regions"]["XX-N"]
    cercle = Place.objects.create(
        country="XX", code="XX-N1", level="cercle", name_fr="c", name_en="c", parent=north
    )
    commune = Place.objects.create(
        country="XX", code="XX-N1a", level="commune", name_fr="a", name_en="a", parent=cercle
    )
    assert region_of("XX-N1a", {"XX-N1a": "XX-N1", "XX-N1": "XX-N", "XX-N": None}) == "XX-N"
    meetings = Indicator.objects.get(plan=world["plan"], key="C1")
    mwa = world["unit"].institution
    for place, held in ((cercle, 2), (commune, 5)):
        unit = ReportingUnit.objects.create(country="XX", institution=mwa, place=place)
        report = Submission.objects.create(period=world["period"], unit=unit, status="validated")
        IndicatorValue.objects.create(submission=report, indicator=meetings, value=D(held))
    row = figures_of(world, "C1", public=False)
    assert row.places["XX-N"].value == 7
    assert (row.places["XX-N"].aggregate.reported, row.places["XX-N"].aggregate.expected) == (2, 2)
    region = figures(Scope(world["plan"], region=north), Reading(2022))
    assert next(r for r in region if r.indicator.key == "C1").number == 7
