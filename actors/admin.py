from django.contrib import admin

from actors.models import (
    Body,
    BodyMembership,
    FocalPoint,
    Institution,
    ReportingUnit,
    RoleAssignment,
)


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin[Institution]):
    list_display = ["name_fr", "name_en", "acronym", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name_fr", "name_en", "acronym", "key"]
    readonly_fields = ["uuid"]


class MembershipInline(admin.TabularInline[BodyMembership, Body]):
    model = BodyMembership
    extra = 0
    autocomplete_fields = ["institution"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin[Body]):
    list_display = ["name_fr", "name_en", "kind", "acronym", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name_fr", "name_en", "acronym", "key"]
    inlines = [MembershipInline]


@admin.register(FocalPoint)
class FocalPointAdmin(admin.ModelAdmin[FocalPoint]):
    list_display = ["name", "institution", "role", "sex", "active_from", "active_until"]
    list_filter = ["sex", "institution__kind"]
    search_fields = ["name", "role", "institution__name_fr", "institution__acronym"]
    autocomplete_fields = ["institution"]


@admin.register(ReportingUnit)
class ReportingUnitAdmin(admin.ModelAdmin[ReportingUnit]):
    list_display = ["__str__", "institution", "place", "active"]
    list_filter = ["active", "country"]
    search_fields = ["institution__name_fr", "institution__acronym", "place__name_fr"]
    autocomplete_fields = ["institution"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin[RoleAssignment]):
    list_display = ["user", "role", "unit", "institution", "since", "until"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["institution"]
