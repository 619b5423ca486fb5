from django.urls import path

from reporting import views, workbook_views

P = "plans/<slug:key>/periods/"

urlpatterns = [
    path(P, views.period_list, name="periods"),
    path(P + "plan/", views.plan_periods, name="plan_periods"),
    path(P + "<uuid:uuid>/", views.period_detail, name="period"),
    path(
        P + "<uuid:uuid>/open/",
        views.period_transition,
        {"transition": "open"},
        name="open_period",
    ),
    path(
        P + "<uuid:uuid>/lock/",
        views.period_transition,
        {"transition": "lock"},
        name="lock_period",
    ),
    path("plans/<slug:key>/rules/", views.rules, name="rules"),
    path("plans/<slug:key>/rules/new/", views.rule_edit, name="rule_new"),
    path("plans/<slug:key>/rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("reports/", views.my_reports, name="my_reports"),
    path("reports/<uuid:uuid>/", views.report, name="report"),
    path(
        "reports/<uuid:uuid>/validate/",
        views.report_transition,
        {"transition": "validate"},
        name="validate_report",
    ),
    path(
        "reports/<uuid:uuid>/return/",
        views.report_transition,
        {"transition": "return"},
        name="return_report",
    ),
    path(
        "reports/<uuid:uuid>/reopen/",
        views.report_transition,
        {"transition": "reopen"},
        name="reopen_report",
    ),
    path("reports/<uuid:uuid>/values/<uuid:value>/", views.value_history, name="value_history"),
    path("reports/<uuid:uuid>/evidence/", views.evidence_add, name="evidence_add"),
    path("reports/<uuid:uuid>/evidence/<uuid:file>/", views.evidence_file, name="evidence_file"),
    path(
        "reports/<uuid:uuid>/evidence/<uuid:file>/remove/",
        views.evidence_remove,
        name="evidence_remove",
    ),
    path(
        "reports/<uuid:uuid>/workbook.xlsx",
        workbook_views.report_workbook,
        name="report_workbook",
    ),
    path(
        "reports/<uuid:uuid>/workbook/",
        workbook_views.report_workbook_upload,
        name="report_workbook_upload",
    ),
    path(
        P + "<uuid:uuid>/workbooks/",
        workbook_views.period_workbooks_upload,
        name="period_workbooks_upload",
    ),
]
