"""Loading the reference lists of global indicators and a plan's tags from
the files of nap1325/data/alignment (docs/alignment.md).

Both loaders read every file whole first and collect every error with its
place (file, entry and field), then write in one transaction: a refused file
writes nothing, and loading the same file twice changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alignment.models import Alignment, GlobalIndicator, GlobalIndicatorSet
from nap1325.datafiles import DataFileError, DataFileInvalid, LoadReport, read_yaml
from nap1325.models import audit
from plans.models import Plan

DATA = Path(settings.BASE_DIR) / "nap1325" / "data" / "alignment"
FORMAT_VERSION = 1
KEY = re.compile(r"^[a-z0-9][-a-z0-9]*$")
CODE = re.compile(r"^\S(.{0,28}\S)?$")
TAGS_SUFFIX = "-tags.yaml"
SET_TEXTS = ("title_fr", "title_en", "short_title_fr", "short_title_en")
SET_NOTES = ("licence_fr", "licence_en", "note_fr", "note_en")
SOURCE_FIELDS = ("document", "publisher", "year", "url")


AlignmentFileInvalid = DataFileInvalid

KIND_LABELS = {
    "set": gettext_lazy("sets"),
    "indicator": gettext_lazy("global indicators"),
    "tag": gettext_lazy("tags"),
}


def reference_files(folder: Path = DATA) -> list[Path]:
    """The reference lists of a folder: its YAML files, tags files aside."""
    return sorted(p for p in folder.glob("*.yaml") if not p.name.endswith(TAGS_SUFFIX))


def _text(value: Any) -> str:
    """A text of the file, in composed Unicode (an "é" is one character, as
    search and comparisons expect, however the source wrote it)."""
    return unicodedata.normalize("NFC", value.strip()) if isinstance(value, str) else ""


class _Reader:
    """Collects every error of one file, located."""

    def __init__(self, data: Any, name: str) -> None:
        self.data = data
        self.file = name
        self.errors: list[DataFileError] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(DataFileError(self.file, where, message))

    def mapping(self) -> dict[str, Any]:
        if not isinstance(self.data, dict):
            self.error("", _("the file does not hold a mapping of fields"))
            raise AlignmentFileInvalid(self.errors)
        if self.data.get("format") != FORMAT_VERSION:
            self.error("format", _("format %(version)d is expected") % {"version": FORMAT_VERSION})
        return self.data

    def items(self, name: str) -> list[dict[str, Any]]:
        items = self.data.get(name)
        if not isinstance(items, list) or not items:
            self.error(name, _("a list of one or more items is required"))
            return []
        good = []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                self.error(f"{name}[{index}]", _("each item is a mapping of fields"))
                item = {}
            good.append(item)
        return good


def read_reference_list(data: Any, name: str) -> dict[str, Any]:
    """A reference list's set and entries as plain values, or every error."""
    reader = _Reader(data, name)
    data = reader.mapping()
    key = data.get("key")
    if not isinstance(key, str) or not KEY.match(key):
        reader.error("key", _("an identifier (lower-case letters, digits, -) is required"))
    values: dict[str, Any] = {name: _text(data.get(name)) for name in SET_TEXTS + SET_NOTES}
    if not (values["title_fr"] and values["title_en"]):
        reader.error("title_fr, title_en", _("a title in French and in English is required"))
    if not (values["licence_fr"] or values["licence_en"]):
        reader.error("licence_fr", _("say under what terms the list is reproduced"))
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    if not _text(source.get("document")):
        reader.error("source.document", _("the source document (its symbol or title) is required"))
    if not _text(source.get("publisher")):
        reader.error("source.publisher", _("the publisher of the source is required"))
    year = source.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 1945 <= year <= 2100:
        reader.error("source.year", _("the year of the source (e.g. 2010) is required"))
        year = None
    url = _text(source.get("url"))
    if url and not url.startswith(("https://", "http://")):
        reader.error("source.url", _("an address starting with https:// is expected"))
    position = data.get("position", 0)
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        reader.error("position", _("a whole number is expected"))
        position = 0
    values |= {
        "publisher": _text(source.get("publisher")),
        "document": _text(source.get("document")),
        "year": year,
        "url": url,
        "position": position,
    }
    entries = []
    seen: dict[str, int] = {}
    for index, item in enumerate(reader.items("entries")):
        code = item.get("code")
        code = str(code).strip() if isinstance(code, str | int | float) else ""
        where = f"entries[{index}]" + (f" ({code})" if code else "")
        if not CODE.match(code):
            reader.error(f"{where}.code", _("a code of at most 30 characters is required"))
        elif code in seen:
            reader.error(
                f"{where}.code",
                _("code “%(code)s” is already used by entries[%(index)d]")
                % {"code": code, "index": seen[code]},
            )
        else:
            seen[code] = index
        entry = {
            name: _text(item.get(name))
            for name in ("title_fr", "title_en", "group_fr", "group_en", "checked_against")
        }
        if not (entry["title_fr"] and entry["title_en"]):
            reader.error(f"{where}.title_fr", _("a title in French and in English is required"))
        if not isinstance(item.get("verified"), bool):
            reader.error(
                f"{where}.verified",
                _("say whether the wording was checked against the source (true or false)"),
            )
        if not entry["checked_against"]:
            reader.error(
                f"{where}.checked_against",
                _("say what the wording was checked against, or that it was not"),
            )
        entries.append({"code": code, "verified": item.get("verified") is True, **entry})
    if reader.errors:
        raise AlignmentFileInvalid(reader.errors)
    return {"key": key, "values": values, "entries": entries}


