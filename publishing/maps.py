"""Choropleth maps of Mali's regions or cercles as inline SVG, drawn on the
server from the GeoJSON shipped in nap1325/data/places (OCHA COD-AB,
CC BY-IGO 3.0): nothing is fetched, and the data's attribution is always
printed on the map.

Class breaks are equal intervals with round bounds ("20 – 40"), at most
`classes` of them. With 10 regions or 53 cercles, quantiles would put the
same number of places in every class whatever the gaps between their
values, and one changed value would move every bound; equal intervals keep
each class's meaning plain in the legend and comparable between two maps
of the same range. Round bounds may leave fewer classes than asked, never
an empty first or last one, so the highest value always takes the darkest
fill and the lowest the lightest.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from publishing.charts import (
    CHAR_WIDTH,
    FONT_SIZE,
    INK,
    MUTED,
    WIDTH,
    NumberFormat,
    document,
    element,
    hatch_pattern,
    markup,
    nice_breaks,
    number,
    svg_id,
    text_width,
    wrap,
)

Level = Literal["region", "cercle"]

DATA = Path(settings.BASE_DIR) / "nap1325" / "data" / "places"
FILES: dict[str, str] = {"region": "mali-regions.geojson", "cercle": "mali-cercles.geojson"}

PAD = 6  # around the country, in viewBox units
GRID = 0.5  # projected points snap to this grid: finer than the eye, and
# since a shared border snaps the same way on both sides, no slivers open.
ATTRIBUTION_SIZE = 8

# ColorBrewer "Purples" (Cynthia Brewer, Apache 2.0), without its near-white
# first step so the lightest class still differs from the hatched "no data".
# Lightness falls evenly: classes stay apart in greyscale.
PALETTE = ("#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#54278f", "#3f007d")


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    path: str  # SVG path data, in viewBox units


@dataclass(frozen=True)
class Layer:
    shapes: tuple[Shape, ...]
    attribution: str


@dataclass(frozen=True)
class Frame:
    """The projection shared by both levels, so cercles and region outlines
    coincide: equirectangular, longitudes shrunk by the cosine of the
    country's mean latitude, fitted to the chart's width."""

    west: float
    north: float
    shrink: float
    scale: float
    height: float

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        x = PAD + (lon - self.west) * self.shrink * self.scale
        y = PAD + (self.north - lat) * self.scale
        return round(x / GRID) * GRID, round(y / GRID) * GRID


@cache
def _geojson(level: str) -> dict[str, Any]:
    if level not in FILES:
        raise ValueError(f"level must be one of {sorted(FILES)}, not {level!r}")
    data: dict[str, Any] = json.loads((DATA / FILES[level]).read_text(encoding="utf-8"))
    return data


def _rings(feature: Mapping[str, Any]) -> Iterator[list[list[float]]]:
    geometry = feature["geometry"]
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    for polygon in polygons:
        yield from polygon


@cache
def _frame() -> Frame:
    """Fitted to the regions, which cover the whole country."""
    points = [p for f in _geojson("region")["features"] for ring in _rings(f) for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    shrink = math.cos(math.radians((south + north) / 2))
    scale = (WIDTH - 2 * PAD) / ((east - west) * shrink)
    return Frame(west, north, shrink, scale, (north - south) * scale + 2 * PAD)


def _short(value: float) -> str:
    """A number of a path, as short as SVG allows: ".5", "-1.5"."""
    text = number(value)
    if text.startswith(("0.", "-0.")):
        text = text.replace("0.", ".", 1)
    return text


def _path(rings: Iterator[list[list[float]]], frame: Frame) -> str:
    """Each ring as a move then relative lines, closed; holes are rings too
    and the paths are drawn with fill-rule evenodd."""
    out: list[str] = []
    for ring in rings:
        points: list[tuple[float, float]] = []
        for lon, lat in ring:
            point = frame.project(lon, lat)
            if not points or points[-1] != point:
                points.append(point)
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()
        if len(points) < 3:
            continue  # smaller than the grid: invisible
        tokens = [f"M{_short(points[0][0])}", _short(points[0][1]), "l"]
        for (x0, y0), (x1, y1) in pairwise(points):
            tokens += [_short(x1 - x0), _short(y1 - y0)]
        text = tokens[0]
        for previous, token in pairwise(tokens):
            glued = token.startswith("-") or previous == "l" or token == "l"
            text += token if glued else f" {token}"
        out.append(text + "z")
    return "".join(out)


@cache
def _layer(level: str) -> Layer:
    """A level's places, projected once per process."""
    data = _geojson(level)
    frame = _frame()
    shapes = tuple(
        Shape(str(feature["id"]), feature["properties"]["name"], _path(_rings(feature), frame))
        for feature in data["features"]
    )
    return Layer(shapes, data["attribution"])


@cache
def _left_edge() -> tuple[float, ...]:
    """For each row of the map (one viewBox unit high), the leftmost x the
    country reaches: where a legend in the top-left corner would fit."""
    frame = _frame()
    rows = math.ceil(frame.height)
    edge = [float(WIDTH)] * rows
    for feature in _geojson("region")["features"]:
        for ring in _rings(feature):
            points = [frame.project(lon, lat) for lon, lat in ring]
            for (x0, y0), (x1, y1) in pairwise(points):
                for row in range(max(int(min(y0, y1)), 0), min(int(max(y0, y1)) + 1, rows)):
                    edge[row] = min(edge[row], x0, x1)
    return tuple(edge)


def region_of_cercle() -> dict[str, str]:
    """Each cercle's OCHA pcode ("ML0101") → its region's ISO 3166-2 code ("ML-1")."""
    return {
        feature["properties"]["ocha_pcode"]: feature["properties"]["region_iso_3166_2"]
        for feature in _geojson("cercle")["features"]
    }


