"""The public, read-only pages of a plan: home, framework tree, element,
indicator and anchor-point pages, indicator list and search."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from actors.models import Institution
from actors.permissions import may
from nap1325.tables import download
from nap1325.text import matches, normalize
from plans.models import AnchorPoint, FrameworkElement, Indicator, Plan
from plans.tables import indicator_table, institution_table, load_table, source_table


@dataclass
class Node:
    element: FrameworkElement
    children: list[Node] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def indicator_total(self) -> int:
        return len(self.indicators) + sum(child.indicator_total for child in self.children)


def get_plan(key: str) -> Plan:
    return get_object_or_404(Plan, key=key)


def plan_tree(plan: Plan, *, with_indicators: bool = True) -> list[Node]:
    """The framework as a tree, in two queries."""
    elements = plan.elements.select_related("level", "plan").order_by("sort_path")
    nodes = {element.pk: Node(element) for element in elements}
    roots: list[Node] = []
    for node in nodes.values():
        parent = nodes.get(node.element.parent_id) if node.element.parent_id else None
        (parent.children if parent else roots).append(node)
    if with_indicators:
        indicators = plan.indicators.filter(element__isnull=False).select_related("plan")
        for indicator in indicators.order_by("position"):
            assert indicator.element_id is not None
            nodes[indicator.element_id].indicators.append(indicator)
    return roots


def ancestors_of(element: FrameworkElement | None) -> list[FrameworkElement]:
    """The element and its ancestors, from the top of the tree down."""
    chain: list[FrameworkElement] = []
    while element is not None:
        chain.insert(0, element)
        element = element.parent
    return chain


def level_counts(plan: Plan) -> list[tuple[str, int]]:
    levels = plan.level_types.annotate(total=Count("elements")).order_by("depth")
    return [(level.plural or level.name, level.total) for level in levels]


def home(request: HttpRequest) -> HttpResponse:
    plan = Plan.objects.filter(key=settings.DEFAULT_PLAN).first() or Plan.objects.first()
    context: dict[str, object] = {"plan": plan, "plans": Plan.objects.all()}
    if plan is not None:
        context |= {
            "counts": level_counts(plan),
            "indicator_count": plan.indicators.count(),
            "anchor_count": plan.anchors.count(),
            "tree": plan_tree(plan, with_indicators=False),
        }
    return render(request, "plans/home.html", context)


def plan_detail(request: HttpRequest, key: str) -> HttpResponse:
    plan = get_plan(key)
    sources = list(plan.sources.all())
    institutions = list(plan.institutions.all())
    loads = load_table(plan.loads.all()[:10])
    tables = [
        institution_table(institutions, "institutions", _("Institutions named in the plan")),
        source_table(sources),
        loads,
    ]
    if answer := download(request, tables, plan.key, {"plan": plan.key}):
        return answer
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "counts": level_counts(plan),
            "indicator_count": plan.indicators.count(),
            "anchor_count": plan.anchors.count(),
            "tree": plan_tree(plan, with_indicators=False),
            "sources": sources,
            "institutions": institutions,
            "tables": {table.key: table for table in tables},
            "can_manage_local": may(request.user, "manage_local_plans"),
            "can_exchange": may(request.user, "exchange_data"),
        },
    )


def framework(request: HttpRequest, key: str) -> HttpResponse:
    plan = get_plan(key)
    anchors = plan.anchors.select_related("plan").prefetch_related(
        Prefetch(
            "indicators", queryset=Indicator.objects.select_related("plan").order_by("position")
        )
    )
    return render(
        request,
        "plans/framework.html",
        {"plan": plan, "tree": plan_tree(plan), "anchors": anchors},
    )


def element_detail(request: HttpRequest, key: str, uuid: str) -> HttpResponse:
    plan = get_plan(key)
    element = get_object_or_404(
        FrameworkElement.objects.select_related("level", "parent__plan", "parent__level"),
        plan=plan,
        uuid=uuid,
    )
    ancestors = ancestors_of(element.parent)
    return render(
        request,
        "plans/element_detail.html",
        {
            "plan": plan,
            "element": element,
            "ancestors": ancestors,
            "children": element.children.select_related("level", "plan").order_by("position"),
            "indicators": element.indicators.select_related("plan").order_by("position"),
        },
    )


def anchor_detail(request: HttpRequest, key: str, uuid: str) -> HttpResponse:
    plan = get_plan(key)
    anchor = get_object_or_404(AnchorPoint, plan=plan, uuid=uuid)
    return render(
        request,
        "plans/anchor_detail.html",
        {
            "plan": plan,
            "anchor": anchor,
            "indicators": anchor.indicators.select_related("plan").order_by("position"),
        },
    )


def _indicators(plan: Plan) -> QuerySet[Indicator]:
    # The plan of each related row is selected too: their URLs carry the plan's key.
    return plan.indicators.select_related(
        "plan", "element__plan", "element__level", "anchor__plan"
    ).order_by("position")


def indicator_list(request: HttpRequest, key: str) -> HttpResponse:
    plan = get_plan(key)
    indicators = list(_indicators(plan).prefetch_related("responsible"))
    table = indicator_table(indicators)
    if answer := download(request, [table], f"{plan.key}-indicators", {"plan": plan.key}):
        return answer
    return render(
        request,
        "plans/indicator_list.html",
        {"plan": plan, "indicators": indicators, "table": table},
    )


def indicator_detail(request: HttpRequest, key: str, uuid: str) -> HttpResponse:
    plan = get_plan(key)
    indicator = get_object_or_404(
        _indicators(plan).prefetch_related(
            "targets", "scale", "responsible", "dimensions__categories"
        ),
        uuid=uuid,
    )
    ancestors = ancestors_of(indicator.element)
    return render(
        request,
        "plans/indicator_detail.html",
        {"plan": plan, "indicator": indicator, "ancestors": ancestors},
    )


SEARCH_LIMIT = 100


def search(request: HttpRequest) -> HttpResponse:
    """Codes and titles of elements, indicators and institutions, in both
    languages, ignoring case and accents (plans hold hundreds of rows, not
    millions: matching in Python keeps it the same on SQLite and PostgreSQL)."""
    query = request.GET.get("q", "").strip()[:200]
    terms = normalize(query).split()
    elements: list[FrameworkElement] = []
    indicators: list[Indicator] = []
    institutions: list[Institution] = []
    if terms:
        elements = [
            e
            for e in FrameworkElement.objects.select_related("plan", "level").order_by(
                "plan", "sort_path"
            )
            if matches(terms, e.code, e.title_fr, e.title_en, e.description_fr, e.description_en)
        ][:SEARCH_LIMIT]
        indicators = [
            i
            for i in Indicator.objects.select_related("plan", "element").order_by(
                "plan", "position"
            )
            if matches(terms, i.code, i.key, i.title_fr, i.title_en)
        ][:SEARCH_LIMIT]
        institutions = [
            i for i in Institution.objects.all() if matches(terms, i.acronym, i.name_fr, i.name_en)
        ][:SEARCH_LIMIT]
    return render(
        request,
        "plans/search.html",
        {
            "query": query,
            "elements": elements,
            "indicators": indicators,
            "institutions": institutions,
            "total": len(elements) + len(indicators) + len(institutions),
        },
    )
