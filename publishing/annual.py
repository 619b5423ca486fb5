"""The annual national report of a plan's year: a tree of sections built
once, in one language, from the public reading of the figures, then
rendered as HTML, PDF and DOCX by publishing.documents.

Its tables come from the builders of the dashboards (publishing.dashboard)
wherever the dashboard shows the same thing, so a number reads the same on
the dashboard, in its downloads and in the report. It is a public document:
validated reports only, and every sensitive indicator through small-cell
suppression (publishing.figures), whoever generates it. See
docs/annual-report.md.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from actors.models import ReportingUnit
from analytics.execution import (
    YearCompletion,
    YearExecution,
    activity_completion,
    budget_execution,
)
from analytics.progress import Band
from nap1325.tables import Column, Table
from plans.models import FrameworkElement, IndicatorType, Plan
from publishing import dashboard
from publishing.figures import SUPPRESSED, Reading, Row, Scope, figures
from publishing.models import ReportText
from reporting.models import (
    IndicatorValue,
    PeriodKind,
    PeriodStatus,
    ReportingPeriod,
    Submission,
    SubmissionStatus,
)

QUARTERS = (1, 2, 3, 4)


@dataclass
class Text:
    """Paragraphs of text (blank lines part them), with an optional lead-in."""

    text: str
    label: str = ""

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in re.split(r"\n\s*\n", self.text) if part.strip()]


@dataclass
class Chart:
    """A chart as inline SVG; its figures are in the table beside it."""

    title: str
    svg: SafeString


Block = Text | Chart | Table


@dataclass
class Section:
    key: str  # the anchor in the page and the PDF's links
    title: str
    level: int = 1  # 1: a chapter (Word's Heading 1), 2: a part of it, 3: below
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def walk(self) -> Iterator[Section]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class AnnualReport:
    plan: Plan
    year: int
    language: str
    title: str
    subtitle: str
    generated_on: date
    notes: list[str]  # on the cover: what the figures are
    sections: list[Section]
    text: ReportText | None  # the written sections, None before anyone writes them

    def walk(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()

    @property
    def contents(self) -> list[Section]:
        """The sections a table of contents lists: chapters and their parts."""
        return [section for section in self.walk() if section.level <= 2]

    @property
    def filename(self) -> str:
        return f"{self.plan.key}-annual-report-{self.year}-{self.language}"

    def tables(self) -> list[Table]:
        """Every table of the report, in order (its downloads)."""
        return [
            block for section in self.walk() for block in section.blocks if isinstance(block, Table)
        ]


def annual_report(plan: Plan, year: int, language: str) -> AnnualReport:
    """The report of `year` in `language` ("fr" or "en")."""
    with translation.override(language):
        return _build(plan, year, language)


def _build(plan: Plan, year: int, language: str) -> AnnualReport:
    scope = Scope(plan)
    reading = Reading(year, public=True)
    rows = figures(scope, reading)
    text = ReportText.objects.filter(plan=plan, year=year).first()
    coverage = report_coverage(plan, year)
    completion = activity_completion(plan, year)
    money = budget_execution(plan, year)
    texts = narrative_texts(plan, year)
    narrated = {value.indicator_id for value in texts}
    sections: list[Section] = []
    if text and text.foreword:
        sections.append(Section("foreword", _("Foreword"), blocks=[Text(text.foreword)]))
    sections.append(summary(scope, year, rows, coverage, completion, money, narrated))
    if text and text.analysis:
        sections.append(Section("analysis", _("Analysis"), blocks=[Text(text.analysis)]))
    sections += [
        progress(plan, rows, narrated),
        disaggregated(rows),
        by_region(scope, rows, year),
        *execution(scope, reading, completion.version is not None),
        governance(plan, year),
        narratives(plan, year, texts),
        annex(plan, year, rows, coverage, narrated),
    ]
    notes = [
        _("Figures from validated reports only."),
        _("Small counts of sensitive indicators are suppressed."),
        _("A dash is no data, never zero."),
    ]
    demonstration = ReportingPeriod.objects.filter(
        plan=plan, year=year, demonstration=True
    ).exists()
    if demonstration:
        notes.insert(0, _("Demonstration data: the reports of this year are fictitious."))
    report = AnnualReport(
        plan=plan,
        year=year,
        language=language,
        title=_("Annual national report %(year)s") % {"year": year},
        subtitle=plan.title,
        generated_on=timezone.localdate(),
        notes=notes,
        sections=sections,
        text=text,
    )
    name_tables(report)
    return report


def name_tables(report: AnnualReport) -> None:
    """One key per table of the report (its downloads ask for one by key):
    a table whose key repeats, as each priority's progress does, takes its
    section's key before its own."""
    keys = Counter(table.key for table in report.tables())
    for section in report.walk():
        for block in section.blocks:
            if isinstance(block, Table) and keys[block.key] > 1:
                block.key = f"{section.key}-{block.key}"


