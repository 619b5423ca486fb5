"""Regional and local action plans: a plan for a place, linked to the plan
it carries out locally (the seed plan's "Decentralization": regional plans
adapted into local plans for cercles and communes).

A local plan gets the parent plan's top-level elements (its priorities) as
its own, each pointing to the national one, and a monitoring committee for
its place: an institution with a reporting unit in that place, responsible
for the plan's indicators, which reports through the same workflow as any
unit. Each local indicator says which national indicator it contributes to
and how (IndicatorLink): the same indicator (every figure, cells included,
counts nationally), sums into it (its total adds to the national total), or
related only (shown beside it, not counted). analytics.aggregation applies
the rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from actors.models import Institution, InstitutionKind, ReportingUnit
from actors.permissions import may
from nap1325.models import audit
from operations.models import FundingSource
from operations.schedule import quarter_of
from places.models import Place
from plans.models import (
    FrameworkElement,
    Indicator,
    IndicatorDisaggregation,
    IndicatorLink,
    IndicatorResponsibility,
    IndicatorType,
    LevelType,
    LinkRule,
    Plan,
    PlanScope,
    PlanStatus,
)

LINKABLE = (IndicatorType.COUNT, IndicatorType.PERCENTAGE, IndicatorType.CURRENCY)


def committee_of(plan: Plan) -> Institution | None:
    """The monitoring committee that reports for a local plan."""
    if plan.place is None:
        return None
    return Institution.objects.filter(
        country=plan.country, key=f"committee-{slugify(plan.place.code)}"
    ).first()


@dataclass
class LocalPlanInput:
    place: Place
    title_fr: str
    title_en: str
    start_year: int
    end_year: int


def create_local_plan(parent: Plan, data: LocalPlanInput, *, by: Any) -> Plan:
    """A regional (or, below a region, local) plan of `parent` for a place,
    with the parent's priorities and the place's monitoring committee."""
    if not may(by, "manage_local_plans"):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    place = data.place
    if place.country != parent.country:
        errors["place"] = [_("The place is not in the plan's country.")]
    key = f"{parent.key}-{slugify(place.code)}"
    if Plan.objects.filter(key=key).exists():
        errors.setdefault("place", []).append(
            _("%(place)s already has a plan under this one.") % {"place": place.name}
        )
    if not (data.title_fr.strip() or data.title_en.strip()):
        errors["title_fr"] = [_("Give a title in French or English.")]
    if not parent.start_year <= data.start_year <= data.end_year <= parent.end_year:
        errors["start_year"] = [
            _("The years fall within the parent plan's, %(first)d to %(last)d.")
            % {"first": parent.start_year, "last": parent.end_year}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = Plan.objects.create(
            key=key, country=parent.country, parent=parent, place=place,
            scope=PlanScope.REGIONAL if place.parent_id is None else PlanScope.LOCAL,
            title_fr=data.title_fr.strip() or data.title_en.strip(),
            title_en=data.title_en.strip() or data.title_fr.strip(),
            start_year=data.start_year, end_year=data.end_year, version="1",
            status=PlanStatus.ADOPTED, default_language=parent.default_language,
            languages=parent.languages,
        )  # fmt: skip
        top = parent.level_types.order_by("depth").first()
        level = LevelType.objects.create(
            plan=plan, key=top.key if top else "priority", depth=0,
            name_fr=top.name_fr if top else "Priorité", name_en=top.name_en if top else "Priority",
            plural_fr=top.plural_fr if top else "", plural_en=top.plural_en if top else "",
        )  # fmt: skip
        for position, national in enumerate(
            parent.elements.filter(parent__isnull=True).order_by("sort_path")
        ):
            FrameworkElement.objects.create(
                plan=plan, level=level, key=national.key, code=national.code,
                position=position, sort_path=f"{position + 1:05d}", national=national,
                title_fr=national.title_fr, title_en=national.title_en,
            )  # fmt: skip
        committee, _new = Institution.objects.get_or_create(
            country=plan.country,
            key=f"committee-{slugify(place.code)}",
            defaults={
                "kind": InstitutionKind.STATE_STRUCTURE,
                "name_fr": f"Comité de suivi du PAN 1325 — {place.name_fr}",
                "name_en": f"NAP 1325 Monitoring Committee — {place.name_en}",
            },
        )
        ReportingUnit.objects.get_or_create(
            country=plan.country, institution=committee, place=place
        )
        plan.institutions.add(committee)
        # The parent's funding sources, so that the plan's activities can be costed.
        FundingSource.objects.bulk_create(
            FundingSource(
                plan=plan,
                key=source.key,
                kind=source.kind,
                name_fr=source.name_fr,
                name_en=source.name_en,
                institution=source.institution,
                position=source.position,
            )
            for source in parent.funding_sources.all()
        )
        audit(
            "plan.local_create", plan, user=by,
            after={"parent": parent.key, "place": place.code, "key": key},
            summary=str(plan.title),
        )  # fmt: skip
    return plan


@dataclass
class LocalIndicatorInput:
    element: FrameworkElement
    code: str
    title_fr: str
    title_en: str
    national: Indicator
    rule: str


def add_local_indicator(plan: Plan, data: LocalIndicatorInput, *, by: Any) -> Indicator:
    """An indicator of a local plan, linked to one of the parent plan's.
    It takes the national indicator's type and, when it is the same
    indicator, its disaggregations, so that its cells are the national ones."""
    if not may(by, "manage_local_plans"):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    national = data.national
    if plan.parent_id is None:
        raise ValidationError(_("This plan has no parent plan to report to."))
    errors.update(_link_problems(plan.parent_id, national, data.rule))
    if data.element.plan_id != plan.pk:
        errors["element"] = [_("Choose a part of this plan.")]
    code = data.code.strip()
    if not code or plan.indicators.filter(key=code).exists():
        errors["code"] = [_("Give a code not yet used in this plan.")]
    if not (data.title_fr.strip() or data.title_en.strip()):
        errors["title_fr"] = [_("Give a title in French or English.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        indicator = Indicator.objects.create(
            plan=plan, element=data.element, key=code, code=code,
            position=data.element.indicators.count(),
            title_fr=data.title_fr.strip() or data.title_en.strip(),
            title_en=data.title_en.strip() or data.title_fr.strip(),
            type=national.type, unit_fr=national.unit_fr, unit_en=national.unit_en,
            numerator_fr=national.numerator_fr, numerator_en=national.numerator_en,
            denominator_fr=national.denominator_fr, denominator_en=national.denominator_en,
            accumulation=national.accumulation, direction=national.direction,
            sensitive=national.sensitive,
        )  # fmt: skip
        if data.rule == LinkRule.SAME:
            IndicatorDisaggregation.objects.bulk_create(
                IndicatorDisaggregation(
                    indicator=indicator, dimension=link.dimension, position=link.position
                )
                for link in national.indicatordisaggregation_set.all()
            )
        IndicatorLink.objects.create(local=indicator, national=national, rule=data.rule)
        committee = committee_of(plan)
        if committee is not None:
            IndicatorResponsibility.objects.create(indicator=indicator, institution=committee)
        audit(
            "plan.local_indicator", indicator, user=by,
            after={"plan": plan.key, "code": code, "national": national.key, "rule": data.rule},
            summary=f"{code} → {national.key}",
        )  # fmt: skip
    return indicator


def _link_problems(
    parent_id: int | None, national: Indicator, rule: str, local: Indicator | None = None
) -> dict[str, list[str]]:
    """Why an indicator of a plan under `parent_id` cannot feed `national`
    by `rule`, by form field. A new local indicator (`local` None) takes the
    national one's type and disaggregations, so only an existing one is
    checked for them."""
    errors: dict[str, list[str]] = {}
    if national.plan_id != parent_id:
        errors["national"] = [_("Choose an indicator of the parent plan.")]
    elif rule != LinkRule.RELATED:
        if national.type not in LINKABLE:
            errors["rule"] = [
                _("Only counts, percentages and amounts add up; link this one as related only.")
            ]
        elif local is not None and national.type != local.type:
            errors["national"] = [
                _("%(national)s is of type %(type)s, this indicator of type %(own)s: only a "
                  "related link joins them.")
                % {"national": national.key, "type": national.get_type_display(),
                   "own": local.get_type_display()}
            ]  # fmt: skip
        elif (
            local is not None
            and rule == LinkRule.SAME
            and set(local.indicatordisaggregation_set.values_list("dimension", flat=True))
            != set(national.indicatordisaggregation_set.values_list("dimension", flat=True))
        ):
            errors["rule"] = [
                _(
                    "The same indicator needs the national indicator's disaggregations; this one "
                    "has others: let it sum into the national total."
                )
            ]
    if rule not in LinkRule.values:
        errors["rule"] = [_("Choose how the indicator contributes.")]
    return errors


def change_link(local: Indicator, national: Indicator, rule: str, *, by: Any) -> IndicatorLink:
    """Point a local indicator at another national indicator, or change how
    it contributes. Figures already validated count by the new link from now
    on, in every period read: the audit keeps the link before."""
    if not may(by, "manage_local_plans"):
        raise PermissionDenied
    errors = _link_problems(local.plan.parent_id, national, rule, local)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        link = IndicatorLink.objects.select_for_update().filter(local=local).first()
        before = {"national": link.national.key, "rule": link.rule} if link else None
        if link is None:
            link = IndicatorLink(local=local)
        link.national, link.rule = national, rule
        link.save()
        audit(
            "plan.local_link", local, user=by, before=before,
            after={"national": national.key, "rule": rule},
            summary=f"{local.key} → {national.key} ({rule})",
        )  # fmt: skip
    return link


def remove_link(local: Indicator, *, by: Any) -> None:
    """The local indicator stays in its plan and keeps its figures; it no
    longer feeds a national indicator."""
    if not may(by, "manage_local_plans"):
        raise PermissionDenied
    with transaction.atomic():
        link = IndicatorLink.objects.select_for_update().filter(local=local).first()
        if link is None:
            return
        before = {"national": link.national.key, "rule": link.rule}
        link.delete()
        audit(
            "plan.local_unlink", local, user=by, before=before,
            summary=f"{local.key} ↛ {before['national']}",
        )  # fmt: skip


@dataclass
class Coverage:
    """How far the plan has reached a region: a plan there, its committee,
    reports validated in the last four quarters."""

    place: Place
    plans: list[Plan]
    committee: bool
    last_report: tuple[int, int] | None  # (year, quarter) of the latest validated

    def recent(self, on: date) -> bool:
        if self.last_report is None:
            return False
        (year, quarter), (now_year, now_quarter) = self.last_report, quarter_of(on)
        return (now_year * 4 + now_quarter) - (year * 4 + quarter) <= 4

    def score(self, on: date) -> int:
        return int(bool(self.plans)) + int(self.committee) + int(self.recent(on))


def coverage(plan: Plan, on: date) -> list[Coverage]:
    """Each region open on `on`: the regional and local plans in it (its
    cercles' and communes' included), whether a committee of theirs exists,
    and the latest quarter with a validated report from a unit placed in it
    (three queries and the places)."""
    from places.geography import parents_on, region_of
    from reporting.models import Submission, SubmissionStatus

    parents = parents_on(plan.country, on)
    regions = {
        p.code: Coverage(p, [], False, None)
        for p in Place.objects.filter(country=plan.country, parent__isnull=True)
        .valid_on(on)
        .order_by("code")
    }
    local = list(plan.local_plans.select_related("place"))
    for each in local:
        found = regions.get(region_of(each.place.code, parents)) if each.place else None
        if found is not None:
            found.plans.append(each)
            found.committee = found.committee or committee_of(each) is not None
    latest = (
        Submission.objects.filter(
            status=SubmissionStatus.VALIDATED,
            period__plan__in=[plan, *local],
            period__kind="quarter",
            unit__place__isnull=False,
        )
        .values("unit__place__code")
        .annotate(last=Max(F("period__year") * 10 + F("period__quarter")))
    )
    for row in latest:
        found = regions.get(region_of(row["unit__place__code"], parents))
        if found is not None:
            last = divmod(row["last"], 10)
            if found.last_report is None or last > found.last_report:
                found.last_report = last
    return list(regions.values())
