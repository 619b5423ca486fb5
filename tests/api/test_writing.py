"""Writing through the API, as a script with a token does it: a focal point
saves and submits a quarter's report, the TMU returns, validates, reopens;
the TMU adds, changes and removes activities of a draft version, records
progress, and records an observatory figure. Every write goes through the
site's action, so the checks and the audit trail are the site's own."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token

from actors.models import Institution, ReportingUnit, Role, RoleAssignment
from governance.models import Observation, SeatBody
from nap1325.models import AuditEntry
from operations.actions import adopt, create_operational_plan
from operations.models import ActivityVersion, BudgetLine, OperationalPlan
from plans.models import Indicator
from reporting.actions import open_period
from reporting.models import ActivityReport, IndicatorValue, ReportingPeriod, Spending, Submission
from tests.reporting.conftest import focal_point

pytestmark = pytest.mark.django_db


def script(user: User) -> Client:
    """A client that authenticates as scripts do: a token in a header."""
    token = Token.objects.get_or_create(user=user)[0].key
    return Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def opened(
    period: ReportingPeriod, units: dict[str, ReportingUnit], costed: OperationalPlan, alice: Any
) -> dict[str, Any]:
    adopt(costed, by=alice)
    open_period(period, by=alice)
    plan = period.plan
    return {
        "report": Submission.objects.get(period=period, unit=units["mwa"]),
        "other": Submission.objects.get(period=period, unit=units["ngo"]),
        "bob": focal_point("bob-api", units["mwa"]),
        "meetings": Indicator.objects.get(plan=plan, key="C1"),
        "elected": Indicator.objects.get(plan=plan, key="A.I1"),
        "cases": Indicator.objects.get(plan=plan, key="A.2.I1"),
    }


def test_a_focal_point_saves_and_submits_a_report_with_a_token(opened: dict[str, Any]) -> None:
    report, bob = opened["report"], opened["bob"]
    client = script(bob)
    url = f"/api/v1/submissions/{report.uuid}/"
    activity = report.unit.institution.led_activities.filter(
        operational_plan__status="adopted"
    ).first()
    line = BudgetLine.objects.filter(activity_version=activity, year=2021).first()
    assert activity is not None and line is not None
    body = {
        "revision": report.revision,
        "values": [
            {"indicator": str(opened["meetings"].uuid), "value": "4"},
            {"indicator": str(opened["elected"].uuid), "numerator": "3", "denominator": "10"},
            {"indicator": str(opened["cases"].uuid), "value": "5"},
            {"indicator": str(opened["cases"].uuid), "cell": "sex:female", "value": "3"},
            {"indicator": str(opened["cases"].uuid), "cell": "sex:male", "value": "3"},
        ],
        "activities": [
            {"activity": str(activity.activity.uuid), "status": "ongoing", "progress": 40}
        ],
        "spending": [{"budget_line": str(line.uuid), "amount": 250000}],
        "narrative": {"achievements": "Two regional workshops."},
    }
    saved = post(client, url + "report/", body)
    assert saved.status_code == 200, saved.json()
    result = saved.json()
    assert result["changes"] == 8  # five figures, one activity, one spending line, the narrative
    assert result["submission"]["revision"] == report.revision + 1
    # 3 + 3 women and men but 5 in all: the rules say where, in the request.
    [finding] = [f for f in result["findings"] if f["indicator"] == str(opened["cases"].uuid)]
    assert finding["field"] == "values.2.value" and finding["blocking"]
    assert "5" in finding["message"]
    row = IndicatorValue.objects.get(submission=report, indicator=opened["elected"])
    assert (row.numerator, row.denominator, row.updated_by) == (D(3), D(10), bob)
    assert ActivityReport.objects.get(submission=report).progress == 40
    assert Spending.objects.get(submission=report).amount == 250000
    audited = AuditEntry.objects.filter(user=bob, action="value.change")
    assert audited.count() == 5

    refused = post(client, url + "submit/", {})
    assert refused.status_code == 400
    assert any("5" in e["message"] for e in refused.json()["errors"])

    # A copy read before the last save is refused whole: 409, nothing written.
    stale = post(client, url + "report/", {"revision": report.revision, "values": [
        {"indicator": str(opened["cases"].uuid), "value": "6"}]})  # fmt: skip
    assert stale.status_code == 409
    assert "reload" in stale.json()["errors"][0]["message"]
    assert (
        IndicatorValue.objects.get(submission=report, indicator=opened["cases"], cell="").value == 5
    )

    fixed = post(client, url + "report/", {"values": [
        {"indicator": str(opened["cases"].uuid), "value": "6"}]})  # fmt: skip
    assert fixed.status_code == 200 and fixed.json()["findings"] == []
    submitted = post(client, url + "submit/", {})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert AuditEntry.objects.filter(action="submission.submit", user=bob).count() == 1


def test_located_refusals_write_nothing(opened: dict[str, Any]) -> None:
    report = opened["report"]
    client = script(opened["bob"])
    url = f"/api/v1/submissions/{report.uuid}/report/"
    unknown = "00000000-0000-4000-8000-000000000000"
    answer = post(client, url, {"values": [
        {"indicator": str(opened["meetings"].uuid), "value": "4"},
        {"indicator": unknown, "value": "1"},
        {"indicator": str(opened["cases"].uuid), "cell": "sex:other", "value": "1"},
        {"indicator": str(opened["meetings"].uuid), "value": "not a number"},
    ], "activities": [{"activity": unknown, "progress": 120}]})  # fmt: skip
    assert answer.status_code == 400
    fields = {e["field"] for e in answer.json()["errors"]}
    assert fields == {"values.3.value", "activities.0.progress"}  # the body's own checks first
    answer = post(client, url, {"values": [
        {"indicator": str(opened["meetings"].uuid), "value": "4"},
        {"indicator": unknown, "value": "1"},
        {"indicator": str(opened["cases"].uuid), "cell": "sex:other", "value": "1"},
        {"indicator": str(opened["meetings"].uuid), "value": "5"},
    ]})  # fmt: skip
    assert answer.status_code == 400
    errors = {e["field"]: e["message"] for e in answer.json()["errors"]}
    assert errors == {
        "values.1.indicator": "This report does not ask for this indicator.",
        "values.2.cell": "The indicator has no cell “sex:other”.",
        "values.3": "This figure is given twice.",
    }
    french = post(Client(HTTP_AUTHORIZATION=client.defaults["HTTP_AUTHORIZATION"],
                         HTTP_ACCEPT_LANGUAGE="fr"), url, {"values": [{"indicator": unknown}]})  # fmt: skip
    assert french.json()["errors"][0]["message"] != "This report does not ask for this indicator."
    assert not IndicatorValue.objects.filter(submission=report).exists()
    assert Submission.objects.get(pk=report.pk).revision == report.revision


def test_only_the_unit_s_reporters_write_its_report(opened: dict[str, Any]) -> None:
    other, bob = opened["other"], opened["bob"]
    body = {"values": [{"indicator": str(opened["meetings"].uuid), "value": "1"}]}
    # Another unit's report is not even found; the anonymous must log in.
    assert post(script(bob), f"/api/v1/submissions/{other.uuid}/report/", body).status_code == 404
    anonymous = post(Client(), f"/api/v1/submissions/{other.uuid}/report/", body)
    assert anonymous.status_code == 401
    reader = User.objects.create_user("reader-api")
    RoleAssignment.objects.create(user=reader, role=Role.READER)
    refused = post(script(reader), f"/api/v1/submissions/{other.uuid}/report/", body)
    assert refused.status_code == 403
    assert refused.json()["errors"] == [
        {"field": None, "message": "You do not report for this unit."}
    ]
    assert not IndicatorValue.objects.exists()


def test_the_tmu_returns_validates_and_reopens_through_the_api(
    opened: dict[str, Any], alice: Any
) -> None:
    report, bob = opened["report"], opened["bob"]
    url = f"/api/v1/submissions/{report.uuid}/"
    bob_script = script(bob)
    post(bob_script, url + "report/", {"values": [{"indicator": str(opened["meetings"].uuid), "value": "2"}]})  # fmt: skip
    assert post(bob_script, url + "submit/", {}).status_code == 200
    assert post(bob_script, url + "validate/", {}).status_code == 403

    tmu = script(alice)
    no_reason = post(tmu, url + "return/", {"reason": ""})
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "reason"
    returned = post(tmu, url + "return/", {"reason": "Say which meetings."})
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "Say which meetings."
    assert post(tmu, url + "validate/", {}).status_code == 400  # not submitted
    assert post(bob_script, url + "submit/", {}).status_code == 200
    revision = Submission.objects.get(pk=report.pk).revision
    assert post(tmu, url + "validate/", {"revision": revision - 1}).status_code == 409
    validated = post(tmu, url + "validate/", {"revision": revision})
    assert validated.status_code == 200 and validated.json()["status"] == "validated"
    entry = AuditEntry.objects.get(action="submission.validate")
    assert entry.user == alice and entry.before == {"status": "submitted"}
    reopened = post(tmu, url + "reopen/", {"reason": "A figure was wrong."})
    assert reopened.status_code == 200 and reopened.json()["status"] == "draft"
    actions = AuditEntry.objects.filter(action__startswith="submission.").order_by("pk")
    assert [a.action for a in actions] == ["submission.submit", "submission.return", "submission.submit",
                       "submission.validate", "submission.reopen"]  # fmt: skip


@pytest.fixture
def draft(costed: OperationalPlan, alice: Any) -> OperationalPlan:
    adopt(costed, by=alice)
    return create_operational_plan(costed.plan, year=2021, by=alice)


def activity_body(draft: OperationalPlan, **changes: Any) -> dict[str, Any]:
    plan = draft.plan
    institutions = {i.key: str(i.uuid) for i in Institution.objects.filter(country="XX")}
    return {
        "plan": plan.key,
        "version": draft.number,
        "code": "API1",
        "title_fr": "Former les médiatrices",
        "title_en": "Train women mediators",
        "lead": institutions["mwa"],
        "monitor": institutions["ngo"],
        "elements": [str(plan.elements.get(key="A.1").uuid)],
        "quarters": ["2021-Q2", "2021-Q3"],
        "budget_lines": [{"year": 2021, "source": "nb", "unit_cost": 150000, "quantity": "2.5"}],
        **changes,
    }


def test_the_tmu_writes_activities_of_a_draft_version(
    draft: OperationalPlan, alice: Any, bob: Any
) -> None:
    tmu = script(alice)
    created = post(tmu, "/api/v1/activities/", activity_body(draft))
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["code"] == "API1" and data["quarters"] == ["2021-Q2", "2021-Q3"]
    assert data["budget_lines"][0]["amount"] == 375000  # 150,000 × 2.5, computed by the action
    uuid = data["uuid"]
    assert AuditEntry.objects.get(action="activity.create", summary__endswith="API1").user == alice

    changed = tmu.put(f"/api/v1/activities/{uuid}/",
                      activity_body(draft, title_en="Train mediators", quarters=["2021-Q4"]),
                      content_type="application/json")  # fmt: skip
    assert changed.status_code == 200 and changed.json()["quarters"] == ["2021-Q4"]
    assert ActivityVersion.objects.get(activity__uuid=uuid).title_en == "Train mediators"

    # Refusals name the field, from the body's checks and from the action's.
    bad = post(tmu, "/api/v1/activities/", activity_body(
        draft, code="ACT1", lead="00000000-0000-4000-8000-000000000000",
        budget_lines=[{"year": 2021, "source": "nope", "unit_cost": 1, "quantity": "1"}]))  # fmt: skip
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"lead", "budget_lines.0.source"}
    duplicate = post(tmu, "/api/v1/activities/", activity_body(draft, code="ACT1"))
    assert duplicate.status_code == 400 and duplicate.json()["errors"][0]["field"] == "code"
    adopted = post(tmu, "/api/v1/activities/", activity_body(draft, version=1, code="NEW"))
    assert adopted.status_code == 400  # an adopted version does not change

    focal = script(bob)
    assert post(focal, "/api/v1/activities/", activity_body(draft, code="X")).status_code == 403
    assert post(Client(), "/api/v1/activities/", activity_body(draft, code="X")).status_code == 401

    gone = tmu.delete(f"/api/v1/activities/{uuid}/?plan={draft.plan.key}&version={draft.number}")
    assert gone.status_code == 204
    assert not ActivityVersion.objects.filter(activity__uuid=uuid).exists()
    assert not ActivityVersion.objects.filter(operational_plan=draft, code="X").exists()


def test_progress_is_recorded_in_the_adopted_version(costed: OperationalPlan, alice: Any) -> None:
    adopt(costed, by=alice)
    version = costed.activities.get(code="ACT1")
    url = f"/api/v1/activities/{version.activity.uuid}/progress/"
    answer = post(script(alice), url, {"status": "ongoing", "progress": 60})
    assert answer.status_code == 200 and answer.json()["progress"] == 60
    assert AuditEntry.objects.get(action="activity.progress").after == {
        "status": "ongoing", "progress": 60}  # fmt: skip
    assert post(script(alice), url, {"status": "ongoing", "progress": 160}).status_code == 400


def test_the_tmu_records_an_observatory_figure(alice: Any, bob: Any) -> None:
    body = SeatBody.objects.create(
        country="ML", key="govt", kind="government", name_fr="Gouvernement", name_en="Government"
    )
    figure = {"body": str(body.uuid), "observed_on": "2024-07-01", "women": 8, "total": 28,
              "source_title": "Decree of 1 July 2024", "location": "Article 1"}  # fmt: skip
    created = post(script(alice), "/api/v1/observatory/observations/", figure)
    assert created.status_code == 201, created.json()
    assert created.json()["women"] == 8
    observation = Observation.objects.get(body=body)
    assert observation.entered_by == alice
    assert AuditEntry.objects.filter(action="observation.add", user=alice).exists()

    impossible = post(script(alice), "/api/v1/observatory/observations/",
                      {**figure, "women": 30})  # fmt: skip
    assert impossible.status_code == 400 and impossible.json()["errors"][0]["field"]
    assert post(script(bob), "/api/v1/observatory/observations/", figure).status_code == 403
    assert Observation.objects.filter(body=body).count() == 1
