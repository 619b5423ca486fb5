"""A small plan (tests/fixtures/small-plan.yaml) with funding sources and an
operational plan whose money is computed by hand in the tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import yaml

from actors.models import Institution
from operations.actions import (
    ActivityInput,
    BudgetLineInput,
    create_operational_plan,
    record_funding,
    save_activity,
)
from operations.models import FundingSource, OperationalPlan
from plans.loading import load_plan
from plans.models import FrameworkElement, Plan
from plans.planfile import read_plan_text


@pytest.fixture
def xx(db: Any, small_plan: dict) -> Plan:
    return load_plan(read_plan_text(yaml.safe_dump(small_plan))).plan


@pytest.fixture
def sources(xx: Plan) -> dict[str, FundingSource]:
    mwa = Institution.objects.get(country="XX", key="mwa")
    ngo = Institution.objects.get(country="XX", key="ngo")
    return {
        "nb": FundingSource.objects.create(
            plan=xx, key="nb", kind="national_budget", name_fr="Budget national",
            name_en="National budget", institution=mwa,
        ),
        "mf": FundingSource.objects.create(
            plan=xx, key="mf", kind="mutual_fund", name_fr="Fonds commun", name_en="Mutual fund",
        ),
        "p1": FundingSource.objects.create(
            plan=xx, key="p1", kind="partner", name_fr="Réseau", name_en="Network", institution=ngo,
        ),
    }  # fmt: skip


def activity(code: str, elements: list[str], lines: list[tuple], **extra: Any) -> ActivityInput:
    return ActivityInput(
        code=code,
        title_fr=f"Activité {code}",
        title_en=f"Activity {code}",
        lead=Institution.objects.get(country="XX", key="mwa"),
        monitor=Institution.objects.get(country="XX", key="ngo"),
        elements=list(FrameworkElement.objects.filter(key__in=elements)),
        budget_lines=[
            BudgetLineInput(year=y, source=s, unit_cost=c, quantity=Decimal(q))
            for y, s, c, q in lines
        ],
        **extra,
    )


@pytest.fixture
def costed(xx: Plan, sources: dict[str, FundingSource], alice: Any) -> OperationalPlan:
    """Three activities; the expected figures are worked out in test_rollups."""
    nb, mf, p1 = sources["nb"], sources["mf"], sources["p1"]
    version = create_operational_plan(xx, year=2020, by=alice)
    act1 = save_activity(
        version,
        activity("ACT1", ["A.1"], [(2020, nb, 1_000_000, "2"), (2021, p1, 500_000, "3")],
                 quarters=[(2020, 1), (2020, 2)]),
        by=alice,
    )  # fmt: skip
    act2 = save_activity(
        version,
        activity("ACT2", ["A.1", "A.2"], [(2020, mf, 250_000, "4"), (2020, nb, 333_333, "1.5")]),
        by=alice,
    )
    act3 = save_activity(version, activity("ACT3", ["B"], [(2021, p1, 2_000_000, "1")]), by=alice)
    on = date(2020, 3, 1)
    record_funding(
        act1.activity, year=2020, source=nb, stage="pledged", amount=2_000_000, on=on, by=alice
    )
    record_funding(
        act1.activity, year=2020, source=nb, stage="disbursed", amount=1_500_000, on=on, by=alice
    )
    record_funding(
        act1.activity, year=2020, source=nb, stage="spent", amount=1_200_000, on=on, by=alice
    )
    record_funding(
        act3.activity, year=2021, source=p1, stage="pledged", amount=1_000_000, on=on, by=alice
    )
    record_funding(
        act2.activity, year=2020, source=mf, stage="pledged", amount=600_000, on=on, by=alice
    )
    record_funding(
        act2.activity, year=2020, source=mf, stage="pledged", amount=400_000, on=on, by=alice
    )
    return version
