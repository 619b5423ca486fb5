from django.contrib import admin

from actors.models import Institution


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin[Institution]):
    list_display = ["name_fr", "name_en", "acronym", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name_fr", "name_en", "acronym", "key"]
    readonly_fields = ["uuid"]
