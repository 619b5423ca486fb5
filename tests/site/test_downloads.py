"""Every data table of the site downloads as CSV, XLSX and JSON, with the
page's own rows, rights and language.

PAGES below is the one list of pages with downloads: each is asked for the
three formats, its downloads are read back (csv, openpyxl, json) and
compared with each other and with the rows of its page's HTML tables. A
template with a <table> that is not downloadable (data-table) must be in
SKIPPED with its reason, and every template with downloadable tables must be
rendered by a page of PAGES, so a new table without downloads is noticed."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import lxml.html  # type: ignore[import-untyped]  # python-docx brings it
import pytest
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format
from openpyxl import load_workbook

from nap1325.tables import shown
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.org","click")'
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}

# Templates whose tables are not offered as downloads, and why.
SKIPPED = {
    "reporting/report.html": "the report form: input fields, not data",
    "reporting/_workbook_errors.html": "the errors of a refused workbook import",
    "operations/workbook_import.html": "the errors of a refused workbook import",
    "operations/activity_form.html": "the activity form: input fields",
    "governance/meetings/meeting_form.html": "the meeting form: input fields",
    "plans/local_form.html": "the local indicator form and its links, for the TMU",
    "publishing/publications.html": "publishing buttons per year, not data",
    "actors/people.html": "accounts and their roles: administration of people, not data",
    "alignment/crosswalk.html": "one table per set with the TMU's tag forms; the downloads "
    "(tests/alignment) give the same rows as two tables, global and national",
    "collection/_import_errors.html": "the errors of a refused mobile import",
    "exchange/dhis2.html": "the DHIS2 mapping and the errors of a refused import, for the TMU",
}


# --- the world every page is read in -----------------------------------------


@dataclass
class World:
    plan: Any
    version: Any
    alice: Any  # M&E officer of the TMU
    objects: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return str(self.plan.key)


@pytest.fixture
def world(costed: Any, alice: Any) -> World:
    from operations import actions

    plan = costed.plan
    found = World(plan, costed, alice)
    actions.adopt(costed, by=alice)
    second = actions.create_operational_plan(plan, year=2021, by=alice)
    act3 = second.activities.get(code="ACT3")
    actions.remove_activity(second, act3.activity, by=alice)
    found.objects["second"] = second
    found.objects["act1"] = costed.activities.get(code="ACT1")
    local_plan(found)
    reports(found)
    governance(found)
    return found


def reports(world: World) -> None:
    """The first quarter of 2021 open: the ministry's report, whose meetings
    figure bob (its focal point) corrected once; the network's, submitted."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from actors.models import Institution, ReportingUnit, Role, RoleAssignment
    from reporting.actions import open_period, save_report
    from reporting.entries import ReportInput, ValueInput
    from reporting.models import IndicatorValue, ReportingPeriod, Submission

    units = {
        key: ReportingUnit.objects.create(
            country="XX", institution=Institution.objects.get(country="XX", key=key)
        )
        for key in ("mwa", "ngo")
    }
    period = ReportingPeriod.objects.create(
        plan=world.plan, kind="quarter", year=2021, quarter=1,
        opens_on=date(2021, 3, 15), deadline=date(2021, 4, 15),
    )  # fmt: skip
    open_period(period, by=world.alice)
    bob = User.objects.create_user("bob-reporter")
    RoleAssignment.objects.create(user=bob, role=Role.FOCAL_POINT, unit=units["mwa"])
    report = Submission.objects.get(period=period, unit=units["mwa"])
    meetings = world.plan.indicators.get(key="C1").pk
    for value, reason in ((Decimal(4), ""), (Decimal(5), "Two registers were added.")):
        save_report(
            report,
            ReportInput(values={(meetings, ""): ValueInput(value=value)}),
            by=bob,
            revision=None,
            reason=reason,
        )
    Submission.objects.filter(period=period, unit=units["ngo"]).update(
        status="submitted", submitted_at=timezone.now()
    )
    world.objects |= {
        "period": period,
        "report": report,
        "figure": IndicatorValue.objects.get(submission=report),
        "bob": bob,
    }


