"""Reporting pages: a plan's periods, and per period who has reported."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors.permissions import active_assignments, may
from nap1325.models import AuditEntry
from nap1325.tables import download
from plans.views import get_plan
from reporting import actions
from reporting.content import expected, stored
from reporting.evidence import attach_evidence, remove_evidence
from reporting.forms import EvidenceForm, ReportForm, RuleForm
from reporting.models import (
    WITH_THE_UNIT,
    Evidence,
    IndicatorValue,
    PeriodKind,
    PeriodStatus,
    ReportingPeriod,
    Submission,
    SubmissionStatus,
    ValidationRule,
)
from reporting.rules import Finding
from reporting.tables import (
    history_table,
    period_table,
    report_table,
    rule_table,
    submission_table,
)

WAITING = WITH_THE_UNIT


def attempt(request: HttpRequest, call: Callable[[], object], done: str) -> None:
    """Run an action; its refusal, or `done`, becomes the page's message."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)


def _require_private(request: HttpRequest) -> None:
    if not may(request.user, "read_private"):
        raise PermissionDenied


@login_required
def period_list(request: HttpRequest, key: str) -> HttpResponse:
    _require_private(request)
    plan = get_plan(key)
    periods = list(
        plan.periods.annotate(
            expected=Count("submissions"),
            validated=Count(
                "submissions", filter=Q(submissions__status=SubmissionStatus.VALIDATED)
            ),
        )
    )
    table = period_table(periods)
    if answer := download(request, [table], f"{plan.key}-periods", {"plan": plan.key}):
        return answer
    return render(
        request,
        "reporting/period_list.html",
        {
            "plan": plan,
            "periods": periods,
            "table": table,
            "can_manage": may(request.user, "manage_periods"),
            "kinds": PeriodKind.choices,
        },
    )


@require_POST
@login_required
def plan_periods(request: HttpRequest, key: str) -> HttpResponse:
    """The TMU adds a year's quarters (or the year) to the plan's periods."""
    plan = get_plan(key)
    if not may(request.user, "manage_periods"):
        raise PermissionDenied
    kind = request.POST.get("kind", PeriodKind.QUARTER)
    year = request.POST.get("year", "")
    if kind not in PeriodKind.values or not year.isdigit():
        messages.error(request, _("Choose a year and a kind of period."))
    else:
        attempt(
            request,
            lambda: actions.plan_periods(plan, int(year), kind=kind, by=request.user),
            _("Periods planned: open each when its time comes."),
        )
    return redirect("periods", plan.key)


@login_required
def period_detail(request: HttpRequest, key: str, uuid: str) -> HttpResponse:
    """Who has reported: every expected unit with where its report stands."""
    _require_private(request)
    plan = get_plan(key)
    period = get_object_or_404(ReportingPeriod, plan=plan, uuid=uuid)
    today = timezone.localdate()
    late = period.deadline < today
    submissions = period.submissions.select_related(
        "unit__institution", "unit__place"
    ).prefetch_related("reminders")
    rows = [
        (s, late and s.status in WAITING, may(request.user, "read_report", s)) for s in submissions
    ]
    counts = {status: 0 for status in SubmissionStatus.values}
    for submission, _overdue, _readable in rows:
        counts[submission.status] += 1
    table = submission_table(rows)
    filename = f"{plan.key}-period-{period.year}" + (f"-q{period.quarter}" * bool(period.quarter))
    meta = {"plan": plan.key, "year": period.year, "quarter": period.quarter}
    if answer := download(request, [table], filename, meta):
        return answer
    return render(
        request,
        "reporting/period_detail.html",
        {
            "plan": plan,
            "period": period,
            "rows": rows,
            "table": table,
            "counts": [(SubmissionStatus(s).label, n) for s, n in counts.items()],
            "expected": len(rows),
            "overdue": sum(overdue for _s, overdue, _r in rows),
            "can_manage": may(request.user, "manage_periods"),
            "statuses": PeriodStatus,
        },
    )


@require_POST
@login_required
def period_transition(request: HttpRequest, key: str, uuid: str, transition: str) -> HttpResponse:
    plan = get_plan(key)
    period = get_object_or_404(ReportingPeriod, plan=plan, uuid=uuid)
    action = {"open": actions.open_period, "lock": actions.lock_period}[transition]
    attempt(request, lambda: action(period, by=request.user), _("Done."))
    return redirect("period", plan.key, period.uuid)


