"""Demonstration data: reproducible, marked on every page, removable."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from operations.compare import compare_versions
from operations.models import ActivityVersion, OperationalPlan
from operations.rollups import money_cells, plan_total
from plans.models import Plan

pytestmark = pytest.mark.django_db


def test_demo_data_is_marked_and_removable(client: Client, mali: Plan) -> None:
    assert "Demonstration data" not in client.get("/en/").content.decode()
    call_command("loadplaces", verbosity=0)
    call_command("demo", stdout=io.StringIO())
    first, second = OperationalPlan.objects.filter(plan=mali).order_by("number")
    assert first.frozen and not second.frozen
    demo = ActivityVersion.objects.filter(operational_plan=first)
    assert demo.count() == mali.elements.filter(children__isnull=True).count()
    assert all(v.code.startswith("DEMO-") and v.lead_id != v.monitor_id for v in demo)
    assert plan_total(money_cells(first)).planned > 0
    assert {c.kind for c in compare_versions(first, second)} == {"changed"}
    for url in ("/en/", f"/fr/plans/{mali.key}/operations/1/schedule/"):
        assert "demo-banner" in client.get(url).content.decode()
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "rien n'a été ajouté" in out.getvalue()  # commands speak the platform's language
    call_command("demo", "--remove", stdout=io.StringIO())
    assert not OperationalPlan.objects.filter(plan=mali).exists()
    assert "demo-banner" not in client.get("/en/").content.decode()


def test_demo_data_is_reproducible(mali: Plan) -> None:
    from operations.demo import make_demo_operational_plan, remove_demo_data

    make_demo_operational_plan(mali, seed=7)
    first = plan_total(money_cells(OperationalPlan.objects.get(plan=mali, number=1)))
    remove_demo_data(mali)
    make_demo_operational_plan(mali, seed=7)
    assert plan_total(money_cells(OperationalPlan.objects.get(plan=mali, number=1))) == first
