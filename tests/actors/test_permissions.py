"""The one permission helper, role by role: who may change the operational
plan, record funding, report for a unit, validate."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from actors.models import Institution, ReportingUnit, Role, RoleAssignment
from actors.permissions import may, roles_of

pytestmark = pytest.mark.django_db


def user_with(role: Role, **scope: Any) -> User:
    user = User.objects.create_user(f"{role}-{len(scope)}-{User.objects.count()}")
    RoleAssignment.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def units(mali: Any) -> dict[str, ReportingUnit]:
    health = Institution.objects.get(country="ML", key="mshp")
    justice = Institution.objects.get(country="ML", key="mj")
    return {
        "health": ReportingUnit.objects.create(country="ML", institution=health),
        "justice": ReportingUnit.objects.create(country="ML", institution=justice),
    }


# (role, action) → allowed without an object
TABLE = [
    (Role.ADMINISTRATOR, "change_operational_plan", True),
    (Role.TMU_COORDINATOR, "change_operational_plan", True),
    (Role.ME_OFFICER, "change_operational_plan", True),
    (Role.FOCAL_POINT, "change_operational_plan", False),
    (Role.CSO_REPORTER, "change_operational_plan", False),
    (Role.PARTNER, "change_operational_plan", False),
    (Role.READER, "change_operational_plan", False),
    (Role.PARTNER, "record_funding", True),
    (Role.READER, "record_funding", False),
    (Role.FOCAL_POINT, "record_funding", False),
    (Role.TMU_COORDINATOR, "set_exchange_rate", True),
    (Role.PARTNER, "set_exchange_rate", False),
    (Role.READER, "read_private", True),
    (Role.READER, "validate_reports", False),
    (Role.ME_OFFICER, "validate_reports", True),
    (Role.FOCAL_POINT, "validate_reports", False),
]


@pytest.mark.parametrize(("role", "action", "allowed"), TABLE)
def test_roles(role: Role, action: str, allowed: bool, units: dict[str, ReportingUnit]) -> None:
    scope = {"unit": units["health"]} if role in (Role.FOCAL_POINT, Role.CSO_REPORTER) else {}
    assert may(user_with(role, **scope), action) is allowed


def test_bob_reports_for_his_unit_only(units: dict[str, ReportingUnit]) -> None:
    bob = user_with(Role.FOCAL_POINT, unit=units["health"])
    assert may(bob, "report_for_unit", units["health"])
    assert not may(bob, "report_for_unit", units["justice"])
    assert not may(bob, "report_for_unit")  # no unit: nothing


def test_partners_record_funding_for_their_own_sources(mali: Any) -> None:
    from operations.models import FundingSource

    un_women = Institution.objects.get(country="ML", key="un-women")
    minusma = Institution.objects.get(country="ML", key="minusma")
    theirs = FundingSource.objects.create(
        plan=mali,
        key="unw",
        kind="partner",
        institution=un_women,
        name_fr="ONU Femmes",
        name_en="UN Women",
    )
    other = FundingSource.objects.create(
        plan=mali,
        key="min",
        kind="partner",
        institution=minusma,
        name_fr="MINUSMA",
        name_en="MINUSMA",
    )
    partner = user_with(Role.PARTNER, institution=un_women)
    assert may(partner, "record_funding", theirs)
    assert not may(partner, "record_funding", other)


def test_assignments_have_dates(units: dict[str, ReportingUnit]) -> None:
    today = timezone.localdate()
    former = User.objects.create_user("former")
    RoleAssignment.objects.create(
        user=former, role=Role.ME_OFFICER, since=date(2019, 1, 1), until=today - timedelta(days=1)
    )
    assert not may(former, "change_operational_plan")
    assert roles_of(former) == set()


def test_nobody_without_an_account(units: dict[str, ReportingUnit]) -> None:
    assert not may(AnonymousUser(), "read_private")
    inactive = user_with(Role.ME_OFFICER)
    inactive.is_active = False
    assert not may(inactive, "change_operational_plan")


def test_scoped_roles_need_a_unit(db: Any) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=User.objects.create_user("x"), role=Role.FOCAL_POINT)


def test_focal_points_read_what_is_private_but_not_other_units_reports(
    units: dict[str, ReportingUnit],
) -> None:
    from reporting.models import ReportingPeriod, Submission

    bob = user_with(Role.FOCAL_POINT, unit=units["health"])
    assert may(bob, "read_private")
    from plans.models import Plan

    period = ReportingPeriod.objects.create(
        plan=Plan.objects.get(key="ml-2019-2023"), kind="year", year=2021,
        opens_on=date(2021, 1, 1), deadline=date(2021, 2, 1),
    )  # fmt: skip
    theirs = Submission.objects.create(period=period, unit=units["justice"])
    ours = Submission.objects.create(period=period, unit=units["health"])
    assert may(bob, "read_private", ours)
    assert not may(bob, "read_private", theirs)
