"""The operational plan through the site: Alice (TMU) plans, Bob (a focal
point) reads, everyone sees the money and the schedule, in both languages."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client

from actors.models import Institution
from operations.models import ActivityVersion, FundingSource, OperationalPlan
from plans.models import FrameworkElement, Plan

pytestmark = pytest.mark.django_db


def form_data(plan: Plan, source: FundingSource, **overrides: Any) -> dict[str, Any]:
    mwa = Institution.objects.get(country="XX", key="mwa")
    ngo = Institution.objects.get(country="XX", key="ngo")
    data: dict[str, Any] = {
        "code": "ACT5",
        "title_fr": "Former les médiatrices",
        "title_en": "Train women mediators",
        "description_fr": "",
        "description_en": "",
        "deliverable_fr": "",
        "deliverable_en": "",
        "elements": [FrameworkElement.objects.get(plan=plan, key="A.1").pk],
        "lead": mwa.pk,
        "monitor": ngo.pk,
        "partners": [],
        "places": [],
        "quarters": ["2021-Q1", "2021-Q2"],
        "status": "planned",
        "progress": "0",
        "budget-TOTAL_FORMS": "2",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "1000",
        "budget-0-year": "2021",
        "budget-0-source": source.pk,
        "budget-0-label": "Atelier",
        "budget-0-unit": "jour",
        "budget-0-unit_cost": "150000",
        "budget-0-quantity": "4",
        "budget-1-year": "",
        "budget-1-source": "",
        "budget-1-unit_cost": "",
        "budget-1-quantity": "",
    }
    data.update(overrides)
    return data


def test_alice_creates_reschedules_and_budgets_an_activity(
    client: Client, costed: OperationalPlan, alice: Any, sources: dict[str, FundingSource]
) -> None:
    client.force_login(alice)
    plan = costed.plan
    url = f"/en/plans/{plan.key}/operations/{costed.number}/activities/new/"
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(plan, sources["nb"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    created = ActivityVersion.objects.get(operational_plan=costed, code="ACT5")
    assert [str(q) for q in created.schedule.all()] == ["2021 Q1", "2021 Q2"]
    assert [line.amount for line in created.budget_lines.all()] == [600_000]

    edit = (
        f"/en/plans/{plan.key}/operations/{costed.number}/activities/{created.activity.uuid}/edit/"
    )
    page = client.get(edit).content.decode()
    assert 'value="2021-Q1"' in page and "checked" in page
    moved = form_data(
        plan,
        sources["nb"],
        quarters=["2022-Q3"],
        **{"budget-0-quantity": "5", "budget-0-year": "2022"},
    )
    assert client.post(edit, moved).status_code == 302
    created.refresh_from_db()
    assert [str(q) for q in created.schedule.all()] == ["2022 Q3"]
    assert [(line.year, line.amount) for line in created.budget_lines.all()] == [(2022, 750_000)]
    detail = client.get(created.get_absolute_url().replace("/fr/", "/en/", 1)).content.decode()
    assert "750,000" in detail


def test_the_form_says_what_is_wrong(
    client: Client, costed: OperationalPlan, alice: Any, sources: dict[str, FundingSource]
) -> None:
    client.force_login(alice)
    plan = costed.plan
    url = f"/en/plans/{plan.key}/operations/{costed.number}/activities/new/"
    same = Institution.objects.get(country="XX", key="mwa").pk
    response = client.post(url, form_data(plan, sources["nb"], monitor=same))
    assert response.status_code == 200
    assert (
        "The monitoring institution must differ from the lead institution."
        in response.content.decode()
    )
    response = client.post(url, form_data(plan, sources["nb"], **{"budget-0-unit_cost": "-4"}))
    assert "greater than or equal to 0" in response.content.decode()
    assert not ActivityVersion.objects.filter(code="ACT5").exists()
    french = client.post(
        url.replace("/en/", "/fr/", 1), form_data(plan, sources["nb"], monitor=same)
    )
    assert (
        "L&#x27;institution de suivi doit être différente de l&#x27;institution chef de file."
        in (french.content.decode())
    )


def test_bob_reads_but_does_not_plan(
    client: Client, costed: OperationalPlan, bob: Any, sources: dict[str, FundingSource]
) -> None:
    client.force_login(bob)
    plan = costed.plan
    base = f"/en/plans/{plan.key}/operations/{costed.number}/"
    assert client.get(base).status_code == 200
    assert "Add an activity" not in client.get(base).content.decode()
    assert client.get(base + "activities/new/").status_code == 403
    assert client.post(base + "activities/new/", form_data(plan, sources["nb"])).status_code == 403
    act1 = costed.activities.get(code="ACT1")
    assert client.post(base + f"activities/{act1.activity.uuid}/remove/").status_code == 403
    assert costed.activities.filter(code="ACT1").exists()


def test_anonymous_visitors_are_sent_to_log_in(client: Client, costed: OperationalPlan) -> None:
    base = f"/en/plans/{costed.plan.key}/operations/{costed.number}/"
    response = client.get(base + "activities/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_money_page_shows_the_hand_computed_totals(client: Client, costed: OperationalPlan) -> None:
    html = client.get(f"/en/plans/{costed.plan.key}/operations/{costed.number}/").content.decode()
    total = re.search(r'<tr class="total">(.*?)</tr>', html, re.S)
    assert total is not None
    numbers = re.findall(r'<td class="num[^"]*">([\d,]+)</td>', total.group(1))
    assert numbers[:5] == ["7,000,000", "4,000,000", "1,500,000", "1,200,000", "3,000,000"]
    shares = re.search(r'data-table="stakeholders">(.*?)</table>', html, re.S)
    assert shares is not None and "Share of the planned budget (%)" in shares.group(1)
    assert '<td class="num">50</td>' in shares.group(1)
    assert '<td class="num">35.7</td>' in shares.group(1)


def test_schedule_marks_late_activities(client: Client, costed: OperationalPlan) -> None:
    """ACT1 was planned for the first half of 2020 and is not completed."""
    html = client.get(
        f"/en/plans/{costed.plan.key}/operations/{costed.number}/schedule/"
    ).content.decode()
    assert html.count('class="late"') == 1
    assert re.search(r'<tr class="late">\s*<th scope="row"><a [^>]*><span class="code">ACT1', html)
    by_institution = client.get(
        f"/en/plans/{costed.plan.key}/operations/{costed.number}/schedule/?by=institution"
    ).content.decode()
    assert "Ministry of Women (MWA)" in by_institution
    assert date.today().year >= 2020


def test_adopt_then_compare_through_the_site(
    client: Client, costed: OperationalPlan, alice: Any, sources: dict[str, FundingSource]
) -> None:
    client.force_login(alice)
    plan = costed.plan
    assert client.post(f"/en/plans/{plan.key}/operations/1/adopt/").status_code == 302
    costed.refresh_from_db()
    assert costed.frozen
    frozen_edit = f"/en/plans/{plan.key}/operations/1/activities/new/"
    response = client.post(frozen_edit, form_data(plan, sources["nb"]))
    assert "adopted and frozen" in response.content.decode()
    assert client.post(f"/en/plans/{plan.key}/operations/new/", {"year": "2021"}).status_code == 302
    second = OperationalPlan.objects.get(plan=plan, number=2)
    act3 = second.activities.get(code="ACT3")
    client.post(f"/en/plans/{plan.key}/operations/2/activities/{act3.activity.uuid}/remove/")
    html = client.get(f"/en/plans/{plan.key}/operations/2/compare/").content.decode()
    assert "removed" in html and "ACT3" in html


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("page", ["", "schedule/", "compare/", "activities/{uuid}/"])
def test_operations_pages_in_both_languages(
    client: Client, costed: OperationalPlan, alice: Any, page: str, language: str
) -> None:
    client.force_login(alice)
    uuid = costed.activities.get(code="ACT1").activity.uuid
    url = f"/{language}/plans/{costed.plan.key}/operations/{costed.number}/" + page.format(
        uuid=uuid
    )
    html = client.get(url).content.decode()
    assert f'<html lang="{language}">' in html
    expected = "Plan opérationnel" if language == "fr" else "Operational plan"
    assert expected in html


def test_funding_through_the_site(
    client: Client, costed: OperationalPlan, alice: Any, sources: dict[str, FundingSource]
) -> None:
    client.force_login(alice)
    act3 = costed.activities.get(code="ACT3")
    url = f"/en/plans/{costed.plan.key}/operations/1/activities/{act3.activity.uuid}/funding/"
    response = client.post(
        url,
        {"stage": "disbursed", "year": "2021", "source": sources["p1"].pk, "amount": "250000",
         "on": "2021-02-01", "institution": "", "note": "first tranche"},
    )  # fmt: skip
    assert response.status_code == 302
    assert act3.activity.funding.filter(stage="disbursed", amount=250_000).exists()
    page = client.get(url.replace("funding/", "")).content.decode()
    assert "first tranche" in page


@pytest.mark.parametrize(
    ("cost", "quantity"), [(str(10**19), "1"), (str(5 * 10**14), "10"), ("1000000", "0.335")]
)
def test_amounts_too_large_or_too_precise_are_refused_not_crashing(
    client: Client, costed: OperationalPlan, alice: Any, sources: dict[str, FundingSource],
    cost: str, quantity: str,
) -> None:  # fmt: skip
    client.force_login(alice)
    url = f"/en/plans/{costed.plan.key}/operations/1/activities/new/"
    data = form_data(
        costed.plan, sources["nb"], **{"budget-0-unit_cost": cost, "budget-0-quantity": quantity}
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert not ActivityVersion.objects.filter(operational_plan=costed, code="ACT5").exists()
