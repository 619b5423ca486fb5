"""Reading and validating plan files (docs/plan-file.md).

`read_plan_file()` parses the YAML, validates it against the JSON Schema and
then checks what a schema cannot express. It never touches the database. Every
error carries its place in the file (`levels[2].children[0].code`), the line
where that place starts, a stable code and a message in the active language.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date as date_type
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from django.utils.translation import gettext as _

SCHEMA_PATH = Path(__file__).with_name("plan-file.schema.json")
FORMAT_VERSION = 1

PathItem = str | int
Location = tuple[PathItem, ...]


class PlanNode(dict[str, Any]):
    """A mapping read from YAML that remembers the line of itself and of each key."""

    line: int | None = None
    key_lines: dict[str, int]

    def __init__(self) -> None:
        super().__init__()
        self.key_lines = {}


@dataclass(frozen=True)
class PlanFileError:
    location: Location
    code: str
    message: str
    line: int | None = None

    @property
    def where(self) -> str:
        return format_location(self.location)

    def __str__(self) -> str:
        where = self.where or _("file")
        if self.line:
            where = _("%(where)s (line %(line)d)") % {"where": where, "line": self.line}
        return f"{where}: {self.message}"


class PlanFileInvalid(Exception):
    def __init__(self, errors: list[PlanFileError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


def format_location(location: Location) -> str:
    text = ""
    for item in location:
        if isinstance(item, int):
            text += f"[{item}]"
        else:
            text += f".{item}" if text else item
    return text


# --- YAML --------------------------------------------------------------------


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class _Alias(yaml.MarkedYAMLError):
    pass


class _PlanLoader(yaml.SafeLoader):
    """Safe YAML that refuses repeated keys and aliases, reads every key as
    text and remembers lines. Aliases are refused because a few lines of them
    can expand to billions of nodes; a plan file never needs them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Alias(
                None, None, _("aliases (*name) are not allowed in a plan file"), event.start_mark
            )
        return super().compose_node(parent, index)


def _construct_mapping(loader: _PlanLoader, node: yaml.MappingNode) -> Iterator[PlanNode]:
    data = PlanNode()
    data.line = node.start_mark.line + 1
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key = key if isinstance(key, str) else str(key)
        if key in data:
            raise _DuplicateKey(
                None,
                None,
                _("the key “%(key)s” is given twice in the same mapping") % {"key": key},
                key_node.start_mark,
            )
        data.key_lines[key] = key_node.start_mark.line + 1
        data[key] = loader.construct_object(value_node, deep=True)


_PlanLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _date_as_text(loader: _PlanLoader, node: yaml.ScalarNode) -> str:
    # Dates stay text (2017-11-10): the schema checks their shape, the loader parses them.
    return str(loader.construct_scalar(node))


_PlanLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


def parse_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_PlanLoader)
    except _DuplicateKey as exc:
        raise PlanFileInvalid([_yaml_error(exc, exc.problem or "", "duplicate-key")]) from exc
    except _Alias as exc:
        raise PlanFileInvalid([_yaml_error(exc, exc.problem or "", "invalid-yaml")]) from exc
    except RecursionError as exc:
        raise PlanFileInvalid(
            [PlanFileError((), "invalid-yaml", _("the file is nested too deeply"))]
        ) from exc
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        message = _("this is not valid YAML: %(problem)s") % {"problem": problem}
        raise PlanFileInvalid([_yaml_error(exc, message, "invalid-yaml")]) from exc


def _yaml_error(exc: yaml.YAMLError, message: str, code: str) -> PlanFileError:
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        message = _("%(message)s (column %(column)d)") % {
            "message": message,
            "column": mark.column + 1,
        }
        return PlanFileError((), code, message, mark.line + 1)
    return PlanFileError((), code, message)


# --- locating -----------------------------------------------------------------


def line_of(data: Any, location: Location) -> int | None:
    """The line where `location` starts, or the closest enclosing line known."""
    line = getattr(data, "line", None)
    node = data
    for item in location:
        try:
            child = node[item]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, PlanNode) and isinstance(item, str):
            line = node.key_lines.get(item, line)
        node = child
        line = getattr(node, "line", None) or line
    return line


