"""Helpers of the operational-plan tests (the fixtures are in tests/conftest.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from actors.models import Institution
from operations.actions import (
    ActivityInput,
    BudgetLineInput,
)
from plans.models import FrameworkElement


def activity(code: str, elements: list[str], lines: list[tuple], **extra: Any) -> ActivityInput:
    return ActivityInput(
        code=code,
        title_fr=f"Activité {code}",
        title_en=f"Activity {code}",
        lead=Institution.objects.get(country="XX", key="mwa"),
        monitor=Institution.objects.get(country="XX", key="ngo"),
        elements=list(FrameworkElement.objects.filter(key__in=elements)),
        budget_lines=[
            BudgetLineInput(year=y, source=s, unit_cost=c, quantity=Decimal(q))
            for y, s, c, q in lines
        ],
        **extra,
    )
