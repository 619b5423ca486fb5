"""The API (docs/api.md): the site's objects and figures for scripts, with
the site's rules. What the public may read on the site it may read here;
reporting periods need a role; a unit's reports are read by its own
reporters, readers and the TMU (`actors.permissions.may`, `units_for`).
Figures come from the dashboards' own function, with the same suppression
and the same published years for the public."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from actors.models import Institution
from actors.permissions import may, units_for
from api import inputs
from api import serializers as s
from governance.models import Observation, SeatBody
from governance.observatory import add_observation
from operations import actions as operations
from operations.models import Activity, ActivityVersion, OperationalPlan, VersionStatus
from places.models import Place
from plans.models import FrameworkElement, Indicator, Plan
from publishing import actions as publication
from publishing.figures import Reading, Scope, figures
from reporting import actions as reporting
from reporting.content import expected
from reporting.models import ActivityReport, IndicatorValue, ReportingPeriod, Spending, Submission


def query(name: str, description: str, kind: Any = OpenApiTypes.STR) -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=description)


PLAN = query("plan", "A plan's key: only its objects.")
PLAN_REQUIRED = query("plan", "A plan's key (required).")
COUNTRY = query("country", "ISO 3166-1 alpha-2 code, e.g. ML.")


def param(request: Request, name: str) -> str | None:
    """A query parameter's text, or None; refused when it holds a NUL
    character, which no database text may hold."""
    text = request.query_params.get(name)
    if text and "\x00" in text:
        raise ValidationError({name: [_("Null characters are not allowed.")]})
    return text or None


def a_uuid(request: Request, name: str) -> str | None:
    text = param(request, name)
    if text is None:
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise ValidationError({name: [_("A uuid.")]}) from None


def a_date(request: Request, name: str) -> date | None:
    text = param(request, name)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({name: [_("A date written YYYY-MM-DD.")]}) from None


def an_int(request: Request, name: str, low: int, high: int) -> int | None:
    text = param(request, name)
    if text is None:
        return None
    try:
        number = int(text)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise ValidationError(
            {name: [_("A whole number from %(low)d to %(high)d.") % {"low": low, "high": high}]}
        )
    return number


def a_plan(request: Request) -> Plan:
    """The plan the required `plan` parameter names."""
    key = param(request, "plan")
    if not key:
        raise ValidationError({"plan": [_("Give a plan's key.")]})
    plan = Plan.objects.filter(key=key).first()
    if plan is None:
        raise ValidationError({"plan": [_("No plan “%(key)s”.") % {"key": key}]})
    return plan


def by_params(queryset: QuerySet[Any], request: Request, **fields: str) -> QuerySet[Any]:
    """Filter by the query parameters given: parameter name → lookup."""
    for name, lookup in fields.items():
        value = param(request, name)
        if value:
            queryset = queryset.filter(**{lookup: value})
    return queryset


class ReadPrivate(permissions.BasePermission):
    """Any role: the anonymous and people without a role are refused."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return may(request.user, "read_private")


def writes_need(right: str) -> type[permissions.BasePermission]:
    """Reading is left to the other permissions; writing needs the site's
    `right` (actors.permissions), checked before the body is read. The
    action checks again, with the object, when it writes."""

    class MayWrite(permissions.BasePermission):
        def has_permission(self, request: Request, view: Any) -> bool:
            return request.method in permissions.SAFE_METHODS or may(request.user, right)

    return MayWrite


TMU_VALIDATES = writes_need("validate_reports")


@extend_schema_view(list=extend_schema(parameters=[COUNTRY, query("parent", "A plan's key.")]))
class PlanViewSet(viewsets.ReadOnlyModelViewSet[Plan]):
    """Plans: national plans and their regional and local plans."""

    serializer_class = s.PlanSerializer
    lookup_field = "key"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self) -> QuerySet[Plan]:
        plans = Plan.objects.select_related("parent", "place").order_by("key")
        return by_params(plans, self.request, country="country", parent="parent__key")