class _Collector:
    def __init__(self, data: Any) -> None:
        self.data = data
        self.errors: list[PlanFileError] = []

    def add(self, location: Location, code: str, message: str) -> None:
        error = PlanFileError(location, code, message, line_of(self.data, location))
        if error not in self.errors:
            self.errors.append(error)


# --- schema -----------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    with SCHEMA_PATH.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def _type_name(name: str) -> str:
    names = {
        "object": _("a mapping"),
        "array": _("a list"),
        "string": _("a text"),
        "integer": _("a whole number"),
        "number": _("a number"),
        "boolean": _("true or false"),
        "null": _("nothing"),
    }
    return names.get(name, name)


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _schema_errors(data: Any, out: _Collector) -> None:
    validator = jsonschema.Draft202012Validator(schema())
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
        _translate_schema_error(error, out)


def _translate_schema_error(error: jsonschema.ValidationError, out: _Collector) -> None:
    location: Location = tuple(error.absolute_path)
    # jsonschema types these as "maybe unset"; on a reported error they are set.
    instance: Any = error.instance
    kind: Any = error.validator
    expected_value: Any = error.validator_value
    error_schema: Any = error.schema
    if kind == "required":
        for key in expected_value:
            if isinstance(instance, dict) and key not in instance:
                out.add(
                    (*location, key),
                    "missing-key",
                    _("the required key “%(key)s” is missing") % {"key": key},
                )
        return
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = sorted(error_schema.get("properties", {}))
        for key in instance:
            if key in known:
                continue
            message = _("unknown key “%(key)s”") % {"key": key}
            close = difflib.get_close_matches(str(key), known, n=1)
            if close:
                message += " " + _("(did you mean “%(suggestion)s”?)") % {"suggestion": close[0]}
            elif known:
                message += " " + _("(expected one of: %(keys)s)") % {"keys": ", ".join(known)}
            out.add((*location, key), "unknown-key", message)
        return
    if kind == "type":
        expected = expected_value
        expected_text = " / ".join(
            _type_name(name) for name in (expected if isinstance(expected, list) else [expected])
        )
        message = _("expected %(expected)s, found %(found)s “%(value)s”") % {
            "expected": expected_text,
            "found": _type_name(_type_of(instance)),
            "value": _short(instance),
        }
        if location and location[-1] in ("code", "id") and not isinstance(instance, str):
            message += " " + _("(write it in quotes)")
        out.add(location, "wrong-type", message)
        return
    if kind == "enum":
        out.add(
            location,
            "not-allowed",
            _("“%(value)s” is not allowed here; expected one of: %(choices)s")
            % {"value": _short(instance), "choices": ", ".join(map(str, expected_value))},
        )
        return
    if kind == "const":
        out.add(
            location,
            "not-allowed",
            _("expected %(expected)s, found “%(value)s”")
            % {"expected": expected_value, "value": _short(instance)},
        )
        return
    if kind == "anyOf" and location and location[-1] == "value":
        out.add(
            location,
            "wrong-type",
            _("expected a number or “unknown”, found “%(value)s”") % {"value": _short(instance)},
        )
        return
    if kind == "pattern":
        if location and location[-1] == "targets":
            # propertyNames: the error is about a key of `targets`, not a value.
            location = (*location, instance)
            message = _("“%(value)s” is not a year") % {"value": _short(instance)}
        elif location and location[-1] == "country":
            message = _("“%(value)s” is not a two-letter country code (ISO 3166-1, e.g. ML)") % {
                "value": _short(instance)
            }
        else:
            message = _(
                "“%(value)s” is not a valid identifier: use up to 60 letters, digits, "
                "“.”, “_” or “-”, starting with a letter or digit"
            ) % {"value": _short(instance)}
        out.add(location, "invalid-value", message)
        return
    if kind == "propertyNames":
        return  # reported through the nested "pattern" error
    if kind == "uniqueItems":
        out.add(location, "duplicate-value", _("this list names the same item twice"))
        return
    if kind == "maxItems":
        out.add(
            location,
            "invalid-value",
            _("this list has more than %(limit)d items") % {"limit": expected_value},
        )
        return
    if kind in ("minimum", "maximum"):
        out.add(
            location,
            "invalid-value",
            _("%(value)s is outside the allowed range") % {"value": _short(instance)},
        )
        return
    if kind in ("minLength", "minItems", "minProperties"):
        out.add(location, "empty-value", _("this may not be empty"))
        return
    if kind == "maxLength":
        out.add(
            location,
            "invalid-value",
            _("this is longer than %(limit)d characters") % {"limit": expected_value},
        )
        return
    out.add(location, "invalid-value", error.message)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


