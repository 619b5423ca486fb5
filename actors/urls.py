from django.urls import path

from actors import views

urlpatterns = [
    path("", views.institution_list, name="institutions"),
    path("<uuid:uuid>/", views.institution_detail, name="institution"),
]