# --- the reports of the year: who was expected, who was validated ---


@dataclass
class QuarterCoverage:
    quarter: int
    period: ReportingPeriod | None
    expected: list[ReportingUnit]
    status: dict[int, str]  # unit pk → submission status; absent: no report

    def count(self, *statuses: str) -> int:
        return sum(1 for unit in self.expected if self.status.get(unit.pk) in statuses)

    @property
    def validated(self) -> int:
        return self.count(SubmissionStatus.VALIDATED)

    @property
    def not_validated(self) -> list[tuple[ReportingUnit, str | None]]:
        return [
            (unit, self.status.get(unit.pk))
            for unit in self.expected
            if self.status.get(unit.pk) != SubmissionStatus.VALIDATED
        ]


def expected_units(plan: Plan) -> list[ReportingUnit]:
    """Active reporting units of an institution responsible for an indicator
    of the plan, by name."""
    units = (
        ReportingUnit.objects.filter(active=True, institution__indicators__plan=plan)
        .distinct()
        .select_related("institution", "place")
    )
    return sorted(units, key=str)


def report_coverage(plan: Plan, year: int) -> list[QuarterCoverage]:
    """For each quarter of the year, the units expected to report and where
    their report stands."""
    units = expected_units(plan)
    periods = {p.quarter or 0: p for p in plan.periods.filter(kind=PeriodKind.QUARTER, year=year)}
    status: dict[int, dict[int, str]] = defaultdict(dict)
    for quarter, unit_id, state in Submission.objects.filter(
        period__in=list(periods.values())
    ).values_list("period__quarter", "unit_id", "status"):
        status[quarter or 0][unit_id] = state
    return [
        QuarterCoverage(quarter, periods.get(quarter), units if quarter in periods else [],
                        status[quarter])
        for quarter in QUARTERS
    ]  # fmt: skip


def quarter_label(quarter: int, year: int) -> str:
    return f"{_('Q%(quarter)s') % {'quarter': quarter}} {year}"


# --- the sections ---


def summary(
    scope: Scope,
    year: int,
    rows: list[Row],
    coverage: list[QuarterCoverage],
    completion: YearCompletion,
    money: YearExecution,
    narrated: set[int],
) -> Section:
    plan = scope.plan
    bands: dict[str, int] = dict.fromkeys([b.value for b in Band] + [SUPPRESSED], 0)
    for row in rows:
        bands[row.band] += 1
    validated = sum(q.validated for q in coverage)
    expected = sum(len(q.expected) for q in coverage)
    key_figures = Table(
        "key_figures",
        _("Key figures"),
        [Column(_("Figure"), numeric=False), Column(_("Value"))],
    )
    key_figures.add(_("Indicators followed"), len(rows))
    key_figures.add(
        _("Indicators reported on this year"),
        sum(1 for row in rows if has_figures(row, narrated)),
    )
    key_figures.add(
        _("Indicators with a target this year"),
        sum(1 for row in rows if row.progress.target is not None),
    )
    for band in (Band.ABOVE, Band.ON_TRACK, Band.BEHIND, Band.NOT_STARTED, Band.NO_TARGET,
                 Band.NO_DATA):  # fmt: skip
        key_figures.add(dashboard.band_label(band.value), bands[band.value])
    if bands[SUPPRESSED]:
        key_figures.add(dashboard.band_label(SUPPRESSED), bands[SUPPRESSED])
    key_figures.add(_("Reports validated"), validated)
    key_figures.add(_("Reports expected"), expected)
    key_figures.add(_("Activity completion rate (%)"), completion.total.rate)
    key_figures.add(_("Execution rate (%)"), money.total.execution_rate)
    position = year - plan.start_year + 1
    intro = _(
        "This report covers %(year)s, year %(position)s of the plan (%(start)s–%(end)s). "
        "Its figures come from the %(validated)s quarterly reports validated out of the "
        "%(expected)s expected; an indicator's status compares its figure for the year "
        "with the year's target, counted from the baseline."
    ) % {
        "year": year,
        "position": position,
        "start": plan.start_year,
        "end": plan.end_year,
        "validated": validated,
        "expected": expected,
    }
    status = dashboard.status_section(scope, rows)
    return Section(
        "summary",
        _("Summary"),
        blocks=[Text(intro), key_figures, *from_dashboard(status)],
    )