# --- what a schema cannot say ----------------------------------------------------


def _check_semantics(data: dict[str, Any], out: _Collector) -> None:
    period = data["plan"]["period"]
    start, end = period["start"], period["end"]
    if end < start:
        out.add(
            ("plan", "period", "end"),
            "period-order",
            _("the period ends (%(end)d) before it starts (%(start)d)")
            % {"end": end, "start": start},
        )

    def claim_id(
        seen: dict[str, Location], item: dict[str, Any], where: Location, what: str
    ) -> None:
        if item["id"] in seen:
            out.add(
                (*where, "id"),
                "duplicate-id",
                _("the %(what)s id “%(id)s” is already used at %(other)s")
                % {"what": what, "id": item["id"], "other": format_location(seen[item["id"]])},
            )
        else:
            seen[item["id"]] = where

    def unique_ids(items: list[Any], where: Location, what: str) -> set[str]:
        seen: dict[str, Location] = {}
        for index, item in enumerate(items):
            claim_id(seen, item, (*where, index), what)
        return set(seen)

    sources = unique_ids(data.get("sources", []), ("sources",), _("source"))
    level_ids = [level["id"] for level in data["level_types"]]
    unique_ids(data["level_types"], ("level_types",), _("level type"))
    if "indicators" in level_ids:
        out.add(
            ("level_types", level_ids.index("indicators"), "id"),
            "not-allowed",
            _("“indicators” is reserved: the framework check counts indicators under that name"),
        )
    institutions = unique_ids(data.get("institutions", []), ("institutions",), _("institution"))
    dimensions = unique_ids(data.get("dimensions", []), ("dimensions",), _("dimension"))
    for index, dimension in enumerate(data.get("dimensions", [])):
        where: Location = ("dimensions", index)
        unique_ids(dimension.get("categories", []), (*where, "categories"), _("category"))
        if dimension["kind"] == "place":
            if "place_level" not in dimension:
                out.add(
                    where,
                    "missing-key",
                    _("a place dimension needs “place_level” (e.g. region)"),
                )
            if dimension.get("categories"):
                out.add(
                    (*where, "categories"),
                    "not-allowed",
                    _("a place dimension takes its categories from the places of its level"),
                )
        elif not dimension.get("categories"):
            out.add(where, "missing-key", _("this dimension needs its “categories”"))
        elif "place_level" in dimension:
            out.add(
                (*where, "place_level"),
                "not-allowed",
                _("only a place dimension has a place level"),
            )
    unique_ids(data.get("anchors", []), ("anchors",), _("anchor point"))

    def check_source(item: dict[str, Any], where: Location) -> None:
        document = item.get("source", {}).get("document")
        if document is not None and document not in sources:
            out.add(
                (*where, "source", "document"),
                "unknown-reference",
                _("unknown source document “%(id)s” (not in “sources”)") % {"id": document},
            )

    for index, institution in enumerate(data.get("institutions", [])):
        check_source(institution, ("institutions", index))

    def check_institution(reference: str, where: Location) -> None:
        if reference not in institutions:
            out.add(
                where,
                "unknown-reference",
                _("unknown institution “%(id)s” (not in “institutions”)") % {"id": reference},
            )

    def check_date(text: str, where: Location) -> date_type | None:
        try:
            return date_type.fromisoformat(text)
        except ValueError:
            out.add(where, "invalid-value", _("“%(value)s” is not a date") % {"value": text})
            return None

    unique_ids(data.get("bodies", []), ("bodies",), _("body"))
    for index, body in enumerate(data.get("bodies", [])):
        check_source(body, ("bodies", index))
        for position, member in enumerate(body.get("members", [])):
            where = ("bodies", index, "members", position)
            check_institution(member["institution"], (*where, "institution"))
            since = check_date(member["since"], (*where, "since")) if "since" in member else None
            until = check_date(member["until"], (*where, "until")) if "until" in member else None
            if since and until and until < since:
                out.add(
                    (*where, "until"),
                    "period-order",
                    _("the membership ends before it starts"),
                )
    unique_ids(data.get("funding_sources", []), ("funding_sources",), _("funding source"))
    for index, funding in enumerate(data.get("funding_sources", [])):
        where = ("funding_sources", index)
        if "institution" in funding:
            check_institution(funding["institution"], (*where, "institution"))
        elif funding["kind"] == "partner":
            out.add(where, "missing-key", _("a partner source names its institution"))

    element_ids: dict[str, Location] = {}
    indicator_ids: dict[str, Location] = {}

    def check_indicator(indicator: dict[str, Any], where: Location) -> None:
        claim_id(indicator_ids, indicator, where, _("indicator"))
        check_source(indicator, where)
        kind = indicator["type"]
        for key in ("numerator", "denominator"):
            if key in indicator and kind != "percentage":
                out.add(
                    (*where, key),
                    "not-allowed",
                    _("“%(key)s” is only for percentage indicators") % {"key": key},
                )
        if "scale" in indicator:
            if kind != "ordinal":
                out.add(
                    (*where, "scale"), "not-allowed", _("“scale” is only for ordinal indicators")
                )
            values = [level["value"] for level in indicator["scale"]]
            for position, value in enumerate(values):
                if value in values[:position]:
                    out.add(
                        (*where, "scale", position, "value"),
                        "duplicate-value",
                        _("the scale value %(value)d is given twice") % {"value": value},
                    )
        for year_text in indicator.get("targets", {}):
            year = int(year_text)
            if not start <= year <= end:
                out.add(
                    (*where, "targets", year_text),
                    "target-outside-period",
                    _("year outside the plan period %(start)d-%(end)d")
                    % {"start": start, "end": end},
                )
        baseline_year = indicator.get("baseline", {}).get("year")
        if baseline_year is not None and baseline_year > end:
            out.add(
                (*where, "baseline", "year"),
                "baseline-after-period",
                _("the baseline year %(year)d is after the plan period %(start)d-%(end)d")
                % {"year": baseline_year, "start": start, "end": end},
            )
        if kind == "yes_no":
            for year_text, value in indicator.get("targets", {}).items():
                if value not in (0, 1):
                    out.add(
                        (*where, "targets", year_text),
                        "invalid-value",
                        _("a yes/no target is 1 (yes) or 0 (no)"),
                    )
        for position, dimension in enumerate(indicator.get("disaggregations", [])):
            if dimension not in dimensions:
                out.add(
                    (*where, "disaggregations", position),
                    "unknown-reference",
                    _("unknown dimension “%(id)s” (not in “dimensions”)") % {"id": dimension},
                )
        for position, institution in enumerate(indicator.get("responsible", [])):
            check_institution(institution, (*where, "responsible", position))

    def check_codes(items: list[dict[str, Any]], where: Location, key: str) -> None:
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            code = item.get("code")
            if code is None:
                continue
            if code in seen:
                out.add(
                    (*where, key, index, "code"),
                    "duplicate-code",
                    _("the code “%(code)s” is already used by a sibling at %(other)s")
                    % {"code": code, "other": format_location((*where, key, seen[code]))},
                )
            else:
                seen[code] = index

    def check_element(element: dict[str, Any], where: Location, depth: int) -> None:
        claim_id(element_ids, element, where, _("element"))
        check_source(element, where)
        level = element["level"]
        if level not in level_ids:
            out.add(
                (*where, "level"),
                "unknown-reference",
                _("unknown level type “%(id)s” (not in “level_types”)") % {"id": level},
            )
        elif depth >= len(level_ids):
            out.add(
                (*where, "level"),
                "level-order",
                _("this element is deeper than the plan's %(count)d levels")
                % {"count": len(level_ids)},
            )
        elif level_ids.index(level) != depth:
            out.add(
                (*where, "level"),
                "level-order",
                _("expected level “%(expected)s” here, found “%(found)s”")
                % {"expected": level_ids[depth], "found": level},
            )
        for index, indicator in enumerate(element.get("indicators", [])):
            check_indicator(indicator, (*where, "indicators", index))
        check_codes(element.get("indicators", []), where, "indicators")
        check_codes(element.get("children", []), where, "children")
        for index, child in enumerate(element.get("children", [])):
            check_element(child, (*where, "children", index), depth + 1)

    for index, anchor in enumerate(data.get("anchors", [])):
        where = ("anchors", index)
        check_source(anchor, where)
        check_codes(anchor.get("indicators", []), where, "indicators")
        for position, indicator in enumerate(anchor.get("indicators", [])):
            check_indicator(indicator, (*where, "indicators", position))
    check_codes(data["levels"], (), "levels")
    for index, element in enumerate(data["levels"]):
        check_element(element, ("levels", index), 0)
    _check_operations(data, out, element_ids, institutions, check_institution, check_source)


