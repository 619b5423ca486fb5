"""Money roll-ups against a table computed by hand.

ACT1 → output A.1: 2020 national budget 1,000,000 × 2 = 2,000,000;
                   2021 partner       500,000 × 3   = 1,500,000
ACT2 → A.1 and A.2: 2020 mutual fund 250,000 × 4   = 1,000,000;
                    2020 national budget 333,333 × 1.5 = 499,999.5 → 500,000
ACT3 → pillar B:   2021 partner 2,000,000 × 1       = 2,000,000
Pledged: ACT1 2,000,000 (nb 2020), ACT2 600,000 + 400,000 (mf 2020),
ACT3 1,000,000 (p1 2021). ACT1 disbursed 1,500,000 and spent 1,200,000.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from operations.actions import compute_amount
from operations.models import ExchangeRate, FundingSource, OperationalPlan
from operations.rollups import (
    Money,
    completion_by_element,
    convert,
    money_cells,
    plan_total,
    rate_on,
    stakeholder_shares,
    totals,
    totals_by_element,
)
from operations.schedule import is_late, parse_quarter, quarter_end
from plans.models import FrameworkElement

pytestmark = pytest.mark.django_db


def test_plan_totals(costed: OperationalPlan) -> None:
    total = plan_total(money_cells(costed))
    assert total == Money(
        planned=7_000_000, pledged=4_000_000, disbursed=1_500_000, spent=1_200_000
    )
    assert total.gap == 3_000_000


def test_totals_by_year_and_source(
    costed: OperationalPlan, sources: dict[str, FundingSource]
) -> None:
    cells = money_cells(costed)
    by_year = totals(cells, lambda c: c.year)
    assert by_year[2020] == Money(3_500_000, 3_000_000, 1_500_000, 1_200_000)
    assert by_year[2021] == Money(3_500_000, 1_000_000, 0, 0)
    by_source = {key: totals(cells, lambda c: c.source_id)[s.pk] for key, s in sources.items()}
    assert by_source["nb"] == Money(2_500_000, 2_000_000, 1_500_000, 1_200_000)
    assert by_source["mf"] == Money(1_000_000, 1_000_000, 0, 0)
    assert by_source["p1"] == Money(3_500_000, 1_000_000, 0, 0)


def test_an_activity_counts_once_under_each_ancestor(costed: OperationalPlan) -> None:
    by_element = totals_by_element(costed, money_cells(costed))
    planned = {
        e.key: by_element[e.pk].planned for e in FrameworkElement.objects.filter(plan=costed.plan)
    }
    assert planned == {
        "A.1": 5_000_000,  # ACT1 3,500,000 + ACT2 1,500,000
        "A.2": 1_500_000,  # ACT2 only
        "A": 5_000_000,  # ACT1 + ACT2 once, not 6,500,000
        "B": 2_000_000,
    }


def test_stakeholder_shares(costed: OperationalPlan) -> None:
    with translation.override("en"):
        computed = stakeholder_shares(costed, money_cells(costed))
    shares = {s.label: (s.planned_share, s.pledged_share) for s in computed}
    assert shares == {
        "Women's Network": (Decimal("50.0"), Decimal("25.0")),  # 3.5M of 7M; 1M of 4M
        "Ministry of Women (MWA)": (Decimal("35.7"), Decimal("50.0")),  # 2.5M; 2M
        "Mutual fund": (Decimal("14.3"), Decimal("25.0")),  # 1M; 1M
    }


def test_a_later_version_does_not_lose_the_money_already_moved(
    costed: OperationalPlan, alice
) -> None:
    from operations.actions import adopt, create_operational_plan

    adopt(costed, by=alice)
    second = create_operational_plan(costed.plan, year=2021, by=alice)
    assert plan_total(money_cells(second)) == plan_total(money_cells(costed))


@pytest.mark.parametrize(
    ("unit_cost", "quantity", "amount"),
    [
        (1_000_000, "2", 2_000_000),
        (333_333, "1.5", 500_000),
        (1, "0.5", 1),
        (1, "0.49", 0),
        (0, "7", 0),
    ],
)
def test_amounts_are_exact(unit_cost: int, quantity: str, amount: int) -> None:
    assert compute_amount(unit_cost, Decimal(quantity)) == amount


def test_other_currencies_at_a_dated_rate(db) -> None:
    ExchangeRate.objects.create(
        currency="EUR", xof_per_unit=Decimal("655.957"), valid_from=date(2019, 1, 1)
    )
    ExchangeRate.objects.create(
        currency="USD", xof_per_unit=Decimal("580"), valid_from=date(2020, 1, 1)
    )
    ExchangeRate.objects.create(
        currency="USD", xof_per_unit=Decimal("600"), valid_from=date(2021, 1, 1)
    )
    assert convert(1_276_000_000, rate_on("EUR", date(2022, 5, 1))) == Decimal(
        "1945249.46"
    )  # about 2.2 million dollars, as the summary says
    assert rate_on("USD", date(2020, 6, 30)) == Decimal("580")
    assert rate_on("USD", date(2021, 1, 1)) == Decimal("600")
    assert rate_on("USD", date(2019, 6, 30)) is None
    assert convert(100, None) is None


def test_completion_counts(costed: OperationalPlan, alice) -> None:
    from operations.actions import record_progress

    act1 = costed.activities.get(code="ACT1")
    record_progress(act1, status="completed", progress=100, by=alice)
    record_progress(costed.activities.get(code="ACT3"), status="cancelled", progress=0, by=alice)
    completion = completion_by_element(costed)
    by_key = {e.key: completion[e.pk] for e in FrameworkElement.objects.filter(plan=costed.plan)}
    assert (by_key["A"].planned, by_key["A"].completed, by_key["A"].rate) == (2, 1, Decimal("50.0"))
    assert (by_key["B"].planned, by_key["B"].rate) == (0, None)  # cancelled: not counted


@pytest.mark.parametrize(
    ("quarters", "status", "today", "late"),
    [
        ([(2020, 1), (2020, 2)], "ongoing", date(2020, 6, 30), False),  # last quarter not over
        ([(2020, 1), (2020, 2)], "ongoing", date(2020, 7, 1), True),
        ([(2020, 1), (2020, 2)], "completed", date(2021, 1, 1), False),
        ([(2020, 1), (2020, 2)], "cancelled", date(2021, 1, 1), False),
        ([(2020, 1), (2020, 2)], "planned", date(2020, 4, 1), True),  # should have started
        ([(2020, 1), (2020, 2)], "ongoing", date(2020, 4, 1), False),
        ([], "planned", date(2030, 1, 1), False),
    ],
)
def test_late_activities(quarters, status: str, today: date, late: bool) -> None:
    assert is_late(quarters, status, today) is late


def test_quarters() -> None:
    assert [quarter_end(2021, q) for q in (1, 2, 3, 4)] == [
        date(2021, 3, 31), date(2021, 6, 30), date(2021, 9, 30), date(2021, 12, 31)
    ]  # fmt: skip
    assert parse_quarter("2021-Q3") == (2021, 3)
    assert parse_quarter("2021 T2") == (2021, 2)
    assert parse_quarter("2021-Q5") is None
    assert parse_quarter("Q3") is None