def from_dashboard(section: dashboard.Section, *, chart: bool = True) -> list[Block]:
    """A dashboard section's chart, tables and note, as blocks of the report."""
    blocks: list[Block] = []
    if chart and section.chart:
        blocks.append(Chart(section.title, section.chart))
    blocks += section.tables
    if section.note:
        blocks.append(Text(section.note))
    return blocks


def has_figures(row: Row, narrated: set[int]) -> bool:
    """Whether anything was reported on the indicator this year (a
    suppressed figure was; a narrative indicator's texts are)."""
    return row.hidden or bool(row.progress.actual.reported) or row.indicator.pk in narrated


def priority_of(row: Row) -> str:
    """The sort path of the row's top-level element; "" for the
    implementation mechanism's indicators."""
    element = row.indicator.element
    return element.sort_path.split(".")[0] if element else ""


def progress(plan: Plan, rows: list[Row], narrated: set[int]) -> Section:
    """Every indicator against its target, one part per priority."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[priority_of(row)].append(row)
    roots = {
        e.sort_path: e
        for e in FrameworkElement.objects.filter(plan=plan, parent__isnull=True)
    }  # fmt: skip
    children = []
    for path in sorted(groups, key=lambda p: p or "~"):
        element = roots.get(path)
        title = (
            f"{element.code} {element.title}".strip() if element else _("Implementation mechanism")
        )
        board = dashboard.progress_section(groups[path])
        table = progress_table(board, title, groups[path], narrated)
        chart = board.chart
        blocks: list[Block] = []
        if any(row.progress.target is not None for row in groups[path]) and chart:
            blocks.append(Chart(_("Percent of the year's target reached"), chart))
        blocks.append(table)
        children.append(Section(f"progress-{path or 'mechanism'}", title, 2, blocks))
    note = dashboard.progress_section([]).note
    return Section(
        "progress", _("Progress of every indicator"), blocks=[Text(note)], children=children
    )


# The dashboard's progress table up to the status: the units reporting, no
# data and missing are the annex's business here.
PROGRESS_COLUMNS = 7


def progress_table(
    section: dashboard.Section, title: str, rows: list[Row], narrated: set[int]
) -> Table:
    """The dashboard's progress table of these rows, cut to code … status."""
    table = section.tables[0]
    table.title = title
    table.columns = table.columns[:PROGRESS_COLUMNS]
    table.rows = [cells[:PROGRESS_COLUMNS] for cells in table.rows]
    actual = [column.title for column in table.columns].index(_("Actual"))
    for row, cells in zip(rows, table.rows, strict=True):
        if cells[actual] is None and row.indicator.pk in narrated:
            cells[actual] = _("see the narratives")
    return table