def palette(count: int) -> list[str]:
    """`count` fills from light to dark, spread over the whole PALETTE."""
    if count == 1:
        return [PALETTE[len(PALETTE) // 2]]
    last = len(PALETTE) - 1
    return [PALETTE[round(i * last / (count - 1))] for i in range(count)]


def _classes(
    values: Sequence[Decimal], most: int, number_format: NumberFormat
) -> tuple[list[Decimal], list[str]]:
    """The breaks of the classes and the legend's text for each class."""
    if not values:
        return [], []
    breaks = nice_breaks(min(values), max(values), most)
    if breaks[0] == breaks[-1]:
        return breaks, [number_format(breaks[0])]
    labels = [f"{number_format(lo)} – {number_format(hi)}" for lo, hi in pairwise(breaks)]
    return breaks, labels


def _class_of(value: Decimal, breaks: Sequence[Decimal]) -> int:
    step = breaks[1] - breaks[0]
    if not step:
        return 0
    return min(int((value - breaks[0]) // step), len(breaks) - 2)


def choropleth(
    values: Mapping[str, Decimal | None],
    *,
    level: Level = "region",
    title: str,
    legend_title: str,
    number_format: NumberFormat = str,
    no_data_label: str | None = None,
    classes: int = 5,
    names: Mapping[str, str] | None = None,
) -> SafeString:
    """Mali's regions (level "region", keyed by ISO 3166-2 code: "ML-1",
    "ML-BKO") or cercles (level "cercle", keyed by OCHA pcode: "ML0101"),
    each filled by the class of its value, light to dark.

    A place missing from `values` or valued None is hatched and counts as
    `no_data_label` in the legend; codes not on the map are ignored. At
    most `classes` (1 to 8) equal, round intervals. `names` replaces the
    file's place names (e.g. translated ones) in the tooltips. A cercle map
    also draws the region borders over the cercles.
    """
    if not 1 <= classes <= len(PALETTE):
        raise ValueError(f"classes must be between 1 and {len(PALETTE)}, not {classes}")
    layer = _layer(level)
    frame = _frame()
    no_data = no_data_label or gettext("No data")
    known = {shape.code: values.get(shape.code) for shape in layer.shapes}
    present = [value for value in known.values() if value is not None]
    breaks, class_labels = _classes(present, classes, number_format)
    fills = palette(len(class_labels)) if class_labels else []
    ident = svg_id("map", level, title, legend_title, sorted(known.items()), classes)
    hatch = f"url(#{ident}-nodata)"

    places: list[SafeString] = []
    for shape in layer.shapes:
        value = known[shape.code]
        name = (names or {}).get(shape.code, shape.name)
        shown = no_data if value is None else number_format(value)
        places.append(
            element(
                "path",
                element("title", f"{name} – {shown}"),
                d=shape.path,
                fill=hatch if value is None else fills[_class_of(value, breaks)],
                data_code=shape.code,
            )
        )
    thin = 0.5 if level == "region" else 0.35
    body = [
        element("defs", hatch_pattern(f"{ident}-nodata")),
        element(
            "g",
            markup(places),
            stroke="#555",
            stroke_width=thin,
            stroke_linejoin="round",
            fill_rule="evenodd",
        ),
    ]
    if level == "cercle":
        outlines = [element("path", d=shape.path) for shape in _layer("region").shapes]
        body.append(
            element(
                "g",
                markup(outlines),
                fill="none",
                stroke=INK,
                stroke_width=1.2,
                stroke_linejoin="round",
                data_outlines="region",
            )
        )

    items = list(zip(class_labels, fills, strict=True))
    if len(present) < len(known):
        items.append((no_data, hatch))
    legend, legend_width, legend_height = _legend(legend_title, items)
    edge = _left_edge()
    fits = min(edge[: math.ceil(legend_height) + PAD], default=0) > legend_width + PAD
    legend_top = 0.0 if fits else frame.height
    body.append(element("g", markup(legend), transform=f"translate(1 {number(legend_top)})"))

    bottom = max(frame.height, legend_top + legend_height) + 4
    chars = int(WIDTH / (CHAR_WIDTH * ATTRIBUTION_SIZE))
    lines = wrap(layer.attribution, chars, lines=4)
    for i, line in enumerate(lines):
        body.append(
            element(
                "text",
                line,
                x=0,
                y=bottom + (i + 1) * (ATTRIBUTION_SIZE + 2),
                font_size=ATTRIBUTION_SIZE,
                fill=MUTED,
                data_attribution="",
            )
        )
    height = bottom + len(lines) * (ATTRIBUTION_SIZE + 2) + 3
    return document(body, ident=ident, title=title, height=height)


def _legend(
    legend_title: str, items: Sequence[tuple[str, str]]
) -> tuple[list[SafeString], float, float]:
    """The legend's elements, width and height: its title, then one line per
    class, lightest first, then "no data"."""
    lines = wrap(legend_title, 26, lines=3) if legend_title else []
    drawn = [
        element("text", line, x=0, y=FONT_SIZE + i * (FONT_SIZE + 3), font_weight="bold")
        for i, line in enumerate(lines)
    ]
    top = len(lines) * (FONT_SIZE + 3) + 4
    for i, (label, fill) in enumerate(items):
        y = top + i * 18
        drawn.append(
            element("rect", x=0, y=y, width=18, height=12, fill=fill, stroke=INK, stroke_width=0.5)
        )
        drawn.append(element("text", label, x=24, y=y + 10.5))
    widths = [text_width(line) for line in lines]
    widths += [24 + text_width(label) for label, _ in items]
    return drawn, max(widths, default=0.0), top + len(items) * 18