@extend_schema_view(list=extend_schema(parameters=[PLAN]))
class ElementViewSet(viewsets.ReadOnlyModelViewSet[FrameworkElement]):
    """The results framework: priorities, outcomes, outputs, in plan order."""

    serializer_class = s.ElementSerializer
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[FrameworkElement]:
        elements = FrameworkElement.objects.select_related(
            "plan", "parent", "level", "national"
        ).order_by("plan__key", "sort_path")
        return by_params(elements, self.request, plan="plan__key")


@extend_schema_view(list=extend_schema(parameters=[PLAN]))
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet[Indicator]):
    """Indicators, with their disaggregations, responsible institutions and,
    for a regional or local indicator, the national indicator it feeds."""

    serializer_class = s.IndicatorSerializer
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[Indicator]:
        indicators = (
            Indicator.objects.select_related("plan", "element", "rolls_up__national")
            .prefetch_related("dimensions", "responsible")
            .order_by("plan__key", "key")
        )
        return by_params(indicators, self.request, plan="plan__key")


@extend_schema_view(list=extend_schema(parameters=[COUNTRY]))
class InstitutionViewSet(viewsets.ReadOnlyModelViewSet[Institution]):
    """Ministries, regional committees, civil-society organisations, partners."""

    serializer_class = s.InstitutionSerializer
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[Institution]:
        institutions = Institution.objects.order_by("country", "key")
        return by_params(institutions, self.request, country="country")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            COUNTRY,
            query("level", "region, cercle, …"),
            query("valid_on", "Only the places open on this day (YYYY-MM-DD).", OpenApiTypes.DATE),
        ]
    )
)
class PlaceViewSet(viewsets.ReadOnlyModelViewSet[Place]):
    """Places with their dates: a code names one place for all time; a reform
    closes some and opens others (docs/places.md). Outlines are left out."""

    serializer_class = s.PlaceSerializer
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[Place]:
        places = Place.objects.select_related("parent").defer("geometry")
        day = a_date(self.request, "valid_on")
        if day:
            places = places.valid_on(day)
        return by_params(places.order_by("country", "code"), self.request, country="country",
                         level="level")  # fmt: skip