def governance(world: World) -> None:
    """The monitoring committee, its meeting of March 2021 with one
    recommendation, a reviewed risk, and a figure of the observatory."""
    from actors.models import Body, BodyMembership, Institution
    from governance import meetings, risks
    from governance.models import Quota, SeatBody
    from governance.observatory import add_observation

    mwa = Institution.objects.get(country="XX", key="mwa")
    body = Body.objects.create(
        country="XX", key="committee", kind="monitoring_committee", acronym="MC",
        name_fr="Comité de suivi", name_en="Monitoring committee", meets="quarterly",
    )  # fmt: skip
    world.plan.bodies.add(body)
    member = BodyMembership.objects.create(body=body, institution=mwa, since=date(2020, 1, 1))
    meeting = meetings.record_meeting(
        world.plan,
        meetings.MeetingInput(
            body, date(2021, 3, 10), place="Bamako",
            attendance=[meetings.AttendeeInput(member, "female", "Awa")],
        ),
        by=world.alice,
    )  # fmt: skip
    recommendation = meetings.add_recommendation(
        world.plan,
        meetings.RecommendationInput(
            "meeting", mwa, date(2021, 6, 30), text_fr="Tenir les réunions",
            text_en="Hold the meetings", meeting=meeting,
        ),
        by=world.alice,
    )  # fmt: skip
    risk = risks.save_risk(
        world.plan,
        risks.RiskInput(
            "Insécurité dans le Nord", "Insecurity in the North", "security", 4, 5, owner=mwa,
            mitigation_fr="Réunions à distance", mitigation_en="Remote meetings",
            reviewed_on=date(2021, 1, 5),
        ),
        by=world.alice,
    )  # fmt: skip
    risks.review_risk(risk, likelihood=3, impact=5, by=world.alice, reviewed_on=date(2021, 4, 2))
    quota = Quota.objects.create(country="XX", key="law", minimum_share=Decimal(30))
    seats = SeatBody.objects.create(
        country="XX", key="assembly", kind="parliament", quota=quota,
        name_fr="Assemblée nationale", name_en="National Assembly",
    )  # fmt: skip
    add_observation(
        seats, by=world.alice, observed_on=date(2020, 8, 1), women=42, total=147,
        source_title="Journal officiel", location="p. 3", quote="42 femmes sur 147",
    )  # fmt: skip
    world.objects |= {
        "body": body,
        "meeting": meeting,
        "recommendation": recommendation,
        "risk": risk,
        "seats": seats,
    }


def local_plan(world: World) -> None:
    from places.models import Place
    from plans import local

    place = Place.objects.create(
        country="XX", code="XX-N", level="region", name_fr="Nord", name_en="North"
    )
    world.objects["local"] = local.create_local_plan(
        world.plan,
        local.LocalPlanInput(place, "Plan du Nord", "North plan", 2020, 2024),
        by=world.alice,
    )


# --- the pages ---------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: Callable[[World], str]  # without the language prefix
    tables: list[str]
    private: bool = False  # the anonymous are sent to log in
    reader: str = "alice"  # who reads it in the tests ("" for the anonymous)
    poison: Callable[[World], None] | None = None  # writes FORMULA where a table shows it
    texts: tuple[str, str] | None = None  # a plan text in English and French, in a table
    # Per table, the columns the page's HTML shows (the first n; all if absent).
    shown_columns: dict[str, int] = field(default_factory=dict)
    # Per table, columns the HTML draws differently (marks, not text): not compared.
    drawn: dict[str, list[int]] = field(default_factory=dict)


def set_text(model_object: Any, **fields: str) -> None:
    type(model_object).objects.filter(pk=model_object.pk).update(**fields)


def poison_indicator(world: World) -> None:
    set_text(world.plan.indicators.get(key="C1"), title_en=FORMULA, title_fr=FORMULA)


def poison_institution(world: World) -> None:
    from actors.models import Institution

    set_text(Institution.objects.get(country="XX", key="mwa"), name_en=FORMULA, name_fr=FORMULA)


