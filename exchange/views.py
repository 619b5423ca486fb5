"""The TMU's DHIS2 page for a plan: the mapping, a period's export as
dataValueSets JSON or ADX, and the import of such a file into draft
reports. Thin: the domain is exchange.dhis2 and exchange.mapping."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors.permissions import may
from exchange import dhis2
from exchange.mapping import MappingError, MappingInvalid, read_mapping, store_mapping
from exchange.models import DataElementMap, OrgUnitMap
from plans.models import Plan
from plans.views import get_plan
from reporting.models import ReportingPeriod

MAX_MAPPING_BYTES = 2 * 1024 * 1024


def is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _plan_for_exchange(request: HttpRequest, key: str) -> Plan:
    plan = get_plan(key)
    if not may(request.user, "exchange_data"):
        raise PermissionDenied(_("Only the Technical Management Unit exchanges data with DHIS2."))
    return plan


def _page(request: HttpRequest, plan: Plan, **context: object) -> HttpResponse:
    status = 400 if context.get("errors") else 200
    return render(
        request,
        "exchange/dhis2.html",
        {
            "plan": plan,
            "data_elements": DataElementMap.objects.filter(plan=plan).select_related("indicator"),
            "org_units": OrgUnitMap.objects.filter(unit__country=plan.country).select_related(
                "unit__institution", "unit__place"
            ),
            "periods": plan.periods.filter(demonstration=False).order_by("year", "quarter"),
            **context,
        },
        status=status,
    )


@login_required
def dhis2_page(request: HttpRequest, key: str) -> HttpResponse:
    return _page(request, _plan_for_exchange(request, key))


@login_required
def dhis2_export(request: HttpRequest, key: str) -> HttpResponse:
    """A period's validated values (the latest period's without `period`);
    how many figures could not be mapped is given in a header."""
    plan = _plan_for_exchange(request, key)
    periods = ReportingPeriod.objects.filter(plan=plan, demonstration=False)
    chosen = request.GET.get("period")
    if chosen:
        period = get_object_or_404(periods, uuid=chosen if is_uuid(chosen) else None)
    else:
        latest = periods.order_by("-year", "-quarter").first()
        if latest is None:
            raise Http404(_("No reporting period yet."))
        period = latest
    as_adx = request.GET.get("format") == "adx"
    export = dhis2.export_adx if as_adx else dhis2.export_json
    content, found = export(period, by=request.user)
    name = f"{plan.key}-{dhis2.dhis2_period(period)}.{'adx.xml' if as_adx else 'json'}"
    response = HttpResponse(
        content, content_type="application/adx+xml" if as_adx else "application/json"
    )
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Unmapped"] = str(len(found.unmapped_figures) + len(found.unmapped_units))
    return response


@require_POST
@login_required
def dhis2_import(request: HttpRequest, key: str) -> HttpResponse:
    plan = _plan_for_exchange(request, key)
    upload = request.FILES.get("file")
    if upload is None:
        errors = [dhis2.ExchangeError(_("file"), _("Choose a file to import."))]
        return _page(request, plan, errors=errors)
    try:
        result = dhis2.import_values(
            plan, dhis2.read_file(upload.name or "", upload), by=request.user
        )
    except dhis2.ImportRefused as refused:
        return _page(request, plan, errors=refused.errors)
    messages.success(
        request,
        _("%(values)d values imported into %(reports)d draft reports (%(changes)d changes).")
        % {"values": result.values, "reports": result.reports, "changes": result.changes},
    )
    return redirect("dhis2", plan.key)


@require_POST
@login_required
def dhis2_mapping(request: HttpRequest, key: str) -> HttpResponse:
    plan = _plan_for_exchange(request, key)
    upload = request.FILES.get("mapping")
    try:
        if upload is None or upload.size is None or upload.size > MAX_MAPPING_BYTES:
            raise MappingInvalid([MappingError(_("file"), _("Choose a mapping file under 2 MB."))])
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise MappingInvalid(
                [MappingError(upload.name or "", _("The file is not UTF-8 text."))]
            ) from None
        mapping = read_mapping(text, upload.name or "")
        if mapping.plan != plan:
            raise MappingInvalid([MappingError("plan", _("This mapping is for another plan."))])
    except MappingInvalid as invalid:
        return _page(request, plan, mapping_errors=invalid.errors)
    store_mapping(mapping, by=request.user)
    messages.success(
        request,
        _("Mapping saved: %(elements)d figures and %(units)d organisation units.")
        % {"elements": len(mapping.data_elements), "units": len(mapping.org_units)},
    )
    return redirect("dhis2", plan.key)
