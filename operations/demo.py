"""Fictitious data that shows the operational plan working: versions,
activities, schedule, budget and money for a loaded plan. Reproducible from a
seed; the benchmarks use the same generator at larger sizes.

Everything it makes is marked: activity codes start with "DEMO-", titles say
"(demonstration)", and pages show a banner while demonstration data exists.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F

from actors.models import Institution
from nap1325.models import audit
from operations.actions import (
    ActivityInput,
    BudgetLineInput,
    compute_amount,
    copy_activities,
    write_activity,
)
from operations.models import (
    Activity,
    ActivityStatus,
    ActivityVersion,
    FundingRecord,
    FundingSource,
    OperationalPlan,
    VersionStatus,
)
from places.models import Place
from plans.models import Plan

DEMO_PREFIX = "DEMO-"
STATUSES = [
    ActivityStatus.COMPLETED,
    ActivityStatus.ONGOING,
    ActivityStatus.ONGOING,
    ActivityStatus.PLANNED,
    ActivityStatus.DELAYED,
    ActivityStatus.NOT_STARTED,
    ActivityStatus.CANCELLED,
]


@dataclass
class DemoReport:
    activities: int
    budget_lines: int
    funding_records: int


def has_demo_data() -> bool:
    return ActivityVersion.objects.filter(code__startswith=DEMO_PREFIX).exists()


def remove_demo_data(plan: Plan) -> None:
    with transaction.atomic():
        demo = Activity.objects.filter(plan=plan, versions__code__startswith=DEMO_PREFIX)
        FundingRecord.objects.filter(activity__in=demo).delete()
        Activity.objects.filter(pk__in=demo.values("pk")).delete()
        for version in OperationalPlan.objects.filter(plan=plan).order_by("-number"):
            if not version.activities.exists():
                OperationalPlan.objects.filter(based_on=version).update(based_on=None)
                version.delete()


def make_demo_operational_plan(
    plan: Plan, *, activities_per_output: int = 1, seed: int = 1325, by: Any = None
) -> DemoReport:
    """An adopted first version and a draft second one, for a plan that has
    none yet (a plan's real operational plan is never touched)."""
    if plan.operational_plans.exists():
        raise ValueError(f"{plan.key} already has an operational plan")
    rng = random.Random(seed)
    institutions = list(Institution.objects.filter(country=plan.country).order_by("key"))
    places = list(Place.objects.filter(country=plan.country, level__in=["region", "district"]))
    sources = list(FundingSource.objects.filter(plan=plan))
    if len(institutions) < 2 or not sources:
        raise ValueError(f"{plan.key} needs two institutions and a funding source")
    outputs = list(plan.elements.filter(children__isnull=True).order_by("sort_path"))
    quarters = [(y, q) for y in plan.years for q in (1, 2, 3, 4)]
    lines = records = 0
    with transaction.atomic():
        first = OperationalPlan.objects.create(
            plan=plan, number=1, year=plan.start_year, notes_fr="Données de démonstration.",
            notes_en="Demonstration data.",
        )  # fmt: skip
        number = 0
        for output in outputs:
            for _ in range(activities_per_output):
                number += 1
                lead, monitor = rng.sample(institutions, 2)
                start = rng.randrange(0, len(quarters) - 3)
                length = rng.randint(1, 6)
                budget = [
                    BudgetLineInput(
                        year=year,
                        source=rng.choice(sources),
                        unit_cost=rng.choice([50_000, 150_000, 250_000, 1_000_000]),
                        quantity=Decimal(rng.choice(["1", "2", "4", "10", "2.5"])),
                        label="Atelier / Workshop",
                        unit="jour / day",
                    )
                    for year in sorted({y for y, _q in quarters[start : start + length]})
                ]
                data = ActivityInput(
                    code=f"{DEMO_PREFIX}{number:03d}",
                    title_fr=f"Activité {number} pour « {output.title_fr[:80]} » (démonstration)",
                    title_en=f"Activity {number} for “{output.title_en[:80]}” (demonstration)",
                    lead=lead,
                    monitor=monitor,
                    elements=[output],
                    partners=rng.sample(institutions, rng.randint(0, 2)),
                    places=rng.sample(places, min(len(places), rng.randint(0, 2))),
                    quarters=quarters[start : start + length],
                    status=rng.choice(STATUSES),
                    progress=rng.choice([0, 25, 50, 75, 100]),
                    budget_lines=budget,
                )
                if data.status == ActivityStatus.COMPLETED:
                    data.progress = 100
                version = ActivityVersion(
                    operational_plan=first,
                    activity=Activity.objects.create(plan=plan),
                    position=number,
                )
                write_activity(version, data)
                lines += len(budget)
                for line in budget:
                    planned = compute_amount(line.unit_cost, line.quantity)
                    pledged = planned * rng.choice([0, 50, 100]) // 100
                    for stage, amount in (
                        ("pledged", pledged),
                        ("disbursed", pledged * 3 // 4),
                        ("spent", pledged // 2),
                    ):
                        if amount > 0:
                            FundingRecord.objects.create(
                                activity=version.activity,
                                year=line.year,
                                source=line.source,
                                stage=stage,
                                amount=amount,
                                on=date(line.year, rng.randint(1, 12), rng.randint(1, 28)),
                                institution=line.source.institution,
                                note="démonstration / demonstration",
                            )
                            records += 1
        first.status = VersionStatus.ADOPTED
        first.save(update_fields=["status"])
        # The yearly revision: a draft second version where a few activities were re-costed.
        second = OperationalPlan.objects.create(
            plan=plan, number=2, year=plan.start_year + 1, based_on=first,
            notes_fr="Données de démonstration.", notes_en="Demonstration data.",
        )  # fmt: skip
        copy_activities(first, second)
        for version in second.activities.order_by("position")[::5]:
            version.budget_lines.update(quantity=F("quantity") + 1)
            for costed in version.budget_lines.all():
                costed.amount = compute_amount(costed.unit_cost, costed.quantity)
                costed.save(update_fields=["amount"])
        audit("demo.create", first, user=by, after={"activities": number})
    return DemoReport(number, lines, records)