def poison_activity(world: World) -> None:
    from operations.models import ActivityVersion

    ActivityVersion.objects.filter(code="ACT1").update(title_en=FORMULA, title_fr=FORMULA)


def poison_removed_activity(world: World) -> None:
    from operations.models import ActivityVersion

    ActivityVersion.objects.filter(code="ACT3").update(title_en=FORMULA, title_fr=FORMULA)


def poison_budget_line(world: World) -> None:
    world.objects["act1"].budget_lines.update(label=FORMULA)


def poison_source(world: World) -> None:
    world.plan.funding_sources.filter(key="nb").update(name_en=FORMULA, name_fr=FORMULA)


def poison_local_plan(world: World) -> None:
    set_text(world.objects["local"], title_en=FORMULA, title_fr=FORMULA)


def poison_rules(world: World) -> None:
    world.plan.validation_rules.update(message_en=FORMULA, message_fr=FORMULA)


def poison_reason(world: World) -> None:
    from nap1325.models import AuditEntry

    entry = AuditEntry.objects.filter(object_id=str(world.objects["figure"].uuid)).last()
    assert entry is not None
    entry.after = {**(entry.after or {}), "reason": FORMULA}
    entry.save()


def poison_body(world: World) -> None:
    set_text(world.objects["body"], name_en=FORMULA, name_fr=FORMULA)


def poison_recommendation(world: World) -> None:
    set_text(world.objects["recommendation"], text_en=FORMULA, text_fr=FORMULA)


def poison_risk(world: World) -> None:
    set_text(world.objects["risk"], description_en=FORMULA, description_fr=FORMULA)


def poison_review(world: World) -> None:
    world.objects["risk"].reviews.update(note=FORMULA)


def poison_observation(world: World) -> None:
    world.objects["seats"].observations.update(quote=FORMULA)


def poison_seats(world: World) -> None:
    set_text(world.objects["seats"], name_en=FORMULA, name_fr=FORMULA)


def version_path(world: World, tail: str = "") -> str:
    return f"/plans/{world.key}/operations/{world.version.number}/{tail}"


