from django.contrib import admin
from django.http import HttpRequest

from plans.models import (
    AnchorPoint,
    Dimension,
    DimensionCategory,
    FrameworkElement,
    Indicator,
    IndicatorDisaggregation,
    IndicatorResponsibility,
    IndicatorTarget,
    LevelType,
    Plan,
    PlanLoad,
    PlanSource,
    ScaleLevel,
)


class PlanSourceInline(admin.TabularInline[PlanSource, Plan]):
    model = PlanSource
    extra = 0


class LevelTypeInline(admin.TabularInline[LevelType, Plan]):
    model = LevelType
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    list_display = ["key", "title_fr", "country", "start_year", "end_year", "version", "status"]
    list_filter = ["status", "country"]
    search_fields = ["key", "title_fr", "title_en"]
    readonly_fields = ["uuid", "loaded_at"]
    filter_horizontal = ["institutions"]
    inlines = [LevelTypeInline, PlanSourceInline]


@admin.register(FrameworkElement)
class FrameworkElementAdmin(admin.ModelAdmin[FrameworkElement]):
    list_display = ["code", "title_fr", "level", "plan", "key"]
    list_filter = ["plan", "level__key"]
    search_fields = ["code", "key", "title_fr", "title_en"]
    list_select_related = ["level", "plan"]
    raw_id_fields = ["parent"]
    readonly_fields = ["uuid", "sort_path"]


@admin.register(AnchorPoint)
class AnchorPointAdmin(admin.ModelAdmin[AnchorPoint]):
    list_display = ["title_fr", "title_en", "plan", "position"]
    list_filter = ["plan"]
    search_fields = ["key", "title_fr", "title_en"]
    readonly_fields = ["uuid"]


class CategoryInline(admin.TabularInline[DimensionCategory, Dimension]):
    model = DimensionCategory
    extra = 0


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin[Dimension]):
    list_display = ["key", "name_fr", "name_en", "kind", "plan"]
    list_filter = ["kind", "plan"]
    search_fields = ["key", "name_fr", "name_en"]
    inlines = [CategoryInline]


class ResponsibilityInline(admin.TabularInline[IndicatorResponsibility, Indicator]):
    model = IndicatorResponsibility
    extra = 0


class DisaggregationInline(admin.TabularInline[IndicatorDisaggregation, Indicator]):
    model = IndicatorDisaggregation
    extra = 0


class TargetInline(admin.TabularInline[IndicatorTarget, Indicator]):
    model = IndicatorTarget
    extra = 0


class ScaleInline(admin.TabularInline[ScaleLevel, Indicator]):
    model = ScaleLevel
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    list_display = ["key", "code", "title_fr", "type", "sensitive", "frequency", "plan"]
    list_filter = ["plan", "type", "sensitive", "frequency", "accumulation", "direction"]
    search_fields = ["key", "code", "title_fr", "title_en"]
    list_select_related = ["plan"]
    raw_id_fields = ["element", "anchor"]
    readonly_fields = ["uuid"]
    inlines = [ResponsibilityInline, DisaggregationInline, TargetInline, ScaleInline]


@admin.register(PlanLoad)
class PlanLoadAdmin(admin.ModelAdmin[PlanLoad]):
    """The history of loads is a record: it is read, never edited."""

    list_display = ["plan", "loaded_at", "loaded_by", "file_name"]
    list_filter = ["plan"]
    date_hierarchy = "loaded_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PlanLoad | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PlanLoad | None = None) -> bool:
        return False


admin.site.register(PlanSource)
admin.site.register(LevelType)
admin.site.register(DimensionCategory)
admin.site.register(IndicatorTarget)
admin.site.register(ScaleLevel)
