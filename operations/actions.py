"""Every write to the operational plan goes through these actions. Each one
checks permission and state, validates, runs in one transaction and writes its
audit entry; the site, the workbook import and the API all call them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import Institution
from actors.permissions import may
from nap1325.models import audit
from operations.models import (
    Activity,
    ActivityStatus,
    ActivityVersion,
    BudgetLine,
    ExchangeRate,
    FundingRecord,
    FundingSource,
    MoneyStage,
    OperationalPlan,
    ScheduledQuarter,
    VersionStatus,
)
from places.models import Place
from plans.models import FrameworkElement, Plan
from plans.planfile import MAX_LINE_AMOUNT as PLAN_FILE_MAX_LINE_AMOUNT


def can_edit_operations(user: Any) -> bool:
    return may(user, "change_operational_plan")


def can_record_funding(user: Any, source: FundingSource | None = None) -> bool:
    return may(user, "record_funding", source)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not change the operational plan."))


# Limits that keep every amount exact and every sum inside a 64-bit integer.
MAX_UNIT_COST = 10**15  # XOF
MAX_QUANTITY = Decimal(10**9)
MAX_LINE_AMOUNT = PLAN_FILE_MAX_LINE_AMOUNT  # XOF per budget line
QUANTITY_DECIMALS = 2
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def compute_amount(unit_cost: int, quantity: Decimal) -> int:
    return int((Decimal(unit_cost) * quantity).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class BudgetLineInput:
    year: int
    source: FundingSource
    unit_cost: int
    quantity: Decimal
    label: str = ""
    unit: str = ""


@dataclass
class ActivityInput:
    """An activity as a form or a workbook row gives it, before it is written."""

    code: str
    title_fr: str
    title_en: str
    lead: Institution | None
    monitor: Institution | None
    description_fr: str = ""
    description_en: str = ""
    deliverable_fr: str = ""
    deliverable_en: str = ""
    elements: list[FrameworkElement] = field(default_factory=list)
    partners: list[Institution] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    quarters: list[tuple[int, int]] = field(default_factory=list)
    status: str = ActivityStatus.PLANNED
    progress: int = 0
    unplanned: bool = False
    budget_lines: list[BudgetLineInput] = field(default_factory=list)


def activity_problems(
    operational_plan: OperationalPlan, data: ActivityInput, activity: Activity | None = None
) -> dict[str, list[str]]:
    """What is wrong with an activity before it is written, by field."""
    plan = operational_plan.plan
    problems: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if not data.code.strip():
        add("code", _("The code is required."))
    else:
        taken = operational_plan.activities.filter(code=data.code.strip())
        if activity is not None:
            taken = taken.exclude(activity=activity)
        if taken.exists():
            add(
                "code",
                _("Another activity of this version has the code %(code)s.") % {"code": data.code},
            )
    if not data.title_fr.strip() and not data.title_en.strip():
        add("title_fr", _("Give the title in French or in English."))
    if data.lead is None:
        add("lead", _("The lead institution is required."))
    if data.monitor is None:
        add("monitor", _("The monitoring institution is required."))
    if data.lead is not None and data.lead == data.monitor:
        add(
            "monitor",
            _("The monitoring institution must differ from the lead institution."),
        )
    for year, quarter in data.quarters:
        if year not in plan.years or quarter not in (1, 2, 3, 4):
            add(
                "quarters",
                _("%(year)d Q%(quarter)d is outside the plan period %(start)d-%(end)d.")
                % {
                    "year": year,
                    "quarter": quarter,
                    "start": plan.start_year,
                    "end": plan.end_year,
                },
            )
    if data.status not in ActivityStatus.values:
        add("status", _("Unknown status %(status)s.") % {"status": data.status})
    if not 0 <= data.progress <= 100:
        add("progress", _("Progress is a percentage between 0 and 100."))
    for element in data.elements:
        if element.plan_id != plan.pk:
            add("elements", _("%(element)s is not in this plan.") % {"element": element})
    for name in (
        "code", "title_fr", "title_en", "description_fr", "description_en",
        "deliverable_fr", "deliverable_en",
    ):  # fmt: skip
        if CONTROL_CHARACTERS.search(getattr(data, name)):
            add(name, _("This text has an invalid character."))
    for index, line in enumerate(data.budget_lines, start=1):
        if line.year not in plan.years:
            add(
                "budget_lines",
                _("Line %(line)d: the year %(year)d is outside the plan period.")
                % {"line": index, "year": line.year},
            )
        if line.unit_cost < 0 or line.quantity < 0:
            add("budget_lines", _("Line %(line)d: amounts cannot be negative.") % {"line": index})
        elif (
            not line.quantity.is_finite()
            or line.unit_cost > MAX_UNIT_COST
            or line.quantity > MAX_QUANTITY
            or compute_amount(line.unit_cost, line.quantity) > MAX_LINE_AMOUNT
        ):
            add(
                "budget_lines",
                _("Line %(line)d: the amount is larger than %(limit)s XOF.")
                % {"line": index, "limit": f"{MAX_LINE_AMOUNT:,}"},
            )
        if line.quantity.is_finite() and line.quantity != line.quantity.quantize(
            Decimal(1).scaleb(-QUANTITY_DECIMALS)
        ):
            add(
                "budget_lines",
                _("Line %(line)d: the quantity has more than 2 decimals.") % {"line": index},
            )
        if line.source.plan_id != plan.pk:
            add("budget_lines", _("Line %(line)d: unknown funding source.") % {"line": index})
    return problems


def activity_snapshot(version: ActivityVersion) -> dict[str, Any]:
    """The plain content of an activity version: for the audit trail and for
    comparing versions."""
    return {
        "code": version.code,
        "title_fr": version.title_fr,
        "title_en": version.title_en,
        "description_fr": version.description_fr,
        "description_en": version.description_en,
        "deliverable_fr": version.deliverable_fr,
        "deliverable_en": version.deliverable_en,
        "elements": sorted(e.key for e in version.elements.all()),
        "lead": version.lead.key if version.lead else None,
        "monitor": version.monitor.key if version.monitor else None,
        "partners": sorted(i.key for i in version.partners.all()),
        "places": sorted(p.code for p in version.places.all()),
        "quarters": [f"{q.year}-Q{q.quarter}" for q in version.schedule.all()],
        "status": version.status,
        "progress": version.progress,
        "unplanned": version.unplanned,
        "budget": [
            {
                "year": line.year,
                "source": line.source.key,
                "label": line.label,
                "unit": line.unit,
                "unit_cost": line.unit_cost,
                "quantity": str(line.quantity),
                "amount": line.amount,
            }
            for line in version.budget_lines.all()
        ],
    }


def input_snapshot(data: ActivityInput) -> dict[str, Any]:
    """What `activity_snapshot` would read once `data` is written."""
    return {
        "code": data.code.strip(),
        "title_fr": data.title_fr.strip(),
        "title_en": data.title_en.strip(),
        "description_fr": data.description_fr.strip(),
        "description_en": data.description_en.strip(),
        "deliverable_fr": data.deliverable_fr.strip(),
        "deliverable_en": data.deliverable_en.strip(),
        "elements": sorted(e.key for e in data.elements),
        "lead": data.lead.key if data.lead else None,
        "monitor": data.monitor.key if data.monitor else None,
        "partners": sorted(i.key for i in data.partners),
        "places": sorted(p.code for p in data.places),
        "quarters": [f"{y}-Q{q}" for y, q in sorted(set(data.quarters))],
        "status": data.status,
        "progress": data.progress,
        "unplanned": data.unplanned,
        "budget": [
            {
                "year": line.year,
                "source": line.source.key,
                "label": line.label.strip(),
                "unit": line.unit.strip(),
                "unit_cost": line.unit_cost,
                "quantity": str(line.quantity.quantize(Decimal("0.01"))),
                "amount": compute_amount(line.unit_cost, line.quantity),
            }
            for line in data.budget_lines
        ],
    }


def _check_open(operational_plan: OperationalPlan) -> None:
    if operational_plan.frozen:
        raise ValidationError(
            _("Version %(number)d is adopted and frozen: start a new version to change it.")
            % {"number": operational_plan.number}
        )


def write_activity(version: ActivityVersion, data: ActivityInput) -> None:
    """Write an activity version's content (the callers check and audit)."""
    version.code = data.code.strip()
    for name in (
        "title_fr",
        "title_en",
        "description_fr",
        "description_en",
        "deliverable_fr",
        "deliverable_en",
        "lead",
        "monitor",
        "status",
        "progress",
        "unplanned",
    ):
        value = getattr(data, name)
        setattr(version, name, value.strip() if isinstance(value, str) else value)
    version.save()
    version.elements.set(data.elements)
    version.partners.set(data.partners)
    version.places.set(data.places)
    version.schedule.all().delete()
    ScheduledQuarter.objects.bulk_create(
        ScheduledQuarter(activity_version=version, year=year, quarter=quarter)
        for year, quarter in sorted(set(data.quarters))
    )
    version.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(
            activity_version=version,
            year=line.year,
            source=line.source,
            label=line.label.strip(),
            unit=line.unit.strip(),
            unit_cost=line.unit_cost,
            quantity=line.quantity,
            amount=compute_amount(line.unit_cost, line.quantity),
            position=position,
        )
        for position, line in enumerate(data.budget_lines)
    )