PAGES = [
    Page(
        "indicators",
        lambda w: f"/plans/{w.key}/indicators/",
        ["indicators"],
        reader="",
        poison=poison_indicator,
        texts=("Meetings held", "Réunions tenues"),
        shown_columns={"indicators": 4},
    ),
    Page(
        "plan",
        lambda w: f"/plans/{w.key}/",
        ["institutions", "sources", "loads"],
        reader="",
        poison=poison_institution,
        texts=("Ministry of Women", "Ministère des femmes"),
        shown_columns={"institutions": 2},
    ),
    Page(
        "local_plans",
        lambda w: f"/plans/{w.key}/local-plans/",
        ["plans", "coverage"],
        reader="",
        poison=poison_local_plan,
        texts=("North plan", "Plan du Nord"),
        shown_columns={"coverage": 5},
        drawn={"coverage": [2]},
    ),
    Page(
        "operational_plans",
        lambda w: f"/plans/{w.key}/operations/",
        ["versions"],
        reader="",
    ),
    Page(
        "operational_plan",
        version_path,
        ["priorities", "years", "sources", "stakeholders"],
        reader="",
        poison=poison_source,
        texts=("National budget", "Budget national"),
    ),
    Page(
        "schedule",
        lambda w: version_path(w, "schedule/"),
        ["schedule"],
        reader="",
        poison=poison_activity,
        texts=("Activity ACT1", "Activité ACT1"),
        shown_columns={"schedule": 4},
        drawn={"schedule": [0]},  # the group is the row group's heading
    ),
    Page(
        "compare_versions",
        lambda w: f"/plans/{w.key}/operations/{w.objects['second'].number}/compare/",
        ["changes"],
        reader="",
        poison=poison_removed_activity,
        texts=("Activity ACT3", "Activité ACT3"),
    ),
    Page(
        "activity",
        lambda w: version_path(w, f"activities/{w.objects['act1'].activity.uuid}/"),
        ["budget", "funding"],
        reader="",
        poison=poison_budget_line,
        texts=("National budget", "Budget national"),
    ),
    Page(
        "periods",
        lambda w: f"/plans/{w.key}/periods/",
        ["periods"],
        private=True,
    ),
    Page(
        "period",
        lambda w: f"/plans/{w.key}/periods/{w.objects['period'].uuid}/",
        ["reports"],
        private=True,
        poison=poison_institution,
        shown_columns={"reports": 6},
        drawn={"reports": [4]},  # the reminder's kind and date share a cell
    ),
    Page(
        "rules",
        lambda w: f"/plans/{w.key}/rules/",
        ["rules"],
        private=True,
        poison=poison_rules,
        drawn={"rules": [8]},
    ),
    Page(
        "my_reports",
        lambda w: "/reports/",
        ["reports"],
        private=True,
        reader="bob",
        poison=poison_institution,
    ),
    Page(
        "value_history",
        lambda w: f"/reports/{w.objects['report'].uuid}/values/{w.objects['figure'].uuid}/",
        ["history"],
        private=True,
        poison=poison_reason,
    ),
    Page(
        "institutions",
        lambda w: "/institutions/",
        ["institutions"],
        reader="",
        poison=poison_institution,
        texts=("Ministry of Women", "Ministère des femmes"),
        shown_columns={"institutions": 3},
    ),
    Page(
        "bodies",
        lambda w: "/institutions/bodies/",
        ["bodies"],
        reader="",
        poison=poison_body,
        texts=("Monitoring committee", "Comité de suivi"),
        shown_columns={"bodies": 4},
    ),
    Page(
        "body",
        lambda w: f"/institutions/bodies/{w.objects['body'].uuid}/",
        ["members"],
        reader="",
        poison=poison_institution,
        texts=("Ministry of Women", "Ministère des femmes"),
    ),
    Page(
        "meetings",
        lambda w: f"/plans/{w.key}/meetings/?year=2021",
        ["records", "meetings"],
        reader="",
        poison=poison_body,
        texts=("Monitoring committee", "Comité de suivi"),
        shown_columns={"records": 3},
    ),
    Page(
        "meeting",
        lambda w: f"/plans/{w.key}/meetings/{w.objects['meeting'].uuid}/",
        ["attendance", "recommendations"],
        reader="",
        poison=poison_recommendation,
        texts=("Hold the meetings", "Tenir les réunions"),
        drawn={"recommendations": [1]},  # the meeting is the page itself
    ),
    Page(
        "recommendations",
        lambda w: f"/plans/{w.key}/recommendations/",
        ["overdue", "implementation", "recommendations"],
        reader="",
        poison=poison_recommendation,
        texts=("Hold the meetings", "Tenir les réunions"),
        drawn={"overdue": [1], "recommendations": [1]},
    ),
    Page(
        "risks",
        lambda w: f"/plans/{w.key}/risks/",
        ["heatmap", "risks"],
        private=True,
        poison=poison_risk,
        texts=("Insecurity in the North", "Insécurité dans le Nord"),
        shown_columns={"risks": 9},
        drawn={"heatmap": [1]},
    ),
    Page(
        "risk",
        lambda w: f"/risks/{w.objects['risk'].uuid}/",
        ["reviews"],
        private=True,
        poison=poison_review,
    ),
    Page(
        "observatory",
        lambda w: "/observatory/",
        ["quota", "observations"],
        reader="",
        poison=poison_observation,
        texts=("National Assembly", "Assemblée nationale"),
        drawn={"quota": [1, 6], "observations": [0, 1, 2, 3, 4, 11, 13]},
    ),
    Page(
        "about_data",
        lambda w: "/about/data/",
        ["boundaries", "places", "reforms", "observatory"],
        reader="",
    ),
    Page(
        "progress_year",
        lambda w: f"/plans/{w.key}/progress/2021/",
        ["status", "progress"],
        private=True,
        poison=poison_indicator,
        texts=("Meetings held", "Réunions tenues"),
        drawn={"progress": [8, 9]},
        shown_columns={"progress": 8},
    ),
    Page(
        "briefing_quarter",
        lambda w: f"/plans/{w.key}/briefing/2021/1/",
        ["changed", "on_track", "off_track", "late", "waiting", "activities", "recommendations"],
        private=True,
        poison=poison_activity,
        texts=("Activity ACT1", "Activité ACT1"),
        drawn={"activities": [5]},
    ),
    Page(
        "annual_report",
        lambda w: f"/plans/{w.key}/reports/2021/",
        [
            "key_figures",
            "status",
            "progress-00001-progress",
            "progress-00002-progress",
            "progress-mechanism-progress",
            "activities",
            "budget",
            "budget-sources",
            "stakeholders",
            "bodies",
            "meetings",
            "recommendations",
            "implementation",
            "annex-sources-sources",
            "coverage",
            "not_validated",
            "no_data",
        ],
        private=True,
        texts=("Meetings held", "Réunions tenues"),
    ),
    Page(
        "dashboard",
        lambda w: f"/plans/{w.key}/dashboard/?year=2021",
        ["status", "progress", "map", "activities", "budget", "sources", "stakeholders"],
        poison=poison_indicator,
        texts=("Meetings held", "Réunions tenues"),
    ),
    Page(
        "plans_side_by_side",
        lambda w: "/side-by-side/",
        ["plans", "reported"],
        reader="",
        drawn={"plans": [0, 1, 2, 9], "reported": [0]},
    ),
]
BY_NAME = {page.name: page for page in PAGES}


