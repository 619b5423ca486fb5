"""Load a plan's DHIS2 mapping from a YAML file (docs/dhis2.md)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from exchange.mapping import MappingInvalid, load_mapping


class Command(BaseCommand):
    help = "Load a plan's DHIS2 mapping (indicators ↔ data elements, units ↔ organisation units)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="Who loads it (TMU), for the audit.")
        parser.add_argument("--language", default="fr", choices=["fr", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("No user “%(name)s”.") % {"name": options["user"]})
            try:
                mapping = load_mapping(options["file"], by=user)
            except MappingInvalid as invalid:
                raise CommandError("\n".join(str(e) for e in invalid.errors)) from None
            except (PermissionDenied, OSError) as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                _("Mapping saved: %(elements)d figures and %(units)d organisation units.")
                % {"elements": len(mapping.data_elements), "units": len(mapping.org_units)}
            )
