"""Mali's NAP 2019-2023, the default plan: its shape as published."""

from __future__ import annotations

import pytest
from django.db.models import Q

from actors.models import Institution, InstitutionKind
from plans.models import FrameworkElement, Indicator, Plan

pytestmark = pytest.mark.django_db


def codes(plan: Plan, level: str) -> list[str]:
    return list(
        plan.elements.filter(level__key=level).order_by("sort_path").values_list("code", flat=True)
    )


def test_counts_per_level(mali: Plan) -> None:
    counts = {lt.key: lt.elements.count() for lt in mali.level_types.all()}
    assert counts == {"priority": 4, "objective": 4, "result": 15, "output": 35}
    assert mali.indicators.filter(element__isnull=False).count() == 56
    assert mali.indicators.filter(anchor__isnull=False).count() == 7
    assert mali.anchors.count() == 6


def test_codes_as_published_with_their_slips(mali: Plan) -> None:
    assert codes(mali, "priority") == ["1", "2", "3", "4"]
    assert codes(mali, "objective") == ["", "", "", ""]  # the plan publishes none
    assert codes(mali, "result") == [
        "1.1", "1.2", "1.3", "2.1", "2.2", "2.3",
        "3.1", "3.2", "3.3", "3.4", "3.5",
        "4.1", "4.3", "4.4", "4.5",
    ]  # fmt: skip
    under = {
        e.code: [c.code for c in e.children.order_by("position")]
        for e in mali.elements.filter(level__key="result")
    }
    assert under["3.1"] == ["3.2.1", "3.2.2"]
    assert under["3.2"] == ["3.2.1", "3.2.2", "3.2.3", "3.2.4"]
    assert under["4.1"] == ["4.2.1", "4.2.2"]
    assert under["4.3"] == ["4.2.1", "4.2.2", "4.2.3"]
    assert under["4.4"] == ["4.3.1", "4.3.2", "4.3.3"]


def test_every_text_is_in_french_and_english(mali: Plan) -> None:
    for model in (FrameworkElement, Indicator):
        untranslated = model.objects.filter(Q(title_fr="") | Q(title_en=""), plan=mali)
        assert not untranslated.exists(), list(untranslated)
    assert mali.title_fr.startswith("Plan d'action national")
    assert mali.languages["fr"]["official"] is False


def test_indicators_carried_by_two_rows(mali: Plan) -> None:
    assert FrameworkElement.objects.get(plan=mali, key="P1.R3").indicators.count() == 2
    assert FrameworkElement.objects.get(plan=mali, key="P4.R3.O3").indicators.count() == 2


def test_gender_based_violence_indicators_are_sensitive(mali: Plan) -> None:
    sensitive = mali.indicators.filter(sensitive=True)
    assert sensitive.filter(title_en__icontains="sexual and gender-based violence").exists()
    assert all(
        "GBV" in i.title_en or "violence" in i.title_en or "reparation" in i.title_en
        for i in sensitive
    )


def test_monitoring_committee_institutions(mali: Plan) -> None:
    institutions = Institution.objects.filter(country="ML")
    assert institutions.filter(kind=InstitutionKind.MINISTRY).count() == 15
    assert institutions.get(key="mpfef").acronym == "MPFEF"
    assert set(mali.institutions.values_list("key", flat=True)) == set(
        institutions.values_list("key", flat=True)
    )
    for acronym in ("CNDDR", "CNRSS", "TJRC", "MINUSMA", "MISAHEL"):
        assert institutions.filter(acronym=acronym).exists(), acronym
