"""Who has reported, through HTTP."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from actors.models import Institution, ReportingUnit
from plans.models import Plan
from reporting.models import ReportingPeriod, Submission

pytestmark = pytest.mark.django_db


def test_the_tmu_opens_a_period_and_sees_who_is_late(client: Client, xx: Plan, alice: Any) -> None:
    for key in ("mwa", "ngo"):
        ReportingUnit.objects.create(
            country="XX", institution=Institution.objects.get(country="XX", key=key)
        )
    period = ReportingPeriod.objects.create(
        plan=xx,
        kind="quarter",
        year=2021,
        quarter=1,
        opens_on=date(2021, 3, 15),
        deadline=date(2021, 4, 15),
    )
    client.force_login(alice)
    base = f"/en/plans/{xx.key}/periods/{period.uuid}/"
    assert "Open the period" in client.get(base).content.decode()
    assert client.post(base + "open/").status_code == 302
    assert Submission.objects.filter(period=period).count() == 2
    html = client.get(base).content.decode()
    assert "<strong>2</strong> expected" in html
    assert "<strong>2</strong> overdue" in html  # the deadline of April 2021 has passed
    assert html.count('<span class="tag late">overdue</span>') == 2
    french = client.get(base.replace("/en/", "/fr/", 1)).content.decode()
    assert "en retard" in french and "attendus" in french
    listing = client.get(f"/en/plans/{xx.key}/periods/").content.decode()
    assert "0/2" in listing


def test_anonymous_visitors_do_not_see_who_has_reported(client: Client, xx: Plan) -> None:
    response = client.get(f"/en/plans/{xx.key}/periods/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_period_page_links_to_the_reports_one_may_read(
    client: Client, xx: Plan, alice: Any
) -> None:
    from reporting.actions import open_period
    from tests.reporting.conftest import focal_point

    units = {
        key: ReportingUnit.objects.create(
            country="XX", institution=Institution.objects.get(country="XX", key=key)
        )
        for key in ("mwa", "ngo")
    }
    period = ReportingPeriod.objects.create(
        plan=xx, kind="quarter", year=2021, quarter=1,
        opens_on=date(2021, 3, 15), deadline=date(2021, 4, 15),
    )  # fmt: skip
    open_period(period, by=alice)
    ours, theirs = (Submission.objects.get(period=period, unit=units[k]) for k in ("mwa", "ngo"))
    client.force_login(focal_point("bob", units["mwa"]))
    html = client.get(f"/en/plans/{xx.key}/periods/{period.uuid}/").content.decode()
    assert f"/en/reports/{ours.uuid}/" in html and f"/en/reports/{theirs.uuid}/" not in html
    assert 'href="/en/reports/"' in html  # "My reports" in the header
    client.force_login(alice)
    html = client.get(f"/en/plans/{xx.key}/periods/{period.uuid}/").content.decode()
    assert f"/en/reports/{ours.uuid}/" in html and f"/en/reports/{theirs.uuid}/" in html


def test_the_tmu_plans_a_years_quarters(client: Client, xx: Plan, alice: Any) -> None:
    client.force_login(alice)
    url = f"/en/plans/{xx.key}/periods/"
    assert "Plan the periods of" in client.get(url).content.decode()
    client.post(url + "plan/", {"year": "2022", "kind": "quarter"})
    periods = list(ReportingPeriod.objects.filter(plan=xx).order_by("quarter"))
    assert [(p.quarter, p.opens_on, p.deadline, p.status) for p in periods] == [
        (1, date(2022, 3, 17), date(2022, 4, 30), "planned"),
        (2, date(2022, 6, 16), date(2022, 7, 30), "planned"),
        (3, date(2022, 9, 16), date(2022, 10, 30), "planned"),
        (4, date(2022, 12, 17), date(2023, 1, 30), "planned"),
    ]
    html = client.post(
        url + "plan/", {"year": "2022", "kind": "quarter"}, follow=True
    ).content.decode()
    assert "The periods of 2022 are planned already." in html
    html = client.post(
        url + "plan/", {"year": "2031", "kind": "year"}, follow=True
    ).content.decode()
    assert "2031 is not a year of this plan (2020–2024)." in html
    assert ReportingPeriod.objects.filter(plan=xx).count() == 4
