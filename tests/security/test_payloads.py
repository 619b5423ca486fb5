"""Script and formula payloads through every input path: the text goes in
the way a user puts it (a plan file, the report through the API, an
activity through the API, the risk form, a mobile export), then every page
and download that shows it is read back. Pages must show the text escaped,
with no element or handler of the payload alive; spreadsheets must hold it
as text that never runs as a formula; JSON keeps it as written.

PATHS is the table: a new input path is one entry (how the payload goes
in, and the pages and downloads that show it)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import lxml.html  # type: ignore[import-untyped]  # python-docx brings it
import pytest
import yaml
from django.test import Client
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from actors.models import Institution, ReportingUnit
from operations.actions import adopt, create_operational_plan
from operations.models import OperationalPlan
from plans.loading import load_plan
from plans.models import Plan
from plans.planfile import read_plan_text
from reporting.actions import open_period
from reporting.models import ReportingPeriod, Submission
from tests.reporting.conftest import focal_point

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(2)>'
# Starts as a formula would, and carries markup: both defences are needed.
PAYLOAD = f'=HYPERLINK("http://example.org","x"){SCRIPT}{IMAGE}'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Shown:
    """Where the payload shows: pages (HTML) and downloads (CSV, XLSX, JSON)."""

    pages: list[str]
    downloads: list[str]


def assert_page_is_safe(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, f"{url}: the text is not shown"
    tree = lxml.html.fromstring(html)
    scripts = [s.text or "" for s in tree.iter("script")]
    assert not any("alert(" in text for text in scripts), f"{url}: a live script"
    handlers = [el for el in tree.iter() if any(a.startswith("on") for a in el.attrib)]
    assert handlers == [], f"{url}: a live event handler"
    assert not tree.xpath("//img[@src='x']"), f"{url}: a live image"


def cells_of(url: str, response: Any) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "format=csv" in url:
        return [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]
    if "format=json" in url:
        text = body.decode()
        assert json.dumps(PAYLOAD)[1:-1] in text, f"{url}: JSON changed the text"
        return []
    book = load_workbook(io.BytesIO(body))
    return [
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


def assert_download_is_safe(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    cells = cells_of(url, response)
    if "format=json" in url:
        return
    holding = [cell for cell in cells if "HYPERLINK" in cell]
    assert holding, f"{url}: the text is not in the download"
    for cell in holding:
        assert not cell.startswith(FORMULA_STARTS), f"{url}: a live formula {cell!r}"
        assert cell.startswith("'"), f"{url}: {cell!r}"


# --- the input paths ------------------------------------------------------------------


def through_the_plan_file(world: dict[str, Any]) -> Shown:
    """A plan file whose indicator and element titles carry the payload."""
    source = world["small_plan"]
    source["plan"]["id"] = "payload-plan"
    level = source["levels"][0]
    level["title"] = {"fr": PAYLOAD, "en": PAYLOAD}
    indicator = level["indicators"][0] if level.get("indicators") else None
    if indicator is None:
        indicator = level["children"][0]["indicators"][0]
    indicator["title"] = {"fr": PAYLOAD, "en": PAYLOAD}
    plan = load_plan(read_plan_text(yaml.safe_dump(source, allow_unicode=True))).plan
    shown = plan.indicators.get(title_en=PAYLOAD)
    base = f"/en/plans/{plan.key}"
    return Shown(
        pages=[f"{base}/", f"{base}/framework/", f"{base}/indicators/",
               f"{base}/indicators/{shown.uuid}/"],
        downloads=[f"{base}/indicators/?format=csv", f"{base}/indicators/?format=xlsx",
                   f"{base}/indicators/?format=json"],
    )  # fmt: skip


def through_the_api_report(world: dict[str, Any]) -> Shown:
    """A focal point's script saves a narrative and a comment."""
    report: Submission = world["report"]
    bob = focal_point("bob-payload", report.unit)
    token = Token.objects.create(user=bob).key
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")
    meetings = report.period.plan.indicators.get(key="C1")
    body = {
        "revision": report.revision,
        "values": [{"indicator": str(meetings.uuid), "value": "4", "comment": PAYLOAD}],
        "narrative": {"achievements": PAYLOAD},
    }
    saved = client.post(
        f"/api/v1/submissions/{report.uuid}/report/", body, content_type="application/json"
    )
    assert saved.status_code == 200, saved.json()
    return Shown(pages=[f"/en/reports/{report.uuid}/"], downloads=[])


