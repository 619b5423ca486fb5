"""manage.py loadplaces: load Mali's regions and cercles (the default places)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from places.loading import load_mali_places


class Command(BaseCommand):
    help = "Create or update Mali's regions and cercles from the shipped GeoJSON files."

    def handle(self, *args: Any, **options: Any) -> None:
        count = load_mali_places()
        self.stdout.write(self.style.SUCCESS(_("%(count)d places loaded.") % {"count": count}))
