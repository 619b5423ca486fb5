"""Activities and money in a report: the unit's activities of the version in
force, spending per budget line of the year, and validated progress carried
into the operational plan."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from actors.models import ReportingUnit
from operations.actions import adopt
from operations.models import ActivityVersion, OperationalPlan
from reporting.actions import open_period, save_report, submit, validate
from reporting.content import expected
from reporting.entries import ActivityInput, ReportInput, SpendingInput
from reporting.models import ReportingPeriod, Spending, Submission
from tests.reporting.conftest import focal_point, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarter(costed: OperationalPlan, alice: Any) -> ReportingPeriod:
    adopt(costed, by=alice)
    for key in ("mwa", "ngo"):
        ReportingUnit.objects.get_or_create(country="XX", institution__key=key,
                                            defaults={"institution": costed.plan.institutions.get(key=key)})  # fmt: skip
    return ReportingPeriod.objects.create(
        plan=costed.plan, kind="quarter", year=2021, quarter=1,
        opens_on=date(2021, 3, 15), deadline=date(2021, 4, 15),
    )  # fmt: skip


def test_a_report_asks_for_the_units_activities_and_the_years_budget_lines(
    quarter: ReportingPeriod, alice: Any
) -> None:
    open_period(quarter, by=alice)
    report = Submission.objects.get(period=quarter, unit__institution__key="mwa")
    content = expected(report)
    assert [a.version.code for a in content.activities] == ["ACT1", "ACT2", "ACT3"]  # type: ignore[attr-defined]
    assert [(line.year, line.amount) for line in content.budget_lines] == [
        (2021, 1_500_000),
        (2021, 2_000_000),
    ]
    network = Submission.objects.get(period=quarter, unit__institution__key="ngo")
    assert expected(network).activities == []  # it leads none


def test_spending_and_progress_through_the_form_then_into_the_plan(
    client: Client, quarter: ReportingPeriod, alice: Any
) -> None:
    open_period(quarter, by=alice)
    report = Submission.objects.get(period=quarter, unit__institution__key="mwa")
    bob = focal_point("bob", report.unit)
    act1 = ActivityVersion.objects.get(operational_plan__plan=quarter.plan, code="ACT1")
    line = act1.budget_lines.get(year=2021)
    client.force_login(bob)
    url = f"/en/reports/{report.uuid}/"
    html = client.get(url).content.decode()
    assert "ACT1" in html and "1,500,000" in html
    data = form_data(html)
    data.update({f"a{act1.activity_id}~status": "ongoing", f"a{act1.activity_id}~progress": "40",
                 f"b{line.pk}~amount": "600000", "save": ""})  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert Spending.objects.get(budget_line=line).amount == 600_000
    data[f"b{line.pk}~amount"] = "-5"
    assert (
        "Ensure this value is greater than or equal to 0" in client.post(url, data).content.decode()
    )
    assert Spending.objects.get(budget_line=line).amount == 600_000

    submit(report, by=bob)
    validate(report, by=alice)
    act1.refresh_from_db()
    assert (act1.status, act1.progress) == ("ongoing", 40)


def test_an_older_report_does_not_undo_a_newer_one(quarter: ReportingPeriod, alice: Any) -> None:
    second = ReportingPeriod.objects.create(
        plan=quarter.plan, kind="quarter", year=2021, quarter=2,
        opens_on=date(2021, 6, 15), deadline=date(2021, 7, 15),
    )  # fmt: skip
    act1 = ActivityVersion.objects.get(operational_plan__plan=quarter.plan, code="ACT1")
    bob = None
    reports = []
    for period, progress in ((quarter, 30), (second, 80)):
        open_period(period, by=alice)
        report = Submission.objects.get(period=period, unit__institution__key="mwa")
        bob = bob or focal_point("bob", report.unit)
        save_report(report, ReportInput(activities={act1.activity_id: ActivityInput("ongoing", progress)},
                                        spending={}), by=bob, revision=None)  # fmt: skip
        submit(report, by=bob)
        reports.append(report)
    validate(reports[1], by=alice)
    validate(reports[0], by=alice)
    act1.refresh_from_db()
    assert act1.progress == 80
    assert SpendingInput() == SpendingInput(None, False, "")