def _check_operations(
    data: dict[str, Any],
    out: _Collector,
    element_ids: dict[str, Location],
    institutions: set[str],
    check_institution: Any,
    check_source: Any,
) -> None:
    """The operational plan and reported completion of a plan file."""
    start, end = data["plan"]["period"]["start"], data["plan"]["period"]["end"]
    sources = {item["id"] for item in data.get("funding_sources", [])}

    def check_element_reference(reference: str, where: Location) -> None:
        if reference not in element_ids:
            out.add(
                where,
                "unknown-reference",
                _("unknown framework element “%(id)s” (no element of “levels” has this id)")
                % {"id": reference},
            )

    operational = data.get("operational_plan", {})
    codes: dict[str, int] = {}
    for index, activity in enumerate(operational.get("activities", [])):
        where: Location = ("operational_plan", "activities", index)
        check_source(activity, where)
        if activity["code"] in codes:
            out.add(
                (*where, "code"),
                "duplicate-code",
                _("the activity code “%(code)s” is already used at %(other)s")
                % {
                    "code": activity["code"],
                    "other": format_location(
                        ("operational_plan", "activities", codes[activity["code"]])
                    ),
                },
            )
        codes.setdefault(activity["code"], index)
        for position, element in enumerate(activity.get("elements", [])):
            check_element_reference(element, (*where, "elements", position))
        for key in ("lead", "monitor"):
            if key in activity:
                check_institution(activity[key], (*where, key))
        for position, partner in enumerate(activity.get("partners", [])):
            check_institution(partner, (*where, "partners", position))
        if "lead" in activity and activity.get("monitor") == activity["lead"]:
            out.add(
                (*where, "monitor"),
                "monitor-is-lead",
                _("the monitoring institution must differ from the lead institution"),
            )
        for position, quarter in enumerate(activity.get("quarters", [])):
            if not start <= int(quarter[:4]) <= end:
                out.add(
                    (*where, "quarters", position),
                    "quarter-outside-period",
                    _("%(quarter)s is outside the plan period %(start)d-%(end)d")
                    % {"quarter": quarter, "start": start, "end": end},
                )
        for position, line in enumerate(activity.get("budget", [])):
            if not start <= line["year"] <= end:
                out.add(
                    (*where, "budget", position, "year"),
                    "target-outside-period",
                    _("year outside the plan period %(start)d-%(end)d")
                    % {"start": start, "end": end},
                )
            quantity = Decimal(str(line["quantity"]))
            if quantity != quantity.quantize(Decimal("0.01")):
                out.add(
                    (*where, "budget", position, "quantity"),
                    "invalid-value",
                    _("a quantity has at most 2 decimals"),
                )
            elif line["unit_cost"] * quantity > MAX_LINE_AMOUNT:
                out.add(
                    (*where, "budget", position),
                    "invalid-value",
                    _("the amount of this line is larger than %(limit)s XOF")
                    % {"limit": f"{MAX_LINE_AMOUNT:,}"},
                )
            if line["source"] not in sources:
                out.add(
                    (*where, "budget", position, "source"),
                    "unknown-reference",
                    _("unknown funding source “%(id)s” (not in “funding_sources”)")
                    % {"id": line["source"]},
                )
    for index, item in enumerate(data.get("completion", [])):
        where = ("completion", index)
        check_element_reference(item["element"], (*where, "element"))
        check_source(item, where)
        if item["completed"] > item["planned"]:
            out.add(
                (*where, "completed"),
                "invalid-value",
                _("more activities completed (%(completed)d) than planned (%(planned)d)")
                % {"completed": item["completed"], "planned": item["planned"]},
            )


