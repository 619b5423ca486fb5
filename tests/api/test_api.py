"""The API through real HTTP (Django's client): stable identifiers, filters,
structured errors in the caller's language, the site's rules per role, a
token for scripts, and figures that are the dashboards' own."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token

from actors.models import Institution, ReportingUnit, Role, RoleAssignment
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
    mwa = ReportingUnit.objects.create(
        country="XX", institution=Institution.objects.get(country="XX", key="mwa"), place=north
    )
    south = Place.objects.create(
        country="XX", code="XX-S", level="region", name_fr="Sud", name_en="South"
    )
    ngo = ReportingUnit.objects.create(
        country="XX", institution=Institution.objects.get(country="XX", key="ngo"), place=south
    )
    period = ReportingPeriod.objects.create(
        plan=xx, kind="quarter", year=2021, quarter=1,
        opens_on=date(2021, 3, 1), deadline=date(2021, 4, 15),
    )  # fmt: skip
    cases = Indicator.objects.get(plan=xx, key="A.2.I1")  # sensitive, by sex
    meetings = Indicator.objects.get(plan=xx, key="C1")
    reports = {}
    for key, unit, value in (("mwa", mwa, 43), ("ngo", ngo, 2)):
        report = Submission.objects.create(period=period, unit=unit, status="validated")
        IndicatorValue.objects.create(submission=report, indicator=cases, value=D(value))
        IndicatorValue.objects.create(submission=report, indicator=meetings, value=D(3))
        reports[key] = report
    users = {}
    for role in Role:
        user = User.objects.create_user(f"api-{role}")
        scoped = role in (Role.FOCAL_POINT, Role.CSO_REPORTER)
        RoleAssignment.objects.create(user=user, role=role, unit=mwa if scoped else None)
        users[str(role)] = user
    users["no role"] = User.objects.create_user("api-nobody")
    return {"plan": xx, "period": period, "reports": reports, "users": users, "cases": cases,
            "meetings": meetings}  # fmt: skip


def client_for(world: dict[str, Any], who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(world["users"][who])
    return client


def test_plans_framework_and_indicators_read_with_stable_identifiers(mali: Plan) -> None:
    client = Client()
    plans = client.get("/api/v1/plans/").json()
    assert plans["count"] >= 1 and "ml-2019-2023" in [p["key"] for p in plans["results"]]
    plan = client.get("/api/v1/plans/ml-2019-2023/").json()
    assert plan["title_fr"] and plan["title_en"] and plan["start_year"] == 2019
    indicators = client.get("/api/v1/indicators/?plan=ml-2019-2023&limit=1000").json()
    assert indicators["count"] == mali.indicators.count() == 63
    first = indicators["results"][0]
    one = client.get(f"/api/v1/indicators/{first['uuid']}/").json()
    assert one == first
    elements = client.get("/api/v1/elements/?plan=ml-2019-2023&limit=1000").json()
    assert elements["count"] == mali.elements.count()
    uuids = {e["uuid"] for e in elements["results"]}
    assert all(i["element"] in uuids for i in indicators["results"] if i["element"])


def test_pages_of_a_hundred_by_default(mali: Plan) -> None:
    page = Client().get("/api/v1/places/?country=ML").json()
    assert page["count"] == 63 and len(page["results"]) == 63 and page["next"] is None
    page = Client().get("/api/v1/places/?country=ML&limit=10&offset=60").json()
    codes = sorted(Place.objects.filter(country="ML").values_list("code", flat=True))
    assert [p["code"] for p in page["results"]] == codes[60:] and len(codes[60:]) == 3


def test_places_open_on_a_day_and_a_bad_date_in_the_caller_s_language(mali: Plan) -> None:
    regions = Client().get("/api/v1/places/?country=ML&level=region&valid_on=2024-01-01").json()
    assert regions["count"] == 9  # and the district of Bamako
    response = Client().get("/api/v1/places/?valid_on=2024-13-01", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "errors": [{"field": "valid_on", "message": "Une date écrite AAAA-MM-JJ."}],
    }
    response = Client().get("/api/v1/places/?valid_on=x", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["errors"][0]["message"] == "A date written YYYY-MM-DD."


@pytest.mark.parametrize(
    ("who", "periods", "reports"),
    [
        ("anonymous", 401, None),
        ("no role", 403, None),
        ("focal_point", 200, ["mwa"]),
        ("cso_reporter", 200, ["mwa"]),
        ("reader", 200, ["mwa", "ngo"]),
        ("partner", 200, []),
        ("me_officer", 200, ["mwa", "ngo"]),
        ("tmu_coordinator", 200, ["mwa", "ngo"]),
        ("administrator", 200, ["mwa", "ngo"]),
    ],
)
def test_reports_are_read_by_their_unit_readers_and_the_tmu(
    world: dict[str, Any], who: str, periods: int, reports: list[str] | None
) -> None:
    client = client_for(world, who)
    assert client.get("/api/v1/periods/").status_code == periods
    response = client.get("/api/v1/submissions/")
    if reports is None:
        assert response.status_code == periods
        assert response.json()["errors"][0]["field"] is None
        return
    keys = {str(r.uuid): k for k, r in world["reports"].items()}
    assert sorted(keys[r["uuid"]] for r in response.json()["results"]) == reports
    for key, report in world["reports"].items():
        one = client.get(f"/api/v1/submissions/{report.uuid}/")
        assert one.status_code == (200 if key in reports else 404)
        if key in reports:
            assert {v["indicator"] for v in one.json()["values"]} == {
                str(world["cases"].uuid), str(world["meetings"].uuid),
            }  # fmt: skip


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/plans/", "/api/v1/elements/", "/api/v1/indicators/", "/api/v1/institutions/",
        "/api/v1/places/", "/api/v1/observatory/bodies/", "/api/v1/observatory/observations/",
        "/api/v1/activities/?plan=xx-2020-2024",
    ],
)  # fmt: skip
def test_what_the_site_shows_the_public_the_api_does(world: dict[str, Any], url: str) -> None:
    for who in ("anonymous", "no role", "focal_point", "partner", "me_officer"):
        assert client_for(world, who).get(url).status_code == 200, (url, who)


def test_a_script_reads_with_its_token(world: dict[str, Any]) -> None:
    token = Token.objects.create(user=world["users"]["me_officer"])
    client = Client()
    assert client.get("/api/v1/submissions/").status_code == 401
    response = client.get("/api/v1/submissions/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and response.json()["count"] == 2
    wrong = client.get("/api/v1/submissions/", HTTP_AUTHORIZATION="Token nope")
    assert wrong.status_code == 401 and wrong.json()["errors"][0]["field"] is None


def test_figures_are_the_dashboard_s_with_the_public_s_rules(world: dict[str, Any]) -> None:
    tmu = client_for(world, "me_officer")
    figures = tmu.get("/api/v1/figures/?plan=xx-2020-2024&year=2021&quarter=1").json()
    by_key = {f["key"]: f for f in figures["figures"]}
    assert by_key["A.2.I1"]["value"] == "45.0000" and by_key["A.2.I1"]["units_reporting"] == 2
    assert by_key["C1"]["value"] == "6.0000"
    assert by_key["A.2.I1"]["regions"] == {"XX-N": "43.0000", "XX-S": "2.0000"}

    public = Client()
    refused = public.get("/api/v1/figures/?plan=xx-2020-2024&year=2021")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "year"
    publish(world["plan"], 2021, "data", by=world["users"]["me_officer"])
    quarter = public.get(
        "/api/v1/figures/?plan=xx-2020-2024&year=2021&quarter=1", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert quarter.json()["errors"] == [
        {"field": "quarter", "message": "The public reads whole years."}
    ]
    figures = public.get("/api/v1/figures/?plan=xx-2020-2024").json()
    assert figures["year"] == 2021 and figures["public"] is True
    by_key = {f["key"]: f for f in figures["figures"]}
    assert by_key["C1"]["value"] == "6.0000"
    # A sensitive count under 5 is suppressed for the public, and North's 43
    # with it (the total 45 would give South's 2 back), as on the dashboard.
    assert by_key["A.2.I1"]["regions"] == {"XX-N": None, "XX-S": None}
    assert by_key["A.2.I1"]["value"] == "45.0000"
    board = public.get(
        "/en/plans/xx-2020-2024/dashboard/?year=2021&indicator=A.2.I1&format=json"
    ).json()
    by_region = next(t for t in board["tables"] if t["key"] == "map")
    assert [row[:2] for row in by_region["rows"]] == [
        ["North", "suppressed"], ["South", "suppressed"],
    ]  # fmt: skip


def test_the_schema_and_its_page_are_served_by_the_platform(world: dict[str, Any]) -> None:
    schema = Client().get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/submissions/{uuid}/" in paths and "/api/v1/figures/" in paths
    page = Client().get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in page and "/static/drf_spectacular_sidecar/" in page
    assert "https://" not in page and "http://" not in page
    # No inline script (a content security policy can forbid them): the
    # page's own script is a file of its own.
    assert "<script>" not in page and '<script src="/api/v1/docs/?script=' in page
    script = Client().get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [("places/?country=M%00L", "country"), ("figures/?plan=ml%00", "plan"),
     ("submissions/?period=nope", "period"), ("observatory/observations/?body=1", "body")],
)  # fmt: skip
def test_malformed_parameters_are_refused_by_name(
    world: dict[str, Any], query: str, field: str
) -> None:
    response = client_for(world, "me_officer").get(f"/api/v1/{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]
