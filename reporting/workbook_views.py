"""The Excel route of reports: a report's pre-filled workbook to download, the
page to upload it back, and the TMU's upload of many units' workbooks for a
period. Thin: the domain is reporting.workbook."""

from __future__ import annotations

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
from operations.workbook import WorkbookError, WorkbookInvalid
from plans.views import get_plan
from reporting.models import ReportingPeriod
from reporting.views import editable_by, get_report
from reporting.workbook import (
    BatchInvalid,
    ImportResult,
    build_report_workbook,
    import_period_workbooks,
    import_report_workbook,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _no_file() -> list[WorkbookError]:
    return [WorkbookError(_("file"), None, None, _("Choose a workbook to import."))]


def imported_message(result: ImportResult, headline: str) -> str:
    """What an import into a draft says: its headline, the changes saved and
    the warnings left to explain (the workbook and mobile routes)."""
    changes, warnings = result.changes, len(result.warnings)
    text = [
        headline,
        ngettext("%(count)d change saved.", "%(count)d changes saved.", changes)
        % {"count": changes},
    ]
    if warnings:
        text.append(
            ngettext(
                "%(count)d warning to explain before submitting.",
                "%(count)d warnings to explain before submitting.",
                warnings,
            )
            % {"count": warnings}
        )
    return " ".join(text)


def _imported(result: ImportResult) -> str:
    unit = result.submission.unit
    return imported_message(
        result, _("Workbook of %(unit)s imported into the draft.") % {"unit": unit}
    )


@login_required
def report_workbook(request: HttpRequest, uuid: str) -> HttpResponse:
    submission = get_report(request, uuid)
    name = slugify(f"{submission.unit} {submission.period}")
    response = HttpResponse(build_report_workbook(submission), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"report-{name}.xlsx")
    return response


@login_required
def report_workbook_upload(request: HttpRequest, uuid: str) -> HttpResponse:
    submission = get_report(request, uuid)
    if not may(request.user, "report_for_unit", submission):
        raise PermissionDenied
    errors: list[WorkbookError] = []
    if request.method == "POST":
        upload = request.FILES.get("workbook")
        if upload is None:
            errors = _no_file()
        else:
            try:
                result = import_report_workbook(submission, upload, by=request.user)
            except WorkbookInvalid as exc:
                errors = exc.errors
            else:
                messages.success(request, _imported(result))
                return redirect("report", submission.uuid)
    return render(
        request,
        "reporting/report_workbook_upload.html",
        {
            "plan": submission.period.plan,
            "submission": submission,
            "errors": errors,
            "editable": editable_by(request.user, submission),
        },
    )


@login_required
def period_workbooks_upload(request: HttpRequest, key: str, uuid: str) -> HttpResponse:
    """The TMU uploads the workbooks of several units at once: all or nothing."""
    plan = get_plan(key)
    period = get_object_or_404(ReportingPeriod, plan=plan, uuid=uuid)
    if not may(request.user, "validate_reports"):
        raise PermissionDenied
    problems: list[tuple[str, list[WorkbookError]]] = []
    if request.method == "POST":
        uploads = request.FILES.getlist("workbooks")
        if not uploads:
            problems = [("", _no_file())]
        else:
            try:
                results = import_period_workbooks(
                    period, [(upload.name or "", upload) for upload in uploads], by=request.user
                )
            except BatchInvalid as exc:
                problems = exc.errors
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d workbook imported.",
                        "%(count)d workbooks imported.",
                        len(results),
                    )
                    % {"count": len(results)},
                )
                for result in results:
                    messages.info(request, _imported(result))
                return redirect("period", plan.key, period.uuid)
    return render(
        request,
        "reporting/period_workbooks_upload.html",
        {"plan": plan, "period": period, "problems": problems},
    )
