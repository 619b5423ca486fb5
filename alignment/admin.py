from django.contrib import admin

from alignment.models import Alignment, GlobalIndicator, GlobalIndicatorSet


@admin.register(GlobalIndicatorSet)
class GlobalIndicatorSetAdmin(admin.ModelAdmin[GlobalIndicatorSet]):
    list_display = ["key", "short_title_en", "document", "year", "loaded_at"]


@admin.register(GlobalIndicator)
class GlobalIndicatorAdmin(admin.ModelAdmin[GlobalIndicator]):
    list_display = ["set", "code", "title_en", "verified"]
    list_filter = ["set", "verified"]
    search_fields = ["code", "title_fr", "title_en"]


@admin.register(Alignment)
class AlignmentAdmin(admin.ModelAdmin[Alignment]):
    list_display = ["indicator", "global_indicator", "added_by", "added_at"]
    list_filter = ["global_indicator__set", "indicator__plan"]
    raw_id_fields = ["indicator", "global_indicator"]
