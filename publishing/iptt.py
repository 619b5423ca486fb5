"""The indicator performance tracking table (IPTT) as an Excel workbook, as
Mercy Corps' TolaData lays it out: one row per indicator, and beneath it one
row per category of its disaggregation; columns grouped by period.

Periods, left to right: the plan to date (against the end-of-plan target),
then for each year its four quarters and the year itself. A year shows
target | actual | % met; a quarter shows the quarter's own actual, the year
to date (Q1 to that quarter) and the % of the year's target met to date,
since the plan sets targets by year only.

Every number is read as the dashboards read it, so the two never disagree:
years and years to date through `publishing.figures` (the dashboards' own
readings and protection), single quarters and the plan to date through
`analytics.aggregation` with the same rules. A fixed number of queries per
period, however many indicators.

The public copy holds published years only, validated figures only, and
passes every sensitive indicator through small-cell suppression over the
whole table at once (`protect_track`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analytics.aggregation import BY_CELL, Aggregate, Span, aggregates_by
from analytics.progress import IndicatorProgress, band, compared_number, measured, reached
from analytics.suppression import suppressed, threshold
from nap1325.tables import HIDDEN, Hidden, Value, plain, safe_cell
from operations.workbook import HEADER, HEADER_FILL, write_header
from plans.models import Accumulation, Indicator, IndicatorType, Plan
from publishing.actions import offered_years
from publishing.figures import (
    TOTAL_KEY,
    Reading,
    Row,
    Scope,
    breakdowns_of,
    figures,
    names_of_places,
)
from reporting.content import ADDITIVE, TOTAL

PLAN, YEAR, QUARTER = "plan", "year", "quarter"
NO_FIGURE = "—"
FIXED_COLUMNS = 9  # code … baseline; the data source closes the row
PERCENT_FORMAT = "0.0%"

# A reading of an indicator: ("plan",), ("year", y), ("quarter", y, q) for a
# quarter alone, ("to_date", y, q) for Q1…Qq (q < 4; to Q4 is the year).
ReadingKey = tuple[object, ...]
Key = tuple[ReadingKey, str]  # a figure: a reading and a line


@dataclass
class Track:
    """One indicator's readings, each a `publishing.figures.Row`."""

    indicator: Indicator
    plan: Row | None = None
    plan_years: list[int] = field(default_factory=list)  # the years the plan to date spans
    years: dict[int, Row] = field(default_factory=dict)
    to_date: dict[tuple[int, int], Row] = field(default_factory=dict)  # q = 4: the year
    quarters: dict[tuple[int, int], Row] = field(default_factory=dict)

    def readings(self) -> Iterator[tuple[ReadingKey, Row]]:
        """Every distinct reading (the year to Q4 is the year)."""
        if self.plan is not None:
            yield (PLAN,), self.plan
        for year, row in self.years.items():
            yield (YEAR, year), row
        for (year, quarter), row in self.to_date.items():
            if quarter < 4:
                yield ("to_date", year, quarter), row
        for (year, quarter), row in self.quarters.items():
            yield (QUARTER, year, quarter), row


@dataclass(frozen=True)
class Group:
    """A group of columns: one period."""

    kind: str  # PLAN, YEAR or QUARTER
    title: str
    columns: tuple[str, str, str]
    year: int | None = None
    quarter: int | None = None


@dataclass
class Line:
    """One row of the table: an indicator's total, or one category of it."""

    indicator: Indicator
    key: str  # TOTAL_KEY, or "dimension:category"
    label: str  # "" for the total
    cells: list[Value] = field(default_factory=list)  # three per group, in order


@dataclass
class Iptt:
    plan: Plan
    years: list[int]  # the years shown
    plan_span: tuple[int, int] | None  # the plan to date: first and last year
    public: bool
    include_submitted: bool
    groups: list[Group]
    lines: list[Line]


def plan_to_date(plan: Plan, years: list[int]) -> tuple[int, int] | None:
    """From the plan's first year to the last of the years shown that follow
    it without a gap: a year not shown never enters the total."""
    last = None
    for year in plan.years:
        if year not in years:
            break
        last = year
    return (plan.start_year, last) if last is not None else None


