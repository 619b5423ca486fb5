"""Forms of the operational plan: an activity with its schedule, and its
budget lines. They only read input; the actions validate and write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import Institution
from operations.actions import (
    MAX_LINE_AMOUNT,
    MAX_QUANTITY,
    MAX_UNIT_COST,
    ActivityInput,
    BudgetLineInput,
)
from operations.models import ActivityStatus, ActivityVersion, FundingSource, MoneyStage
from operations.schedule import parse_quarter, plan_quarters, quarter_label
from places.models import Place
from plans.models import FrameworkElement, Plan


class ActivityForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    title_fr = forms.CharField(label=_("Title (French)"), widget=forms.Textarea(attrs={"rows": 2}))
    title_en = forms.CharField(label=_("Title (English)"), widget=forms.Textarea(attrs={"rows": 2}))
    description_fr = forms.CharField(
        label=_("Description (French)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deliverable_fr = forms.CharField(label=_("Expected deliverable (French)"), required=False)
    deliverable_en = forms.CharField(label=_("Expected deliverable (English)"), required=False)
    elements = forms.ModelMultipleChoiceField(
        label=_("Contributes to"), queryset=FrameworkElement.objects.none(), required=False
    )
    lead = forms.ModelChoiceField(label=_("Lead institution"), queryset=Institution.objects.none())
    monitor = forms.ModelChoiceField(
        label=_("Monitoring institution"),
        queryset=Institution.objects.none(),
        help_text=_("Another institution than the lead."),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"), queryset=Institution.objects.none(), required=False
    )
    places = forms.ModelMultipleChoiceField(
        label=_("Places"), queryset=Place.objects.none(), required=False
    )
    quarters = forms.MultipleChoiceField(
        label=_("Scheduled quarters"), required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, initial=0)

    def __init__(self, plan: Plan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        elements = plan.elements.select_related("level").order_by("sort_path")
        self.fields["elements"].queryset = elements  # type: ignore[attr-defined]
        self.fields["elements"].label_from_instance = _element_label  # type: ignore[attr-defined]
        institutions = Institution.objects.filter(country=plan.country)
        for name in ("lead", "monitor", "partners"):
            self.fields[name].queryset = institutions  # type: ignore[attr-defined]
        self.fields["places"].queryset = Place.objects.filter(country=plan.country)  # type: ignore[attr-defined]
        self.fields["quarters"].choices = [  # type: ignore[attr-defined]
            (quarter_label(y, q), quarter_label(y, q))
            for y, q in plan_quarters(plan.start_year, plan.end_year)
        ]

    @classmethod
    def initial_from(cls, version: ActivityVersion) -> dict[str, Any]:
        return {
            "code": version.code,
            "title_fr": version.title_fr,
            "title_en": version.title_en,
            "description_fr": version.description_fr,
            "description_en": version.description_en,
            "deliverable_fr": version.deliverable_fr,
            "deliverable_en": version.deliverable_en,
            "elements": list(version.elements.all()),
            "lead": version.lead,
            "monitor": version.monitor,
            "partners": list(version.partners.all()),
            "places": list(version.places.all()),
            "quarters": [quarter_label(q.year, q.quarter) for q in version.schedule.all()],
            "status": version.status,
            "progress": version.progress,
        }

    def to_input(self, budget_lines: list[BudgetLineInput]) -> ActivityInput:
        data = self.cleaned_data
        quarters = [parse_quarter(text) for text in data["quarters"]]
        return ActivityInput(
            code=data["code"],
            title_fr=data["title_fr"],
            title_en=data["title_en"],
            description_fr=data["description_fr"],
            description_en=data["description_en"],
            deliverable_fr=data["deliverable_fr"],
            deliverable_en=data["deliverable_en"],
            elements=list(data["elements"]),
            lead=data["lead"],
            monitor=data["monitor"],
            partners=list(data["partners"]),
            places=list(data["places"]),
            quarters=[q for q in quarters if q is not None],
            status=data["status"],
            progress=data["progress"],
            budget_lines=budget_lines,
        )


def _element_label(element: FrameworkElement) -> str:
    indent = "· " * element.sort_path.count(".")
    code = element.code or element.level.name
    return f"{indent}{code} {element.title}"[:120]


class BudgetLineForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    source = forms.ModelChoiceField(label=_("Source"), queryset=FundingSource.objects.none())
    label = forms.CharField(label=_("Item"), required=False, max_length=300)
    unit = forms.CharField(label=_("Unit"), required=False, max_length=60)
    unit_cost = forms.IntegerField(label=_("Unit cost (XOF)"), min_value=0, max_value=MAX_UNIT_COST)
    quantity = forms.DecimalField(
        label=_("Quantity"),
        min_value=Decimal(0),
        max_value=MAX_QUANTITY,
        max_digits=14,
        decimal_places=2,
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in plan.years]  # type: ignore[attr-defined]
        self.fields["source"].queryset = plan.funding_sources.all()  # type: ignore[attr-defined]

    def to_input(self) -> BudgetLineInput:
        data = self.cleaned_data
        return BudgetLineInput(
            year=data["year"],
            source=data["source"],
            unit_cost=data["unit_cost"],
            quantity=data["quantity"],
            label=data["label"],
            unit=data["unit"],
        )


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, extra=3, can_delete=True)


def budget_initial(version: ActivityVersion) -> list[dict[str, Any]]:
    return [
        {
            "year": line.year,
            "source": line.source,
            "label": line.label,
            "unit": line.unit,
            "unit_cost": line.unit_cost,
            "quantity": line.quantity,
        }
        for line in version.budget_lines.all()
    ]


class FundingForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=MoneyStage.choices)
    year = forms.TypedChoiceField(label=_("Budget year"), coerce=int)
    source = forms.ModelChoiceField(label=_("Source"), queryset=FundingSource.objects.none())
    amount = forms.IntegerField(label=_("Amount (XOF)"), min_value=1, max_value=MAX_LINE_AMOUNT)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    institution = forms.ModelChoiceField(
        label=_("By"), queryset=Institution.objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, plan: Plan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in plan.years]  # type: ignore[attr-defined]
        self.fields["source"].queryset = plan.funding_sources.all()  # type: ignore[attr-defined]
        self.fields["institution"].queryset = Institution.objects.filter(  # type: ignore[attr-defined]
            country=plan.country
        )
