"""Progress pages: every indicator of a plan against its target for a year."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from actors.permissions import may
from analytics.progress import Band, bands_by_root, progress_table
from analytics.tables import indicator_progress_table, status_table
from nap1325.tables import download
from plans.views import get_plan


@login_required
def progress(request: HttpRequest, key: str, year: int | None = None) -> HttpResponse:
    """Until publishing exists, progress is for people with an account."""
    if not may(request.user, "read_private"):
        raise PermissionDenied
    plan = get_plan(key)
    if year is None:
        year = min(max(timezone.localdate().year - 1, plan.start_year), plan.end_year)
    if year not in plan.years:
        raise Http404
    include_submitted = request.GET.get("submitted") == "1" and may(
        request.user, "validate_reports"
    )
    rows = progress_table(plan, year, include_submitted=include_submitted)
    roots = {e.sort_path: e for e in plan.elements.filter(parent__isnull=True)}
    by_root = [
        (roots.get(path) if path else None, [(Band(b).label, n) for b, n in counts.items()])
        for path, counts in sorted(bands_by_root(rows).items(), key=lambda kv: kv[0] or "")
    ]
    tables = [status_table(by_root), indicator_progress_table(rows)]
    meta = {"plan": plan.key, "year": year, "validated_only": not include_submitted}
    if answer := download(request, tables, f"{plan.key}-progress-{year}", meta):
        return answer
    return render(
        request,
        "analytics/progress.html",
        {
            "plan": plan,
            "year": year,
            "rows": rows,
            "by_root": by_root,
            "tables": {table.key: table for table in tables},
            "include_submitted": include_submitted,
            "can_include_submitted": may(request.user, "validate_reports"),
        },
    )