def read_span(
    indicators: list[Indicator],
    span: Span,
    target_of: Callable[[Indicator], Decimal | None],
    *,
    include_submitted: bool,
) -> dict[int, Row]:
    """Each indicator over the span, total and breakdowns, in one grouped
    reading: the rules of `analytics.aggregation`, progress counted as
    `analytics.progress` counts it. Not protected."""
    cells = aggregates_by(indicators, span, BY_CELL, include_submitted=include_submitted)
    place_names = names_of_places(indicators[0].plan.country) if indicators else {}
    rows = {}
    for indicator in indicators:
        own = cells.get(indicator.pk, {})
        actual = own.get(TOTAL, Aggregate())
        number = compared_number(indicator, actual)
        target = target_of(indicator)
        percent = reached(number, target, indicator.baseline_value, indicator.direction)
        status = band(percent, target=target, measured=measured(number, actual))
        row = Row(IndicatorProgress(indicator, target, actual, number, percent, status))
        if indicator.type in ADDITIVE:
            row.breakdowns = breakdowns_of(indicator, own, place_names)
        rows[indicator.pk] = row
    return rows


def tracks(
    plan: Plan, years: list[int], *, public: bool, include_submitted: bool
) -> tuple[list[Track], tuple[int, int] | None]:
    """Every indicator's readings over the years shown, and the plan to date."""
    scope = Scope(plan)
    indicators = scope.indicators()
    result = {indicator.pk: Track(indicator) for indicator in indicators}
    for year in years:
        for quarter in (1, 2, 3, None):
            reading = Reading(year, quarter, include_submitted=include_submitted, public=public)
            for row in figures(scope, reading, places=False):  # the table has no map
                track = result[row.indicator.pk]
                track.to_date[year, quarter or 4] = row
                if quarter is None:
                    track.years[year] = row
        for quarter in (1, 2, 3, 4):
            alone = read_span(
                indicators, Span.quarter(year, quarter), lambda _i: None,
                include_submitted=include_submitted,
            )  # fmt: skip
            for pk, row in alone.items():
                result[pk].quarters[year, quarter] = row
    span = plan_to_date(plan, years)
    if span is not None:
        whole = read_span(
            indicators, Span.years(*span), lambda i: i.end_target,
            include_submitted=include_submitted,
        )  # fmt: skip
        for pk, row in whole.items():
            result[pk].plan = row
            result[pk].plan_years = list(range(span[0], span[1] + 1))
    if public:
        for track in result.values():
            if track.indicator.sensitive:
                protect_track(track)
    return list(result.values()), span


def protect_track(track: Track) -> None:
    """Small-cell suppression over every figure of a sensitive indicator in
    the table at once. The sums it keeps whole: each period's total and the
    categories of each breakdown (as `publishing.figures.protect`), and, for
    a periodic count or percentage, the periods that add up — the four
    quarters make the year, the quarters to date make the year to date,
    the years make the plan to date — so that no hidden figure comes back
    by subtraction across columns. What the dashboards hide stays hidden."""
    indicator = track.indicator
    percentage = indicator.type == IndicatorType.PERCENTAGE
    minimum = threshold()
    values: dict[Key, Decimal | None] = {}
    hidden_before: set[Key] = set()
    sums: list[tuple[Key, list[Key]]] = []
    lines: set[str] = set()

    def add(key: Key, aggregate: Aggregate, hidden: bool) -> None:
        values[key] = aggregate.numerator if percentage else aggregate.value
        denominator = aggregate.denominator
        if hidden or (percentage and denominator is not None and 0 < denominator < minimum):
            hidden_before.add(key)
        lines.add(key[1])

    for reading, row in track.readings():
        add((reading, TOTAL_KEY), row.progress.actual, row.hidden)
        for breakdown in row.breakdowns:
            parts = []
            for key, shown in breakdown.shown.items():
                line = f"{breakdown.dimension.key}:{key}"
                add((reading, line), shown.aggregate, shown.hidden)
                parts.append((reading, line))
            sums.append(((reading, TOTAL_KEY), parts))
    periodic = indicator.accumulation == Accumulation.PERIODIC and indicator.type in ADDITIVE
    if periodic:
        for line in lines:
            for year in track.years:
                alone: list[Key] = [((QUARTER, year, q), line) for q in (1, 2, 3, 4)]
                to_date: list[Key] = [(("to_date", year, q), line) for q in (1, 2, 3)]
                to_date.append(((YEAR, year), line))
                for q in range(4):
                    sums.append((to_date[q], alone[: q + 1]))
                    if q:
                        sums.append((to_date[q], [to_date[q - 1], alone[q]]))
            if track.plan is not None:
                sums.append((((PLAN,), line), [((YEAR, year), line) for year in track.plan_years]))
    # The public dashboards and the annual report show the years' figures:
    # hiding one of them here would not hide it, so the search goes elsewhere.
    shown_elsewhere = {key for key in values if key[0][0] == YEAR and key not in hidden_before}
    hidden = suppressed(values, sums, minimum=minimum, also=hidden_before, fixed=shown_elsewhere)
    for reading, row in track.readings():
        row.hidden = (reading, TOTAL_KEY) in hidden
        for breakdown in row.breakdowns:
            for key, shown in breakdown.shown.items():
                shown.hidden = (reading, f"{breakdown.dimension.key}:{key}") in hidden


