"""Form helpers shared by the apps' pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def attach_errors(
    exc: ValidationError, form: forms.Form, formsets: Mapping[str, Any] | None = None
) -> None:
    """An action's refusal shown where it belongs: on the form's field it
    names, on a formset named in `formsets` (attendance, budget lines), else
    among the form's general errors."""
    if not hasattr(exc, "error_dict"):
        for problem in exc.messages:
            form.add_error(None, problem)
        return
    for name, problems in exc.message_dict.items():
        formset = (formsets or {}).get(name)
        for problem in problems:
            if formset is not None:
                formset._non_form_errors = formset.error_class(
                    [*formset.non_form_errors(), problem]
                )
            else:
                form.add_error(name if name in form.fields else None, problem)
