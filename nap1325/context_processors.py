"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest


def demo_data(request: HttpRequest) -> dict[str, Any]:
    """Whether fictitious data is loaded: every page then says so."""
    from operations.demo import has_demo_data
    from reporting.demo import has_demo_reports

    return {"demo_data": has_demo_data() or has_demo_reports()}
