"""The bodies that run Mali's plan, loaded with it from the plan file."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from actors.models import Body, BodyKind
from plans.models import Plan
from tests.plans.test_loadplan_errors import refuse

pytestmark = pytest.mark.django_db


def test_mali_bodies(mali: Plan) -> None:
    kinds = dict(mali.bodies.values_list("key", "kind"))
    assert kinds == {
        "nmc": BodyKind.MONITORING_COMMITTEE,
        "sc": BodyKind.STEERING_COMMITTEE,
        "tmu": BodyKind.MANAGEMENT_UNIT,
        "cop": BodyKind.COMMUNITY_OF_PRACTICE,
    }
    nmc = Body.objects.get(country="ML", key="nmc")
    assert nmc.meets == "quarterly"
    assert nmc.memberships.count() == 25  # every institution the seed names
    chair = nmc.memberships.get(role="chair")
    assert chair.institution.key == "mpfef"
    assert set(Body.objects.get(country="ML", key="tmu").memberships.values_list(
        "institution__key", flat=True
    )) == {"mpfef"}  # fmt: skip


def test_mali_funding_sources(mali: Plan) -> None:
    assert list(mali.funding_sources.values_list("kind", flat=True)) == [
        "national_budget", "mutual_fund", "to_be_found"
    ]  # fmt: skip


def test_membership_of_an_unknown_institution_is_refused(write_plan: Any, small_plan: dict) -> None:
    small_plan["bodies"] = [
        {
            "id": "committee",
            "kind": "monitoring_committee",
            "name": {"en": "Committee"},
            "members": [
                {
                    "institution": "mwa",
                    "role": "chair",
                    "since": "2021-01-01",
                    "until": "2020-01-01",
                },
                {"institution": "nobody"},
            ],
        }
    ]
    errors = refuse(write_plan(small_plan))
    assert "bodies[0].members[1].institution" in errors
    assert "unknown institution “nobody”" in errors
    assert (
        "bodies[0].members[0].until" in errors and "the membership ends before it starts" in errors
    )


def test_partner_sources_name_their_institution(write_plan: Any, small_plan: dict) -> None:
    small_plan["funding_sources"] = [{"id": "p", "kind": "partner", "name": {"en": "A partner"}}]
    errors = refuse(write_plan(small_plan))
    assert "funding_sources[0]" in errors and "a partner source names its institution" in errors


@pytest.mark.parametrize("language", ["fr", "en"])
def test_body_pages(client: Client, mali: Plan, language: str) -> None:
    nmc = Body.objects.get(country="ML", key="nmc")
    html = client.get(f"/{language}/institutions/bodies/{nmc.uuid}/").content.decode()
    assert (nmc.name_fr if language == "fr" else nmc.name_en) in html
    assert html.count("<tr>") == 26  # header and 25 members
    listing = client.get(f"/{language}/institutions/bodies/").content.decode()
    assert listing.count("<li>") >= 4
