"""Figures to and from DHIS2 (docs/dhis2.md), through the plan's mapping.

Export: a period's validated values as a `dataValueSets` JSON document or an
ADX XML message. Import: such a document into the reports of open periods,
as drafts through `reporting.actions.save_report` (the same rights, checks
and audit as the form); nothing is validated by an import. All or nothing:
one error anywhere and nothing is written, every error located in the file
("dataValues[3].orgUnit", "group[2]/dataValue[1]@dataElement")."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from xml.etree import ElementTree

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actors.models import ReportingUnit
from actors.permissions import may
from exchange.models import DataElementMap, OrgUnitMap, Part
from plans.models import IndicatorType, Plan
from reporting.actions import current_figures, expected_units, save_report
from reporting.entries import ReportInput, ValueInput
from reporting.models import (
    IndicatorValue,
    PeriodStatus,
    ReportingPeriod,
    Submission,
    SubmissionStatus,
)

ADX = "urn:ihe:qrph:adx:2015"
MAX_BYTES = 20 * 1024 * 1024


def dhis2_period(period: ReportingPeriod) -> str:
    """DHIS2's period: "2021Q1" for a quarter, "2021" for a year."""
    return f"{period.year}Q{period.quarter}" if period.quarter else str(period.year)


def adx_period(period: ReportingPeriod) -> str:
    """ADX's period: the first day and the length (ISO 8601)."""
    if period.quarter:
        return f"{date(period.year, 3 * period.quarter - 2, 1).isoformat()}/P3M"
    return f"{period.year}-01-01/P1Y"


def number(value: Decimal) -> str:
    return format(value.normalize(), "f")


# --- export -------------------------------------------------------------------


@dataclass
class Export:
    """What an export holds and what it had to leave out (unmapped)."""

    values: list[dict[str, Any]] = field(default_factory=list)
    unmapped_units: set[str] = field(default_factory=set)
    unmapped_figures: set[str] = field(default_factory=set)


def _data_values(period: ReportingPeriod) -> Export:
    maps = {
        (m.indicator_id, m.cell, m.part): m for m in DataElementMap.objects.filter(plan=period.plan)
    }
    org_units = {m.unit_id: m.org_unit for m in OrgUnitMap.objects.all()}
    found = Export()
    rows = (
        IndicatorValue.objects.filter(
            submission__period=period, submission__status=SubmissionStatus.VALIDATED
        )
        .select_related("indicator", "submission__unit__institution", "submission__unit__place")
        .order_by("submission__unit_id", "indicator__key", "cell")
    )
    for row in rows:
        unit = row.submission.unit
        if unit.pk not in org_units:
            found.unmapped_units.add(str(unit))
            continue
        parts: dict[str, str] = {}
        if row.text:
            parts[Part.TEXT] = row.text
        for name in (Part.VALUE, Part.NUMERATOR, Part.DENOMINATOR):
            amount = getattr(row, name)
            if amount is not None:
                parts[name] = number(amount)
        for part, value in parts.items():
            target = maps.get((row.indicator_id, row.cell, part))
            if target is None:
                found.unmapped_figures.add(f"{row.indicator.key} {row.cell} {part}".strip())
                continue
            entry = {
                "dataElement": target.data_element,
                "period": dhis2_period(period),
                "orgUnit": org_units[unit.pk],
                "categoryOptionCombo": target.category_option_combo,
                "value": value,
                "adx": target.adx,
            }
            if row.comment:
                entry["comment"] = row.comment
            found.values.append(entry)
    return found


def _require(user: Any) -> None:
    if not may(user, "exchange_data"):
        raise PermissionDenied(_("Only the Technical Management Unit exchanges data with DHIS2."))


def export_json(period: ReportingPeriod, *, by: Any) -> tuple[bytes, Export]:
    _require(by)
    found = _data_values(period)
    values = [{k: v for k, v in entry.items() if k != "adx"} for entry in found.values]
    document = {"dataValues": values}
    return json.dumps(document, ensure_ascii=False, indent=1).encode(), found


