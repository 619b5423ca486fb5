from django.urls import path

from governance import meeting_views, observatory_views, risk_views

urlpatterns: list = [
    # Each part of governance adds its pages here: meetings and
    # recommendations, the risk register, the representation observatory.
    # The risk register (internal: any account reads it, the TMU changes it).
    path("plans/<slug:key>/risks/", risk_views.risk_register, name="risks"),
    path("plans/<slug:key>/risks/new/", risk_views.risk_edit, name="risk_new"),
    path("risks/<uuid:uuid>/", risk_views.risk_detail, name="risk"),
    path("risks/<uuid:uuid>/edit/", risk_views.risk_edit, name="risk_edit"),
    path("risks/<uuid:uuid>/review/", risk_views.risk_review, name="risk_review"),
    path("risks/<uuid:uuid>/close/", risk_views.risk_close, name="risk_close"),
    path("risks/<uuid:uuid>/reopen/", risk_views.risk_reopen, name="risk_reopen"),
    # The representation observatory (public; the TMU adds figures).
    path("observatory/", observatory_views.observatory, name="observatory"),
    path(
        "observatory/data.csv",
        observatory_views.observatory_data,
        {"fmt": "csv"},
        name="observatory_csv",
    ),
    path(
        "observatory/data.xlsx",
        observatory_views.observatory_data,
        {"fmt": "xlsx"},
        name="observatory_xlsx",
    ),
    path("observatory/add/", observatory_views.observation_add, name="observatory_add"),
    # Meetings and recommendations (public; files for accounts; the TMU records).
    path("plans/<slug:key>/meetings/", meeting_views.meeting_list, name="meetings"),
    path("plans/<slug:key>/meetings/new/", meeting_views.meeting_edit, name="meeting_new"),
    path("plans/<slug:key>/meetings/<uuid:meeting>/", meeting_views.meeting_detail, name="meeting"),
    path(
        "plans/<slug:key>/meetings/<uuid:meeting>/edit/",
        meeting_views.meeting_edit,
        name="meeting_edit",
    ),
    path(
        "plans/<slug:key>/meetings/<uuid:meeting>/minutes/",
        meeting_views.minutes_file,
        name="meeting_minutes",
    ),
    path("plans/<slug:key>/recommendations/", meeting_views.follow_up, name="recommendations"),
    path(
        "plans/<slug:key>/recommendations/new/",
        meeting_views.recommendation_new,
        name="recommendation_new",
    ),
    path(
        "plans/<slug:key>/recommendations/<uuid:recommendation>/",
        meeting_views.recommendation_detail,
        name="recommendation",
    ),
    path(
        "plans/<slug:key>/recommendations/<uuid:recommendation>/follow-up/",
        meeting_views.recommendation_update,
        name="recommendation_update",
    ),
    path(
        "plans/<slug:key>/recommendations/<uuid:recommendation>/evidence/<int:update>/",
        meeting_views.recommendation_evidence,
        name="recommendation_evidence",
    ),
]
