from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from reporting.models import ReportingPeriod, Submission


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin[ReportingPeriod]):
    """Periods are planned here; opening and locking go through the actions."""

    list_display = ["plan", "kind", "year", "quarter", "opens_on", "deadline", "status"]
    list_filter = ["plan", "kind", "status"]
    readonly_fields = ["status"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin[Submission]):
    """Read only: submissions move through the workflow's actions."""

    list_display = ["unit", "period", "status", "submitted_at", "validated_at"]
    list_filter = ["status", "period__plan"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
