"""Loading Mali's default places (regions, the district of Bamako, cercles)
from the GeoJSON files shipped in nap1325/data/places (OCHA COD-AB, CC BY-IGO)."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from places.models import Place

DATA = Path(settings.BASE_DIR) / "nap1325" / "data" / "places"


def load_mali_places() -> int:
    """Create or update Mali's regions and cercles; return how many there are."""
    regions = json.loads((DATA / "mali-regions.geojson").read_text(encoding="utf-8"))
    cercles = json.loads((DATA / "mali-cercles.geojson").read_text(encoding="utf-8"))
    with transaction.atomic():
        by_code = {}
        for feature in regions["features"]:
            props = feature["properties"]
            by_code[props["iso_3166_2"]], _ = Place.objects.update_or_create(
                country="ML",
                code=props["iso_3166_2"],
                defaults={
                    "level": props["type"],
                    "name_fr": props["name"],
                    "name_en": props["name"],
                    "parent": None,
                },
            )
        for feature in cercles["features"]:
            props = feature["properties"]
            Place.objects.update_or_create(
                country="ML",
                code=props["ocha_pcode"],
                defaults={
                    "level": "cercle",
                    "name_fr": props["name"],
                    "name_en": props["name"],
                    "parent": by_code[props["region_iso_3166_2"]],
                },
            )
    return Place.objects.filter(country="ML").count()
