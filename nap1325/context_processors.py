"""Template context shared by every page."""

from typing import Any

from django.http import HttpRequest


def demo_data(request: HttpRequest) -> dict[str, Any]:
    """Whether fictitious data is loaded: every page then says so."""
    from operations.demo import has_demo_data

    return {"demo_data": has_demo_data()}
