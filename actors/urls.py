from django.urls import path

from actors import views

urlpatterns = [
    path("", views.institution_list, name="institutions"),
    path("<uuid:uuid>/", views.institution_detail, name="institution"),
    path("bodies/", views.body_list, name="bodies"),
    path("bodies/<uuid:uuid>/", views.body_detail, name="body"),
]
