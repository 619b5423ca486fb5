"""What the loaders of YAML data files share: an error that says where in
the file and why, the refusal of a whole file with all its errors, the
counts a load reports (the observatory, the global indicator lists and tags
files), and a YAML reader that keeps dates as text (those, and reform files
and DHIS2 mappings, which keep the shape of their own errors).

A loader reads a file whole, collects every error, and writes nothing
unless there is none (docs/decisions.md, "One reader for the other data
files").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class DataFileError:
    """Why a file was refused, and where: the part of the file (a section,
    or an entry by its index, `entries[2] (5.2.2)`), the field in it, and
    the line for YAML errors. Read as "file: where.field (line n): message"."""

    file: str
    where: str
    message: str
    field: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = self.where
        if self.field:
            where = f"{where}.{self.field}" if where else self.field
        where = where or _("file")
        if self.line:
            where = _("%(where)s (line %(line)d)") % {"where": where, "line": self.line}
        return f"{self.file}: {where}: {self.message}"


class DataFileInvalid(Exception):
    """A file refused whole, with every error found in it."""

    def __init__(self, errors: list[DataFileError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


@dataclass
class LoadReport:
    """What a load did, by kind of thing ("quota", "tag"…): how many were
    created, updated, removed and left unchanged."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def summary(self, labels: Mapping[str, Any]) -> str:
        """ "created: observations 40, quotas 2; unchanged: …", each kind
        named by its label in `labels`."""
        parts = []
        for label, counter in (
            (_("created"), self.created),
            (_("updated"), self.updated),
            (_("removed"), self.removed),
            (_("unchanged"), self.unchanged),
        ):
            if counter:
                items = ", ".join(
                    f"{labels[kind]} {count}" for kind, count in sorted(counter.items())
                )
                parts.append(_("%(what)s: %(items)s") % {"what": label, "items": items})
        return "; ".join(parts) or _("no change")


class _TextDatesLoader(yaml.SafeLoader):
    """Safe YAML whose dates stay text, for the loader to read: "2024-13-01"
    is then a located error rather than the parser's exception."""


def _timestamp_as_text(loader: _TextDatesLoader, node: yaml.Node) -> Any:
    return loader.construct_yaml_str(node)


_TextDatesLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def parse_yaml(text: str, name: str) -> Any:
    """The data of a YAML text (dates as text); text that is not YAML is
    refused with the line where the parser stopped."""
    try:
        return yaml.load(text, Loader=_TextDatesLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or exc
        raise DataFileInvalid(
            [
                DataFileError(
                    name, "", _("not valid YAML (%(problem)s)") % {"problem": problem},
                    line=mark.line + 1 if mark else None,
                )
            ]
        ) from exc  # fmt: skip


def read_yaml(path: Path | str, name: str | None = None) -> Any:
    """The data of a YAML file, as `parse_yaml` reads it; a file that cannot
    be read, or is not UTF-8, is refused too. Errors name the file `name`
    (its file name by default)."""
    name = Path(path).name if name is None else name
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except OSError as exc:
        raise DataFileInvalid(
            [DataFileError(name, "", _("cannot read the file (%(reason)s)") % {
                "reason": exc.strerror})]
        ) from exc  # fmt: skip
    except UnicodeDecodeError as exc:
        raise DataFileInvalid([DataFileError(name, "", _("the file is not UTF-8 text"))]) from exc
    return parse_yaml(text, name)