def save_activity(
    operational_plan: OperationalPlan,
    data: ActivityInput,
    *,
    by: Any,
    activity: Activity | None = None,
) -> ActivityVersion:
    """Create an activity in a draft version, or change its version there."""
    _require(can_edit_operations(by))
    with transaction.atomic():
        operational_plan = OperationalPlan.objects.select_for_update().get(pk=operational_plan.pk)
        _check_open(operational_plan)
        problems = activity_problems(operational_plan, data, activity)
        if problems:
            raise ValidationError(problems)
        before = None
        if activity is None:
            activity = Activity.objects.create(plan=operational_plan.plan)
            version = ActivityVersion(
                operational_plan=operational_plan,
                activity=activity,
                position=operational_plan.activities.count(),
            )
        else:
            version = ActivityVersion.objects.get(
                operational_plan=operational_plan, activity=activity
            )
            before = activity_snapshot(version)
        write_activity(version, data)
        audit(
            "activity.create" if before is None else "activity.change",
            version,
            user=by,
            before=before,
            after=activity_snapshot(version),
            summary=f"{operational_plan} {version.code}",
        )
    return version


def remove_activity(operational_plan: OperationalPlan, activity: Activity, *, by: Any) -> None:
    """Take an activity out of a draft version (it stays in earlier versions)."""
    _require(can_edit_operations(by))
    with transaction.atomic():
        operational_plan = OperationalPlan.objects.select_for_update().get(pk=operational_plan.pk)
        _check_open(operational_plan)
        version = ActivityVersion.objects.get(operational_plan=operational_plan, activity=activity)
        audit("activity.remove", version, user=by, before=activity_snapshot(version))
        version.delete()
        if not activity.versions.exists() and not activity.funding.exists():
            activity.delete()


