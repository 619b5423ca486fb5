"""Every public page, in French and in English, through real HTTP."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from actors.models import Institution
from plans.models import FrameworkElement, Indicator, Plan

pytestmark = pytest.mark.django_db

LANGUAGES = ["fr", "en"]


def get(client: Client, url: str, language: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html, (
        "pages load nothing from elsewhere"
    )
    return html


def url_in(obj: Any, language: str) -> str:
    with translation.override(language):
        return str(obj.get_absolute_url())


def page_urls(mali: Plan) -> dict[str, str]:
    element = FrameworkElement.objects.get(plan=mali, key="P1.R1")
    indicator = Indicator.objects.get(plan=mali, key="P1.R1.O1.I1")
    anchor = mali.anchors.get(key="coordination")
    institution = Institution.objects.get(country="ML", key="mpfef")
    return {
        "home": "/{lang}/",
        "plan": f"/{{lang}}/plans/{mali.key}/",
        "framework": f"/{{lang}}/plans/{mali.key}/framework/",
        "indicators": f"/{{lang}}/plans/{mali.key}/indicators/",
        "element": f"/{{lang}}/plans/{mali.key}/elements/{element.uuid}/",
        "indicator": f"/{{lang}}/plans/{mali.key}/indicators/{indicator.uuid}/",
        "anchor": f"/{{lang}}/plans/{mali.key}/anchors/{anchor.uuid}/",
        "institutions": "/{lang}/institutions/",
        "institution": f"/{{lang}}/institutions/{institution.uuid}/",
        "search": "/{lang}/search/?q=justice",
        "login": "/{lang}/accounts/login/",
    }


INTERFACE = {
    "home": ("Explorer le cadre", "Explore the framework"),
    "plan": ("Institutions nommées dans le plan", "Institutions named in the plan"),
    "framework": ("Cadre de résultats", "Results framework"),
    "indicators": ("Responsable", "Responsible"),
    "element": ("Indicateurs", "Indicators"),
    "indicator": ("Source des données", "Data source"),
    "anchor": ("Point d'ancrage de la mise en œuvre", "Implementation anchor point"),
    "institutions": ("Ministère", "Ministry"),
    "institution": ("Responsable de", "Responsible for"),
    "search": ("résultats pour", "results for"),
    "login": ("Mot de passe", "Password"),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", list(INTERFACE))
def test_every_page_in_both_languages(client: Client, mali: Plan, page: str, language: str) -> None:
    url = page_urls(mali)[page].format(lang=language)
    html = get(client, url, language)
    french, english = INTERFACE[page]
    assert (french if language == "fr" else english) in html
    assert (english if language == "fr" else french) not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_plan_texts_follow_the_language(client: Client, mali: Plan, language: str) -> None:
    result = FrameworkElement.objects.get(plan=mali, key="P1.R1")
    html = get(client, url_in(result, language), language)
    shown = result.title_fr if language == "fr" else result.title_en
    hidden = result.title_en if language == "fr" else result.title_fr
    assert shown in html.replace("&#x27;", "'")
    assert hidden not in html.replace("&#x27;", "'")


def test_root_redirects_to_french_by_default(client: Client, mali: Plan) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/fr/"


def test_language_switcher(client: Client, mali: Plan) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/fr/institutions/"})
    assert response.status_code == 302 and response["Location"] == "/en/institutions/"


@pytest.mark.parametrize(("cookie", "page", "language", "lands_on"), [
    ("en", "/fr/institutions/", "en", "/en/institutions/"),
    ("fr", "/en/institutions/?q=x", "fr", "/fr/institutions/?q=x"),
])  # fmt: skip
def test_the_language_buttons_switch_whatever_the_language_cookie_says(
    client: Client, mali: Plan, cookie: str, page: str, language: str, lands_on: str
) -> None:
    """Someone whose cookie says one language follows a link to a page in
    the other (a shared link): the header's button still switches the page."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    html = client.get(page).content.decode()
    form = re.search(r'<form action="/i18n/setlang/".*?</form>', html, re.S)
    assert form
    sent = dict(re.findall(r'<input name="(\w+)" type="hidden" value="([^"]*)"', form[0]))
    assert f'value="{language}"' in form[0]
    response = client.post("/i18n/setlang/", {"language": language, "next": unescape(sent["next"])})
    assert response.status_code == 302 and response["Location"] == lands_on


def test_home_shows_the_plan_at_a_glance(client: Client, mali: Plan) -> None:
    html = get(client, "/en/", "en")
    counts = dict(
        (name, int(total))
        for total, name in re.findall(r"<li><strong>(\d+)</strong> ([a-z ]+)</li>", html)
    )
    assert counts == {
        "priorities": 4, "objectives": 4, "results": 15, "opportunities": 35, "indicators": 63
    }  # fmt: skip
    for title in ("Participation", "Prevention", "Protection", "Relief and recovery"):
        assert title in html
    assert "Women hold at least 30% of the nominated and elected positions" in html  # result 1.3


def test_framework_tree_lists_every_element_and_indicator(client: Client, mali: Plan) -> None:
    html = get(client, f"/en/plans/{mali.key}/framework/", "en")
    assert html.count("<details") == FrameworkElement.objects.filter(plan=mali).count() + 6
    for indicator in mali.indicators.all():
        assert url_in(indicator, "en") in html


