"""What the API accepts to write, and its translation into the plain data
the site's action functions take (reporting.entries, operations.actions).
Every reference in a body is a stable identifier (a uuid, a key, a code);
one that does not belong where it is sent is refused at its place in the
body ("values.2.cell"), before any action runs. DRF's text fields refuse
NUL characters, which no database text may hold."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from actors.models import Institution
from operations.actions import ActivityInput, BudgetLineInput
from operations.models import ActivityStatus, OperationalPlan
from places.models import Place
from reporting import entries
from reporting.content import Expected
from reporting.entries import NARRATIVE_FIELDS, ReportInput, SpendingInput, ValueInput, field_name


def a_text(max_length: int | None = None) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, default="", max_length=max_length, trim_whitespace=False
    )


def number() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=20, decimal_places=4, required=False, allow_null=True, default=None
    )


class RevisionSerializer(serializers.Serializer[Any]):
    """The report's revision as the caller last read it: the change is
    refused (409) when someone changed the report since. Optional."""

    revision = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0)


class ReasonSerializer(RevisionSerializer):
    reason = serializers.CharField(max_length=2000)


class FigureInSerializer(serializers.Serializer[Any]):
    indicator = serializers.UUIDField()
    cell = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    value = number()
    numerator = number()
    denominator = number()
    text = a_text(4000)
    no_data = serializers.BooleanField(required=False, default=False)
    comment = a_text(2000)


class ActivityReportInSerializer(serializers.Serializer[Any]):
    activity = serializers.UUIDField()
    status = serializers.ChoiceField(
        choices=[("", ""), *ActivityStatus.choices], required=False, default=""
    )
    progress = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=100
    )
    comment = a_text(2000)


class SpendingInSerializer(serializers.Serializer[Any]):
    budget_line = serializers.UUIDField()
    amount = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=10**15
    )
    no_data = serializers.BooleanField(required=False, default=False)
    comment = a_text(2000)


class NarrativeSerializer(serializers.Serializer[Any]):
    achievements = a_text()
    difficulties = a_text()
    lessons = a_text()
    recommendations = a_text()


class ReportInSerializer(RevisionSerializer):
    """Part of a report: what is absent stays as it is."""

    values = FigureInSerializer(many=True, required=False, default=list)
    activities = ActivityReportInSerializer(many=True, required=False, default=list)
    spending = SpendingInSerializer(many=True, required=False, default=list)
    narrative = NarrativeSerializer(required=False)
    reason = a_text(2000)


def report_input(data: dict[str, Any], content: Expected) -> tuple[ReportInput, dict[str, str]]:
    """The report the validated body describes, and where in the body each
    figure's inputs are (entries.field_name → "values.3.value"), so that the
    rules' findings point into the request."""
    indicators = {row.indicator.uuid: row for row in content.indicators}
    activities = {a.version.activity.uuid: a.version.activity_id for a in content.activities}  # type: ignore[attr-defined]
    lines = {line.uuid: line.pk for line in content.budget_lines}
    errors: dict[str, list[str]] = {}
    report = ReportInput()
    places: dict[str, str] = {}
    for index, item in enumerate(data.get("values", [])):
        row = indicators.get(item["indicator"])
        if row is None:
            errors[f"values.{index}.indicator"] = [
                _("This report does not ask for this indicator.")
            ]
            continue
        if item["cell"] not in {cell.key for cell in row.cells}:
            errors[f"values.{index}.cell"] = [
                _("The indicator has no cell “%(cell)s”.") % {"cell": item["cell"]}
            ]
            continue
        key = (row.indicator.pk, item["cell"])
        if key in report.values:
            errors[f"values.{index}"] = [_("This figure is given twice.")]
            continue
        report.values[key] = ValueInput(
            **{name: item[name] for name in vars(ValueInput()) if name in item}
        )
        for part in ("value", "numerator", "denominator", "text", "comment"):
            places[field_name(row.indicator.pk, item["cell"], part)] = f"values.{index}.{part}"
    for index, item in enumerate(data.get("activities", [])):
        activity = activities.get(item["activity"])
        if activity is None:
            errors[f"activities.{index}.activity"] = [
                _("This report does not ask for this activity.")
            ]
            continue
        report.activities[activity] = entries.ActivityInput(
            item["status"], item["progress"], item["comment"]
        )
    for index, item in enumerate(data.get("spending", [])):
        line = lines.get(item["budget_line"])
        if line is None:
            errors[f"spending.{index}.budget_line"] = [
                _("This report does not ask for this budget line.")
            ]
            continue
        report.spending[line] = SpendingInput(item["amount"], item["no_data"], item["comment"])
    narrative = data.get("narrative") or {}
    report.narrative = {name: narrative[name] for name in NARRATIVE_FIELDS if name in narrative}
    if errors:
        raise serializers.ValidationError(errors)
    return report, places