# --- one unit's report -------------------------------------------------------


def get_report(request: HttpRequest, uuid: str) -> Submission:
    """The report, if this user may read it (404 if it does not exist, 403 if not theirs)."""
    submission = get_object_or_404(
        Submission.objects.select_related(
            "period__plan", "unit__institution", "unit__place", "submitted_by", "validated_by"
        ),
        uuid=uuid,
    )
    if not may(request.user, "read_report", submission):
        raise PermissionDenied
    return submission


def editable_by(user: Any, submission: Submission) -> bool:
    return (
        submission.status in actions.EDITABLE
        and submission.period.status == PeriodStatus.OPEN
        and may(user, "report_for_unit", submission)
    )


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """A reporter's landing page: the reports of their units, newest first."""
    units = [a.unit_id for a in active_assignments(request.user) if a.unit_id]
    tmu = may(request.user, "validate_reports")
    reports = Submission.objects.select_related("period__plan", "unit__institution", "unit__place")
    if tmu:
        reports = reports.filter(status=SubmissionStatus.SUBMITTED)
    else:
        reports = reports.filter(unit__in=units)
    shown = list(reports.order_by("-period__year", "-period__quarter", "unit")[:200])
    title = _("Reports waiting for validation") if tmu else _("My reports")
    table = report_table(shown, title)
    if answer := download(request, [table], "reports"):
        return answer
    return render(
        request, "reporting/my_reports.html", {"reports": shown, "tmu": tmu, "table": table}
    )