@extend_schema_view(
    list=extend_schema(parameters=[PLAN, query("year", "A year.", OpenApiTypes.INT)])
)
class PeriodViewSet(viewsets.ReadOnlyModelViewSet[ReportingPeriod]):
    """Reporting periods (quarters and years) and whether they are open."""

    serializer_class = s.PeriodSerializer
    lookup_field = "uuid"
    permission_classes = [ReadPrivate]

    def get_queryset(self) -> QuerySet[ReportingPeriod]:
        periods = ReportingPeriod.objects.select_related("plan").order_by(
            "plan__key", "year", "kind", "quarter"
        )
        an_int(self.request, "year", 1900, 2200)
        return by_params(periods, self.request, plan="plan__key", year="year")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            PLAN,
            query("period", "A period's uuid.", OpenApiTypes.UUID),
            query("status", "draft, submitted, returned or validated."),
        ]
    )
)
class SubmissionViewSet(viewsets.ReadOnlyModelViewSet[Submission]):
    """Reports with their values: a unit's own reporters read theirs, readers
    and the TMU read all. Writing goes through the site's own actions (the
    same checks, the same audit trail): `report` saves figures as a draft,
    then `submit`, `validate`, `return` and `reopen` move the report on."""

    serializer_class = s.SubmissionSerializer
    lookup_field = "uuid"
    permission_classes = [ReadPrivate]

    def get_queryset(self) -> QuerySet[Submission]:
        reports = (
            Submission.objects.select_related("period", "unit__institution", "unit__place")
            .prefetch_related(
                Prefetch("values", IndicatorValue.objects.select_related("indicator")),
                Prefetch("activity_reports", ActivityReport.objects.select_related("activity")),
                Prefetch("spending", Spending.objects.select_related("budget_line")),
            )
            .order_by("period__plan__key", "period__year", "period__quarter", "unit__uuid")
        )
        units = units_for(self.request.user, "read_report")
        if units is not None:
            reports = reports.filter(unit__in=units)
        period = a_uuid(self.request, "period")
        if period:
            reports = reports.filter(period__uuid=period)
        return by_params(reports, self.request, plan="period__plan__key", status="status")

    def fresh(self, submission: Submission) -> Submission:
        return self.get_queryset().get(pk=submission.pk)

    def shown(self, submission: Submission) -> dict[str, Any]:
        return dict(s.SubmissionSerializer(self.fresh(submission)).data)

    @extend_schema(
        request=inputs.ReportInSerializer,
        responses={200: s.SavedReportSerializer},
        summary="Save figures, activity progress, spending and narrative as a draft",
    )
    @action(detail=True, methods=["post"])
    def report(self, request: Request, uuid: str) -> Response:
        """Only what the body names changes. Refused by field when the report
        does not ask for it, 409 when `revision` is not the report's."""
        submission = self.get_object()
        reporting.require_reporter(submission, request.user)
        body = inputs.ReportInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        content = expected(submission)
        report, places = inputs.report_input(body.validated_data, content)
        saved = reporting.save_report(
            submission,
            report,
            by=request.user,
            revision=body.validated_data["revision"],
            reason=body.validated_data["reason"],
            content=content,
        )
        indicators = {row.indicator.pk: row.indicator.uuid for row in content.indicators}
        findings = []
        for finding in saved.findings:
            indicator, cell, _part = finding.field.split("~")
            findings.append(
                {
                    "field": places.get(finding.field),
                    "indicator": indicators[int(indicator.removeprefix("v"))],
                    "cell": cell,
                    "severity": finding.severity,
                    "message": finding.message,
                    "blocking": finding.blocking,
                }
            )
        result = {"changes": saved.changes, "findings": findings}
        return Response(
            s.SavedReportSerializer({**result, "submission": self.fresh(submission)}).data
        )

    def step(self, request: Request, move: Any, body: type[inputs.RevisionSerializer]) -> Response:
        """One step of the workflow: the body read, the site's action run."""
        submission = self.get_object()
        given = body(data=request.data)
        given.is_valid(raise_exception=True)
        move(submission, by=request.user, **given.validated_data)
        return Response(self.shown(submission))

    @extend_schema(request=inputs.RevisionSerializer, responses={200: s.SubmissionSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, uuid: str) -> Response:
        """Send the report to the TMU: refused with the rules' blocking findings."""
        return self.step(request, reporting.submit, inputs.RevisionSerializer)

    @extend_schema(request=inputs.RevisionSerializer, responses={200: s.SubmissionSerializer})
    @action(detail=True, methods=["post"], permission_classes=[ReadPrivate, TMU_VALIDATES])
    def validate(self, request: Request, uuid: str) -> Response:
        """The TMU accepts a submitted report (not one they submitted themselves)."""
        return self.step(request, reporting.validate, inputs.RevisionSerializer)

    @extend_schema(request=inputs.ReasonSerializer, responses={200: s.SubmissionSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="return",
        url_name="return",
        permission_classes=[ReadPrivate, TMU_VALIDATES],
    )
    def return_(self, request: Request, uuid: str) -> Response:
        """The TMU sends a submitted report back to its unit, saying why."""
        return self.step(request, reporting.return_for_revision, inputs.ReasonSerializer)

    @extend_schema(request=inputs.ReasonSerializer, responses={200: s.SubmissionSerializer})
    @action(detail=True, methods=["post"], permission_classes=[ReadPrivate, TMU_VALIDATES])
    def reopen(self, request: Request, uuid: str) -> Response:
        """The TMU reopens a validated report as a draft, saying why."""
        return self.step(request, reporting.reopen, inputs.ReasonSerializer)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            PLAN_REQUIRED,
            query(
                "year",
                "The year whose version in force is read; else the latest adopted.",
                OpenApiTypes.INT,
            ),
        ]
    )
)
class ActivityViewSet(viewsets.ModelViewSet[ActivityVersion]):
    """The activities of a plan's operational plan, as its adopted version
    describes them, with their schedule and budget lines. The TMU adds,
    changes and removes activities of a draft version, and records progress,
    through the site's own actions."""

    serializer_class = s.ActivitySerializer
    permission_classes = [writes_need("change_operational_plan")]
    http_method_names = ["get", "post", "put", "delete", "head", "options"]
    lookup_field = "activity__uuid"
    lookup_url_kwarg = "uuid"

    def version(self) -> OperationalPlan | None:
        from analytics.execution import version_in_force

        plan = a_plan(self.request)
        year = an_int(self.request, "year", plan.start_year, plan.end_year)
        if year is not None:
            return version_in_force(plan, year)
        return (
            OperationalPlan.objects.filter(plan=plan, status=VersionStatus.ADOPTED)
            .order_by("-number")
            .first()
        )

    @staticmethod
    def described() -> QuerySet[ActivityVersion]:
        return ActivityVersion.objects.select_related(
            "activity", "operational_plan__plan", "lead", "monitor"
        ).prefetch_related("elements", "places", "schedule", "budget_lines__source")

    def get_queryset(self) -> QuerySet[ActivityVersion]:
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return ActivityVersion.objects.none()
        activities = self.described()
        if self.action in ("retrieve", "progress"):  # by uuid, in its latest adopted version
            return activities.filter(operational_plan__status=VersionStatus.ADOPTED).order_by(
                "-operational_plan__number"
            )
        version = self.version()
        if version is None:
            return activities.none()
        return activities.filter(operational_plan=version).order_by("position", "code")

    def get_object(self) -> ActivityVersion:
        version = self.get_queryset().filter(activity__uuid=self.kwargs["uuid"]).first()
        if version is None:
            raise NotFound
        return version

    def draft(self, key: str | None, number: int | None) -> OperationalPlan:
        """The draft version a write names (body or query parameters)."""
        found = OperationalPlan.objects.filter(plan__key=key or "", number=number or 0).first()
        if found is None:
            raise ValidationError(
                {"version": [_("No such version of this plan's operational plan.")]}
            )
        return found

    def written(self, version: ActivityVersion) -> dict[str, Any]:
        return dict(s.ActivitySerializer(self.described().get(pk=version.pk)).data)

    @extend_schema(request=inputs.ActivityInSerializer, responses={201: s.ActivitySerializer})
    def create(self, request: Request) -> Response:
        """Add an activity to a draft version (the TMU)."""
        body = inputs.ActivityInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = self.draft(body.validated_data["plan"], body.validated_data["version"])
        data = inputs.activity_input(body.validated_data, version)
        saved = operations.save_activity(version, data, by=request.user)
        return Response(self.written(saved), status=status.HTTP_201_CREATED)

    @extend_schema(request=inputs.ActivityInSerializer, responses={200: s.ActivitySerializer})
    def update(self, request: Request, uuid: str) -> Response:
        """Change an activity in a draft version (the TMU): the whole activity is sent."""
        body = inputs.ActivityInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = self.draft(body.validated_data["plan"], body.validated_data["version"])
        activity = Activity.objects.filter(plan=version.plan, uuid=uuid).first()
        if activity is None or not version.activities.filter(activity=activity).exists():
            raise NotFound
        data = inputs.activity_input(body.validated_data, version)
        saved = operations.save_activity(version, data, by=request.user, activity=activity)
        return Response(self.written(saved))

    @extend_schema(
        parameters=[
            PLAN_REQUIRED,
            query("version", "The draft version's number (required).", OpenApiTypes.INT),
        ],
        responses={204: None},
    )
    def destroy(self, request: Request, uuid: str) -> Response:
        """Take an activity out of a draft version (the TMU); earlier versions keep it."""
        plan = a_plan(request)
        version = self.draft(plan.key, an_int(request, "version", 1, 10_000))
        activity = Activity.objects.filter(plan=plan, uuid=uuid).first()
        if activity is None or not version.activities.filter(activity=activity).exists():
            raise NotFound
        operations.remove_activity(version, activity, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=inputs.ProgressInSerializer, responses={200: s.ActivitySerializer})
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, uuid: str) -> Response:
        """Record an activity's status and progress in its latest adopted version."""
        version = self.get_object()
        body = inputs.ProgressInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        operations.record_progress(version, by=request.user, **body.validated_data)
        return Response(self.written(version))


