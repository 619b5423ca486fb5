"""Loading boundaries from GeoJSON: any country's places, with a mapping
that says which feature property holds the code, the names and the parent's
code. All or nothing: the whole file is checked first and every error names
the feature and the property; nothing is written unless the file is clean.

Mali's default places (regions, the district of Bamako, cercles) load from
the files shipped in nap1325/data/places (OCHA COD-AB, CC BY-IGO 3.0) with
the mappings `MALI_REGIONS` and `MALI_CERCLES`."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import shapely
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import shape

from nap1325.models import audit
from places.models import Move, Place

DATA = Path(settings.BASE_DIR) / "nap1325" / "data" / "places"
SURFACES = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Mapping:
    """Which feature property holds what. `level` is the level of every
    feature unless `level_property` names a property that gives it."""

    level: str
    code: str
    name_fr: str
    name_en: str = ""  # the French name's property when empty
    parent: str = ""  # no parent when empty
    level_property: str = ""


MALI_REGIONS = Mapping(level="region", code="iso_3166_2", name_fr="name", level_property="type")
MALI_CERCLES = Mapping(
    level="cercle", code="ocha_pcode", name_fr="name", parent="region_iso_3166_2"
)


@dataclass(frozen=True)
class PlaceError:
    file: str
    where: str  # features[3].properties.code
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.message}"


class BoundariesInvalid(Exception):
    def __init__(self, errors: list[PlaceError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    codes: list[str] = field(default_factory=list)


def geometry_problem(geometry: Any) -> str | None:
    """Why a GeoJSON geometry cannot outline a place, or None."""
    if not isinstance(geometry, dict) or geometry.get("type") not in SURFACES:
        return _("a Polygon or MultiPolygon is required")
    try:
        outline = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as e:
        return _("the coordinates cannot be read (%(reason)s)") % {"reason": e}
    if outline.is_empty:
        return _("the outline is empty")
    bounds = outline.bounds
    if bounds[0] < -180 or bounds[2] > 180 or bounds[1] < -90 or bounds[3] > 90:
        return _("coordinates out of longitude/latitude range")
    if not outline.is_valid and not _pinched(outline):
        return _("invalid outline: %(reason)s") % {"reason": shapely.is_valid_reason(outline)}
    return None


def _pinched(outline: Any) -> bool:
    """A ring that only touches itself at a point, common in simplified
    boundaries (two of the OCHA cercles of Mali): invalid to the letter, but
    its area is what the repair gives. A crossing ring is not."""
    area = outline.area
    return area > 0 and abs(shapely.make_valid(outline).area - area) <= area * 1e-9


def read_features(path: Path | str) -> tuple[str, list[dict[str, Any]], str]:
    """The file's name, its features and its attribution (a member some
    publishers add to the FeatureCollection; "" without)."""
    name = Path(path).name
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise BoundariesInvalid(
            [PlaceError(name, _("line %(line)d") % {"line": e.lineno}, e.msg)]
        ) from e
    except (OSError, UnicodeDecodeError) as e:
        raise BoundariesInvalid([PlaceError(name, "", str(e))]) from e
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BoundariesInvalid([PlaceError(name, "type", _("a GeoJSON FeatureCollection"))])
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise BoundariesInvalid([PlaceError(name, "features", _("no feature"))])
    return name, features, text_of(data.get("attribution"))[:300]


def text_of(value: Any) -> str:
    """A property's value as trimmed text; "" for none."""
    return str(value).strip() if value is not None else ""


