"""Reading a DHIS2 mapping file (docs/dhis2.md) and storing it: all or
nothing, every error naming the file and the entry at fault, in the
reader's language.

    plan: ml-2019-2023
    data_elements:
      - indicator: C1            # the indicator's key in the plan
        cell: ""                 # "" for the total, else "sex:female", …
        part: value              # value | numerator | denominator | text
        data_element: FTRrcoaog83
        category_option_combo: HllvX50cXC0
        adx: {}                  # for ADX: category code → option code
    org_units:
      - institution: mwa         # a reporting unit: its institution's key,
        place: ""                #   its place's code, or both
        org_unit: ImspTQPwCqd
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from actors.models import ReportingUnit
from actors.permissions import may
from exchange.models import DataElementMap, OrgUnitMap, Part
from nap1325.datafiles import DataFileInvalid, parse_yaml
from nap1325.models import audit
from plans.models import Indicator, Plan
from reporting.content import cells_of, places_for, with_disaggregations

UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")  # DHIS2's identifiers
XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,49}$")


@dataclass(frozen=True)
class MappingError:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class MappingInvalid(Exception):
    def __init__(self, errors: list[MappingError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class Mapping:
    plan: Plan
    data_elements: list[DataElementMap] = field(default_factory=list)
    org_units: list[OrgUnitMap] = field(default_factory=list)


def is_uid(text: Any) -> bool:
    return isinstance(text, str) and bool(UID.match(text))


def read_mapping(text: str, name: str) -> Mapping:
    """The mapping a file describes, checked against the database."""
    errors: list[MappingError] = []

    def error(where: str, message: str) -> None:
        errors.append(MappingError(f"{name}, {where}" if where else name, message))

    try:
        data = parse_yaml(text, name)
    except DataFileInvalid as exc:
        line = exc.errors[0].line
        error(f"line {line}" if line else "", _("This is not readable YAML."))
        raise MappingInvalid(errors) from None
    if not isinstance(data, dict):
        raise MappingInvalid([MappingError(name, _("The file must be a mapping with a plan key."))])
    plan = Plan.objects.filter(key=str(data.get("plan", ""))).first()
    if plan is None:
        raise MappingInvalid(
            [MappingError(f"{name}, plan", _("No plan “%(key)s”.") % {"key": data.get("plan")})]
        )
    mapping = Mapping(plan)
    indicators = {i.key: i for i in plan.indicators.prefetch_related(with_disaggregations())}
    places = places_for(plan.country, indicators.values())

    def cells(indicator: Indicator) -> set[str]:
        links = list(indicator.indicatordisaggregation_set.all())
        return {cell.key for cell in cells_of(indicator, links, places)}

    seen: dict[tuple[Any, ...], str] = {}

    def once(key: tuple[Any, ...], where: str) -> None:
        if key in seen:
            error(where, _("Mapped twice: see %(other)s.") % {"other": seen[key]})
        seen[key] = where

    for index, entry in enumerate(_list(data, "data_elements", name, errors)):
        where = f"data_elements[{index}]"
        if not isinstance(entry, dict):
            error(where, _("Each entry is a mapping of keys to values."))
            continue
        indicator = indicators.get(str(entry.get("indicator", "")))
        cell = str(entry.get("cell") or "")
        part = str(entry.get("part") or Part.VALUE)
        if indicator is None:
            error(f"{where}.indicator", _("No indicator “%(key)s” in this plan.")
                  % {"key": entry.get("indicator")})  # fmt: skip
        elif cell not in cells(indicator):
            error(f"{where}.cell", _("The indicator has no cell “%(cell)s”.") % {"cell": cell})
        if part not in Part.values:
            error(f"{where}.part", _("A part is one of: %(parts)s.")
                  % {"parts": ", ".join(Part.values)})  # fmt: skip
        for name_of_id in ("data_element", "category_option_combo"):
            if not is_uid(entry.get(name_of_id)):
                error(f"{where}.{name_of_id}", _("A DHIS2 identifier: 11 letters and digits, "
                                          "beginning with a letter."))  # fmt: skip
        adx = entry.get("adx") or {}
        if not isinstance(adx, dict) or not all(
            XML_NAME.match(str(k)) and isinstance(v, str | int) for k, v in adx.items()
        ):
            error(f"{where}.adx", _("ADX disaggregation: category codes to option codes."))
            adx = {}
        once(("figure", indicator, cell, part), where)
        once(("dhis2", entry.get("data_element"), entry.get("category_option_combo")), where)
        if indicator is not None:
            mapping.data_elements.append(
                DataElementMap(
                    plan=plan, indicator=indicator, cell=cell, part=part,
                    data_element=str(entry.get("data_element")),
                    category_option_combo=str(entry.get("category_option_combo")),
                    adx={str(k): str(v) for k, v in adx.items()},
                )
            )  # fmt: skip
    units = list(
        ReportingUnit.objects.filter(country=plan.country).select_related("institution", "place")
    )
    for index, entry in enumerate(_list(data, "org_units", name, errors)):
        where = f"org_units[{index}]"
        if not isinstance(entry, dict):
            error(where, _("Each entry is a mapping of keys to values."))
            continue
        institution = str(entry.get("institution") or "")
        place = str(entry.get("place") or "")
        found = [
            u for u in units
            if (u.institution.key if u.institution else "") == institution
            and (u.place.code if u.place else "") == place
        ]  # fmt: skip
        if len(found) != 1:
            error(where, _("No reporting unit of this institution and place."))
        if not is_uid(entry.get("org_unit")):
            error(f"{where}.org_unit", _("A DHIS2 identifier: 11 letters and digits, "
                                         "beginning with a letter."))  # fmt: skip
        once(("org_unit", entry.get("org_unit")), where)
        if len(found) == 1:
            once(("unit", found[0].pk), where)
            mapping.org_units.append(OrgUnitMap(unit=found[0], org_unit=str(entry.get("org_unit"))))
    if errors:
        raise MappingInvalid(errors)
    return mapping


def _list(data: dict[str, Any], key: str, name: str, errors: list[MappingError]) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        errors.append(MappingError(f"{name}, {key}", _("A list of entries.")))
        return []
    return value


def store_mapping(mapping: Mapping, *, by: Any) -> None:
    """Replace the plan's data element mapping and set the units' organisation
    units, in one transaction, audited."""
    if not may(by, "exchange_data"):
        raise PermissionDenied(_("Only the Technical Management Unit maps the plan to DHIS2."))
    with transaction.atomic():
        before = DataElementMap.objects.filter(plan=mapping.plan).count()
        DataElementMap.objects.filter(plan=mapping.plan).delete()
        DataElementMap.objects.bulk_create(mapping.data_elements)
        units = [m.unit for m in mapping.org_units]
        OrgUnitMap.objects.filter(unit__in=units).delete()
        OrgUnitMap.objects.filter(org_unit__in=[m.org_unit for m in mapping.org_units]).delete()
        OrgUnitMap.objects.bulk_create(mapping.org_units)
        audit(
            "dhis2.mapping",
            mapping.plan,
            user=by,
            before={"data_elements": before},
            after={"data_elements": len(mapping.data_elements), "org_units": len(units)},
        )


def load_mapping(path: Path | str, *, by: Any) -> Mapping:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise MappingInvalid([MappingError(path.name, _("The file is not UTF-8 text."))]) from None
    mapping = read_mapping(text, path.name)
    store_mapping(mapping, by=by)
    return mapping
