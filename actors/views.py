"""Public pages of institutions: who they are and what they are responsible for."""

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from actors.models import Body, Institution, InstitutionKind
from actors.tables import body_table, institution_table, member_table
from nap1325.tables import download


def institution_list(request: HttpRequest) -> HttpResponse:
    institutions = Institution.objects.annotate(indicator_total=Count("indicators"))
    groups = [
        (label, [i for i in institutions if i.kind == kind])
        for kind, label in InstitutionKind.choices
    ]
    listed = [(label, items) for label, items in groups if items]
    table = institution_table(item for _label, items in listed for item in items)
    if answer := download(request, [table], "institutions"):
        return answer
    return render(request, "actors/institution_list.html", {"groups": listed, "table": table})


def institution_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    institution = get_object_or_404(Institution, uuid=uuid)
    # Reverse relations only: actors sits below plans and does not import it.
    indicators = institution.indicators.select_related("plan", "element", "anchor").order_by(
        "plan", "position"
    )
    return render(
        request,
        "actors/institution_detail.html",
        {
            "institution": institution,
            "indicators": indicators,
            "plans": institution.plans.all(),
            "memberships": institution.memberships.select_related("body"),
            "focal_points": institution.focal_points.all(),
        },
    )


def body_list(request: HttpRequest) -> HttpResponse:
    bodies = list(Body.objects.annotate(member_total=Count("memberships")))
    table = body_table(bodies)
    if answer := download(request, [table], "bodies"):
        return answer
    return render(request, "actors/body_list.html", {"bodies": bodies, "table": table})


def body_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    body = get_object_or_404(Body, uuid=uuid)
    memberships = list(body.memberships.select_related("institution"))
    table = member_table(memberships)
    name = f"members-{body.country}-{body.key}".lower()
    if answer := download(request, [table], name, {"body": body.key, "country": body.country}):
        return answer
    return render(
        request,
        "actors/body_detail.html",
        {"body": body, "memberships": memberships, "table": table},
    )