def load_reference_lists(
    paths: list[Path] | None = None, *, by: Any = None, folder: Path = DATA
) -> LoadReport:
    """Create or update the sets and global indicators of the files (every
    reference list of the folder by default), all of them or none. An entry
    that a file no longer lists is removed, unless an indicator is tagged
    with it: that refuses the file, naming the entry."""
    paths = list(paths) if paths else reference_files(folder)
    errors: list[DataFileError] = []
    contents = []
    keys: dict[str, str] = {}
    for path in paths:
        name = Path(path).name
        try:
            content = read_reference_list(read_yaml(path), name)
        except AlignmentFileInvalid as exc:
            errors.extend(exc.errors)
            continue
        if content["key"] in keys:
            errors.append(
                DataFileError(
                    name, "key",
                    _("the set “%(key)s” is also in %(file)s") % {
                        "key": content["key"], "file": keys[content["key"]]},
                )
            )  # fmt: skip
        keys[content["key"]] = name
        contents.append((name, content))
    if not paths:
        errors.append(DataFileError(str(folder), "", _("no reference list in this folder")))
    if errors:
        raise AlignmentFileInvalid(errors)
    report = LoadReport()
    with transaction.atomic():
        for name, content in contents:
            errors.extend(_write_set(name, content, report, by))
        if errors:  # raised inside the transaction: nothing stays written
            raise AlignmentFileInvalid(errors)
    return report


def _write_set(
    name: str, content: dict[str, Any], report: LoadReport, by: Any
) -> list[DataFileError]:
    values = {**content["values"], "file_name": name}
    indicator_set = GlobalIndicatorSet.objects.filter(key=content["key"]).first()
    if indicator_set is None:
        indicator_set = GlobalIndicatorSet.objects.create(key=content["key"], **values)
        report.created["set"] += 1
    elif _update(indicator_set, values):
        report.updated["set"] += 1
    else:
        report.unchanged["set"] += 1
    existing = {gi.code: gi for gi in indicator_set.indicators.all()}
    listed = set()
    for position, entry in enumerate(content["entries"]):
        entry = {**entry, "position": position}
        code = entry.pop("code")
        listed.add(code)
        indicator = existing.get(code)
        if indicator is None:
            GlobalIndicator.objects.create(set=indicator_set, code=code, **entry)
            report.created["indicator"] += 1
        elif _update(indicator, entry):
            report.updated["indicator"] += 1
        else:
            report.unchanged["indicator"] += 1
    errors = []
    for code, indicator in existing.items():
        if code in listed:
            continue
        tags = indicator.alignments.count()
        if tags:
            errors.append(
                DataFileError(
                    name, f"entries ({code})",
                    _("the file no longer lists “%(code)s”, but %(count)d indicator(s) are tagged "
                      "with it: remove the tags first") % {"code": code, "count": tags},
                )
            )  # fmt: skip
            continue
        indicator.delete()
        report.removed["indicator"] += 1
    indicator_set.loaded_at = timezone.now()
    indicator_set.save(update_fields=["loaded_at"])
    audit(
        "alignment.load_set",
        indicator_set,
        user=by,
        after={
            "file": name,
            "entries": len(content["entries"]),
            "verified": sum(1 for e in content["entries"] if e["verified"]),
        },
        summary=_("Reference list %(file)s loaded") % {"file": name},
    )
    return errors


