from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from operations.actions import set_exchange_rate
from operations.models import (
    ActivityVersion,
    BudgetLine,
    ExchangeRate,
    FundingRecord,
    FundingSource,
    OperationalPlan,
    ReportedCompletion,
)


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin[FundingSource]):
    list_display = ["name_fr", "name_en", "kind", "institution", "plan"]
    list_filter = ["plan", "kind"]
    search_fields = ["key", "name_fr", "name_en"]


@admin.register(OperationalPlan)
class OperationalPlanAdmin(admin.ModelAdmin[OperationalPlan]):
    """Versions are created and adopted through the site's actions."""

    list_display = ["plan", "number", "year", "status", "adopted_at"]
    list_filter = ["plan", "status"]
    readonly_fields = ["uuid", "status", "based_on", "adopted_at", "adopted_by"]


@admin.register(ActivityVersion)
class ActivityVersionAdmin(admin.ModelAdmin[ActivityVersion]):
    """Read-only: activities change through the site, which audits every change."""

    list_display = ["code", "title_fr", "operational_plan", "lead", "monitor", "status"]
    list_filter = ["operational_plan", "status"]
    search_fields = ["code", "title_fr", "title_en"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin[BudgetLine]):
    list_display = ["activity_version", "year", "source", "unit_cost", "quantity", "amount"]
    list_filter = ["year", "source"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(FundingRecord)
class FundingRecordAdmin(admin.ModelAdmin[FundingRecord]):
    list_display = ["activity", "stage", "year", "source", "amount", "on"]
    list_filter = ["stage", "year", "source"]
    date_hierarchy = "on"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin[ExchangeRate]):
    """Rates are set through the action, which checks and audits them."""

    list_display = ["currency", "xof_per_unit", "valid_from", "set_by"]
    list_filter = ["currency"]
    fields = ["currency", "xof_per_unit", "valid_from"]

    def save_model(self, request: HttpRequest, obj: ExchangeRate, form: Any, change: bool) -> None:
        saved = set_exchange_rate(obj.currency, obj.xof_per_unit, obj.valid_from, by=request.user)
        obj.pk = saved.pk

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReportedCompletion)
class ReportedCompletionAdmin(admin.ModelAdmin[ReportedCompletion]):
    list_display = ["element", "planned", "completed", "published_rate"]
