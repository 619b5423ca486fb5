"""A global set, indicator and tag made by hand, for tests that need one of
each without loading the shipped reference lists."""

from __future__ import annotations

from typing import Any

from alignment.models import Alignment, GlobalIndicator, GlobalIndicatorSet


def a_tag(plan: Any) -> Alignment:
    indicator_set, _created = GlobalIndicatorSet.objects.get_or_create(
        key="test-set",
        defaults={
            "title_fr": "Jeu d'essai", "title_en": "Test set", "publisher": "Test",
            "document": "T/1", "year": 2020,
        },
    )  # fmt: skip
    global_indicator, _created = GlobalIndicator.objects.get_or_create(
        set=indicator_set,
        code="1.1",
        defaults={"title_fr": "Un", "title_en": "One", "checked_against": "nothing"},
    )
    return Alignment.objects.get_or_create(
        indicator=plan.indicators.first(), global_indicator=global_indicator
    )[0]
