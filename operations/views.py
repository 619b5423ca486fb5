"""Pages of the operational plan: versions, money roll-ups, the quarter grid,
activities (read by all, changed by the Technical Management Unit),
comparison of versions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nap1325.forms import attach_errors
from nap1325.tables import XLSX, download
from operations import actions
from operations.compare import compare_versions
from operations.forms import (
    ActivityForm,
    BudgetLineFormSet,
    FundingForm,
    budget_initial,
)
from operations.models import (
    ActivityStatus,
    ActivityVersion,
    FundingSource,
    OperationalPlan,
)
from operations.rollups import (
    DISCREPANCY_THRESHOLD,
    completion_by_element,
    convert,
    money_cells,
    plan_summary,
    plan_total,
    rate_on,
    stakeholder_shares,
    totals,
    totals_by_element,
)
from operations.schedule import is_late, plan_quarters, quarter_label
from operations.tables import (
    budget_table,
    change_table,
    funding_table,
    money_tables,
    schedule_table,
    side_by_side_tables,
    version_table,
)
from operations.workbook import WorkbookError, WorkbookInvalid, build_workbook, import_workbook
from plans.models import Plan
from plans.views import get_plan

CURRENCIES = ("EUR", "USD")


def get_version(plan: Plan, number: int) -> OperationalPlan:
    return get_object_or_404(OperationalPlan, plan=plan, number=number)


def operational_plans(request: HttpRequest, key: str) -> HttpResponse:
    plan = get_plan(key)
    versions = list(
        plan.operational_plans.annotate(activity_total=Count("activities")).order_by("-number")
    )
    table = version_table(versions)
    if answer := download(request, [table], f"{plan.key}-operational-plan", {"plan": plan.key}):
        return answer
    return render(
        request,
        "operations/versions.html",
        {
            "plan": plan,
            "versions": versions,
            "table": table,
            "can_edit": actions.can_edit_operations(request.user),
            "this_year": timezone.localdate().year,
        },
    )


@require_POST
@login_required
def start_version(request: HttpRequest, key: str) -> HttpResponse:
    plan = get_plan(key)
    try:
        year = int(request.POST.get("year", ""))
        version = actions.create_operational_plan(plan, year=year, by=request.user)
    except (ValueError, ValidationError) as exc:
        messages.error(request, _messages(exc))
        return redirect("operational_plans", plan.key)
    messages.success(request, _("Version %(number)d created.") % {"number": version.number})
    return redirect(version)


@require_POST
@login_required
def adopt_version(request: HttpRequest, key: str, number: int) -> HttpResponse:
    version = get_version(get_plan(key), number)
    try:
        actions.adopt(version, by=request.user)
        messages.success(request, _("Version %(number)d adopted.") % {"number": number})
    except ValidationError as exc:
        messages.error(request, _messages(exc))
    return redirect(version)


def _messages(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return _("Give a valid year.")


@dataclass
class Row:
    label: str
    planned: int
    pledged: int
    disbursed: int
    spent: int
    gap: int
    converted: Any = None


def _rows(items: list[tuple[str, Any]], rate: Any) -> list[Row]:
    return [
        Row(
            label,
            m.planned,
            m.pledged,
            m.disbursed,
            m.spent,
            m.gap,
            convert(m.planned, rate) if rate else None,
        )
        for label, m in items
    ]


def version_detail(request: HttpRequest, key: str, number: int) -> HttpResponse:
    plan = get_plan(key)
    version = get_version(plan, number)
    currency = request.GET.get("currency", "")
    rate = rate_on(currency, timezone.localdate()) if currency in CURRENCIES else None
    cells = money_cells(version)
    by_element = totals_by_element(version, cells)
    completion = completion_by_element(version)
    priorities = plan.elements.filter(parent=None).order_by("sort_path")
    sources = {s.pk: s for s in FundingSource.objects.filter(plan=plan)}
    by_year = totals(cells, lambda c: c.year)
    by_source = totals(cells, lambda c: c.source_id)
    shown_currency = currency if rate else ""
    tables = money_tables(
        [
            (row, completion[p.pk])
            for p, row in zip(
                priorities,
                _rows([(str(p), by_element[p.pk]) for p in priorities], rate),
                strict=True,
            )
        ],
        _rows([(_("Whole plan"), plan_total(cells))], rate)[0],
        _rows([(str(y), by_year[y]) for y in sorted(by_year)], rate),
        _rows([(sources[pk].name, m) for pk, m in sorted(by_source.items())], rate),
        stakeholder_shares(version, cells),
        shown_currency,
    )
    filename = f"{plan.key}-operational-plan-v{version.number}-budget"
    meta = {"plan": plan.key, "version": version.number, "currency": "XOF"}
    if answer := download(request, tables, filename, meta | {"also_in": shown_currency}):
        return answer
    return render(
        request,
        "operations/version_detail.html",
        {
            "plan": plan,
            "version": version,
            "tables": tables,
            "currency": shown_currency,
            "currencies": CURRENCIES,
            "missing_rate": bool(currency) and rate is None,
            "activity_count": version.activities.count(),
            "can_edit": actions.can_edit_operations(request.user),
        },
    )


def schedule(request: HttpRequest, key: str, number: int) -> HttpResponse:
    """The quarter grid, grouped by priority or by lead institution."""
    plan = get_plan(key)
    version = get_version(plan, number)
    group_by = "institution" if request.GET.get("by") == "institution" else "priority"
    today = timezone.localdate()
    quarters = plan_quarters(plan.start_year, plan.end_year)
    versions = version.activities.select_related(
        "lead", "activity", "operational_plan__plan"
    ).prefetch_related("schedule", "elements")
    priorities = {e.sort_path: e for e in plan.elements.filter(parent=None).select_related("level")}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    late_count = 0
    for activity in versions:
        scheduled = {(q.year, q.quarter) for q in activity.schedule.all()}
        late = is_late(scheduled, activity.status, today)
        late_count += late
        row = {
            "activity": activity,
            "cells": [(quarter_label(*q), q in scheduled) for q in quarters],
            "late": late,
        }
        if group_by == "institution":
            groups[str(activity.lead) if activity.lead else _("No lead institution")].append(row)
        else:
            tops = {e.sort_path.split(".")[0] for e in activity.elements.all()}
            names = [str(priorities[t]) for t in sorted(tops) if t in priorities]
            for name in names or [_("Not linked to the framework")]:
                groups[name].append(row)
    ordered = sorted(groups.items())
    title = _("Lead institution") if group_by == "institution" else _("Priority")
    table = schedule_table(ordered, quarters, title)
    filename = f"{plan.key}-operational-plan-v{version.number}-schedule"
    meta = {"plan": plan.key, "version": version.number, "grouped_by": group_by}
    if answer := download(request, [table], filename, meta):
        return answer
    return render(
        request,
        "operations/schedule.html",
        {
            "plan": plan,
            "version": version,
            "group_by": group_by,
            "years": list(plan.years),
            "quarters": quarters,
            "groups": ordered,
            "table": table,
            "late_count": late_count,
            "today": today,
            "can_edit": actions.can_edit_operations(request.user),
        },
    )


def _activity_version(version: OperationalPlan, uuid: str) -> ActivityVersion:
    return get_object_or_404(
        version.activities.select_related("lead", "monitor", "activity"), activity__uuid=uuid
    )


def activity_detail(request: HttpRequest, key: str, number: int, uuid: str) -> HttpResponse:
    plan = get_plan(key)
    version = get_version(plan, number)
    activity = _activity_version(version, uuid)
    lines = list(activity.budget_lines.select_related("source"))
    tables = [
        budget_table(lines, sum(line.amount for line in lines)),
        funding_table(activity.activity.funding.select_related("source", "institution")),
    ]
    filename = f"{plan.key}-operational-plan-v{version.number}-{activity.code}"
    meta = {"plan": plan.key, "version": version.number, "activity": activity.code}
    if answer := download(request, tables, filename, meta):
        return answer
    return render(
        request,
        "operations/activity_detail.html",
        {
            "plan": plan,
            "version": version,
            "activity": activity,
            "tables": tables,
            "late": is_late(
                [(q.year, q.quarter) for q in activity.schedule.all()],
                activity.status,
                timezone.localdate(),
            ),
            "can_edit": actions.can_edit_operations(request.user),
            "can_fund": actions.can_record_funding(request.user),
            "funding_form": FundingForm(plan),
            "status_choices": ActivityStatus.choices,
            "other_versions": OperationalPlan.objects.filter(
                activities__activity=activity.activity
            ).exclude(pk=version.pk),
        },
    )


@login_required
def activity_edit(
    request: HttpRequest, key: str, number: int, uuid: str | None = None
) -> HttpResponse:
    plan = get_plan(key)
    version = get_version(plan, number)
    if not actions.can_edit_operations(request.user):
        raise PermissionDenied
    existing = _activity_version(version, uuid) if uuid else None
    if version.frozen and request.method != "POST":
        messages.error(
            request,
            _("Version %(number)d is adopted and frozen: start a new version to change it.")
            % {"number": version.number},
        )
        return redirect(existing or version)
    if request.method == "POST":
        form = ActivityForm(plan, request.POST)
        lines = BudgetLineFormSet(request.POST, prefix="budget", form_kwargs={"plan": plan})
        if form.is_valid() and lines.is_valid():
            budget = [
                line.to_input()
                for line in lines.forms
                if line.has_changed() and not line.cleaned_data.get("DELETE")
            ]
            try:
                saved = actions.save_activity(
                    version,
                    form.to_input(budget),
                    by=request.user,
                    activity=existing.activity if existing else None,
                )
            except ValidationError as exc:
                attach_errors(exc, form, {"budget_lines": lines})
            else:
                messages.success(request, _("Activity %(code)s saved.") % {"code": saved.code})
                return redirect(saved)
    else:
        initial = ActivityForm.initial_from(existing) if existing else {}
        form = ActivityForm(plan, initial=initial)
        lines = BudgetLineFormSet(
            prefix="budget",
            form_kwargs={"plan": plan},
            initial=budget_initial(existing) if existing else None,
        )
    year_rows = [
        (year, [box for box in form["quarters"] if str(box.data["value"]).startswith(f"{year}-")])
        for year in plan.years
    ]
    return render(
        request,
        "operations/activity_form.html",
        {
            "plan": plan,
            "version": version,
            "existing": existing,
            "form": form,
            "lines": lines,
            "year_rows": year_rows,
        },
    )


@require_POST
@login_required
def activity_remove(request: HttpRequest, key: str, number: int, uuid: str) -> HttpResponse:
    version = get_version(get_plan(key), number)
    activity = _activity_version(version, uuid)
    try:
        actions.remove_activity(version, activity.activity, by=request.user)
        messages.success(request, _("Activity %(code)s removed.") % {"code": activity.code})
    except ValidationError as exc:
        messages.error(request, _messages(exc))
        return redirect(activity)
    return redirect("schedule", version.plan.key, version.number)


@require_POST
@login_required
def activity_progress(request: HttpRequest, key: str, number: int, uuid: str) -> HttpResponse:
    version = get_version(get_plan(key), number)
    activity = _activity_version(version, uuid)
    try:
        progress = int(request.POST.get("progress", ""))
        actions.record_progress(
            activity, status=request.POST.get("status", ""), progress=progress, by=request.user
        )
        messages.success(request, _("Progress recorded."))
    except (ValueError, ValidationError) as exc:
        messages.error(
            request,
            _messages(exc) if isinstance(exc, ValidationError) else _("Give a valid progress."),
        )
    return redirect(activity)


@require_POST
@login_required
def activity_funding(request: HttpRequest, key: str, number: int, uuid: str) -> HttpResponse:
    plan = get_plan(key)
    version = get_version(plan, number)
    activity = _activity_version(version, uuid)
    form = FundingForm(plan, request.POST)
    if form.is_valid():
        try:
            actions.record_funding(activity.activity, by=request.user, **form.cleaned_data)
            messages.success(request, _("Funding recorded."))
        except ValidationError as exc:
            messages.error(request, _messages(exc))
    else:
        messages.error(
            request,
            " ".join(
                f"{form.fields[name].label}: {' '.join(str(e) for e in problems)}"
                for name, problems in form.errors.items()
            ),
        )
    return redirect(activity)


def compare(request: HttpRequest, key: str, number: int) -> HttpResponse:
    plan = get_plan(key)
    version = get_version(plan, number)
    previous = version.based_on
    changes = compare_versions(previous, version) if previous else []
    table = change_table(changes)
    filename = f"{plan.key}-operational-plan-v{version.number}-changes"
    meta = {
        "plan": plan.key,
        "version": version.number,
        "compared_with": previous.number if previous else None,
    }
    if answer := download(request, [table], filename, meta):
        return answer
    return render(
        request,
        "operations/compare.html",
        {
            "plan": plan,
            "version": version,
            "previous": previous,
            "changes": changes,
            "table": table,
            "can_edit": actions.can_edit_operations(request.user),
        },
    )


def latest_version(request: HttpRequest, key: str) -> HttpResponseRedirect:
    plan = get_plan(key)
    version = plan.operational_plans.order_by("-number").first()
    if version is None:
        return redirect("operational_plans", plan.key)
    return redirect(version)


def plans_side_by_side(request: HttpRequest) -> HttpResponse:
    """Every plan of the default plan's country, oldest first: priorities,
    activities, completion and budget."""
    default = Plan.objects.filter(key=settings.DEFAULT_PLAN).first() or Plan.objects.first()
    plans = Plan.objects.filter(country=default.country) if default else Plan.objects.none()
    summaries = [plan_summary(p) for p in plans.order_by("start_year")]
    tables = side_by_side_tables(summaries)
    if answer := download(request, tables, "plans-side-by-side"):
        return answer
    return render(
        request,
        "operations/side_by_side.html",
        {
            "plan": default,
            "summaries": summaries,
            "tables": {table.key: table for table in tables},
            "threshold": DISCREPANCY_THRESHOLD,
        },
    )


MAX_UPLOAD = 5 * 1024 * 1024


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def workbook_export(request: HttpRequest, key: str, number: int) -> HttpResponse:
    version = get_version(get_plan(key), number)
    return _xlsx(build_workbook(version), f"operational-plan-{key}-v{number}.xlsx")


def workbook_template(request: HttpRequest, key: str, number: int) -> HttpResponse:
    version = get_version(get_plan(key), number)
    return _xlsx(
        build_workbook(version, with_activities=False), f"operational-plan-{key}-template.xlsx"
    )


@login_required
def workbook_import(request: HttpRequest, key: str, number: int) -> HttpResponse:
    plan = get_plan(key)
    version = get_version(plan, number)
    if not actions.can_edit_operations(request.user):
        raise PermissionDenied
    errors: list[WorkbookError] = []
    if request.method == "POST":
        upload = request.FILES.get("workbook")
        if upload is None:
            errors = [WorkbookError(_("file"), None, None, _("Choose a workbook to import."))]
        elif upload.size is not None and upload.size > MAX_UPLOAD:
            errors = [
                WorkbookError(upload.name or "", None, None, _("The file is larger than 5 MB."))
            ]
        elif version.frozen:
            errors = [
                WorkbookError(
                    upload.name or "",
                    None,
                    None,
                    _("Version %(number)d is adopted and frozen: start a new version to change it.")
                    % {"number": version.number},
                )
            ]
        else:
            try:
                report = import_workbook(version, upload, by=request.user)
            except WorkbookInvalid as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    _(
                        "Workbook imported: %(created)d created, %(updated)d changed, "
                        "%(removed)d removed, %(unchanged)d unchanged."
                    )
                    % {
                        "created": len(report.created),
                        "updated": len(report.updated),
                        "removed": len(report.removed),
                        "unchanged": len(report.unchanged),
                    },
                )
                return redirect(version)
    return render(
        request,
        "operations/workbook_import.html",
        {"plan": plan, "version": version, "errors": errors, "can_edit": True},
    )
