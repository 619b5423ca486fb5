"""Script and formula payloads through every input path: the text goes in
the way a user puts it (a plan file; a report through the form, the
workbook and the API; a return reason; evidence; an activity through the
API; the risk, meeting and observatory forms; an invitation), then every
page and download that shows it is read back. Pages must show the text escaped,
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
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from actors.models import Body, Institution, ReportingUnit
from governance.models import SeatBody
from operations.actions import adopt, create_operational_plan
from operations.models import OperationalPlan
from plans.loading import load_plan
from plans.models import Plan
from plans.planfile import read_plan_text
from reporting.actions import open_period, submit
from reporting.entries import field_name
from reporting.models import ReportingPeriod, Submission
from reporting.workbook import build_report_workbook
from tests.reporting.conftest import focal_point, form_data
from tests.support import logged_in

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
    if "format=csv" in url or url.endswith(".csv"):
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


def main_text(response: Any) -> str:
    """What a refused form says (its page's main part), for a failing assertion."""
    tree = lxml.html.fromstring(response.content.decode())
    return " ".join(" ".join(tree.xpath("//main//text()")).split())


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
    assert answer.status_code == 302, main_text(answer)
    base = f"/en/plans/{plan.key}/risks/"
    return Shown(
        pages=[base, answer["Location"]],
        downloads=[
            f"{base}?format=csv&table=risks",
            f"{base}?format=xlsx&table=risks",
            f"{base}?format=json&table=risks",
        ],
    )


def through_the_report_form(world: dict[str, Any]) -> Shown:
    """A focal point types a comment and a narrative in the report's form."""
    report: Submission = world["report"]
    bob = logged_in(focal_point("bob-form", report.unit))
    url = f"/en/reports/{report.uuid}/"
    data = form_data(bob.get(url).content.decode())
    meetings = report.period.plan.indicators.get(key="C1")
    data[field_name(meetings.pk, "", "value")] = "2"
    data[field_name(meetings.pk, "", "comment")] = PAYLOAD
    data["achievements"] = PAYLOAD
    saved = bob.post(url, {**data, "save": ""})
    assert saved.status_code == 302, main_text(saved)
    return Shown(pages=[url], downloads=[f"/en/reports/{report.uuid}/workbook.xlsx"])


def through_the_report_workbook(world: dict[str, Any]) -> Shown:
    """A focal point types a comment, an activity's comment and a narrative
    in the report's workbook offline, then uploads it."""
    report: Submission = world["report"]
    bob = logged_in(focal_point("bob-workbook", report.unit))
    book = load_workbook(io.BytesIO(build_report_workbook(report)))
    # As typed in a cell: text (a formula would be stored as one, and refused).
    for sheet, cell in [("Indicators", "M2"), ("Activities", "E2"), ("Narrative", "B2")]:
        book[sheet][cell] = PAYLOAD
        book[sheet][cell].data_type = "s"
    book["Indicators"]["H2"] = 2
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "report.xlsx"
    url = f"/en/reports/{report.uuid}/"
    saved = bob.post(f"{url}workbook/", {"workbook": upload})
    assert saved.status_code == 302, main_text(saved)
    return Shown(pages=[url], downloads=[f"/en/reports/{report.uuid}/workbook.xlsx"])


def through_the_return_reason(world: dict[str, Any]) -> Shown:
    """The TMU returns a report, giving the payload as its reason."""
    report: Submission = world["report"]
    submit(report, by=focal_point("bob-return", report.unit))
    returned = world["tmu"].post(
        f"/en/reports/{report.uuid}/return/", {"reason": PAYLOAD, "revision": report.revision}
    )
    assert returned.status_code == 302, main_text(returned)
    return Shown(pages=[f"/en/reports/{report.uuid}/"], downloads=[])


def through_the_evidence(world: dict[str, Any]) -> Shown:
    """A focal point attaches a file, described by the payload."""
    report: Submission = world["report"]
    bob = logged_in(focal_point("bob-evidence", report.unit))
    sheet = SimpleUploadedFile("list.csv", b"name,role\nA,B\n", content_type="text/csv")
    added = bob.post(
        f"/en/reports/{report.uuid}/evidence/", {"file": sheet, "description": PAYLOAD}
    )
    assert added.status_code == 302, main_text(added)
    return Shown(pages=[f"/en/reports/{report.uuid}/"], downloads=[])


def through_the_meeting_form(world: dict[str, Any]) -> Shown:
    """The TMU records a meeting of Mali's National Monitoring Committee
    whose place, minutes and attendee carry the payload."""
    mali = Plan.objects.get(key="ml-2019-2023")
    nmc = Body.objects.get(country="ML", key="nmc")
    data = {
        "body": nmc.pk, "held_on": "2021-02-10", "place": PAYLOAD, "agenda": PAYLOAD,
        "minutes": PAYLOAD, "decisions": PAYLOAD,
        "attendance-TOTAL_FORMS": "1", "attendance-INITIAL_FORMS": "0",
        "attendance-MIN_NUM_FORMS": "0", "attendance-MAX_NUM_FORMS": "1000",
        "attendance-0-membership": nmc.memberships.get(institution__key="mpfef").pk,
        "attendance-0-person": PAYLOAD, "attendance-0-sex": "female",
    }  # fmt: skip
    base = f"/en/plans/{mali.key}/meetings/"
    recorded = world["tmu"].post(f"{base}new/", data)
    assert recorded.status_code == 302, main_text(recorded)
    meeting = recorded["Location"]
    return Shown(
        pages=[f"{base}?year=2021", meeting],
        downloads=[
            f"{base}?year=2021&format=csv&table=meetings",
            f"{base}?year=2021&format=xlsx&table=meetings",
            f"{meeting}?format=csv&table=attendance",
            f"{meeting}?format=xlsx&table=attendance",
            f"{meeting}?format=json&table=attendance",
        ],
    )


def through_the_observatory_form(world: dict[str, Any]) -> Shown:
    """The TMU adds a figure to the observatory, with the payload as its
    source, page, quote and note."""
    call_command("loadobservatory", stdout=io.StringIO())
    assert world["tmu"].get("/en/observatory/add/").status_code == 200
    data = {
        "body": SeatBody.objects.get(key="government").pk, "observed_on": "2024-07-01",
        "precision": "month", "election": "", "women": "8", "men": "", "total": "28",
        "published_share": "", "source_title": PAYLOAD, "source_document": "",
        "location": PAYLOAD, "quote": PAYLOAD, "note": PAYLOAD,
    }  # fmt: skip
    added = world["tmu"].post("/en/observatory/add/", data)
    assert added.status_code == 302, main_text(added)
    return Shown(
        pages=["/en/observatory/"],
        downloads=["/en/observatory/data.csv", "/en/observatory/data.xlsx"],
    )


def through_the_invitation(world: dict[str, Any]) -> Shown:
    """The TMU invites a person whose name is the payload."""
    unit: ReportingUnit = world["report"].unit
    data = {
        "email": "payload@example.org", "first_name": PAYLOAD, "last_name": PAYLOAD,
        "role": "focal_point", "unit": unit.pk, "institution": "",
    }  # fmt: skip
    invited = world["tmu"].post("/en/people/invite/", data)
    assert invited.status_code == 302, main_text(invited)
    return Shown(pages=["/en/people/"], downloads=[])


PATHS: dict[str, Callable[[dict[str, Any]], Shown]] = {
    "plan file": through_the_plan_file,
    "report through the API": through_the_api_report,
    "activity through the API": through_the_api_activity,
    "risk form": through_the_risk_form,
    "report form": through_the_report_form,
    "report workbook": through_the_report_workbook,
    "return reason": through_the_return_reason,
    "evidence": through_the_evidence,
    "meeting form": through_the_meeting_form,
    "observatory form": through_the_observatory_form,
    "invitation": through_the_invitation,
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
    return {
        "small_plan": small_plan,
        "plan": period.plan,
        "report": Submission.objects.get(period=period, unit=units["mwa"]),
        "draft": draft,
        "alice": alice,
        "tmu": logged_in(alice),
    }


@pytest.mark.parametrize("path", PATHS)
def test_payloads_are_shown_as_text_everywhere(world: dict[str, Any], path: str) -> None:
    shown = PATHS[path](world)
    for url in shown.pages:
        assert_page_is_safe(world["tmu"], url)
    for url in shown.downloads:
        assert_download_is_safe(world["tmu"], url)
