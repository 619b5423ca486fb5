"""Pages of regional and local plans: the list under a plan, a new plan for
a place, a new local indicator linked to a national one, and a change to
that link (the TMU)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actors.permissions import may
from nap1325.forms import attach_errors
from nap1325.tables import download
from places.models import Place
from plans import local
from plans.models import FrameworkElement, Indicator, LinkRule, Plan
from plans.tables import coverage_table, local_plan_table
from plans.views import get_plan
from publishing.maps import choropleth


def _require(request: HttpRequest) -> None:
    if not may(request.user, "manage_local_plans"):
        raise PermissionDenied


class PlaceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code}, {obj.level})"


class IndicatorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.key} — {obj.title}"


class LocalPlanForm(forms.Form):
    place = PlaceChoice(queryset=Place.objects.none(), label=gettext_lazy("Place"))
    title_fr = forms.CharField(label=gettext_lazy("Title (French)"), required=False)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), required=False)
    start_year = forms.IntegerField(label=gettext_lazy("First year"))
    end_year = forms.IntegerField(label=gettext_lazy("Last year"))

    def __init__(self, parent: Plan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place = self.fields["place"]
        assert isinstance(place, forms.ModelChoiceField)
        place.queryset = Place.objects.filter(country=parent.country).valid_on(timezone.localdate())


class LocalIndicatorForm(forms.Form):
    element = forms.ModelChoiceField(
        queryset=FrameworkElement.objects.none(), label=gettext_lazy("Part of the plan")
    )
    code = forms.CharField(label=gettext_lazy("Code"), max_length=60)
    title_fr = forms.CharField(label=gettext_lazy("Title (French)"), required=False)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), required=False)
    national = IndicatorChoice(
        queryset=Indicator.objects.none(), label=gettext_lazy("National indicator")
    )
    rule = forms.ChoiceField(choices=LinkRule.choices, label=gettext_lazy("How it contributes"))

    def __init__(self, plan: Plan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        element = self.fields["element"]
        national = self.fields["national"]
        assert isinstance(element, forms.ModelChoiceField)
        assert isinstance(national, forms.ModelChoiceField)
        element.queryset = plan.elements.order_by("sort_path")
        national.queryset = Indicator.objects.filter(plan=plan.parent).order_by("key")


def local_plans(request: HttpRequest, key: str) -> HttpResponse:
    """A plan's regional and local plans, each with its place, and the
    coverage of the regions: a plan, a committee, recent reports."""
    plan = get_plan(key)
    rows = list(
        plan.local_plans.select_related("place")
        .annotate(indicator_total=Count("indicators"))
        .order_by("place__code")
    )
    today = timezone.localdate()
    regions = local.coverage(plan, today)
    tables = [local_plan_table(rows), coverage_table(regions, today)]
    if answer := download(request, tables, f"{plan.key}-local-plans", {"plan": plan.key}):
        return answer
    coverage_map = choropleth(
        {row.place.code: Decimal(row.score(today)) for row in regions},
        country=plan.country,
        on=today,
        title=_("Coverage of the regions"),
        legend_title=_("Plan, committee, recent reports (0 to 3)"),
        classes=4,
    )
    return render(
        request,
        "plans/local_plans.html",
        {
            "plan": plan,
            "local_plans": rows,
            "coverage": [(row, row.recent(today), row.score(today)) for row in regions],
            "coverage_map": coverage_map,
            "tables": {table.key: table for table in tables},
            "can_manage": may(request.user, "manage_local_plans"),
        },
    )


@login_required
def local_plan_new(request: HttpRequest, key: str) -> HttpResponse:
    parent = get_plan(key)
    _require(request)
    initial = {"start_year": parent.start_year, "end_year": parent.end_year}
    form = LocalPlanForm(parent, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = local.create_local_plan(
                parent, local.LocalPlanInput(**form.cleaned_data), by=request.user
            )
        except ValidationError as exc:
            attach_errors(exc, form)
        else:
            messages.success(request, _("Plan created; now add its indicators."))
            return redirect("local_indicator_new", plan.key)
    return render(request, "plans/local_form.html", {"plan": parent, "form": form,
                  "title": _("New regional or local plan")})  # fmt: skip


@login_required
def local_indicator_new(request: HttpRequest, key: str) -> HttpResponse:
    plan = get_plan(key)
    _require(request)
    if plan.parent_id is None:  # a national plan: choose one of its local plans
        return redirect("local_plans", plan.key)
    form = LocalIndicatorForm(plan, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = local.add_local_indicator(
                plan, local.LocalIndicatorInput(**form.cleaned_data), by=request.user
            )
        except ValidationError as exc:
            attach_errors(exc, form)
        else:
            messages.success(request, _("Indicator %(code)s added.") % {"code": indicator.code})
            return redirect("local_indicator_new", plan.key)
    links = Indicator.objects.filter(plan=plan).select_related("rolls_up__national").order_by("key")
    return render(request, "plans/local_form.html", {"plan": plan, "form": form,
                  "links": links, "title": _("New local indicator")})  # fmt: skip


class LinkForm(forms.Form):
    national = IndicatorChoice(
        queryset=Indicator.objects.none(), label=gettext_lazy("National indicator")
    )
    rule = forms.ChoiceField(choices=LinkRule.choices, label=gettext_lazy("How it contributes"))

    def __init__(self, plan: Plan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        national = self.fields["national"]
        assert isinstance(national, forms.ModelChoiceField)
        national.queryset = Indicator.objects.filter(plan=plan.parent).order_by("key")


@login_required
def local_indicator_link(request: HttpRequest, key: str, uuid: str) -> HttpResponse:
    """Change which national indicator a local one feeds and how, or remove
    the link (the indicator and its figures stay)."""
    plan = get_plan(key)
    _require(request)
    indicator = get_object_or_404(Indicator, plan=plan, uuid=uuid)
    if plan.parent_id is None:  # a national indicator feeds nothing above it
        return redirect("local_plans", plan.key)
    link = getattr(indicator, "rolls_up", None)
    initial = {"national": link.national, "rule": link.rule} if link else {}
    form = LinkForm(plan, request.POST or None, initial=initial)
    if request.method == "POST" and request.POST.get("action") == "remove":
        local.remove_link(indicator, by=request.user)
        messages.success(request, _("%(code)s no longer feeds a national indicator.")
                         % {"code": indicator.code})  # fmt: skip
        return redirect("local_indicator_new", plan.key)
    if request.method == "POST" and form.is_valid():
        try:
            local.change_link(
                indicator, form.cleaned_data["national"], form.cleaned_data["rule"],
                by=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            attach_errors(exc, form)
        else:
            messages.success(request, _("Link of %(code)s saved.") % {"code": indicator.code})
            return redirect("local_indicator_new", plan.key)
    return render(request, "plans/local_link.html",
                  {"plan": plan, "indicator": indicator, "link": link, "form": form})  # fmt: skip
