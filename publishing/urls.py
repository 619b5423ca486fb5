from django.urls import path

from publishing import views

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
]
