"""DHIS2 exchange through real HTTP: the TMU loads a mapping, exports a
period's validated values as dataValueSets JSON and as ADX, and imports
them back into draft reports: the same values come back. A malformed file
is refused with located errors and nothing is written."""

from __future__ import annotations

import json
from decimal import Decimal as D
from typing import Any
from xml.etree import ElementTree

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from exchange.models import DataElementMap, OrgUnitMap
from nap1325.models import AuditEntry
from reporting.actions import reopen, save_report, submit, validate
from reporting.entries import ReportInput, ValueInput
from reporting.models import IndicatorValue, Submission
from tests.exchange.conftest import MAPPING

pytestmark = pytest.mark.django_db


def held(report: Submission) -> dict[tuple[int, str], ValueInput]:
    return {(v.indicator_id, v.cell): ValueInput.of(v) for v in report.values.all()}


def export(world: dict[str, Any], fmt: str) -> bytes:
    period = world["period"]
    answer = world["client"].get(
        f"/en/plans/{period.plan.key}/dhis2/export/?period={period.uuid}&format={fmt}"
    )
    assert answer.status_code == 200 and "attachment" in answer["Content-Disposition"]
    assert answer["X-Unmapped"] == "0"
    return bytes(answer.content)


def upload(world: dict[str, Any], name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    plan = world["period"].plan
    return world["client"].post(
        f"/en/plans/{plan.key}/dhis2/import/", {"file": SimpleUploadedFile(name, content)}
    )


def test_the_mapping_is_loaded_and_shown(world: dict[str, Any]) -> None:
    assert DataElementMap.objects.count() == 6 and OrgUnitMap.objects.count() == 2
    page = world["client"].get(f"/en/plans/{world['period'].plan.key}/dhis2/").content.decode()
    assert "GbvCasesRep" in page and "SEX=F" in page and "MinWomenAff" in page


def test_datavaluesets_json_exported_and_reimported_gives_the_same_values(
    world: dict[str, Any],
) -> None:
    document = json.loads(export(world, "json"))
    values = {(v["dataElement"], v["categoryOptionCombo"]): v for v in document["dataValues"]}
    assert len(values) == 6
    assert values[("WomenElectd", "HllvX50cXC0")]["value"] == "3"
    assert values[("GbvCasesRep", "FemaleCoc01")] == {
        "dataElement": "GbvCasesRep", "period": "2021Q1", "orgUnit": "MinWomenAff",
        "categoryOptionCombo": "FemaleCoc01", "value": "5"}  # fmt: skip
    assert values[("MeetingsHld", "HllvX50cXC0")]["comment"] == "Two in Mopti"

    # The report is reopened and its figures changed; the import puts them back.
    report, alice, bob = world["report"], world["alice"], world["bob"]
    reopen(report, by=alice, reason="Check against DHIS2.")
    key = world["key"]
    save_report(report, ReportInput(values={
        (key["C1"], ""): ValueInput(value=D(9)),
        (key["A.2.I1"], "sex:female"): ValueInput(value=D(1)),
    }), by=bob, revision=None)  # fmt: skip
    answer = upload(world, "values.json", json.dumps(document).encode())
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert held(report) == world["figures"]
    assert Submission.objects.get(pk=report.pk).status == "draft"  # still to submit and validate
    entry = AuditEntry.objects.filter(action="value.change", user=alice).latest("pk")
    assert entry.after is not None and entry.after["reason"] == "Imported from DHIS2"

    submit(report, by=bob)
    validate(report, by=alice)
    assert json.loads(export(world, "json")) == document


def test_adx_exported_and_reimported_gives_the_same_values(world: dict[str, Any]) -> None:
    message = export(world, "adx")
    root = ElementTree.fromstring(message)
    adx = "{urn:ihe:qrph:adx:2015}"
    [group] = root.findall(f"{adx}group")
    assert group.get("period") == "2021-01-01/P3M" and group.get("orgUnit") == "MinWomenAff"
    female = [v for v in group.findall(f"{adx}dataValue") if v.get("SEX") == "F"]
    assert [(v.get("dataElement"), v.get("value")) for v in female] == [("GbvCasesRep", "5")]

    report, alice, bob = world["report"], world["alice"], world["bob"]
    reopen(report, by=alice, reason="Check against DHIS2.")
    save_report(report, ReportInput(values={
        (world["key"]["A.2.I1"], "sex:male"): ValueInput(value=D(6)),
    }), by=bob, revision=None)  # fmt: skip
    assert upload(world, "values.adx.xml", message).status_code == 302
    assert held(report) == world["figures"]


def test_a_malformed_file_is_refused_where_it_is_wrong_and_nothing_is_written(
    world: dict[str, Any],
) -> None:
    report, alice = world["report"], world["alice"]
    reopen(report, by=alice, reason="Check against DHIS2.")
    before = (list(IndicatorValue.objects.values_list("pk", "value", "numerator")),
              AuditEntry.objects.count())  # fmt: skip
    document = {"period": "2021Q1", "orgUnit": "MinWomenAff", "dataValues": [
        {"dataElement": "MeetingsHld", "categoryOptionCombo": "HllvX50cXC0", "value": "8"},
        {"dataElement": "NotMappedXX", "categoryOptionCombo": "HllvX50cXC0", "value": "1"},
        {"dataElement": "MeetingsHld", "categoryOptionCombo": "HllvX50cXC0", "value": "1",
         "orgUnit": "NoSuchUnit1"},
        {"dataElement": "MeetingsHld", "categoryOptionCombo": "HllvX50cXC0", "value": "1",
         "period": "2031Q1"},
        {"dataElement": "GbvCasesRep", "categoryOptionCombo": "FemaleCoc01", "value": "five"},
    ]}  # fmt: skip
    answer = upload(world, "values.json", json.dumps(document).encode())
    assert answer.status_code == 400
    page = answer.content.decode()
    for where in ("dataValues[1].dataElement", "dataValues[2].orgUnit", "dataValues[3].period",
                  "dataValues[4].value"):  # fmt: skip
        assert where in page
    assert "“five” is not a number." in page
    assert "dataValues[0]" not in page  # the good value is not blamed, and not written
    assert (list(IndicatorValue.objects.values_list("pk", "value", "numerator")),
            AuditEntry.objects.count()) == before  # fmt: skip

    # A report that is not editable refuses the whole file.
    submit(report, by=world["bob"])
    before = (before[0], AuditEntry.objects.count())
    good = {"dataValues": [{"dataElement": "MeetingsHld", "categoryOptionCombo": "HllvX50cXC0",
                            "period": "2021Q1", "orgUnit": "MinWomenAff", "value": "8"}]}  # fmt: skip
    refused = upload(world, "values.json", json.dumps(good).encode())
    assert (
        refused.status_code == 400 and "Only a draft or returned report" in refused.content.decode()
    )
    for broken in (b"{not json", b"<adx xmlns='urn:ihe:qrph:adx:2015'><group", b"[]",
                   b'<!DOCTYPE x [<!ENTITY a "aaaa">]><adx xmlns="urn:ihe:qrph:adx:2015">&a;</adx>'):  # fmt: skip
        assert upload(world, "broken", broken).status_code == 400
    assert (list(IndicatorValue.objects.values_list("pk", "value", "numerator")),
            AuditEntry.objects.count()) == before  # fmt: skip


def test_a_wrong_mapping_is_refused_whole(world: dict[str, Any], tmp_path: Any) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(MAPPING.replace("MeetingsHld", "1bad").replace("C1,", "Z9,")
                    .replace("ngo,", "nobody,"), encoding="utf-8")  # fmt: skip
    with pytest.raises(CommandError) as refused:
        call_command("dhis2mapping", str(path), user="alice", language="en")
    text = str(refused.value)
    assert "bad.yaml, data_elements[0].indicator: No indicator “Z9” in this plan." in text
    assert "bad.yaml, data_elements[0].data_element: A DHIS2 identifier" in text
    assert "bad.yaml, org_units[1]: No reporting unit of this institution and place." in text
    assert DataElementMap.objects.filter(data_element="MeetingsHld").exists()  # unchanged
    assert AuditEntry.objects.filter(action="dhis2.mapping").count() == 1


def test_a_mapping_that_is_not_yaml_names_its_line(world: dict[str, Any], tmp_path: Any) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(MAPPING.replace("org_units:", "org_units: [", 1), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("dhis2mapping", str(path), user="alice", language="en")
    assert str(refused.value) == "bad.yaml, line 10: This is not readable YAML."
    assert DataElementMap.objects.filter(data_element="MeetingsHld").exists()  # unchanged


def test_the_plan_page_links_to_the_exchange_for_the_tmu_only(world: dict[str, Any]) -> None:
    url = f"/en/plans/{world['period'].plan.key}/"
    assert "/dhis2/" in world["client"].get(url).content.decode()
    bob = Client()
    bob.force_login(world["bob"])
    assert "/dhis2/" not in bob.get(url).content.decode()


def test_a_mapping_takes_the_cells_the_report_form_asks_for(world: dict[str, Any]) -> None:
    """Cells come from reporting.content, places included: a region's cell of
    a percentage disaggregated by region maps; a region the country lacks does not."""
    from exchange.mapping import MappingInvalid, read_mapping
    from places.models import Place

    Place.objects.create(country="XX", code="XX-N", level="region", name_fr="Nord", name_en="North")
    entry = ("  - {indicator: A.I1, cell: '%s', part: numerator, data_element: WomenNorth1, "
             "category_option_combo: HllvX50cXC0}\n")  # fmt: skip
    head = "plan: xx-2020-2024\ndata_elements:\n"
    assert len(read_mapping(head + entry % "region:XX-N", "m.yaml").data_elements) == 1
    with pytest.raises(MappingInvalid) as refused:
        read_mapping(head + entry % "region:XX-Z", "m.yaml")
    assert (
        str(refused.value)
        == "m.yaml, data_elements[0].cell: The indicator has no cell “region:XX-Z”."
    )
