"""The crosswalk page of a plan (public), its CSV, XLSX and JSON downloads,
and the TMU's two forms to add and remove a tag (the writing is
alignment.actions)."""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actors.permissions import may
from alignment import actions
from alignment.crosswalk import crosswalk, crosswalk_tables, source_of
from alignment.models import Alignment, GlobalIndicator
from nap1325.tables import download
from plans.views import get_plan

M = TypeVar("M", bound=Model)


def crosswalk_page(request: HttpRequest, key: str) -> HttpResponse:
    plan = get_plan(key)
    walk = crosswalk(plan)
    meta = {
        "plan": plan.key,
        "sets": [
            {
                "key": view.set.key,
                "title_fr": view.set.title_fr,
                "title_en": view.set.title_en,
                "source": source_of(view.set),
                "url": view.set.url,
                "indicators": len(view.rows),
                "unverified": view.unverified,
                "gaps": view.gaps,
            }
            for view in walk.sets
        ],
    }
    answer = download(request, crosswalk_tables(walk), f"{plan.key}-crosswalk", meta)
    if answer is not None:
        return answer
    can_manage = may(request.user, "manage_alignment")
    return render(
        request,
        "alignment/crosswalk.html",
        {
            "plan": plan,
            "walk": walk,
            "sources": {view.set.pk: source_of(view.set) for view in walk.sets},
            "can_manage": can_manage,
        },
    )


def _tmu_only(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may(request.user, "manage_alignment"):
        raise PermissionDenied
    return None


@require_POST
def crosswalk_tag(request: HttpRequest, key: str) -> HttpResponse:
    plan = get_plan(key)
    refused = _tmu_only(request)
    if refused:
        return refused
    indicator = _posted(plan.indicators.all(), request, "indicator")
    global_indicator = _posted(GlobalIndicator.objects.all(), request, "global")
    if indicator is None or global_indicator is None:
        messages.error(request, _("Choose an indicator of the plan and a global indicator."))
        return redirect("crosswalk", plan.key)
    try:
        actions.tag(
            indicator,
            global_indicator,
            by=request.user,
            note_fr=request.POST.get("note_fr", "")[:2000],
            note_en=request.POST.get("note_en", "")[:2000],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(indicator)s now reports on %(code)s.")
            % {"indicator": indicator.reference, "code": global_indicator.code},
        )
    return redirect("crosswalk", plan.key)


@require_POST
def crosswalk_untag(request: HttpRequest, key: str) -> HttpResponse:
    plan = get_plan(key)
    refused = _tmu_only(request)
    if refused:
        return refused
    tags = Alignment.objects.filter(indicator__plan=plan)
    alignment = _posted(
        tags.select_related("indicator__plan", "global_indicator__set"), request, "alignment"
    )
    if alignment is None:
        messages.error(request, _("This tag was already removed."))
        return redirect("crosswalk", plan.key)
    try:
        actions.untag(alignment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(indicator)s no longer reports on %(code)s.")
            % {
                "indicator": alignment.indicator.reference,
                "code": alignment.global_indicator.code,
            },
        )
    return redirect("crosswalk", plan.key)


def _posted(objects: QuerySet[M], request: HttpRequest, name: str) -> M | None:
    """The object whose uuid is posted as `name`, or None (also for a malformed uuid)."""
    try:
        return objects.filter(uuid=uuid.UUID(request.POST.get(name, ""))).first()
    except ValueError:
        return None
