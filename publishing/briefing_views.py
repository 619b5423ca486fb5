"""The indicator performance tracking table (XLSX) and the quarterly briefing
of the National Monitoring Committee.

The IPTT answers everyone: people who may read private data get every year
(validated figures; the TMU may add submitted ones), everyone else the
published years, validated figures, sensitive indicators suppressed. The
briefing is for people with an account.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation

from actors.permissions import may
from nap1325.tables import XLSX, download
from plans.models import Plan
from plans.views import get_plan
from publishing.briefing import briefing as read_briefing
from publishing.briefing import briefing_tables, default_quarter, previous_quarter
from publishing.iptt import iptt_workbook


def include_submitted(request: HttpRequest) -> bool:
    return request.GET.get("submitted") == "1" and may(request.user, "validate_reports")


def iptt(request: HttpRequest, key: str) -> HttpResponse:
    plan = get_plan(key)
    private = may(request.user, "read_private")
    content = iptt_workbook(
        plan,
        language=translation.get_language() or plan.default_language,
        public=not private,
        include_submitted=private and include_submitted(request),
    )
    response = HttpResponse(content, content_type=XLSX)
    name = f"iptt-{plan.key}" + ("" if private else "-public")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def briefing(request: HttpRequest, key: str) -> HttpResponse:
    """The briefing of the latest quarter whose reporting deadline has passed."""
    if not may(request.user, "read_private"):
        raise PermissionDenied
    plan = get_plan(key)
    year, quarter = default_quarter(plan, timezone.localdate())
    return show(request, plan, year, quarter)


@login_required
def briefing_quarter(request: HttpRequest, key: str, year: int, quarter: int) -> HttpResponse:
    if not may(request.user, "read_private"):
        raise PermissionDenied
    plan = get_plan(key)
    if year not in plan.years or quarter not in (1, 2, 3, 4):
        raise Http404
    return show(request, plan, year, quarter)


def show(request: HttpRequest, plan: Plan, year: int, quarter: int) -> HttpResponse:
    submitted = include_submitted(request)
    content = read_briefing(
        plan, year, quarter, today=timezone.localdate(), include_submitted=submitted
    )
    tables = briefing_tables(content)
    meta = {
        "plan": plan.key,
        "year": year,
        "quarter": quarter,
        "validated_only": not submitted,
        "on": content.today.isoformat(),
    }
    if answer := download(request, tables, f"{plan.key}-briefing-{year}-q{quarter}", meta):
        return answer
    earlier = previous_quarter(year, quarter)
    later = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    return render(
        request,
        "publishing/briefing/briefing.html",
        {
            "plan": plan,
            "briefing": content,
            "tables": {table.key: table for table in tables},
            "earlier": earlier if earlier[0] in plan.years else None,
            "later": later if later[0] in plan.years else None,
            "include_submitted": submitted,
            "can_include_submitted": may(request.user, "validate_reports"),
        },
    )