def export_adx(period: ReportingPeriod, *, by: Any) -> tuple[bytes, Export]:
    _require(by)
    found = _data_values(period)
    root = ElementTree.Element(
        "adx", {"xmlns": ADX, "exported": timezone.now().replace(microsecond=0).isoformat()}
    )
    groups: dict[str, ElementTree.Element] = {}
    for entry in found.values:
        group = groups.get(entry["orgUnit"])
        if group is None:
            group = ElementTree.SubElement(
                root, "group", {"orgUnit": entry["orgUnit"], "period": adx_period(period)}
            )
            groups[entry["orgUnit"]] = group
        value = ElementTree.SubElement(
            group,
            "dataValue",
            {"dataElement": entry["dataElement"], **entry["adx"], "value": entry["value"]},
        )
        if "comment" in entry:
            ElementTree.SubElement(value, "annotation").text = entry["comment"]
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True), found


# --- import -------------------------------------------------------------------


@dataclass(frozen=True)
class ExchangeError:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ImportRefused(Exception):
    def __init__(self, errors: list[ExchangeError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class Incoming:
    """One value as a file gives it, with where it is in the file."""

    where: str
    data_element: str
    period: str
    org_unit: str
    value: str
    category_option_combo: str = ""
    adx: dict[str, str] = field(default_factory=dict)
    comment: str = ""


@dataclass
class ImportResult:
    reports: int
    values: int
    changes: int


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def read_json(raw: bytes) -> list[Incoming]:
    """A dataValueSets document's values; top-level period, orgUnit and
    attributeOptionCombo apply to values that leave them out, as DHIS2 does."""
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f"line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise ImportRefused(
            [ExchangeError(where or "file", _("This is not a JSON document."))]
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("dataValues"), list):
        raise ImportRefused(
            [ExchangeError("dataValues", _("A dataValueSets document has a list dataValues."))]
        )
    found = []
    for index, item in enumerate(document["dataValues"]):
        where = f"dataValues[{index}]"
        if not isinstance(item, dict):
            raise ImportRefused([ExchangeError(where, _("Each value is an object."))])
        found.append(
            Incoming(
                where=where,
                data_element=_text(item.get("dataElement")),
                period=_text(item.get("period", document.get("period"))),
                org_unit=_text(item.get("orgUnit", document.get("orgUnit"))),
                value=_text(item.get("value")),
                category_option_combo=_text(item.get("categoryOptionCombo")),
                comment=_text(item.get("comment")),
            )
        )
    return found


ADX_GROUP_KEYS = {"orgUnit", "period", "dataSet", "completeDate"}


def read_adx(raw: bytes) -> list[Incoming]:
    """An ADX message's values: every attribute of a dataValue other than
    dataElement and value is a disaggregation (category code → option code)."""
    try:
        root = SafeElementTree.fromstring(raw)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as exc:
        position = getattr(exc, "position", None)
        where = f"line {position[0]}" if position else "file"
        raise ImportRefused([ExchangeError(where, _("This is not an ADX XML message."))]) from None
    if root.tag != f"{{{ADX}}}adx":
        raise ImportRefused([ExchangeError("adx", _("This is not an ADX XML message."))])
    found = []
    for g, group in enumerate(root.findall(f"{{{ADX}}}group"), start=1):
        for v, value in enumerate(group.findall(f"{{{ADX}}}dataValue"), start=1):
            attributes = dict(value.attrib)
            annotation = value.find(f"{{{ADX}}}annotation")
            found.append(
                Incoming(
                    where=f"group[{g}]/dataValue[{v}]",
                    data_element=attributes.pop("dataElement", ""),
                    period=group.get("period", ""),
                    org_unit=group.get("orgUnit", ""),
                    value=attributes.pop("value", ""),
                    adx={k: v for k, v in attributes.items() if k not in ADX_GROUP_KEYS},
                    comment=(annotation.text or "") if annotation is not None else "",
                )
            )
    return found


def _periods(plan: Plan) -> dict[str, ReportingPeriod]:
    """Both spellings of each period: DHIS2's and ADX's."""
    found = {}
    for period in ReportingPeriod.objects.filter(plan=plan, demonstration=False):
        found[dhis2_period(period)] = period
        found[adx_period(period)] = period
    return found


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and abs(value) < Decimal(10) ** 15 else None


def import_values(plan: Plan, incoming: list[Incoming], *, by: Any) -> ImportResult:
    """Write the values into the reports of their unit and period, as drafts."""
    _require(by)
    errors: list[ExchangeError] = []
    maps = list(DataElementMap.objects.filter(plan=plan).select_related("indicator"))
    by_coc = {(m.data_element, m.category_option_combo): m for m in maps}
    by_adx = {(m.data_element, frozenset(m.adx.items())): m for m in maps}
    units = {m.org_unit: m.unit for m in OrgUnitMap.objects.select_related("unit")}
    periods = _periods(plan)
    grouped: dict[tuple[int, int], list[tuple[Incoming, DataElementMap]]] = defaultdict(list)
    pairs: dict[tuple[int, int], tuple[ReportingUnit, ReportingPeriod]] = {}
    for item in incoming:
        target = (
            by_coc.get((item.data_element, item.category_option_combo))
            if item.category_option_combo or not item.adx
            else by_adx.get((item.data_element, frozenset(item.adx.items())))
        )
        if target is None and not item.category_option_combo and not item.adx:
            target = by_adx.get((item.data_element, frozenset()))  # the total, ADX-style
        unit = units.get(item.org_unit)
        period = periods.get(item.period)
        if target is None:
            errors.append(ExchangeError(f"{item.where}.dataElement", _(
                "No indicator is mapped to %(element)s with this disaggregation."
            ) % {"element": item.data_element or "∅"}))  # fmt: skip
        if unit is None:
            errors.append(ExchangeError(f"{item.where}.orgUnit", _(
                "No reporting unit is mapped to the organisation unit %(unit)s."
            ) % {"unit": item.org_unit or "∅"}))  # fmt: skip
        if period is None:
            errors.append(ExchangeError(f"{item.where}.period", _(
                "The plan has no reporting period %(period)s."
            ) % {"period": item.period or "∅"}))  # fmt: skip
        if target is None or unit is None or period is None:
            continue
        if target.part != Part.TEXT and _decimal(item.value) is None:
            errors.append(ExchangeError(f"{item.where}.value", _(
                "“%(value)s” is not a number."
            ) % {"value": item.value[:40]}))  # fmt: skip
            continue
        key = (unit.pk, period.pk)
        grouped[key].append((item, target))
        pairs[key] = (unit, period)
    if errors:
        raise ImportRefused(errors)
    changes = 0
    with transaction.atomic():
        reports = 0
        for key, items in grouped.items():
            unit, period = pairs[key]
            where = f"{items[0][0].where} ({items[0][0].org_unit} {items[0][0].period})"
            submission = _report(unit, period, where, errors)
            if submission is None:
                continue
            report = ReportInput()
            held = current_figures(submission)
            for item, target in items:
                cell_key = (target.indicator_id, target.cell)
                figure = report.values.get(cell_key) or ValueInput(
                    **vars(held.get(cell_key, ValueInput()))
                )
                figure.no_data = False
                if target.part == Part.TEXT:
                    figure.text = item.value
                else:
                    setattr(figure, target.part, _decimal(item.value))
                if item.comment:
                    figure.comment = item.comment
                if target.indicator.type == IndicatorType.PERCENTAGE:
                    figure.value = None
                report.values[cell_key] = figure
            try:
                saved = save_report(
                    submission, report, by=by, revision=None, reason=_("Imported from DHIS2")
                )
            except (ValidationError, PermissionDenied) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                errors += [ExchangeError(where, message) for message in messages]
                continue
            changes += saved.changes
            reports += 1
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportRefused(errors)
    return ImportResult(reports=reports, values=len(incoming), changes=changes)


def _report(
    unit: ReportingUnit, period: ReportingPeriod, where: str, errors: list[ExchangeError]
) -> Submission | None:
    """The unit's report for the period; made for an expected unit of an open
    period that has none yet (a unit added after the period opened)."""
    submission = Submission.objects.filter(unit=unit, period=period).first()
    if submission is None and period.status == PeriodStatus.OPEN and unit in expected_units(period):
        submission = Submission.objects.create(unit=unit, period=period)
    if submission is None:
        errors.append(ExchangeError(where, _("%(unit)s does not report for %(period)s.")
                                    % {"unit": unit, "period": period}))  # fmt: skip
    return submission


def read_file(name: str, upload: IO[bytes]) -> list[Incoming]:
    """JSON or ADX, by content (the name's extension is only a hint)."""
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ImportRefused([ExchangeError(name, _("The file is larger than 20 MB."))])
    start = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"<":
        return read_adx(raw)
    return read_json(raw)