def record_progress(version: ActivityVersion, *, status: str, progress: int, by: Any) -> None:
    """Implementation status and progress change during the year, also in an
    adopted version: they report what happens, not what is planned."""
    _require(can_edit_operations(by))
    if status not in ActivityStatus.values or not 0 <= progress <= 100:
        raise ValidationError(_("Give a known status and a progress between 0 and 100."))
    with transaction.atomic():
        before = {"status": version.status, "progress": version.progress}
        ActivityVersion.objects.filter(pk=version.pk).update(status=status, progress=progress)
        audit(
            "activity.progress",
            version,
            user=by,
            before=before,
            after={"status": status, "progress": progress},
        )
    version.status, version.progress = status, progress


def create_operational_plan(plan: Plan, *, year: int, by: Any) -> OperationalPlan:
    """The next version of a plan's operational plan: a copy of the latest
    one (activities keep their identity), or an empty first version."""
    _require(can_edit_operations(by))
    with transaction.atomic():
        latest = (
            OperationalPlan.objects.select_for_update()
            .filter(plan=plan)
            .order_by("-number")
            .first()
        )
        if latest is not None and not latest.frozen:
            raise ValidationError(
                _("Version %(number)d is still a draft: adopt it before starting the next one.")
                % {"number": latest.number}
            )
        new = OperationalPlan.objects.create(
            plan=plan, number=(latest.number + 1) if latest else 1, year=year, based_on=latest
        )
        if latest is not None:
            copy_activities(latest, new)
        audit("operational_plan.create", new, user=by, after={"number": new.number, "year": year})
    return new