# --- reading the downloads and the page ----------------------------------------


def client_for(page: Page, world: World) -> Client:
    client = Client()
    if page.reader == "alice":
        client.force_login(world.alice)
    elif page.reader:
        client.force_login(world.objects[page.reader])
    return client


def get(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    return response


def url_of(page: Page, world: World, language: str = "en", **query: str) -> str:
    path = f"/{language}{page.path(world)}"
    if query:
        path += "&" if "?" in path else "?"
        path += "&".join(f"{name}={value}" for name, value in query.items())
    return path


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode()), "UTF-8 with a byte-order mark"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_sheets(content: bytes) -> list[list[list[Any]]]:
    workbook = load_workbook(io.BytesIO(content))
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook]


def as_text(value: Any) -> str:
    """A cell as CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def spreadsheet_text(value: Any) -> str:
    """A JSON cell as CSV and XLSX write it (formulas neutralised)."""
    text = as_text(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def normal(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def renderings(value: Any) -> set[str]:
    """How a page may write a download's cell (English)."""
    if isinstance(value, bool) or value is None or value == "":
        return set()
    if isinstance(value, int):
        return {str(value), f"{value:,}"}
    if isinstance(value, float):
        decimal = Decimal(str(value))
        return {str(value), shown(decimal), shown(decimal, 2), f"{value:,}"}
    text = str(value)
    if ISO_DATE.match(text):
        day = date.fromisoformat(text)
        return {date_format(day, "SHORT_DATE_FORMAT"), date_format(day, "DATE_FORMAT")}
    if ISO_MOMENT.match(text):
        moment = datetime.fromisoformat(text)
        return {
            date_format(moment, "SHORT_DATETIME_FORMAT"),
            date_format(moment, "DATETIME_FORMAT"),
            date_format(moment, "SHORT_DATE_FORMAT"),
        }
    return {normal(text)[:30]}


def html_rows(html: str, key: str) -> list[str]:
    """The rows of the page's table(s) marked data-table=key, as text."""
    document = lxml.html.fromstring(html)
    rows: list[str] = []
    containers = document.xpath(f'//*[@data-table="{key}"]')  # none: the page hides it empty
    for container in containers:
        found = container.xpath(".//*[@data-row]")
        if not found:
            found = [
                tr
                for tr in container.xpath(".//tbody/tr")
                if "group" not in (tr.get("class") or "") and not tr.xpath("./td[@class='empty']")
            ]
        if not found:
            found = container.xpath(".//li[not(contains(@class, 'empty'))]")
        rows += [normal(row.text_content()) for row in found]
    return rows


def download_tables(client: Client, url: str) -> dict[str, dict[str, Any]]:
    joiner = "&" if "?" in url else "?"
    payload = json.loads(get(client, url + joiner + "format=json").content)
    return {table["key"]: table for table in payload["tables"]}


