"""The annual national report: built from the public figures, written in
French or English, opened as DOCX (python-docx) and PDF (pypdf) and read
back; the same numbers as the dashboard; small counts of sensitive
indicators suppressed; the foreword written in the platform, audited; read
by everyone once published, before that by people with an account only."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from docx import Document
from pypdf import PdfReader

from actors.models import Body, Institution, ReportingUnit, Role, RoleAssignment
from nap1325.models import AuditEntry
from nap1325.tables import shown
from plans.models import Indicator, Plan
from publishing.actions import publish, save_report_text
from publishing.annual import AnnualReport, annual_report
from publishing.dashboard import build
from publishing.documents import render_docx, render_html, render_pdf
from publishing.figures import Reading, Scope
from reporting.models import IndicatorValue, ReportingPeriod, Submission

pytestmark = pytest.mark.django_db

PAGE = "/{language}/plans/xx-2020-2024/reports/2021/"


@pytest.fixture
def world(xx: Plan, alice: User) -> dict[str, Any]:
    """The ministry's validated first quarter: 3 meetings held (target 4:
    75 %), 4 cases of violence (sensitive: under 5, suppressed), a narrative;
    the network's report submitted but not validated, and a second quarter
    nobody has validated."""
    ministry = ReportingUnit.objects.create(
        country="XX", institution=Institution.objects.get(country="XX", key="mwa")
    )
    network = ReportingUnit.objects.create(
        country="XX", institution=Institution.objects.get(country="XX", key="ngo")
    )
    q1, q2 = (
        ReportingPeriod.objects.create(
            plan=xx, kind="quarter", year=2021, quarter=quarter, status="locked",
            opens_on=date(2021, 3 * quarter, 1), deadline=date(2021, 3 * quarter, 28),
        )
        for quarter in (1, 2)
    )  # fmt: skip
    report = Submission.objects.create(
        period=q1,
        unit=ministry,
        status="validated",
        achievements="Workshops held in the north.",
        difficulties="Roads closed in the rainy season.",
    )
    meetings = Indicator.objects.get(plan=xx, key="C1")
    IndicatorValue.objects.create(submission=report, indicator=meetings, value=D(3))
    cases = Indicator.objects.get(plan=xx, key="A.2.I1")  # sensitive, by sex
    for cell, value in (("", 4), ("sex:female", 1), ("sex:male", 3)):
        IndicatorValue.objects.create(submission=report, indicator=cases, cell=cell, value=D(value))
    Submission.objects.create(
        period=q1, unit=network, status="submitted", achievements="Not validated yet."
    )
    Submission.objects.create(period=q2, unit=ministry, status="draft")
    body = Body.objects.create(
        country="XX", key="nmc", kind="monitoring_committee",
        name_fr="Comité national de suivi", name_en="National monitoring committee",
        meets="quarterly",
    )  # fmt: skip
    xx.bodies.add(body)
    return {"plan": xx, "tmu": alice, "meetings": meetings, "cases": cases}


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def docx_of(report: AnnualReport) -> Any:
    return Document(io.BytesIO(render_docx(report)))


def headings(document: Any) -> list[tuple[str, str]]:
    return [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]


def table_rows(document: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


def row_of(rows: list[list[str]], code: str) -> list[str]:
    return next(row for row in rows if row and row[0] == code)


def pdf_text(report: AnnualReport) -> str:
    reader = PdfReader(io.BytesIO(render_pdf(report)))
    return " ".join(page.extract_text() for page in reader.pages)


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


@pytest.mark.parametrize(
    ("language", "meetings", "cases", "achievements", "committee"),
    [
        ("en", "Meetings held", "Cases reported", "Achievements", "National monitoring committee"),
        ("fr", "Réunions tenues", "Cas signalés", "Réalisations", "Comité national de suivi"),
    ],
)
def test_the_docx_has_word_headings_and_the_figures_in_its_language(
    world: dict[str, Any],
    language: str,
    meetings: str,
    cases: str,
    achievements: str,
    committee: str,
) -> None:
    report = annual_report(world["plan"], 2021, language)
    document = docx_of(report)
    found = headings(document)
    assert ("Heading 1", in_language(language, "Summary")) in found
    assert ("Heading 1", in_language(language, "Progress of every indicator")) in found
    assert ("Heading 1", in_language(language, "Activity completion")) in found
    assert ("Heading 1", in_language(language, "Budget execution")) in found
    assert ("Heading 1", in_language(language, "Governance")) in found
    assert ("Heading 2", "1 Participation") in found
    assert ("Heading 2", f"A.2.I1 {cases}") in found  # its breakdown by sex
    assert document.paragraphs[0].style.name == "Title"
    assert document.core_properties.title == report.title
    rows = table_rows(document)
    # The known figure: 3 meetings held against the target 4, from the baseline 0.
    assert row_of(rows, "C1")[1:6] == [meetings, "0", "4", "3", "75"]
    suppressed = in_language(language, "suppressed")
    assert row_of(rows, "A.2.I1")[4] == suppressed  # 4 cases: a small count
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"{achievements}, " in text and "Workshops held in the north." in text
    assert "Not validated yet." not in text  # only validated reports speak
    assert committee in [row[0] for row in rows]  # governance: the plan's bodies


def test_the_pdf_reads_back_with_its_headings_and_figures(world: dict[str, Any]) -> None:
    for language, meetings in (("en", "Meetings held"), ("fr", "Réunions tenues")):
        report = annual_report(world["plan"], 2021, language)
        text = words(pdf_text(report))
        assert report.title in text
        assert in_language(language, "Summary") in text
        assert in_language(language, "Annex: data sources and data not reported") in text
        assert f"C1 {meetings} 0 4 3 75" in text
        assert in_language(language, "suppressed") in text
        assert "2 / " in text  # page numbers


def test_the_sensitive_small_count_is_suppressed_everywhere(world: dict[str, Any]) -> None:
    report = annual_report(world["plan"], 2021, "en")
    document = docx_of(report)
    rows = table_rows(document)
    progress = row_of(rows, "A.2.I1")  # baseline 140, no target this year, actual 4
    assert progress[4:] == ["suppressed", "suppressed", "Suppressed"]
    by_sex = [row for row in rows if row[0] in ("Female", "Male")]
    assert by_sex and all(row[1] == "suppressed" for row in by_sex)  # 1 and 3 hidden
    html = render_html(report)
    part = html[html.index('id="breakdown-A.2.I1"') :]
    part = part[: part.index("</table>")]
    values = re.findall(r'<th scope="row">(\w+)</th><td class="num">([^<]+)</td>', part)
    assert values == [("Female", "suppressed"), ("Male", "suppressed"), ("Total", "suppressed")]


def test_the_report_shows_the_dashboard_s_numbers(world: dict[str, Any]) -> None:
    board = build(Scope(world["plan"]), Reading(2021, public=True))
    dashboard = next(t for t in board.tables if t.key == "progress")
    on_the_dashboard = {row[0]: (row[4], row[5], row[6]) for row in dashboard.rows}
    report = annual_report(world["plan"], 2021, "en")
    tables = [b for s in report.walk() if s.key.startswith("progress-") for b in s.blocks]
    in_the_report = {
        row[0]: (row[4], row[5], row[6]) for t in tables if hasattr(t, "rows") for row in t.rows
    }
    assert set(in_the_report) == set(on_the_dashboard)
    for code, (actual, percent, status) in in_the_report.items():
        if shown(actual) == "see the narratives":
            continue
        assert (shown(actual), shown(percent), status) == tuple(
            shown(v) if i < 2 else v for i, v in enumerate(on_the_dashboard[code])
        ), code


def test_the_annex_names_the_reports_not_validated(world: dict[str, Any]) -> None:
    rows = table_rows(docx_of(annual_report(world["plan"], 2021, "en")))
    assert ["Q1 2021", "Women's Network", "Submitted"] in rows
    assert ["Q2 2021", "Ministry of Women (MWA)", "Draft"] in rows
    assert ["Q2 2021", "Women's Network", "No report"] in rows
    assert ["Q3 2021", "No reporting period", "—", "—", "—"] in rows
    *_progress, sources, without_data = [row for row in rows if row[0] == "1.a"]
    assert sources[2:] == ["Electoral commission", "Annual", "MWA, Women's Network"]
    assert without_data[2:] == ["2", "0", "2"]  # both units expected, neither reported


def test_the_tmu_writes_the_foreword_and_it_appears_in_every_format(
    world: dict[str, Any],
) -> None:
    client = Client()
    client.force_login(world["tmu"])
    url = "/en/plans/xx-2020-2024/reports/2021/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "foreword_fr": "Avant-propos de la ministre.",
            "foreword_en": "The minister's foreword.",
            "analysis_fr": "",
            "analysis_en": "An analysis.\n\nIn two paragraphs.",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(object_type="publishing.reporttext")
    assert entry.user == world["tmu"]
    assert (entry.after or {})["foreword_en"] == "The minister's foreword."
    english = annual_report(world["plan"], 2021, "en")
    assert english.sections[0].title == "Foreword"
    assert "The minister's foreword." in [p.text for p in docx_of(english).paragraphs]
    french = annual_report(world["plan"], 2021, "fr")
    assert "Avant-propos de la ministre." in words(pdf_text(french))
    # The analysis has no French: the English one stands in, as plan texts do.
    assert "In two paragraphs." in render_html(french)
    page = client.get(PAGE.format(language="en")).content.decode()
    assert "The minister&#x27;s foreword." in page


def test_only_the_tmu_writes_the_report(world: dict[str, Any]) -> None:
    url = "/en/plans/xx-2020-2024/reports/2021/edit/"
    reader = User.objects.create_user("oumar")
    RoleAssignment.objects.create(user=reader, role=Role.READER)
    client = Client()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(reader)
    assert client.post(url, {"foreword_en": "Mine."}).status_code == 403
    assert not AuditEntry.objects.filter(object_type="publishing.reporttext").exists()


def test_the_public_reads_the_report_once_it_is_published(world: dict[str, Any]) -> None:
    anonymous = Client()
    page = PAGE.format(language="en")
    for url in (page, page + "annual-report.pdf", page + "annual-report.docx"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    no_role = Client()
    no_role.force_login(User.objects.create_user("passer-by"))
    assert no_role.get(page).status_code == 403
    reader = Client()
    oumar = User.objects.create_user("oumar")
    RoleAssignment.objects.create(user=oumar, role=Role.READER)
    reader.force_login(oumar)
    response = reader.get(page)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    publish(world["plan"], 2021, "data", by=world["tmu"])  # a report needs its figures
    publish(world["plan"], 2021, "report", by=world["tmu"])
    html = anonymous.get(page).content.decode()
    assert "Annual national report 2021" in html and "Meetings held" in html
    assert "suppressed" in html
    assert "Write the foreword" not in html  # for the TMU only
    pdf = anonymous.get(page + "annual-report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert 'filename="xx-2020-2024-annual-report-2021-en.pdf"' in pdf["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF")
    french = anonymous.get(PAGE.format(language="fr") + "annual-report.docx")
    document = Document(io.BytesIO(french.content))
    assert document.paragraphs[0].text == in_language("fr", "Annual national report %(year)s") % {
        "year": 2021
    }
    assert anonymous.get("/en/plans/xx-2020-2024/reports/2031/").status_code == 404


def test_a_year_with_nothing_reported_still_makes_a_report(world: dict[str, Any]) -> None:
    save_report_text(world["plan"], 2023, {"foreword_en": "Nothing yet."}, by=world["tmu"])
    report = annual_report(world["plan"], 2023, "en")
    text = "\n".join(p.text for p in docx_of(report).paragraphs)
    assert "No validated report of this year has a narrative." in text
    assert "No disaggregated figure was reported this year." in text
    assert render_pdf(report).startswith(b"%PDF")


def test_the_demo_year_opens_as_docx_and_pdf_in_french_and_english(mali: Plan) -> None:
    """Mali's plan with `manage.py demo`: the report of its first demo year,
    with the map (the demo's regional directorates report from their region)."""
    call_command("loadplaces", verbosity=0)
    call_command("demo", stdout=io.StringIO())
    year = ReportingPeriod.objects.filter(plan=mali, demonstration=True).earliest("year").year
    validated = Submission.objects.filter(
        period__plan=mali, period__year=year, period__kind="quarter", status="validated"
    ).count()
    for language in ("fr", "en"):
        report = annual_report(mali, year, language)
        document = docx_of(report)
        found = headings(document)
        for chapter in ("Summary", "Figures by region", "Budget execution", "Governance"):
            assert ("Heading 1", in_language(language, chapter)) in found
        rows = table_rows(document)
        assert [in_language(language, "Reports validated"), str(validated)] in rows
        assert any(row[0] == "Bamako" and row[1] != "—" for row in rows)  # the map's table
        assert any(row[-1] == in_language(language, "On track") for row in rows)  # statuses
        text = words(pdf_text(report))
        assert (
            in_language(language, "Demonstration data: the reports of this year are fictitious.")
            in text
        )
        assert f"{in_language(language, 'Reports validated')} {validated}" in text
        assert "COD-AB" in text  # the map's attribution: the map is in the PDF
