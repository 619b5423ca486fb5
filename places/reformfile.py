"""A reform written as a YAML file, for `manage.py reform`: what it closes
and opens, from which day, the new parents of the places inside, and
optionally the new places' outlines from a GeoJSON file beside it.

    country: ML
    kind: split                 # split, merge or rename
    effective_on: 2024-01-01    # the first day of a quarter
    description_fr: …
    description_en: …
    source: Ordonnance n° …
    old: [ML-6]
    new:
      - {code: ML-6N, name_fr: Tombouctou-Nord, name_en: Timbuktu North}
      - {code: ML-6S, name_fr: Tombouctou-Sud}
    moves:                      # every place open inside a closed one
      ML0601: ML-6N
    outlines:                   # optional
      file: new-regions.geojson
      code_property: code

Every error names the file and the key (`new[2].code`, `moves`), in the
user's language; a reform the file describes is checked whole by
`places.geography.apply_reform`, which writes nothing unless it is clean.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nap1325.datafiles import DataFileInvalid, parse_yaml
from places.geography import NewPlace, ReformInput, apply_reform
from places.loading import BoundariesInvalid, PlaceError, read_features, text_of
from places.models import Reform

KEYS = {
    "country", "kind", "effective_on", "description_fr", "description_en", "source",
    "old", "new", "moves", "outlines",
}  # fmt: skip
NEW_KEYS = {"code", "name_fr", "name_en", "parent", "level"}


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self.errors: list[PlaceError] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(PlaceError(self.name, where, message))

    def load(self) -> Any:
        """The file's data, dates as text so that "2024-13-01" is a located
        error rather than the parser's exception."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BoundariesInvalid([PlaceError(self.name, "", str(exc))]) from exc
        try:
            return parse_yaml(text, self.name)
        except DataFileInvalid as exc:
            raise BoundariesInvalid(
                [
                    PlaceError(
                        self.name,
                        _("line %(line)d") % {"line": error.line} if error.line else "",
                        error.message,
                    )
                    for error in exc.errors
                ]
            ) from exc

    def codes(self, value: Any, where: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            self.error(where, _("a list of place codes"))
            return []
        return [text_of(v) for v in value]

    def read(self) -> ReformInput:
        data = self.load()
        if not isinstance(data, dict):
            raise BoundariesInvalid([PlaceError(self.name, "", _("a mapping of keys is expected"))])
        for key in sorted(set(data) - KEYS, key=str):
            self.error(str(key), _("unknown key"))
        for key in ("country", "kind", "effective_on", "old", "new"):
            if data.get(key) in (None, "", []):
                self.error(key, _("this key is required"))
        effective_on = data.get("effective_on")
        if isinstance(effective_on, str):
            try:
                effective_on = date.fromisoformat(effective_on)
            except ValueError:
                effective_on = None
        if data.get("effective_on") is not None and not isinstance(effective_on, date):
            self.error("effective_on", _("a date written YYYY-MM-DD"))
        moves = data.get("moves") or {}
        if not isinstance(moves, dict):
            self.error("moves", _("a mapping of place code to new parent's code"))
            moves = {}
        reform = ReformInput(
            country=text_of(data.get("country")).upper(),
            kind=text_of(data.get("kind")),
            effective_on=effective_on if isinstance(effective_on, date) else date.min,
            old=self.codes(data.get("old") or [], "old"),
            new=self.new_places(data.get("new") or []),
            moves={text_of(k): text_of(v) for k, v in moves.items()},
            description_fr=text_of(data.get("description_fr")),
            description_en=text_of(data.get("description_en")),
            source=text_of(data.get("source")),
        )
        self.outlines(data.get("outlines"), reform.new)
        if self.errors:
            raise BoundariesInvalid(self.errors)
        return reform

    def new_places(self, value: Any) -> list[NewPlace]:
        if not isinstance(value, list):
            self.error("new", _("a list of new places"))
            return []
        places = []
        for index, item in enumerate(value):
            where = f"new[{index}]"
            if not isinstance(item, dict):
                self.error(where, _("a mapping with code, name_fr, name_en"))
                continue
            for key in sorted(set(item) - NEW_KEYS, key=str):
                self.error(f"{where}.{key}", _("unknown key"))
            places.append(
                NewPlace(
                    code=text_of(item.get("code")),
                    name_fr=text_of(item.get("name_fr")),
                    name_en=text_of(item.get("name_en")),
                    parent=text_of(item.get("parent")) or None,
                    level=text_of(item.get("level")),
                )
            )
        return places

    def outlines(self, value: Any, new: list[NewPlace]) -> None:
        """Each new place's outline from the GeoJSON file named, by its code;
        every new place needs one when a file is given."""
        if value is None:
            return
        if not isinstance(value, dict) or not text_of(value.get("file")):
            self.error("outlines", _("a mapping with file and code_property"))
            return
        code_property = text_of(value.get("code_property")) or "code"
        try:
            _name, features, _attribution = read_features(self.path.parent / value["file"])
        except BoundariesInvalid as exc:
            self.errors.extend(exc.errors)
            return
        by_code = {
            text_of((f.get("properties") or {}).get(code_property)): f.get("geometry")
            for f in features
            if isinstance(f, dict)
        }
        for index, place in enumerate(new):
            if place.code and place.code not in by_code:
                self.error(
                    f"new[{index}]",
                    _("no feature with %(property)s “%(code)s” in %(file)s")
                    % {"property": code_property, "code": place.code, "file": value["file"]},
                )
            place.geometry = by_code.get(place.code)


def read_reform(path: Path | str) -> ReformInput:
    """The reform a file describes, or BoundariesInvalid with every error
    located."""
    return _Reader(Path(path)).read()


def apply_reform_file(path: Path | str, *, by: Any) -> Reform:
    """Read and apply a reform file, all or nothing; the reform's own
    refusals (`ValidationError` by field) come back located in the file."""
    data = read_reform(path)
    try:
        return apply_reform(data, by=by)
    except ValidationError as exc:
        name = Path(path).name
        raise BoundariesInvalid(
            [
                PlaceError(name, key, message)
                for key, messages in exc.message_dict.items()
                for message in messages
            ]
        ) from exc
