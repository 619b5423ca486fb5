"""Mali's report for the mobile route: the ministry for women (mpfef) reports
for the second quarter of 2021 on an indicator of each type (a count broken
down by committee, a percentage broken down by forum level, yes/no, a level on
a four-step scale, a narrative, a count without breakdown) and on the two
activities it leads, with their 2021 budget lines; fatou is its focal point,
ibrahim the focal point of the ministry of security (msipc).

The report's identifier is fixed, so that the sample exports of
tests/fixtures/ (kobo-export.csv, kobo-export.json), made from this report's
form, find it."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from actors.models import Institution, ReportingUnit
from operations.actions import (
    ActivityInput,
    BudgetLineInput,
    adopt,
    create_operational_plan,
    save_activity,
)
from operations.models import FundingSource
from plans.models import IndicatorResponsibility, Plan, ScaleLevel
from reporting.actions import open_period
from reporting.models import ReportingPeriod, Submission, ValidationRule
from tests.reporting.conftest import focal_point

REPORT = uuid.UUID("0b6e3c52-8a7d-4f4e-9a51-1325a1325b01")
# Mali's indicators the ministry reports on, one of each kind.
INDICATORS = (
    "P1.OBJ.I1",  # narrative
    "P1.R1.I1",  # ordinal, given a scale here
    "P1.R2.O2.I1",  # percentage by forum level (3)
    "P2.R3.O2.I1",  # yes/no
    "coordination.I1",  # count by committee (2)
    "monitoring-evaluation.I1",  # count, mpfef's in the plan file already
)
SCALE = [
    (1, "Faible", "Low"),
    (2, "Moyen", "Medium"),
    (3, "Élevé", "High"),
    (4, "Très élevé", "Very high"),
]


@pytest.fixture
def mali_report(mali: Plan, alice: User) -> Submission:
    mpfef = Institution.objects.get(country="ML", key="mpfef")
    msipc = Institution.objects.get(country="ML", key="msipc")
    for key in INDICATORS:
        IndicatorResponsibility.objects.get_or_create(
            indicator=mali.indicators.get(key=key), institution=mpfef
        )
    IndicatorResponsibility.objects.get_or_create(
        indicator=mali.indicators.get(key="P2.R3.O1.I1"), institution=msipc
    )
    ordinal = mali.indicators.get(key="P1.R1.I1")
    ScaleLevel.objects.bulk_create(
        ScaleLevel(indicator=ordinal, value=value, label_fr=french, label_en=english)
        for value, french, english in SCALE
    )
    sources = {s.key: s for s in FundingSource.objects.filter(plan=mali)}
    version = create_operational_plan(mali, year=2021, by=alice)
    element = mali.elements.get(key="P1")
    for code, title_fr, title_en, lines in (
        ("MOB-1", "Former les médiatrices", "Train women mediators",
         [("national-budget", 1_500_000, "1", "Formation"), ("mutual-fund", 250_000, "4", "Transport")]),
        ("MOB-2", "Campagne radio", "Radio campaign", [("mutual-fund", 600_000, "1", "")]),
    ):  # fmt: skip
        save_activity(
            version,
            ActivityInput(
                code=code,
                title_fr=title_fr,
                title_en=title_en,
                lead=mpfef,
                monitor=msipc,
                elements=[element],
                quarters=[(2021, 2)],
                budget_lines=[
                    BudgetLineInput(
                        year=2021,
                        source=sources[source],
                        unit_cost=cost,
                        quantity=Decimal(quantity),
                        label=label,
                    )
                    for source, cost, quantity, label in lines
                ],
            ),
            by=alice,
        )
    adopt(version, by=alice)
    for institution in (mpfef, msipc):
        ReportingUnit.objects.create(country="ML", institution=institution)
    period = ReportingPeriod.objects.create(
        plan=mali, kind="quarter", year=2021, quarter=2,
        opens_on=date(2021, 6, 15), deadline=date(2021, 7, 31),
    )  # fmt: skip
    open_period(period, by=alice)
    # The TMU's rules: more than 12 committee meetings a quarter is a typing
    # error; a share of women below 10 % needs an explanation.
    for key, severity, minimum, maximum in (
        ("coordination.I1", "error", None, Decimal(12)),
        ("P1.R2.O2.I1", "warning", Decimal(10), None),
    ):
        ValidationRule.objects.create(
            plan=mali, indicator=mali.indicators.get(key=key), kind="range",
            severity=severity, minimum=minimum, maximum=maximum,
        )  # fmt: skip
    report = Submission.objects.get(period=period, unit__institution=mpfef)
    Submission.objects.filter(pk=report.pk).update(uuid=REPORT)
    report.refresh_from_db()
    return report


@pytest.fixture
def fatou(mali_report: Submission) -> User:
    return focal_point("fatou", mali_report.unit)


@pytest.fixture
def ibrahim(mali_report: Submission) -> User:
    return focal_point("ibrahim", ReportingUnit.objects.get(institution__key="msipc"))


def other_report(mali_report: Submission) -> Any:
    return Submission.objects.get(period=mali_report.period, unit__institution__key="msipc")
