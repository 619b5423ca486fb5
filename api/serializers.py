"""What the API shows of each object. Every object is named by a stable
identifier (a plan by its key, everything else by its uuid), texts come in
both languages (`title_fr`, `title_en`), and relations are given by the
related object's identifier, never a database number."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors.models import Institution, ReportingUnit
from governance.models import Observation, SeatBody
from operations.models import ActivityVersion, BudgetLine
from places.models import Place
from plans.models import FrameworkElement, Indicator, Plan
from reporting.models import ActivityReport, IndicatorValue, ReportingPeriod, Spending, Submission


def ref(slug_field: str) -> serializers.SlugRelatedField[Any]:
    """A related object by its identifier (its uuid, key or code), or null."""
    return serializers.SlugRelatedField(slug_field=slug_field, read_only=True, allow_null=True)


def refs(slug_field: str) -> serializers.ManyRelatedField:
    field: Any = serializers.SlugRelatedField(slug_field=slug_field, many=True, read_only=True)
    return cast(serializers.ManyRelatedField, field)


class PlanSerializer(serializers.ModelSerializer[Plan]):
    parent = ref("key")  # type: ignore[assignment]  # named like Field.parent
    place = ref("code")

    class Meta:
        model = Plan
        fields = [
            "key", "uuid", "country", "scope", "parent", "place", "title_fr", "title_en",
            "description_fr", "description_en", "start_year", "end_year", "version", "status",
        ]  # fmt: skip


class ElementSerializer(serializers.ModelSerializer[FrameworkElement]):
    plan = ref("key")
    parent = ref("uuid")  # type: ignore[assignment]  # named like Field.parent
    level = ref("key")
    national = ref("uuid")

    class Meta:
        model = FrameworkElement
        fields = [
            "uuid", "plan", "key", "code", "level", "parent", "national", "position",
            "title_fr", "title_en", "description_fr", "description_en",
        ]  # fmt: skip


class LinkSerializer(serializers.Serializer[Any]):
    national = serializers.UUIDField(source="national.uuid")
    rule = serializers.CharField()


class IndicatorSerializer(serializers.ModelSerializer[Indicator]):
    plan = ref("key")
    element = ref("uuid")
    disaggregations = serializers.SerializerMethodField()
    responsible = refs("uuid")
    link = LinkSerializer(source="rolls_up", read_only=True, allow_null=True)

    class Meta:
        model = Indicator
        fields = [
            "uuid", "plan", "key", "code", "element", "title_fr", "title_en",
            "definition_fr", "definition_en", "type", "unit_fr", "unit_en", "numerator_fr",
            "numerator_en", "denominator_fr", "denominator_en", "direction", "accumulation",
            "frequency", "baseline_value", "baseline_year", "end_target", "sensitive",
            "disaggregations", "responsible", "link",
        ]  # fmt: skip

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_disaggregations(self, indicator: Indicator) -> list[str]:
        return [d.key for d in indicator.dimensions.all()]


class InstitutionSerializer(serializers.ModelSerializer[Institution]):
    class Meta:
        model = Institution
        fields = ["uuid", "country", "key", "acronym", "kind", "name_fr", "name_en", "website"]


class PlaceSerializer(serializers.ModelSerializer[Place]):
    parent = ref("code")  # type: ignore[assignment]  # named like Field.parent

    class Meta:
        model = Place
        fields = [
            "uuid", "country", "code", "level", "name_fr", "name_en", "parent", "valid_from",
            "valid_until", "source",
        ]  # fmt: skip


class UnitSerializer(serializers.ModelSerializer[ReportingUnit]):
    institution = ref("uuid")
    place = ref("code")

    class Meta:
        model = ReportingUnit
        fields = ["uuid", "institution", "place", "active"]


class PeriodSerializer(serializers.ModelSerializer[ReportingPeriod]):
    plan = ref("key")

    class Meta:
        model = ReportingPeriod
        fields = [
            "uuid", "plan", "kind", "year", "quarter", "opens_on", "deadline", "status",
            "demonstration",
        ]  # fmt: skip


class ValueSerializer(serializers.ModelSerializer[IndicatorValue]):
    indicator = ref("uuid")

    class Meta:
        model = IndicatorValue
        fields = [
            "uuid", "indicator", "cell", "value", "numerator", "denominator", "text", "no_data",
            "comment", "updated_at",
        ]  # fmt: skip


class ActivityReportSerializer(serializers.ModelSerializer[ActivityReport]):
    activity = ref("uuid")

    class Meta:
        model = ActivityReport
        fields = ["activity", "status", "progress", "comment"]


class SpendingSerializer(serializers.ModelSerializer[Spending]):
    budget_line = ref("uuid")

    class Meta:
        model = Spending
        fields = ["budget_line", "amount", "no_data", "comment"]


class SubmissionSerializer(serializers.ModelSerializer[Submission]):
    period = ref("uuid")
    unit = UnitSerializer(read_only=True)
    values = ValueSerializer(many=True, read_only=True)
    activities = ActivityReportSerializer(source="activity_reports", many=True, read_only=True)
    spending = SpendingSerializer(many=True, read_only=True)

    class Meta:
        model = Submission
        fields = [
            "uuid", "period", "unit", "status", "revision", "submitted_at", "validated_at",
            "return_reason", "achievements", "difficulties", "lessons", "recommendations",
            "values", "activities", "spending",
        ]  # fmt: skip


class BudgetLineSerializer(serializers.ModelSerializer[BudgetLine]):
    source = ref("key")  # type: ignore[assignment]  # a field named like Field.source

    class Meta:
        model = BudgetLine
        fields = ["uuid", "year", "source", "label", "unit", "unit_cost", "quantity", "amount"]


class ActivitySerializer(serializers.ModelSerializer[ActivityVersion]):
    """An activity as the operational plan's version in force describes it."""

    uuid = serializers.UUIDField(source="activity.uuid", read_only=True)
    plan = serializers.CharField(source="operational_plan.plan.key", read_only=True)
    version = serializers.IntegerField(source="operational_plan.number", read_only=True)
    lead = ref("uuid")
    monitor = ref("uuid")
    elements = refs("uuid")
    places = refs("code")
    quarters = serializers.SerializerMethodField()
    budget_lines = BudgetLineSerializer(many=True, read_only=True)

    class Meta:
        model = ActivityVersion
        fields = [
            "uuid", "plan", "version", "code", "title_fr", "title_en", "description_fr",
            "description_en", "deliverable_fr", "deliverable_en", "lead", "monitor", "elements",
            "places", "quarters", "status", "progress", "unplanned", "budget_lines",
        ]  # fmt: skip

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_quarters(self, version: ActivityVersion) -> list[str]:
        return [f"{q.year}-Q{q.quarter}" for q in version.schedule.all()]


