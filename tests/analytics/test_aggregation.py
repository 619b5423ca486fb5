"""Every aggregation rule against figures worked out by hand: percentages
from unequal denominators, periodic and cumulative indicators across
quarters, answers, breakdown cells, "no data", units that have not
reported, and only validated reports unless asked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from actors.models import Institution, ReportingUnit
from analytics.aggregation import Span, aggregate
from plans.models import Indicator, IndicatorResponsibility, Plan
from reporting.models import IndicatorValue, ReportingPeriod, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(xx: Plan) -> dict[str, Any]:
    units = {
        key: ReportingUnit.objects.create(
            country="XX", institution=Institution.objects.get(country="XX", key=key)
        )
        for key in ("mwa", "ngo")
    }
    cases = Indicator.objects.get(plan=xx, key="A.2.I1")
    network = Institution.objects.get(country="XX", key="ngo")
    IndicatorResponsibility.objects.create(indicator=cases, institution=network)
    return {"plan": xx, "units": units}


def report(world: dict[str, Any], unit: str, year: int, quarter: int, status: Any = "validated",
           **figures: Any) -> Submission:  # fmt: skip
    period, _new = ReportingPeriod.objects.get_or_create(
        plan=world["plan"], kind="quarter", year=year, quarter=quarter,
        defaults={"opens_on": date(year, 3 * quarter, 1), "deadline": date(year, 3 * quarter, 28)},
    )  # fmt: skip
    submission = Submission.objects.create(period=period, unit=world["units"][unit], status=status)
    for key, values in figures.items():
        key, _sep, cell = key.replace("_", ".").partition("~")
        indicator = Indicator.objects.get(plan=world["plan"], key=key)
        IndicatorValue.objects.create(
            submission=submission, indicator=indicator, cell=cell.replace(".", ":"), **values
        )
    return submission


def indicator(world: dict[str, Any], key: str) -> Indicator:
    return Indicator.objects.get(plan=world["plan"], key=key)


def test_percentages_are_recomputed_never_averaged(world: dict[str, Any]) -> None:
    report(world, "mwa", 2021, 1, A_I1={"numerator": D(1), "denominator": D(4)})  # 25 %
    report(world, "ngo", 2021, 1, A_I1={"numerator": D(9), "denominator": D(96)})  # 9.375 %
    result = aggregate(indicator(world, "A.I1"), Span.quarter(2021, 1))
    assert (result.numerator, result.denominator, result.value) == (10, 100, D("10.0000"))
    # not (25 + 9.375) / 2 = 17.19


def test_periodic_counts_sum_over_the_quarters_and_the_units(world: dict[str, Any]) -> None:
    report(world, "mwa", 2021, 1, A_2_I1={"value": D(5)})
    report(world, "mwa", 2021, 2, A_2_I1={"value": D(7)})
    report(world, "mwa", 2021, 3, A_2_I1={"no_data": True})
    report(world, "mwa", 2021, 4, A_2_I1={"value": D(3)})
    report(world, "ngo", 2021, 2, A_2_I1={"value": D(10)})
    cases = indicator(world, "A.2.I1")
    year = aggregate(cases, Span.year(2021))
    assert (year.value, year.reported, year.no_data, year.missing) == (25, 2, 0, 0)
    third = aggregate(cases, Span.quarter(2021, 3))
    assert (third.value, third.reported, third.no_data, third.missing) == (None, 0, 1, 1)


def test_cumulative_indicators_take_the_latest_never_a_sum(world: dict[str, Any]) -> None:
    for quarter, held in ((1, 2), (2, 5), (3, 9)):
        report(world, "mwa", 2021, quarter, C1={"value": D(held)})
    report(world, "mwa", 2021, 4, C1={"no_data": True})  # a later "no data" erases nothing
    report(world, "mwa", 2022, 1, C1={"value": D(11)})
    meetings = indicator(world, "C1")
    assert aggregate(meetings, Span.year(2021)).value == 9  # not 2 + 5 + 9 = 16
    assert aggregate(meetings, Span.quarter(2021, 2)).value == 5
    assert aggregate(meetings, Span.years(2020, 2022)).value == 11  # plan to date


def test_only_validated_reports_count_unless_asked(world: dict[str, Any]) -> None:
    report(world, "mwa", 2021, 1, A_2_I1={"value": D(5)})
    report(world, "ngo", 2021, 1, "submitted", A_2_I1={"value": D(100)})
    report(world, "mwa", 2021, 2, "draft", A_2_I1={"value": D(1000)})
    cases = indicator(world, "A.2.I1")
    assert aggregate(cases, Span.year(2021)).value == 5
    assert aggregate(cases, Span.year(2021), include_submitted=True).value == 105


def test_answers_are_counted_per_answer_from_each_units_latest(world: dict[str, Any]) -> None:
    report(world, "mwa", 2021, 1, A_2_I2={"value": D(0)})
    report(world, "mwa", 2021, 2, A_2_I2={"value": D(1)})
    law = aggregate(indicator(world, "A.2.I2"), Span.year(2021))
    assert (law.answers, law.value, law.reported) == ({1: 1}, None, 1)
    report(world, "ngo", 2021, 1, A_1_I1={"value": D(2)})
    level = aggregate(indicator(world, "A.1.I1"), Span.year(2021))
    assert level.answers == {2: 1}


def test_breakdown_cells_add_up_to_the_total(world: dict[str, Any]) -> None:
    report(world, "mwa", 2021, 1, A_2_I1={"value": D(5)},
           **{"A_2_I1~sex.female": {"value": D(3)}, "A_2_I1~sex.male": {"value": D(2)}})  # fmt: skip
    report(world, "ngo", 2021, 2, A_2_I1={"value": D(4)},
           **{"A_2_I1~sex.female": {"value": D(4)}, "A_2_I1~sex.male": {"value": D(0)}})  # fmt: skip
    cases = indicator(world, "A.2.I1")
    female = aggregate(cases, Span.year(2021), cell="sex:female").value
    male = aggregate(cases, Span.year(2021), cell="sex:male").value
    total = aggregate(cases, Span.year(2021)).value
    assert (female, male, total) == (7, 2, 9)


def test_units_that_have_not_reported_are_missing_not_zero(world: dict[str, Any]) -> None:
    report(world, "mwa", 2021, 2, A_I1={"numerator": D(3), "denominator": D(12)})
    result = aggregate(indicator(world, "A.I1"), Span.quarter(2021, 2))
    assert (result.expected, result.reported, result.missing) == (2, 1, 1)
    assert result.value == D("25.0000")
    nothing = aggregate(indicator(world, "A.I1"), Span.quarter(2021, 3))
    assert (nothing.value, nothing.reported, nothing.missing) == (None, 0, 2)


def test_a_whole_plan_in_a_fixed_number_of_queries(
    world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    from analytics.aggregation import aggregates

    report(world, "mwa", 2021, 1, C1={"value": D(2)}, A_2_I1={"value": D(5)},
           A_I1={"numerator": D(1), "denominator": D(4)}, A_2_I2={"value": D(1)})  # fmt: skip
    indicators = list(Indicator.objects.filter(plan=world["plan"]))
    # Figures, "no data", answers, expected units, the regional plans' links
    # (and the computed indicators' look-ups).
    with django_assert_max_num_queries(6):
        results = aggregates(indicators, Span.year(2021))
    assert {i.key: results[i.pk].value for i in indicators if results[i.pk].reported} == {
        "C1": 2, "A.2.I1": 5, "A.I1": D("25.0000"), "A.2.I2": None
    }  # fmt: skip


def test_breakdowns_by_cell_combine_into_margins_with_percentages_recomputed(
    world: dict[str, Any],
) -> None:
    from analytics.aggregation import BY_CELL, aggregates_by, combined

    # Women's share of trainees, by sex of the trainer and place: two cells
    # per sex, unequal denominators.
    report(world, "mwa", 2021, 1, **{
        "A_I1~sex.female": {"numerator": D(1), "denominator": D(4)},
        "A_I1~sex.male": {"numerator": D(6), "denominator": D(6)},
    })  # fmt: skip
    report(world, "ngo", 2021, 2, **{"A_I1~sex.female": {"numerator": D(9), "denominator": D(16)}})
    share = indicator(world, "A.I1")
    cells = aggregates_by([share], Span.year(2021), BY_CELL)[share.pk]
    assert cells["sex:female"].value == D("50.0000")  # 10 / 20, not (25 + 56.25) / 2
    assert (cells["sex:female"].reported, cells["sex:female"].expected) == (2, 2)
    both = combined([cells["sex:female"], cells["sex:male"]], share.type)
    assert (both.numerator, both.denominator, both.value) == (16, 26, D("61.5385"))


def test_cumulative_breakdown_cells_take_each_units_latest(world: dict[str, Any]) -> None:
    from analytics.aggregation import BY_CELL, aggregates_by

    report(world, "mwa", 2021, 1, **{"C1~sex.female": {"value": D(2)}})
    report(
        world, "mwa", 2021, 2, **{"C1~sex.female": {"value": D(5)}, "C1~sex.male": {"value": D(1)}}
    )
    meetings = indicator(world, "C1")
    cells = aggregates_by([meetings], Span.year(2021), BY_CELL)[meetings.pk]
    assert (cells["sex:female"].value, cells["sex:male"].value) == (5, 1)


def test_figures_by_the_place_of_the_reporting_units(world: dict[str, Any]) -> None:
    from analytics.aggregation import BY_PLACE, aggregates, aggregates_by
    from places.models import Place

    north = Place.objects.create(
        country="XX", code="XX-N", level="region", name_fr="Nord", name_en="North"
    )
    south = Place.objects.create(
        country="XX", code="XX-S", level="region", name_fr="Sud", name_en="South"
    )
    mwa, ngo = world["units"]["mwa"], world["units"]["ngo"]
    mwa.place, ngo.place = north, south
    mwa.save(), ngo.save()
    report(world, "mwa", 2021, 1, A_2_I1={"value": D(5)})
    report(world, "mwa", 2021, 3, A_2_I1={"value": D(2)})
    cases = indicator(world, "A.2.I1")
    places = aggregates_by([cases], Span.year(2021), BY_PLACE)[cases.pk]
    assert (places["XX-N"].value, places["XX-N"].reported) == (7, 1)
    assert (places["XX-S"].value, places["XX-S"].missing) == (None, 1)  # not reported, not 0
    only_south = ReportingUnit.objects.filter(place=south)
    assert aggregates([cases], Span.year(2021), units=only_south)[cases.pk].value is None
    assert aggregates([cases], Span.year(2021), units=only_south)[cases.pk].expected == 1
