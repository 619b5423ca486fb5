"""Template context shared by every page."""

from typing import Any

from django.db.models import Exists
from django.http import HttpRequest


def demo_data(request: HttpRequest) -> dict[str, Any]:
    """Whether fictitious data is loaded: every page then says so (one query
    for both kinds of demonstration data)."""
    from operations.demo import DEMO_PREFIX
    from operations.models import ActivityVersion
    from plans.models import Plan
    from reporting.models import ReportingPeriod

    flags = (
        Plan.objects.annotate(
            demo_activities=Exists(ActivityVersion.objects.filter(code__startswith=DEMO_PREFIX)),
            demo_reports=Exists(ReportingPeriod.objects.filter(demonstration=True)),
        )
        .values_list("demo_activities", "demo_reports")
        .first()
    )
    return {"demo_data": bool(flags and any(flags))}
