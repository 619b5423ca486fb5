from django.urls import path

from alignment import views

urlpatterns = [
    # The crosswalk of a plan with the global indicators (public; the TMU tags).
    path("plans/<slug:key>/crosswalk/", views.crosswalk_page, name="crosswalk"),
    path("plans/<slug:key>/crosswalk/tag/", views.crosswalk_tag, name="crosswalk_tag"),
    path("plans/<slug:key>/crosswalk/untag/", views.crosswalk_untag, name="crosswalk_untag"),
]
