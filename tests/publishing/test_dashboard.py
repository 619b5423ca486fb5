"""Dashboards through real HTTP: who sees which years, the same numbers on
the page and in every download, and small counts of sensitive indicators
suppressed (with secondary suppression) for the public only."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from actors.models import Institution, ReportingUnit, Role, RoleAssignment
from analytics.aggregation import Span, aggregate
from places.models import Place
from plans.models import Indicator, Plan
from publishing.actions import publish
from reporting.models import IndicatorValue, ReportingPeriod, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(xx: Plan) -> dict[str, Any]:
    north = Place.objects.create(
        country="XX", code="XX-N", level="region", name_fr="Nord", name_en="North"
    )
    Place.objects.create(country="XX", code="XX-S", level="region", name_fr="Sud", name_en="South")
    ministry = ReportingUnit.objects.create(
        country="XX", institution=Institution.objects.get(country="XX", key="mwa"), place=north
    )
    period = ReportingPeriod.objects.create(
        plan=xx, kind="quarter", year=2021, quarter=1,
        opens_on=date(2021, 3, 1), deadline=date(2021, 4, 15),
    )  # fmt: skip
    report = Submission.objects.create(period=period, unit=ministry, status="validated")
    cases = Indicator.objects.get(plan=xx, key="A.2.I1")  # sensitive, by sex
    for cell, value in (("", 43), ("sex:female", 3), ("sex:male", 40)):
        IndicatorValue.objects.create(submission=report, indicator=cases, cell=cell, value=D(value))
    meetings = Indicator.objects.get(plan=xx, key="C1")
    IndicatorValue.objects.create(submission=report, indicator=meetings, value=D(3))
    tmu = User.objects.create_user("tmu")
    RoleAssignment.objects.create(user=tmu, role=Role.ME_OFFICER)
    return {"plan": xx, "cases": cases, "meetings": meetings, "tmu": tmu}


def get(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response


def test_the_public_sees_nothing_until_a_year_is_published(world: dict[str, Any]) -> None:
    page = get(Client(), "/en/plans/xx-2020-2024/dashboard/?year=2021")
    assert "No figures of this plan have been published yet." in page.content.decode()
    assert b"Meetings held" not in page.content
    publish(world["plan"], 2021, "data", by=world["tmu"])
    page = get(Client(), "/en/plans/xx-2020-2024/dashboard/?year=2021")
    assert "Meetings held" in page.content.decode()


def test_the_public_never_sees_a_small_count_nor_what_reveals_it(world: dict[str, Any]) -> None:
    publish(world["plan"], 2021, "data", by=world["tmu"])
    base = "/en/plans/xx-2020-2024/dashboard/?year=2021&indicator=A.2.I1&by=sex"
    html = get(Client(), base).content.decode()
    breakdown = html[html.index('id="breakdown"') : html.index('id="map"')]
    # female 3 is under 5; male 40 would give it back from the total 43.
    assert "suppressed" in breakdown
    assert ">3<" not in breakdown and ">40<" not in breakdown
    assert ">43<" in breakdown  # the total itself is safe and shown
    rows = json.loads(get(Client(), base + "&format=json").content)["tables"]
    table = next(t for t in rows if t["key"] == "breakdown")
    assert table["rows"][:2] == [["Female", "suppressed", 1], ["Male", "suppressed", 1]]
    csv_text = get(Client(), base + "&format=csv&table=breakdown").content.decode("utf-8-sig")
    assert "Female,suppressed" in csv_text and ",40," not in csv_text
    sheet = load_workbook(io.BytesIO(get(Client(), base + "&format=xlsx").content))
    breakdown_sheet = next(ws for ws in sheet.worksheets if ws["A1"].value == "Sex")
    assert [[c.value for c in r] for r in breakdown_sheet.iter_rows(min_row=2)] == [
        ["Female", "suppressed", 1], ["Male", "suppressed", 1], ["Total", 43, 1]
    ]  # fmt: skip


def test_people_with_an_account_see_every_count(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["tmu"])
    base = "/en/plans/xx-2020-2024/dashboard/?year=2021&indicator=A.2.I1&by=sex"
    rows = json.loads(get(client, base + "&format=json").content)["tables"]
    table = next(t for t in rows if t["key"] == "breakdown")
    assert table["rows"] == [["Female", 3, 1], ["Male", 40, 1], ["Total", 43, 1]]


def test_the_page_and_downloads_carry_the_aggregation_s_numbers(world: dict[str, Any]) -> None:
    publish(world["plan"], 2021, "data", by=world["tmu"])
    meetings = aggregate(world["meetings"], Span.year(2021)).value
    rows = json.loads(
        get(Client(), "/en/plans/xx-2020-2024/dashboard/?year=2021&format=json").content
    )
    progress = next(t for t in rows["tables"] if t["key"] == "progress")
    by_code = {row[0]: row for row in progress["rows"]}
    assert by_code["C1"][4] == meetings == 3
    assert by_code["C1"][5] == 75  # 3 of the target 4, from the baseline 0
    status = next(t for t in rows["tables"] if t["key"] == "status")
    assert (
        sum(row[-1] for row in status["rows"])
        == Indicator.objects.filter(plan=world["plan"]).count()
    )


def test_region_and_institution_dashboards_read_their_units(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["tmu"])
    north = get(client, "/en/plans/xx-2020-2024/dashboard/regions/XX-N/?year=2021&format=json")
    south = get(client, "/en/plans/xx-2020-2024/dashboard/regions/XX-S/?year=2021&format=json")

    def meetings(response: Any) -> Any:
        progress = next(t for t in json.loads(response.content)["tables"] if t["key"] == "progress")
        return next(row for row in progress["rows"] if row[0] == "C1")[4]

    assert (meetings(north), meetings(south)) == (3, None)
    ngo = Institution.objects.get(country="XX", key="ngo")
    page = get(client, f"/en/plans/xx-2020-2024/dashboard/institutions/{ngo.uuid}/?year=2021")
    assert "Meetings held" not in page.content.decode()  # not the network's indicator


def test_the_dashboard_answers_in_french(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["tmu"])
    html = get(client, "/fr/plans/xx-2020-2024/dashboard/?year=2021").content.decode()
    assert "Tableau de bord national" in html and "Réunions tenues" in html


def test_publishing_is_for_the_tmu_and_audited(world: dict[str, Any]) -> None:
    from nap1325.models import AuditEntry

    client = Client()
    client.force_login(world["tmu"])
    response = client.post(
        "/en/plans/xx-2020-2024/publish/change/", {"year": "2021", "kind": "data"}
    )
    assert response.status_code == 302
    assert world["plan"].publications.filter(year=2021, kind="data").exists()
    assert AuditEntry.objects.filter(action="publish").count() == 1
    client.post(
        "/en/plans/xx-2020-2024/publish/change/",
        {"year": "2021", "kind": "data", "action": "unpublish"},
    )
    assert not world["plan"].publications.exists()
    refused = client.post(
        "/en/plans/xx-2020-2024/publish/change/", {"year": "1999", "kind": "data"}
    )
    assert refused.status_code == 302 and not world["plan"].publications.exists()


def test_the_public_reads_sensitive_figures_for_the_whole_plan_and_year_only(
    world: dict[str, Any],
) -> None:
    publish(world["plan"], 2021, "data", by=world["tmu"])

    def cases(url: str) -> Any:
        tables = json.loads(get(Client(), url + "&format=json").content)["tables"]
        progress = next(t for t in tables if t["key"] == "progress")
        return next(row for row in progress["rows"] if row[0] == "1.2.a" or "Cases" in row[1])[4]

    assert cases("/en/plans/xx-2020-2024/dashboard/?year=2021") == 43
    # A region's figure beside the national one would give away the others.
    assert cases("/en/plans/xx-2020-2024/dashboard/regions/XX-N/?year=2021") == "suppressed"
    # A year to date is not offered: two of them would give a quarter away.
    meta = json.loads(
        get(Client(), "/en/plans/xx-2020-2024/dashboard/?year=2021&quarter=1&format=json").content
    )
    assert meta["quarter"] is None


def test_figures_by_cercle_are_drawn_on_a_map_of_the_cercles(mali: Plan) -> None:
    from types import SimpleNamespace

    from django.core.management import call_command

    from analytics.aggregation import Aggregate
    from analytics.progress import Band, IndicatorProgress
    from publishing.dashboard import map_section
    from publishing.figures import Breakdown, Category, Row, Scope, Shown

    call_command("loadplaces", verbosity=0)
    indicator = mali.indicators.filter(type="count").first()
    cercle = SimpleNamespace(kind="place", place_level="cercle", key="cercle", name="Cercle")
    row = Row(IndicatorProgress(indicator, None, Aggregate(value=D(9)), D(9), None, Band.NO_TARGET))
    row.breakdowns = [Breakdown(cercle, [Category("ML0101", "Bafoulabé"), Category("ML0102", "Diéma")],
                                {"ML0101": Shown(Aggregate(value=D(9), reported=1)),
                                 "ML0102": Shown(Aggregate())})]  # fmt: skip
    section = map_section(Scope(mali), row)
    assert [t.key for t in section.tables] == ["map", "map_cercles"]
    assert section.tables[1].rows == [["Bafoulabé", D(9), 1], ["Diéma", None, 0]]
    assert section.chart is not None and 'data-code="ML0101"' in section.chart
    assert "data-outlines" in section.chart  # the regions drawn over the cercles


def test_a_report_is_public_only_with_its_year_s_figures(world: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    from publishing.actions import unpublish

    with pytest.raises(ValidationError):
        publish(world["plan"], 2021, "report", by=world["tmu"])
    publish(world["plan"], 2021, "data", by=world["tmu"])
    publish(world["plan"], 2021, "report", by=world["tmu"])
    unpublish(world["plan"], 2021, "data", by=world["tmu"])
    assert not world["plan"].publications.exists()  # the report went with its figures


def test_the_public_default_year_is_a_published_one(world: dict[str, Any]) -> None:
    publish(world["plan"], 2021, "data", by=world["tmu"])
    meta = json.loads(get(Client(), "/en/plans/xx-2020-2024/dashboard/?format=json").content)
    assert meta["year"] == 2021