def answers_text(answers: dict[int, int]) -> str:
    """Several units' answers: "answer: units", as the progress page shows them."""
    return ", ".join(f"{answer}: {units}" for answer, units in sorted(answers.items()))


def actual_of(row: Row | None, line: str) -> Value:
    """A line's actual in a reading: a number, answers, HIDDEN or None."""
    if row is None:
        return None
    if line == TOTAL_KEY:
        if row.hidden:
            return HIDDEN
        if row.progress.number is not None:
            return row.progress.number
        answers = row.progress.actual.answers
        return answers_text(answers) if answers else None
    for breakdown in row.breakdowns:
        for key, shown in breakdown.shown.items():
            if f"{breakdown.dimension.key}:{key}" == line:
                return HIDDEN if shown.hidden else shown.aggregate.value
    return None


def met_of(row: Row | None, line: str) -> Value:
    """% of the target met: the total only (categories have no target)."""
    if row is None or line != TOTAL_KEY:
        return None
    return HIDDEN if row.hidden else row.progress.percent


def groups_of(years: list[int], span: tuple[int, int] | None) -> list[Group]:
    groups = []
    if span is not None:
        groups.append(
            Group(
                PLAN,
                _("Plan to date (%(first)s–%(last)s)") % {"first": span[0], "last": span[1]},
                (_("End-of-plan target"), _("Actual"), _("Percent of target")),
            )
        )
    for year in years:
        for quarter in (1, 2, 3, 4):
            groups.append(
                Group(
                    QUARTER,
                    _("%(year)s Q%(quarter)s") % {"year": year, "quarter": quarter},
                    (_("Actual (quarter)"), _("Year to date"), _("Percent of year's target")),
                    year,
                    quarter,
                )
            )
        groups.append(
            Group(YEAR, str(year), (_("Target"), _("Actual"), _("Percent of target")), year)
        )
    return groups


def lines_of(track: Track, groups: list[Group]) -> list[Line]:
    """The indicator's total line, then a line per category met in any reading."""
    indicator = track.indicator
    labels: dict[str, str] = {}
    for _reading, row in track.readings():
        for breakdown in row.breakdowns:
            for category in breakdown.categories:
                labels.setdefault(
                    f"{breakdown.dimension.key}:{category.key}",
                    f"{breakdown.dimension.name}: {category.name}",
                )
    targets = {target.year: target.value for target in indicator.targets.all()}
    lines = [Line(indicator, TOTAL_KEY, "")]
    lines += [Line(indicator, key, label) for key, label in labels.items()]
    for line in lines:
        for group in groups:
            line.cells += cells_of(track, group, line.key, targets)
    return lines


def cells_of(track: Track, group: Group, line: str, targets: dict[int, Decimal]) -> list[Value]:
    """A line's three cells in a group of columns."""
    total = line == TOTAL_KEY
    if group.kind == QUARTER:
        assert group.year is not None and group.quarter is not None
        alone = track.quarters.get((group.year, group.quarter))
        to_date = track.to_date.get((group.year, group.quarter))
        return [actual_of(alone, line), actual_of(to_date, line), met_of(to_date, line)]
    if group.kind == PLAN:
        row, target = track.plan, track.indicator.end_target
    else:
        assert group.year is not None
        row, target = track.years.get(group.year), targets.get(group.year)
    return [target if total else None, actual_of(row, line), met_of(row, line)]