def _update(obj: Any, values: dict[str, Any]) -> bool:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
    return bool(changed)


# --- a plan's tags ---------------------------------------------------------------


def read_tags(data: Any, name: str) -> dict[str, Any]:
    """A tags file's plan and tags, checked against the database: the plan,
    its indicators and the global indicators must exist."""
    reader = _Reader(data, name)
    data = reader.mapping()
    plan = Plan.objects.filter(key=str(data.get("plan") or "")).first()
    if plan is None:
        reader.error(
            "plan", _("no plan “%(key)s”: load the plan first") % {"key": data.get("plan")}
        )
    indicators = {i.key: i for i in plan.indicators.all()} if plan else {}
    globals_by_ref = {
        f"{gi.set.key}:{gi.code}": gi for gi in GlobalIndicator.objects.select_related("set")
    }
    tags = []
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(reader.items("tags")):
        key = _text(item.get("indicator"))
        ref = _text(item.get("global"))
        where = f"tags[{index}]"
        indicator = indicators.get(key)
        if plan and indicator is None:
            reader.error(
                f"{where}.indicator",
                _("no indicator “%(key)s” in the plan %(plan)s") % {"key": key, "plan": plan.key},
            )
        global_indicator = globals_by_ref.get(ref)
        if global_indicator is None:
            reader.error(
                f"{where}.global",
                _("no global indicator “%(ref)s” (set:code): load the reference lists first")
                % {"ref": ref},
            )
        note: dict[str, Any] = item["note"] if isinstance(item.get("note"), dict) else {}
        if item.get("note") is not None and not isinstance(item.get("note"), dict):
            reader.error(f"{where}.note", _("a note is given as fr: and en: texts"))
        if (key, ref) in seen:
            reader.error(
                where,
                _("the same pair as tags[%(index)d]") % {"index": seen[(key, ref)]},
            )
        seen[(key, ref)] = index
        tags.append(
            {
                "indicator": indicator,
                "global_indicator": global_indicator,
                "note_fr": _text(note.get("fr")),
                "note_en": _text(note.get("en")),
            }
        )
    if reader.errors:
        raise AlignmentFileInvalid(reader.errors)
    return {"plan": plan, "tags": tags}


def load_tags(path: Path | str, *, by: Any = None) -> LoadReport:
    """Create or update a plan's tags from a file, all or nothing. Tags the
    file loaded before and no longer lists are removed; tags added through
    the site are left alone."""
    name = Path(path).name
    content = read_tags(read_yaml(path), name)
    plan: Plan = content["plan"]
    report = LoadReport()
    with transaction.atomic():
        kept = set()
        for tag in content["tags"]:
            notes = {"note_fr": tag["note_fr"], "note_en": tag["note_en"]}
            alignment, created = Alignment.objects.get_or_create(
                indicator=tag["indicator"],
                global_indicator=tag["global_indicator"],
                defaults={**notes, "added_by": by, "source_file": name},
            )
            kept.add(alignment.pk)
            if created:
                report.created["tag"] += 1
            elif _update(alignment, notes):
                report.updated["tag"] += 1
            else:
                report.unchanged["tag"] += 1
        stale = Alignment.objects.filter(indicator__plan=plan, source_file=name).exclude(
            pk__in=kept
        )
        removed, _rows = stale.delete()
        if removed:
            report.removed["tag"] += removed
        audit(
            "alignment.load_tags",
            plan,
            user=by,
            after={
                "file": name,
                "created": report.created["tag"],
                "updated": report.updated["tag"],
                "removed": report.removed["tag"],
            },
            summary=_("Tags file %(file)s loaded") % {"file": name},
        )
    return report
