"""Shared by the loading commands: a `--language` option (messages in
French or English) and the refusal of a file with located errors."""

from argparse import ArgumentParser
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, OutputWrapper
from django.utils import translation
from django.utils.translation import gettext as _


def add_language_argument(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--language",
        choices=[code for code, _name in settings.LANGUAGES],
        default=settings.LANGUAGE_CODE,
        help="language of the messages (default: %(default)s)",
    )


def activate_language(options: dict[str, Any]) -> None:
    translation.activate(options.get("language") or settings.LANGUAGE_CODE)


def file_refused(stderr: OutputWrapper, errors: Sequence[object]) -> CommandError:
    """Write each located error, and give the error that ends the command."""
    for error in errors:
        stderr.write(str(error))
    return CommandError(
        _("%(count)d error(s): the file was not loaded, nothing was written.")
        % {"count": len(errors)}
    )
