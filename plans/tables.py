"""The tables of a plan's pages (the indicator list, the plan, its regional
and local plans), built from the rows the page shows, for its downloads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from nap1325.tables import TEXT, Column, Table, yes_no
from plans.models import Indicator, PlanLoad, PlanSource


def indicator_table(indicators: Iterable[Indicator]) -> Table:
    """Every indicator of a plan as the indicator list shows it, with its
    code and sensitivity (indicators prefetched with their responsible)."""
    table = Table(
        "indicators",
        _("Indicators"),
        [
            Column(_("Level"), TEXT),
            Column(_("Indicator"), TEXT),
            Column(_("Type"), TEXT),
            Column(_("Responsible"), TEXT),
            Column(_("Code"), TEXT),
            Column(_("Unit"), TEXT),
            Column(_("Sensitive"), TEXT),
        ],
    )
    for indicator in indicators:
        element = indicator.element
        level = f"{element.level.name} {element.code}" if element else str(indicator.anchor or "")
        table.add(
            level.strip(),
            indicator.title,
            indicator.get_type_display(),
            ", ".join(i.acronym or i.name for i in indicator.responsible.all()),
            indicator.reference,
            indicator.unit,
            yes_no(indicator.sensitive),
        )
    return table


def load_table(loads: Iterable[PlanLoad]) -> Table:
    table = Table(
        "loads",
        _("History of loads"),
        [
            Column(_("Date"), TEXT),
            Column(_("Created")),
            Column(_("Updated")),
            Column(_("Removed")),
            Column(_("File (SHA-256)"), TEXT),
        ],
    )
    for load in loads:
        changes = load.changes
        table.add(
            load.loaded_at,
            changes["created"],
            changes["updated"],
            changes["removed"],
            load.file_sha256,
        )
    return table


def institution_table(institutions: Iterable[Any], key: str, title: str) -> Table:
    table = Table(
        key,
        title,
        [Column(_("Institution"), TEXT), Column(_("Acronym"), TEXT), Column(_("Kind"), TEXT)],
    )
    for institution in institutions:
        table.add(institution.name, institution.acronym, institution.get_kind_display())
    return table


def source_table(sources: Iterable[PlanSource]) -> Table:
    table = Table(
        "sources",
        _("Sources"),
        [Column(_("Identifier"), TEXT), Column(_("Title"), TEXT), Column(_("Note"), TEXT)],
    )
    for source in sources:
        table.add(source.key, source.title, source.note)
    return table


def local_plan_table(local_plans: Iterable[Any]) -> Table:
    """A plan's regional and local plans (annotated with `indicator_total`)."""
    table = Table(
        "plans",
        _("Regional and local plans"),
        [
            Column(_("Place"), TEXT),
            Column(_("Plan"), TEXT),
            Column(_("First year"), grouping=False),
            Column(_("Last year"), grouping=False),
            Column(_("Indicators")),
            Column(_("Code"), TEXT),
        ],
    )
    for local in local_plans:
        table.add(
            local.place.name,
            local.title,
            local.start_year,
            local.end_year,
            local.indicator_total,
            local.place.code,
        )
    return table


def coverage_table(rows: Iterable[Any], today: date) -> Table:
    """The regions' coverage (`plans.local.coverage`) as the page shows it."""
    table = Table(
        "coverage",
        _("Coverage of the regions"),
        [
            Column(_("Region"), TEXT),
            Column(_("Regional or local plans"), TEXT),
            Column(_("Committee"), TEXT),
            Column(_("Latest validated report"), TEXT),
            Column(_("Coverage (0 to 3)")),
            Column(_("Over a year ago"), TEXT),
        ],
        note=_(
            "Coverage counts one for a regional or local plan in the region, one for its "
            "committee, one for a report validated in the last four quarters by a unit "
            "placed in the region."
        ),
    )
    for row in rows:
        last = row.last_report
        table.add(
            row.place.name,
            ", ".join(local.place.name for local in row.plans),
            yes_no(row.committee),
            _("%(year)s Q%(quarter)s") % {"year": last[0], "quarter": last[1]} if last else None,
            row.score(today),
            yes_no(not row.recent(today)) if last else None,
        )
    return table
