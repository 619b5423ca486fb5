"""Shared fixtures: Mali's plan loaded once for the whole session, the small
test plan as text, and a cast of users."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command

if TYPE_CHECKING:
    from operations.models import FundingSource, OperationalPlan
    from plans.models import Plan

ROOT = Path(__file__).resolve().parent.parent
MALI_PLAN = ROOT / "nap1325" / "data" / "plans" / "mali-2019-2023.yaml"
SMALL_PLAN = Path(__file__).resolve().parent / "fixtures" / "small-plan.yaml"


def compile_translations() -> None:
    """Compile the translations so that pages are tested in both languages,
    whether the suite runs through `make test` or bare `pytest`. Done when
    this module is imported, before Django reads any catalogue."""
    for po_path in (ROOT / "locale").glob("*/LC_MESSAGES/django.po"):
        mo_path = po_path.with_suffix(".mo")
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
    # Django may have read a catalogue already (while setting up): forget it.
    from django.utils.translation import trans_real

    vars(trans_real).update(_translations={}, _default=None)


compile_translations()


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        call_command("loadplaces", verbosity=0)  # Mali's regions and cercles, with outlines
        call_command("loadplan", str(MALI_PLAN), verbosity=0)


@pytest.fixture
def mali(db: Any) -> Any:
    from plans.models import Plan

    return Plan.objects.get(key=settings.DEFAULT_PLAN)


@pytest.fixture(scope="session")
def small_plan_source() -> dict[str, Any]:
    return yaml.safe_load(SMALL_PLAN.read_text(encoding="utf-8"))


@pytest.fixture
def small_plan(small_plan_source: dict[str, Any]) -> dict[str, Any]:
    """A fresh, mutable copy of the small plan file's data."""
    return copy.deepcopy(small_plan_source)


@pytest.fixture
def write_plan(tmp_path: Path) -> Any:
    """Write plan data (a mapping, or raw text) to a file and return its path."""

    def write(data: dict[str, Any] | str, name: str = "plan.yaml") -> Path:
        path = tmp_path / name
        text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def plain_http(settings: Any) -> None:
    """Production settings redirect to HTTPS; the test client speaks plain HTTP."""
    settings.SECURE_SSL_REDIRECT = False
    # Real password rules are tested; the slow production hash is not needed for that.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The hashed-name manifest exists only after collectstatic (production).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    """Uploaded files land in the test's own folder, never in the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def alice(db: Any) -> Any:
    """Alice, M&E officer of the Technical Management Unit."""
    from django.contrib.auth.models import User

    from actors.models import Role, RoleAssignment

    user = User.objects.create_user("alice", password="alice-long-pass-phrase-1")
    RoleAssignment.objects.create(user=user, role=Role.ME_OFFICER)
    return user


@pytest.fixture
def bob(db: Any) -> Any:
    """Bob, focal point of a ministry: he reports, he does not plan."""
    from django.contrib.auth.models import User

    return User.objects.create_user("bob", password="bob-long-pass-phrase-22")


@pytest.fixture(autouse=True)
def english_by_default() -> Any:
    """Code outside a request speaks the active language; tests that read
    messages pick it explicitly, pages take it from their URL."""
    from django.utils import translation

    with translation.override("en"):
        yield


# --- a small plan with an operational plan whose money is computed by hand ---


@pytest.fixture
def xx(db: Any, small_plan: dict) -> Plan:
    from plans.loading import load_plan
    from plans.planfile import read_plan_text

    return load_plan(read_plan_text(yaml.safe_dump(small_plan))).plan


@pytest.fixture
def sources(xx: Plan) -> dict[str, FundingSource]:
    from actors.models import Institution
    from operations.models import FundingSource

    mwa = Institution.objects.get(country="XX", key="mwa")
    ngo = Institution.objects.get(country="XX", key="ngo")
    return {
        "nb": FundingSource.objects.create(
            plan=xx, key="nb", kind="national_budget", name_fr="Budget national",
            name_en="National budget", institution=mwa,
        ),
        "mf": FundingSource.objects.create(
            plan=xx, key="mf", kind="mutual_fund", name_fr="Fonds commun", name_en="Mutual fund",
        ),
        "p1": FundingSource.objects.create(
            plan=xx, key="p1", kind="partner", name_fr="Réseau", name_en="Network", institution=ngo,
        ),
    }  # fmt: skip


@pytest.fixture
def costed(xx: Plan, sources: dict[str, FundingSource], alice: Any) -> OperationalPlan:
    """Three activities; the expected figures are worked out in test_rollups."""
    nb, mf, p1 = sources["nb"], sources["mf"], sources["p1"]
    from datetime import date

    from operations.actions import create_operational_plan, record_funding, save_activity
    from tests.operations.conftest import activity

    version = create_operational_plan(xx, year=2020, by=alice)
    act1 = save_activity(
        version,
        activity("ACT1", ["A.1"], [(2020, nb, 1_000_000, "2"), (2021, p1, 500_000, "3")],
                 quarters=[(2020, 1), (2020, 2)]),
        by=alice,
    )  # fmt: skip
    act2 = save_activity(
        version,
        activity("ACT2", ["A.1", "A.2"], [(2020, mf, 250_000, "4"), (2020, nb, 333_333, "1.5")]),
        by=alice,
    )
    act3 = save_activity(version, activity("ACT3", ["B"], [(2021, p1, 2_000_000, "1")]), by=alice)
    on = date(2020, 3, 1)
    record_funding(
        act1.activity, year=2020, source=nb, stage="pledged", amount=2_000_000, on=on, by=alice
    )
    record_funding(
        act1.activity, year=2020, source=nb, stage="disbursed", amount=1_500_000, on=on, by=alice
    )
    record_funding(
        act1.activity, year=2020, source=nb, stage="spent", amount=1_200_000, on=on, by=alice
    )
    record_funding(
        act3.activity, year=2021, source=p1, stage="pledged", amount=1_000_000, on=on, by=alice
    )
    record_funding(
        act2.activity, year=2020, source=mf, stage="pledged", amount=600_000, on=on, by=alice
    )
    record_funding(
        act2.activity, year=2020, source=mf, stage="pledged", amount=400_000, on=on, by=alice
    )
    return version
