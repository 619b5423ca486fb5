"""Mutated workbooks fed to the operational-plan and report imports: random
cells changed, rows and sheets removed, the file cut short. Each is imported
whole or refused with located errors — never another exception, never a
partial write."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from nap1325.models import AuditEntry
from operations.actions import adopt, create_operational_plan
from operations.models import ActivityVersion, BudgetLine, OperationalPlan
from operations.workbook import WorkbookInvalid, build_workbook, import_workbook
from reporting.actions import open_period
from reporting.models import IndicatorValue, ReportingPeriod, Submission
from reporting.workbook import build_report_workbook, import_report_workbook
from tests.reporting.conftest import period, units
from tests.support import fuzzing

__all__ = ["period", "units"]  # the reporting cast, as fixtures

pytestmark = pytest.mark.django_db

FUZZ = fuzzing(15)
# What a spreadsheet can hold (openpyxl refuses control characters on writing).
PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs"))
BUILT: dict[tuple[str, int], bytes] = {}  # each workbook built once per test
CELL = (
    st.none() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True) | st.text(max_size=20)
    | st.sampled_from(["=1+1", "=A1", "2021-Q2", "ACT1", "nb", "-5", "1e400", "x" * 5000])
    | st.just(datetime(2021, 2, 3))
)  # fmt: skip
EDIT = st.tuples(st.integers(0, 3), st.integers(1, 40), st.integers(1, 30), CELL)
DAMAGE = st.sampled_from(["none", "cut", "drop_sheet", "delete_rows", "not_a_zip"])


def damaged(content: bytes, edits: list[Any], damage: str) -> io.BytesIO:
    if damage == "not_a_zip":
        return io.BytesIO(b"PK\x03\x04" + content[100:400])
    book = load_workbook(io.BytesIO(content))
    for sheet_index, row, column, value in edits:
        sheet = book.worksheets[sheet_index % len(book.worksheets)]
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        sheet.cell(row=row, column=column, value=value)
    if damage == "drop_sheet":
        book.remove(book.worksheets[0])
    elif damage == "delete_rows":
        book.worksheets[0].delete_rows(1, 2)
    out = io.BytesIO()
    book.save(out)
    if damage == "cut":
        return io.BytesIO(out.getvalue()[: len(out.getvalue()) // 2])
    out.seek(0)
    return out


@pytest.fixture
def draft(costed: OperationalPlan, alice: Any) -> OperationalPlan:
    adopt(costed, by=alice)
    return create_operational_plan(costed.plan, year=2021, by=alice)


def operational_state(version: OperationalPlan) -> Any:
    return (
        sorted(ActivityVersion.objects.filter(operational_plan=version).values_list("code", "title_en", "lead_id")),
        sorted(BudgetLine.objects.filter(activity_version__operational_plan=version).values_list("pk", "amount")),
        AuditEntry.objects.count(),
    )  # fmt: skip


@FUZZ
@given(edits=st.lists(EDIT, max_size=6), damage=DAMAGE)
def test_mutated_operational_workbooks_import_whole_or_are_refused(
    edits: list[Any], damage: str, draft: OperationalPlan, alice: Any
) -> None:
    before = operational_state(draft)
    content = BUILT.get(("plan", draft.pk)) or build_workbook(draft)
    BUILT[("plan", draft.pk)] = content
    upload = damaged(content, edits, damage)
    try:
        import_workbook(draft, upload, by=alice)
    except WorkbookInvalid as refused:
        assert refused.errors and all(error.message for error in refused.errors)
        assert operational_state(draft) == before, "a refused workbook wrote something"


@FUZZ
@given(edits=st.lists(EDIT, max_size=6), damage=DAMAGE)
def test_mutated_report_workbooks_import_whole_or_are_refused(
    edits: list[Any], damage: str, period: ReportingPeriod, units: Any, alice: Any
) -> None:
    if period.status != "open":
        open_period(period, by=alice)
    report = Submission.objects.get(period=period, unit=units["mwa"])
    before = (
        sorted(IndicatorValue.objects.filter(submission=report).values_list("pk", "value")),
        AuditEntry.objects.count(),
    )
    content = BUILT.get(("report", report.pk)) or build_report_workbook(report)
    BUILT[("report", report.pk)] = content
    upload = damaged(content, edits, damage)
    try:
        import_report_workbook(Submission.objects.get(pk=report.pk), upload, by=alice)
    except WorkbookInvalid as refused:
        assert refused.errors and all(error.message for error in refused.errors)
        after = (
            sorted(IndicatorValue.objects.filter(submission=report).values_list("pk", "value")),
            AuditEntry.objects.count(),
        )
        assert after == before, "a refused workbook wrote something"
