from django.urls import path

from plans import local_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("plans/<slug:key>/", views.plan_detail, name="plan"),
    path("plans/<slug:key>/framework/", views.framework, name="framework"),
    path("plans/<slug:key>/local-plans/", local_views.local_plans, name="local_plans"),
    path("plans/<slug:key>/local-plans/new/", local_views.local_plan_new, name="local_plan_new"),
    path(
        "plans/<slug:key>/local-indicators/new/",
        local_views.local_indicator_new,
        name="local_indicator_new",
    ),
    path(
        "plans/<slug:key>/local-indicators/<uuid:uuid>/link/",
        local_views.local_indicator_link,
        name="local_indicator_link",
    ),
    path("plans/<slug:key>/elements/<uuid:uuid>/", views.element_detail, name="element"),
    path("plans/<slug:key>/indicators/", views.indicator_list, name="indicators"),
    path("plans/<slug:key>/indicators/<uuid:uuid>/", views.indicator_detail, name="indicator"),
    path("plans/<slug:key>/anchors/<uuid:uuid>/", views.anchor_detail, name="anchor"),
]
