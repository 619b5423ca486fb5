"""The progress page: what the aggregation computes, shown and downloaded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client

from actors.models import Institution, ReportingUnit
from plans.models import Indicator, Plan
from reporting.models import IndicatorValue, ReportingPeriod, Submission
from tests.reporting.conftest import focal_point

pytestmark = pytest.mark.django_db


def test_progress_of_a_year_on_the_page_and_in_the_download(
    client: Client, xx: Plan, alice: Any
) -> None:
    unit = ReportingUnit.objects.create(
        country="XX", institution=Institution.objects.get(country="XX", key="mwa")
    )
    for quarter, held, status in ((1, 1, "validated"), (2, 3, "validated"), (3, 9, "submitted")):
        period = ReportingPeriod.objects.create(
            plan=xx, kind="quarter", year=2021, quarter=quarter,
            opens_on=date(2021, 3, 1), deadline=date(2021, 4, 1),
        )  # fmt: skip
        report = Submission.objects.create(period=period, unit=unit, status=status)
        IndicatorValue.objects.create(
            submission=report, indicator=Indicator.objects.get(plan=xx, key="C1"), value=D(held)
        )
    # Meetings held: cumulative, target 4 in 2021, baseline 0 → 3 is 75 %, behind.
    client.force_login(focal_point("bob", unit))
    html = client.get(f"/en/plans/{xx.key}/progress/2021/").content.decode()
    assert "Progress in 2021" in html
    assert '<td class="num">75</td>' in html and "Behind" in html
    assert "Include submitted reports" not in html  # for the TMU only
    download = client.get(f"/en/plans/{xx.key}/progress/2021/?format=csv&table=progress")
    csv = download.content.decode("utf-8-sig")
    assert "C1,Meetings held,0,4,3,75,Behind,1,0,0" in csv.replace("\r", "")
    client.force_login(alice)
    html = client.get(f"/en/plans/{xx.key}/progress/2021/?submitted=1").content.decode()
    assert '<td class="num">225</td>' in html and "Above target" in html  # 9 of 4
    french = client.get(f"/fr/plans/{xx.key}/progress/2021/").content.decode()
    assert "Progrès en 2021" in french and "En retard" in french
    assert client.get(f"/en/plans/{xx.key}/progress/2031/").status_code == 404