def test_indicator_page_shows_every_attribute(client: Client, mali: Plan) -> None:
    indicator = Indicator.objects.get(plan=mali, key="P1.R1.O1.I1")
    html = get(client, url_in(indicator, "en"), "en")
    for label in (
        "Type", "Unit", "Numerator", "Denominator", "Direction", "Baseline", "Targets",
        "End-of-plan target", "Accumulation", "Disaggregations", "Data source",
        "Collection frequency", "Responsible", "Sensitive",
    ):  # fmt: skip
        assert f"<dt>{label}</dt>" in html, label
    assert "3 %" in html and "(2018)" in html  # its baseline
    assert "not given" in html  # no target, no data source in the plan


def test_french_numbers(client: Client, mali: Plan, small_plan: dict) -> None:
    import yaml

    from plans.loading import load_plan
    from plans.planfile import read_plan_text

    load_plan(read_plan_text(yaml.safe_dump(small_plan)))
    budget = Indicator.objects.get(key="B.I1")
    assert "1\xa0500\xa0000" in get(client, url_in(budget, "fr"), "fr")
    assert "1,500,000" in get(client, url_in(budget, "en"), "en")


def test_sensitive_indicator_is_flagged(client: Client, mali: Plan) -> None:
    indicator = mali.indicators.filter(sensitive=True).first()
    assert indicator is not None
    html = get(client, url_in(indicator, "fr"), "fr")
    assert "Indicateur sensible" in html


def test_institution_page_lists_its_responsibilities(client: Client, mali: Plan) -> None:
    mpfef = Institution.objects.get(country="ML", key="mpfef")
    html = get(client, url_in(mpfef, "en"), "en")
    assert "Ministry for the Advancement of Women, Children and Families" in html
    for indicator in mpfef.indicators.all():
        assert indicator.title_en in html.replace("&#x27;", "'")
    assert mpfef.indicators.exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("3.2.1", "The legal texts relating to conflict-related SGBV"),
        ("securite", "Sécurité"),  # no accents typed, French text found
        ("MINUSMA", "United Nations Multidimensional Integrated Stabilization Mission"),
        ("violent extremism", "violent extremism"),
    ],
)
def test_search_codes_and_titles(client: Client, mali: Plan, query: str, expected: str) -> None:
    language = "fr" if query == "securite" else "en"
    html = get(client, f"/{language}/search/?q={query}", language)
    assert expected in html.replace("&#x27;", "'")


def test_search_without_results(client: Client, mali: Plan) -> None:
    html = get(client, "/en/search/?q=zzzqqq", "en")
    assert "0 results for “zzzqqq”" in html


def test_unknown_objects_are_404(client: Client, mali: Plan) -> None:
    assert client.get("/en/plans/nope/").status_code == 404
    uuid = "00000000-0000-0000-0000-000000000000"
    assert client.get(f"/en/plans/{mali.key}/indicators/{uuid}/").status_code == 404
    assert client.get(f"/en/institutions/{uuid}/").status_code == 404


def test_login_and_logout(client: Client, mali: Plan) -> None:
    user = get_user_model().objects.create_user("alice", password="a-long-pass-phrase-42")
    response = client.post(
        "/en/accounts/login/", {"username": "alice", "password": "a-long-pass-phrase-42"}
    )
    assert response.status_code == 302
    html = get(client, "/en/", "en")
    assert "Log out" in html and "Administration" not in html
    client.post("/en/accounts/logout/")
    assert "Log in" in get(client, "/en/", "en")
    assert user.is_authenticated


def test_admin_lists_every_model(client: Client, mali: Plan) -> None:
    admin = get_user_model().objects.create_superuser("charlie", password="x-long-pass-phrase-42")
    client.force_login(admin)
    for path in (
        "plans/plan", "plans/frameworkelement", "plans/indicator", "plans/anchorpoint",
        "plans/dimension", "plans/leveltype", "plans/plansource", "plans/indicatortarget",
        "plans/scalelevel", "plans/dimensioncategory", "actors/institution",
    ):  # fmt: skip
        response = client.get(f"/en/admin/{path}/?q=a")
        assert response.status_code == 200, path
    indicator = Indicator.objects.get(plan=mali, key="P1.R1.O1.I1")
    assert client.get(f"/en/admin/plans/indicator/{indicator.pk}/change/").status_code == 200


def test_home_without_any_plan(client: Client, db: Any) -> None:
    Plan.objects.all().delete()
    html = get(client, "/en/", "en")
    assert "No plan loaded yet" in html


@pytest.mark.parametrize(
    ("page", "most"), [("indicators", 4), ("framework", 15), ("home", 8), ("indicator", 16)]
)
def test_pages_do_not_query_per_row(
    client: Client, mali: Plan, django_assert_max_num_queries: Any, page: str, most: int
) -> None:
    """Query counts stay flat as the plan grows (63 indicators here)."""
    url = page_urls(mali)[page].format(lang="en")
    with django_assert_max_num_queries(most):
        client.get(url)


def test_page_titles_are_plain_text(client: Client, mali: Plan) -> None:
    for url in page_urls(mali).values():
        html = client.get(url.format(lang="en")).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        assert title is not None and "<" not in title.group(1), url
