"""Every API error as one JSON shape, in the request's language:

    {"status": 400, "errors": [{"field": "year", "message": "…"}]}

`field` names the query parameter or body field at fault (a nested one
with dots, "values.3.value"), or is null for an error of the request as a
whole (not found, not allowed, not logged in)."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler


def _flatten(detail: Any, field: str | None) -> list[dict[str, Any]]:
    if isinstance(detail, dict):
        return [
            error
            for key, value in detail.items()
            for error in _flatten(
                value, None if key == "non_field_errors" else f"{field}.{key}" if field else key
            )
        ]
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [{"field": field, "message": str(item)} for item in detail]
        return [
            error
            for index, item in enumerate(detail)
            for error in _flatten(item, f"{field}.{index}" if field else str(index))
        ]
    return [{"field": field, "message": str(detail)}]


def handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        data = data["detail"]
    response.data = {"status": response.status_code, "errors": _flatten(data, None)}
    return response
