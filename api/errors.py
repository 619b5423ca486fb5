"""Every API error as one JSON shape, in the request's language:

    {"status": 400, "errors": [{"field": "year", "message": "…"}]}

`field` names the query parameter or body field at fault (a nested one
with dots, "values.3.value"), or is null for an error of the request as a
whole (not found, not allowed, not logged in).

The site's action functions refuse with Django's ValidationError: it
answers 400 with the same messages (by field when the action names them),
and 409 when the report changed since the caller read it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from reporting.actions import StaleReport


def _flatten(detail: Any, field: str | None) -> list[dict[str, Any]]:
    if isinstance(detail, dict):
        return [
            error
            for key, value in detail.items()
            for error in _flatten(
                value,
                None
                if key in ("non_field_errors", "__all__")
                else f"{field}.{key}"
                if field
                else key,
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


def refused(exc: DjangoValidationError) -> Response:
    """An action's refusal as an API error."""
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    code = status.HTTP_409_CONFLICT if isinstance(exc, StaleReport) else status.HTTP_400_BAD_REQUEST
    return Response({"status": code, "errors": _flatten(detail, None)}, status=code)


def handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        return refused(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and set(data) == {"detail"}:
        data = data["detail"]
    response.data = {"status": response.status_code, "errors": _flatten(data, None)}
    return response
