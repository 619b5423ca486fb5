"""Dashboards (national, per priority, per institution, per region) and the
publishing page.

Who sees what: people with an account that may read private data see every
year of the plan, validated figures (the TMU may add submitted ones), with
every count. Everyone else sees the years the TMU has published, validated
figures only, and sensitive indicators through small-cell suppression: the
page, its CSV/XLSX downloads and its JSON answer alike.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors.models import Institution
from actors.permissions import may
from nap1325.tables import download
from places.models import Place
from plans.models import FrameworkElement, Plan
from plans.views import get_plan
from publishing import actions
from publishing.dashboard import build
from publishing.figures import Reading, Scope
from publishing.models import PublicationKind


def dashboard(request: HttpRequest, key: str) -> HttpResponse:
    plan = get_plan(key)
    return show(request, plan, Scope(plan))


def priority_dashboard(request: HttpRequest, key: str, uuid: str) -> HttpResponse:
    plan = get_plan(key)
    element = get_object_or_404(FrameworkElement, plan=plan, uuid=uuid, parent__isnull=True)
    return show(request, plan, Scope(plan, element=element))


def institution_dashboard(request: HttpRequest, key: str, uuid: str) -> HttpResponse:
    plan = get_plan(key)
    institution = get_object_or_404(Institution, uuid=uuid)
    return show(request, plan, Scope(plan, institution=institution))


def region_dashboard(request: HttpRequest, key: str, code: str) -> HttpResponse:
    plan = get_plan(key)
    region = get_object_or_404(Place, country=plan.country, code=code, parent__isnull=True)
    return show(request, plan, Scope(plan, region=region))


def number(request: HttpRequest, name: str, allowed: list[int] | range) -> int | None:
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if value in allowed else None


def show(request: HttpRequest, plan: Plan, scope: Scope) -> HttpResponse:
    private = may(request.user, "read_private")
    years = actions.offered_years(plan, public=not private)
    context = {"plan": plan, "scope": scope, "private": private, "years": years}
    context.update(choices(plan))
    if not years:
        return render(request, "publishing/dashboard.html", context)
    year = number(request, "year", years) or actions.default_year(years)
    # The public reads whole years: two years to date, one quarter apart,
    # would give a suppressed quarter of a sensitive indicator by subtraction.
    quarter = number(request, "quarter", range(1, 5)) if private else None
    include_submitted = request.GET.get("submitted") == "1" and may(
        request.user, "validate_reports"
    )
    reading = Reading(year, quarter, include_submitted=include_submitted, public=not private)
    board = build(
        scope,
        reading,
        indicator_key=request.GET.get("indicator"),
        dimension_key=request.GET.get("by"),
    )
    filename = f"{plan.key}-{scope.kind}-{year}" + (f"-q{quarter}" if quarter else "")
    meta = {
        "plan": plan.key,
        "scope": scope.kind,
        "year": year,
        "quarter": quarter,
        "validated_only": not include_submitted,
        "public": not private,
    }
    if answer := download(request, board.tables, filename, meta):
        return answer
    context.update(
        {
            "board": board,
            "year": year,
            "quarter": quarter,
            "include_submitted": include_submitted,
            "can_include_submitted": may(request.user, "validate_reports"),
            "report_public": actions.is_published(plan, year, PublicationKind.REPORT),
            "sections": [
                (section, [(table, table.cells()) for table in section.tables])
                for section in board.sections
            ],
        }
    )
    return render(request, "publishing/dashboard.html", context)


def choices(plan: Plan) -> dict[str, object]:
    """The other dashboards of the plan, for the navigation."""
    from publishing.figures import regions_of

    return {
        "priorities": plan.elements.filter(parent__isnull=True).order_by("sort_path"),
        "institutions": Institution.objects.filter(indicators__plan=plan)
        .distinct()
        .order_by("acronym", "name_fr"),
        "regions": list(regions_of(plan).values()),
    }


def publications(request: HttpRequest, key: str) -> HttpResponse:
    """The TMU publishes a year's validated figures, or its annual report."""
    plan = get_plan(key)
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not may(request.user, "publish"):
        raise PermissionDenied
    published = {(p.year, p.kind): p for p in plan.publications.select_related("published_by")}
    years = [
        (
            year,
            [(kind, published.get((year, kind))) for kind in PublicationKind],
        )
        for year in plan.years
    ]
    return render(request, "publishing/publications.html", {"plan": plan, "years": years})


@require_POST
def publish(request: HttpRequest, key: str) -> HttpResponse:
    plan = get_plan(key)
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        raise Http404 from None
    kind = request.POST.get("kind", "")
    try:
        if request.POST.get("action") == "unpublish":
            actions.unpublish(plan, year, kind, by=request.user)
            messages.success(request, _("%(year)s is no longer public.") % {"year": year})
        else:
            actions.publish(plan, year, kind, by=request.user)
            messages.success(request, _("%(year)s is public.") % {"year": year})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("publications", plan.key)
