"""The tables of the progress page, built from the rows it shows, for its
downloads: indicators per status under each priority, and every indicator
against its target."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from analytics.progress import Band, IndicatorProgress
from nap1325.tables import TEXT, Column, Table


def status_table(by_root: Sequence[tuple[Any, list[tuple[Any, int]]]]) -> Table:
    """(priority or None, [(band label, count)]) rows, None for the
    implementation mechanism's indicators."""
    table = Table(
        "status",
        _("Indicators per status"),
        [Column(_("Priority"), TEXT), *[Column(str(band.label)) for band in Band]],
    )
    for root, counts in by_root:
        label = f"{root.code} {root.title}".strip() if root else _("Implementation mechanism")
        table.add(label, *[count for _label, count in counts])
    return table


def indicator_progress_table(rows: Sequence[IndicatorProgress]) -> Table:
    table = Table(
        "progress",
        _("Every indicator"),
        [
            Column(_("Code"), TEXT),
            Column(_("Indicator"), TEXT),
            Column(_("Baseline")),
            Column(_("Target")),
            Column(_("Actual")),
            Column(_("Percent of target")),
            Column(_("Status"), TEXT),
            Column(_("Units reporting")),
            Column(_("No data")),
            Column(_("Missing")),
            Column(_("Units expected")),
            Column(_("Answers"), TEXT),
        ],
        note=_(
            "Counts sum; percentages are recomputed from their numerators and denominators; "
            "cumulative indicators take each unit's latest figure. Percent of target is counted "
            "from the baseline. A dash is no data, never zero."
        ),
    )
    for row in rows:
        indicator, actual = row.indicator, row.actual
        table.add(
            indicator.reference,
            indicator.title,
            indicator.baseline_value,
            row.target,
            row.number,
            row.percent,
            str(row.band.label),
            actual.reported,
            actual.no_data,
            actual.missing,
            actual.expected,
            ", ".join(f"{answer}: {units}" for answer, units in actual.answers.items()) or None,
        )
    return table
