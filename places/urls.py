from django.urls import path

from places import views

urlpatterns: list = [
    path("about/data/", views.about_data, name="about_data"),
]
