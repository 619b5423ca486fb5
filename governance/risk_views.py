"""The risk register's pages: a plan's register with its heat map, a risk
with the history of its scores, and the TMU's forms. The register is
internal (anyone with an account reads it; the TMU changes it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from actors.models import Institution
from actors.permissions import may
from governance import risks as actions
from governance.models import Risk, RiskCategory, RiskStatus
from governance.tables import heat_map_table, review_table, risk_table
from nap1325.tables import download
from plans.models import Plan
from plans.views import get_plan
from publishing.charts import column_chart
from reporting.views import attempt

DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _scale(labels: dict[int, Any]) -> list[tuple[int, str]]:
    return [(n, f"{n} — {label}") for n, label in labels.items()]


class ScoresMixin(forms.Form):
    likelihood = forms.TypedChoiceField(
        label=gettext_lazy("Likelihood"), coerce=int, choices=_scale(actions.LIKELIHOOD_LABELS)
    )
    impact = forms.TypedChoiceField(
        label=gettext_lazy("Impact"), coerce=int, choices=_scale(actions.IMPACT_LABELS)
    )
    reviewed_on = forms.DateField(
        label=gettext_lazy("Scores assessed on"),
        required=False,
        widget=DATE_INPUT,
        help_text=gettext_lazy("Today when empty; never in the future."),
    )
    note = forms.CharField(
        label=gettext_lazy("Review note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RiskForm(ScoresMixin):
    description_fr = forms.CharField(
        label=gettext_lazy("Description (French)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description_en = forms.CharField(
        label=gettext_lazy("Description (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=RiskCategory.choices)
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"), queryset=Institution.objects.none(), required=False
    )
    mitigation_fr = forms.CharField(
        label=gettext_lazy("Mitigation (French)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    mitigation_en = forms.CharField(
        label=gettext_lazy("Mitigation (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_review = forms.DateField(
        label=gettext_lazy("Next review"), required=False, widget=DATE_INPUT
    )

    field_order = [
        "description_fr", "description_en", "category", "likelihood", "impact", "owner",
        "mitigation_fr", "mitigation_en", "next_review", "reviewed_on", "note",
    ]  # fmt: skip

    def __init__(self, plan: Plan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Institution.objects.filter(country=plan.country)  # type: ignore[attr-defined]

    @staticmethod
    def initial_from(risk: Risk) -> dict[str, Any]:
        names = ["description_fr", "description_en", "category", "likelihood", "impact"]
        names += ["owner", "mitigation_fr", "mitigation_en", "next_review"]
        return {name: getattr(risk, name) for name in names}

    def to_input(self) -> actions.RiskInput:
        return actions.RiskInput(**self.cleaned_data)


class ReviewForm(ScoresMixin):
    next_review = forms.DateField(
        label=gettext_lazy("Next review"), required=False, widget=DATE_INPUT
    )


def _require_private(request: HttpRequest) -> None:
    if not may(request.user, "read_private"):
        raise PermissionDenied


def _require_manage(request: HttpRequest) -> None:
    if not actions.can_manage_risks(request.user):
        raise PermissionDenied


def get_risk(uuid: str) -> Risk:
    return get_object_or_404(Risk.objects.select_related("plan", "owner"), uuid=uuid)


def _by_score(risks: QuerySet[Risk]) -> QuerySet[Risk]:
    return risks.annotate(score_value=F("likelihood") * F("impact")).order_by(
        "-score_value", "-impact", "-likelihood", "pk"
    )


def _choice(request: HttpRequest, name: str, allowed: list[str], default: str = "") -> str:
    value = request.GET.get(name, default)
    return value if value in allowed else default


@login_required
def risk_register(request: HttpRequest, key: str) -> HttpResponse:
    """The plan's risks by score, filtered by category and status, with the heat map."""
    _require_private(request)
    plan = get_plan(key)
    category = _choice(request, "category", RiskCategory.values)
    status = _choice(request, "status", [*RiskStatus.values, "all"], RiskStatus.OPEN)
    scale = [str(n) for n in range(actions.LOWEST, actions.HIGHEST + 1)]
    likelihood = _choice(request, "likelihood", scale)
    impact = _choice(request, "impact", scale)
    risks = plan.risks.select_related("owner")
    if category:
        risks = risks.filter(category=category)
    if status != "all":
        risks = risks.filter(status=status)
    mapped = actions.heat_map(actions.count_by_cell(risks))
    if likelihood and impact:
        risks = risks.filter(likelihood=int(likelihood), impact=int(impact))
    ordered = list(_by_score(risks))
    rows = [(risk, *actions.level_of(risk.score)) for risk in ordered]
    tables = [heat_map_table(mapped), risk_table(ordered)]
    meta = {"plan": plan.key, "category": category or None, "status": status}
    if answer := download(request, tables, f"{plan.key}-risks", meta):
        return answer
    return render(
        request,
        "governance/risks/register.html",
        {
            "plan": plan,
            "rows": rows,
            "heat_map": mapped,
            "tables": {table.key: table for table in tables},
            "impacts": list(actions.IMPACT_LABELS.items()),
            "likelihoods": actions.LIKELIHOOD_LABELS,
            "levels": [(key, label) for _top, key, label in actions.LEVELS],
            "categories": RiskCategory.choices,
            "statuses": [*RiskStatus.choices, ("all", _("All"))],
            "category": category,
            "status": status,
            "cell": (int(likelihood), int(impact)) if likelihood and impact else None,
            "can_manage": actions.can_manage_risks(request.user),
        },
    )


