"""The API's read-only view of the alignment (docs/alignment.md): the global
indicator sets with their sources, their indicators, and the tags that say
which indicator of a plan reports on which global indicator. Public, like the
crosswalk page; written with the helpers of api.views."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from alignment.models import Alignment, GlobalIndicator, GlobalIndicatorSet
from api.serializers import ref
from api.views import PLAN, a_uuid, by_params, query

SET = query("set", "A set's key, e.g. sdg-wps.")


class GlobalIndicatorSetSerializer(serializers.ModelSerializer[GlobalIndicatorSet]):
    class Meta:
        model = GlobalIndicatorSet
        fields = [
            "key", "uuid", "title_fr", "title_en", "short_title_fr", "short_title_en",
            "document", "publisher", "year", "url", "licence_fr", "licence_en", "note_fr",
            "note_en",
        ]  # fmt: skip


class GlobalIndicatorSerializer(serializers.ModelSerializer[GlobalIndicator]):
    set = ref("key")

    class Meta:
        model = GlobalIndicator
        fields = [
            "uuid", "set", "code", "group_fr", "group_en", "title_fr", "title_en", "verified",
            "checked_against",
        ]  # fmt: skip


class AlignmentSerializer(serializers.ModelSerializer[Alignment]):
    plan = serializers.CharField(source="indicator.plan.key", read_only=True)
    indicator = ref("uuid")
    indicator_key = serializers.CharField(source="indicator.key", read_only=True)
    global_indicator = ref("uuid")
    set = serializers.CharField(source="global_indicator.set.key", read_only=True)
    code = serializers.CharField(source="global_indicator.code", read_only=True)

    class Meta:
        model = Alignment
        fields = [
            "uuid", "plan", "indicator", "indicator_key", "global_indicator", "set", "code",
            "note_fr", "note_en", "added_at",
        ]  # fmt: skip


class GlobalIndicatorSetViewSet(viewsets.ReadOnlyModelViewSet[GlobalIndicatorSet]):
    """Global indicator sets (SDG indicators, the Secretary-General's 1325
    indicators, a partner's framework), each with its source."""

    serializer_class = GlobalIndicatorSetSerializer
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[GlobalIndicatorSet]:
        return GlobalIndicatorSet.objects.order_by("position", "key")


@extend_schema_view(list=extend_schema(parameters=[SET]))
class GlobalIndicatorViewSet(viewsets.ReadOnlyModelViewSet[GlobalIndicator]):
    """Global indicators; `verified` says whether the wording was checked word
    for word against the set's source, `checked_against` against what."""

    serializer_class = GlobalIndicatorSerializer
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[GlobalIndicator]:
        indicators = GlobalIndicator.objects.select_related("set").order_by(
            "set__position", "set__key", "position"
        )
        return by_params(indicators, self.request, set="set__key")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            PLAN,
            SET,
            query("global_indicator", "A global indicator's uuid.", OpenApiTypes.UUID),
        ]
    )
)
class AlignmentViewSet(viewsets.ReadOnlyModelViewSet[Alignment]):
    """Tags: an indicator of a plan reports on a global indicator."""

    serializer_class = AlignmentSerializer
    lookup_field = "uuid"

    def get_queryset(self) -> QuerySet[Alignment]:
        tags: QuerySet[Alignment] = Alignment.objects.select_related(
            "indicator__plan", "global_indicator__set"
        ).order_by("indicator__plan__key", "indicator__key", "global_indicator__code")
        global_indicator = a_uuid(self.request, "global_indicator")
        if global_indicator:
            tags = tags.filter(global_indicator__uuid=global_indicator)
        return by_params(
            tags, self.request, plan="indicator__plan__key", set="global_indicator__set__key"
        )