def check_features(
    name: str, features: list[dict[str, Any]], country: str, mapping: Mapping
) -> list[dict[str, Any]]:
    """The places the features describe, or BoundariesInvalid with every
    error located."""
    errors: list[PlaceError] = []
    known = set(Place.objects.filter(country=country).values_list("code", flat=True))
    codes = Counter(
        text_of((f.get("properties") or {}).get(mapping.code))
        for f in features
        if isinstance(f, dict)
    )
    in_file = {code for code in codes if code}
    places = []
    for index, feature in enumerate(features):
        where = f"features[{index}]"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(PlaceError(name, where, _("a GeoJSON Feature is expected")))
            continue
        props = feature.get("properties") or {}
        code = text_of(props.get(mapping.code))
        if not code:
            errors.append(
                PlaceError(name, f"{where}.properties.{mapping.code}", _("the code is missing"))
            )
        elif codes[code] > 1:
            errors.append(
                PlaceError(
                    name, f"{where}.properties.{mapping.code}",
                    _("the code “%(code)s” is given to %(count)d features")
                    % {"code": code, "count": codes[code]},
                )
            )  # fmt: skip
        name_fr = text_of(props.get(mapping.name_fr))
        name_en = text_of(props.get(mapping.name_en)) if mapping.name_en else name_fr
        if not (name_fr or name_en):
            errors.append(
                PlaceError(name, f"{where}.properties.{mapping.name_fr}", _("the name is missing"))
            )
        # No parent's code: a top-level place (a file may hold every level).
        parent = text_of(props.get(mapping.parent)) if mapping.parent else ""
        if parent and parent not in known and parent not in in_file:
            errors.append(
                PlaceError(
                    name, f"{where}.properties.{mapping.parent}",
                    _("no place “%(code)s” (loaded or in this file) to be its parent")
                    % {"code": parent},
                )
            )  # fmt: skip
        elif parent and parent == code:
            errors.append(
                PlaceError(name, f"{where}.properties.{mapping.parent}", _("its own parent"))
            )
        problem = geometry_problem(feature.get("geometry"))
        if problem:
            errors.append(PlaceError(name, f"{where}.geometry", problem))
        level = text_of(props.get(mapping.level_property)) if mapping.level_property else ""
        places.append(
            {
                "code": code,
                "name_fr": name_fr or name_en,
                "name_en": name_en or name_fr,
                "parent": parent,
                "level": level or mapping.level,
                "geometry": feature.get("geometry"),
            }
        )
    if errors:
        raise BoundariesInvalid(errors)
    return places


def load_boundaries(
    path: Path | str,
    country: str,
    mapping: Mapping,
    *,
    valid_from: date | None = None,
    source: str = "",
    by: Any = None,
) -> LoadReport:
    """Create or update the places of a GeoJSON file, all or nothing.
    A place is matched by country and code; loading twice changes nothing.
    The source, printed under every map, defaults to the file's attribution."""
    name, features, attribution = read_features(path)
    source = source or attribution
    places = check_features(name, features, country, mapping)
    report = LoadReport()
    with transaction.atomic():
        existing = {p.code: p for p in Place.objects.filter(country=country)}
        saved: dict[str, Place] = {}
        for values in places:  # first without parents: a parent may come later in the file
            place = existing.get(values["code"])
            fields = {
                "level": values["level"], "name_fr": values["name_fr"],
                "name_en": values["name_en"], "geometry": values["geometry"],
                "source": source or (place.source if place else ""),
            }  # fmt: skip
            if place is None:
                place = Place.objects.create(
                    country=country, code=values["code"], valid_from=valid_from, **fields
                )
                report.created += 1
            else:
                changed = [k for k, v in fields.items() if getattr(place, k) != v]
                for key in changed:
                    setattr(place, key, fields[key])
                if changed:
                    place.save(update_fields=changed)
                    report.updated += 1
                else:
                    report.unchanged += 1
            saved[values["code"]] = place
            report.codes.append(values["code"])
        # A reform's moves stand: the file gives the parents it was made with.
        moved = set(Move.objects.filter(place__country=country).values_list("place", flat=True))
        for values in places:
            place = saved[values["code"]]
            parent = saved.get(values["parent"]) or existing.get(values["parent"])
            if place.pk not in moved and place.parent_id != (parent.pk if parent else None):
                place.parent = parent
                place.save(update_fields=["parent"])
        if report.created or report.updated:
            audit(
                "places.load", saved[places[0]["code"]], user=by,
                after={"file": name, "created": report.created, "updated": report.updated},
                summary=_("Boundaries %(file)s loaded") % {"file": name},
            )  # fmt: skip
    return report


def load_mali_places() -> int:
    """Create or update Mali's regions and cercles; return how many there are."""
    load_boundaries(DATA / "mali-regions.geojson", "ML", MALI_REGIONS)
    load_boundaries(DATA / "mali-cercles.geojson", "ML", MALI_CERCLES)
    return Place.objects.filter(country="ML").count()
