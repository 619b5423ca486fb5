"""Charts drawn on the server as inline SVG: horizontal bars, 100 % stacked
status bands and columns over time. Pure functions from plain data to markup
that pages and the PDF report (WeasyPrint) embed as they are.

Every chart scales to its container (a `viewBox` and `width="100%"`), uses
the reader's sans-serif font, carries no script, stylesheet or external
reference, and stays readable printed in greyscale: fills differ in
lightness, "no data" is written or hatched, never drawn as a zero. Texts
are escaped here; labels come in already translated, and the defaults reuse
strings the catalogue already holds.
"""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

NumberFormat = Callable[[Decimal], str]

WIDTH = 480  # viewBox units: a phone's width, or about 17 cm of an A4 page
FONT_SIZE = 12
SMALL = 10
CHAR_WIDTH = 0.6  # a generous average advance of a sans-serif character, in ems
INK = "#222"
MUTED = "#595959"  # still 7:1 against white
GRID = "#d9d9d9"
BAR = "#1f3b73"
HATCH_INK = "#595959"

# Suggested fills for analytics.progress.Band, by key: lightness falls from
# band to band so that a greyscale print keeps them apart (L* about 100, 88,
# 73, 57, 26), and orange against green stays clear to colour-blind readers.
# Draw "no_data" hatched: stacked_bands(..., hatched={"no_data"}).
BAND_COLOURS = {
    "no_data": "#ffffff",
    "not_started": "#dcdcdc",
    "behind": "#e69f00",
    "on_track": "#009e73",
    "above": "#1f3b73",
}

# Series of a column chart, dark to light; every column is outlined, so the
# white fourth stays visible. More than four series repeat the fills.
SERIES_COLOURS = ("#1f3b73", "#a6bddb", "#5d7fb9", "#ffffff")


# Building blocks, shared with publishing.maps.


def number(value: float) -> str:
    """A coordinate or length, rounded to one decimal and written short."""
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def element(tag: str, content: str = "", /, **attributes: object) -> SafeString:
    """One SVG element. Attribute names write "-" as "_" (font_size is
    font-size); None leaves an attribute out, floats are rounded with
    number(). Attribute values and plain-text content are escaped; content
    that is already safe markup (other elements) is kept."""
    parts = [tag]
    for name, value in attributes.items():
        if value is None:
            continue
        shown = number(value) if isinstance(value, float) else str(value)
        parts.append(f'{name.replace("_", "-")}="{conditional_escape(shown)}"')
    opening = " ".join(parts)
    if not content:
        return mark_safe(f"<{opening}/>")
    return mark_safe(f"<{opening}>{conditional_escape(content)}</{tag}>")


def markup(parts: Iterable[str]) -> SafeString:
    """Elements side by side; plain strings among them are escaped."""
    return mark_safe("".join(conditional_escape(part) for part in parts))


