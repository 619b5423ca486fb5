"""Bilingual plan texts: one column per language (`title_fr`, `title_en`).

`localized(obj, "title")` returns the text in the active language and falls
back to the other language, so a half-translated draft plan still reads.
"""

from collections.abc import Callable
from typing import Any

from django.utils import translation
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


def in_both_languages(compose: Callable[[str], tuple[str, str]]) -> tuple[str, str]:
    """An e-mail for people whose language is not known: `compose(language)`
    returns a subject and a body, called with French then English active."""
    parts = []
    for language in LANGUAGES:
        with translation.override(language):
            parts.append(compose(language))
    (french_subject, french), (english_subject, english) = parts
    return f"{french_subject} / {english_subject}", f"{french}\n\n---\n\n{english}\n"


class Localized:
    """Descriptor: `title = Localized("title")` reads `title_fr`/`title_en`."""

    def __init__(self, field: str) -> None:
        self.field = field

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        if obj is None:
            return self
        return localized(obj, self.field)
