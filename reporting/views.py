"""Reporting pages: a plan's periods, and per period who has reported."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors.permissions import may
from plans.views import get_plan
from reporting import actions
from reporting.models import PeriodStatus, ReportingPeriod, SubmissionStatus

WAITING = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)


def _require_private(request: HttpRequest) -> None:
    if not may(request.user, "read_private"):
        raise PermissionDenied


@login_required
def period_list(request: HttpRequest, key: str) -> HttpResponse:
    _require_private(request)
    plan = get_plan(key)
    periods = plan.periods.annotate(
        expected=Count("submissions"),
        validated=Count("submissions", filter=Q(submissions__status=SubmissionStatus.VALIDATED)),
    )
    return render(
        request,
        "reporting/period_list.html",
        {"plan": plan, "periods": periods, "can_manage": may(request.user, "manage_periods")},
    )


@login_required
def period_detail(request: HttpRequest, key: str, uuid: str) -> HttpResponse:
    """Who has reported: every expected unit with where its report stands."""
    _require_private(request)
    plan = get_plan(key)
    period = get_object_or_404(ReportingPeriod, plan=plan, uuid=uuid)
    today = timezone.localdate()
    late = period.deadline < today
    submissions = period.submissions.select_related("unit__institution", "unit__place")
    rows = [(s, late and s.status in WAITING) for s in submissions]
    counts = {status: 0 for status in SubmissionStatus.values}
    for submission, _overdue in rows:
        counts[submission.status] += 1
    return render(
        request,
        "reporting/period_detail.html",
        {
            "plan": plan,
            "period": period,
            "rows": rows,
            "counts": [(SubmissionStatus(s).label, n) for s, n in counts.items()],
            "expected": len(rows),
            "overdue": sum(overdue for _s, overdue in rows),
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
    try:
        action(period, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("period", plan.key, period.uuid)
