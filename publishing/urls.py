from django.urls import path

from publishing import briefing_views, report_views, views

urlpatterns = [
    path("plans/<slug:key>/publish/", views.publications, name="publications"),
    path("plans/<slug:key>/publish/change/", views.publish, name="publish"),
    path("plans/<slug:key>/dashboard/", views.dashboard, name="dashboard"),
    path(
        "plans/<slug:key>/dashboard/priorities/<uuid:uuid>/",
        views.priority_dashboard,
        name="priority_dashboard",
    ),
    path(
        "plans/<slug:key>/dashboard/institutions/<uuid:uuid>/",
        views.institution_dashboard,
        name="institution_dashboard",
    ),
    path(
        "plans/<slug:key>/dashboard/regions/<str:code>/",
        views.region_dashboard,
        name="region_dashboard",
    ),
    path("plans/<slug:key>/reports/<int:year>/", report_views.report_page, name="annual_report"),
    path(
        "plans/<slug:key>/reports/<int:year>/annual-report.pdf",
        report_views.report_file,
        {"fmt": "pdf"},
        name="annual_report_pdf",
    ),
    path(
        "plans/<slug:key>/reports/<int:year>/annual-report.docx",
        report_views.report_file,
        {"fmt": "docx"},
        name="annual_report_docx",
    ),
    path(
        "plans/<slug:key>/reports/<int:year>/edit/",
        report_views.report_edit,
        name="annual_report_edit",
    ),
    path("plans/<slug:key>/iptt.xlsx", briefing_views.iptt, name="iptt"),
    path("plans/<slug:key>/briefing/", briefing_views.briefing, name="briefing"),
    path(
        "plans/<slug:key>/briefing/<int:year>/<int:quarter>/",
        briefing_views.briefing_quarter,
        name="briefing_quarter",
    ),
]
