from django.urls import path

from collection import views

urlpatterns = [
    path("reports/<uuid:uuid>/xlsform.xlsx", views.report_xlsform, name="report_xlsform"),
    path("reports/<uuid:uuid>/mobile/", views.report_kobo_upload, name="report_kobo_upload"),
    path(
        "plans/<slug:key>/periods/<uuid:uuid>/xlsforms.zip",
        views.period_xlsforms,
        name="period_xlsforms",
    ),
    path(
        "plans/<slug:key>/periods/<uuid:uuid>/mobile/",
        views.period_kobo_upload,
        name="period_kobo_upload",
    ),
]
