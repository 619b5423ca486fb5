from django.urls import path

from exchange import views

urlpatterns = [
    path("plans/<slug:key>/dhis2/", views.dhis2_page, name="dhis2"),
    path("plans/<slug:key>/dhis2/export/", views.dhis2_export, name="dhis2_export"),
    path("plans/<slug:key>/dhis2/import/", views.dhis2_import, name="dhis2_import"),
    path("plans/<slug:key>/dhis2/mapping/", views.dhis2_mapping, name="dhis2_mapping"),
]
