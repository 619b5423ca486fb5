"""The mobile form of a report: an XLSForm that pyxform (the reference
converter of ODK and KoboToolbox) turns into an XForm without a warning, in
French and English, whose constraints are the report's checks, and whose
hidden fields say which report, which revision, and what every name means."""

from __future__ import annotations

import io
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import translation
from openpyxl import Workbook, load_workbook
from pyxform.xls2xform import convert

from collection.xlsform import (
    XLSFormInvalid,
    build_xlsform,
    layout_of,
    report_form,
    xform_of,
)
from operations.models import BudgetLine
from plans.models import DimensionCategory
from reporting.actions import save_report
from reporting.content import expected
from reporting.entries import ActivityInput, ReportInput, ValueInput
from reporting.models import Submission, ValidationRule

pytestmark = pytest.mark.django_db

XFORMS = "{http://www.w3.org/2002/xforms}"
FRENCH, ENGLISH = "Français (fr)", "English (en)"


def sheets(xlsx: bytes) -> dict[str, list[dict[str, Any]]]:
    book = load_workbook(io.BytesIO(xlsx))
    found: dict[str, list[dict[str, Any]]] = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        header = [str(cell) for cell in rows[0]]
        found[sheet.title] = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    return found


def binds(xform: str) -> dict[str, dict[str, str]]:
    model = ET.fromstring(xform).find(f".//{XFORMS}model")
    assert model is not None
    return {
        bind.attrib["nodeset"].rsplit("/", 1)[-1]: bind.attrib
        for bind in model.iter(f"{XFORMS}bind")
    }


def itext(xform: str, language: str) -> dict[str, str]:
    model = ET.fromstring(xform).find(f".//{XFORMS}model")
    assert model is not None
    for translation_node in model.iter(f"{XFORMS}translation"):
        if translation_node.attrib["lang"] == language:
            return {
                text.attrib["id"]: "".join(text.itertext())
                for text in translation_node.iter(f"{XFORMS}text")
            }
    raise AssertionError(language)


def test_the_form_converts_with_pyxform_in_french_and_english(mali_report: Submission) -> None:
    xlsx = build_xlsform(mali_report)
    form = sheets(xlsx)
    assert list(form) == ["survey", "choices", "settings"]
    survey = form["survey"]
    assert {f"label::{FRENCH}", f"label::{ENGLISH}", f"hint::{FRENCH}", f"hint::{ENGLISH}",
            f"constraint_message::{FRENCH}", f"constraint_message::{ENGLISH}"} <= set(survey[0])  # fmt: skip
    [settings] = form["settings"]
    assert settings["default_language"] == ENGLISH  # the language of the download
    assert settings["form_id"] == f"nap1325-{mali_report.uuid}"
    assert settings["version"].startswith("0-")
    # Every question and group people see has its label in both languages.
    shown = [row for row in survey if row["type"] not in ("calculate", "end_group")]
    assert all(row[f"label::{FRENCH}"] and row[f"label::{ENGLISH}"] for row in shown)
    groups = {row["name"]: row for row in survey if row["type"] == "begin_group"}
    assert list(groups) == [
        "i_coordination_I1", "i_monitoring_evaluation_I1", "i_P1_OBJ_I1", "i_P1_R1_I1",
        "i_P1_R2_O2_I1", "i_P2_R3_O2_I1", "a_MOB_1", "a_MOB_2", "narrative",
    ]  # fmt: skip
    coordination = groups["i_coordination_I1"]
    assert coordination[f"label::{FRENCH}"].startswith("coordination.I1 — Nombre de réunions")
    assert coordination[f"label::{ENGLISH}"].startswith("coordination.I1 — Number of meetings")
    assert groups["a_MOB_1"][f"label::{FRENCH}"] == "MOB-1 — Former les médiatrices"
    assert {(c["list_name"], c["name"], c[f"label::{FRENCH}"], c[f"label::{ENGLISH}"])
            for c in form["choices"]} >= {
        ("yes_no", "yes", "Oui", "Yes"),
        ("i_P1_R1_I1__scale", "2", "2 — Moyen", "2 — Medium"),
        ("activity_status", "ongoing", "En cours", "Ongoing"),
    }  # fmt: skip

    xform = xform_of(xlsx)
    french, english = itext(xform, FRENCH), itext(xform, ENGLISH)
    label = "/data/i_coordination_I1/i_coordination_I1__committee_committee_monitoring:label"
    assert (french[label], english[label]) == (
        "Comité national de suivi",
        "National Monitoring Committee",
    )
    message = "/data/a_MOB_1/a_MOB_1__progress:jr:constraintMsg"
    assert english[message] == "Progress is a percentage, from 0 to 100."
    assert french[message] != english[message]


