"""A quarter's report from end to end, through HTTP as people do it: the TMU
opens the period; bob, focal point of the ministry, fills the form, has an
error refused and a warning explained, submits; the TMU returns it; bob
corrects it; carol validates; alice reopens it — and every step is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from actors.models import ReportingUnit, Role, RoleAssignment
from nap1325.models import AuditEntry
from plans.models import Indicator
from reporting.entries import field_name
from reporting.models import IndicatorValue, ReportingPeriod, Submission, ValidationRule
from tests.reporting.conftest import focal_point, form_data

pytestmark = pytest.mark.django_db


def name(indicator: Indicator, part: str = "value", cell: str = "") -> str:
    return field_name(indicator.pk, cell, part)


@pytest.fixture
def client(client: Client, django_capture_on_commit_callbacks: Any) -> Client:
    """A client after whose requests the e-mails of committed changes go out."""
    post = client.post

    def post_and_commit(*args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    client.post = post_and_commit  # type: ignore[method-assign]
    return client


def test_the_whole_cycle_through_http(
    client: Client, period: ReportingPeriod, units: dict[str, ReportingUnit], alice: Any
) -> None:
    alice.email = "alice@example.org"
    alice.save()
    bob = focal_point("bob", units["mwa"])
    carol = User.objects.create_user("carol", email="carol@example.org")
    RoleAssignment.objects.create(user=carol, role=Role.TMU_COORDINATOR)
    plan = period.plan
    meetings, elected, cases, law, budget = (
        Indicator.objects.get(plan=plan, key=key)
        for key in ("C1", "A.I1", "A.2.I1", "A.2.I2", "B.I1")
    )

    client.force_login(alice)
    assert client.post(f"/en/plans/{plan.key}/periods/{period.uuid}/open/").status_code == 302
    # The TMU tunes a rule: more than 10 meetings a quarter needs an explanation.
    ValidationRule.objects.create(
        plan=plan, indicator=meetings, kind="range", severity="warning", maximum=10
    )
    report = Submission.objects.get(period=period, unit=units["mwa"])
    url = f"/en/reports/{report.uuid}/"

    client.force_login(bob)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Save and submit" in html
    assert "Meetings held" in html and "target 2021" in html
    data = form_data(html)
    assert name(cases, cell="sex:female") in data and name(elected, "numerator") in data
    data.update({
        name(meetings): "12",
        name(elected, "numerator"): "3", name(elected, "denominator"): "10",
        name(cases): "5", name(cases, cell="sex:female"): "3", name(cases, cell="sex:male"): "3",
        name(law): "1",
        name(budget, "no_data"): "on",
        "achievements": "Two regional workshops.",
        "submit": "",
    })  # fmt: skip
    page = client.post(url, data)
    html = page.content.decode()
    assert page.status_code == 200 and "was not submitted" in html
    assert "The breakdown adds up to 6, not to the total 5." in html
    assert "12 is above the maximum, 10." in html
    report.refresh_from_db()
    assert report.status == "draft" and report.achievements == "Two regional workshops."
    saved = IndicatorValue.objects.get(submission=report, indicator=meetings, cell="")
    assert saved.value == 12
    assert IndicatorValue.objects.get(submission=report, indicator=budget).no_data
    assert IndicatorValue.objects.get(submission=report, indicator=budget).value is None

    data = form_data(html)
    data.update({name(cases, cell="sex:male"): "2", "submit": ""})
    html = client.post(url, data).content.decode()
    assert "was not submitted" in html and "12 is above the maximum" in html  # not explained
    data = form_data(html)
    data.update({name(meetings, "comment"): "Extra sessions for the elections.", "submit": ""})
    response = client.post(url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted_by == bob
    assert [m.to for m in mail.outbox] == [["alice@example.org"], ["carol@example.org"]]

    client.force_login(alice)
    html = client.get(url).content.decode()
    assert "Save and submit" not in html and "Validate" in html
    client.post(url + "return/", {"reason": "Meetings: attach the minutes."})
    report.refresh_from_db()
    assert report.status == "returned"
    assert mail.outbox[-1].to == ["bob@example.org"]
    assert "Meetings: attach the minutes." in mail.outbox[-1].body

    client.force_login(bob)
    html = client.get(url).content.decode()
    assert "Meetings: attach the minutes." in html
    data = form_data(html)
    data.update({name(meetings): "9", "reason": "Three were one meeting over three days.",
                 "submit": ""})  # fmt: skip
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"

    client.force_login(bob)
    assert client.post(url + "validate/").status_code == 403  # never one's own report
    client.force_login(carol)
    client.post(url + "validate/")
    report.refresh_from_db()
    assert report.status == "validated" and report.validated_by == carol
    html = client.get(url).content.decode()
    assert "Save and submit" not in html and "Reopen" in html
    client.force_login(bob)
    assert client.post(url, {**data, "revision": str(report.revision)}).status_code == 403

    client.force_login(alice)
    client.post(url + "reopen/", {"reason": "The ministry corrected the budget."})
    report.refresh_from_db()
    assert report.status == "draft"
    steps = list(
        AuditEntry.objects.filter(object_id=str(report.uuid), action__startswith="submission.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert steps == [
        "submission.narrative", "submission.submit", "submission.return", "submission.submit",
        "submission.validate", "submission.reopen",
    ]  # fmt: skip

    history = client.get(f"{url}values/{saved.uuid}/").content.decode()
    assert "Three were one meeting over three days." in history
    changes = AuditEntry.objects.filter(object_id=str(saved.uuid)).order_by("pk")
    assert [((c.before or {}).get("value"), (c.after or {})["value"]) for c in changes] == [
        (None, "12"),
        ("12", "12"),  # the comment was added
        ("12", "9"),
    ]
    assert [c.user for c in changes] == [bob, bob, bob]
    assert changes[2].after == {**(changes[1].after or {}), "value": "9",
                                "reason": "Three were one meeting over three days."}  # fmt: skip
