"""Server-drawn SVG charts: well-formed, accessible, proportional, honest
about missing data, and safe with any label."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal as D

import pytest
from django.utils.safestring import SafeString

from publishing.charts import (
    BAND_COLOURS,
    bar_chart,
    column_chart,
    nice_breaks,
    stacked_bands,
    text_on,
    wrap,
)

SVG = "{http://www.w3.org/2000/svg}"
BANDS = [
    ("no_data", "No data", BAND_COLOURS["no_data"]),
    ("behind", "Behind", BAND_COLOURS["behind"]),
    ("on_track", "On track", BAND_COLOURS["on_track"]),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [node.text or "" for node in root.iter(f"{SVG}text")]


def widths(group: ET.Element) -> list[float]:
    return [float(rect.attrib["width"]) for rect in group.iter(f"{SVG}rect")]


def rows_of(root: ET.Element) -> list[ET.Element]:
    """The group of each row (bars, stacked bands)."""
    return [g for g in root.findall(f"{SVG}g") if "data-legend" not in g.attrib]


CHARTS = {
    "bars": lambda: bar_chart([("Kayes", D(3)), ("Gao", None)], title="Bars"),
    "bands": lambda: stacked_bands(
        [("Participation", {"behind": 2, "no_data": 1})], title="Bands", bands=BANDS, hatched={"no_data"}
    ),
    "columns": lambda: column_chart(
        [("Actual", [D(1), None])], categories=["2022", "2023"], title="Columns", target=D(2), target_label="Target"
    ),
    "empty bars": lambda: bar_chart([], title="Empty", empty_label="Nothing yet"),
    "empty bands": lambda: stacked_bands([], title="Empty", bands=BANDS, empty_label="Nothing yet"),
    "empty columns": lambda: column_chart([], categories=[], title="Empty", empty_label="Nothing yet"),
}  # fmt: skip


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_self_contained_accessible_svg(name: str) -> None:
    svg = CHARTS[name]()
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.attrib["role"] == "img"
    assert root.attrib["width"] == "100%"
    assert "height" not in root.attrib  # the viewBox gives the proportions
    assert root.attrib["viewBox"].startswith("0 0 ")
    assert root.attrib["font-family"] == "sans-serif"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text
    assert root.attrib["aria-labelledby"] == title.attrib["id"]
    assert not re.search(r"<script|<style|\sclass=|\sstyle=|\shref=", svg)
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_an_empty_chart_says_so() -> None:
    root = parse(bar_chart([], title="Empty", empty_label="Nothing yet"))
    assert texts(root) == ["Nothing yet"]


def test_bars_are_proportional_to_their_values() -> None:
    root = parse(bar_chart([("a", D(100)), ("b", D(50)), ("c", D(25)), ("d", D(0))], title="t"))
    full, half, quarter, zero = (w for row in rows_of(root) for w in widths(row))
    assert half == pytest.approx(full / 2, abs=0.1)
    assert quarter == pytest.approx(full / 4, abs=0.1)
    assert zero == 0


def test_bars_run_to_max_value_and_clamp_beyond_it() -> None:
    root = parse(
        bar_chart(
            [("a", D(50)), ("b", D(100)), ("c", D(150)), ("d", D(-3))],
            title="t",
            max_value=D(100),
        )
    )
    half, full, over, negative = (w for row in rows_of(root) for w in widths(row))
    assert half == pytest.approx(full / 2, abs=0.1)
    assert over == full
    assert negative == 0
    assert {"150", "-3"} <= set(texts(root))  # the true values are still printed


def test_no_data_is_written_never_drawn_as_zero() -> None:
    root = parse(
        bar_chart([("Kayes", D(10)), ("Gao", None)], title="t", no_data_label="pas de données")
    )
    kayes, gao = rows_of(root)
    assert len(widths(kayes)) == 1
    assert widths(gao) == []
    assert "pas de données" in texts(gao)


def test_values_are_printed_with_number_format_and_unit() -> None:
    root = parse(
        bar_chart(
            [("a", D("12.5"))],
            title="t",
            unit="%",
            number_format=lambda d: f"{d:.2f}".replace(".", ","),
        )
    )
    assert "12,50 %" in texts(root)


def test_texts_are_escaped() -> None:
    svg = bar_chart([("<script>&", D(1))], title="<b>Title</b> & co", unit="<u>")
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;&amp;" in svg
    root = parse(svg)
    assert "<script>&" in texts(root)
    assert "1 <u>" in texts(root)
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "<b>Title</b> & co"


def test_long_labels_wrap_onto_two_lines_then_shorten() -> None:
    label = "Ministry for the Promotion of Women, Children and the Family of Mali"
    (row,) = rows_of(parse(bar_chart([(label, D(1))], title="t")))
    lines = [t for t in texts(row) if t != "1"]
    assert len(lines) == 2
    assert lines[-1].endswith("…")
    assert row.findtext(f"{SVG}title", "").startswith(label)  # whole in the tooltip


@pytest.mark.parametrize(
    ("text", "chars", "expected"),
    [
        ("Kayes", 24, ["Kayes"]),
        ("Prevention of conflicts and violence", 24, ["Prevention of conflicts", "and violence"]),
        ("one two three four five six", 9, ["one two", "three fo…"]),
        ("", 10, [""]),
    ],
)  # fmt: skip
def test_wrap(text: str, chars: int, expected: list[str]) -> None:
    assert wrap(text, chars) == expected


def test_stacked_segments_fill_the_full_width() -> None:
    rows = [
        ("Participation", {"no_data": 3, "behind": 5, "on_track": 7}),
        ("Prevention", {"behind": 1, "on_track": 2}),
        ("Protection", {"on_track": 1}),
        ("Relief", {"no_data": 1, "behind": 1, "on_track": 1}),
    ]
    root = parse(stacked_bands(rows, title="Status", bands=BANDS, hatched={"no_data"}))
    view_width = float(root.attrib["viewBox"].split()[2])
    for row in rows_of(root):
        rects = list(row.iter(f"{SVG}rect"))
        start = float(rects[0].attrib["x"])
        assert sum(widths(row)) == pytest.approx(view_width - start, abs=0.05)
    participation = rows_of(root)[0]
    _no_data, behind, on_track = widths(participation)
    assert behind / on_track == pytest.approx(5 / 7, rel=0.01)
    assert {"3", "5", "7"} <= set(texts(participation))


def test_stacked_segments_follow_the_bands_order_and_skip_zeros() -> None:
    root = parse(
        stacked_bands([("P", {"on_track": 2, "behind": 0, "other": 9})], title="t", bands=BANDS)
    )
    (row,) = rows_of(root)
    assert [rect.attrib["data-band"] for rect in row.iter(f"{SVG}rect")] == ["on_track"]


def test_a_row_without_counts_says_no_data() -> None:
    root = parse(stacked_bands([("P", {})], title="t", bands=BANDS, no_data_label="n/a"))
    (row,) = rows_of(root)
    assert widths(row) == []
    assert "n/a" in texts(row)


def test_stacked_bands_have_a_legend_and_hatch_what_is_asked() -> None:
    svg = stacked_bands(
        [("P", {"no_data": 1, "behind": 1})], title="t", bands=BANDS, hatched={"no_data"}
    )
    root = parse(svg)
    legend = root.find(f"{SVG}g[@data-legend]")
    assert legend is not None
    assert texts(legend) == ["No data", "Behind", "On track"]
    (row,) = rows_of(root)
    hatched = next(r for r in row.iter(f"{SVG}rect") if r.attrib["data-band"] == "no_data")
    pattern_id = hatched.attrib["fill"].removeprefix("url(#").removesuffix(")")
    assert root.find(f".//{SVG}pattern[@id='{pattern_id}']") is not None


def test_columns_are_proportional_and_none_is_a_gap() -> None:
    root = parse(
        column_chart(
            [("Actual", [D(2), None, D(8)]), ("Target", [D(4), D(4), D(4)])],
            categories=["Q1", "Q2", "Q3"],
            title="Cases",
        )
    )
    columns = list(root.iter(f"{SVG}rect"))
    by_series = {
        series: [
            float(r.attrib["height"]) for r in columns if r.attrib.get("data-series") == series
        ]
        for series in ("0", "1")
    }
    actual, target = by_series["0"], by_series["1"]
    assert len(actual) == 2 and len(target) == 3  # the gap draws nothing
    assert actual[1] == pytest.approx(4 * actual[0], abs=0.1)
    assert target[0] == pytest.approx(2 * actual[0], abs=0.1)
    assert "–" in texts(root)
    assert {"Q1", "Q2", "Q3"} <= set(texts(root))


def test_columns_show_a_target_line_and_a_legend() -> None:
    root = parse(
        column_chart(
            [("Actual", [D(3)]), ("Planned", [D(5)])],
            categories=["2023"],
            title="t",
            target=D(10),
            target_label="Target 2023",
        )
    )
    dashed = [p for p in root.iter(f"{SVG}path") if "stroke-dasharray" in p.attrib]
    assert len(dashed) == 2  # the line and its swatch
    legend = root.find(f"{SVG}g[@data-legend]")
    assert legend is not None
    assert texts(legend) == ["Actual", "Planned", "Target 2023"]


def test_columns_survive_negative_and_zero_values() -> None:
    root = parse(column_chart([("a", [D(-5), D(0)])], categories=["x", "y"], title="t"))
    heights = [
        float(r.attrib["height"]) for r in root.iter(f"{SVG}rect") if "data-series" in r.attrib
    ]
    assert heights == [0, 0]


def test_two_charts_do_not_share_ids() -> None:
    first = parse(bar_chart([("a", D(1))], title="One"))
    second = parse(bar_chart([("a", D(2))], title="One"))
    assert first.attrib["aria-labelledby"] != second.attrib["aria-labelledby"]


@pytest.mark.parametrize(
    ("low", "high", "most", "expected"),
    [
        ("0", "60", 5, ["0", "20", "40", "60"]),
        ("3", "57", 5, ["0", "20", "40", "60"]),
        ("0", "10", 4, ["0.0", "2.5", "5.0", "7.5", "10.0"]),
        ("0", "100", 5, ["0", "20", "40", "60", "80", "100"]),
        ("0.12", "0.87", 4, ["0.00", "0.25", "0.50", "0.75", "1.00"]),
        ("1500000", "9800000", 5, ["0", "2000000", "4000000", "6000000", "8000000", "10000000"]),
        ("-15", "25", 4, ["-20", "0", "20", "40"]),
        ("7", "7", 5, ["7", "7"]),
    ],
)  # fmt: skip
def test_nice_breaks(low: str, high: str, most: int, expected: list[str]) -> None:
    breaks = nice_breaks(D(low), D(high), most)
    assert [str(b) for b in breaks] == expected
    assert breaks[0] <= D(low) and breaks[-1] >= D(high)
    assert len(breaks) - 1 <= most


@pytest.mark.parametrize(
    ("fill", "ink"),
    [("#1f3b73", "#fff"), ("#009e73", "#000"), ("#e69f00", "#000"), ("#dcdcdc", "#000"), ("#fff", "#000"), ("red", "#000")],
)  # fmt: skip
def test_text_on_a_fill_stays_readable(fill: str, ink: str) -> None:
    assert text_on(fill) == ink
