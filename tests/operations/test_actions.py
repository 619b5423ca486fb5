"""Writing the operational plan: permissions, validation, frozen versions,
identity across versions, comparison, audit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from actors.models import Institution
from nap1325.models import AuditEntry
from operations.actions import (
    adopt,
    create_operational_plan,
    record_funding,
    record_progress,
    remove_activity,
    save_activity,
)
from operations.compare import compare_versions
from operations.models import ActivityVersion, FundingSource, OperationalPlan
from plans.models import Plan
from tests.operations.conftest import activity

pytestmark = pytest.mark.django_db


def test_bob_cannot_change_the_operational_plan(
    costed: OperationalPlan, bob: Any, sources: dict[str, FundingSource]
) -> None:
    with pytest.raises(PermissionDenied):
        save_activity(costed, activity("ACT9", ["B"], []), by=bob)
    with pytest.raises(PermissionDenied):
        create_operational_plan(costed.plan, year=2021, by=bob)
    act1 = costed.activities.get(code="ACT1")
    with pytest.raises(PermissionDenied):
        record_funding(
            act1.activity, year=2020, source=sources["nb"], stage="pledged",
            amount=1, on=date(2020, 1, 1), by=bob,
        )  # fmt: skip


def test_an_institution_does_not_monitor_itself(costed: OperationalPlan, alice: Any) -> None:
    data = activity("ACT9", ["B"], [])
    data.monitor = data.lead
    with pytest.raises(ValidationError) as refused:
        save_activity(costed, data, by=alice)
    assert "monitor" in refused.value.message_dict
    version = costed.activities.get(code="ACT1")
    version.monitor = version.lead
    with pytest.raises(IntegrityError), transaction.atomic():
        version.save()  # the database refuses it too


def test_refused_activities_write_nothing(
    costed: OperationalPlan, alice: Any, sources: dict[str, FundingSource]
) -> None:
    before = (ActivityVersion.objects.count(), AuditEntry.objects.count())
    cases = {
        "quarters": activity("ACT9", ["B"], [], quarters=[(2025, 1)]),
        "budget_lines": activity("ACT9", ["B"], [(2020, sources["nb"], -5, "1")]),
        "code": activity("ACT1", ["B"], []),
        "progress": activity("ACT9", ["B"], [], progress=140),
    }
    for field, data in cases.items():
        with pytest.raises(ValidationError) as refused:
            save_activity(costed, data, by=alice)
        assert field in refused.value.message_dict, field
    late_line = activity("ACT9", ["B"], [(2031, sources["nb"], 5, "1")])
    with pytest.raises(ValidationError, match="outside the plan period"):
        save_activity(costed, late_line, by=alice)
    assert (ActivityVersion.objects.count(), AuditEntry.objects.count()) == before


def test_adopted_versions_are_frozen(costed: OperationalPlan, alice: Any) -> None:
    adopt(costed, by=alice)
    assert costed.frozen and costed.adopted_by == alice
    act1 = costed.activities.get(code="ACT1")
    with pytest.raises(ValidationError, match="adopted and frozen"):
        save_activity(costed, activity("ACT1", ["A.1"], []), by=alice, activity=act1.activity)
    with pytest.raises(ValidationError, match="adopted and frozen"):
        remove_activity(costed, act1.activity, by=alice)
    with pytest.raises(ValidationError, match="already adopted"):
        adopt(costed, by=alice)
    record_progress(act1, status="ongoing", progress=40, by=alice)  # reporting goes on
    act1.refresh_from_db()
    assert (act1.status, act1.progress) == ("ongoing", 40)


def test_one_draft_at_a_time(costed: OperationalPlan, alice: Any) -> None:
    with pytest.raises(ValidationError, match="still a draft"):
        create_operational_plan(costed.plan, year=2021, by=alice)


def test_a_new_version_keeps_identities_and_compares(
    costed: OperationalPlan, alice: Any, sources: dict[str, FundingSource]
) -> None:
    adopt(costed, by=alice)
    second = create_operational_plan(costed.plan, year=2021, by=alice)
    assert (second.number, second.based_on) == (2, costed)
    assert set(second.activities.values_list("activity_id", flat=True)) == set(
        costed.activities.values_list("activity_id", flat=True)
    )
    act1 = second.activities.get(code="ACT1")
    changed = activity(
        "ACT1", ["A.1"], [(2020, sources["nb"], 1_000_000, "3")], quarters=[(2021, 1)]
    )
    save_activity(second, changed, by=alice, activity=act1.activity)
    remove_activity(second, second.activities.get(code="ACT3").activity, by=alice)
    save_activity(second, activity("ACT4", ["B"], []), by=alice)

    changes = {c.code: c for c in compare_versions(costed, second)}
    assert {code: c.kind for code, c in changes.items()} == {
        "ACT1": "changed", "ACT3": "removed", "ACT4": "added"
    }  # fmt: skip
    assert changes["ACT1"].fields["budget_total"] == (3_500_000, 3_000_000)
    assert changes["ACT1"].fields["quarters"] == (["2020-Q1", "2020-Q2"], ["2021-Q1"])
    # The adopted version is untouched.
    assert costed.activities.get(code="ACT1").budget_lines.count() == 2
    assert costed.activities.filter(code="ACT3").exists()


def test_every_change_is_audited(costed: OperationalPlan, alice: Any) -> None:
    act2 = costed.activities.get(code="ACT2")
    data = activity("ACT2", ["A.1"], [])
    save_activity(costed, data, by=alice, activity=act2.activity)
    entry = AuditEntry.objects.filter(action="activity.change").get()
    assert entry.user == alice
    assert entry.before is not None and entry.after is not None
    assert entry.before["elements"] == ["A.1", "A.2"] and entry.after["elements"] == ["A.1"]
    assert entry.before["budget"][1]["amount"] == 500_000 and entry.after["budget"] == []
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"operational_plan.create", "activity.create", "funding.record"} <= actions


def test_funding_must_be_positive_and_in_period(
    costed: OperationalPlan, alice: Any, sources: dict[str, FundingSource]
) -> None:
    act1 = costed.activities.get(code="ACT1").activity
    with pytest.raises(ValidationError) as refused:
        record_funding(
            act1, year=2031, source=sources["nb"], stage="pledged", amount=0,
            on=date(2020, 1, 1), by=alice,
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"year", "amount"}


def test_partners_must_be_named(xx: Plan) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingSource.objects.create(plan=xx, key="x", kind="partner", name_fr="x", name_en="x")
    assert Institution.objects.filter(country="XX").count() == 2


def test_exchange_rates_through_the_admin_are_audited(client: Any, alice: Any) -> None:
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("charlie", password="charlie-long-pass-phrase-3")
    client.force_login(admin)
    response = client.post(
        "/en/admin/operations/exchangerate/add/",
        {"currency": "eur", "xof_per_unit": "655.957", "valid_from": "2019-01-01"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="exchange_rate.set")
    assert entry.user == admin and entry.after is not None
    assert entry.after["currency"] == "EUR"