# --- the tests ---------------------------------------------------------------


@pytest.mark.parametrize("name", [page.name for page in PAGES])
def test_three_formats_carry_the_same_rows(world: World, name: str) -> None:
    page = BY_NAME[name]
    client = client_for(page, world)
    slug = r"[A-Za-z0-9._-]+"
    xlsx = get(client, url_of(page, world, format="xlsx"))
    assert xlsx["Content-Type"] == CONTENT_TYPES["xlsx"]
    assert re.fullmatch(f'attachment; filename="{slug}\\.xlsx"', xlsx["Content-Disposition"])
    answer = get(client, url_of(page, world, format="json"))
    assert answer["Content-Type"] == CONTENT_TYPES["json"]
    assert re.fullmatch(f'attachment; filename="{slug}\\.json"', answer["Content-Disposition"])
    payload = json.loads(answer.content)
    assert payload["language"] == "en" and payload["generated_at"]
    tables = payload["tables"]
    assert [table["key"] for table in tables] == page.tables
    sheets = xlsx_sheets(xlsx.content)
    assert len(sheets) == len(tables), "one sheet per table"
    for table, sheet in zip(tables, sheets, strict=True):
        expected = [[spreadsheet_text(cell) for cell in row] for row in table["rows"]]
        header = [spreadsheet_text(title) for title in table["columns"]]
        assert [as_text(cell) for cell in sheet[0]] == header
        assert [[as_text(cell) for cell in row] for row in sheet[1 : 1 + len(expected)]] == expected
        one = get(client, url_of(page, world, format="csv", table=table["key"]))
        assert one["Content-Type"] == CONTENT_TYPES["csv"]
        assert one["Content-Disposition"].endswith('.csv"')
        assert csv_rows(one.content) == [header, *expected]


@pytest.mark.parametrize("name", [page.name for page in PAGES])
def test_the_page_shows_the_downloaded_rows(world: World, name: str) -> None:
    page = BY_NAME[name]
    client = client_for(page, world)
    html = get(client, url_of(page, world)).content.decode()
    tables = download_tables(client, url_of(page, world))
    assert any(table["rows"] for table in tables.values()), "a page with something to compare"
    for key, table in tables.items():
        rows = html_rows(html, key)
        assert len(rows) == len(table["rows"]), (key, rows, table["rows"])
        width = page.shown_columns.get(key, len(table["columns"]))
        skipped = page.drawn.get(key, [])
        for text, cells in zip(rows, table["rows"], strict=True):
            for index, cell in enumerate(cells[:width]):
                variants = renderings(cell)
                if index in skipped or not variants:
                    continue
                assert any(variant in text for variant in variants), (key, index, cell, text)
        for link in (f"format=csv&amp;table={key}", f"format=xlsx&amp;table={key}"):
            assert link in html or not table["rows"], f"the page offers {link}"


@pytest.mark.parametrize("name", [page.name for page in PAGES])
def test_headers_and_texts_follow_the_language(world: World, name: str) -> None:
    page = BY_NAME[name]
    client = client_for(page, world)
    english = download_tables(client, url_of(page, world, "en"))
    french_payload = json.loads(get(client, url_of(page, world, "fr", format="json")).content)
    assert french_payload["language"] == "fr"
    french = {table["key"]: table for table in french_payload["tables"]}
    # (Headers whose French is not in the catalogue yet read the same in both.)
    assert any(french[key]["columns"] != table["columns"] for key, table in english.items())
    for key in english:
        one = get(client, url_of(page, world, "fr", format="csv", table=key))
        assert csv_rows(one.content)[0] == [spreadsheet_text(c) for c in french[key]["columns"]]
        sheet = xlsx_sheets(
            get(client, url_of(page, world, "fr", format="xlsx", table=key)).content
        )
        assert [as_text(c) for c in sheet[0][0]] == csv_rows(one.content)[0]
    if page.texts:
        in_english, in_french = page.texts

        def cells(tables: dict[str, Any]) -> str:
            return json.dumps([t["rows"] for t in tables.values()], ensure_ascii=False)

        assert in_english in cells(english) and in_french not in cells(english)
        assert in_french in cells(french) and in_english not in cells(french)