class BudgetLineInSerializer(serializers.Serializer[Any]):
    year = serializers.IntegerField(min_value=1900, max_value=2200)
    source = serializers.CharField(max_length=60)  # type: ignore[assignment]  # Field.source
    unit_cost = serializers.IntegerField(min_value=0)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    label = a_text(300)  # type: ignore[assignment]  # named like Field.label
    unit = a_text(60)


class ActivityInSerializer(serializers.Serializer[Any]):
    """An activity of a draft version of a plan's operational plan."""

    plan = serializers.CharField(max_length=60)
    version = serializers.IntegerField(min_value=1, help_text="A draft version's number.")
    code = serializers.CharField(max_length=30)
    title_fr = a_text()
    title_en = a_text()
    description_fr = a_text()
    description_en = a_text()
    deliverable_fr = a_text()
    deliverable_en = a_text()
    lead = serializers.UUIDField(allow_null=True)
    monitor = serializers.UUIDField(allow_null=True)
    elements = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    partners = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    places = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        default=list,
    )
    quarters = serializers.ListField(
        child=serializers.RegexField(r"^\d{4}-Q[1-4]$"),
        required=False,
        default=list,
        help_text='Quarters in which the activity runs, e.g. "2024-Q1".',
    )
    status = serializers.ChoiceField(choices=ActivityStatus.choices, default=ActivityStatus.PLANNED)
    progress = serializers.IntegerField(min_value=0, max_value=100, default=0)
    unplanned = serializers.BooleanField(default=False)
    budget_lines = BudgetLineInSerializer(many=True, required=False, default=list)


def activity_input(data: dict[str, Any], version: OperationalPlan) -> ActivityInput:
    """The activity the validated body describes; unknown references are
    refused at their place in the body."""
    plan = version.plan
    errors: dict[str, list[str]] = {}
    institutions = {
        i.uuid: i
        for i in Institution.objects.filter(
            uuid__in=[data["lead"], data["monitor"], *data["partners"]]
        )
    }
    elements = {e.uuid: e for e in plan.elements.filter(uuid__in=data["elements"])}
    places = {
        p.code: p for p in Place.objects.filter(country=plan.country, code__in=data["places"])
    }
    sources = {s.key: s for s in version.plan.funding_sources.all()}

    def one(name: str, found: dict[Any, Any], key: Any, message: str) -> Any:
        if key is None:
            return None
        if key not in found:
            errors.setdefault(name, []).append(message % {"key": key})
        return found.get(key)

    unknown_institution = _("No institution %(key)s.")
    lead = one("lead", institutions, data["lead"], unknown_institution)
    monitor = one("monitor", institutions, data["monitor"], unknown_institution)
    partners = [one("partners", institutions, key, unknown_institution) for key in data["partners"]]
    unknown_element = _("No element %(key)s in this plan.")
    chosen = [one("elements", elements, key, unknown_element) for key in data["elements"]]
    unknown_place = _("No place %(key)s in this country.")
    where = [one("places", places, key, unknown_place) for key in data["places"]]
    lines = []
    for index, line in enumerate(data["budget_lines"]):
        source = one(f"budget_lines.{index}.source", sources, line["source"],
                     _("No funding source %(key)s in this plan."))  # fmt: skip
        if source is not None:
            lines.append(BudgetLineInput(**{**line, "source": source}))
    if errors:
        raise serializers.ValidationError(errors)
    fields = ("code", "title_fr", "title_en", "description_fr", "description_en",
              "deliverable_fr", "deliverable_en", "status", "progress", "unplanned")  # fmt: skip
    return ActivityInput(
        **{name: data[name] for name in fields},
        lead=lead,
        monitor=monitor,
        partners=partners,
        elements=chosen,
        places=where,
        quarters=[(int(q[:4]), int(q[-1])) for q in data["quarters"]],
        budget_lines=lines,
    )


class ProgressInSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=ActivityStatus.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)


class ObservationInSerializer(serializers.Serializer[Any]):
    """A figure of the representation observatory: see governance.observatory."""

    body = serializers.UUIDField()
    observed_on = serializers.DateField()
    precision = serializers.ChoiceField(choices=["day", "month", "year"], default="day")
    election = a_text(100)
    women = serializers.IntegerField(min_value=0, allow_null=True, default=None)
    men = serializers.IntegerField(min_value=0, allow_null=True, default=None)
    total = serializers.IntegerField(min_value=0, allow_null=True, default=None)
    published_share = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, default=None
    )
    source_document = a_text(60)
    source_title = a_text(300)
    quote = a_text()
    location = a_text(300)
    note = a_text()
