"""Bilingual plan texts: one column per language (`title_fr`, `title_en`).

`localized(obj, "title")` returns the text in the active language and falls
back to the other language, so a half-translated draft plan still reads.
"""

from typing import Any

from django.utils.translation import get_language

LANGUAGES = ("fr", "en")


def current_language() -> str:
    language = (get_language() or "fr")[:2]
    return language if language in LANGUAGES else "fr"


def localized(obj: Any, field: str) -> str:
    first = current_language()
    for language in (first, *(lang for lang in LANGUAGES if lang != first)):
        value = getattr(obj, f"{field}_{language}", "")
        if value:
            return str(value)
    return ""


class Localized:
    """Descriptor: `title = Localized("title")` reads `title_fr`/`title_en`."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        return localized(obj, self.field)