@extend_schema_view(list=extend_schema(parameters=[COUNTRY]))
class SeatBodyViewSet(viewsets.ReadOnlyModelViewSet[SeatBody]):
    """The representation observatory's bodies (docs/observatory.md)."""

    serializer_class = s.SeatBodySerializer
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[SeatBody]:
        bodies = SeatBody.objects.select_related("place", "quota").order_by("country", "key")
        return by_params(bodies, self.request, country="country")


@extend_schema_view(
    list=extend_schema(parameters=[COUNTRY, query("body", "A body's uuid.", OpenApiTypes.UUID)])
)
class ObservationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet[Observation]):
    """Women and men counted in a body on a date, with their source. The
    TMU records new figures (the same checks and audit as the site's form)."""

    serializer_class = s.ObservationSerializer
    permission_classes = [writes_need("record_observations")]
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[Observation]:
        observations = Observation.objects.select_related("body").order_by(
            "body__country", "body__key", "observed_on"
        )
        body = a_uuid(self.request, "body")
        if body:
            observations = observations.filter(body__uuid=body)
        return by_params(observations, self.request, country="body__country")

    @extend_schema(request=inputs.ObservationInSerializer, responses={201: s.ObservationSerializer})
    def create(self, request: Request) -> Response:
        body = inputs.ObservationInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        seat_body = SeatBody.objects.filter(uuid=values.pop("body")).first()
        if seat_body is None:
            raise ValidationError({"body": [_("No such body.")]})
        observation = add_observation(seat_body, by=request.user, **values)
        return Response(s.ObservationSerializer(observation).data, status=status.HTTP_201_CREATED)