def iptt_table(plan: Plan, *, public: bool, include_submitted: bool = False) -> Iptt:
    """The table in the active language. Public: published years only,
    validated figures only, sensitive indicators protected."""
    include_submitted = include_submitted and not public
    years = offered_years(plan, public=public)
    found, span = tracks(plan, years, public=public, include_submitted=include_submitted)
    groups = groups_of(years, span)
    lines = [line for track in found for line in lines_of(track, groups)]
    return Iptt(plan, years, span, public, include_submitted, groups, lines)


# --- the workbook ------------------------------------------------------------


def number_format(value: object) -> str:
    return "#,##0" if isinstance(value, int) else "#,##0.0#"


def write_cell(sheet: Worksheet, row: int, column: int, value: Value, *, percent: bool) -> None:
    """A figure: a number with its format, "—" for no figure (never 0), or
    the word for a suppressed one."""
    cell = sheet.cell(row=row, column=column)
    if value is None:
        cell.value = NO_FIGURE
        cell.alignment = Alignment(horizontal="right")
    elif isinstance(value, Hidden):
        cell.value = plain(value)
        cell.alignment = Alignment(horizontal="right")
    elif isinstance(value, Decimal) and percent:
        cell.value = float(value / 100)
        cell.number_format = PERCENT_FORMAT
    elif isinstance(value, Decimal):
        cell.value = plain(value)
        cell.number_format = number_format(cell.value)
    else:
        cell.value = safe_cell(value)
        cell.alignment = Alignment(horizontal="right")


def iptt_workbook(
    plan: Plan, *, language: str, public: bool, include_submitted: bool = False
) -> bytes:
    """The IPTT as XLSX, its sheets and headers in `language`."""
    with translation.override(language):
        table = iptt_table(plan, public=public, include_submitted=include_submitted)
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = _("IPTT")
        readme = book.create_sheet(_("Read me"))
        write_table(sheet, table)
        write_readme(readme, table)
        buffer = io.BytesIO()
        book.save(buffer)
    return buffer.getvalue()


def write_table(sheet: Worksheet, table: Iptt) -> None:
    fixed = [
        _("Code"), _("Indicator"), _("Disaggregation"), _("Level"), _("Unit"), _("Type"),
        _("Direction"), _("Accumulation"), _("Baseline"),
    ]  # fmt: skip
    assert len(fixed) == FIXED_COLUMNS
    last = FIXED_COLUMNS + 3 * len(table.groups) + 1
    titles = [""] * (last - 1) + [""]
    for index, group in enumerate(table.groups):
        titles[FIXED_COLUMNS + 3 * index] = group.title
    write_header(sheet, titles)
    sheet.append(
        fixed + [title for group in table.groups for title in group.columns] + [_("Data source")]
    )
    for cell in sheet[2]:
        cell.font = HEADER
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, _group in enumerate(table.groups):
        first = FIXED_COLUMNS + 3 * index + 1
        sheet.merge_cells(start_row=1, start_column=first, end_row=1, end_column=first + 2)
        sheet.cell(row=1, column=first).alignment = Alignment(horizontal="center")
    sheet.freeze_panes = "D3"
    for number, line in enumerate(table.lines, start=3):
        write_line(sheet, number, line, table.groups, last)
    widths = {1: 12, 2: 60, 3: 24, 4: 10, 5: 12, 6: 12, 7: 12, 8: 12, 9: 11, last: 40}
    for column in range(1, last + 1):
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(column, 11)


