"""Template helpers: numbers formatted for the active language, download
addresses, and this page's address in the other language."""

from decimal import Decimal

from django import template
from django.urls import translate_url
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


@register.simple_tag(takes_context=True)
def download_url(context: template.Context, fmt: str, table: str = "") -> str:
    """This page's address asking for a download: its filters kept, `format`
    (and `table` for one table) set."""
    query = context["request"].GET.copy()
    for name in ("format", "table"):
        query.pop(name, None)
    query["format"] = fmt
    if table:
        query["table"] = table
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def page_in(context: template.Context, language: str) -> str:
    """This page's address in `language`, for the header's language button.
    Worked out here, under the page's own language: Django's set_language
    would work it out under the language of the language cookie, and could
    not read a /fr/ address while the cookie says English (the button would
    then leave the page as it was)."""
    return translate_url(context["request"].get_full_path(), language)