@pytest.mark.parametrize("name", [page.name for page in PAGES if page.poison])
def test_formula_texts_are_neutralised(world: World, name: str) -> None:
    page = BY_NAME[name]
    assert page.poison is not None
    page.poison(world)
    client = client_for(page, world)
    found = False
    for key in page.tables:
        rows = csv_rows(get(client, url_of(page, world, format="csv", table=key)).content)
        cells = [cell for row in rows for cell in row]
        assert not any(cell.startswith(("=", "+", "@")) for cell in cells), (key, cells)
        found = found or any(cell.startswith("'" + FORMULA) for cell in cells)
    assert found, "the formula text is in a table, neutralised"
    for sheet in xlsx_sheets(get(client, url_of(page, world, format="xlsx")).content):
        for row in sheet:
            for cell in row:
                assert not (isinstance(cell, str) and cell.startswith(("=", "+", "@"))), cell
    text = get(client, url_of(page, world, format="json")).content.decode()
    assert json.dumps(FORMULA)[1:-1] in text, "JSON keeps the text as written"


@pytest.mark.parametrize("name", [page.name for page in PAGES if page.private])
def test_a_private_download_refuses_the_anonymous(world: World, name: str) -> None:
    page = BY_NAME[name]
    for fmt in ("csv", "xlsx", "json"):
        response = Client().get(url_of(page, world, format=fmt, table=page.tables[0]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_wrong_format_or_table_is_refused_by_name(world: World) -> None:
    page = BY_NAME["operational_plan"]
    client = Client()
    wrong = get(client, url_of(page, world, format="pdf"), 400)
    assert "Unknown download format “pdf”: choose csv, xlsx or json." in wrong.content.decode()
    missing = get(client, url_of(page, world, format="csv", table="nope"), 404)
    text = missing.content.decode()
    assert "no table “nope”" in text and "priorities, years, sources, stakeholders" in text
    several = get(client, url_of(page, world, format="csv"), 400)
    assert "A CSV file holds one table" in several.content.decode()
    with translation.override("fr"):
        french = get(client, url_of(page, world, "fr", format="pdf"), 400)
    assert "pdf" in french.content.decode()


def test_one_table_narrows_every_format(world: World) -> None:
    page = BY_NAME["operational_plan"]
    client = Client()
    xlsx = get(client, url_of(page, world, format="xlsx", table="years"))
    assert xlsx["Content-Disposition"].endswith('-years.xlsx"')
    assert len(xlsx_sheets(xlsx.content)) == 1
    payload = json.loads(get(client, url_of(page, world, format="json", table="years")).content)
    assert [table["key"] for table in payload["tables"]] == ["years"]
    assert payload["plan"] == world.key


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("Plan d'action", "Plan d'action"),
        ("a\x07bell", "abell"),  # a control character XLSX cannot hold
        (-2, -2),  # numbers stay numbers
        (Decimal("1.5"), Decimal("1.5")),
        (None, None),
    ],
)
def test_safe_cell(typed: Any, written: Any) -> None:
    from nap1325.tables import safe_cell, unsafe_cell

    assert safe_cell(typed) == written
    if isinstance(typed, str) and "\x07" not in typed:
        assert unsafe_cell(safe_cell(typed)) == typed


def test_no_data_stays_empty_never_zero(world: World) -> None:
    """Nobody validated a meetings figure in 2021: the actual is empty in
    the three formats, where the baseline 0 is a 0."""
    page = BY_NAME["progress_year"]
    client = client_for(page, world)
    url = url_of(page, world, format="{}", table="progress")
    rows = csv_rows(get(client, url.format("csv")).content)
    header, meetings = rows[0], next(row for row in rows if row[0] == "C1")
    actual, baseline = header.index("Actual"), header.index("Baseline")
    assert (meetings[actual], meetings[baseline]) == ("", "0")
    sheet = xlsx_sheets(get(client, url.format("xlsx")).content)[0]
    row = next(row for row in sheet if row[0] == "C1")
    assert (row[actual], row[baseline]) == (None, 0)
    table = json.loads(get(client, url.format("json")).content)["tables"][0]
    row = next(row for row in table["rows"] if row[0] == "C1")
    assert (row[actual], row[baseline]) == (None, 0)