class SeatBodySerializer(serializers.ModelSerializer[SeatBody]):
    place = ref("code")
    quota = ref("key")

    class Meta:
        model = SeatBody
        fields = ["uuid", "country", "key", "kind", "name_fr", "name_en", "place", "quota"]


class ObservationSerializer(serializers.ModelSerializer[Observation]):
    body = ref("uuid")

    class Meta:
        model = Observation
        fields = [
            "uuid", "body", "observed_on", "precision", "election", "women", "men", "total",
            "published_share", "source_title", "quote", "location", "note",
        ]  # fmt: skip


def _number() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=24, decimal_places=4, allow_null=True)


class FigureSerializer(serializers.Serializer[Any]):
    """One indicator's figure for the period, as the dashboard shows it."""

    indicator = serializers.UUIDField()
    key = serializers.CharField()
    code = serializers.CharField()
    type = serializers.CharField()
    target = _number()
    value = _number()
    numerator = _number()
    denominator = _number()
    percent_of_target = _number()
    band = serializers.CharField()
    suppressed = serializers.BooleanField()
    units_reporting = serializers.IntegerField()
    units_expected = serializers.IntegerField()
    regions = serializers.DictField(child=_number())


class FiguresSerializer(serializers.Serializer[Any]):
    plan = serializers.CharField()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField(allow_null=True)
    public = serializers.BooleanField()
    figures = FigureSerializer(many=True)


class FindingSerializer(serializers.Serializer[Any]):
    """What a validation rule says of a figure: `field` points into the
    request when the figure was sent in it, else it is null."""

    field = serializers.CharField(allow_null=True)
    indicator = serializers.UUIDField()
    cell = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()
    blocking = serializers.BooleanField()


class SavedReportSerializer(serializers.Serializer[Any]):
    changes = serializers.IntegerField(help_text="Figures and lines that changed (audited).")
    findings = FindingSerializer(many=True)
    submission = SubmissionSerializer()
