"""Choropleth maps of Mali from the stored outlines (loaded from the shipped
GeoJSON): every place drawn, classes light to dark, "no data" hatched, the
data's attribution printed."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from publishing import maps
from publishing.maps import PALETTE, palette

SVG = "{http://www.w3.org/2000/svg}"
PLACES = Path(settings.BASE_DIR) / "nap1325" / "data" / "places"


def geojson(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PLACES / name).read_text(encoding="utf-8"))
    return data


REGIONS = geojson("mali-regions.geojson")
CERCLES = geojson("mali-cercles.geojson")
REGION_CODES = [feature["id"] for feature in REGIONS["features"]]
CERCLE_CODES = [feature["id"] for feature in CERCLES["features"]]


def places(root: ET.Element) -> dict[str, ET.Element]:
    return {
        path.attrib["data-code"]: path
        for path in root.iter(f"{SVG}path")
        if "data-code" in path.attrib
    }


def legend_texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text") if "data-attribution" not in t.attrib]


TODAY = date(2026, 1, 1)


def choropleth(values: Mapping[str, D | None], **options: Any) -> str:
    svg = maps.choropleth(values, country="ML", on=TODAY, **options)
    assert svg is not None
    return svg


def regions_map(values: Mapping[str, D | None], **options: Any) -> str:
    return choropleth(values, title="Women in councils", legend_title="Share (%)", **options)


pytestmark = pytest.mark.django_db


def test_every_region_of_the_file_is_drawn() -> None:
    root = ET.fromstring(regions_map({}))
    assert root.attrib["role"] == "img" and root.attrib["width"] == "100%"
    assert sorted(places(root)) == sorted(REGION_CODES)
    for path in places(root).values():
        assert path.attrib["d"].startswith("M") and path.attrib["d"].endswith("z")
        assert path.findtext(f"{SVG}title")


def test_the_highest_value_is_darkest_and_the_lowest_lightest() -> None:
    values = {code: D(10 * i + 3) for i, code in enumerate(REGION_CODES)}
    shapes = places(ET.fromstring(regions_map(values)))
    highest, lowest = REGION_CODES[-1], REGION_CODES[0]
    assert shapes[highest].attrib["fill"] == PALETTE[-1]
    assert shapes[lowest].attrib["fill"] == PALETTE[0]
    fills = [shapes[code].attrib["fill"] for code in REGION_CODES]
    assert fills == sorted(fills, key=PALETTE.index)  # never lighter for more


def test_a_region_without_value_is_hatched_and_in_the_legend() -> None:
    values: dict[str, D | None] = {code: D(5) for code in REGION_CODES}
    values[REGION_CODES[0]] = None
    del values[REGION_CODES[1]]
    svg = regions_map(values, no_data_label="Pas de données")
    root = ET.fromstring(svg)
    shapes = places(root)
    for code in REGION_CODES[:2]:
        fill = shapes[code].attrib["fill"]
        pattern_id = re.fullmatch(r"url\(#(.+)\)", fill)
        assert pattern_id, fill
        assert root.find(f".//{SVG}pattern[@id='{pattern_id.group(1)}']") is not None
        assert shapes[code].findtext(f"{SVG}title", "").endswith("Pas de données")
    assert shapes[REGION_CODES[2]].attrib["fill"].startswith("#")
    assert "Pas de données" in legend_texts(root)


def test_no_data_is_left_out_of_the_legend_when_every_place_has_a_value() -> None:
    root = ET.fromstring(regions_map(dict.fromkeys(REGION_CODES, D(1)), no_data_label="n/a"))
    assert "n/a" not in legend_texts(root)


def test_the_legend_shows_the_class_ranges() -> None:
    values = {code: D(6 * i) for i, code in enumerate(REGION_CODES)}  # 0 to 54
    root = ET.fromstring(regions_map(values, number_format=lambda d: f"{d} %", classes=3))
    assert legend_texts(root) == ["Share (%)", "0 % – 20 %", "20 % – 40 %", "40 % – 60 %"]


def test_the_attribution_of_the_file_is_printed() -> None:
    root = ET.fromstring(regions_map({}))
    lines = [t.text or "" for t in root.iter(f"{SVG}text") if "data-attribution" in t.attrib]
    assert " ".join(lines) == REGIONS["attribution"]


def test_names_and_titles_are_escaped() -> None:
    svg = choropleth(
        {"ML-1": D(1)}, title="<script>&", legend_title="<i>", names={"ML-1": "<b>Kayes & co</b>"}
    )
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    root = ET.fromstring(svg)
    assert places(root)["ML-1"].findtext(f"{SVG}title") == "<b>Kayes & co</b> – 1"
    assert root.findtext(f"{SVG}title") == "<script>&"


def test_names_default_to_the_file() -> None:
    shapes = places(ET.fromstring(regions_map({"ML-BKO": D(7)})))
    assert shapes["ML-BKO"].findtext(f"{SVG}title") == "Bamako – 7"


def test_cercles_are_drawn_under_the_region_borders() -> None:
    values = {code: D(i) for i, code in enumerate(CERCLE_CODES)}
    root = ET.fromstring(choropleth(values, level="cercle", title="t", legend_title="Cases"))
    assert sorted(places(root)) == sorted(CERCLE_CODES)
    outlines = root.find(f"{SVG}g[@data-outlines='region']")
    assert outlines is not None
    assert outlines.attrib["fill"] == "none"
    assert len(outlines.findall(f"{SVG}path")) == len(REGION_CODES)
    children = list(root)
    cercles = next(g for g in children if g.find(f"{SVG}path[@data-code]") is not None)
    assert children.index(outlines) > children.index(cercles)  # drawn on top


def test_the_region_map_has_no_region_outlines_layer() -> None:
    root = ET.fromstring(regions_map({}))
    assert root.find(f"{SVG}g[@data-outlines]") is None


def test_maps_stay_light() -> None:
    every_region = {code: D(i) for i, code in enumerate(REGION_CODES)}
    every_cercle = {code: D(i) for i, code in enumerate(CERCLE_CODES)}
    assert len(regions_map(every_region).encode()) < 60_000
    assert (
        len(choropleth(every_cercle, level="cercle", title="t", legend_title="x").encode())
        < 150_000
    )


def test_paths_stay_inside_the_view_box() -> None:
    svg = choropleth({}, level="cercle", title="t", legend_title="x")
    root = ET.fromstring(svg)
    _, _, width, height = (float(n) for n in root.attrib["viewBox"].split())
    outlines = root.findall(f"{SVG}g[@data-outlines]/{SVG}path")
    for path in [*places(root).values(), *outlines]:
        for ring in re.findall(r"M([^Mz]+)z", path.attrib["d"]):
            numbers = [float(n) for n in re.findall(r"-?(?:\d+\.?\d*|\.\d+)", ring)]
            x, y = numbers[0], numbers[1]
            for dx, dy in zip(numbers[2::2], numbers[3::2], strict=True):
                x, y = x + dx, y + dy
                assert 0 <= x <= width and 0 <= y <= height


@pytest.mark.parametrize(
    ("values", "fills"),
    [
        ({}, set()),  # nothing but hatching
        ({"ML-1": D(3), "ML-2": D(3)}, {PALETTE[len(PALETTE) // 2]}),  # one class
        ({"ML-1": D(-5), "ML-2": D(5)}, {PALETTE[0], PALETTE[-1]}),
    ],
)  # fmt: skip
def test_degenerate_values_still_draw(values: dict[str, D], fills: set[str]) -> None:
    shapes = places(ET.fromstring(regions_map(values)))
    assert {
        p.attrib["fill"] for p in shapes.values() if not p.attrib["fill"].startswith("url")
    } == fills


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="classes"):
        regions_map({}, classes=0)
    with pytest.raises(ValueError, match="level"):
        choropleth({}, level="commune", title="t", legend_title="x")


@pytest.mark.parametrize("count", range(1, len(PALETTE) + 1))
def test_palette_runs_light_to_dark(count: int) -> None:
    fills = palette(count)
    assert len(set(fills)) == count
    assert [PALETTE.index(f) for f in fills] == sorted(PALETTE.index(f) for f in fills)
    if count > 1:
        assert fills[0] == PALETTE[0] and fills[-1] == PALETTE[-1]