def _history_chart(risk: Risk, reviews: list[Any]) -> str:
    return column_chart(
        [(_("Score"), [Decimal(r.likelihood * r.impact) for r in reviews])],
        title=_("Score at each review (likelihood × impact)"),
        categories=[date_format(r.reviewed_on, "SHORT_DATE_FORMAT") for r in reviews],
        max_value=Decimal(25),
        empty_label=_("No review yet."),
    )


@login_required
def risk_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    _require_private(request)
    risk = get_risk(uuid)
    reviews = list(risk.reviews.select_related("by").order_by("reviewed_on", "pk"))
    table = review_table(reviews)
    meta = {"plan": risk.plan.key, "risk": str(risk.uuid)}
    if answer := download(request, [table], f"risk-{risk.uuid.hex[:8]}-reviews", meta):
        return answer
    return render(
        request,
        "governance/risks/detail.html",
        {
            "plan": risk.plan,
            "risk": risk,
            "level": actions.level_of(risk.score),
            "reviews": [(r, r.likelihood * r.impact) for r in reviews],
            "chart": _history_chart(risk, reviews),
            "table": table,
            "can_manage": actions.can_manage_risks(request.user),
        },
    )


@login_required
def risk_edit(request: HttpRequest, key: str = "", uuid: str = "") -> HttpResponse:
    """Add a risk to a plan (`key`) or change one (`uuid`)."""
    _require_manage(request)
    risk = get_risk(uuid) if uuid else None
    plan = risk.plan if risk is not None else get_plan(key)
    initial = RiskForm.initial_from(risk) if risk is not None else {}
    form = RiskForm(plan, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_risk(plan, form.to_input(), by=request.user, risk=risk)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Risk saved."))
            return redirect("risk", saved.uuid)
    return render(request, "governance/risks/form.html", {"plan": plan, "risk": risk, "form": form})


@login_required
def risk_review(request: HttpRequest, uuid: str) -> HttpResponse:
    _require_manage(request)
    risk = get_risk(uuid)
    initial = {"likelihood": risk.likelihood, "impact": risk.impact}
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.review_risk(risk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("risk", risk.uuid)
    return render(
        request, "governance/risks/review.html", {"plan": risk.plan, "risk": risk, "form": form}
    )


def _status_view(request: HttpRequest, uuid: str, close: bool) -> HttpResponse:
    _require_manage(request)
    risk = get_risk(uuid)
    if close:
        attempt(request, lambda: actions.close_risk(risk, by=request.user), _("Risk closed."))
    else:
        attempt(request, lambda: actions.reopen_risk(risk, by=request.user), _("Risk reopened."))
    return redirect("risk", risk.uuid)


@require_POST
@login_required
def risk_close(request: HttpRequest, uuid: str) -> HttpResponse:
    return _status_view(request, uuid, close=True)


@require_POST
@login_required
def risk_reopen(request: HttpRequest, uuid: str) -> HttpResponse:
    return _status_view(request, uuid, close=False)