def copy_activities(source: OperationalPlan, target: OperationalPlan) -> None:
    """Copy every activity of a version into a new one, keeping identities."""
    versions = source.activities.prefetch_related(
        "elements", "partners", "places", "schedule", "budget_lines"
    )
    for old in versions:
        new = ActivityVersion.objects.create(
            operational_plan=target,
            activity_id=old.activity_id,
            code=old.code,
            position=old.position,
            title_fr=old.title_fr,
            title_en=old.title_en,
            description_fr=old.description_fr,
            description_en=old.description_en,
            deliverable_fr=old.deliverable_fr,
            deliverable_en=old.deliverable_en,
            lead_id=old.lead_id,
            monitor_id=old.monitor_id,
            status=old.status,
            progress=old.progress,
            unplanned=old.unplanned,
        )
        new.elements.set(old.elements.all())
        new.partners.set(old.partners.all())
        new.places.set(old.places.all())
        ScheduledQuarter.objects.bulk_create(
            ScheduledQuarter(activity_version=new, year=q.year, quarter=q.quarter)
            for q in old.schedule.all()
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                activity_version=new,
                year=line.year,
                source_id=line.source_id,
                label=line.label,
                unit=line.unit,
                unit_cost=line.unit_cost,
                quantity=line.quantity,
                amount=line.amount,
                position=line.position,
            )
            for line in old.budget_lines.all()
        )


def adopt(operational_plan: OperationalPlan, *, by: Any) -> None:
    """Adopt a draft version; from then on its content is frozen."""
    _require(can_edit_operations(by))
    with transaction.atomic():
        adopted = OperationalPlan.objects.filter(
            pk=operational_plan.pk, status=VersionStatus.DRAFT
        ).update(status=VersionStatus.ADOPTED, adopted_at=timezone.now(), adopted_by=by)
        if adopted != 1:
            raise ValidationError(_("This version is already adopted."))
        audit("operational_plan.adopt", operational_plan, user=by, after={"status": "adopted"})
    operational_plan.refresh_from_db()


def record_funding(
    activity: Activity,
    *,
    year: int,
    source: FundingSource,
    stage: str,
    amount: int,
    on: date,
    by: Any,
    institution: Institution | None = None,
    note: str = "",
) -> FundingRecord:
    """A pledge, a disbursement or an expense for an activity."""
    _require(can_record_funding(by, source))
    problems: dict[str, list[str]] = {}
    if stage not in MoneyStage.values:
        problems["stage"] = [_("Unknown stage.")]
    if amount <= 0:
        problems["amount"] = [_("The amount must be positive.")]
    elif amount > MAX_LINE_AMOUNT:
        problems["amount"] = [
            _("The amount is larger than %(limit)s XOF.") % {"limit": f"{MAX_LINE_AMOUNT:,}"}
        ]
    if (
        institution is not None
        and not can_edit_operations(by)
        and institution != source.institution
    ):
        problems["institution"] = [_("A partner records the money of its own institution.")]
    if year not in activity.plan.years:
        problems["year"] = [_("The year is outside the plan period.")]
    if source.plan_id != activity.plan_id:
        problems["source"] = [_("Unknown funding source.")]
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        record = FundingRecord.objects.create(
            activity=activity,
            year=year,
            source=source,
            stage=stage,
            amount=amount,
            on=on,
            institution=institution,
            note=note.strip(),
            recorded_by=by if by.is_authenticated else None,
        )
        audit(
            "funding.record",
            record,
            user=by,
            after={
                "activity": str(activity.uuid),
                "year": year,
                "source": source.key,
                "stage": stage,
                "amount": amount,
                "on": on.isoformat(),
            },
        )
    return record


def set_exchange_rate(
    currency: str, xof_per_unit: Decimal, valid_from: date, *, by: Any
) -> ExchangeRate:
    _require(may(by, "set_exchange_rate"))
    currency = currency.strip().upper()
    if len(currency) != 3 or not currency.isalpha() or currency == "XOF":
        raise ValidationError(
            {"currency": [_("Give a three-letter currency code other than XOF.")]}
        )
    if xof_per_unit <= 0:
        raise ValidationError({"xof_per_unit": [_("The rate must be positive.")]})
    with transaction.atomic():
        rate, _created = ExchangeRate.objects.update_or_create(
            currency=currency,
            valid_from=valid_from,
            defaults={"xof_per_unit": xof_per_unit, "set_by": by},
        )
        audit(
            "exchange_rate.set",
            rate,
            user=by,
            after={
                "currency": currency,
                "xof_per_unit": str(xof_per_unit),
                "from": str(valid_from),
            },
        )
    return rate
