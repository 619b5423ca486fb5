from django.urls import path

from operations import views

P = "plans/<slug:key>/operations/"
V = P + "<int:number>/"
A = V + "activities/<uuid:uuid>/"

urlpatterns = [
    path("side-by-side/", views.plans_side_by_side, name="plans_side_by_side"),
    path(P, views.operational_plans, name="operational_plans"),
    path(P + "latest/", views.latest_version, name="latest_operational_plan"),
    path(P + "new/", views.start_version, name="start_version"),
    path(V, views.version_detail, name="operational_plan"),
    path(V + "adopt/", views.adopt_version, name="adopt_version"),
    path(V + "schedule/", views.schedule, name="schedule"),
    path(V + "compare/", views.compare, name="compare_versions"),
    path(V + "activities/new/", views.activity_edit, name="activity_new"),
    path(V + "workbook.xlsx", views.workbook_export, name="workbook_export"),
    path(V + "template.xlsx", views.workbook_template, name="workbook_template"),
    path(V + "import/", views.workbook_import, name="workbook_import"),
    path(A, views.activity_detail, name="activity"),
    path(A + "edit/", views.activity_edit, name="activity_edit"),
    path(A + "remove/", views.activity_remove, name="activity_remove"),
    path(A + "progress/", views.activity_progress, name="activity_progress"),
    path(A + "funding/", views.activity_funding, name="activity_funding"),
]
