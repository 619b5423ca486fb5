"""Template helpers: numbers formatted for the active language."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def number(value: Decimal | int | float | None) -> str:
    """12500.5000 → "12 500,5" in French, "12,500.5" in English; "" for no value."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
    return number_format(value, use_l10n=True, force_grouping=True)
