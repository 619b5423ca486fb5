"""Progress pages: every indicator of a plan against its target for a year."""

from __future__ import annotations

import csv
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.permissions import may
from analytics.progress import Band, bands_by_root, progress_table
from plans.views import get_plan
from reporting.rules import number


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
    if request.GET.get("format") == "csv":
        return progress_csv(plan, year, rows)
    roots = {e.sort_path: e for e in plan.elements.filter(parent__isnull=True)}
    by_root = [
        (roots.get(path) if path else None, [(Band(b).label, n) for b, n in counts.items()])
        for path, counts in sorted(bands_by_root(rows).items(), key=lambda kv: kv[0] or "")
    ]
    return render(
        request,
        "analytics/progress.html",
        {
            "plan": plan,
            "year": year,
            "rows": rows,
            "by_root": by_root,
            "include_submitted": include_submitted,
            "can_include_submitted": may(request.user, "validate_reports"),
        },
    )


def progress_csv(plan: object, year: int, rows: list) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="progress-{year}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with accents
    writer = csv.writer(response)
    writer.writerow([
        _("Code"), _("Indicator"), _("Baseline"), _("Target"), _("Actual"), _("Percent of target"),
        _("Status"), _("Units reporting"), _("No data"), _("Missing"),
    ])  # fmt: skip

    def shown(value: Decimal | None) -> str:
        # Plain numbers, the same in both languages, for spreadsheets to read.
        return "" if value is None else number(value.normalize())

    for row in rows:
        indicator = row.indicator
        writer.writerow([
            indicator.reference, indicator.title, shown(indicator.baseline_value),
            shown(row.target), shown(row.number), shown(row.percent), row.band.label,
            row.actual.reported, row.actual.no_data, row.actual.missing,
        ])  # fmt: skip
    return response
