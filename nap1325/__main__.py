"""The `nap1325` command: Django's manage.py, installed on the PATH of the
virtual environment (`nap1325 loadplan FILE`, `nap1325 checkplan PLAN`, …)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nap1325.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
