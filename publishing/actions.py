"""Publishing and unpublishing, and writing the annual report's sections:
each a transaction, audited, refused to those who may not."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.permissions import may
from nap1325.models import audit
from plans.models import Plan
from publishing.models import Publication, PublicationKind, ReportText

SECTIONS = ("foreword_fr", "foreword_en", "analysis_fr", "analysis_en")


def published_years(plan: Plan, kind: str = PublicationKind.DATA) -> list[int]:
    return sorted(plan.publications.filter(kind=kind).values_list("year", flat=True))


def offered_years(plan: Plan, *, public: bool) -> list[int]:
    """The years whose figures a reader is offered: the published ones for
    the public, every year of the plan for people with a role."""
    return published_years(plan) if public else list(plan.years)


def default_year(years: list[int]) -> int:
    """The year read when none is asked: last year if it is offered, else
    the latest offered before this year, else the first offered."""
    this_year = timezone.localdate().year
    return max((y for y in years if y < this_year), default=years[0])


def is_published(plan: Plan, year: int, kind: str = PublicationKind.DATA) -> bool:
    return plan.publications.filter(year=year, kind=kind).exists()


def _check(plan: Plan, year: int, kind: str, by: Any) -> None:
    if not may(by, "publish"):
        raise PermissionDenied
    if year not in plan.years:
        raise ValidationError(_("%(year)s is not a year of the plan.") % {"year": year})
    if kind not in PublicationKind.values:
        raise ValidationError(_("Nothing of that kind can be published."))


@transaction.atomic
def publish(plan: Plan, year: int, kind: str, *, by: Any) -> Publication:
    """Make a year's validated figures (or its annual report) public; doing
    it twice changes nothing."""
    _check(plan, year, kind, by)
    if kind == PublicationKind.REPORT and not is_published(plan, year):
        raise ValidationError(
            _("Publish the figures of %(year)s before its annual report.") % {"year": year}
        )
    publication, created = Publication.objects.get_or_create(
        plan=plan, year=year, kind=kind, defaults={"published_by": by}
    )
    if created:
        audit("publish", publication, user=by, after={"year": year, "kind": kind},
              summary=f"{plan.key} {year} {kind}")  # fmt: skip
    return publication


@transaction.atomic
def unpublish(plan: Plan, year: int, kind: str, *, by: Any) -> None:
    _check(plan, year, kind, by)
    # Without its figures, the year's report is withdrawn too.
    kinds = [kind] if kind == PublicationKind.REPORT else list(PublicationKind.values)
    for publication in Publication.objects.select_for_update().filter(
        plan=plan, year=year, kind__in=kinds
    ):
        audit("unpublish", publication, user=by, before={"year": year, "kind": publication.kind},
              summary=f"{plan.key} {year} {publication.kind}")  # fmt: skip
        publication.delete()


@transaction.atomic
def save_report_text(plan: Plan, year: int, texts: dict[str, str], *, by: Any) -> ReportText:
    """Write the foreword and analysis of a year's report (both languages)."""
    _check(plan, year, PublicationKind.REPORT, by)
    text, _created = ReportText.objects.select_for_update().get_or_create(plan=plan, year=year)
    before = {name: getattr(text, name) for name in SECTIONS}
    after = {name: texts.get(name, "").strip() for name in SECTIONS}
    if before != after:
        for name, value in after.items():
            setattr(text, name, value)
        text.updated_by = by
        text.save()
        changed = {name: before[name] for name in SECTIONS if before[name] != after[name]}
        audit(
            "update",
            text,
            user=by,
            before=changed,
            after={name: after[name] for name in changed},
            summary=f"{plan.key} {year}",
        )
    return text
