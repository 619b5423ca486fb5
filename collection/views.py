"""The mobile route of reports: a report's XLSForm to download, the TMU's zip
of every open report's form for a period, and the pages that import what
KoboToolbox or ODK Central export. Thin: the domain is collection.xlsform and
collection.kobo; the permissions are the Excel route's."""

from __future__ import annotations

import io
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actors.permissions import may
from collection.kobo import KoboImport, import_period_exports, import_report_export
from collection.xlsform import build_xlsform
from operations.workbook import WorkbookError, WorkbookInvalid
from plans.views import get_plan
from reporting.models import WITH_THE_UNIT, ReportingPeriod, Submission
from reporting.views import editable_by, get_report
from reporting.workbook import ImportResult
from reporting.workbook_views import XLSX, imported_message

ACCEPTED = ".csv,.json,text/csv,application/json"


def _form_name(submission: Submission) -> str:
    return f"form-{slugify(f'{submission.unit} {submission.period}')}.xlsx"


def _no_file() -> list[WorkbookError]:
    return [WorkbookError(_("file"), None, None, _("Choose an export (CSV or JSON) to import."))]


def _imported(result: ImportResult) -> str:
    unit = result.submission.unit
    return imported_message(
        result, _("Mobile form of %(unit)s imported into the draft.") % {"unit": unit}
    )


def _report_back(request: HttpRequest, done: KoboImport) -> None:
    for result in done.results:
        messages.success(request, _imported(result))
    if done.skipped:
        messages.info(
            request,
            ngettext(
                "%(count)d row marked “Not approved” or “rejected” was left out.",
                "%(count)d rows marked “Not approved” or “rejected” were left out.",
                done.skipped,
            )
            % {"count": done.skipped},
        )


@login_required
def report_xlsform(request: HttpRequest, uuid: str) -> HttpResponse:
    submission = get_report(request, uuid)
    response = HttpResponse(build_xlsform(submission), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, _form_name(submission))
    return response


@login_required
def report_kobo_upload(request: HttpRequest, uuid: str) -> HttpResponse:
    submission = get_report(request, uuid)
    if not may(request.user, "report_for_unit", submission):
        raise PermissionDenied
    errors: list[WorkbookError] = []
    if request.method == "POST":
        upload = request.FILES.get("export")
        if upload is None:
            errors = _no_file()
        else:
            try:
                done = import_report_export(submission, upload.name or "", upload, by=request.user)
            except WorkbookInvalid as exc:
                errors = exc.errors
            else:
                _report_back(request, done)
                return redirect("report", submission.uuid)
    return render(
        request,
        "collection/report_kobo_upload.html",
        {
            "plan": submission.period.plan,
            "submission": submission,
            "errors": errors,
            "editable": editable_by(request.user, submission),
            "accepted": ACCEPTED,
        },
    )


def _tmu_period(request: HttpRequest, key: str, uuid: str) -> ReportingPeriod:
    plan = get_plan(key)
    period = get_object_or_404(ReportingPeriod.objects.select_related("plan"), plan=plan, uuid=uuid)
    if not may(request.user, "validate_reports"):
        raise PermissionDenied
    return period


@login_required
def period_xlsforms(request: HttpRequest, key: str, uuid: str) -> HttpResponse:
    """The forms of every report of the period still with its unit, zipped."""
    period = _tmu_period(request, key, uuid)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for submission in period.submissions.filter(status__in=WITH_THE_UNIT).select_related(
            "period__plan", "unit__institution", "unit__place"
        ):
            archive.writestr(_form_name(submission), build_xlsform(submission))
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    name = f"forms-{slugify(f'{period.plan.key} {period}')}.zip"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def period_kobo_upload(request: HttpRequest, key: str, uuid: str) -> HttpResponse:
    """The TMU imports the exports of several units' forms at once: all or nothing."""
    period = _tmu_period(request, key, uuid)
    errors: list[WorkbookError] = []
    if request.method == "POST":
        uploads = request.FILES.getlist("exports")
        if not uploads:
            errors = _no_file()
        else:
            try:
                done = import_period_exports(
                    period, [(upload.name or "", upload) for upload in uploads], by=request.user
                )
            except WorkbookInvalid as exc:
                errors = exc.errors
            else:
                _report_back(request, done)
                return redirect("period", period.plan.key, period.uuid)
    return render(
        request,
        "collection/period_kobo_upload.html",
        {"plan": period.plan, "period": period, "errors": errors, "accepted": ACCEPTED},
    )