def through_the_api_activity(world: dict[str, Any]) -> Shown:
    """The TMU's script adds an activity whose titles carry the payload."""
    draft: OperationalPlan = world["draft"]
    plan = draft.plan
    token = Token.objects.create(user=world["alice"]).key
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")
    institutions = {i.key: str(i.uuid) for i in Institution.objects.filter(country="XX")}
    body = {
        "plan": plan.key, "version": draft.number, "code": "PAY1",
        "title_fr": PAYLOAD, "title_en": PAYLOAD,
        "lead": institutions["mwa"], "monitor": institutions["ngo"],
        "elements": [str(plan.elements.get(key="A.1").uuid)],
        "quarters": ["2021-Q2"],
        "budget_lines": [{"year": 2021, "source": "nb", "unit_cost": 1000, "quantity": "1",
                          "label": PAYLOAD}],
    }  # fmt: skip
    created = client.post("/api/v1/activities/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    base = f"/en/plans/{plan.key}/operations/{draft.number}"
    return Shown(
        pages=[f"{base}/schedule/", f"{base}/activities/{created.json()['uuid']}/"],
        downloads=[
            f"{base}/workbook.xlsx",
            f"{base}/schedule/?format=csv&table=schedule",
            f"{base}/schedule/?format=xlsx&table=schedule",
            f"{base}/schedule/?format=json&table=schedule",
        ],
    )


def through_the_risk_form(world: dict[str, Any]) -> Shown:
    """The TMU types a risk in the register's form."""
    plan: Plan = world["plan"]
    data = {
        "description_fr": PAYLOAD, "description_en": PAYLOAD, "category": "institutional",
        "likelihood": "4", "impact": "3", "owner": "", "mitigation_fr": PAYLOAD,
        "mitigation_en": PAYLOAD, "next_review": "", "reviewed_on": "", "note": PAYLOAD,
    }  # fmt: skip
    answer = world["tmu"].post(f"/en/plans/{plan.key}/risks/new/", data)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    base = f"/en/plans/{plan.key}/risks/"
    return Shown(
        pages=[base, answer["Location"]],
        downloads=[
            f"{base}?format=csv&table=risks",
            f"{base}?format=xlsx&table=risks",
            f"{base}?format=json&table=risks",
        ],
    )


PATHS: dict[str, Callable[[dict[str, Any]], Shown]] = {
    "plan file": through_the_plan_file,
    "report through the API": through_the_api_report,
    "activity through the API": through_the_api_activity,
    "risk form": through_the_risk_form,
}


@pytest.fixture
def world(
    small_plan: dict[str, Any],
    period: ReportingPeriod,
    units: dict[str, ReportingUnit],
    costed: OperationalPlan,
    alice: Any,
) -> dict[str, Any]:
    adopt(costed, by=alice)
    draft = create_operational_plan(costed.plan, year=2021, by=alice)
    open_period(period, by=alice)
    tmu = Client()
    tmu.force_login(alice)
    return {
        "small_plan": small_plan,
        "plan": period.plan,
        "report": Submission.objects.get(period=period, unit=units["mwa"]),
        "draft": draft,
        "alice": alice,
        "tmu": tmu,
    }


@pytest.mark.parametrize("path", PATHS)
def test_payloads_are_shown_as_text_everywhere(world: dict[str, Any], path: str) -> None:
    shown = PATHS[path](world)
    for url in shown.pages:
        assert_page_is_safe(world["tmu"], url)
    for url in shown.downloads:
        assert_download_is_safe(world["tmu"], url)
