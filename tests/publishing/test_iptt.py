"""The IPTT workbook: the dashboards' numbers period by period, worked out
by hand on the small plan; the public copy holds published years only and
no small count of a sensitive indicator."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from actors.models import Institution, ReportingUnit
from nap1325.tables import HIDDEN
from places.models import Place
from plans.models import Indicator, Plan
from publishing import iptt
from publishing.iptt import iptt_table, plan_to_date
from publishing.models import Publication
from reporting.models import IndicatorValue, ReportingPeriod, Submission

pytestmark = pytest.mark.django_db

Table = dict[tuple[str, str], dict[tuple[str, str], Any]]


@pytest.fixture
def world(xx: Plan) -> dict[str, Any]:
    """2021: the ministry (mwa) and the network (ngo) report four quarters."""
    for code in ("XX-N", "XX-S"):
        Place.objects.create(country="XX", code=code, level="region", name_fr=code, name_en=code)
    units = {
        key: ReportingUnit.objects.create(
            country="XX", institution=Institution.objects.get(country="XX", key=key)
        )
        for key in ("mwa", "ngo")
    }
    reports = {}
    for quarter in (1, 2, 3, 4):
        period = ReportingPeriod.objects.create(
            plan=xx, kind="quarter", year=2021, quarter=quarter,
            opens_on=date(2021, 3 * quarter, 1), deadline=date(2021, 3 * quarter, 28),
        )  # fmt: skip
        for key, unit in units.items():
            status = "submitted" if quarter == 3 else "validated"
            reports[key, quarter] = Submission.objects.create(
                period=period, unit=unit, status=status
            )

    def put(key: str, quarter: int, indicator: str, cell: str = "", **figure: Any) -> None:
        IndicatorValue.objects.create(
            submission=reports[key, quarter],
            indicator=Indicator.objects.get(plan=xx, key=indicator),
            cell=cell,
            **figure,
        )

    # Meetings held: cumulative, target 4 in 2021, baseline 0.
    put("mwa", 1, "C1", value=D(1))
    put("mwa", 2, "C1", value=D(3))
    put("mwa", 3, "C1", value=D(9))  # submitted: not counted unless asked
    # Share of elected women by region: 40 / 100, not the mean of 25 % and 50 %.
    for key, total, north, south in (("mwa", (10, 40), (4, 20), (6, 20)),
                                     ("ngo", (30, 60), (10, 30), (20, 30))):  # fmt: skip
        for cell, (numerator, denominator) in (("", total), ("region:XX-N", north),
                                               ("region:XX-S", south)):  # fmt: skip
            put(key, 1, "A.I1", cell, numerator=D(numerator), denominator=D(denominator))
    # Cases reported (sensitive, periodic, by sex): 12 = 9 + 3 in Q1, 20 = 12 + 8 in Q2.
    for quarter, female, male in ((1, 9, 3), (2, 12, 8)):
        put("mwa", quarter, "A.2.I1", value=D(female + male))
        put("mwa", quarter, "A.2.I1", "sex:female", value=D(female))
        put("mwa", quarter, "A.2.I1", "sex:male", value=D(male))
    # Budget spent: the ministry says "no data" in Q1.
    put("mwa", 1, "B.I1", no_data=True)
    return {"plan": xx, "units": units}


def read(content: bytes) -> tuple[Any, Table]:
    """The workbook and its table: (code, disaggregation) → (period, column) → value."""
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    titles, columns = (list(row) for row in sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    keys: list[tuple[str, str]] = []
    group = ""
    for index, column in enumerate(columns):
        if index >= 9 and (index - 9) % 3 == 0:
            group = str(titles[index] or "")
        keys.append((group if index >= 9 else "", str(column)))
    table: Table = {}
    for row in sheet.iter_rows(min_row=3, values_only=True):
        table[str(row[0]), str(row[2] or "")] = dict(zip(keys, row, strict=True))
    return book, table


def download(client: Client, plan: Plan, query: str = "", language: str = "en") -> bytes:
    response = client.get(f"/{language}/plans/{plan.key}/iptt.xlsx{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def test_a_private_reader_gets_every_figure_by_the_dashboards_rules(
    client: Client, world: dict[str, Any], alice: Any
) -> None:
    client.force_login(alice)
    book, table = read(download(client, world["plan"]))
    assert book.sheetnames == ["IPTT", "Read me"]
    assert book.worksheets[0].freeze_panes == "D3"
    meetings = table["C1", ""]
    # A quarter: its own figure, the year to date and the % of the year's target.
    assert meetings["2021 Q2", "Actual (quarter)"] == 3
    assert meetings["2021 Q2", "Year to date"] == 3
    assert meetings["2021 Q2", "Percent of year's target"] == pytest.approx(0.75)
    # A cumulative indicator's year is its latest figure, not 1 + 3.
    assert meetings["2021", "Target"] == 4
    assert meetings["2021", "Actual"] == 3
    assert meetings["2021", "Percent of target"] == pytest.approx(0.75)
    # No figure is a dash, never 0: Q3's report is only submitted, Q4 has none.
    assert meetings["2021 Q3", "Actual (quarter)"] == "—"
    assert meetings["2021 Q4", "Actual (quarter)"] == "—"
    assert table["B.I1", ""]["2021 Q1", "Actual (quarter)"] == "—"  # "no data" said
    assert meetings["2020", "Actual"] == "—" and meetings["2020", "Target"] == 4
    # A percentage is recomputed from its parts: 40 / 100.
    share = table["1.a", ""]
    assert share["2021 Q1", "Actual (quarter)"] == 40
    assert share["2021", "Target"] == "—"  # the plan sets none for 2021
    # Plan to date against the end-of-plan target 30 from the baseline 12.5.
    plan_to_date = "Plan to date (2020–2024)"
    assert share[plan_to_date, "End-of-plan target"] == 30
    assert share[plan_to_date, "Percent of target"] == pytest.approx(1.571)
    # Its regions beneath it: 14 / 50 and 26 / 50.
    assert table["1.a", "Region: XX-N"]["2021 Q1", "Actual (quarter)"] == 28
    assert table["1.a", "Region: XX-S"]["2021 Q1", "Actual (quarter)"] == 52
    # A periodic count: each quarter's cases, the year their sum, by sex.
    cases = table["A.2.I1", ""]
    assert (cases["2021 Q1", "Actual (quarter)"], cases["2021 Q2", "Actual (quarter)"]) == (12, 20)
    assert cases["2021 Q2", "Year to date"] == 32 and cases["2021", "Actual"] == 32
    male = table["A.2.I1", "Sex: Male"]
    assert (male["2021 Q1", "Actual (quarter)"], male["2021", "Actual"]) == (3, 11)
    assert male["2021", "Target"] is None  # a category has no target
    assert table["A.2.I1", "Sex: Female"]["2021 Q2", "Year to date"] == 21


def test_the_tmu_may_count_submitted_reports(
    client: Client, world: dict[str, Any], alice: Any
) -> None:
    client.force_login(alice)
    _book, table = read(download(client, world["plan"], "?submitted=1"))
    meetings = table["C1", ""]
    assert meetings["2021 Q3", "Actual (quarter)"] == 9
    assert meetings["2021", "Actual"] == 9
    assert meetings["2021", "Percent of target"] == pytest.approx(2.25)


def test_the_public_gets_published_years_and_no_small_count(
    client: Client, world: dict[str, Any]
) -> None:
    Publication.objects.create(plan=world["plan"], year=2021, kind="data")
    book, table = read(download(client, world["plan"], "?submitted=1"))
    headers = [cell.value for cell in book.worksheets[0][1] if cell.value]
    assert headers == ["2021 Q1", "2021 Q2", "2021 Q3", "2021 Q4", "2021"]  # no plan to date
    assert table["C1", ""]["2021", "Actual"] == 3  # validated only, whatever is asked
    cases = [value for key, row in table.items() if key[0] == "A.2.I1" for value in row.values()]
    assert 3 not in cases  # the three male cases of Q1
    assert 8 not in cases  # with it, 11 − 8 would give them away
    assert "suppressed" in cases
    assert table["A.2.I1", ""]["2021", "Actual"] == 32  # the total stays
    readme = [row[0] for row in book["Read me"].iter_rows(values_only=True)]
    assert "Published years only: 2021." in readme


def test_nothing_published_nothing_shown(client: Client, world: dict[str, Any]) -> None:
    book, table = read(download(client, world["plan"]))
    assert [cell.value for cell in book.worksheets[0][1] if cell.value] == []
    assert table["C1", ""]["", "Baseline"] == 0  # the plan itself is public
    readme = [row[0] for row in book["Read me"].iter_rows(values_only=True)]
    assert "No figures of this plan have been published yet." in readme


def test_in_french(client: Client, world: dict[str, Any], alice: Any) -> None:
    client.force_login(alice)
    book, table = read(download(client, world["plan"], language="fr"))
    sheet = book.worksheets[0]
    assert sheet.cell(row=2, column=2).value == "Indicateur"
    assert table["C1", ""]["", "Indicateur"] == "Réunions tenues"
    assert "Sexe: Masculin" in {key[1] for key in table}


def test_the_number_of_queries_does_not_grow_with_the_indicators(world: dict[str, Any]) -> None:
    plan = world["plan"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            iptt_table(plan, public=False)
        return len(context.captured_queries)

    before = queries()
    anchor = plan.anchors.get()
    for number in range(10):
        Indicator.objects.create(
            plan=plan, anchor=anchor, key=f"C{number + 10}", type="count", position=number + 10
        )
    assert queries() == before


def test_the_plan_to_date_stops_at_the_first_year_not_shown(xx: Plan) -> None:
    assert plan_to_date(xx, [2020, 2021, 2023]) == (2020, 2021)  # 2023 never joins 2021
    assert plan_to_date(xx, [2021, 2022]) is None  # the first year is not shown
    assert plan_to_date(xx, list(xx.years)) == (2020, 2024)


def test_the_table_reads_no_map_and_still_hides_what_the_maps_hide(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The IPTT draws no map, so it reads the regions only where the public's
    protection needs them (sensitive indicators): the table is the same as
    when every indicator's regions are read."""
    plan = world["plan"]
    Publication.objects.create(plan=plan, year=2021, kind="data")
    north, south = Place.objects.get(code="XX-N"), Place.objects.get(code="XX-S")
    ReportingUnit.objects.filter(institution__key="mwa").update(place=north)
    ReportingUnit.objects.filter(institution__key="ngo").update(place=south)
    # A small count in one region only: the network's two cases of Q2.
    ngo_q2 = Submission.objects.get(unit__institution__key="ngo", period__quarter=2)
    cases = Indicator.objects.get(plan=plan, key="A.2.I1")
    for cell, value in (("", 2), ("sex:female", 1), ("sex:male", 1)):
        IndicatorValue.objects.create(submission=ngo_q2, indicator=cases, cell=cell, value=D(value))

    def lines(table: Any) -> list[tuple[str, str, list[Any]]]:
        return [(line.indicator.key, line.key, line.cells) for line in table.lines]

    def read_all() -> tuple[list[Any], list[Any], int]:
        """The public table, the TMU's, and the queries of the TMU's."""
        public = lines(iptt_table(plan, public=True))
        with CaptureQueriesContext(connection) as queries:
            private = lines(iptt_table(plan, public=False))
        return public, private, len(queries.captured_queries)

    lean = read_all()
    every_map = iptt.figures
    monkeypatch.setattr(iptt, "figures", lambda scope, reading, **_: every_map(scope, reading))
    full = read_all()
    assert lean[:2] == full[:2]
    assert any(cell is HIDDEN for _key, line, cells in lean[0] if line for cell in cells)
    assert lean[2] < full[2]  # the TMU's table reads no region at all
