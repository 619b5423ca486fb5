"""The tables of the "About the data" page, built from the rows it shows,
for its downloads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from nap1325.tables import TEXT, Column, Table
from places.models import Reform


def about_data_tables(
    sources: Iterable[Mapping[str, Any]],
    levels: Iterable[Mapping[str, Any]],
    reforms: Iterable[Reform],
    observations: Iterable[Mapping[str, Any]],
) -> list[Table]:
    """Where the boundaries come from, the places open today, the reforms of
    the map (one row each) and the sources of the observatory's figures."""
    boundaries = Table(
        "boundaries",
        _("Administrative boundaries"),
        [Column(_("Country"), TEXT), Column(_("Source"), TEXT), Column(_("Places"))],
    )
    for row in sources:
        boundaries.add(row["country"], row["source"], row["places"])
    places = Table(
        "places",
        _("Places open today"),
        [Column(_("Country"), TEXT), Column(_("Level"), TEXT), Column(_("Places"))],
    )
    for row in levels:
        places.add(row["country"], row["level"], row["places"])
    changes = Table(
        "reforms",
        _("Reforms of the map"),
        [
            Column(_("Takes effect on"), TEXT),
            Column(_("Kind"), TEXT),
            Column(_("Places"), TEXT),
            Column(_("Description"), TEXT),
            Column(_("Source"), TEXT),
            Column(_("Country"), TEXT),
        ],
    )
    for reform in reforms:
        changes.add(
            reform.effective_on,
            reform.get_kind_display(),
            "; ".join(
                f"{s.old.code} → {s.new.code} {s.new.name}" for s in reform.successions.all()
            ),
            reform.description,
            reform.source,
            reform.country,
        )
    figures = Table(
        "observatory",
        _("Representation observatory"),
        [Column(_("Source"), TEXT), Column(_("Figures"))],
    )
    for row in observations:
        figures.add(row["source_title"] or None, row["figures"])
    return [boundaries, places, changes, figures]
