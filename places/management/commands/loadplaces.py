"""manage.py loadplaces [FILE --country CC --code-property P ...]: without a
file, Mali's regions and cercles (the default places); with one, any
country's boundaries from GeoJSON with the mapping given in options, all or
nothing (docs/places.md)."""

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from places.loading import BoundariesInvalid, Mapping, load_boundaries, load_mali_places
from plans.management.commands._language import (
    activate_language,
    add_language_argument,
    file_refused,
)


class Command(BaseCommand):
    help = (
        "Create or update places from a GeoJSON file (docs/places.md); without a file, "
        "Mali's regions and cercles from the shipped files. On any error nothing is written."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", nargs="?", help="GeoJSON FeatureCollection")
        parser.add_argument("--country", help="ISO 3166-1 alpha-2 code (with a file)")
        parser.add_argument("--level", default="region", help="level of every feature")
        parser.add_argument("--level-property", default="", help="property giving the level")
        parser.add_argument("--code-property", default="code", help="property giving the code")
        parser.add_argument("--name-property", default="name", help="property: name (French)")
        parser.add_argument("--name-en-property", default="", help="property: name (English)")
        parser.add_argument("--parent-property", default="", help="property: parent's code")
        parser.add_argument("--valid-from", type=date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--source", default="", help="source and licence of the file")
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        activate_language(options)
        if not options["file"]:
            count = load_mali_places()
            self.stdout.write(self.style.SUCCESS(_("%(count)d places loaded.") % {"count": count}))
            return
        if not options["country"]:
            raise CommandError(_("Give the country of the file (--country)."))
        mapping = Mapping(
            level=options["level"],
            code=options["code_property"],
            name_fr=options["name_property"],
            name_en=options["name_en_property"],
            parent=options["parent_property"],
            level_property=options["level_property"],
        )
        try:
            report = load_boundaries(
                options["file"], options["country"].upper(), mapping,
                valid_from=options["valid_from"], source=options["source"],
            )  # fmt: skip
        except BoundariesInvalid as exc:
            raise file_refused(self.stderr, exc.errors) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Places loaded: %(created)d created, %(updated)d updated, %(same)d unchanged.")
                % {"created": report.created, "updated": report.updated, "same": report.unchanged}
            )
        )
