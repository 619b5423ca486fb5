from django.contrib import admin

from governance.models import (
    Attendance,
    Meeting,
    Observation,
    Quota,
    Recommendation,
    RecommendationUpdate,
    Risk,
    RiskReview,
    SeatBody,
)


class AttendanceInline(admin.TabularInline[Attendance, Meeting]):
    model = Attendance
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    list_display = ["body", "held_on", "place"]
    list_filter = ["body"]
    inlines = [AttendanceInline]


class UpdateInline(admin.TabularInline[RecommendationUpdate, Recommendation]):
    model = RecommendationUpdate
    extra = 0


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin[Recommendation]):
    list_display = ["__str__", "owner", "due_on", "status"]
    list_filter = ["status", "source"]
    inlines = [UpdateInline]


class ReviewInline(admin.TabularInline[RiskReview, Risk]):
    model = RiskReview
    extra = 0


@admin.register(Risk)
class RiskAdmin(admin.ModelAdmin[Risk]):
    list_display = ["__str__", "category", "likelihood", "impact", "status"]
    list_filter = ["category", "status"]
    inlines = [ReviewInline]


admin.site.register(Quota)
admin.site.register(SeatBody)


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin[Observation]):
    list_display = ["body", "observed_on", "women", "men", "total", "published_share"]
    list_filter = ["body__kind"]