def svg_id(*parts: object) -> str:
    """An id for the chart's title and patterns, derived from its content, so
    that output is reproducible and two different charts on one page (or
    in one report) never share an id."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=5).hexdigest()
    return f"svg-{digest}"


def document(body: Iterable[str], *, ident: str, title: str, height: float) -> SafeString:
    """The <svg> root: scales to its container, labelled by its <title>."""
    return element(
        "svg",
        markup([element("title", title, id=f"{ident}-title"), *body]),
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {WIDTH} {number(height)}",
        width="100%",
        role="img",
        aria_labelledby=f"{ident}-title",
        font_family="sans-serif",
        font_size=FONT_SIZE,
        fill=INK,
    )


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """An estimate of the width of a text: SVG cannot measure it here."""
    return len(text) * CHAR_WIDTH * size


def wrap(text: str, chars: int, lines: int = 2) -> list[str]:
    """A label cut into at most `lines` lines of about `chars` characters,
    the last shortened with an ellipsis when the label is longer."""
    wrapped = textwrap.wrap(text, max(chars, 4)) or [""]
    if len(wrapped) > lines:
        rest = " ".join(wrapped[lines - 1 :])
        wrapped = [*wrapped[: lines - 1], rest[: max(chars, 4) - 1].rstrip() + "…"]
    return wrapped


HATCHES = (
    "M0 6L6 0M-1 1L1-1M5 7L7 5",  # leaning right
    "M0 0L6 6M-1 5L1 7M5-1L7 1",  # leaning left
    "M0 0L6 6M-1 5L1 7M5-1L7 1M0 6L6 0M-1 1L1-1M5 7L7 5",  # crossed
)


def hatch_pattern(ident: str, background: str = "#ffffff", variant: int = 0) -> SafeString:
    """Diagonal hatching, the fill of "no data": lines that survive any
    print, on a background that may keep a band's colour. Variants 0, 1, 2
    lean one way, the other, or cross, to tell several hatched fills apart."""
    return element(
        "pattern",
        markup(
            [
                element("rect", width=6, height=6, fill=background),
                element(
                    "path", d=HATCHES[variant % len(HATCHES)], stroke=HATCH_INK, stroke_width=1
                ),
            ]
        ),
        id=ident,
        patternUnits="userSpaceOnUse",
        width=6,
        height=6,
    )


def text_on(colour: str) -> str:
    """Black or white, whichever contrasts more (WCAG) with a fill given as
    "#rgb" or "#rrggbb"; black for anything else."""
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(digit * 2 for digit in hex_digits)
    try:
        channels = [int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    except ValueError:
        return "#000"
    red, green, blue = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    )
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    # (1 + 0.05) / (L + 0.05) against white equals (L + 0.05) / 0.05 against black here.
    return "#fff" if luminance < 0.179 else "#000"


def nice_steps(raw: Decimal) -> Iterator[tuple[Decimal, int]]:
    """Round steps (1, 2, 2.5 or 5 times a power of ten) from the smallest
    one not below `raw` upwards, each with the decimals it needs."""
    exponent = raw.adjusted()
    while True:
        for multiple in ("1", "2", "2.5", "5"):
            step = Decimal(multiple).scaleb(exponent)
            if step >= raw:
                yield step, max(0, -exponent + (multiple == "2.5"))
        exponent += 1


def nice_breaks(low: Decimal, high: Decimal, most: int) -> list[Decimal]:
    """Equally spaced round breaks from at or below `low` to at or above
    `high`, with at most `most` intervals, none empty at either end. With
    low == high there is one interval, [low, high]."""
    if high <= low:
        return [low, low]
    for step, decimals in nice_steps((high - low) / most):
        start = (low / step).to_integral_value(ROUND_FLOOR) * step
        count = int(((high - start) / step).to_integral_value(ROUND_CEILING))
        if count <= most:
            quantum = Decimal(1).scaleb(-decimals)
            return [(start + i * step).quantize(quantum) for i in range(count + 1)]
    raise AssertionError("unreachable: steps grow without bound")


# The charts.


def _empty(title: str, label: str | None) -> SafeString:
    ident = svg_id("empty", title, label)
    message = element("text", label or gettext("No data"), x=0, y=24, fill=MUTED)
    return document([message], ident=ident, title=title, height=36)


def _label_column(labels: Sequence[str]) -> tuple[float, list[list[str]]]:
    """The width of the label column, at most about 24 characters, and
    each label wrapped to fit it."""
    chars = min(24, max((len(label) for label in labels), default=0))
    lines = [wrap(label, chars) for label in labels]
    widest = max((text_width(line) for label in lines for line in label), default=0)
    return widest, lines


def _label(lines: list[str], *, x: float, middle: float) -> list[SafeString]:
    """A wrapped label, right-aligned at x and centred on `middle`."""
    leading = FONT_SIZE + 2
    first = middle - (len(lines) - 1) * leading / 2 + FONT_SIZE * 0.35
    return [
        element("text", line, x=x, y=first + i * leading, text_anchor="end")
        for i, line in enumerate(lines)
    ]


def _legend(
    items: Sequence[tuple[str, SafeString]], *, top: float
) -> tuple[list[SafeString], float]:
    """Swatches and labels in rows that wrap at the chart's width; returns
    the elements and the height they take. Each swatch is drawn in a
    12 × 12 box at the origin and moved into place."""
    drawn: list[SafeString] = []
    x, y = 1.0, top  # 1: room for the swatch's outline
    for label, swatch in items:
        width = 16 + text_width(label) + 14
        if x > 1 and x + width > WIDTH:
            x, y = 1.0, y + 18
        drawn.append(
            element(
                "g",
                markup([swatch, element("text", label, x=16, y=10.5)]),
                transform=f"translate({number(x)} {number(y)})",
            )
        )
        x += width
    return [element("g", markup(drawn), data_legend="")], y + 18 - top


def _box(fill: str) -> SafeString:
    return element("rect", width=12, height=12, fill=fill, stroke=INK, stroke_width=0.5)


def bar_chart(
    rows: Sequence[tuple[str, Decimal | None]],
    *,
    title: str,
    unit: str = "",
    max_value: Decimal | None = None,
    number_format: NumberFormat = str,
    no_data_label: str | None = None,
    empty_label: str | None = None,
    colour: str = BAR,
) -> SafeString:
    """Horizontal bars, one per (label, value) row, in the order given.

    Bars run from 0 to `max_value` (default: the largest value); a value
    above it fills the whole width and a negative one draws nothing, but
    both print their true value. A None value is "no data": no bar, the
    words `no_data_label` instead. Each value is printed at the end of its
    bar with `number_format`, followed by `unit` if given. Long labels wrap
    onto two lines and are shortened after that; the full label and value
    are in each row's tooltip. No rows: a line saying `empty_label`.
    """
    if not rows:
        return _empty(title, empty_label)
    no_data = no_data_label or gettext("No data")
    suffix = f" {unit}" if unit else ""
    shown = [no_data if value is None else number_format(value) + suffix for _, value in rows]
    label_width, labels = _label_column([label for label, _ in rows])
    bar_x = label_width + 8
    value_width = min(max(text_width(text) for text in shown) + 8, 160)
    bar_area = max(WIDTH - bar_x - value_width, 80)
    top = max_value if max_value is not None else max((v for _, v in rows if v), default=None)
    row_height = 34 if any(len(lines) > 1 for lines in labels) else 24

    body: list[SafeString] = []
    for i, ((label, value), lines, text) in enumerate(zip(rows, labels, shown, strict=True)):
        middle = i * row_height + row_height / 2
        parts = [
            element("title", f"{label} – {text}"),
            *_label(lines, x=label_width, middle=middle),
        ]
        if value is None:
            parts.append(
                element(
                    "text",
                    text,
                    x=bar_x + 4,
                    y=middle + FONT_SIZE * 0.35,
                    fill=MUTED,
                    font_style="italic",
                )
            )
        else:
            share = float(value / top) if top and top > 0 else 0.0
            length = bar_area * min(max(share, 0.0), 1.0)
            parts.append(
                element("rect", x=bar_x, y=middle - 8, width=length, height=16, fill=colour)
            )
            parts.append(element("text", text, x=bar_x + length + 4, y=middle + FONT_SIZE * 0.35))
        body.append(element("g", markup(parts)))
    height = len(rows) * row_height
    axis = element("path", d=f"M{number(bar_x)} 0V{number(height)}", stroke=MUTED)
    ident = svg_id("bars", title, rows, max_value, unit)
    return document([*body, axis], ident=ident, title=title, height=height + 2)


def stacked_bands(
    rows: Sequence[tuple[str, Mapping[str, int]]],
    *,
    title: str,
    bands: Sequence[tuple[str, str, str]],
    hatched: Collection[str] = (),
    no_data_label: str | None = None,
    empty_label: str | None = None,
) -> SafeString:
    """One full-width bar per (label, {band key: count}) row, split in
    proportion to the counts, e.g. indicators per status band for each
    priority. `bands` lists (key, label, colour) in the order the segments
    are drawn and the legend reads; keys listed in `hatched` are hatched
    over their colour (use it for "no data"), each hatched key leaning
    its own way. A count is printed inside its
    segment when it fits, and every segment has a tooltip. A row whose
    counts are all 0 shows `no_data_label`. No rows: `empty_label`.
    """
    if not rows:
        return _empty(title, empty_label)
    ident = svg_id("bands", title, rows, bands, sorted(hatched))
    fills = {
        key: f"url(#{ident}-h{i})" if key in hatched else colour
        for i, (key, _, colour) in enumerate(bands)
    }
    label_width, labels = _label_column([label for label, _ in rows])
    bar_x = float(number(label_width + 8))
    bar_width = WIDTH - bar_x
    row_height = 34 if any(len(lines) > 1 for lines in labels) else 26

    body: list[SafeString] = (
        [
            element(
                "defs",
                markup(
                    hatch_pattern(f"{ident}-h{i}", colour, variant)
                    for variant, (i, colour) in enumerate(
                        (i, colour) for i, (key, _, colour) in enumerate(bands) if key in hatched
                    )
                ),
            )
        ]
        if hatched
        else []
    )
    for i, ((label, counts), lines) in enumerate(zip(rows, labels, strict=True)):
        middle = i * row_height + row_height / 2
        parts = [element("title", label), *_label(lines, x=label_width, middle=middle)]
        total = sum(max(counts.get(key, 0), 0) for key, _, _ in bands)
        if not total:
            parts.append(
                element(
                    "text",
                    no_data_label or gettext("No data"),
                    x=bar_x + 4,
                    y=middle + FONT_SIZE * 0.35,
                    fill=MUTED,
                    font_style="italic",
                )
            )
        running = 0
        left = bar_x
        for key, band_label, colour in bands if total else ():
            count = max(counts.get(key, 0), 0)
            if not count:
                continue
            running += count
            # Each edge is rounded from the running total, so the segments
            # always add up to the full width.
            right = float(number(bar_x + bar_width * running / total))
            segment = [element("title", f"{band_label} – {count}")]
            parts.append(
                element(
                    "rect",
                    markup(segment),
                    x=left,
                    y=middle - 9,
                    width=right - left,
                    height=18,
                    fill=fills[key],
                    stroke="#fff",
                    stroke_width=0.5,
                    data_band=key,
                )
            )
            if right - left >= text_width(str(count), SMALL) + 4:
                parts.append(
                    element(
                        "text",
                        str(count),
                        x=(left + right) / 2,
                        y=middle + SMALL * 0.35,
                        font_size=SMALL,
                        text_anchor="middle",
                        fill="#000" if key in hatched else text_on(colour),
                    )
                )
            left = right
        body.append(element("g", markup(parts)))
    bars_height = len(rows) * row_height
    legend, legend_height = _legend(
        [(band_label, _box(fills[key])) for key, band_label, _ in bands], top=bars_height + 8
    )
    return document(
        [*body, *legend], ident=ident, title=title, height=bars_height + 8 + legend_height
    )


def column_chart(
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    *,
    title: str,
    categories: Sequence[str],
    unit: str = "",
    number_format: NumberFormat = str,
    max_value: Decimal | None = None,
    target: Decimal | None = None,
    target_label: str = "",
    empty_label: str | None = None,
    colours: Sequence[str] = SERIES_COLOURS,
) -> SafeString:
    """Vertical columns over `categories` (quarters, years), grouped: one
    column per series in each category. `series` lists (name, values), the
    values in the order of `categories`; a None value is a gap marked with
    a dash ("no data", never 0). Values are printed above their columns
    when they fit; the axis starts at 0, reaches at least `max_value`, and
    shows `unit` above it. `target` draws a dashed line at that value,
    named `target_label` in the legend. No categories or no series: a line
    saying `empty_label`.

        column_chart([("Actual", [D(3), None, D(7)])], categories=["2021", "2022", "2023"],
                     title="Cases referred", target=D(10), target_label="Target 2023")
    """
    if not categories or not series:
        return _empty(title, empty_label)
    values = [v for _, column in series for v in column if v is not None]
    top = max([Decimal(0), *values, max_value or Decimal(0), target or Decimal(0)])
    ticks = nice_breaks(Decimal(0), top if top > 0 else Decimal(1), 4)
    scale_top = float(ticks[-1])
    tick_labels = [number_format(tick) for tick in ticks]

    plot_top, plot_height = 20.0, 180.0
    baseline = plot_top + plot_height
    plot_x = max(text_width(label, SMALL) for label in tick_labels) + 6
    plot_width = WIDTH - plot_x

    def y_of(value: Decimal) -> float:
        return baseline - plot_height * min(max(float(value) / scale_top, 0.0), 1.0)

    body: list[SafeString] = []
    if unit:
        body.append(element("text", unit, x=0, y=10, font_size=SMALL, fill=MUTED))
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = y_of(tick)
        body.append(element("path", d=f"M{number(plot_x)} {number(y)}H{WIDTH}", stroke=GRID))
        body.append(
            element(
                "text",
                label,
                x=plot_x - 4,
                y=y + SMALL * 0.35,
                font_size=SMALL,
                text_anchor="end",
                fill=MUTED,
            )
        )
    group_width = plot_width / len(categories)
    column_width = group_width * 0.7 / len(series)
    for c, category in enumerate(categories):
        group_x = plot_x + c * group_width
        for s, (name, column) in enumerate(series):
            value = column[c] if c < len(column) else None
            x = group_x + group_width * 0.15 + s * column_width
            middle = x + column_width / 2
            if value is None:
                body.append(
                    element(
                        "text",
                        markup(["–", element("title", f"{name} – {category} – –")]),
                        x=middle,
                        y=baseline - 3,
                        text_anchor="middle",
                        fill=MUTED,
                    )
                )
                continue
            shown = number_format(value)
            y = y_of(value)
            body.append(
                element(
                    "rect",
                    element("title", f"{name} – {category} – {shown}"),
                    x=x,
                    y=y,
                    width=column_width,
                    height=baseline - y,
                    fill=colours[s % len(colours)],
                    stroke=INK,
                    stroke_width=0.5,
                    data_series=s,
                )
            )
            if text_width(shown, SMALL) <= column_width + 4:
                body.append(
                    element("text", shown, x=middle, y=y - 3, font_size=SMALL, text_anchor="middle")
                )
        chars = max(int(group_width / (CHAR_WIDTH * SMALL)), 2)
        body.append(
            element(
                "text",
                wrap(category, chars, lines=1)[0],
                x=group_x + group_width / 2,
                y=baseline + 14,
                font_size=SMALL,
                text_anchor="middle",
            )
        )
    body.append(element("path", d=f"M{number(plot_x)} {baseline}H{WIDTH}", stroke=INK))
    items = [(name, _box(colours[s % len(colours)])) for s, (name, _) in enumerate(series)]
    if target is not None:
        y = y_of(target)
        line = {"stroke": INK, "stroke_width": 1.5, "stroke_dasharray": "6 3"}
        body.append(element("path", d=f"M{number(plot_x)} {number(y)}H{WIDTH}", **line))
        body.append(
            element(
                "text",
                number_format(target),
                x=WIDTH,
                y=y - 3,
                font_size=SMALL,
                text_anchor="end",
            )
        )
        if target_label:
            items.append((target_label, element("path", d="M0 6H12", **line)))
    legend, legend_height = _legend(items, top=baseline + 24)
    ident = svg_id("columns", title, series, categories, target, max_value, unit)
    height = baseline + 24 + legend_height
    return document([*body, *legend], ident=ident, title=title, height=height)
