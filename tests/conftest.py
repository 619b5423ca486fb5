"""Shared fixtures: Mali's plan loaded once for the whole session, the small
test plan as text, and a cast of users."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command

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
    # The hashed-name manifest exists only after collectstatic (production).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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
