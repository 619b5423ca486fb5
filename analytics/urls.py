from django.urls import path

from analytics import views

urlpatterns = [
    path("plans/<slug:key>/progress/", views.progress, name="progress"),
    path("plans/<slug:key>/progress/<int:year>/", views.progress, name="progress_year"),
]
