"""Activity completion and budget execution of a year against a small
operational plan worked out by hand.

Version 1, for 2021, adopted (pillar A holds outcomes A.1 and A.2):

| activity | elements | scheduled | 2021 budget line | version status |
|---|---|---|---|---|
| E1 | A.1, B | 2021 Q1, Q2 | national budget 1,000,000 (and 500,000 in 2022) | planned |
| E2 | A.1, A.2 | 2021 Q3 | mutual fund 400,000 × 2 = 800,000 | planned |
| E3 | B | 2021 Q4 | partner 300,000 | cancelled |
| E4 | A.2 | 2022 Q1 | partner 200,000 | planned |
| E5 | B | 2021 Q2 | national budget 150,000 × 1.5 = 225,000 | planned |
| E6 | — | 2021 Q1 | own funds of the ministry 100,000 | planned |
| E7 | A.1 | 2021 Q2 | — | planned, unplanned |

Money recorded for 2021: E1 pledged 1,200,000, disbursed 900,000, spent
600,000; E2 pledged and disbursed 500,000; E3 pledged 100,000 (and E1
pledged 500,000 for 2022).

The ministry's reports (activity statuses; spending on the 2021 lines):

| quarter | report | statuses | spending |
|---|---|---|---|
| 2020 Q4 | validated | E5 completed | — |
| 2021 Q1 | validated | E1 ongoing, E2 not started | E1 250,000; E2 no data; E5 no data; E6 cleared |
| 2021 Q2 | validated | E1 completed, E2 blank, E6 delayed | E1 350,000; E2 100,000; E3 0; E5 no data |
| 2021 Q3 | submitted | E2 completed, E5 delayed | E1 400,000; E4 no data |
| 2021 Q4 | draft | E5 completed | E1 999,999 |
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from actors.models import Institution, ReportingUnit
from analytics.execution import (
    ActivityCompletion,
    Execution,
    activity_completion,
    budget_execution,
)
from operations.actions import adopt, create_operational_plan, record_funding, save_activity
from operations.models import BudgetLine, FundingSource, OperationalPlan
from plans.models import Plan
from reporting.models import ActivityReport, ReportingPeriod, Spending, Submission
from tests.operations.conftest import activity

pytestmark = pytest.mark.django_db

NO_DATA = "no data"


def build(plan: Plan, sources: dict[str, FundingSource], alice: Any, extra: int = 0) -> OperationalPlan:  # fmt: skip
    nb, mf, p1 = sources["nb"], sources["mf"], sources["p1"]
    own = FundingSource.objects.create(
        plan=plan, key="own", kind="partner", name_fr="Fonds propres", name_en="Own funds",
        institution=Institution.objects.get(country="XX", key="mwa"),
    )  # fmt: skip
    version = create_operational_plan(plan, year=2021, by=alice)

    def add(code: str, elements: list[str], lines: list[tuple], quarters: list[tuple[int, int]],
            **extra: Any) -> Any:  # fmt: skip
        data = activity(code, elements, lines, quarters=quarters, **extra)
        return save_activity(version, data, by=alice).activity

    e1 = add("E1", ["A.1", "B"], [(2021, nb, 1_000_000, "1"), (2022, nb, 500_000, "1")], [(2021, 1), (2021, 2)])  # fmt: skip
    e2 = add("E2", ["A.1", "A.2"], [(2021, mf, 400_000, "2")], [(2021, 3)])
    e3 = add("E3", ["B"], [(2021, p1, 300_000, "1")], [(2021, 4)], status="cancelled")
    add("E4", ["A.2"], [(2021, p1, 200_000, "1")], [(2022, 1)])
    add("E5", ["B"], [(2021, nb, 150_000, "1.5")], [(2021, 2)])
    add("E6", [], [(2021, own, 100_000, "1")], [(2021, 1)])
    add("E7", ["A.1"], [], [(2021, 2)], unplanned=True)
    for number in range(extra):
        add(f"X{number}", ["A.1", "B"], [(2021, nb, 1_000, "1"), (2021, p1, 1_000, "1")], [(2021, 3)])  # fmt: skip
    adopt(version, by=alice)

    on = date(2021, 2, 1)
    for item, year, source, stage, amount in [
        (e1, 2021, nb, "pledged", 1_200_000),
        (e1, 2021, nb, "disbursed", 900_000),
        (e1, 2021, nb, "spent", 600_000),
        (e1, 2022, nb, "pledged", 500_000),
        (e2, 2021, mf, "pledged", 500_000),
        (e2, 2021, mf, "disbursed", 500_000),
        (e3, 2021, p1, "pledged", 100_000),
    ]:
        record_funding(item, year=year, source=source, stage=stage, amount=amount, on=on, by=alice)

    report(version, 2020, 4, "validated", {"E5": "completed"})
    report(version, 2021, 1, "validated", {"E1": "ongoing", "E2": "not_started"},
           {"E1": 250_000, "E2": NO_DATA, "E5": NO_DATA, "E6": None})  # fmt: skip
    report(version, 2021, 2, "validated", {"E1": "completed", "E2": "", "E6": "delayed"},
           {"E1": 350_000, "E2": 100_000, "E3": 0, "E5": NO_DATA})  # fmt: skip
    report(version, 2021, 3, "submitted", {"E2": "completed", "E5": "delayed"},
           {"E1": 400_000, "E4": NO_DATA})  # fmt: skip
    report(version, 2021, 4, "draft", {"E5": "completed"}, {"E1": 999_999})
    if extra:
        report(version, 2021, 2, "validated",
               {f"X{n}": "completed" for n in range(extra)},
               {f"X{n}": 500 for n in range(extra)})  # fmt: skip
    return version


def report(version: OperationalPlan, year: int, quarter: int, status: str,
           statuses: dict[str, str], spending: dict[str, Any] | None = None) -> Submission:  # fmt: skip
    """The ministry's report of a quarter; spending is on each activity's first line of the year."""
    period, _new = ReportingPeriod.objects.get_or_create(
        plan=version.plan, kind="quarter", year=year, quarter=quarter,
        defaults={"opens_on": date(year, 3 * quarter, 1), "deadline": date(year, 3 * quarter, 28)},
    )  # fmt: skip
    unit, _new = ReportingUnit.objects.get_or_create(
        country="XX", institution=Institution.objects.get(country="XX", key="mwa")
    )
    submission, _new = Submission.objects.get_or_create(
        period=period, unit=unit, defaults={"status": status}
    )
    versions = {v.code: v for v in version.activities.all()}
    for code, reported in statuses.items():
        ActivityReport.objects.create(
            submission=submission, activity=versions[code].activity, status=reported
        )
    for code, amount in (spending or {}).items():
        line = BudgetLine.objects.filter(activity_version=versions[code], year=year)[0]
        Spending.objects.create(
            submission=submission,
            budget_line=line,
            amount=None if amount == NO_DATA else amount,
            no_data=amount == NO_DATA,
        )
    return submission


@pytest.fixture
def world(xx: Plan, sources: dict[str, FundingSource], alice: Any) -> OperationalPlan:
    return build(xx, sources, alice)


def counts(completion: ActivityCompletion) -> tuple[int, ...]:
    """planned, completed, ongoing, delayed, not started, not reported, cancelled"""
    c = completion
    return (c.planned, c.completed, c.ongoing, c.delayed, c.not_started, c.not_reported, c.cancelled)  # fmt: skip


def by_key(rows: list[tuple[Any, Any]]) -> dict[str, Any]:
    return {thing.key: value for thing, value in rows}


# --- completion -------------------------------------------------------------


def test_completion_per_priority_and_in_total(world: OperationalPlan) -> None:
    result = activity_completion(world.plan, 2021)
    assert result.version == world
    # E1 completed (Q2 after Q1's ongoing), E2 not started (Q2 left it blank),
    # E5 not reported (its 2020 and draft reports do not count), E6 delayed;
    # E3 cancelled; E4 not scheduled in 2021; E7 unplanned.
    assert counts(result.total) == (4, 1, 0, 1, 1, 1, 1)
    assert result.total.rate == D("25.0")
    priorities = by_key(result.by_priority)
    assert list(priorities) == ["A", "B"]
    # E1 counts under A and B, once in the total; E2 once under A although
    # linked to A.1 and A.2; E6 (no element) in the total only.
    assert counts(priorities["A"]) == (2, 1, 0, 0, 1, 0, 0)
    assert counts(priorities["B"]) == (2, 1, 0, 0, 0, 1, 1)
    assert (priorities["A"].rate, priorities["B"].rate) == (D("50.0"), D("50.0"))


def test_submitted_reports_count_only_when_asked(world: OperationalPlan) -> None:
    result = activity_completion(world.plan, 2021, include_submitted=True)
    # Q3 (submitted): E2 completed, E5 delayed; Q4 is still a draft.
    assert counts(result.total) == (4, 2, 0, 2, 0, 0, 1)
    assert result.total.rate == D("50.0")
    priorities = by_key(result.by_priority)
    assert (priorities["A"].rate, priorities["B"].rate) == (D("100.0"), D("50.0"))


def test_the_latest_quarter_wins_even_going_back(world: OperationalPlan) -> None:
    report(world, 2021, 3, "submitted", {"E1": "ongoing"})  # added to the submitted Q3 report
    Submission.objects.filter(period__year=2021, period__quarter=3).update(status="validated")
    result = activity_completion(world.plan, 2021)
    # Q3 now counts: E1 ongoing after Q2's completed, E2 completed, E5 delayed.
    assert counts(result.total) == (4, 1, 1, 2, 0, 0, 1)
    assert by_key(result.by_priority)["B"].rate == D("0.0")


def test_a_reported_cancellation_takes_the_activity_out(world: OperationalPlan) -> None:
    report(world, 2021, 3, "validated", {"E6": "cancelled"})
    Submission.objects.filter(period__year=2021, period__quarter=3).update(status="validated")
    total = activity_completion(world.plan, 2021).total
    # E6 cancelled; E2 completed and E5 delayed by the Q3 report now validated.
    assert counts(total) == (3, 2, 0, 1, 0, 0, 2)
    assert total.rate == D("66.7")


def test_a_year_with_nothing_scheduled_has_no_rate(world: OperationalPlan) -> None:
    result = activity_completion(world.plan, 2023)
    assert result.total == ActivityCompletion()
    assert result.total.rate is None
    assert all(c.rate is None for _e, c in result.by_priority)


# --- budget -----------------------------------------------------------------


def test_budget_execution_in_total(world: OperationalPlan) -> None:
    result = budget_execution(world.plan, 2021)
    assert result.version == world
    total = result.total
    assert total == Execution(
        planned=2_625_000, pledged=1_800_000, disbursed=1_400_000, spent=600_000,
        reported_spent=700_000, reported_lines=3, no_data_lines=1,
    )  # fmt: skip
    assert total.gap == 825_000
    assert total.execution_rate == D("22.9")  # 600,000 / 2,625,000 = 22.86 %
    assert total.disbursement_rate == D("77.8")  # 1,400,000 / 1,800,000
    assert total.reported_execution_rate == D("26.7")  # 700,000 / 2,625,000


def test_budget_per_priority_counts_an_activity_once_under_each(world: OperationalPlan) -> None:
    priorities = by_key(budget_execution(world.plan, 2021).by_priority)
    # A: E1 + E2 (once, though linked to A.1 and A.2) + E4.
    assert priorities["A"] == Execution(
        planned=2_000_000, pledged=1_700_000, disbursed=1_400_000, spent=600_000,
        reported_spent=700_000, reported_lines=2, no_data_lines=0,
    )  # fmt: skip
    # B: E1 again + E3 (cancelled, but money moved) + E5.
    assert priorities["B"] == Execution(
        planned=1_525_000, pledged=1_300_000, disbursed=900_000, spent=600_000,
        reported_spent=600_000, reported_lines=2, no_data_lines=1,
    )  # fmt: skip
    assert (priorities["A"].gap, priorities["B"].gap) == (300_000, 225_000)


def test_budget_per_source_and_stakeholder(world: OperationalPlan) -> None:
    result = budget_execution(world.plan, 2021)
    sources = by_key(result.by_source)
    assert list(sources) == ["mf", "nb", "own", "p1"]  # the plan's order of sources
    mf, nb, own, p1 = sources.values()
    assert nb == Execution(1_225_000, 1_200_000, 900_000, 600_000, 600_000, 1, 1)
    assert (nb.gap, nb.execution_rate, nb.disbursement_rate) == (25_000, D("49.0"), D("75.0"))
    assert mf == Execution(800_000, 500_000, 500_000, 0, 100_000, 1, 0)
    assert (mf.execution_rate, mf.disbursement_rate) == (D("0.0"), D("100.0"))
    # E3 reported a real 0: it is a figure, not "no data".
    assert p1 == Execution(500_000, 100_000, 0, 0, 0, 1, 0)
    assert (p1.reported_spent, p1.reported_execution_rate) == (0, D("0.0"))
    # Nothing pledged: no disbursement rate; the cleared E6 line says nothing.
    assert own == Execution(100_000, 0, 0, 0, None, 0, 0)
    assert (own.disbursement_rate, own.reported_execution_rate) == (None, None)
    stakeholders = [(s.key, s.label, e.planned, e.pledged) for s, e in result.by_stakeholder]
    assert stakeholders == [
        ("institution:mwa", "Ministry of Women (MWA)", 1_325_000, 1_200_000),  # nb + own
        ("source:mf", "Mutual fund", 800_000, 500_000),
        ("institution:ngo", "Women's Network", 500_000, 100_000),
    ]


def test_reported_spending_of_submitted_reports_only_when_asked(world: OperationalPlan) -> None:
    total = budget_execution(world.plan, 2021, include_submitted=True).total
    # Q3 adds E1's 400,000 and E4's "no data"; Q4 (draft) nothing.
    assert (total.reported_spent, total.reported_lines, total.no_data_lines) == (1_100_000, 3, 2)
    assert (total.planned, total.spent) == (2_625_000, 600_000)  # the records do not change


def test_a_year_without_budget_gives_no_rates(world: OperationalPlan) -> None:
    result = budget_execution(world.plan, 2023)
    assert result.total == Execution()
    assert (result.total.execution_rate, result.total.disbursement_rate) == (None, None)
    assert result.total.reported_execution_rate is None
    assert all(e == Execution() for _p, e in result.by_priority + result.by_source)


def test_each_year_reads_the_version_in_force(world: OperationalPlan, alice: Any,
                                               sources: dict[str, FundingSource]) -> None:  # fmt: skip
    second = create_operational_plan(world.plan, year=2022, by=alice)
    e1 = second.activities.get(code="E1")
    nb = sources["nb"]
    save_activity(
        second,
        activity("E1", ["A.1", "B"], [(2021, nb, 5, "1"), (2022, nb, 700_000, "1")],
                 quarters=[(2021, 1), (2021, 2)]),
        by=alice, activity=e1.activity,
    )  # fmt: skip
    adopt(second, by=alice)
    assert budget_execution(world.plan, 2021).total.planned == 2_625_000  # version 1
    later = budget_execution(world.plan, 2022)
    assert (later.version, later.total.planned, later.total.pledged) == (second, 700_000, 500_000)


def test_nothing_without_an_adopted_version(costed: OperationalPlan) -> None:
    budget = budget_execution(costed.plan, 2020)  # the version is still a draft
    completion = activity_completion(costed.plan, 2020)
    assert (budget.version, completion.version) == (None, None)
    assert budget.total == Execution() and completion.total == ActivityCompletion()
    assert [e.key for e, _c in completion.by_priority] == ["A", "B"]
    assert all(e == Execution() for _s, e in budget.by_source)


@pytest.mark.parametrize("extra", [0, 40])
def test_a_fixed_number_of_queries(xx: Plan, sources: dict[str, FundingSource], alice: Any,
                                   extra: int, django_assert_max_num_queries: Any) -> None:  # fmt: skip
    version = build(xx, sources, alice, extra=extra)
    # The version (two queries when the year precedes every adopted version),
    # the priorities, the statuses, the elements and the links to them.
    with django_assert_max_num_queries(5):
        completion = activity_completion(xx, 2021)
    # The version, the priorities, the sources, the budget lines, the funding
    # records, the reported spending, the elements and the links to them.
    with django_assert_max_num_queries(8):
        budget = budget_execution(xx, 2021)
    assert completion.version == budget.version == version
    assert (completion.total.planned, completion.total.completed) == (4 + extra, 1 + extra)
    assert budget.total.planned == 2_625_000 + 2_000 * extra
    assert budget.total.reported_spent == 700_000 + 500 * extra
