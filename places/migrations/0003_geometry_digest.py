from django.db import migrations, models


def fill_digests(apps, schema_editor):  # type: ignore[no-untyped-def]
    from places.models import digest

    Place = apps.get_model("places", "Place")
    for place in Place.objects.filter(geometry__isnull=False).only("pk", "geometry"):
        Place.objects.filter(pk=place.pk).update(geometry_digest=digest(place.geometry))


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0002_dated_geography"),
    ]

    operations = [
        migrations.AddField(
            model_name="place",
            name="geometry_digest",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(fill_digests, migrations.RunPython.noop),
    ]