def disaggregated(rows: list[Row]) -> Section:
    """The breakdowns of every indicator that has figures, as the dashboard
    shows them (suppressed cells included)."""
    children = []
    for row in rows:
        if not row.breakdowns or not (row.progress.actual.reported or row.hidden):
            continue
        blocks: list[Block] = []
        for breakdown in row.breakdowns:
            built = dashboard.breakdown_section(row, breakdown.dimension.key)
            if built is not None:
                blocks += built[0].tables
        indicator = row.indicator
        children.append(
            Section(f"breakdown-{indicator.key}", f"{indicator.reference} {indicator.title}",
                    2, blocks)
        )  # fmt: skip
    blocks = [
        Text(
            _("Each category's figure combines the reported cells of that category.")
            if children
            else _("No disaggregated figure was reported this year.")
        )
    ]
    return Section("disaggregated", _("Disaggregated figures"), blocks=blocks, children=children)


def by_region(scope: Scope, rows: list[Row], year: int) -> Section:
    """The map: the indicator with figures in the most regions (the first in
    the plan's order among equals)."""
    title = _("Figures by region")

    def regions_shown(row: Row) -> int:
        return sum(1 for shown in row.places.values() if shown.value is not None)

    candidates = [row for row in rows if regions_shown(row)]
    if not candidates:
        return Section(
            "regions",
            title,
            blocks=[Text(_("No figure of this year could be placed on the map: figures are "
                           "placed by the region of the unit that reported them, or by an "
                           "indicator's breakdown by place."))],
        )  # fmt: skip
    chosen = max(candidates, key=regions_shown)  # max keeps the first of equals
    section = dashboard.map_section(scope, chosen, Reading(year).span)
    return Section("regions", title, blocks=from_dashboard(section))


def execution(scope: Scope, reading: Reading, adopted: bool) -> list[Section]:
    """Activity completion and budget execution, as on the dashboard."""
    activities, budget = dashboard.execution_sections(scope, reading)
    missing: list[Block] = []
    if not adopted:
        missing = [Text(_("No operational plan was adopted for this year."))]
    return [
        Section("activities", _("Activity completion"),
                blocks=[*missing, *from_dashboard(activities)]),
        Section("budget", _("Budget execution"), blocks=[*missing, *from_dashboard(budget)]),
    ]  # fmt: skip


def governance(plan: Plan, year: int) -> Section:
    """The bodies that run the plan; the meetings each held in the year
    against its schedule (planned meetings not held are missed, counted for
    the quarters over on the day the report is built); the recommendations
    due or made in the year, with where each stands."""
    from governance.meetings import implementation, meeting_records
    from governance.models import Recommendation

    bodies_of_plan = list(plan.bodies.order_by("kind", "name_fr"))
    bodies = Table(
        "bodies",
        _("Bodies that run the plan"),
        [Column(_("Body"), numeric=False), Column(_("Kind"), numeric=False),
         Column(_("Meets"), numeric=False)],
    )  # fmt: skip
    for body in bodies_of_plan:
        bodies.add(body_name(body), body.get_kind_display(), body.get_meets_display() or None)
    meetings = Table(
        "meetings",
        _("Meetings held in the year"),
        [Column(_("Body"), numeric=False), Column(_("Held")), Column(_("Planned")),
         Column(_("Missed"))],
        note=_("Planned: one meeting a quarter (or a year) by the body's schedule. Missed: "
               "quarters over without a meeting."),
    )  # fmt: skip
    for record in meeting_records(bodies_of_plan, year, today=timezone.localdate()):
        if record.planned or record.held:
            meetings.add(
                body_name(record.body),
                record.held,
                record.planned or None,
                len(record.missed) if record.planned else None,
            )
    recommendations = Table(
        "recommendations",
        _("Recommendations"),
        [Column(_("Recommendation"), numeric=False), Column(_("Owner"), numeric=False),
         Column(_("Due on"), numeric=False), Column(_("Status"), numeric=False)],
        note=_("Recommendations due in the year or made at its meetings."),
    )  # fmt: skip
    for recommendation in (
        Recommendation.objects.filter(
            Q(due_on__year=year) | Q(meeting__held_on__year=year), plan=plan
        )
        .select_related("owner")
        .order_by("due_on", "pk")
    ):
        recommendations.add(
            recommendation.text,
            recommendation.owner.acronym or recommendation.owner.name,
            date_format(recommendation.due_on),
            recommendation.get_status_display(),
        )
    implemented = Table(
        "implementation",
        _("Recommendations implemented"),
        [Column(_("Due")), Column(_("Done")), Column(_("In progress")), Column(_("Open")),
         Column(_("Dropped")), Column(_("Overdue")), Column(_("Implemented (%)"))],
        note=_("Implemented: done out of those due in the year, the dropped ones left out."),
    )  # fmt: skip
    for row in implementation(plan, on=timezone.localdate(), year=year):
        implemented.add(
            row.due, row.done, row.in_progress, row.open, row.dropped, row.overdue, row.rate
        )
    blocks: list[Block] = [
        table for table in (bodies, meetings, recommendations, implemented) if table.rows
    ]
    if not blocks:
        blocks.append(Text(_("No meeting or recommendation is recorded for this year.")))
    return Section("governance", _("Governance"), blocks=blocks)


