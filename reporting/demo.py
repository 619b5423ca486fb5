"""Fictitious quarterly reports that show the reporting cycle working: named
demonstration users of each role, two years of quarters, and the reports of
every unit in every state (validated, submitted, returned, draft, never
sent). Written through the real actions, so they pass the same checks and
leave the same audit trail. Reproducible from a seed; the benchmarks build
their large reports with `demo_figures` too.

Everything is marked: periods carry `demonstration`, user names start with
"demo-", the civil-society organisation, the responsibilities, the regional
units, the yearly targets and the governance records (meetings,
recommendations, risks: governance.demo) the demo adds are recorded, and
`remove_demo_reports` takes all of it away."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings

from actors.models import Institution, InstitutionKind, ReportingUnit, Role, RoleAssignment
from governance.demo import make_demo_governance, remove_demo_governance
from nap1325.models import AuditEntry, audit
from operations.models import ActivityStatus
from places.models import Place
from plans.models import (
    Direction,
    IndicatorResponsibility,
    IndicatorTarget,
    IndicatorType,
    Plan,
)
from reporting import actions
from reporting.content import TOTAL, Expected, expected
from reporting.entries import ActivityInput, ReportInput, SpendingInput, ValueInput
from reporting.models import PeriodKind, ReportingPeriod, Submission, SubmissionStatus

QUIET = "django.core.mail.backends.dummy.EmailBackend"
DEMO_CSO_KEY = "demo-womens-network"
FICTITIOUS = "Données fictives de démonstration. / Fictitious demonstration data."

# username, first name, last name, role, institution key (units for scoped roles)
DEMO_USERS = [
    ("demo-awa", "Awa", "Traoré", Role.TMU_COORDINATOR, None),
    ("demo-moussa", "Moussa", "Diallo", Role.ME_OFFICER, None),
    ("demo-fatou", "Fatoumata", "Keïta", Role.FOCAL_POINT, "mpfef"),
    ("demo-ibrahim", "Ibrahim", "Coulibaly", Role.FOCAL_POINT, "msipc"),
    ("demo-mariam", "Mariam", "Sangaré", Role.CSO_REPORTER, DEMO_CSO_KEY),
    ("demo-sophie", "Sophie", "Martin", Role.PARTNER, "un-women"),
    ("demo-oumar", "Oumar", "Touré", Role.READER, None),
]


DEMO_USERNAMES = [username for username, *_rest in DEMO_USERS]


@dataclass
class DemoReports:
    users: int
    periods: int
    reports: dict[str, int]  # status → count
    values: int


def has_demo_reports(plan: Plan | None = None) -> bool:
    """Whether demonstration quarters exist (of `plan`, if given: the
    synthetic plan's are its own)."""
    periods = ReportingPeriod.objects.filter(demonstration=True)
    return (periods.filter(plan=plan) if plan is not None else periods).exists()


def demo_users(plan: Plan) -> dict[str, Any]:
    """The named demonstration users, created once; their passwords are set
    by `manage.py demo_login`."""
    cso, _created = Institution.objects.get_or_create(
        country=plan.country,
        key=DEMO_CSO_KEY,
        defaults={
            "kind": InstitutionKind.CSO,
            "name_fr": "Réseau des femmes pour la paix (démonstration)",
            "name_en": "Women's Peace Network (demonstration)",
        },
    )
    users: dict[str, Any] = {}
    for username, first, last, role, key in DEMO_USERS:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created:
            user.set_unusable_password()
            user.save()
            institution = cso if key == DEMO_CSO_KEY else None
            if key and institution is None:
                institution = Institution.objects.get(country=plan.country, key=key)
            unit = None
            if role in (Role.FOCAL_POINT, Role.CSO_REPORTER) and institution is not None:
                unit = ReportingUnit.objects.get_or_create(
                    country=plan.country, institution=institution, place=None
                )[0]
            RoleAssignment.objects.create(
                user=user,
                role=role,
                unit=unit,
                institution=institution if role == Role.PARTNER else None,
            )
        users[username] = user
    return users


def demo_figures(content: Expected, rng: random.Random, *, quarter: int = 1) -> ReportInput:
    """Plausible, consistent figures for everything a report asks: breakdowns
    that add up, percentages with their parts, now and then "no data"."""
    report = ReportInput()
    for row in content.indicators:
        indicator = row.indicator
        key = indicator.pk
        if rng.random() < 0.08:
            report.values[(key, TOTAL)] = ValueInput(no_data=True, comment=FICTITIOUS)
            continue
        kind = indicator.type
        total = ValueInput(comment=FICTITIOUS)
        if kind == IndicatorType.NARRATIVE:
            total.text = (
                f"Progrès du trimestre {quarter} (démonstration). / "
                f"Quarter {quarter} progress (demonstration)."
            )
        elif kind == IndicatorType.YES_NO:
            total.value = Decimal(int(rng.random() < 0.4 + 0.1 * quarter))
        elif kind == IndicatorType.ORDINAL:
            levels = [level.value for level in row.scale] or [1, 2, 3]
            total.value = Decimal(rng.choice(levels))
        parts = row.cells[1:]
        if kind == IndicatorType.PERCENTAGE:
            denominators = [rng.randint(20, 200) for _ in parts] or [rng.randint(20, 400)]
            numerators = [rng.randint(0, d // 2) for d in denominators]
            total.numerator, total.denominator = (
                Decimal(sum(numerators)),
                Decimal(sum(denominators)),
            )
            for cell, n, d in zip(parts, numerators, denominators, strict=False):
                report.values[(key, cell.key)] = ValueInput(
                    numerator=Decimal(n), denominator=Decimal(d)
                )
        elif kind in (IndicatorType.COUNT, IndicatorType.CURRENCY):
            scale = 1_000_000 if kind == IndicatorType.CURRENCY else 1
            amounts = [rng.randint(0, 40) * scale for _ in parts] or [rng.randint(0, 120) * scale]
            total.value = Decimal(sum(amounts))
            for cell, amount in zip(parts, amounts, strict=False):
                report.values[(key, cell.key)] = ValueInput(value=Decimal(amount))
        report.values[(key, TOTAL)] = total
    statuses = [ActivityStatus.ONGOING, ActivityStatus.COMPLETED, ActivityStatus.DELAYED]
    for entry in content.activities:
        status = rng.choice(statuses)
        report.activities[entry.version.activity_id] = ActivityInput(  # type: ignore[attr-defined]
            status=status,
            progress=100 if status == ActivityStatus.COMPLETED else rng.choice([10, 25, 50, 75]),
        )
        for line in entry.budget_lines:
            report.spending[line.pk] = SpendingInput(amount=line.amount * rng.randint(0, 30) // 100)
    report.narrative = {
        "achievements": "Ateliers tenus dans deux régions (démonstration). / "
        "Workshops held in two regions (demonstration).",
        "difficulties": "Insécurité sur certains axes (démonstration). / "
        "Insecurity on some roads (demonstration).",
    }
    return report


def _assign_responsibilities(plan: Plan, rng: random.Random, by: Any) -> None:
    """Most of Mali's indicators name no responsible institution; for the
    demonstration, give each one an institution (recorded, to be removed)."""
    orphans = list(plan.indicators.filter(responsible__isnull=True).order_by("pk"))
    institutions = [
        *plan.institutions.order_by("key"),
        *Institution.objects.filter(country=plan.country, key=DEMO_CSO_KEY),
    ]
    if not orphans or not institutions:
        return
    created = IndicatorResponsibility.objects.bulk_create(
        IndicatorResponsibility(indicator=indicator, institution=rng.choice(institutions))
        for indicator in orphans
    )
    audit("demo.responsibilities", plan, user=by, after={"ids": [r.pk for r in created]})


REGIONAL_INSTITUTION = "mpfef"  # its regional directorates report in every region


def _regional_units(plan: Plan, by: Any) -> None:
    """The ministry for women's directorate in each region reports too, so
    that the dashboards' map has figures (recorded, to be removed)."""
    institution = Institution.objects.filter(country=plan.country, key=REGIONAL_INSTITUTION).first()
    if institution is None:
        return
    created = [
        ReportingUnit.objects.create(country=plan.country, institution=institution, place=region)
        for region in Place.objects.filter(country=plan.country, parent__isnull=True)
        if not ReportingUnit.objects.filter(institution=institution, place=region).exists()
    ]
    if created:
        audit("demo.units", plan, user=by, after={"ids": [unit.pk for unit in created]})


# The share of the way to the target each demonstration target puts the
# actual at, in turn: behind, on track, on track, above, not started.
REACHED = [Decimal("0.6"), Decimal("0.9"), Decimal("1.05"), Decimal("1.4"), Decimal("0.5")]


def _demo_targets(plan: Plan, years: tuple[int, ...], by: Any) -> None:
    """Mali's plan sets no yearly targets. For the demonstration, give each
    measured indicator a target for the demo years, placed so that the
    status bands all appear (recorded, to be removed)."""
    from analytics.aggregation import Span, aggregates

    indicators = list(
        plan.indicators.filter(
            type__in=[IndicatorType.COUNT, IndicatorType.PERCENTAGE, IndicatorType.CURRENCY]
        ).order_by("pk")
    )
    created = []
    for year in years:
        actuals = aggregates(indicators, Span.year(year))
        for index, indicator in enumerate(indicators):
            actual, baseline = actuals[indicator.pk].value, indicator.baseline_value or Decimal(0)
            if (
                actual is None
                or actual <= baseline
                or indicator.direction == Direction.DECREASE
                or indicator.targets.filter(year=year).exists()
            ):
                continue
            target = baseline + (actual - baseline) / REACHED[index % len(REACHED)]
            if indicator.type == IndicatorType.PERCENTAGE:
                target = min(target, Decimal(100))
            created.append(
                IndicatorTarget.objects.create(
                    indicator=indicator, year=year, value=target.quantize(Decimal(1))
                )
            )
    if created:
        audit("demo.targets", plan, user=by, after={"ids": [target.pk for target in created]})


def _fate(rng: random.Random, open_period: bool) -> str:
    if not open_period:
        return rng.choices(["validated", "submitted", "draft"], [85, 8, 7])[0]
    return rng.choices(["validated", "submitted", "returned", "draft"], [30, 25, 20, 25])[0]


def make_demo_reports(plan: Plan, *, years: tuple[int, ...] = (), seed: int = 1325) -> DemoReports:
    """Two years of quarters (the plan's third and fourth by default): the
    older ones locked, the last two open, every report in some state."""
    rng = random.Random(seed)
    users = demo_users(plan)
    coordinator, officer = users["demo-awa"], users["demo-moussa"]
    reporter_of = {
        a.unit_id: a.user
        for a in RoleAssignment.objects.filter(user__in=users.values(), unit__isnull=False)
    }
    years = years or (plan.start_year + 2, plan.start_year + 3)
    counts = {status: 0 for status in SubmissionStatus.values}
    values = 0
    # The demonstration users have no mailbox: the workflow's e-mails stay unsent.
    with override_settings(EMAIL_BACKEND=QUIET), transaction.atomic():
        _assign_responsibilities(plan, rng, coordinator)
        for institution in Institution.objects.filter(indicators__plan=plan).distinct():
            ReportingUnit.objects.get_or_create(
                country=plan.country, institution=institution, place=None
            )
        _regional_units(plan, coordinator)
        periods = [
            period
            for year in years
            for period in actions.plan_periods(
                plan, year, kind=PeriodKind.QUARTER, by=coordinator, demonstration=True
            )
        ]
        for index, period in enumerate(periods):
            still_open = index >= len(periods) - 2
            for submission in actions.open_period(period, by=coordinator):
                fate = _fate(rng, still_open)
                by = reporter_of.get(submission.unit_id, officer)
                content = expected(submission)
                result = actions.save_report(
                    submission,
                    demo_figures(content, rng, quarter=period.quarter or 1),
                    by=by,
                    revision=submission.revision,
                    content=content,
                )
                values += result.changes
                if fate != "draft":
                    actions.submit(submission, by=by, content=content)
                if fate == "validated":
                    validator = officer if by == coordinator else coordinator
                    actions.validate(submission, by=validator)
                elif fate == "returned":
                    actions.return_for_revision(
                        submission,
                        by=officer,
                        reason="Joindre les procès-verbaux (démonstration). / "
                        "Attach the minutes (demonstration).",
                    )
                counts[submission.status] += 1
            if not still_open:
                actions.lock_period(period, by=coordinator)
        _demo_targets(plan, years, coordinator)
        make_demo_governance(plan, years, by=coordinator)
    return DemoReports(len(users), len(periods), counts, values)


def remove_demo_reports(plan: Plan) -> None:
    with transaction.atomic():
        remove_demo_governance(plan)
        periods = ReportingPeriod.objects.filter(plan=plan, demonstration=True)
        Submission.objects.filter(period__in=periods).delete()
        periods.delete()
        recorded = {
            "demo.responsibilities": IndicatorResponsibility.objects,
            "demo.targets": IndicatorTarget.objects,
            "demo.units": ReportingUnit.objects,
        }
        for entry in AuditEntry.objects.filter(action__in=recorded, object_id=str(plan.uuid)):
            ids = (entry.after or {}).get("ids", [])
            recorded[entry.action].filter(pk__in=ids).delete()
            entry.delete()
        demo = get_user_model().objects.filter(username__in=DEMO_USERNAMES)
        RoleAssignment.objects.filter(user__in=demo).delete()
        demo.delete()
        cso = Institution.objects.filter(country=plan.country, key=DEMO_CSO_KEY)
        ReportingUnit.objects.filter(institution__in=cso, submissions__isnull=True).delete()
        cso.filter(reporting_units__isnull=True).delete()
