"""The TMU tunes the validation rules through their pages; others read them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from actors.models import ReportingUnit
from nap1325.models import AuditEntry
from plans.models import Indicator, Plan
from reporting.models import ValidationRule
from tests.reporting.conftest import focal_point

pytestmark = pytest.mark.django_db


def test_alice_adds_changes_and_removes_a_rule(client: Client, xx: Plan, alice: Any) -> None:
    meetings = Indicator.objects.get(plan=xx, key="C1")
    client.force_login(alice)
    base = f"/en/plans/{xx.key}/rules/"
    assert "No rule yet" in client.get(base).content.decode()
    form = {"indicator": meetings.pk, "kind": "range", "severity": "warning", "active": "on",
            "minimum": "", "maximum": "", "factor": "", "message_fr": "", "message_en": ""}  # fmt: skip
    html = client.post(base + "new/", form).content.decode()
    assert "Give a minimum, a maximum or both." in html
    assert not ValidationRule.objects.exists()
    assert client.post(base + "new/", {**form, "maximum": "10"}).status_code == 302
    rule = ValidationRule.objects.get()
    assert (rule.indicator, rule.maximum) == (meetings, 10)
    assert "Meetings held" in client.get(base).content.decode()
    client.post(f"{base}{rule.pk}/", {**form, "maximum": "12", "severity": "error"})
    rule.refresh_from_db()
    assert (rule.maximum, rule.severity) == (12, "error")
    html = client.post(base + "new/", {**form, "maximum": "5"}).content.decode()
    assert "already exists" in html  # one rule of a kind per indicator
    client.post(f"{base}{rule.pk}/", {**form, "maximum": "12", "remove": ""})
    assert not ValidationRule.objects.exists()
    changes = AuditEntry.objects.filter(action__startswith="rule.").order_by("pk")
    assert [(c.action, (c.before or {}).get("maximum"), (c.after or {}).get("maximum"))
            for c in changes] == [
        ("rule.save", None, "10"), ("rule.save", "10", "12"), ("rule.remove", "12", None)
    ]  # fmt: skip


def test_a_focal_point_reads_the_rules_but_cannot_change_them(
    client: Client, xx: Plan, units: dict[str, ReportingUnit]
) -> None:
    client.force_login(focal_point("bob", units["mwa"]))
    assert client.get(f"/en/plans/{xx.key}/rules/").status_code == 200
    response = client.post(f"/en/plans/{xx.key}/rules/new/", {"kind": "range", "severity": "error",
                                                               "maximum": "1"})  # fmt: skip
    assert response.status_code == 403 and not ValidationRule.objects.exists()
