"""Text matching for search: case- and accent-insensitive ("securite" finds "Sécurité")."""

import unicodedata


def normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def matches(terms: list[str], *fields: str) -> bool:
    """True when every term occurs in at least one of the fields."""
    haystack = " ".join(normalize(field) for field in fields if field)
    return all(term in haystack for term in terms)
