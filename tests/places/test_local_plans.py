"""A region's action plan, created through the site with local indicators
mapped to national ones, reports a quarter through the usual workflow; once
validated, its figures count nationally by the link's rule. Roll-ups worked
out by hand across cercle → region → country."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from actors.models import Institution, ReportingUnit, Role
from analytics.aggregation import Span, aggregate
from nap1325.models import AuditEntry
from places.models import Place
from plans.local import LocalIndicatorInput, add_local_indicator, committee_of
from plans.models import Indicator, IndicatorLink, IndicatorResponsibility, Plan
from publishing.figures import Reading, Scope, figures
from reporting import actions
from reporting.content import expected
from reporting.entries import ActivityInput, ReportInput, SpendingInput, ValueInput
from reporting.models import IndicatorValue, ReportingPeriod, Submission
from tests.places.test_geography import MAPPING, REGIONS, feature, square, write

pytestmark = pytest.mark.django_db
Q1_2023 = Span.quarter(2023, 1)


@pytest.fixture
def world(xx: Plan, alice: Any, tmp_path: Path) -> dict[str, Any]:
    from places.loading import load_boundaries

    load_boundaries(
        write(tmp_path, [feature("R1", square(0, 0, 2, 2)), feature("R2", square(2, 0, 4, 2))]),
        "XX", REGIONS,
    )  # fmt: skip
    load_boundaries(
        write(tmp_path, [feature("C11", square(0, 0, 1, 2), "R1")], "c.geojson"), "XX", MAPPING
    )
    alice.role_assignments.update(role=Role.TMU_COORDINATOR)
    ministry = Institution.objects.get(country="XX", key="mwa")
    cases = Indicator.objects.get(plan=xx, key="A.2.I1")  # count by sex
    share = Indicator.objects.get(plan=xx, key="A.I1")  # percentage
    for indicator in (cases, share):
        IndicatorResponsibility.objects.get_or_create(indicator=indicator, institution=ministry)
    national_unit = ReportingUnit.objects.create(country="XX", institution=ministry)
    cercle_unit = ReportingUnit.objects.create(
        country="XX", institution=ministry, place=Place.objects.get(country="XX", code="C11")
    )
    from django.contrib.auth.models import User

    from actors.models import RoleAssignment

    checker = User.objects.create_user("victor", password="victor-long-pass-phrase-3")
    RoleAssignment.objects.create(user=checker, role=Role.ME_OFFICER)  # four eyes
    return {"plan": xx, "cases": cases, "share": share, "tmu": alice, "checker": checker,
            "national": national_unit, "cercle": cercle_unit}  # fmt: skip


def validated(world: dict[str, Any], unit: ReportingUnit, **cells: dict[str, Any]) -> None:
    period, _new = ReportingPeriod.objects.get_or_create(
        plan=world["plan"], kind="quarter", year=2023, quarter=1,
        defaults={"opens_on": date(2023, 3, 1), "deadline": date(2023, 3, 28)},
    )  # fmt: skip
    submission = Submission.objects.create(period=period, unit=unit, status="validated")
    for key, values in cells.items():
        name, _sep, cell = key.partition("~")
        IndicatorValue.objects.create(
            submission=submission, indicator=world[name], cell=cell.replace(".", ":"), **values
        )


def create_region_plan_through_the_site(world: dict[str, Any]) -> Plan:
    client = Client()
    client.force_login(world["tmu"])
    region = Place.objects.get(country="XX", code="R1")
    response = client.post(
        "/en/plans/xx-2020-2024/local-plans/new/",
        {"place": region.pk, "title_fr": "Plan régional R1", "title_en": "R1 regional plan",
         "start_year": 2021, "end_year": 2024},
    )  # fmt: skip
    plan = Plan.objects.get(parent=world["plan"], place=region)
    assert response.status_code == 302 and response["Location"].endswith(
        f"/plans/{plan.key}/local-indicators/new/"
    )
    element = plan.elements.order_by("sort_path").first()
    assert element is not None and element.national is not None
    for code, national, rule in (("L1", world["cases"], "same"), ("L2", world["share"], "sum")):
        response = client.post(
            f"/en/plans/{plan.key}/local-indicators/new/",
            {"element": element.pk, "code": code, "title_fr": f"Local {code}",
             "title_en": f"Local {code}", "national": national.pk, "rule": rule},
        )  # fmt: skip
        assert response.status_code == 302, response.content.decode()[-2000:]
    return plan


def report_and_validate(
    plan: Plan, tmu: Any, figures_of: dict[str, dict[str, Any]], **more: Any
) -> Submission:
    [period] = [p for p in actions.plan_periods(plan, 2023, kind="quarter", by=tmu)
                if p.quarter == 1]  # fmt: skip
    [submission] = actions.open_period(period, by=tmu)
    content = expected(submission)
    indicators = {i.key: i for i in plan.indicators.all()}
    values = {}
    for key, value in figures_of.items():
        code, _sep, cell = key.partition("~")
        values[(indicators[code].pk, cell.replace(".", ":"))] = ValueInput(**value)
    actions.save_report(
        submission, ReportInput(values=values, **more), by=tmu, revision=submission.revision,
        content=content,
    )  # fmt: skip
    actions.submit(submission, by=tmu, content=expected(submission))
    return submission


def test_a_region_s_plan_reports_and_counts_nationally_by_its_rule(
    world: dict[str, Any],
) -> None:
    validated(world, world["national"], cases={"value": D(5)},
              **{"cases~sex.female": {"value": D(3)}, "cases~sex.male": {"value": D(2)},
                 "share": {"numerator": D(1), "denominator": D(4)}})  # fmt: skip
    validated(world, world["cercle"], cases={"value": D(2)},
              **{"cases~sex.female": {"value": D(2)}, "cases~sex.male": {"value": D(0)}})  # fmt: skip
    assert aggregate(world["cases"], Q1_2023).value == 7

    plan = create_region_plan_through_the_site(world)
    assert plan.scope == "regional" and plan.parent == world["plan"]
    links = {link.local.key: (link.national.key, link.rule) for link in IndicatorLink.objects.all()}
    assert links == {"L1": ("A.2.I1", "same"), "L2": ("A.I1", "sum")}
    l1 = plan.indicators.get(key="L1")
    assert l1.type == "count" and [
        d.dimension.key for d in l1.indicatordisaggregation_set.all()
    ] == ["sex"]
    committee = committee_of(plan)
    assert committee is not None
    assert AuditEntry.objects.filter(action="plan.local_indicator").count() == 2

    submission = report_and_validate(plan, world["tmu"], {
        "L1": {"value": D(4)}, "L1~sex.female": {"value": D(4)}, "L1~sex.male": {"value": D(0)},
        "L2": {"numerator": D(3), "denominator": D(10)},
    })  # fmt: skip
    place = submission.unit.place
    assert place is not None and place.code == "R1" and submission.unit.institution == committee
    # Submitted, not yet validated: the national figures do not move.
    assert aggregate(world["cases"], Q1_2023).value == 7
    actions.validate(submission, by=world["checker"])

    cases = aggregate(world["cases"], Q1_2023)
    assert (cases.value, cases.reported, cases.expected) == (11, 3, 3)  # 5 + 2 + 4
    assert aggregate(world["cases"], Q1_2023, cell="sex:female").value == 9  # 3 + 2 + 4
    share = aggregate(world["share"], Q1_2023)
    assert (share.numerator, share.denominator) == (4, 14)  # 1/4 and 3/10, summed
    assert share.value == D("28.5714")
    # Cercle → region → country: R1 = the cercle's 2 + the regional plan's 4.
    [row] = [
        r for r in figures(Scope(world["plan"]), Reading(2023, 1)) if r.indicator.key == "A.2.I1"
    ]
    assert {code: shown.value for code, shown in row.places.items()} == {"R1": 6}
    # The regional plan reads its own figures as its own.
    assert aggregate(l1, Q1_2023).value == 4


def test_a_related_only_indicator_is_not_counted(world: dict[str, Any]) -> None:
    plan = create_region_plan_through_the_site(world)
    element = plan.elements.order_by("sort_path").first()
    assert element is not None
    add_local_indicator(
        plan, LocalIndicatorInput(element, "L3", "Lié", "Related", world["cases"], "related"),
        by=world["tmu"],
    )  # fmt: skip
    submission = report_and_validate(plan, world["tmu"], {
        "L1": {"value": D(1)}, "L2": {"numerator": D(1), "denominator": D(2)},
        "L3": {"value": D(100)},
    })  # fmt: skip
    actions.validate(submission, by=world["checker"])
    assert aggregate(world["cases"], Q1_2023).value == 1  # L1 only, never L3's 100


def test_a_sum_link_counts_the_total_only(world: dict[str, Any]) -> None:
    plan = create_region_plan_through_the_site(world)
    element = plan.elements.order_by("sort_path").first()
    assert element is not None
    local = add_local_indicator(
        plan, LocalIndicatorInput(element, "L4", "Somme", "Sum", world["cases"], "sum"),
        by=world["tmu"],
    )  # fmt: skip
    assert not local.indicatordisaggregation_set.exists()  # its own cells, none here
    submission = report_and_validate(plan, world["tmu"], {
        "L1": {"value": D(2)}, "L1~sex.female": {"value": D(2)}, "L1~sex.male": {"value": D(0)},
        "L2": {"numerator": D(1), "denominator": D(2)}, "L4": {"value": D(10)},
    })  # fmt: skip
    actions.validate(submission, by=world["checker"])
    assert aggregate(world["cases"], Q1_2023).value == 12  # 2 + 10
    assert aggregate(world["cases"], Q1_2023, cell="sex:female").value == 2  # L4 has no cells


@pytest.mark.parametrize(
    ("change", "field"),
    [({"code": "L1"}, "code"), ({"national": "own"}, "national"), ({"rule": "x"}, "rule")],
)
def test_bad_local_indicators_are_refused(
    world: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    plan = create_region_plan_through_the_site(world)
    element = plan.elements.order_by("sort_path").first()
    assert element is not None
    data = LocalIndicatorInput(element, "L9", "Neuf", "Nine", world["cases"], "same")
    for name, value in change.items():
        setattr(data, name, plan.indicators.get(key="L1") if value == "own" else value)
    with pytest.raises(ValidationError) as caught:
        add_local_indicator(plan, data, by=world["tmu"])
    assert field in caught.value.message_dict


def test_the_pages_in_both_languages_and_who_may_create(world: dict[str, Any], bob: Any) -> None:
    create_region_plan_through_the_site(world)
    for language, text in (("en", "Regional and local plans"), ("fr", "Plans régionaux et locaux")):
        page = Client().get(f"/{language}/plans/xx-2020-2024/local-plans/").content.decode()
        assert text in page and "R1" in page
    client = Client()
    client.force_login(bob)
    assert client.get("/en/plans/xx-2020-2024/local-plans/new/").status_code == 403
    with pytest.raises(PermissionDenied):
        add_local_indicator(
            Plan.objects.get(parent__isnull=False),
            LocalIndicatorInput(Plan.objects.get(parent__isnull=False).elements.first(),  # type: ignore[arg-type]
                                "L8", "x", "x", world["cases"], "same"),
            by=bob,
        )  # fmt: skip


def test_the_region_page_and_the_coverage_show_the_regional_plan(world: dict[str, Any]) -> None:
    from plans.local import coverage

    plan = create_region_plan_through_the_site(world)
    before = {
        row.place.code: row.score(date(2023, 6, 30))
        for row in coverage(world["plan"], date(2023, 6, 30))
    }
    assert before == {"R1": 2, "R2": 0}  # R1: a plan and its committee, no report yet
    submission = report_and_validate(plan, world["tmu"], {
        "L1": {"value": D(4)}, "L2": {"numerator": D(3), "denominator": D(10)},
    })  # fmt: skip
    actions.validate(submission, by=world["checker"])
    [r1, r2] = coverage(world["plan"], date(2023, 6, 30))
    assert (r1.last_report, r1.score(date(2023, 6, 30)), r2.score(date(2023, 6, 30))) == (
        (2023, 1), 3, 0,
    )  # fmt: skip
    assert r1.score(date(2024, 6, 30)) == 2  # five quarters on, the report is no longer recent
    client = Client()
    client.force_login(world["tmu"])
    page = client.get("/en/plans/xx-2020-2024/local-plans/").content.decode()
    assert 'id="coverage"' in page and "2023 Q1" in page
    region = client.get(
        "/en/plans/xx-2020-2024/dashboard/regions/R1/?year=2023&quarter=1&format=json"
    ).json()
    table = next(t for t in region["tables"] if t["key"] == "local_plans")
    assert [row[1:] for row in table["rows"]] == [
        ["L1 Local L1", "A.2.I1", "Same indicator (every figure counts nationally)", 4, 1],
        ["L2 Local L2", "1.a", "Sums into (its total adds to the national total)", 30, 1],
    ]


def test_mali_s_coverage_map_is_drawn_without_the_internet(mali: Plan) -> None:
    from places.loading import load_mali_places

    load_mali_places()
    page = Client().get("/fr/plans/ml-2019-2023/local-plans/").content.decode()
    section = page[page.index('id="coverage"') :]
    assert "<svg" in section and "Couverture des régions" in section
    assert "Kayes" in section and "http://" not in section.replace("http://www.w3.org", "")


def test_a_regional_plan_costs_and_follows_its_activities_on_the_region_page(
    world: dict[str, Any], sources: dict[str, Any]
) -> None:
    """The operational-plan machinery works for a regional plan: its own
    version, an activity led by the committee with a budget line on the
    parent's funding sources, reported with the quarter's figures, and the
    region page shows them for the year."""
    from operations.models import ActivityVersion
    from tests.operations.test_pages import form_data

    plan = create_region_plan_through_the_site(world)
    assert sorted(plan.funding_sources.values_list("key", flat=True)) == ["mf", "nb", "p1"]
    client = Client()
    client.force_login(world["tmu"])
    response = client.post(f"/en/plans/{plan.key}/operations/new/", {"year": 2023})
    assert response.status_code == 302
    base = f"/en/plans/{plan.key}/operations/1/"
    element = plan.elements.order_by("sort_path").first()
    committee = committee_of(plan)
    assert element is not None and committee is not None
    data = form_data(
        world["plan"], plan.funding_sources.get(key="nb"), elements=[element.pk],
        quarters=["2023-Q1", "2023-Q2"], lead=committee.pk, **{"budget-0-year": "2023"},
    )  # fmt: skip
    response = client.post(base + "activities/new/", data)
    assert response.status_code == 302, response.content.decode()[-1500:]
    assert client.post(base + "adopt/").status_code == 302
    version = ActivityVersion.objects.get(operational_plan__plan=plan, code="ACT5")
    [line] = version.budget_lines.all()
    # The committee reports the activity done and what it spent, with its figures.
    submission = report_and_validate(
        plan, world["tmu"], {"L1": {"value": D(4)}},
        activities={version.activity_id: ActivityInput("completed", 100)},
        spending={line.pk: SpendingInput(450_000)},
    )  # fmt: skip
    actions.validate(submission, by=world["checker"])
    region = client.get("/en/plans/xx-2020-2024/dashboard/regions/R1/?year=2023&format=json").json()
    table = next(t for t in region["tables"] if t["key"] == "local_execution")
    # One activity planned and completed; 150,000 × 4 days planned; 450,000 spent as reported.
    assert table["rows"] == [["R1 regional plan", committee.name_en, 1, 1, 600_000, 0, 0, 450_000]]
    page = client.get("/fr/plans/xx-2020-2024/dashboard/regions/R1/?year=2023").content.decode()
    assert "Plans régionaux et locaux : comité, activités et budget en 2023" in page


def test_the_tmu_changes_or_removes_a_link_through_the_site(world: dict[str, Any]) -> None:
    plan = create_region_plan_through_the_site(world)
    submission = report_and_validate(plan, world["tmu"], {
        "L1": {"value": D(4)}, "L1~sex.female": {"value": D(4)}, "L1~sex.male": {"value": D(0)},
        "L2": {"numerator": D(3), "denominator": D(10)},
    })  # fmt: skip
    actions.validate(submission, by=world["checker"])
    mechanism = Indicator.objects.get(plan=world["plan"], key="C1")  # a count, no breakdown
    assert aggregate(world["cases"], Q1_2023).value == 4
    client = Client()
    client.force_login(world["tmu"])
    l1, l2 = plan.indicators.get(key="L1"), plan.indicators.get(key="L2")
    url = f"/en/plans/{plan.key}/local-indicators/{l1.uuid}/link/"
    page = client.get(url).content.decode()
    assert "Now: feeds A.2.I1, Same indicator" in page
    assert (
        f'href="{url}"'
        in client.get(f"/en/plans/{plan.key}/local-indicators/new/").content.decode()
    )

    # The same indicator needs the same breakdown; a percentage does not add into a count.
    refused = client.post(url, {"national": mechanism.pk, "rule": "same", "action": "save"})
    assert refused.status_code == 200
    assert "needs the national indicator&#x27;s disaggregations" in refused.content.decode()
    refused = client.post(
        f"/en/plans/{plan.key}/local-indicators/{l2.uuid}/link/",
        {"national": world["cases"].pk, "rule": "sum", "action": "save"},
    )
    assert "only a related link joins them" in refused.content.decode()
    assert not AuditEntry.objects.filter(action="plan.local_link").exists()

    response = client.post(url, {"national": mechanism.pk, "rule": "sum", "action": "save"})
    assert response.status_code == 302
    assert aggregate(world["cases"], Q1_2023).value is None  # L1's 4 no longer counts here
    assert aggregate(mechanism, Q1_2023).value == 4  # but in C1, as its total
    entry = AuditEntry.objects.get(action="plan.local_link")
    assert (entry.before, entry.after) == (
        {"national": "A.2.I1", "rule": "same"}, {"national": "C1", "rule": "sum"},
    )  # fmt: skip

    assert aggregate(world["share"], Q1_2023).value == 30  # 3/10
    response = client.post(f"/en/plans/{plan.key}/local-indicators/{l2.uuid}/link/",
                           {"action": "remove"})  # fmt: skip
    assert response.status_code == 302 and not IndicatorLink.objects.filter(local=l2).exists()
    assert aggregate(world["share"], Q1_2023).value is None
    assert aggregate(l2, Q1_2023).value == 30  # the regional plan keeps its own figure
    assert AuditEntry.objects.filter(action="plan.local_unlink", user=world["tmu"]).exists()
    fr = Client()
    fr.force_login(world["tmu"])
    assert "Lien avec le plan national" in fr.get(url.replace("/en/", "/fr/")).content.decode()