def body_name(body: Any) -> str:
    return f"{body.name} ({body.acronym})" if body.acronym else body.name


NARRATIVE_FIELDS = ("achievements", "difficulties", "lessons", "recommendations")


def validated_reports(plan: Plan, year: int) -> list[Submission]:
    return list(
        Submission.objects.filter(
            period__plan=plan,
            period__kind=PeriodKind.QUARTER,
            period__year=year,
            status=SubmissionStatus.VALIDATED,
        ).select_related("unit__institution", "unit__place", "period")
    )


def narrative_texts(plan: Plan, year: int) -> list[IndicatorValue]:
    """The texts of narrative indicators in the year's validated reports;
    never those of a sensitive indicator, which are not aggregates."""
    return list(
        IndicatorValue.objects.filter(
            submission__period__plan=plan,
            submission__period__kind=PeriodKind.QUARTER,
            submission__period__year=year,
            submission__status=SubmissionStatus.VALIDATED,
            indicator__plan=plan,
            indicator__type=IndicatorType.NARRATIVE,
            indicator__sensitive=False,
            cell="",
        )
        .exclude(text="")
        .select_related("indicator", "submission__unit__institution", "submission__unit__place",
                        "submission__period")
    )  # fmt: skip


def narratives(plan: Plan, year: int, texts: list[IndicatorValue]) -> Section:
    """What the units wrote in their validated reports, unit by unit, as
    they wrote it; then the texts reported for narrative indicators."""
    labels = {
        "achievements": _("Achievements"),
        "difficulties": _("Difficulties"),
        "lessons": _("Lessons learned"),
        "recommendations": _("Recommendations"),
    }
    by_unit: dict[str, list[Submission]] = defaultdict(list)
    for report in validated_reports(plan, year):
        if any(getattr(report, name).strip() for name in NARRATIVE_FIELDS):
            by_unit[str(report.unit)].append(report)
    children = []
    for number, (unit, reports) in enumerate(sorted(by_unit.items()), start=1):
        blocks: list[Block] = []
        for name in NARRATIVE_FIELDS:
            for report in sorted(reports, key=lambda r: r.period.quarter or 0):
                written = getattr(report, name).strip()
                if written:
                    quarter = quarter_label(report.period.quarter or 0, year)
                    blocks.append(Text(written, f"{labels[name]}, {quarter}"))
        children.append(Section(f"narrative-{number}", unit, 2, blocks))
    if texts:
        blocks = []
        for value in sorted(texts, key=lambda v: (v.indicator.position, str(v.submission.unit),
                                                  v.submission.period.quarter or 0)):  # fmt: skip
            period = quarter_label(value.submission.period.quarter or 0, year)
            label = f"{value.indicator.reference} · {value.submission.unit} · {period}"
            blocks.append(Text(value.text, label))
        children.append(Section("narrative-indicators", _("Narrative indicators"), 2, blocks))
    intro = Text(
        _("As the reporting units wrote them in their validated reports, in the language "
          "they wrote in.")
        if children
        else _("No validated report of this year has a narrative.")
    )  # fmt: skip
    return Section("narratives", _("Narratives from the reports"), blocks=[intro],
                   children=children)  # fmt: skip


