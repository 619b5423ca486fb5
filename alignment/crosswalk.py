"""The crosswalk of a plan: for each global set, each global indicator with
the plan's indicators that report on it (none: a gap), and the reverse, each
indicator of the plan with the global indicators it reports on. Read in
three queries; the same rows feed the page and its CSV, XLSX and JSON."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from alignment.models import Alignment, GlobalIndicator, GlobalIndicatorSet
from nap1325.tables import TEXT, Column, Table, yes_no
from plans.models import Indicator, Plan, in_plan_order


@dataclass
class GlobalRow:
    indicator: GlobalIndicator
    tags: list[Alignment] = field(default_factory=list)


@dataclass
class SetView:
    set: GlobalIndicatorSet
    rows: list[GlobalRow]

    @property
    def served(self) -> int:
        return sum(1 for row in self.rows if row.tags)

    @property
    def gaps(self) -> int:
        return len(self.rows) - self.served

    @property
    def unverified(self) -> int:
        return sum(1 for row in self.rows if not row.indicator.verified)


@dataclass
class NationalRow:
    indicator: Indicator
    tags: list[Alignment] = field(default_factory=list)


@dataclass
class Crosswalk:
    plan: Plan
    sets: list[SetView]
    national: list[NationalRow]

    @property
    def tag_count(self) -> int:
        return sum(len(row.tags) for row in self.national)


def crosswalk(plan: Plan) -> Crosswalk:
    indicators = list(plan.indicators.select_related("plan").order_by(*in_plan_order()))
    tags = list(
        Alignment.objects.filter(indicator__plan=plan)
        .select_related("indicator__plan", "global_indicator__set", "added_by")
        .order_by("global_indicator__set__position", "global_indicator__position")
    )
    by_global: dict[int, list[Alignment]] = {}
    by_national: dict[int, list[Alignment]] = {}
    for alignment in tags:
        by_global.setdefault(alignment.global_indicator_id, []).append(alignment)
        by_national.setdefault(alignment.indicator_id, []).append(alignment)
    order = {indicator.pk: position for position, indicator in enumerate(indicators)}
    for rows in by_global.values():
        rows.sort(key=lambda alignment: order.get(alignment.indicator_id, 0))
    sets: dict[int, SetView] = {}
    for global_indicator in GlobalIndicator.objects.select_related("set").order_by(
        "set__position", "set__key", "position"
    ):
        view = sets.setdefault(global_indicator.set_id, SetView(set=global_indicator.set, rows=[]))
        view.rows.append(GlobalRow(global_indicator, by_global.get(global_indicator.pk, [])))
    national = [
        NationalRow(indicator, by_national.get(indicator.pk, [])) for indicator in indicators
    ]
    return Crosswalk(plan=plan, sets=list(sets.values()), national=national)


def source_of(indicator_set: GlobalIndicatorSet) -> str:
    """How the set's source is cited: "S/2010/498, publisher, 2010"."""
    return ", ".join(
        str(part) for part in (indicator_set.document, indicator_set.publisher, indicator_set.year)
    )


def crosswalk_tables(walk: Crosswalk) -> list[Table]:
    """The crosswalk as two tables: global → national (a row per pair, and a
    row with empty national columns for each gap), and national → global."""
    by_global = Table(
        key="global",
        title=_("Global indicators and the plan's indicators"),
        columns=[
            Column(_("Set"), TEXT),
            Column(_("Source of the set"), TEXT),
            Column(_("Group"), TEXT),
            Column(_("Global code"), TEXT),
            Column(_("Global indicator"), TEXT),
            Column(_("Wording verified"), TEXT),
            Column(_("Indicator of the plan"), TEXT),
            Column(_("Identifier in the plan file"), TEXT),
            Column(_("Indicator"), TEXT),
            Column(_("Note"), TEXT),
        ],
        note=_("A row without an indicator of the plan is a gap: no indicator of the plan "
               "reports on that global indicator. Unverified wordings were not checked word for "
               "word against the set's source."),
    )  # fmt: skip
    for view in walk.sets:
        source = source_of(view.set)
        for row in view.rows:
            g = row.indicator
            start = [
                view.set.key, source, g.group, g.code, g.title, yes_no(g.verified),
            ]  # fmt: skip
            if not row.tags:
                by_global.add(*start, None, None, None, None)
            for alignment in row.tags:
                national = alignment.indicator
                by_global.add(
                    *start, national.reference, national.key, national.title, alignment.note
                )
    reverse = Table(
        key="national",
        title=_("The plan's indicators and the global indicators"),
        columns=[
            Column(_("Indicator of the plan"), TEXT),
            Column(_("Identifier in the plan file"), TEXT),
            Column(_("Indicator"), TEXT),
            Column(_("Set"), TEXT),
            Column(_("Global code"), TEXT),
            Column(_("Global indicator"), TEXT),
            Column(_("Wording verified"), TEXT),
        ],
    )
    for national_row in walk.national:
        national = national_row.indicator
        start = [national.reference, national.key, national.title]
        if not national_row.tags:
            reverse.add(*start, None, None, None, None)
        for alignment in national_row.tags:
            g = alignment.global_indicator
            reverse.add(*start, g.set.key, g.code, g.title, yes_no(g.verified))
    return [by_global, reverse]
