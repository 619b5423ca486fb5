from django.urls import path

from reporting import views

P = "plans/<slug:key>/periods/"

urlpatterns = [
    path(P, views.period_list, name="periods"),
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
]