def test_a_page_reading_downloads_its_filters(world: World) -> None:
    """The register's download is the register as filtered: closed risks
    only, then every risk."""
    page = BY_NAME["risks"]
    client = client_for(page, world)
    closed = download_tables(client, url_of(page, world) + "?status=closed")
    assert closed["risks"]["rows"] == []
    every = download_tables(client, url_of(page, world) + "?status=all")
    assert [row[2] for row in every["risks"]["rows"]] == ["Insecurity in the North"]


def test_a_public_download_suppresses_what_its_page_does(world: World) -> None:
    """The published annual report, read by the anonymous: 3 women among 43
    cases is a small count, hidden with the 40 men that would give it back."""
    from actors.models import ReportingUnit
    from publishing.actions import publish
    from reporting.models import IndicatorValue, ReportingPeriod, Submission

    period = ReportingPeriod.objects.create(
        plan=world.plan, kind="quarter", year=2021, quarter=2,
        opens_on=date(2021, 6, 15), deadline=date(2021, 7, 15),
    )  # fmt: skip
    unit = ReportingUnit.objects.get(institution__key="mwa", institution__country="XX")
    report = Submission.objects.create(period=period, unit=unit, status="validated")
    cases = world.plan.indicators.get(key="A.2.I1")  # sensitive, by sex
    for cell, value in (("", 43), ("sex:female", 3), ("sex:male", 40)):
        IndicatorValue.objects.create(
            submission=report, indicator=cases, cell=cell, value=Decimal(value)
        )
    publish(world.plan, 2021, "data", by=world.alice)
    publish(world.plan, 2021, "report", by=world.alice)
    page = BY_NAME["annual_report"]
    html = get(Client(), url_of(page, world)).content.decode()
    tables = download_tables(Client(), url_of(page, world))
    (key, female), *_others = [
        (key, row) for key, table in tables.items() for row in table["rows"] if row[0] == "Female"
    ]
    assert female[1] == "suppressed"
    assert any(row.startswith("Femalesuppressed") for row in html_rows(html, key))
    text = get(Client(), url_of(page, world, format="csv", table=key)).content.decode("utf-8-sig")
    assert "Female,suppressed" in text and "Male,suppressed" in text
    assert ",3," not in text and ",40," not in text


# --- every table is accounted for --------------------------------------------

TEMPLATES = [
    path
    for path in ROOT.glob("*/templates/**/*.html")
    if ".venv" not in path.parts and "<table" in path.read_text(encoding="utf-8")
]


def template_name(path: Path) -> str:
    return path.as_posix().split("/templates/", 1)[1]


def test_every_table_is_downloadable_or_skipped_with_a_reason() -> None:
    names = set()
    for path in TEMPLATES:
        name = template_name(path)
        names.add(name)
        text = path.read_text(encoding="utf-8")
        if name in SKIPPED:
            continue
        for tag in re.findall(r"<table\b(?:{%.*?%}|{{.*?}}|[^>])*>", text):
            assert "data-table=" in tag, f"{name}: {tag} has no download (or add it to SKIPPED)"
    assert set(SKIPPED) <= names, "SKIPPED names a template without a table"


def test_every_downloadable_template_is_in_a_listed_page(world: World) -> None:
    """The pages of PAGES render every template that marks a table downloadable."""
    marked = {
        template_name(path)
        for path in ROOT.glob("*/templates/**/*.html")
        if ".venv" not in path.parts and "data-table=" in path.read_text(encoding="utf-8")
    }
    rendered: set[str] = set()
    for page in PAGES:
        response = get(client_for(page, world), url_of(page, world))
        rendered |= {template.name for template in response.templates if template.name}
    assert marked - rendered == set(), "add the pages of these templates to PAGES"
