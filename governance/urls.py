from django.urls import path

urlpatterns: list = [
    # Each part of governance adds its pages here: meetings and
    # recommendations, the risk register, the representation observatory.
]
