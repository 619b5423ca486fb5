"""manage.py demo_login: create (or reset) the local demo administrator and print its login."""

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reporting.demo import DEMO_USERNAMES

DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = "Create or reset the demo administrator of a laptop install and print its password."

    def handle(self, *args: Any, **options: Any) -> None:
        password = secrets.token_urlsafe(12)
        users = get_user_model().objects
        user, _created = users.get_or_create(username=DEMO_USERNAME)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo login: user “%(user)s”, password “%(password)s” (local demo only).")
                % {"user": DEMO_USERNAME, "password": password}
            )
        )
        # The named demonstration users (manage.py demo) share the password.
        for person in users.filter(username__in=DEMO_USERNAMES).order_by("pk"):
            person.set_password(password)
            person.save()
            roles = ", ".join(str(a.get_role_display()) for a in person.role_assignments.all())
            self.stdout.write(f"  {person.username}: {person.get_full_name()} — {roles}")