def test_the_xform_holds_the_reports_checks(mali_report: Submission) -> None:
    bound = binds(xform_of(build_xlsform(mali_report)))

    # Hidden: which report, which revision, what the names mean.
    layout = layout_of(expected(mali_report))
    assert bound["report_uuid"]["calculate"] == f"'{mali_report.uuid}'"
    assert bound["report_revision"]["calculate"] == "0"
    assert bound["form_layout"]["calculate"] == f"'{layout.digest}'"
    # A count is a whole number, 0 or more; its breakdown adds up to its total;
    # the TMU's rule: at most 12 meetings.
    total = bound["i_coordination_I1__total"]
    assert total["type"] == "int"
    assert ". >= 0" in total["constraint"] and ". <= 12" in total["constraint"]
    group = "/data/i_coordination_I1/i_coordination_I1"
    assert bound["i_coordination_I1__sum"]["calculate"] == (
        f"coalesce( {group}__committee_committee_monitoring , 0) + "
        f"coalesce( {group}__committee_committee_steering , 0)"
    )
    assert f"( {group}__given  < 2 or abs( {group}__sum  - .) < 0.00005)" in total["constraint"]
    cell = bound["i_coordination_I1__committee_committee_steering"]
    assert cell["relevant"] == f" {group}__no_data  != 'yes'"
    assert cell["constraint"].endswith(
        f"( {group}__total  = '' or  {group}__sum  - coalesce( "
        f"{group}__committee_committee_steering , 0) + . <=  {group}__total  + 0.00005)"
    )
    # A percentage asks its numerator and denominator: 0 < denominator, numerator ≤ denominator.
    denominator = bound["i_P1_R2_O2_I1__total__den"]
    assert denominator["type"] == "decimal"
    assert (
        "(. > 0) and ( /data/i_P1_R2_O2_I1/i_P1_R2_O2_I1__total__num  = '' or  /data/i_P1_R2_O2_I1/i_P1_R2_O2_I1__total__num  <= .)"
        in denominator["constraint"]
    )
    # The TMU's warning (below 10 %) asks for a comment, as the site does before submitting.
    comment = bound["i_P1_R2_O2_I1__comment"]
    assert comment["required"].endswith("/data/i_P1_R2_O2_I1/i_P1_R2_O2_I1__total__den ) < 10)")
    assert bound["a_MOB_1__progress"]["constraint"] == ". >= 0 and . <= 100"
    assert (bound["a_MOB_1__line1"]["type"], bound["a_MOB_1__line1"]["constraint"]) == (
        "int",
        ". >= 0",
    )
    assert bound["i_P1_OBJ_I1__total"]["type"] == "string"  # narrative


def test_the_form_shows_what_the_report_holds(mali_report: Submission, fatou: User) -> None:
    plan = mali_report.period.plan
    coordination = plan.indicators.get(key="coordination.I1")
    monitoring = plan.indicators.get(key="monitoring-evaluation.I1")
    activity = expected(mali_report).activities[0].version.activity_id  # type: ignore[attr-defined]
    save_report(
        mali_report,
        ReportInput(
            values={(coordination.pk, ""): ValueInput(value=Decimal(3)),
                    (monitoring.pk, ""): ValueInput(no_data=True)},
            activities={activity: ActivityInput("ongoing", 40)},
        ),
        by=fatou, revision=0,
    )  # fmt: skip
    mali_report.refresh_from_db()
    defaults = {row.get("name"): row.get("default") for row in report_form(mali_report).survey}
    assert defaults["i_coordination_I1__total"] == "3"
    assert defaults["i_monitoring_evaluation_I1__no_data"] == "yes"
    assert (defaults["a_MOB_1__status"], defaults["a_MOB_1__progress"]) == ("ongoing", "40")
    assert report_form(mali_report).settings["version"].startswith("1-")
    xform_of(build_xlsform(mali_report))


def test_names_say_what_they_hold_and_the_layout_what_they_mean(mali_report: Submission) -> None:
    layout = layout_of(expected(mali_report))
    assert all(name.replace("_", "").isalnum() for name in layout.questions)
    with translation.override("fr"):
        assert layout_of(expected(mali_report)).digest == layout.digest  # not the language
    # A rule or a label changes the form, not what its names mean.
    ValidationRule.objects.filter(plan=mali_report.period.plan).update(message_en="Check it.")
    assert layout_of(expected(mali_report)).digest == layout.digest
    # A new category, or a budget line whose amount changed, change the meaning.
    committee = DimensionCategory.objects.filter(dimension__key="committee").first()
    assert committee is not None
    DimensionCategory.objects.create(dimension=committee.dimension, key="committee-extra",
                                     name_fr="Autre", name_en="Other", position=9)  # fmt: skip
    with_category = layout_of(expected(mali_report)).digest
    assert with_category != layout.digest
    BudgetLine.objects.filter(activity_version__code="MOB-2").update(amount=1)
    assert layout_of(expected(mali_report)).digest not in (layout.digest, with_category)


def test_a_form_pyxform_refuses_is_not_handed_out() -> None:
    book = Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    survey.append(["type", "name", "label"])
    survey.append(["integer", "twice", "A"])
    survey.append(["integer", "twice", "B"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(XLSFormInvalid, match="twice"):
        xform_of(buffer.getvalue())


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate runs on Java")
def test_odk_validate_accepts_the_form(mali_report: Submission) -> None:
    """JavaRosa, the engine of ODK Collect, parses every expression."""
    warnings: list[str] = []
    convert(xlsform=build_xlsform(mali_report), warnings=warnings, validate=True,
            file_type=".xlsx")  # fmt: skip
    assert warnings == []
