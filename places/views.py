"""About the data: where the maps, the plans' texts and the observatory's
figures come from, with their licences and limits; the places open today
and the reforms of the map."""

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from governance.models import Observation
from nap1325.tables import download
from places.models import Place, Reform
from places.tables import about_data_tables
from plans.models import Plan


def about_data(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    levels = list(
        Place.objects.valid_on(today)
        .values("country", "level")
        .annotate(places=Count("pk"))
        .order_by("country", "level")
    )
    reforms = list(Reform.objects.prefetch_related("successions__old", "successions__new"))
    sources = list(
        Place.objects.exclude(source="")
        .values("country", "source")
        .annotate(places=Count("pk"))
        .order_by("country", "source")
    )
    observations = list(
        Observation.objects.values("source_title")
        .annotate(figures=Count("pk"))
        .order_by("source_title")
    )
    tables = about_data_tables(sources, levels, reforms, observations)
    if answer := download(request, tables, "about-the-data", {"on": today.isoformat()}):
        return answer
    return render(
        request,
        "places/about_data.html",
        {
            "levels": levels,
            "closed": Place.objects.filter(valid_until__lt=today).order_by("country", "code"),
            "reforms": reforms,
            "sources": sources,
            "plans": Plan.objects.order_by("country", "-start_year"),
            "observations": observations,
            "tables": {table.key: table for table in tables},
        },
    )