@login_required
def report(request: HttpRequest, uuid: str) -> HttpResponse:
    submission = get_report(request, uuid)
    editable = editable_by(request.user, submission)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    content = expected(submission)
    held = stored(submission)
    form = ReportForm(content, held, request.POST or None)
    findings: list[Finding] = []
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("Nothing was saved: correct the fields marked below."))
        else:
            try:
                actions.save_report(
                    submission,
                    form.to_input(),
                    by=request.user,
                    revision=form.cleaned_data["revision"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("report", submission.uuid)
            if "submit" not in request.POST:
                messages.success(request, _("Draft saved."))
                return redirect("report", submission.uuid)
            try:
                actions.submit(submission, by=request.user, revision=submission.revision)
            except actions.ReportInvalid as exc:
                findings = exc.findings
                messages.error(
                    request,
                    _(
                        "Your changes were saved as a draft, but the report was not submitted: "
                        "correct the errors and explain the warnings marked below."
                    ),
                )
                held = stored(submission)
                form = ReportForm(content, held)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("report", submission.uuid)
            else:
                messages.success(request, _("Report submitted to the Technical Management Unit."))
                return redirect("report", submission.uuid)
    elif submission.status != SubmissionStatus.VALIDATED:
        findings = actions.check_report(content, actions.current_figures(submission))
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "reporting/report.html",
        {
            "plan": submission.period.plan,
            "submission": submission,
            "form": form,
            "blocks": form.blocks(findings, held),
            "activity_rows": form.activity_rows(),
            "content": content,
            "held": held,
            "editable": editable,
            "findings": findings,
            "blocking": sum(f.blocking for f in findings),
            "evidence": submission.evidence.all(),
            "evidence_form": EvidenceForm(submission) if editable else None,
            "can_validate": may(request.user, "validate_reports")
            and submission.period.status == PeriodStatus.OPEN,
            "statuses": SubmissionStatus,
        },
    )


@require_POST
@login_required
def report_transition(request: HttpRequest, uuid: str, transition: str) -> HttpResponse:
    """The TMU validates, returns (with a reason) or reopens (with a reason) a report."""
    submission = get_report(request, uuid)
    if not may(request.user, "validate_reports"):
        raise PermissionDenied
    reason = request.POST.get("reason", "")
    # The revision the TMU saw: a report changed since is not validated unseen.
    seen = request.POST.get("revision", "")
    revision = int(seen) if seen.isdigit() else None
    by = request.user
    call = {
        "validate": lambda: actions.validate(submission, by=by, revision=revision),
        "return": lambda: actions.return_for_revision(
            submission, by=by, reason=reason, revision=revision
        ),
        "reopen": lambda: actions.reopen(submission, by=by, reason=reason, revision=revision),
    }[transition]
    attempt(request, call, _("Done."))
    return redirect("report", submission.uuid)


@login_required
def value_history(request: HttpRequest, uuid: str, value: str) -> HttpResponse:
    """Every change of one figure: who, when, old and new, and why."""
    submission = get_report(request, uuid)
    figure = get_object_or_404(
        IndicatorValue.objects.select_related("indicator"), submission=submission, uuid=value
    )
    entries = AuditEntry.objects.filter(
        object_type="reporting.indicatorvalue", object_id=str(figure.uuid)
    ).select_related("user")
    labels = {
        "value": _("Value"),
        "numerator": _("Numerator"),
        "denominator": _("Denominator"),
        "text": _("Narrative"),
        "no_data": _("No data"),
        "comment": _("Comment"),
    }

    def shown(snapshot: dict[str, Any] | None) -> list[tuple[str, str]]:
        """A figure's recorded state as labelled, readable lines."""
        return [
            (str(labels[key]), _("yes") if value is True else str(value))
            for key, value in (snapshot or {}).items()
            if key in labels and value not in (None, "", False)
        ]

    row = expected(submission).indicator(figure.indicator_id)
    cells = {cell.key: cell.label for cell in row.cells} if row else {}
    table = history_table(
        [
            (entry, shown(entry.before), shown(entry.after), (entry.after or {}).get("reason"))
            for entry in entries
        ]
    )
    plan = submission.period.plan
    filename = f"history-{figure.indicator.reference}-{submission.unit}-{submission.period}"
    meta = {
        "plan": plan.key,
        "report": str(submission.uuid),
        "indicator": figure.indicator.reference,
        "breakdown": figure.cell,
    }
    if answer := download(request, [table], filename, meta):
        return answer
    return render(
        request,
        "reporting/value_history.html",
        {
            "plan": plan,
            "submission": submission,
            "figure": figure,
            "cell": cells.get(figure.cell, figure.cell or _("Total")),
            "table": table,
        },
    )


@require_POST
@login_required
def evidence_add(request: HttpRequest, uuid: str) -> HttpResponse:
    submission = get_report(request, uuid)
    if not may(request.user, "report_for_unit", submission):
        raise PermissionDenied
    form = EvidenceForm(submission, request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
    else:
        data = form.cleaned_data
        attempt(
            request,
            lambda: attach_evidence(
                submission, data["file"], description=data["description"], by=request.user
            ),
            _("File attached."),
        )
    return redirect("report", submission.uuid)


@login_required
def evidence_file(request: HttpRequest, uuid: str, file: str) -> FileResponse:
    """Always a download: the browser never renders an uploaded file."""
    submission = get_report(request, uuid)
    evidence = get_object_or_404(Evidence, submission=submission, uuid=file)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.name,
        content_type=evidence.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def evidence_remove(request: HttpRequest, uuid: str, file: str) -> HttpResponse:
    submission = get_report(request, uuid)
    evidence = get_object_or_404(Evidence, submission=submission, uuid=file)
    attempt(request, lambda: remove_evidence(evidence, by=request.user), _("File removed."))
    return redirect("report", submission.uuid)


# --- validation rules ---------------------------------------------------------


@login_required
def rules(request: HttpRequest, key: str) -> HttpResponse:
    _require_private(request)
    plan = get_plan(key)
    found = list(
        plan.validation_rules.select_related("indicator").order_by(
            F("indicator__position").asc(nulls_first=True), "kind"
        )
    )
    table = rule_table(found)
    if answer := download(request, [table], f"{plan.key}-rules", {"plan": plan.key}):
        return answer
    return render(
        request,
        "reporting/rules.html",
        {
            "plan": plan,
            "rules": found,
            "table": table,
            "can_manage": may(request.user, "manage_rules"),
        },
    )


@login_required
def rule_edit(request: HttpRequest, key: str, pk: int | None = None) -> HttpResponse:
    plan = get_plan(key)
    if not may(request.user, "manage_rules"):
        raise PermissionDenied
    rule = get_object_or_404(ValidationRule, plan=plan, pk=pk) if pk else None
    form = RuleForm(plan, request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        if "remove" in request.POST and rule is not None:
            actions.remove_rule(rule, by=request.user)
            messages.success(request, _("Rule removed."))
            return redirect("rules", plan.key)
        try:
            actions.save_rule(form.instance, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("rules", plan.key)
    return render(request, "reporting/rule_form.html", {"plan": plan, "form": form, "rule": rule})
