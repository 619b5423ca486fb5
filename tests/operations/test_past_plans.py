"""Mali's earlier plans: completion computed from the counts, published
rates checked against it, and the plans side by side."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from operations.models import OperationalPlan, ReportedCompletion
from operations.rollups import ReportedRate, plan_summary
from plans.models import Plan
from tests.conftest import ROOT

PLANS = ROOT / "nap1325" / "data" / "plans"


@pytest.mark.parametrize(
    ("planned", "completed", "published", "computed", "flag"),
    [
        (14, 9, "64", "64.3", None),
        (24, 14, "58", "58.3", None),
        (15, 4, "27", "26.7", None),
        (9, 6, "67", "66.7", None),
        (13, 4, "30", "30.8", "-0.8"),  # published 30%: more than half a point off
        (13, 4, None, "30.8", None),
        (0, 0, "0", None, None),
    ],
)
def test_published_rates_against_computed(
    planned: int, completed: int, published: str | None, computed: str | None, flag: str | None
) -> None:
    rate = ReportedRate(planned, completed, Decimal(published) if published else None)
    assert rate.computed == (Decimal(computed) if computed else None)
    assert rate.discrepancy == (Decimal(flag) if flag else None)


@pytest.fixture
def past_plans(mali: Plan) -> tuple[Plan, Plan]:
    call_command("loadplaces", verbosity=0)
    for name in ("mali-2012-2014.yaml", "mali-2015-2017.yaml"):
        call_command("loadplan", str(PLANS / name), verbosity=0)
    return Plan.objects.get(key="ml-2012-2014"), Plan.objects.get(key="ml-2015-2017")


@pytest.mark.django_db
def test_the_2015_2017_completion(past_plans: tuple[Plan, Plan]) -> None:
    _first, second = past_plans
    rows = {
        r.element.code: (r.planned, r.completed, r.published_rate)
        for r in ReportedCompletion.objects.filter(element__plan=second)
    }
    assert rows == {
        "1": (14, 9, 64), "2": (24, 14, 58), "3": (15, 4, 27), "4": (9, 6, 67), "5": (13, 4, 30)
    }  # fmt: skip
    summary = plan_summary(second)
    assert summary.completion is not None
    assert (summary.completion.planned, summary.completion.completed) == (75, 37)
    assert summary.completion.computed == Decimal(
        "49.3"
    )  # "around 50%" in the situational analysis
    named = OperationalPlan.objects.get(plan=second, number=1).activities
    assert named.filter(status="completed").count() == named.count() > 0
    assert named.filter(unplanned=True).exists()


@pytest.mark.django_db
def test_the_2012_plan_is_partial_with_its_published_total(past_plans: tuple[Plan, Plan]) -> None:
    first, _second = past_plans
    assert first.status == "closed"
    assert [e.code for e in first.elements.filter(parent=None).order_by("sort_path")] == [
        "1", "2", "3", "4", "5"
    ]  # fmt: skip
    version = OperationalPlan.objects.get(plan=first, number=1)
    assert version.partial and version.frozen
    assert version.declared_total == 1_276_000_000
    assert version.activities.count() == 4
    summary = plan_summary(first)
    assert (summary.budget, summary.budget_is_declared, summary.activities) == (
        1_276_000_000, True, None
    )  # fmt: skip


@pytest.mark.django_db
def test_loading_the_past_plans_again_changes_nothing(past_plans: tuple[Plan, Plan]) -> None:
    import io

    for name in ("mali-2012-2014.yaml", "mali-2015-2017.yaml", "mali-2019-2023.yaml"):
        out = io.StringIO()
        call_command("loadplan", str(PLANS / name), stdout=out, language="en")
        assert "(no change)" in out.getvalue(), name


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_side_by_side_page(client: Client, past_plans: tuple[Plan, Plan], language: str) -> None:
    html = client.get(f"/{language}/side-by-side/").content.decode()
    assert html.index("2012–2014") < html.index("2015–2017") < html.index("2019–2023")
    assert ("1\xa0276\xa0000\xa0000" if language == "fr" else "1,276,000,000") in html
    assert ("-0,8 pt" if language == "fr" else "-0.8 pt") in html
    assert html.count('class="tag warn"') == 2  # partial: the 2012 and 2015 plans
    assert html.count('class="flag"') == 1  # the one published rate that disagrees
    assert Path(PLANS / "mali-2015-2017.yaml").exists()
