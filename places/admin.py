from django.contrib import admin

from places.models import Place


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin[Place]):
    list_display = ["code", "name_fr", "level", "parent", "country"]
    list_filter = ["country", "level"]
    search_fields = ["code", "name_fr", "name_en"]
