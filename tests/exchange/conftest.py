"""The DHIS2 exchange's cast: the small plan's reporting units and period,
a mapping loaded by the TMU, and a validated report of the ministry."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from actors.models import ReportingUnit
from plans.models import Indicator
from reporting.actions import open_period, save_report, submit, validate
from reporting.entries import ReportInput, ValueInput
from reporting.models import ReportingPeriod, Submission
from tests.reporting.conftest import focal_point, period, units

__all__ = ["period", "units", "world"]

MAPPING = """\
plan: xx-2020-2024
data_elements:
  - {indicator: C1, data_element: MeetingsHld, category_option_combo: HllvX50cXC0}
  - {indicator: A.I1, part: numerator, data_element: WomenElectd, category_option_combo: HllvX50cXC0}
  - {indicator: A.I1, part: denominator, data_element: SeatsFilled, category_option_combo: HllvX50cXC0}
  - {indicator: A.2.I1, data_element: GbvCasesRep, category_option_combo: HllvX50cXC0}
  - {indicator: A.2.I1, cell: "sex:female", data_element: GbvCasesRep, category_option_combo: FemaleCoc01, adx: {SEX: F}}
  - {indicator: A.2.I1, cell: "sex:male", data_element: GbvCasesRep, category_option_combo: MaleCoc0001, adx: {SEX: M}}
org_units:
  - {institution: mwa, org_unit: MinWomenAff}
  - {institution: ngo, org_unit: WomenNetwrk}
"""


@pytest.fixture
def world(period: ReportingPeriod, units: dict[str, ReportingUnit], alice: Any,
          tmp_path: Any) -> dict[str, Any]:  # fmt: skip
    path = tmp_path / "mapping.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    call_command("dhis2mapping", str(path), user="alice", language="en")
    open_period(period, by=alice)
    plan = period.plan
    key = {k: Indicator.objects.get(plan=plan, key=k).pk for k in ("C1", "A.I1", "A.2.I1")}
    bob = focal_point("bob-dhis2", units["mwa"])
    report = Submission.objects.get(period=period, unit=units["mwa"])
    figures = {
        (key["C1"], ""): ValueInput(value=D(4), comment="Two in Mopti"),
        (key["A.I1"], ""): ValueInput(numerator=D(3), denominator=D(10)),
        (key["A.2.I1"], ""): ValueInput(value=D(7)),
        (key["A.2.I1"], "sex:female"): ValueInput(value=D(5)),
        (key["A.2.I1"], "sex:male"): ValueInput(value=D(2)),
    }
    save_report(report, ReportInput(values=figures), by=bob, revision=None)
    submit(report, by=bob)
    validate(report, by=alice)
    client = Client()
    client.force_login(alice)
    return {"period": period, "report": report, "bob": bob, "alice": alice, "client": client,
            "figures": figures, "key": key}  # fmt: skip