def annex(
    plan: Plan, year: int, rows: list[Row], coverage: list[QuarterCoverage], narrated: set[int]
) -> Section:
    return Section(
        "annex",
        _("Annex: data sources and data not reported"),
        children=[data_sources(plan, rows), reports_not_validated(coverage, year),
                  indicators_without_data(rows, narrated)],
    )  # fmt: skip


def data_sources(plan: Plan, rows: list[Row]) -> Section:
    responsible: dict[int, list[str]] = defaultdict(list)
    for indicator in plan.indicators.prefetch_related("responsible"):
        responsible[indicator.pk] = sorted(i.acronym or i.name for i in indicator.responsible.all())
    table = Table(
        "sources",
        _("Data sources"),
        [Column(_("Code"), numeric=False), Column(_("Indicator"), numeric=False),
         Column(_("Data source"), numeric=False), Column(_("Frequency"), numeric=False),
         Column(_("Responsible"), numeric=False)],
    )  # fmt: skip
    for row in rows:
        indicator = row.indicator
        table.add(
            indicator.reference,
            indicator.title,
            indicator.data_source or None,
            indicator.get_frequency_display() or None,
            ", ".join(responsible[indicator.pk]) or None,
        )
    return Section("annex-sources", _("Data sources"), 2, [table])


def reports_not_validated(coverage: list[QuarterCoverage], year: int) -> Section:
    statuses = dict(SubmissionStatus.choices)
    by_quarter = Table(
        "coverage",
        _("Reports of the year"),
        [Column(_("Quarter"), numeric=False), Column(_("Reporting period"), numeric=False),
         Column(_("Reports expected")), Column(_("Reports validated")),
         Column(_("Not validated"))],
    )  # fmt: skip
    missing = Table(
        "not_validated",
        _("Reports not validated"),
        [Column(_("Quarter"), numeric=False), Column(_("Reporting unit"), numeric=False),
         Column(_("Where the report stands"), numeric=False)],
    )  # fmt: skip
    period_states = dict(PeriodStatus.choices)
    for quarter in coverage:
        label = quarter_label(quarter.quarter, year)
        if quarter.period is None:
            by_quarter.add(label, _("No reporting period"), None, None, None)
            continue
        late = quarter.not_validated
        by_quarter.add(label, str(period_states[quarter.period.status]), len(quarter.expected),
                       quarter.validated, len(late))  # fmt: skip
        for unit, status in late:
            missing.add(label, str(unit), str(statuses[status]) if status else _("No report"))
    blocks: list[Block] = [by_quarter]
    if missing.rows:
        blocks.append(missing)
    blocks.append(
        Text(_("A unit is expected when it is active and its institution is responsible for "
               "an indicator of the plan. Only validated reports count in this report."))
    )  # fmt: skip
    return Section("annex-reports", _("Reports not validated"), 2, blocks)


def indicators_without_data(rows: list[Row], narrated: set[int]) -> Section:
    table = Table(
        "no_data",
        _("Indicators without data"),
        [Column(_("Code"), numeric=False), Column(_("Indicator"), numeric=False),
         Column(_("Units expected")), Column(_("No data")), Column(_("Missing"))],
    )  # fmt: skip
    for row in rows:
        actual = row.progress.actual
        if has_figures(row, narrated):
            continue
        indicator = row.indicator
        table.add(indicator.reference, indicator.title, actual.expected, actual.no_data,
                  actual.missing)  # fmt: skip
    blocks: list[Block] = [
        Text(_("No data: units that said they had no figure. Missing: units expected that "
               "did not report the indicator."))
    ]  # fmt: skip
    if table.rows:
        blocks.insert(0, table)
    else:
        blocks = [Text(_("Every indicator has figures this year."))]
    return Section("annex-no-data", _("Indicators without data"), 2, blocks)


__all__ = ["AnnualReport", "Chart", "Section", "Text", "annual_report"]
