"""Choropleth maps of a country's regions or cercles as inline SVG, drawn on
the server from the outlines of the places open on a day (loaded with
`manage.py loadplaces`, opened by reforms): nothing is fetched, a split
region draws as its new regions from the day the reform takes effect, and
the places' sources (for Mali, OCHA COD-AB, CC BY-IGO 3.0) are always
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

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise
from typing import Any, Literal

from django.utils.safestring import SafeString
from django.utils.translation import gettext

from nap1325.i18n import Localized
from places.models import Place
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
    name_fr: str
    name_en: str
    path: str  # SVG path data, in viewBox units

    name = Localized("name")


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


@dataclass(frozen=True)
class Layer:
    """A level's places open on a day, projected, with the region borders
    drawn over cercles and the sources to print."""

    shapes: tuple[Shape, ...]
    outlines: tuple[Shape, ...]
    frame: Frame
    left_edge: tuple[float, ...]
    attribution: str


# A place as the layer's key sees it: pk, code, names, source and the digest
# of its outline, so any change to a place draws a new layer.
Key = tuple[int, str, str, str, str, str]


def _rings(geometry: Mapping[str, Any]) -> Iterator[list[list[float]]]:
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    for polygon in polygons:
        yield from polygon


def _fit(geometries: Sequence[Mapping[str, Any]]) -> Frame:
    points = [p for geometry in geometries for ring in _rings(geometry) for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    shrink = math.cos(math.radians((south + north) / 2))
    scale = (WIDTH - 2 * PAD) / max((east - west) * shrink, north - south, 1e-9)
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


def _left_edge(geometries: Sequence[Mapping[str, Any]], frame: Frame) -> tuple[float, ...]:
    """For each row of the map (one viewBox unit high), the leftmost x the
    country reaches: where a legend in the top-left corner would fit."""
    rows = math.ceil(frame.height)
    edge = [float(WIDTH)] * rows
    for geometry in geometries:
        for ring in _rings(geometry):
            points = [frame.project(lon, lat) for lon, lat in ring]
            for (x0, y0), (x1, y1) in pairwise(points):
                for row in range(max(int(min(y0, y1)), 0), min(int(max(y0, y1)) + 1, rows)):
                    edge[row] = min(edge[row], x0, x1)
    return tuple(edge)


def _keys(places: Any) -> tuple[Key, ...]:
    return tuple(
        places.exclude(geometry_digest="")
        .order_by("code")
        .values_list("pk", "code", "name_fr", "name_en", "source", "geometry_digest")
    )


def layer(country: str, level: Level, on: date) -> Layer | None:
    """The outlines of a country's regions (its top-level places) or cercles
    (their children) open on `on`, from the places stored by `loadplaces`
    or a reform; None when the country has no outlines at that level."""
    if level not in ("region", "cercle"):
        raise ValueError(f"level must be 'region' or 'cercle', not {level!r}")
    open_places = Place.objects.filter(country=country).valid_on(on)
    regions = _keys(open_places.filter(parent__isnull=True))
    shapes = (
        regions
        if level == "region"
        else _keys(open_places.filter(parent__isnull=False, parent__parent__isnull=True))
    )
    if not shapes:
        return None
    return _projected(shapes, regions if level == "cercle" else ())


@lru_cache(maxsize=32)
def _projected(shapes: tuple[Key, ...], outlines: tuple[Key, ...]) -> Layer:
    """Projected once per process for each set of places and outlines."""
    wanted = {key[0] for key in (*shapes, *outlines)}
    geometries: dict[int, Mapping[str, Any]] = dict(
        Place.objects.filter(pk__in=wanted).values_list("pk", "geometry")  # type: ignore[arg-type]
    )
    frame_on = [geometries[key[0]] for key in (outlines or shapes)]
    frame = _fit(frame_on)

    def drawn(keys: tuple[Key, ...]) -> tuple[Shape, ...]:
        return tuple(
            Shape(code, name_fr, name_en, _path(_rings(geometries[pk]), frame))
            for pk, code, name_fr, name_en, _source, _digest in keys
        )

    sources = dict.fromkeys(key[4] for key in (*shapes, *outlines) if key[4])
    return Layer(
        drawn(shapes), drawn(outlines), frame, _left_edge(frame_on, frame), " · ".join(sources)
    )


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
    country: str,
    on: date,
    level: Level = "region",
    title: str,
    legend_title: str,
    number_format: NumberFormat = str,
    no_data_label: str | None = None,
    classes: int = 5,
    names: Mapping[str, str] | None = None,
) -> SafeString | None:
    """A country's regions (level "region", keyed by place code: "ML-1",
    "ML-BKO") or cercles (level "cercle": "ML0101") open on `on`, each
    filled by the class of its value, light to dark; None when the country
    has no outlines at that level.

    A place missing from `values` or valued None is hatched and counts as
    `no_data_label` in the legend; codes not on the map are ignored. At
    most `classes` (1 to 8) equal, round intervals. `names` replaces the
    places' names (in the active language) in the tooltips. A cercle map
    also draws the region borders over the cercles.
    """
    if not 1 <= classes <= len(PALETTE):
        raise ValueError(f"classes must be between 1 and {len(PALETTE)}, not {classes}")
    drawn = layer(country, level, on)
    if drawn is None:
        return None
    frame = drawn.frame
    no_data = no_data_label or gettext("No data")
    known = {shape.code: values.get(shape.code) for shape in drawn.shapes}
    present = [value for value in known.values() if value is not None]
    breaks, class_labels = _classes(present, classes, number_format)
    fills = palette(len(class_labels)) if class_labels else []
    ident = svg_id("map", level, title, legend_title, sorted(known.items()), classes)
    hatch = f"url(#{ident}-nodata)"

    places: list[SafeString] = []
    for shape in drawn.shapes:
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
    if drawn.outlines:
        outlines = [element("path", d=shape.path) for shape in drawn.outlines]
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
    edge = drawn.left_edge
    fits = min(edge[: math.ceil(legend_height) + PAD], default=0) > legend_width + PAD
    legend_top = 0.0 if fits else frame.height
    body.append(element("g", markup(legend), transform=f"translate(1 {number(legend_top)})"))

    bottom = max(frame.height, legend_top + legend_height) + 4
    chars = int(WIDTH / (CHAR_WIDTH * ATTRIBUTION_SIZE))
    lines = wrap(drawn.attribution, chars, lines=4) if drawn.attribution else []
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