# Keys whose values (or list items) are identifiers: no spaces, no line breaks.
IDENTIFIER_KEYS = {
    "id", "level", "country", "institution", "lead", "monitor", "element", "document",
    "responsible", "disaggregations", "elements", "partners", "places", "source",
}  # fmt: skip
NUMBER_KEYS = {"end_target", "value"}
MAX_DECIMALS = 4
# The largest budget line, in XOF (operations keeps the same limit).
MAX_LINE_AMOUNT = 10**15


def _check_scalars(node: Any, where: Location, out: _Collector, parent_key: str = "") -> None:
    """What neither YAML nor the schema refuses but a database would: NUL
    bytes, lone surrogates, identifiers with hidden line breaks, numbers that
    are not finite or have more decimals than are kept."""
    if isinstance(node, dict):
        for key, value in node.items():
            if parent_key == "targets" and not (str(key).isascii() and str(key).isdecimal()):
                out.add(
                    (*where, key), "invalid-value", _("“%(value)s” is not a year") % {"value": key}
                )
            if parent_key == "targets" or key in NUMBER_KEYS:
                _check_number(value, (*where, key), out)
            _check_scalars(value, (*where, key), out, str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_scalars(value, (*where, index), out, parent_key)
    elif isinstance(node, str):
        try:
            node.encode("utf-8")
        except UnicodeEncodeError:
            out.add(where, "invalid-value", _("this text has an invalid character"))
            return
        if "\x00" in node:
            out.add(where, "invalid-value", _("this text has an invalid character"))
        elif parent_key in IDENTIFIER_KEYS and node != "".join(node.split()):
            out.add(
                where,
                "invalid-value",
                _("“%(value)s” is an identifier: no spaces or line breaks")
                % {"value": node.strip()},
            )


def _check_number(value: Any, where: Location, out: _Collector) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    if isinstance(value, float) and not math.isfinite(value):
        out.add(where, "invalid-value", _("this is not a number"))
        return
    exponent = Decimal(str(value)).as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMALS:
        out.add(
            where,
            "invalid-value",
            _("%(value)s has more than %(count)d decimals")
            % {"value": value, "count": MAX_DECIMALS},
        )


def validate(data: Any) -> list[PlanFileError]:
    """All the errors of a parsed plan file, in file order; [] when it is valid."""
    out = _Collector(data)
    if not isinstance(data, dict):
        out.add((), "wrong-type", _("a plan file is a mapping of keys (format, plan, levels, …)"))
        return out.errors
    _check_scalars(data, (), out)
    if out.errors:
        return out.errors
    _schema_errors(data, out)
    if not out.errors:
        _check_semantics(data, out)
    return sorted(out.errors, key=lambda error: (error.line or 0, error.where))


def read_plan_text(text: str) -> dict[str, Any]:
    """Parse and validate a plan file's text; raise PlanFileInvalid with every error."""
    data: dict[str, Any] = parse_yaml(text)
    errors = validate(data)
    if errors:
        raise PlanFileInvalid(errors)
    return data


def read_plan_bytes(content: bytes) -> dict[str, Any]:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanFileInvalid(
            [PlanFileError((), "invalid-encoding", _("the file is not UTF-8 text"))]
        ) from exc
    return read_plan_text(text)


def read_plan_file(path: str | Path) -> dict[str, Any]:
    return read_plan_bytes(Path(path).read_bytes())


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