class FiguresView(APIView):
    """A plan's figures for a year or a quarter, as the dashboards show them:
    validated reports only, suppressed for the public where a sensitive
    indicator's count is small, and for the public only the years the TMU
    has published, whole years only."""

    @extend_schema(
        parameters=[
            PLAN_REQUIRED,
            query(
                "year",
                "The year (default: the dashboard's, last year if offered).",
                OpenApiTypes.INT,
            ),
            query("quarter", "1 to 4 (not for the public).", OpenApiTypes.INT),
        ],
        responses={200: s.FiguresSerializer},
    )
    def get(self, request: Request) -> Response:
        plan = a_plan(request)
        private = may(request.user, "read_private")
        years = publication.offered_years(plan, public=not private)
        year = an_int(request, "year", plan.start_year, plan.end_year)
        if year is None and years:
            year = publication.default_year(years)  # as the dashboard's
        if year is None or year not in years:
            raise ValidationError({"year": [_("This year's figures are not published.")]})
        quarter = an_int(request, "quarter", 1, 4)
        if quarter is not None and not private:
            raise ValidationError({"quarter": [_("The public reads whole years.")]})
        reading = Reading(year, quarter, public=not private)
        rows = figures(Scope(plan), reading)
        payload = s.FiguresSerializer(
            {
                "plan": plan.key,
                "year": year,
                "quarter": quarter,
                "public": not private,
                "figures": [
                    {
                        "indicator": row.indicator.uuid,
                        "key": row.indicator.key,
                        "code": row.indicator.code,
                        "type": row.indicator.type,
                        "target": row.progress.target,
                        "value": row.number,
                        "numerator": None if row.hidden else row.progress.actual.numerator,
                        "denominator": None if row.hidden else row.progress.actual.denominator,
                        "percent_of_target": row.percent,
                        "band": str(row.band),
                        "suppressed": row.hidden,
                        "units_reporting": row.progress.actual.reported,
                        "units_expected": row.progress.actual.expected,
                        "regions": {code: shown.value for code, shown in row.places.items()},
                    }
                    for row in rows
                ],
            }
        )
        return Response(payload.data)
