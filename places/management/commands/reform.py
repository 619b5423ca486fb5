"""manage.py reform FILE --user NAME: record a split, merge or rename of
places from a YAML file (places/reformfile.py, docs/places.md), all or
nothing, audited under the user's name."""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from places.loading import BoundariesInvalid
from places.reformfile import apply_reform_file
from plans.management.commands._language import (
    activate_language,
    add_language_argument,
    file_refused,
)


class Command(BaseCommand):
    help = (
        "Record a reform of the administrative map (split, merge, rename) from a YAML file "
        "(docs/places.md). On any error nothing is written."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="the reform, in YAML")
        parser.add_argument(
            "--user", required=True, help="who records it: an administrator or TMU coordinator"
        )
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        activate_language(options)
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(_("No user “%(name)s”.") % {"name": options["user"]})
        try:
            reform = apply_reform_file(options["file"], by=user)
        except BoundariesInvalid as exc:
            raise file_refused(self.stderr, exc.errors) from exc
        except PermissionDenied as exc:
            raise CommandError(
                _("%(name)s may not record a reform (administrator or TMU coordinator only).")
                % {"name": options["user"]}
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Reform recorded: %(reform)s, %(closed)d place(s) closed, %(opened)d opened.")
                % {
                    "reform": reform,
                    "closed": reform.successions.values("old").distinct().count(),
                    "opened": reform.successions.values("new").distinct().count(),
                }
            )
        )
