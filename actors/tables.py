"""The tables of the institution and body pages, built from the rows the
page shows, for its downloads."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from actors.models import Body, BodyMembership, Institution
from nap1325.tables import TEXT, Column, Table


def institution_table(institutions: Iterable[Institution]) -> Table:
    """Institutions (annotated with `indicator_total`), by kind as listed."""
    table = Table(
        "institutions",
        _("Institutions"),
        [
            Column(_("Institution"), TEXT),
            Column(_("Acronym"), TEXT),
            Column(_("Indicators")),
            Column(_("Kind"), TEXT),
            Column(_("Country"), TEXT),
        ],
    )
    for institution in institutions:
        table.add(
            institution.name,
            institution.acronym,
            institution.indicator_total,  # type: ignore[attr-defined]
            institution.get_kind_display(),
            institution.country,
        )
    return table


def body_table(bodies: Iterable[Body]) -> Table:
    """Bodies (annotated with `member_total`)."""
    table = Table(
        "bodies",
        _("The bodies that run the plan"),
        [
            Column(_("Body"), TEXT),
            Column(_("Acronym"), TEXT),
            Column(_("Kind"), TEXT),
            Column(_("Members")),
            Column(_("Country"), TEXT),
        ],
    )
    for body in bodies:
        table.add(
            body.name,
            body.acronym,
            body.get_kind_display(),
            body.member_total,  # type: ignore[attr-defined]
            body.country,
        )
    return table


def member_table(memberships: Iterable[BodyMembership]) -> Table:
    table = Table(
        "members",
        _("Members"),
        [
            Column(_("Institution"), TEXT),
            Column(_("Role"), TEXT),
            Column(_("Since"), TEXT),
            Column(_("Until"), TEXT),
        ],
    )
    for membership in memberships:
        table.add(
            membership.institution.name,
            membership.get_role_display(),
            membership.since,
            membership.until,
        )
    return table