def write_line(sheet: Worksheet, number: int, line: Line, groups: list[Group], last: int) -> None:
    indicator = line.indicator
    total = line.key == TOTAL_KEY
    if indicator.element:
        level = indicator.element.code
    else:
        level = indicator.anchor.title if indicator.anchor else ""
    texts = [indicator.reference, indicator.title if total else "", line.label]
    if total:
        texts += [
            level, indicator.unit, indicator.get_type_display(),
            indicator.get_direction_display(), indicator.get_accumulation_display(),
        ]  # fmt: skip
    else:
        texts += [""] * 5
    for column, text in enumerate(texts, start=1):
        sheet.cell(row=number, column=column, value=safe_cell(str(text)))
    if total:
        sheet.cell(row=number, column=2).font = Font(bold=True)
        write_cell(sheet, number, FIXED_COLUMNS, indicator.baseline_value, percent=False)
        sheet.cell(row=number, column=last, value=safe_cell(indicator.data_source))
    else:
        sheet.cell(row=number, column=3).alignment = Alignment(indent=1)
        sheet.row_dimensions[number].outlineLevel = 1
    for index, value in enumerate(line.cells):
        position, kind = index % 3, groups[index // 3].kind
        # A category has no target, hence no percent met: those cells stay empty.
        if not total and (position == 2 or (position == 0 and kind != QUARTER)):
            continue
        write_cell(sheet, number, FIXED_COLUMNS + 1 + index, value, percent=position == 2)


def write_readme(sheet: Worksheet, table: Iptt) -> None:
    plan = table.plan
    if table.public:
        years = (
            _("Published years only: %(years)s.")
            % {"years": ", ".join(str(y) for y in table.years)}
            if table.years
            else _("No figures of this plan have been published yet.")
        )
    else:
        years = _("Every year of the plan (%(first)s–%(last)s); this copy is not public.") % {
            "first": plan.start_year,
            "last": plan.end_year,
        }
    lines = [
        (_("Indicator performance tracking table (IPTT)"), True),
        (plan.title, False),
        (
            _("Made by nap1325 on %(date)s.")
            % {"date": date_format(timezone.localdate(), "DATE_FORMAT")},
            False,
        ),
        (
            _("Validated and submitted reports.")
            if table.include_submitted
            else _("Validated reports only."),
            False,
        ),
        (years, False),
        ("", False),
        (_("How to read it"), True),
        (
            _(
                "One row per indicator, in the order of the plan, and beneath it one row per "
                "category of each of its disaggregations (grouped: use the + and − in the margin)."
            ),
            False,
        ),
        (
            _(
                "Plan to date: from the plan's first year to the last year shown without a gap, "
                "against the end-of-plan target."
            ),
            False,
        ),
        (_("Each year: the year's target, the year's actual and the percent of it met."), False),
        (
            _(
                "Each quarter: the quarter's own actual; the year to date (from the first "
                "quarter to that one, as on the dashboards); and the percent of the year's target "
                "met to date. The plan sets targets by year only."
            ),
            False,
        ),
        ("", False),
        (_("Rules"), True),
        (
            _(
                "Counts and amounts are summed over the reporting units and, for a periodic "
                "indicator, over the quarters. A cumulative indicator takes each unit's latest "
                "figure: its year is not the sum of its quarters."
            ),
            False,
        ),
        (
            _(
                "Percentages are recomputed from the sums of their numerators and denominators, "
                "never averaged."
            ),
            False,
        ),
        (
            _(
                "Yes/no and scale indicators: a single unit's answer is shown as a number; "
                "several units' answers as “answer: units”."
            ),
            False,
        ),
        (
            _(
                "The percent of target is counted from the baseline to the target, whichever way "
                "the target lies; without a baseline an increase counts from 0 and a decrease "
                "cannot be measured."
            ),
            False,
        ),
        (
            _("%(dash)s: no figure (no data reported, no target set). Never read it as 0.")
            % {"dash": NO_FIGURE},
            False,
        ),
        (
            _(
                "“%(word)s”: a small count of a sensitive indicator (gender-based violence), "
                "hidden on public copies, with as many other figures as it takes (another "
                "category, quarter or year) so that none can be recomputed from the others. "
                "Cells below %(minimum)s are hidden."
            )
            % {"word": plain(HIDDEN), "minimum": threshold()},
            False,
        ),
        ("", False),
        (_("Sources"), True),
        (
            _(
                "The quarterly reports of the reporting units, entered or imported in nap1325, "
                "as the dashboards read them. Each indicator's data source is in the last column."
            ),
            False,
        ),
    ]
    lines += [(f"{source.key}: {source.title}", False) for source in plan.sources.all()]
    for text, bold in lines:
        sheet.append([safe_cell(str(text))])
        if bold:
            sheet.cell(row=sheet.max_row, column=1).font = HEADER
    sheet.column_dimensions["A"].width = 120
    for cell in sheet["A"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
