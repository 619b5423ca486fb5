"""A dashboard: sections of a chart and the table it is drawn from, built
from publishing.figures and analytics.execution, the same tables offered
as CSV, XLSX and JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from analytics.aggregation import Span
from analytics.execution import activity_completion, budget_execution
from analytics.progress import Band
from nap1325.tables import HIDDEN, Column, Table, Value, shown
from places.geography import within
from plans.models import DimensionKind, FrameworkElement, IndicatorType
from publishing import charts, maps
from publishing.figures import SUPPRESSED, Reading, Row, Scope, figures, regions_of

BAND_COLOURS = {
    Band.NO_DATA.value: "#d9d9d9",
    Band.NO_TARGET.value: "#b9b0c9",
    Band.NOT_STARTED.value: "#8c2d04",
    Band.BEHIND.value: "#f0a830",
    Band.ON_TRACK.value: "#2b8a3e",
    Band.ABOVE.value: "#1c5d99",
    SUPPRESSED: "#ffffff",
}


@dataclass
class Section:
    key: str
    title: str
    chart: SafeString | None
    tables: list[Table]
    note: str = ""
    wide: bool = False  # a table too wide to sit beside its chart


@dataclass
class Dashboard:
    scope: Scope
    reading: Reading
    rows: list[Row]
    sections: list[Section] = field(default_factory=list)
    indicator: Any = None  # the one on the map and in the breakdown
    dimension: Any = None  # the breakdown shown

    @property
    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]


def band_label(key: str) -> str:
    return _("Suppressed") if key == SUPPRESSED else str(Band(key).label)


def figure(row: Row) -> Value:
    if row.hidden:
        return HIDDEN
    return row.number


def decimal_format(value: Decimal | float) -> str:
    return shown(Decimal(str(value)))


def percent_chart(
    rows: list[tuple[str, Decimal | None]], title: str, *, no_data_label: str, empty_label: str
) -> SafeString:
    """Bars of percentages on a 0–100 scale; over 100 fills the width, its value printed."""
    return charts.bar_chart(
        rows,
        title=title,
        unit="%",
        max_value=Decimal(100),
        number_format=decimal_format,
        no_data_label=no_data_label,
        empty_label=empty_label,
    )


def build(
    scope: Scope,
    reading: Reading,
    *,
    indicator_key: str | None = None,
    dimension_key: str | None = None,
) -> Dashboard:
    rows = figures(scope, reading)
    dashboard = Dashboard(scope, reading, rows)
    dashboard.sections.append(status_section(scope, rows))
    dashboard.sections.append(progress_section(rows))
    numeric = [r for r in rows if r.indicator.type in (IndicatorType.COUNT,
               IndicatorType.PERCENTAGE, IndicatorType.CURRENCY)]  # fmt: skip
    chosen = next((r for r in numeric if r.indicator.key == indicator_key), None) or next(
        (r for r in numeric if r.progress.actual.reported), numeric[0] if numeric else None
    )
    if chosen is not None:
        dashboard.indicator = chosen.indicator
        breakdown = breakdown_section(chosen, dimension_key)
        if breakdown is not None:
            dashboard.dimension = breakdown[1]
            dashboard.sections.append(breakdown[0])
        dashboard.sections.append(map_section(scope, chosen, reading.span))
    if scope.kind in ("national", "priority"):
        dashboard.sections.extend(execution_sections(scope, reading))
    if scope.region is not None:
        local = local_section(scope, reading)
        if local is not None:
            dashboard.sections.append(local)
    return dashboard


def local_section(scope: Scope, reading: Reading) -> Section | None:
    """The regional and local plans in the region: each indicator, the
    national indicator it feeds and how, and its figure for the period (what
    the region contributes nationally); then each plan's committee,
    activities and budget for the year, from its own operational plan."""
    from analytics.aggregation import aggregates
    from plans.local import committee_of
    from plans.models import Indicator, Plan

    region = scope.region
    assert region is not None
    plans = list(
        Plan.objects.filter(within(region, "place__"), parent=scope.plan)
        .select_related("place")
        .order_by("place__code", "key")
    )
    if not plans:
        return None
    indicators = list(
        Indicator.objects.filter(plan__in=plans)
        .select_related("plan__place", "rolls_up__national")
        .order_by("plan__place__code", "key")
    )  # fmt: skip
    figures_of = aggregates(indicators, reading.span, include_submitted=reading.include_submitted)
    table = Table(
        "local_plans",
        _("Regional and local plans: what they contribute nationally"),
        [Column(_("Place"), numeric=False), Column(_("Indicator"), numeric=False),
         Column(_("National indicator"), numeric=False),
         Column(_("How it contributes"), numeric=False), Column(_("Value")),
         Column(_("Units reporting"))],
    )  # fmt: skip
    for indicator in indicators:
        aggregate = figures_of[indicator.pk]
        link = getattr(indicator, "rolls_up", None)
        hidden = reading.public and indicator.sensitive  # as for the region's own figures
        table.add(
            indicator.plan.place.name if indicator.plan.place else "",
            f"{indicator.code} {indicator.title}",
            link.national.reference if link else "",
            link.get_rule_display() if link else "",
            HIDDEN if hidden else aggregate.value,
            aggregate.reported,
        )
    execution = Table(
        "local_execution",
        _("Regional and local plans: committee, activities and budget in %(year)d")
        % {"year": reading.year},
        [Column(_("Plan"), numeric=False), Column(_("Committee"), numeric=False),
         Column(_("Activities planned")), Column(_("Completed")),
         Column(_("Planned (XOF)")), Column(_("Disbursed (XOF)")), Column(_("Spent (XOF)")),
         Column(_("Spending reported by units (XOF)"))],
    )  # fmt: skip
    for plan in plans:
        completion = activity_completion(
            plan, reading.year, include_submitted=reading.include_submitted
        ).total
        money = budget_execution(
            plan, reading.year, include_submitted=reading.include_submitted
        ).total
        committee = committee_of(plan)
        execution.add(
            str(plan.title),
            committee.name if committee else "",
            completion.planned,
            completion.completed,
            money.planned,
            money.disbursed,
            money.spent,
            money.reported_spent,
        )
    return Section("local_plans", table.title, None, [table, execution], wide=True)


def status_section(scope: Scope, rows: list[Row]) -> Section:
    """Indicators per status band, per priority (per output of a priority)."""
    depth = 0
    if scope.element is not None:
        depth = scope.element.sort_path.count(".") + 1
    groups: dict[str, dict[str, int]] = {}
    keys = [b.value for b in Band] + [SUPPRESSED]
    for row in rows:
        element = row.indicator.element
        parts = element.sort_path.split(".") if element else []
        path = ".".join(parts[: depth + 1]) if len(parts) > depth else ""
        groups.setdefault(path, dict.fromkeys(keys, 0))[row.band] += 1
    elements = {
        e.sort_path: e
        for e in FrameworkElement.objects.filter(plan=scope.plan, sort_path__in=list(groups))
    }

    def label(path: str) -> str:
        element = elements.get(path)
        if element is None:
            return _("Implementation mechanism") if not scope.element else scope.element.title
        return f"{element.code} {element.title}".strip()

    shown_keys = [k for k in keys if k != SUPPRESSED or any(g[k] for g in groups.values())]
    table = Table(
        "status",
        _("Indicators per status"),
        [Column(_("Part of the plan"), numeric=False)]
        + [Column(band_label(k)) for k in shown_keys]
        + [Column(_("Total"))],
    )
    ordered = sorted(groups.items(), key=lambda item: item[0] or "~")
    for path, counts in ordered:
        table.add(label(path), *(counts[k] for k in shown_keys), sum(counts.values()))
    chart = charts.stacked_bands(
        [(label(path), counts) for path, counts in ordered],
        title=table.title,
        bands=[(k, band_label(k), BAND_COLOURS[k]) for k in shown_keys],
        hatched=[Band.NO_DATA.value, SUPPRESSED],
        empty_label=_("No indicators."),
    )
    return Section(
        "status",
        table.title,
        chart,
        [table],
        _("Counts of indicators, never an average of percentages."),
    )


def progress_section(rows: list[Row]) -> Section:
    table = Table(
        "progress",
        _("Progress of every indicator"),
        [
            Column(_("Code"), numeric=False),
            Column(_("Indicator"), numeric=False),
            Column(_("Baseline")),
            Column(_("Target")),
            Column(_("Actual")),
            Column(_("Percent of target")),
            Column(_("Status"), numeric=False),
            Column(_("Units reporting")),
            Column(_("No data")),
            Column(_("Missing")),
        ],
    )
    bars = []
    for row in rows:
        indicator = row.indicator
        actual = row.progress.actual
        table.add(
            indicator.reference,
            indicator.title,
            indicator.baseline_value,
            row.progress.target,
            figure(row) if row.number is not None or row.hidden else answers(actual),
            HIDDEN if row.hidden else row.percent,
            band_label(row.band),
            actual.reported,
            actual.no_data,
            actual.missing,
        )
        if row.progress.target is not None:
            bars.append((f"{indicator.reference} {indicator.title}", row.percent))
    chart = percent_chart(
        bars,
        _("Percent of the year's target reached"),
        no_data_label=_("No data"),
        empty_label=_("No indicator has a target this year."),
    )
    return Section(
        "progress",
        table.title,
        chart,
        [table],
        wide=True,
        note=_(
            "Counts sum; percentages are recomputed from their numerators and denominators; "
            "cumulative indicators take each unit's latest figure. The percent of target is "
            "counted from the baseline. A dash is no data, never zero."
        ),
    )


def answers(actual: Any) -> Value:
    if not actual.answers:
        return None
    return ", ".join(f"{answer}: {units}" for answer, units in actual.answers.items())


def breakdown_section(row: Row, dimension_key: str | None) -> tuple[Section, Any] | None:
    breakdowns = row.breakdowns
    if not breakdowns:
        return None
    chosen = next((b for b in breakdowns if b.dimension.key == dimension_key), breakdowns[0])
    indicator = row.indicator
    table = Table(
        "breakdown",
        _("%(indicator)s by %(dimension)s")
        % {"indicator": indicator.reference, "dimension": chosen.dimension.name.lower()},
        [Column(chosen.dimension.name, numeric=False), Column(_("Value")),
         Column(_("Units reporting"))],
    )  # fmt: skip
    bars = []
    for category in chosen.categories:
        figure_shown = chosen.shown[category.key]
        value: Value = HIDDEN if figure_shown.hidden else figure_shown.value
        table.add(category.name, value, figure_shown.aggregate.reported)
        bars.append((category.name, None if figure_shown.hidden else figure_shown.value))
    table.add(_("Total"), figure(row), row.progress.actual.reported)
    chart = charts.bar_chart(
        bars,
        title=f"{indicator.reference} {indicator.title}",
        unit="%" if indicator.type == IndicatorType.PERCENTAGE else "",
        number_format=decimal_format,
        no_data_label=_("No data or suppressed"),
        empty_label=_("No figures."),
    )
    return Section("breakdown", table.title, chart, [table]), chosen.dimension


def map_section(scope: Scope, row: Row, span: Span | None = None) -> Section:
    indicator = row.indicator
    regions = regions_of(scope.plan, span)
    table = Table(
        "map",
        _("%(indicator)s by region") % {"indicator": indicator.reference},
        [Column(_("Region"), numeric=False), Column(_("Value")), Column(_("Units reporting"))],
    )
    values: dict[str, Decimal | None] = {}
    for code, place in regions.items():
        figure_shown = row.places.get(code)
        if figure_shown is None:
            table.add(place.name, None, 0)
            values[code] = None
            continue
        table.add(
            place.name,
            HIDDEN if figure_shown.hidden else figure_shown.value,
            figure_shown.aggregate.reported,
        )
        values[code] = None if figure_shown.hidden else figure_shown.value
    place_breakdown = next(
        (b for b in row.breakdowns if b.dimension.kind == DimensionKind.PLACE), None
    )
    tables = [table]
    level, names = "region", {code: place.name for code, place in regions.items()}
    if place_breakdown is not None and place_breakdown.dimension.place_level == "cercle":
        # Figures by cercle: the map draws the cercles, within their regions.
        level, names, values = "cercle", {}, {}
        by_cercle = Table(
            "map_cercles",
            _("%(indicator)s by cercle") % {"indicator": indicator.reference},
            [Column(_("Cercle"), numeric=False), Column(_("Value")),
             Column(_("Units reporting"))],
        )  # fmt: skip
        for category in place_breakdown.categories:
            figure_shown = place_breakdown.shown[category.key]
            by_cercle.add(
                category.name,
                HIDDEN if figure_shown.hidden else figure_shown.value,
                figure_shown.aggregate.reported,
            )
            values[category.key] = None if figure_shown.hidden else figure_shown.value
            names[category.key] = category.name
        tables.append(by_cercle)
    # Drawn with the places open on the period's last day (after a reform,
    # its new regions); the table keeps every region open in the period.
    chart = maps.choropleth(
        values,
        country=scope.plan.country,
        on=span.last_day() if span is not None else timezone.localdate(),
        level="cercle" if level == "cercle" else "region",
        title=f"{indicator.reference} {indicator.title}",
        legend_title=indicator.unit or _("Value"),
        number_format=decimal_format,
        no_data_label=_("No data or suppressed"),
        names=names,
    )
    note = (
        _("From the indicator's breakdown by place.")
        if place_breakdown is not None
        else _("From the place of the units that reported.")
    )
    return Section("map", table.title, chart, tables, note)


def execution_sections(scope: Scope, reading: Reading) -> list[Section]:
    plan = scope.plan
    completion = activity_completion(
        plan, reading.year, include_submitted=reading.include_submitted
    )
    money = budget_execution(plan, reading.year, include_submitted=reading.include_submitted)

    def wanted(element: FrameworkElement) -> bool:
        return scope.element is None or element.pk == scope.element.pk

    done = Table(
        "activities",
        _("Activity completion"),
        [Column(_("Priority"), numeric=False), Column(_("Planned")), Column(_("Completed")),
         Column(_("Ongoing")), Column(_("Delayed")), Column(_("Not started")),
         Column(_("Not reported")), Column(_("Completion rate (%)"))],
    )  # fmt: skip
    bars = []
    for element, counts in completion.by_priority:
        if not wanted(element):
            continue
        name = f"{element.code} {element.title}".strip()
        done.add(name, counts.planned, counts.completed, counts.ongoing, counts.delayed,
                 counts.not_started, counts.not_reported, counts.rate)  # fmt: skip
        bars.append((name, counts.rate))
    if scope.element is None:
        total = completion.total
        done.add(_("Whole plan"), total.planned, total.completed, total.ongoing, total.delayed,
                 total.not_started, total.not_reported, total.rate)  # fmt: skip
    completion_chart = percent_chart(
        bars,
        done.title,
        no_data_label=_("Nothing planned"),
        empty_label=_("No activities scheduled this year."),
    )
    columns = [
        Column(_("Planned (XOF)")),
        Column(_("Pledged (XOF)")),
        Column(_("Disbursed (XOF)")),
        Column(_("Spent (XOF)")),
        Column(_("Gap (XOF)")),
        Column(_("Execution rate (%)")),
        Column(_("Spending reported by units (XOF)")),
    ]

    def amounts(execution: Any) -> list[Value]:
        return [execution.planned, execution.pledged, execution.disbursed, execution.spent,
                execution.gap, execution.execution_rate, execution.reported_spent]  # fmt: skip

    by_priority = Table(
        "budget",
        _("Budget execution by priority"),
        [Column(_("Priority"), numeric=False), *columns],
    )
    rates = []
    for element, execution in money.by_priority:
        if not wanted(element):
            continue
        name = f"{element.code} {element.title}".strip()
        by_priority.add(name, *amounts(execution))
        rates.append((name, execution.execution_rate))
    tables = [by_priority]
    if scope.element is None:
        by_priority.add(_("Whole plan"), *amounts(money.total))
        by_source = Table(
            "sources", _("Budget execution by source"), [Column(_("Source"), numeric=False),
                                                         *columns],
        )  # fmt: skip
        for source, execution in money.by_source:
            by_source.add(source.name, *amounts(execution))
        by_stakeholder = Table(
            "stakeholders", _("Budget execution by stakeholder"),
            [Column(_("Stakeholder"), numeric=False), *columns],
        )  # fmt: skip
        for stakeholder, execution in money.by_stakeholder:
            by_stakeholder.add(stakeholder.label, *amounts(execution))
        tables += [by_source, by_stakeholder]
    budget_chart = percent_chart(
        rates,
        _("Spent, in percent of the planned budget"),
        no_data_label=_("No budget"),
        empty_label=_("No budget this year."),
    )
    note = _(
        "Spent: the funding records of the year. Spending reported by units is their own "
        "word in validated reports, shown apart. Gap: planned minus pledged."
    )
    return [
        Section("activities", done.title, completion_chart, [done],
                _("Completed out of the activities scheduled in the year, as reported.")),
        Section("budget", by_priority.title, budget_chart, tables, note),
    ]  # fmt: skip
