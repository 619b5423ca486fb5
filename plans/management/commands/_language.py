"""A `--language` option shared by the plan commands: messages in French or English."""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.utils import translation


def add_language_argument(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--language",
        choices=[code for code, _name in settings.LANGUAGES],
        default=settings.LANGUAGE_CODE,
        help="language of the messages (default: %(default)s)",
    )


def activate_language(options: dict[str, Any]) -> None:
    translation.activate(options.get("language") or settings.LANGUAGE_CODE)
